"""Stalls (issue 22 item 4): how long a freeze lasts, in days at any step length.

A shock's freeze is either a whole number of ``weeks`` (as before) or ``freeze_days``, a number of days that may
be a distribution (drawn once per run, like every number: ``{dist: triangular, low: 14, mode: 30, high: 90,
assumption: ...}``), a parameter ``<shock>.freeze_days`` in [0, 3650] listed by ``params``, settable with
``--set``, screened.

```yaml
calendar:
  shocks:
    - {id: incident, name: Border incident, hazard: {...}, freezes: [talks],
       freeze_days: {dist: uniform, low: 10, high: 60, assumption: ...}}
```

A freeze of ``D`` days that comes in step ``k`` holds for the rest of that step and then for ``D`` days: the steps
whose first day falls before the next step's first day plus ``D`` are frozen (with ``D = 7 * weeks`` this is the
``weeks`` rule exactly, at any step length).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, model_validator

from .base import MilestoneRef, Param, Strict

#: the allowed range of a freeze's length in days
FREEZE_DAYS_RANGE = (0, 3650)


def frozen_until(step_days: int, k: int, days) -> np.ndarray | int:
    """The last step frozen by a freeze of ``days`` (a number or per-run array) that comes in step ``k``: the rest
    of step k, then ``days`` days (every later step whose first day falls within them)."""
    extra = np.ceil(np.asarray(days, dtype=float) / step_days - 1e-9).astype(np.int64)
    return k + np.maximum(extra, 0)


def freeze_words(weeks: int, freeze_days, describe) -> str:
    """How long a freeze lasts, in words (``describe``: a number in words)."""
    if freeze_days is None:
        return f"{weeks} weeks"
    return f"{describe(freeze_days)} days" + ("" if freeze_days.dist == "fixed" else " (drawn per run)")


def resume_weeks(p, u) -> np.ndarray:
    """Whole weeks a suspension lasts when it resumes with weekly chance ``p``, from uniforms ``u``: the number of
    weeks before the first success, ``P(W >= w) = (1 - p) ** w`` (10 ** 5 weeks when ``p`` is 0: never)."""
    p, u = np.asarray(p, float), np.asarray(u, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.floor(np.log(np.maximum(u, 1e-300)) / np.log1p(-np.minimum(p, 1.0)))
    return np.where(p >= 1.0, 0.0, np.where(p <= 0.0, 1e5, np.minimum(w, 1e5)))


class Freezes(Strict):
    """``freezes: {milestones: [...], days: ...}`` on a milestone: when it happens, the listed milestones (or tracks,
    or ladders) are frozen for the rest of that step and then for ``days`` days (a number or a distribution, drawn
    per run; parameter ``<id>.freezes.days``), as a shock freezes them."""

    milestones: list[MilestoneRef] = Field(min_length=1, description="milestones (or tracks, ladders) it freezes")
    days: Param | None = Field(default=None, description="for how many days, after the rest of the step it "
                               "happens in")
    resume: Param | None = Field(default=None, description="instead of 'days': the weekly chance that the frozen "
                                 "steps resume (a suspension lifted after a whole number of weeks, drawn each time "
                                 "it happens)")

    @model_validator(mode="after")
    def _days_or_resume(self):
        if (self.days is None) == (self.resume is None):
            raise ValueError("give 'days' (how long) or 'resume' (a weekly chance to resume), exactly one")
        return self

    @staticmethod
    def slot(owner: str) -> str:
        return f"resume:{owner}"

    def slots(self, owner: str) -> list[str]:
        """Its draw slots: one per happening when it resumes with a chance."""
        return [self.slot(owner)] if self.resume is not None else []

    def parameters(self, owner: str, path: tuple):
        if self.days is not None:
            yield f"{owner}.freezes.days", self.days, (*path, "freezes", "days")
        else:
            yield f"{owner}.freezes.resume", self.resume, (*path, "freezes", "resume")

    def ranges(self, owner: str) -> dict:
        return {f"{owner}.freezes.days": FREEZE_DAYS_RANGE, f"{owner}.freezes.resume": (0, 1)}

    def units(self, owner: str) -> dict:
        """Its numbers' units (lang/estimable.py): ``resume`` is a weekly chance (``chance_within`` may state it)."""
        from .estimable import WEEKLY_CHANCE

        return {f"{owner}.freezes.resume": WEEKLY_CHANCE} if self.resume is not None else {}

    def check(self, ctx, path: tuple, m) -> None:
        for n, target in enumerate(self.milestones):
            where = (*path, "freezes", "milestones", n)
            if ctx.ref(where, target, "milestone or track", pool=ctx.pools["freezable"]) and target == m.id:
                ctx.error(where, f"'{m.id}' cannot freeze itself")

    def words(self, w, describe) -> str:
        what = ", ".join(w.name(t) for t in self.milestones)
        if self.resume is not None:
            return f"freezes {what} until they resume (weekly chance {describe(self.resume)})"
        return f"freezes {what} for {freeze_words(0, self.days, describe)}"

    def sentences(self, c, owner, describe) -> list[str]:
        """'When Security incident happens, Political track is frozen for 10 to 60 days ...' or, a suspension,
        'When Damascus suspends the talks happens, Political track stays suspended until it resumes, with a weekly
        chance of 30% ...'."""
        w = c.words
        what = ", ".join(w.name(t) for t in self.milestones)
        if self.resume is not None:
            return [f"When {w.name(owner.id)} happens, {what} stays suspended until it resumes, with a weekly chance "
                    f"of {c.words.chance(self.resume, describe)} (a suspension: drawn afresh each time)."]
        return [f"When {w.name(owner.id)} happens, {what} is frozen for the rest of that {w.step.one} and then for "
                f"{freeze_words(0, self.days, describe)}."]

    @classmethod
    def example(cls, draw, targets: list[str], number) -> dict:
        """Freezes for generated scenarios (``testing.scenarios``): ``number`` draws a Param mapping."""
        from hypothesis import strategies as st

        out = {"milestones": draw(st.lists(st.sampled_from(targets), min_size=1, max_size=2, unique=True))}
        if draw(st.booleans()):  # a suspension that resumes with a weekly chance
            return {**out, "resume": {"value": draw(st.sampled_from([0.0, 0.3, 1.0])), "assumption": "generated"}}
        return {**out, "days": number}

    def apply(self, kr, st, k: int, j: int, rows: np.ndarray) -> None:
        """Milestone j happened this step in the runs ``rows``: freeze what it freezes there."""
        c, m = kr.c, kr.c.milestones[j]
        if self.resume is None:
            until = frozen_until(c.step_days, k, st.V[rows, kr.ix[f"{m.id}.freezes.days"]])
        else:  # whole weeks until it resumes: geometric, P(W >= w) = (1 - p) ** w, from its own draw
            until = frozen_until(c.step_days, k, 7 * resume_weeks(st.V[rows, kr.ix[f"{m.id}.freezes.resume"]],
                                                                  kr.U[rows, c.slot[self.slot(m.id)]]))
        code = c.freezer_code[f"freeze:{m.id}"]
        for col in c.milestone_freezes[m.id]:
            later = until >= st.frozen_until[rows, col]
            r = rows[later]
            st.frozen_until[r, col] = until[later]
            st.frozen_by[r, col] = code


