"""Properties of the reference model over generated valid scenarios and seeds."""

import math

import numpy as np

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from simulator import layout as L
from simulator.compiled import Compiled
from simulator.draws import run_seed
from simulator.model import DiplomacyModel
from simulator.outcome import EVENT_COLUMNS, event_rows
from simulator.runner import run_chunk, run_one
from simulator.store import events_schema, runs_schema
from simulator.summary import summarize
from simulator.testing.scenarios import scenarios, seeds


def _as_dicts(events):
    return [dict(zip(EVENT_COLUMNS, e)) for e in events]


def audited_run(c: Compiled, seed: int):
    """One Mesa run, checking at the moment each milestone happens that its gate holds, that it is live in the
    run's world, and that every enabled precondition on it held in the run's world is met (hard) or met or waived
    that same week (soft)."""
    problems: list[str] = []

    class Audited(DiplomacyModel):
        def __init__(self, *args, **kw):
            super().__init__(*args, **kw)
            kernel, held = self.kernel, self.kernel._held

            def audited(st, k, j, yes):
                m = c.milestones[j]
                e = int(c.ends[k])
                if yes[0]:
                    if m.requires is not None and not m.requires.evaluate(st, e)[0]:
                        problems.append(f"{m.id} happened at step {k} with its gate shut")
                    worlds = kernel.worlds  # a step or precondition live only in a share of runs (lang/worlds.py)
                    if any(not st.live[0, i] for i in worlds.gates.get(j, ())):
                        problems.append(f"{m.id} happened at step {k} in a world where it is dead")
                    for pre in c.preconditions:
                        if pre.before != m.id or st.V[0, c.table.index[f"{pre.id}.enabled"]] < 0.5:
                            continue
                        if not np.all(worlds.held(st, pre.id)):  # not held in this run's world
                            continue
                        if pre.requires.evaluate(st, e)[0]:
                            continue
                        waived = any(ev[0] == k and ev[1] == "waived" and ev[3] == m.id and ev[5] == pre.id
                                     for ev in self.events)
                        if pre.kind == "hard" or not waived:
                            problems.append(f"{m.id} happened at step {k} with {pre.kind} precondition {pre.id} "
                                            "unmet" + ("" if pre.kind == "hard" else " and not waived"))
                held(st, k, j, yes)

            kernel._held = audited

    model = Audited(c, rng=run_seed(seed, 0, 0))
    row = model.run()
    return row, _as_dicts(event_rows(model)), problems


@given(scenarios(), seeds())
def test_every_run_completes_and_respects_gates_preconditions_and_ladders(sc, seed):
    c = Compiled(sc)
    row, events, problems = audited_run(c, seed)
    assert set(row) == set(runs_schema(c).names)
    pa.Table.from_pylist([row], schema=runs_schema(c))  # the record fits its declared types
    assert problems == []
    in_history = {h.milestone for h in sc.history.milestones} if sc.history else set()
    for track, rungs in c.tracks.items():  # ladder order: each rung strictly after the one below
        for below, rung in zip(rungs, rungs[1:]):
            if row[L.first(rung)] is not None and rung not in in_history:
                assert row[L.first(below)] is not None and row[L.first(below)] < row[L.first(rung)]
    for m in c.milestones:  # the record's counts agree with the event log
        n = sum(1 for e in events if e["kind"] in ("held", "acted") and e["milestone"] == m.id)
        before = sum(h.count for h in sc.history.milestones if h.milestone == m.id) if sc.history else 0
        assert row[L.count(m.id)] == n + before


@given(scenarios(max_weeks=30), seeds(), st.integers(0, 5))
def test_same_seed_same_record_and_alone_equals_in_batch(sc, seed, k):
    c = Compiled(sc)
    alone = run_one(c, seed, k)
    assert run_one(Compiled(sc), seed, k) == alone
    rows, events = run_chunk(c, seed, [(0, r) for r in range(6)])
    assert rows[k] == alone[0]
    assert [e for e in events if e[1] == k] == alone[1]


@given(scenarios(max_weeks=30), seeds())
def test_summary_probabilities_are_in_range_and_intervals_contain_them(sc, seed):
    c = Compiled(sc)
    rows, events = run_chunk(c, seed, [(0, r) for r in range(20)])
    runs = pa.Table.from_pylist(rows, schema=runs_schema(c))
    ev_schema = events_schema()
    ev = pa.table({n: pa.array(col, ev_schema.field(n).type) for n, col in zip(EVENT_COLUMNS, zip(*events))}) \
        if events else None
    s = summarize(runs, ev, c)
    entries = [q for q in s["questions"] if q["kind"] != "count"] + s["milestones"]
    entries += [st for lad in s["concessions"] for st in lad["stages"]]
    for el in s["elections"]:
        entries += [el[k] for k in ("incumbent_wins", "challenger_wins", "runoff")]
    for e in entries:
        assert 0 <= e["p"] <= 1
        assert e["low"] - 1e-12 <= e["p"] <= e["high"] + 1e-12
        assert 0 <= e["low"] <= e["high"] <= 1


@given(st.lists(st.one_of(st.none(), st.integers(19000, 19100)), min_size=1, max_size=300))
def test_quantiles_from_counts_match_numpy_inverted_cdf(values):
    from collections import Counter

    from simulator.summary import _date, quantiles_from_counts

    counts = Counter(v for v in values if v is not None)
    never = sum(v is None for v in values)
    arr = np.array([np.inf if v is None else v for v in values], dtype=float)
    expected = [_date(np.quantile(arr, q, method="inverted_cdf")) for q in (0.1, 0.5, 0.9)]
    assert quantiles_from_counts(counts, never) == expected
