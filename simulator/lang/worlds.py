"""Worlds where it never happens, and chances that vary between runs (issue 22 item 2).

```yaml
milestones:
  - id: ministerial
    kind: meeting
    attendees: [a, b]
    live: {share: 0.33, assumption: "In about a third of worlds a ministerial round is on the cards at all."}
    spread: {odds_sd: 0.5, assumption: "How willing both are differs between worlds by about this much."}
tracks:
  - {id: border_track, name: Border track, live: {share: 0.7, assumption: ...}, levels: [...]}
preconditions:
  - {id: disarm_first, held_by: a, before: politics, ..., live: {share: 0.75, assumption: ...}}
```

- ``live`` (a milestone, a track, a concession ladder, a precondition): drawn **once per run**: in a share of runs it is live, in
  the others it is dead all period. A dead milestone (or every milestone of a dead track) never becomes possible
  (no one proposes, accepts, takes or is pressed toward it); a dead precondition is not held (it blocks
  nothing). The share is a parameter ``<id>.live`` (a chance in [0, 1], stated as ``share`` or in any form of a
  number: ``low``/``high``, ``dist``, evidence or an assumption), listed by ``diplosim params``, settable with
  ``--set``, screened by its odds. Each run's draw is a record column ``live.<id>`` (true: live), so analysis can
  split the runs.
- ``spread`` on an actor: one such factor per run on **all** of that actor's decisions on steps (proposing,
  accepting, taking steps; not a waiver of its own demand), the same checks and parameters ``<actor>.spread.*``;
  a step with a spread of its own multiplies both factors.
- ``spread`` (a milestone): a per-run odds factor ``exp(odds_sd * z)`` (``z`` standard normal, drawn once per
  run) on every decision about this step (proposing, accepting, taking it), rule or ``pace`` alike: the
  weekly chance ``p`` becomes the chance with odds ``factor * p / (1 - p)``. Parameter ``<id>.spread.odds_sd``
  (in [0, 3]). The factor is applied to the decision's uniform (``u' = u / (u + f (1 - u))``, so ``u' < p``
  exactly when ``u`` is below the odds-multiplied chance), so every rule, built-in or plug-in, is moved alike.

Each run's draws are parameters of their own, ``<id>.live.draw`` (uniform on [0, 1]: live when below the share)
and ``<id>.spread.z`` (standard normal), drawn per run from uniforms keyed by their names like every parameter
(``draws.py``): no other draw moves, a run's world does not depend on its calendar's steps (a calendar started
earlier draws the same worlds), ``--set`` picks a world, and the fragile screen leaves them alone (they are not
beliefs). A scenario without these keeps its records.
"""

from __future__ import annotations

from typing import ClassVar, Literal  # noqa: F401 - Live and Spread inherit Param's annotations, resolved here

import numpy as np
from pydantic import Field, model_validator

from .base import Adjustment, Evidence, Id, Param  # noqa: F401
from .estimable import ChanceWithin  # noqa: F401


def _stated_as(field: str, data):
    """``{share: 0.3, ...}`` -> ``{value: 0.3, share: 0.3, ...}``: the stated number is the parameter's value."""
    if isinstance(data, dict) and data.get(field) is not None:
        if data.get("value") is not None:
            raise ValueError(f"give '{field}' or 'value', not both")
        data = {**data, "value": data[field]}
    return data


class Live(Param):
    """``live: {share: 0.33, assumption: ...}``: the share of runs in which it is live (a chance; any form of a
    number: ``share`` is its ``value``, or ``low``/``high`` with a ``dist``)."""

    share: float | None = Field(default=None, exclude=True, description="the share of runs in which it is live, "
                                "0..1 (its value)")

    @model_validator(mode="before")
    @classmethod
    def _share_is_the_value(cls, data):
        return _stated_as("share", data)

    #: what being live means, and not being live, for an owner that says nothing else (``LIVE_WORDS`` on its class)
    LIVE_WORDS: ClassVar[tuple[str, str]] = ("live", "dead all period: it never becomes possible")

    def sentences(self, c, owner, describe) -> list[str]:
        """'Border track is live in about a third of worlds (33%), drawn once per run; in the other worlds it is
        dead all period: it never becomes possible.' (a precondition: 'held' and 'not held: it blocks nothing')."""
        live, dead = getattr(type(owner), "LIVE_WORDS", self.LIVE_WORDS)
        name, (lo, hi) = c.words.name(owner.id), self.bounds
        if hi <= 0:
            return [f"{name} is {live} in no world: in every world it is {dead}."]
        if lo >= 1:
            return [f"{name} is {live} in every world (a share of 100%)."]
        return [f"{name} is {live} {c.words.share(lo, hi)}, drawn once per run; in the other worlds it is {dead}."]


