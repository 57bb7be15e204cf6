"""Vectorised batch engine: many runs stepped together with numpy.

It runs the same weekly step as the Mesa model (``engine.kernel``) on the same
run state with many runs; only the decisions differ in form: here each comes
from the array form of the actor's built-in rule (``batch/rules.py``), which
repeats the scalar rule's floating-point operations in the same order. Each
run consumes its own draws in the layout of ``draws.py``, and a chunk may mix
runs of any points, so the record of run (seed, point, replication) is
identical in both engines and in any chunking; so are the event logs it keeps
for the runs asked for. Plugins run on the Mesa engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..compiled import Compiled
from ..draws import RunDraws
from ..engine.kernel import Decider, Kernel
from ..engine.state import RunState
from ..lang.dates import from_day
from .rules import MEDIATOR_ARRAYS, PARTY_ARRAYS, party_array


def supports(c: Compiled) -> bool:
    """True if every actor's rule has an array form here."""
    return (all(r in PARTY_ARRAYS for r in c.party_rule.values())
            and all(m.rule in MEDIATOR_ARRAYS for m in c.mediations))


def engine_for(c: Compiled) -> BatchEngine:
    """The vectorised engine for a compiled scenario, built once and kept with it (raises if a rule has
    no array form)."""
    engine = c.__dict__.get("_batch_engine")
    if engine is None:
        engine = c.__dict__["_batch_engine"] = BatchEngine(c)
    return engine


class BatchEngine(Decider):
    def __init__(self, compiled: Compiled):
        if not supports(compiled):
            raise ValueError("the batch engine supports only the built-in rules "
                             f"{sorted(set(PARTY_ARRAYS) | set(MEDIATOR_ARRAYS))}")
        c = self.c = compiled
        ix = self.ix = c.table.index
        self.party_rule = {c.ai[a]: party_array(c.party_rule[a], ix, a) for a in c.deciders}
        self.mediator_rule = [MEDIATOR_ARRAYS[m.rule](ix, m.mediator) for m in c.mediations]
        self.deadlines = [c.deadline_day(m) for m in c.mediations]
        self.leverage = [{c.ai[a]: ix.get(f"{m.mediator}.leverage.{a}") for a in c.actors} for m in c.mediations]
        self.kernel = Kernel(c, self)

    # ------------------------------------------------------------------ draws
    def draws(self, root_seed: int, keys: Sequence[tuple[int, int]]):
        c = self.c
        n_p, n_s, n_sl = len(c.table), c.n_steps, len(c.slots)
        PU = np.empty((len(keys), n_p))
        SU = np.empty((n_s, n_sl, len(keys)))  # step k's uniforms SU[k].T: runs x slots, one slot contiguous
        for i, (point, rep) in enumerate(keys):
            d = RunDraws.for_run(root_seed, int(rep), int(point), n_p, n_s, n_sl)
            PU[i], SU[:, :, i] = d.param_u, d.step_u
        return PU, SU

    # ------------------------------------------------------------------ run
    def run(self, root_seed: int, replications: Sequence[int], point: int = 0,
            overrides: Mapping[str, float] | None = None, events_for: int | None = 0) -> RunState:
        """Run the given replications of one point; returns the final run state."""
        return self.run_keys(root_seed, [(point, r) for r in replications], {point: overrides or {}}, events_for)

    def run_keys(self, root_seed: int, keys: Sequence[tuple[int, int]],
                 overrides_by_point: Mapping[int, Mapping[str, float]] | None = None,
                 events_for: int | None = 0, values=None) -> RunState:
        """Run any (point, replication) pairs together, each point with its own parameter overrides.

        ``values`` (optional) maps the parameter uniforms (runs x parameters) to values instead of the
        scenario's table (`diplosim calibrate` runs several candidate constants on the same draws at once).

        The event logs of the replications below ``events_for`` (all if None) are kept in ``self.events``
        as the same rows the Mesa model logs: both run the same step.
        """
        c = self.c
        reps = np.array([r for _, r in keys], dtype=np.int64)
        self.keep = np.ones(len(keys), bool) if events_for is None else reps < events_for
        self.keeps_logs = bool(self.keep.any())
        self.events: list[tuple] = []
        PU, SU = self.draws(root_seed, keys)
        points = np.array([p for p, _ in keys], dtype=np.int64)
        V = c.table.values_from_uniforms(PU) if values is None else values(PU)  # values: e.g. per-block constants
        for p, ov in (overrides_by_point or {}).items():
            rows = points == p
            for name, value in (ov or {}).items():
                V[rows, c.table.index[name]] = value
        st = RunState(c, V, points, np.array([r for _, r in keys], dtype=np.int64))
        self.kernel.start(st)
        for k in range(c.n_steps):
            self.kernel.step(st, SU[k].T, k)
        return st

    def table(self, st: RunState):
        from ..layout import record_table

        return record_table(self.c, st)

    def log(self, st, k, kind, mask, milestone="", actor="", detail="", day=None):
        sel = mask & self.keep
        if not sel.any():
            return
        c = self.c
        track = (c.milestone[milestone].track or "") if milestone else ""
        days = None if day is None else np.broadcast_to(day, (st.n,))
        for r in np.nonzero(sel)[0]:
            date = c.dates[k] if days is None else from_day(int(days[r]))
            self.events.append((int(st.point[r]), int(st.replication[r]), k, date, kind, track, milestone, actor,
                                detail))

    # ------------------------------------------------------------------ Decider: the array rules answer
    def party(self, kind, actor, mask, size, u, st, k):
        c = self.c
        rule = self.party_rule[actor]
        weeks = (c.dates[k] - c.dates[0]).days / 7.0
        sharp = st.V[:, self.ix["dynamics.sharpness"]]
        extra = {"wte": c.weeks_to_election(c.dates[k])} if getattr(rule, "sees_election", False) else {}
        prob = getattr(rule, kind)(st.V, st.P[:, actor], weeks, sharp, size, **extra)
        return mask & (u < prob)

    def mediate(self, med, cands, u, st, k):
        return self.mediator_rule[med].target(cands, u)

    def urgency(self, med, st, k):
        d = self.deadlines[med]
        wtd = np.inf if d is None else (d - int(self.c.days[k])) / 7.0
        return self.mediator_rule[med].urgency(st.V, wtd)

    def pressure(self, med, target, urgency, st, k):
        c = self.c
        who = [c.ai[a] for a in c.milestones[target].consenters()]
        levs = [None if self.leverage[med][a] is None else st.V[:, self.leverage[med][a]] for a in who]
        shares = self.mediator_rule[med].pressure(levs, urgency)
        return {a: s for a, s in zip(who, shares) if s is not None}