# ----------------------------------------------------------------------------- coercive acts and pressure

#: the allowed range of a step's ``pressure_odds`` (log odds per unit of pressure)
PRESSURE_ODDS_RANGE = (-5, 5)


class PressureOdds:
    """Coercive acts (a strike, a checkpoint, an offensive) as decisions that pressure moves: a milestone's
    ``pressure_odds: b`` multiplies the odds of every decision its actors make on it by ``exp(b * P)``. ``b < 0``:
    pressure restrains it; ``b > 0``: pressure provokes it. Applied to the decision's uniform (as a ``spread``,
    ``lang/worlds.py``), so a stated ``pace`` and any rule are moved alike; no draw is added.

    ``P`` is the pressure about the act itself where pressure is kept per step (``pressure_scope: steps``, the
    default from schema version 3, ``engine/pressure.py``): the largest of the actor's stocks about the act and
    about the steps it stands in the way of (``harmed``: those it freezes, and those whose gate or preconditions
    want it not to have happened). A mediator's push is about every step on the way to its goal, so pushing for
    talks a strike freezes restrains the strike, and pushing for something the strike does not touch does not.
    Under ``pressure_scope: actor`` (version 2's meaning) ``P`` is the largest pressure on the actor about any step
    (``PressureScope.largest``), as before."""

    def __init__(self, kernel):
        c = kernel.c
        self.scope = kernel.pressure_scope
        self.cols = {j: kernel.ix[f"{m.id}.pressure_odds"] for j, m in enumerate(c.milestones)
                     if m.pressure_odds is not None}
        self.any = bool(self.cols)
        per_step = c.scenario.pressure_scope != "actor"
        self.about = {j: self.scope.positions({j} | harmed(c, j)) for j in self.cols} if per_step else None

    def slot(self, st, j: int, actor: int, u):
        col = self.cols.get(j)
        if col is None:
            return u
        from .worlds import OddsSlot

        P = self.scope.largest(st, actor) if self.about is None else self.scope.over(st, actor, self.about[j])
        return OddsSlot(u, np.exp(st.V[:, col] * P))


def harmed(c, j: int) -> set[int]:
    """The steps milestone j stands in the way of (``c``: a compiled scenario): those it freezes when it happens, and
    those whose gate (``requires``) or preconditions name it where its happening does not help (under ``not:``, or
    a date it must come before)."""
    m = c.milestones[j]
    out = set(c.milestone_freezes.get(m.id, ()))
    for i, other in enumerate(c.milestones):
        conds = [other.requires] + [p.requires for p in c.preconditions if p.before == other.id]
        if any(cond is not None and (m.id, False) in set(cond.mentions(c)) for cond in conds):
            out.add(i)
    return out


def pressure_odds_words(p, describe, per_step: bool = False) -> str:
    """A step's ``pressure_odds`` in words (``per_step``: pressure kept per step, read about the act itself)."""
    how = "less" if (p.value if p.value is not None else p.bounds[1]) < 0 else "more"
    whose = "pressure about it and the steps it stands in the way of" if per_step else "pressure on its actor"
    return f"{whose} makes it {how} likely (odds x exp({describe(p)} x pressure))"


def parameter_label(dotted: str, c, phrase) -> str | None:
    """Words for people for the numbers of stalls and one-shot outcomes (``lang/words.human_label`` asks first):
    ``<shock>.freeze_days``, ``<m>.freezes.days``, ``<m>.freezes.resume``, ``<m>.pressure_odds``,
    ``<m>.outcome.success``; None for any other name. ``phrase``: a milestone inside a sentence."""
    head, _, tail = dotted.rpartition(".")
    if tail == "freeze_days" and head in c.fi:
        return f"Days '{c.words.name(head)}' freezes what it freezes"
    for suffix, words in ((".freezes.days", "Days {} freezes other steps"),
                          (".freezes.resume", "Weekly chance that the steps {} froze resume"),
                          (".pressure_odds", "Change of the log odds of {} per unit of pressure on its actor"),
                          (".outcome.success", "Chance that {} succeeds")):
        m = dotted[:-len(suffix)] if dotted.endswith(suffix) else None
        if m in c.milestone:
            return words.format(phrase(c, m))
    return None