class Spread(Param):
    """``spread: {odds_sd: 0.5, assumption: ...}``: the spread of a per-run odds factor (sd of its log)."""

    odds_sd: float | None = Field(default=None, exclude=True, description="the standard deviation of the log of "
                                  "the per-run odds factor, 0..3 (its value)")

    @model_validator(mode="before")
    @classmethod
    def _sd_is_the_value(cls, data):
        return _stated_as("odds_sd", data)

    def sentences(self, c, owner, describe) -> list[str]:
        """'The chances of Foreign ministers vary from world to world: ... in about one world in six the odds are
        below 0.61 times their middle value, and in one in six above 1.6 times.' (one standard deviation of the log
        odds either way)."""
        lo, hi = self.bounds
        name = c.words.name(owner.id)
        if hi <= 0:
            return [f"The chances of {name} are the same in every world (a spread of 0)."]
        sd = f"{hi:g}" if lo == hi else f"up to {hi:g}"
        about = getattr(type(owner), "SPREAD_WORDS", "every decision about it")  # an actor: all of its decisions
        return [f"The chances of {name} vary from world to world: each run draws a factor on the odds of {about}, "
                f"whose log has a standard deviation of {sd}, so in about one world in six the "
                f"odds are below {np.exp(-hi):.2g} times their middle value and in one in six above {np.exp(hi):.2g} times."]


SPREAD_RANGE = (0.0, 3.0)


def live_items(sc):
    """(id, what, Param, milestone ids it covers or None for a precondition, document path) of each ``live``."""
    for m, path in sc.all_milestones:
        if getattr(m, "live", None) is not None:
            yield m.id, "milestone", m.live, (m.id,), (*path, "live")
    for t, tr in enumerate(sc.tracks):
        if tr.live is not None:
            yield tr.id, "track", tr.live, tuple(lv.id for lv in tr.levels), ("tracks", t, "live")
    for k, lad in enumerate(sc.concessions):
        if lad.live is not None:
            yield lad.id, "ladder", lad.live, tuple(f"{lad.id}.{s.id}" for s in lad.stages[1:]), ("concessions", k,
                                                                                                 "live")
    for k, pre in enumerate(sc.preconditions):
        if pre.live is not None:
            yield pre.id, "precondition", pre.live, None, ("preconditions", k, "live")


def spread_items(sc):
    """(milestone id, Spread, document path) of each milestone's ``spread``."""
    for m, path in sc.all_milestones:
        if getattr(m, "spread", None) is not None:
            yield m.id, m.spread, (*path, "spread")


def actor_spread_items(sc):
    """(actor id, Spread, document path) of each actor's ``spread``: one odds factor per run on all its
    decisions."""
    for i, a in enumerate(sc.actors):
        if getattr(a, "spread", None) is not None:
            yield a.id, a.spread, ("actors", i, "spread")


def all_spreads(sc):
    """Every ``spread``, milestones' then actors' (their odds factors' columns in ``RunState.odds_factor``)."""
    yield from spread_items(sc)
    yield from actor_spread_items(sc)


#: each run's own draws of its world: a parameter drawn per run from its uniform, keyed by its name like every
#: parameter (``draws.py``), so a run's world does not depend on its calendar's steps; ``--set`` picks a world
_DRAW = Param(dist="uniform", low=0.0, high=1.0, assumption="The run's own draw of its world: live when below the "
              "share (a number of the model's, not a belief; --set it to pick a world).")
_Z = Param(dist="normal", mean=0.0, sd=1.0, assumption="The run's own standard normal draw of its odds factor (a "
           "number of the model's, not a belief; --set it to pick a world).")


def parameters(sc):
    """(dotted name, Param, path) of every share and spread, and of each run's own draws (``draw_names``)."""
    for wid, _, p, _, path in live_items(sc):
        yield f"{wid}.live", p, path
        yield f"{wid}.live.draw", _DRAW, (*path, "draw")
    for mid, p, path in all_spreads(sc):
        yield f"{mid}.spread.odds_sd", p, path
        yield f"{mid}.spread.z", _Z, (*path, "z")


