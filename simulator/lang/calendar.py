"""What the calendar brings: elections, dated events, random shocks and occasions, one class each.

Each class holds its schema, its checks, its numbers (``parameters``), its
draw slots and what it does to the run state in its phase of the weekly step
(``advance``), written once on arrays over runs for both engines.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import numpy as np
from pydantic import Field, model_serializer, model_validator

from .base import DateRef, Id, MilestoneRef, Param, ParamChange, Sourced, Strict, without_unused
from .conditions import AnyCondition
from .timeshape import Chance, chance_numbers, chance_ranges, check_hazard, hazard_sentences, shape_of

# ``advance`` methods receive the engine's Kernel and RunState (simulator/engine): the language
# does not import the engine, which sits above it.


def fixed_window(ctx, path, between) -> None:
    """A calendar window is two fixed dates (a window that depends on what happens is a `when` condition)."""
    days = []
    for i, ref in enumerate(between):
        day = ctx.date((*path, i), ref)
        if day is None and ref in ctx.dynamic_dates:
            ctx.error((*path, i), f"'{ref}' has no fixed date: a window needs one (for a window that depends on "
                      f"what happens, use when: {{after: {ref}}})")
        days.append(day)
    if None not in days and days[1] < days[0]:
        ctx.error(path, f"the window ends ({days[1]}) before it starts ({days[0]})")


def waited_for_day(c, st, k: int, when, lo: int) -> np.ndarray:
    """Per run, the day a calendar item that comes in step k while ``when`` holds is dated on: the day its
    condition became true when that was after the calendar's phase of the step before (a milestone decided, an
    election resolved, ``Condition.since``: this is the first step that could see it), not before ``lo``;
    otherwise the step's first day. A marker that fires "once X has happened" is so dated on X's day."""
    day = np.full(st.n, c.days[k], np.int64)
    since = None if when is None or k == 0 else when.since(st, int(c.ends[k]))
    if since is None:
        return day
    back = (since >= c.days[k - 1]) & (since < c.days[k])
    return np.where(back, np.maximum(since, lo), day)


class Blocs(Strict):
    """The other members of each side's bloc in a parliamentary election: a member wins or loses with its bloc's
    leader (the incumbent or the challenger), so ``winner: {election: E, is: member}`` holds when its bloc wins."""

    incumbent: list[Id] = []
    challenger: list[Id] = []


class Election(Sourced):
    """An election with an incumbent and a challenger, decided in round 1 or a run-off.

    The incumbent wins with p = clip(base_win + progress_effect * (progress milestones held), 0, 1);
    with a run-off date, the vote goes to a run-off first with probability p_runoff.
    """

    id: Id = "election"
    name: str
    office: str | None = None
    incumbent: Id
    challenger: Id
    round1: dt.date
    runoff: dt.date | None = None
    chances: ClassVar[tuple[str, ...]] = ("p_runoff", "base_win")  # the numbers that are probabilities

    p_runoff: Param | None = Field(default=None, description="chance that round 1 is not decisive; required "
                                   "exactly when there is a run-off date")
    base_win: Param
    progress_effect: Param
    progress: list[MilestoneRef] | None = Field(default=None, description="milestones that count as progress "
                                      "(default: every meeting)")
    after_win: list[ParamChange] = []
    after_loss: list[ParamChange] = []
    blocs: Blocs | None = Field(default=None, description="the other members of each side's bloc "
                                "(parliamentary elections): each wins or loses with its leader")
    concerns: list[Id] | None = Field(default=None, description="the actors whose rules feel this election "
                                      "coming (their election_weeks/election_odds); default: every actor")
    formation_days: Param | None = Field(default=None, description="a parliamentary election: days from the "
                                         "vote until a government is formed (drawn per run); the incumbent "
                                         "keeps power as caretaker until then, and after_win/after_loss apply "
                                         "then; no run-off")


    @model_serializer(mode="wrap")
    def _dump_without_unused(self, handler):
        return without_unused(handler(self), ("blocs", "concerns", "formation_days"))

    def parameters(self, path):
        for f in ("p_runoff", "base_win", "progress_effect", "formation_days"):
            if getattr(self, f) is not None:  # p_runoff without a run-off date: given but unused
                yield f"election.{self.id}.{f}", getattr(self, f), (*path, f)

    def slots(self):
        return [f"election:{self.id}:{r}" for r in ("decisive", "round1", "runoff")]

    def check(self, ctx, path, cal):
        for f in ("incumbent", "challenger"):
            ctx.ref((*path, f), getattr(self, f), "actor")
        if self.incumbent == self.challenger:
            ctx.error((*path, "challenger"), "challenger and incumbent must differ")
        if not cal.start <= self.round1 <= cal.end:
            ctx.error((*path, "round1"), f"round 1 ({self.round1}) is outside the calendar ({cal.start} to {cal.end})")
        if self.runoff is not None and not self.round1 < self.runoff <= cal.end:
            ctx.error((*path, "runoff"), f"run-off ({self.runoff}) must fall after round 1 ({self.round1}) "
                      "and by the calendar end")
        if self.runoff is not None and self.p_runoff is None:
            ctx.error((*path, "p_runoff"), "required field missing (the election has a run-off date: the chance "
                      "that round 1 is not decisive)")
        for n, m in enumerate(self.progress or []):
            ctx.ref((*path, "progress", n), m, "milestone")
        if self.concerns is not None and not self.concerns:
            ctx.error((*path, "concerns"), "an empty list: name the actors the election concerns, or leave the "
                      "field out (it then concerns every actor)")
        for n, a in enumerate(self.concerns or []):
            if ctx.ref((*path, "concerns", n), a, "actor") and a in self.concerns[:n]:
                ctx.error((*path, "concerns", n), f"'{a}' is listed twice")
        for side in ("incumbent", "challenger"):
            members = getattr(self.blocs, side) if self.blocs is not None else []
            for n, a in enumerate(members):
                where = (*path, "blocs", side, n)
                if not ctx.ref(where, a, "actor"):
                    continue
                if a in (self.incumbent, self.challenger):
                    ctx.error(where, f"'{a}' leads a side already (incumbent or challenger): list only the "
                              "other members of its bloc")
                elif a in members[:n] or (side == "challenger" and a in self.blocs.incumbent):
                    ctx.error(where, f"'{a}' is listed twice: an actor belongs to one bloc")
        if self.formation_days is not None and self.runoff is not None:
            ctx.error((*path, "formation_days"), "a parliamentary election (with a government-formation delay) "
                      "has no run-off: give either runoff or formation_days")

    def kind_words(self, w, describe) -> str:
        """Words for what sets this election apart (parliamentary, whom it concerns); '' for a plain one.
        ``describe`` puts a number in words (charts/scenario.py)."""
        parts = []
        if self.formation_days is not None:
            parts.append(f"; parliamentary: a government is formed {describe(self.formation_days)} days after the "
                         "vote, the incumbent staying on as caretaker until then")
        if self.blocs is not None:
            for leader, members in ((self.incumbent, self.blocs.incumbent), (self.challenger, self.blocs.challenger)):
                if members:
                    parts.append(f"; {w.name(leader)}'s bloc: {', '.join(w.name(a) for a in members)}")
        if self.concerns is not None:
            parts.append(f"; its approach moves only {', '.join(w.name(a) for a in self.concerns)}")
        return "".join(parts)

    def sentences(self, c, owner, describe) -> list[str]:
        """What sets this election apart, as sentences: a parliamentary vote with a government formed after it
        (a caretaker until then), the blocs, the actors its approach moves; none for a plain one."""
        w = c.words
        out = []
        if self.formation_days is not None:
            out.append(f"{self.name} is parliamentary: a government is formed {describe(self.formation_days)} days "
                       f"after the vote, and {w.name(self.incumbent)} stays on as caretaker until then.")
        if self.blocs is not None:
            for leader, members in ((self.incumbent, self.blocs.incumbent), (self.challenger, self.blocs.challenger)):
                if members:
                    out.append(f"In {self.name}, {', '.join(w.name(a) for a in members)} "
                               f"{'wins or loses' if len(members) == 1 else 'win or lose'} with {w.name(leader)}'s "
                               "bloc.")
        if self.concerns is not None:
            out.append(f"Only {', '.join(w.name(a) for a in self.concerns)} feel the approach of {self.name} in "
                       "their decisions; the other actors' rules do not.")
        return out

    def side(self, actor: str) -> int:
        """0: the incumbent's side, 1: the challenger's (a bloc member counts with its bloc's leader)."""
        return 0 if actor == self.incumbent or (self.blocs is not None and actor in self.blocs.incumbent) else 1

    def candidates(self) -> list[str]:
        """Everyone who can be named as its winner: the two leaders and their blocs' members."""
        b = self.blocs
        return [self.incumbent, self.challenger, *((b.incumbent + b.challenger) if b is not None else [])]

    def concerns_actor(self, actor: str | None) -> bool:
        """Whether this election's approach acts on ``actor``'s rules (None: asked for no actor in particular)."""
        return actor is None or self.concerns is None or actor in self.concerns

    def advance(self, kr: Kernel, st: RunState, k: int, U) -> None:
        self._vote(kr, st, k, U)
        if self.formation_days is not None:
            self._form(kr, st, k)

    def _form(self, kr: Kernel, st: RunState, k: int) -> None:
        """A parliamentary election: the vote's winner takes power on the day the government is formed (until
        then the incumbent stays on as caretaker), and the changes of after_win/after_loss apply that step."""
        c, g = kr.c, kr.c.gi[self.id]
        day = st.formed_day[:, g]
        due = (day >= c.days[k]) & (day <= c.ends[k])
        if not due.any():
            return
        win, lose = due & (st.winner[:, g] == 0), due & (st.winner[:, g] == 1)
        kr.log("election", win, actor=self.incumbent, detail=f"{self.id}:government", day=day)
        kr.log("election", lose, actor=self.challenger, detail=f"{self.id}:government", day=day)
        kr.apply(st, win, self.after_win)
        kr.apply(st, lose, self.after_loss)

    def _vote(self, kr: Kernel, st: RunState, k: int, U) -> None:
        c, g = kr.c, kr.c.gi[self.id]
        step1 = c.step_of(self.round1)
        step2 = c.step_of(self.runoff) if self.runoff else None
        if k != step1 and k != step2:
            return
        V, ix = st.V, c.table.index
        base = f"election:{self.id}:"
        resolve = np.zeros(st.n, bool)
        u = np.zeros(st.n)
        day = np.full(st.n, c.days[k], dtype=np.int64)
        if k == step1:
            first = st.rounds[:, g] == 0
            st.rounds[first, g] = 1
            if step2 is not None:
                runoff = first & (U[:, c.slot[base + "decisive"]] < V[:, ix[f"election.{self.id}.p_runoff"]])
            else:
                runoff = np.zeros(st.n, bool)
            st.pending[:, g] |= runoff
            kr.log("election", runoff, detail=f"{self.id}:runoff")
            decided = first & ~runoff
            resolve |= decided
            u = np.where(decided, U[:, c.slot[base + "round1"]], u)
            day[decided] = c.to_day(self.round1)
        if step2 is not None and k == step2:
            go = st.pending[:, g].copy()
            st.pending[go, g] = False
            st.rounds[go, g] = 2
            resolve |= go
            u = np.where(go, U[:, c.slot[base + "runoff"]], u)
            day[go] = c.to_day(self.runoff)
        if not resolve.any():
            return
        progress = c.progress_cols[self.id]
        n_held = (st.count[:, progress] > 0).sum(axis=1)
        p_win = np.minimum(np.maximum(V[:, ix[f"election.{self.id}.base_win"]]
                                      + V[:, ix[f"election.{self.id}.progress_effect"]] * n_held, 0.0), 1.0)
        win = resolve & (u < p_win)
        lose = resolve & ~win
        st.winner[win, g], st.winner[lose, g] = 0, 1
        st.winner_day[resolve, g] = day[resolve]
        kr.log("election", win, actor=self.incumbent, detail=self.id, day=day)
        kr.log("election", lose, actor=self.challenger, detail=self.id, day=day)
        if self.formation_days is not None:  # power changes hands when the government is formed (``_form``)
            wait = np.maximum(np.rint(V[:, ix[f"election.{self.id}.formation_days"]]), 0).astype(np.int64)
            st.formed_day[resolve, g] = day[resolve] + wait[resolve]
            return
        kr.apply(st, win, self.after_win)
        kr.apply(st, lose, self.after_loss)


class Term(Sourced):
    """An office's term that ends on a date and leaves a vacancy of uncertain length: its holder (an actor standing
    for the office) leaves on ``ends`` and so cannot consent, and comes back ``vacancy_days`` later (drawn per run)
    when the office is filled again."""

    id: Id
    name: str
    holder: Id
    ends: dt.date
    vacancy_days: Param = Field(description="days from the end of the term until the office is filled again "
                                "(drawn per run)")

    def parameters(self, path):
        yield f"{self.id}.vacancy_days", self.vacancy_days, (*path, "vacancy_days")

    def check(self, ctx, path, cal):
        ctx.ref((*path, "holder"), self.holder, "actor")
        if not cal.start <= self.ends <= cal.end:
            ctx.error((*path, "ends"), f"the term ends ({self.ends}) outside the calendar ({cal.start} to {cal.end})")

    def words(self, w, describe) -> str:
        return (f"{w.name(self.holder)}'s term ends {w.date(self.ends)}; the office is vacant for "
                f"{describe(self.vacancy_days)} days")

    def sentences(self, c, owner, describe) -> list[str]:
        w = c.words
        drawn = "" if self.vacancy_days.dist == "fixed" else " (drawn per run)"
        return [f"{w.name(self.holder)}'s term ends on {w.date(self.ends)}: the office is then vacant for "
                f"{describe(self.vacancy_days)} days{drawn}, and {w.name(self.holder)} is absent meanwhile."]

    def advance(self, kr: Kernel, st: RunState, k: int, U) -> None:
        c, a = kr.c, kr.c.ai[self.holder]
        end = c.to_day(self.ends)
        first, last = int(c.days[k]), int(c.ends[k])
        if first <= end <= last:
            go = st.present[:, a].copy()
            st.present[go, a] = False
            st.left_day[go, a] = np.minimum(st.left_day[go, a], end)
            kr.log("left", go, actor=self.holder, day=end)
        if last < end:
            return
        back = end + np.maximum(np.rint(st.V[:, c.table.index[f"{self.id}.vacancy_days"]]), 0).astype(np.int64)
        come = (back >= first) & (back <= last) & ~st.present[:, a]
        st.present[come, a] = True
        st.entered_day[come, a] = np.minimum(st.entered_day[come, a], back[come])
        kr.log("entered", come, actor=self.holder, day=back)


class ProposeSpec(Strict):
    """What a dated event or occasion puts on the table: a milestone, or the next one toward a goal."""

    milestone: MilestoneRef | None = None
    toward: MilestoneRef | None = None

    @model_validator(mode="after")
    def _one(self):
        if (self.milestone is None) == (self.toward is None):
            raise ValueError("give exactly one of 'milestone' or 'toward'")
        return self

    @property
    def target(self) -> str:
        return self.milestone or self.toward


class DatedEvent(Sourced):
    """Something scheduled on a date: its parameter effects apply, and it may put a milestone on the table."""

    logged: ClassVar[str] = "scheduled"  # the kind of event a run logs when it comes
    # its mark on run timelines: legend name, marker symbol, colour, words before its name
    mark: ClassVar[tuple[str, str, str, str]] = ("scheduled talks or event", "triangle-up", "#444", "")

    id: Id
    name: str
    label: str | None = None
    date: dt.date
    proposes: ProposeSpec | None = None
    effects: list[ParamChange] = []

    def check(self, ctx, path, cal):
        if not cal.start <= self.date <= cal.end:
            ctx.error((*path, "date"), f"{self.date} is outside the calendar ({cal.start} to {cal.end})")
        if self.proposes is not None:
            ctx.ref((*path, "proposes", "milestone" if self.proposes.milestone else "toward"),
                    self.proposes.target, "milestone")

    def advance(self, kr: Kernel, st: RunState, k: int, U) -> None:
        c = kr.c
        if c.step_of(self.date) != k:
            return
        everyone = np.ones(st.n, bool)
        day = c.to_day(self.date)
        st.fired_day[:, c.fi[self.id]] = np.minimum(st.fired_day[:, c.fi[self.id]], day)
        kr.log("scheduled", everyone, detail=self.id, day=day)
        kr.apply(st, everyone, self.effects)
        if self.proposes is not None:
            kr.put_on_table(st, k, self.proposes, everyone, f"calendar:{self.id}", day)


class Shock(Sourced):
    """A random event: weekly ``hazard`` within a window (and while ``when`` holds); it may freeze milestones."""

    logged: ClassVar[str] = "shock"  # the kind of event a run logs when it comes
    # its mark on run timelines: legend name, marker symbol, colour, words before its name
    mark: ClassVar[tuple[str, str, str, str]] = ("shock", "triangle-down", "#d62728", "shock: ")

    id: Id
    name: str
    label: str | None = None
    hazard: Chance = Field(description="its weekly chance while its window is open (and 'when' holds), or a "
                           "chance that changes with time (periods, weibull, not_before_days: counted from the "
                           "first day it could come in the run; lang/timeshape.py)")
    between: tuple[DateRef, DateRef] = ("start", "end")
    when: AnyCondition | None = None
    freezes: list[MilestoneRef] = Field(default=[], description="milestones (or tracks) it freezes")
    weeks: int = Field(default=0, ge=0)
    freeze_days: Param | None = Field(default=None, description="how long it freezes, in days, instead of 'weeks': "
                                      "a number or a distribution of days, drawn per run ({dist: uniform, low: 10, "
                                      "high: 60, assumption: ...}; lang/stalls.py)")
    effects: list[ParamChange] = []
    once: bool = True


    @model_serializer(mode="wrap")
    def _dump_without_unused(self, handler):
        return without_unused(handler(self), ("freeze_days",))

    def sentences(self, c, owner, describe) -> list[str]:
        """'Strike comes with a chance that changes with time: ...' (``lang/timeshape.py``)."""
        return hazard_sentences(self.hazard, f"{c.words.name(self.id)} comes") if owner is self else []

    def parameters(self, path):
        yield from chance_numbers(f"{self.id}.hazard", self.hazard, (*path, "hazard"))
        if self.freeze_days is not None:
            yield f"{self.id}.freeze_days", self.freeze_days, (*path, "freeze_days")

    def parameter_range(self, name: str) -> tuple[float, float]:
        """The allowed range of one of its numbers: the hazard is a chance (a shape's numbers, as it says), a
        freeze's length days."""
        from .stalls import FREEZE_DAYS_RANGE

        if name == f"{self.id}.freeze_days":
            return FREEZE_DAYS_RANGE
        return chance_ranges(f"{self.id}.hazard", self.hazard).get(name, (0, 1))

    def check(self, ctx, path, cal):
        fixed_window(ctx, (*path, "between"), self.between)
        check_hazard(ctx, (*path, "hazard"), self.hazard, cal)
        if self.when is not None:
            self.when.check(ctx, (*path, "when"))
        for n, m in enumerate(self.freezes):
            ctx.ref((*path, "freezes", n), m, "milestone or track", pool=ctx.pools["freezable"])
        if self.freeze_days is not None and self.weeks:
            ctx.error((*path, "freeze_days"), "give 'weeks' or 'freeze_days', not both")
        if self.freeze_days is not None and not self.freezes:
            ctx.error((*path, "freeze_days"), "it freezes nothing: list what it freezes in 'freezes'")

    def advance(self, kr: Kernel, st: RunState, k: int, U) -> None:
        c = kr.c
        lo, hi = c.window(self.between)
        if not (c.days[k] <= hi and c.ends[k] >= lo):
            return
        f = c.fi[self.id]
        can = (st.fired_day[:, f] == c.never) if self.once else np.ones(st.n, bool)
        if self.when is not None:
            can &= self.when.evaluate(st, c.ends[k])
        hit = kr.hazard(st, k, U, f"shock:{self.id}", f"{self.id}.hazard", can, lo)
        if not hit.any():
            return
        day = waited_for_day(c, st, k, self.when, c.window(self.between)[0])
        np.minimum(st.fired_day[:, f], day, out=st.fired_day[:, f], where=hit)
        if self.freeze_days is None:
            until = k + (c.step_days - 1 + 7 * self.weeks) // c.step_days  # the rest of this step, then `weeks` weeks
        else:  # the rest of this step, then the run's number of days (lang/stalls.py)
            from .stalls import frozen_until

            until = frozen_until(c.step_days, k, st.V[:, c.table.index[f"{self.id}.freeze_days"]])
        for j in c.freeze_cols[self.id]:
            later = hit & (until >= st.frozen_until[:, j])
            np.copyto(st.frozen_until[:, j], until, where=later)
            np.copyto(st.frozen_by[:, j], c.shock_index[self.id], where=later)
        kr.apply(st, hit, self.effects)
        kr.log("shock", hit, detail=self.id, day=day)


class Occasion(Sourced):
    """A gathering (summit, UN session, funeral) on a date or with a weekly hazard within a window.

    While it lasts (its week) the listed actors are together, and the listed
    milestones among them are put on the table, dated on the occasion's date.
    """

    logged: ClassVar[str] = "occasion"  # the kind of event a run logs when it comes
    # its mark on run timelines: legend name, marker symbol, colour, words before its name
    mark: ClassVar[tuple[str, str, str, str]] = ("occasion", "circle", "#444", "occasion: ")

    id: Id
    name: str
    label: str | None = None
    date: dt.date | None = None
    hazard: Chance | None = Field(default=None, description="a random occasion: its weekly chance within "
                                  "'between', or a chance that changes with time (periods, weibull, "
                                  "not_before_days: counted from the first day it could come in the run)")
    between: tuple[DateRef, DateRef] = ("start", "end")
    when: AnyCondition | None = Field(default=None, description="a random occasion comes only while this holds")
    actors: list[Id] = Field(min_length=1)
    milestones: list[MilestoneRef] = Field(default=[], description="milestones that may be held there")
    once: bool = True

    @model_validator(mode="after")
    def _date_or_hazard(self):
        if (self.date is None) == (self.hazard is None):
            raise ValueError("give exactly one of 'date' or 'hazard' (weekly, within 'between')")
        return self

    def sentences(self, c, owner, describe) -> list[str]:
        """'Summit comes with a chance that changes with time: ...' (a random occasion, ``lang/timeshape.py``)."""
        return hazard_sentences(self.hazard, f"{c.words.name(self.id)} comes") if owner is self else []

    def parameters(self, path):
        if self.hazard is not None:
            yield from chance_numbers(f"{self.id}.hazard", self.hazard, (*path, "hazard"))

    def parameter_range(self, name: str) -> tuple[float, float]:
        """The allowed range of one of its numbers: a chance (a shape's numbers, as it says)."""
        return chance_ranges(f"{self.id}.hazard", self.hazard).get(name, (0, 1)) if self.hazard is not None \
            else (0, 1)

    def slots(self):
        return [f"occasion:{self.id}"] if self.hazard is not None else []

    def check(self, ctx, path, cal):
        if self.date is not None and not cal.start <= self.date <= cal.end:
            ctx.error((*path, "date"), f"{self.date} is outside the calendar ({cal.start} to {cal.end})")
        fixed_window(ctx, (*path, "between"), self.between)
        check_hazard(ctx, (*path, "hazard"), self.hazard, cal)
        if self.when is not None:
            self.when.check(ctx, (*path, "when"))
        for n, a in enumerate(self.actors):
            ctx.ref((*path, "actors", n), a, "actor")
        for n, m in enumerate(self.milestones):
            ctx.ref((*path, "milestones", n), m, "milestone")

    def advance(self, kr: Kernel, st: RunState, k: int, U) -> None:
        c = kr.c
        f = c.fi[self.id]
        if self.date is not None:
            if c.step_of(self.date) != k:
                return
            hit = np.ones(st.n, bool)
            day = c.to_day(self.date)
        else:
            lo, hi = c.window(self.between)
            if not (c.days[k] <= hi and c.ends[k] >= lo):
                return
            can = (st.fired_day[:, f] == c.never) if self.once else np.ones(st.n, bool)
            if self.when is not None:
                can &= self.when.evaluate(st, c.ends[k])
            hit = kr.hazard(st, k, U, f"occasion:{self.id}", f"{self.id}.hazard", can, lo)
            day = c.days[k]
        if not hit.any():
            return
        st.fired_day[hit, f] = np.minimum(st.fired_day[hit, f], day)
        kr.log("occasion", hit, detail=self.id, day=day)
        here = set(self.actors)
        for m in self.milestones:
            if set(c.milestone[m].consenters()) <= here:
                kr.put_on_table(st, k, ProposeSpec(milestone=m), hit, f"occasion:{self.id}", day)


class Entry(Sourced):
    """When an actor enters: on a date, or with a weekly hazard within a window (and while ``when`` holds)."""

    logged: ClassVar[str] = "entered"  # the kind of event a run logs when it comes
    # its mark on run timelines: legend name, marker symbol, colour, words before its name
    mark: ClassVar[tuple[str, str, str, str]] = ("an actor joins", "triangle-right", "#444", "joins: ")

    date: dt.date | None = None
    hazard: Chance | None = Field(default=None, description="its weekly chance within 'between', or a chance that "
                                  "changes with time (periods, weibull, not_before_days: counted from the first "
                                  "day it could enter in the run)")
    between: tuple[DateRef, DateRef] = ("start", "end")
    when: AnyCondition | None = None

    @model_validator(mode="after")
    def _one(self):
        if (self.date is None) == (self.hazard is None):
            raise ValueError("give exactly one of 'date' or 'hazard'")
        return self

    @staticmethod
    def hazard_name(actor: str) -> str:
        return f"{actor}.enters.hazard"

    def sentences(self, c, owner, describe) -> list[str]:
        """'GCC joins with a chance that changes with time: ...' (``owner``: the actor who enters)."""
        return hazard_sentences(self.hazard, f"{c.words.name(owner.id)} joins")


class Exit(Sourced):
    """When an actor leaves: on a date, or as soon as ``when`` holds."""

    logged: ClassVar[str] = "left"  # the kind of event a run logs when it comes
    # its mark on run timelines: legend name, marker symbol, colour, words before its name
    mark: ClassVar[tuple[str, str, str, str]] = ("an actor leaves", "triangle-left", "#444", "leaves: ")

    date: dt.date | None = None
    when: AnyCondition | None = None

    @model_validator(mode="after")
    def _one(self):
        if (self.date is None) == (self.when is None):
            raise ValueError("give exactly one of 'date' or 'when'")
        return self


class TriggeredEffect(Sourced):
    """Parameter changes that apply once, at the end of the first step in which ``when`` holds."""

    logged: ClassVar[str] = "effect"  # the kind of event a run logs when it comes
    # its mark on run timelines: legend name, marker symbol, colour, words before its name
    mark: ClassVar[tuple[str, str, str, str]] = ("effect", "square-open", "#444", "effect: ")

    id: Id | None = None
    when: AnyCondition
    changes: list[ParamChange] = Field(min_length=1)

    def check(self, ctx, path):
        self.when.check(ctx, (*path, "when"))


#: calendar items drawn on the run timelines, in the legend's order (each says its ``logged`` event and ``mark``)
MARKED = (DatedEvent, Shock, Occasion, Entry, Exit, TriggeredEffect)


def marked_items(sc):
    """The calendar items of a scenario that a run timeline can mark (the dated events, shocks, occasions,
    actors entering or leaving, triggered effects it declares)."""
    cal = sc.calendar
    yield from (*cal.events, *cal.shocks, *cal.occasions, *sc.effects)
    for a in sc.actors:
        yield from (x for x in (a.enters, a.leaves) if x is not None)


def hazards(sc):
    """(parameter name, chance, document path, draw slot) of every hazard of the calendar and of the actors'
    entries (a shock's, a random occasion's, an actor's entry): each a ``lang.timeshape.Chance``, so each may
    change with time."""
    for i, a in enumerate(sc.actors):
        if a.enters is not None and a.enters.hazard is not None:
            yield Entry.hazard_name(a.id), a.enters.hazard, ("actors", i, "enters", "hazard"), f"enter:{a.id}"
    for k, s in enumerate(sc.calendar.shocks):
        yield f"{s.id}.hazard", s.hazard, ("calendar", "shocks", k, "hazard"), f"shock:{s.id}"
    for k, o in enumerate(sc.calendar.occasions):
        if o.hazard is not None:
            yield f"{o.id}.hazard", o.hazard, ("calendar", "occasions", k, "hazard"), f"occasion:{o.id}"


def shape_words(sc) -> dict[str, str]:
    """Dotted name -> the effective chance of the shape in time it belongs to ('12% within 30 days, ...'), for every
    number of a calendar or entry hazard given as a shape (``diplosim params``, beside ``lang.pace.shape_words``)."""
    out = {}
    for name, value, _, _ in hazards(sc):
        shape = shape_of(value)
        if shape is not None:
            words = f"{shape.effective()} from the first day it could come (the whole shape: {shape.label()})"
            out.update({n: words for n in shape.ranges(name)})
    return out
