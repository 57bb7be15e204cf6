"""Vectorised batch engine: many runs stepped together with numpy.

It runs the same weekly step as the Mesa model (``engine.kernel``) on the same
run state with many runs; only the decisions differ in form: here each comes
from the array form of the actor's built-in rule (``Rule.array``, in the rule's own
file, looked up by ``batch/rules.py``), which repeats the scalar rule's
floating-point operations in the same order. Each
run consumes its own draws in the layout of ``draws.py``, and a chunk may mix
runs of any points, so the record of run (seed, point, replication) is
identical in both engines and in any chunking; so are the event logs it keeps
for the runs asked for. Plugins run on the Mesa engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..compiled import Compiled
from ..draws import Layout, StepUniforms, run_keys, uniforms
from ..engine.kernel import Decider, Kernel
from ..engine.state import RunState
from ..lang.dates import from_day
from .rules import MEDIATOR_ARRAYS, PARTY_ARRAYS, party_array


@dataclass(frozen=True, eq=False)
class Copies:
    """Copies of a chunk's first ``runs`` runs stepped with the chunk (``BatchEngine.run_keys``): copy j gives
    parameter column ``columns[j]`` the values ``values[j]`` (one per run; the fragile screen works them out)."""

    runs: int
    columns: tuple[int, ...]
    values: np.ndarray  # (len(columns), runs)


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
        self.sharp_col = ix.get("dynamics.sharpness")  # None: no rule of this scenario reads it
        self.kernel = Kernel(c, self)
        self.layout = Layout.of(c)

    # ------------------------------------------------------------------ draws
    def draws(self, root_seed: int, keys: Sequence[tuple[int, int]]):
        """Run keys and parameter uniforms (runs x parameters) of the runs ``keys`` (layout: ``draws.py``)."""
        points = np.fromiter((p for p, _ in keys), np.int64, len(keys))
        reps = np.fromiter((r for _, r in keys), np.int64, len(keys))
        K = run_keys(root_seed, points, reps)
        return K, uniforms(K[:, None], self.layout.param[None, :]), points, reps

    # ------------------------------------------------------------------ run
    def run(self, root_seed: int, replications: Sequence[int], point: int = 0,
            overrides: Mapping[str, float] | None = None, events_for: int | None = 0) -> RunState:
        """Run the given replications of one point; returns the final run state."""
        return self.run_keys(root_seed, [(point, r) for r in replications], {point: overrides or {}}, events_for)

    def run_keys(self, root_seed: int, keys: Sequence[tuple[int, int]],
                 overrides_by_point: Mapping[int, Mapping[str, float]] | None = None,
                 events_for: int | None = 0, values=None, copies: Copies | None = None) -> RunState:
        """Run any (point, replication) pairs together, each point with its own parameter overrides.

        ``values`` (optional) maps the parameter uniforms (runs x parameters) to values instead of the
        scenario's table (`diplosim calibrate` runs several candidate constants on the same draws at once).

        ``copies`` (optional) adds, after the runs of ``keys``, copies of their first ``copies.runs`` runs, once
        per parameter column of ``copies.columns``: each copy reads its run's own draws (common random numbers),
        with that parameter's value replaced by the copy's own (``copies.values[j, i]``). Copy j of run i is row
        ``len(keys) + j * copies.runs + i``, labelled point ``-1 - j`` (the fragile screen,
        ``analysis/fragile.py``); the rows of ``keys`` are the same as without copies.

        The event logs of the replications below ``events_for`` (all if None) are kept in ``self.events``
        as the same rows the Mesa model logs (copies keep none): both run the same step.
        """
        c = self.c
        K, PU, points, reps = self.draws(root_seed, keys)
        V = c.table.values_from_uniforms(PU) if values is None else values(PU)  # values: e.g. per-block constants
        for p, ov in (overrides_by_point or {}).items():
            rows = points == p
            for name, value in (ov or {}).items():
                V[rows, c.table.index[name]] = value
        keep = np.ones(len(keys), bool) if events_for is None else reps < events_for
        source = None
        if copies is not None and copies.columns:
            n, m = copies.runs, len(copies.columns)
            base = np.arange(n)
            source = np.concatenate([np.arange(len(keys)), np.tile(base, m)])
            extra = np.tile(V[:n], (m, 1))
            for j, col in enumerate(copies.columns):
                extra[j * n:(j + 1) * n, col] = copies.values[j]
            V = np.concatenate([V, extra])
            points = np.concatenate([points, np.repeat(-1 - np.arange(m, dtype=np.int64), n)])
            reps = np.concatenate([reps, np.tile(reps[:n], m)])
            keep = np.concatenate([keep, np.zeros(n * m, bool)])
        self.keep = keep
        self.kept_rows = np.flatnonzero(self.keep)  # logging looks at these rows only
        self.keeps_logs = bool(len(self.kept_rows))
        self.events: list[tuple] = []
        powers = c.step_powers
        return self.run_values(V, lambda k: StepUniforms(K, self.layout.step[k], source, powers), points, reps)

    def run_values(self, V: np.ndarray, step_uniforms, points: np.ndarray, reps: np.ndarray) -> RunState:
        """Step runs with given parameter values ``V`` (runs x parameters); ``step_uniforms(k)`` gives step
        k's uniforms (read as ``u[:, slot]``). ``run_keys`` draws both. Event logs follow ``self.keep``."""
        st = RunState(self.c, V, points, reps)
        self.kernel.start(st)
        for k in range(self.c.n_steps):
            self.kernel.step(st, step_uniforms(k), k)
        return st

    def table(self, st: RunState):
        """The runs table of ``st`` (Arrow)."""
        from ..layout import record_table

        return record_table(self.c, st)

    def records(self, st: RunState):
        """The runs table of ``st`` as ``layout.Records`` (numpy columns, no Arrow)."""
        from ..layout import record_columns

        return record_columns(self.c, st)

    def log(self, st, k, kind, mask, milestone="", actor="", detail="", day=None):
        rows = self.kept_rows[np.asarray(mask)[self.kept_rows]]
        if not len(rows):
            return
        c = self.c
        track = (c.milestone[milestone].track or "") if milestone else ""
        days = None if day is None else np.broadcast_to(day, (st.n,))
        for r in rows:
            date = c.dates[k] if days is None else from_day(int(days[r]))
            self.events.append((int(st.point[r]), int(st.replication[r]), k, date, kind, track, milestone, actor,
                                detail))

    # ------------------------------------------------------------------ Decider: the array rules answer
    def party(self, kind, actor, mask, size, u, st, k):
        """Only the runs in ``mask`` are asked (the rule sees those rows alone): the same numbers, less work."""
        rows = mask.nonzero()[0]
        if not len(rows):
            return np.zeros(st.n, bool)
        c = self.c
        arrays = self.party_rule[actor]
        rule = getattr(arrays, kind)
        weeks = (c.dates[k] - c.dates[0]).days / 7.0
        sharp = st.V[:, self.sharp_col] if self.sharp_col is not None else np.full(st.n, np.nan)
        sees = getattr(arrays, "sees_election", False)  # the weeks to the next election that concerns this actor
        extra = {"wte": c.weeks_to_election(c.dates[k], c.actors[actor])} if sees else {}
        if len(rows) * 2 > st.n:
            return mask & (u[:] < rule(st.V, st.P[:, actor], weeks, sharp, size, **extra))
        out = np.zeros(st.n, bool)
        out[rows] = u[rows] < rule(Rows(st.V, rows), st.P[:, actor].take(rows), weeks, sharp.take(rows),
                                   size.take(rows), **extra)
        return out

    def mediate(self, med, cands, u, st, k):
        return self.mediator_rule[med].target(cands, u)

    def urgency(self, med, cands, st, k):
        d = self.deadlines[med]
        wtd = np.inf if d is None else (d - int(self.c.days[k])) / 7.0
        return self.mediator_rule[med].urgency(st.V, wtd)

    def pressure(self, med, cands, target, urgency, st, k):
        c = self.c
        who = [c.ai[a] for a in c.milestones[target].consenters()]
        levs = [None if self.leverage[med][a] is None else st.V[:, self.leverage[med][a]] for a in who]
        shares = self.mediator_rule[med].pressure(levs, urgency)
        return {a: s for a, s in zip(who, shares) if s is not None}


_ALL = slice(None)


class Rows:
    """Some rows of the value matrix, read a column at a time as rules do (``V[:, col]``)."""

    __slots__ = ("V", "rows")

    def __init__(self, V: np.ndarray, rows: np.ndarray):
        self.V, self.rows = V, rows

    def __getitem__(self, key):
        if type(key) is tuple and len(key) == 2 and type(key[1]) is int and key[0] == _ALL:
            return self.V[:, key[1]].take(self.rows)  # a column is contiguous (column-major values)
        return self.V[self.rows][key]

    @property
    def shape(self):
        return (len(self.rows), self.V.shape[1])

    def __len__(self):
        return len(self.rows)