def draw_names(sc) -> set[str]:
    """The parameters that are a run's own draws of its world (not beliefs: the fragile screen leaves them)."""
    return {f"{wid}.live.draw" for wid, *_ in live_items(sc)} | {f"{mid}.spread.z" for mid, *_ in all_spreads(sc)}


def chance_names(sc) -> set[str]:
    """The shares are chances (the fragile screen moves them by their odds)."""
    return {f"{wid}.live" for wid, *_ in live_items(sc)}


def check(ctx, sc, in_range) -> None:
    """One line per misuse: a share outside [0, 1], a spread outside [0, 3], a ``live`` track or milestone that a
    history says has happened (it would be dead yet done), a spread on a step whose every decision is fixed."""
    done = {h.milestone for h in sc.history.milestones} if sc.history is not None else set()
    for wid, what, p, covers, path in live_items(sc):
        in_range(ctx, path, p, 0, 1)
        for mid in covers or ():
            if mid in done:
                ctx.error(path, f"'{mid}' happened in the history: it cannot be dead in some runs (give 'live' to "
                          "steps still to come)")
    for mid, p, path in all_spreads(sc):
        in_range(ctx, path, p, *SPREAD_RANGE)
    deciding = {a for m, _ in sc.all_milestones for a in m.consenters()}
    for aid, p, path in actor_spread_items(sc):
        if aid not in deciding:
            ctx.error(path, f"'{aid}' proposes, accepts or takes no step: a spread on an actor moves the odds of its "
                      "decisions on steps (give it to an actor a step needs)")


def describe_live(p, w=None) -> str:
    """'live in 33% of runs (drawn once per run; in the others it never becomes possible)'."""
    lo, hi = p.bounds
    share = f"{lo:.0%}" if lo == hi else f"{lo:.0%} to {hi:.0%}"
    return f"live in {share} of runs (drawn once per run; dead all period in the others)"


def describe_spread(p, whose: str = "its chances") -> str:
    lo, hi = p.bounds
    sd = f"{lo:g}" if lo == hi else f"{lo:g} to {hi:g}"
    return f"{whose} vary between runs by a per-run odds factor (sd of the log odds {sd})"


def actor_words(a) -> str:
    """'the chances of all its decisions (proposing, accepting, taking steps) vary between runs by ...'."""
    return describe_spread(a.spread, "the chances of all its decisions (proposing, accepting, taking steps)")


class Worlds:
    """The compiled worlds of a scenario: which draws there are, what each covers; evaluation on the run state."""

    def __init__(self, c):
        sc = c.scenario
        self.items = list(live_items(sc))
        self.ids = [wid for wid, *_ in self.items]
        self.share_cols = [c.table.index[f"{wid}.live"] for wid in self.ids]
        self.draw_cols = [c.table.index[f"{wid}.live.draw"] for wid in self.ids]
        # milestone column -> the live draws it needs (all must be live)
        self.gates: dict[int, list[int]] = {}
        self.pre_draw: dict[str, int] = {}
        for i, (wid, what, _, covers, _) in enumerate(self.items):
            if covers is None:
                self.pre_draw[wid] = i
            else:
                for mid in covers:
                    self.gates.setdefault(c.mi[mid], []).append(i)
        self.gate_cols = sorted(self.gates)
        spreads = list(all_spreads(sc))
        n_steps = sum(1 for _ in spread_items(sc))
        self.spread_of = {c.mi[mid]: i for i, (mid, _, _) in enumerate(spreads[:n_steps])}
        self.actor_spread_of = {c.ai[aid]: n_steps + i for i, (aid, _, _) in enumerate(spreads[n_steps:])}
        self.sd_cols = [c.table.index[f"{mid}.spread.odds_sd"] for mid, _, _ in spreads]
        self.z_cols = [c.table.index[f"{mid}.spread.z"] for mid, _, _ in spreads]
        self.any = bool(self.items or spreads)

    def draw(self, st) -> None:
        """Once per run, in the first step: which worlds are live, and each run's odds factors (from the run's own
        draws, parameters ``<id>.live.draw`` and ``<id>.spread.z``)."""
        n = st.n
        st.live = np.ones((n, len(self.items)), bool, order="F")
        for i, (col, draw) in enumerate(zip(self.share_cols, self.draw_cols)):
            st.live[:, i] = st.V[:, draw] < st.V[:, col]
        st.odds_factor = np.ones((n, len(self.sd_cols)), order="F")
        for i, (col, z) in enumerate(zip(self.sd_cols, self.z_cols)):
            st.odds_factor[:, i] = np.exp(st.V[:, col] * st.V[:, z])

    @staticmethod
    def live(st, n_items: int) -> np.ndarray:
        """The run state's live draws (all live before the first step)."""
        out = getattr(st, "live", None)
        return np.ones((st.n, n_items), bool) if out is None else out

    def gate(self, st, avail: np.ndarray) -> None:
        """A dead milestone (or a milestone of a dead track) never becomes possible."""
        live = getattr(st, "live", None)
        if live is None:
            return
        for j in self.gate_cols:
            for i in self.gates[j]:
                avail[:, j] &= live[:, i]

    def held(self, st, pre_id: str):
        """Per run: is this precondition held (live)? True everywhere when it has no ``live``."""
        i = self.pre_draw.get(pre_id)
        live = getattr(st, "live", None)
        if i is None or live is None:
            return True
        return live[:, i]

    def slot(self, st, j: int, actor: int, u):
        """The uniforms of a decision of ``actor`` on milestone j, moved by the run's odds factors of the step's
        spread and of the actor's (their product when both are given)."""
        i, a = self.spread_of.get(j), self.actor_spread_of.get(actor)
        f = getattr(st, "odds_factor", None)
        if f is None or (i is None and a is None):
            return u
        return OddsSlot(u, f[:, i] if a is None else f[:, a] if i is None else f[:, i] * f[:, a])


class OddsSlot:
    """A slot's uniforms read through a per-run odds factor ``f``: ``u' = u / (u + f (1 - u))``, so ``u' < p``
    exactly when ``u < f p / (1 - p + f p)`` (the chance with its odds multiplied by ``f``)."""

    __slots__ = ("f", "u")

    def __init__(self, u, f):
        self.u, self.f = u, f

    def __getitem__(self, rows):
        u, f = self.u[rows], self.f[rows]
        return u / (u + f * (1.0 - u))


# ----------------------------------------------------------------------------- words for people (scenario view)

def milestone_words(sc, m) -> list[str]:
    """Phrases on a milestone's worlds: its own ``live``, its track's, and its ``spread``."""
    out = []
    if getattr(m, "live", None) is not None:
        out.append(describe_live(m.live))
    group = next((g for g in (*sc.tracks, *sc.concessions) if g.id == m.track and g.live is not None), None) \
        if m.track else None
    if group is not None:
        out.append(f"its {'track' if group in sc.tracks else 'ladder'} is {describe_live(group.live)}")
    if getattr(m, "spread", None) is not None:
        out.append(describe_spread(m.spread))
    return out


def precondition_words(pre) -> str:
    """'; held in 75% of runs (...)' or ''."""
    if pre.live is None:
        return ""
    return "; " + describe_live(pre.live).replace("live in", "held in").replace("dead all period", "not held")


def mediation_words(med) -> str:
    n = med.per_step or 1
    return "" if n == 1 else f"; puts up to {n} items on the table each step"


def parameter_label(dotted: str, c, milestone_phrase) -> str | None:
    """A share's or spread's words (``lang.words.human_label``, which passes its ``milestone_phrase``: the words
    are said there, and this module does not import them back), or None for another parameter."""
    head, _, tail = dotted.rpartition(".")
    if tail == "live":
        for wid, what, *_ in live_items(c.scenario):
            if wid == head:
                done = "held" if what == "precondition" else "live"
                name = milestone_phrase(c, wid) if what == "milestone" else c.words.name(wid)
                return f"Share of runs in which {name} is {done}"
    if dotted.endswith(".live.draw"):
        wid = dotted[: -len(".live.draw")]
        if any(w == wid for w, *_ in live_items(c.scenario)):
            return f"This run's own draw of whether {c.words.name(wid)} is live (live below its share)"
    if dotted.endswith(".spread.z"):
        mid = dotted[: -len(".spread.z")]
        if any(m == mid for m, *_ in spread_items(c.scenario)):
            return f"This run's own draw of its odds factor for {milestone_phrase(c, mid)}"
        if any(a == mid for a, *_ in actor_spread_items(c.scenario)):
            return f"This run's own draw of the odds factor on all of {c.words.name(mid)}'s decisions"
    if dotted.endswith(".spread.odds_sd"):
        mid = dotted[: -len(".spread.odds_sd")]
        if any(m == mid for m, *_ in spread_items(c.scenario)):
            return f"Spread between runs of the odds of {milestone_phrase(c, mid)}"
        if any(a == mid for a, *_ in actor_spread_items(c.scenario)):
            return f"Spread between runs of the odds of all of {c.words.name(mid)}'s decisions"
    return None
