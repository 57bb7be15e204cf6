"""Properties of the reference model over generated valid scenarios and seeds."""

import math

import numpy as np

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from simulator.compiled import Compiled
from simulator.outcome import EVENT_COLUMNS
from simulator.runner import run_chunk, run_one
from simulator.store import events_schema, runs_schema
from simulator.summary import summarize
from simulator.testing.scenarios import scenarios, seeds


def _held_steps(events):
    return {e["level"]: e["step"] for e in events if e["kind"] == "held"}


def _as_dicts(events):
    return [dict(zip(EVENT_COLUMNS, e)) for e in events]


def precondition_violations(c: Compiled, events) -> list[str]:
    """Check every held meeting against the scenario's preconditions, from the event log alone."""
    held = _held_steps(events)
    stage_steps: dict[tuple[str, int], int] = {}
    for e in events:
        if e["kind"] == "conceded":
            ladder, stage = e["detail"].split(":")
            stage_steps[(ladder, c.ladders[ladder][1].index(stage))] = e["step"]
    fired = {}
    for e in events:
        if e["kind"] in ("scheduled", "shock"):
            fired.setdefault(e["detail"], e["step"])
        if e["kind"] == "election" and e["actor"]:
            fired.setdefault("election", e["step"] + 0.5)  # resolves after that step's meetings
    waived = {(e["step"], e["level"], e["detail"]) for e in events if e["kind"] == "waived"}
    problems = []
    for level, k in held.items():
        for pre in c.preconditions:
            if pre.before != level:
                continue
            if pre.meeting is not None:
                met = held.get(pre.meeting, math.inf) <= k
            elif pre.ladder is not None:
                met = pre.stage == 0 or stage_steps.get((pre.ladder, pre.stage), math.inf) <= k
            else:
                met = fired.get(pre.event, math.inf) <= k
            if met:
                continue
            if pre.kind == "hard":
                problems.append(f"{level} held at step {k} with hard precondition {pre.id} unmet")
            elif (k, level, pre.id) not in waived:
                problems.append(f"{level} held at step {k} with soft precondition {pre.id} unmet and not waived")
    return problems


@given(scenarios(), seeds())
def test_every_run_completes_and_respects_preconditions_and_ladders(sc, seed):
    c = Compiled(sc)
    row, events = run_one(c, seed, 0)
    assert set(row) == set(runs_schema(c).names)
    pa.Table.from_pylist([row], schema=runs_schema(c))  # the record fits its declared types
    events = _as_dicts(events)
    assert precondition_violations(c, events) == []
    held = _held_steps(events)
    for level, info in c.levels.items():
        if level in held:
            assert row[f"first.{level}"] == c.dates[held[level]]
            if info.previous is not None:  # ladder order: strictly after the rung below
                assert held.get(info.previous, math.inf) < held[level]
            for req in info.requires:
                assert held.get(req, math.inf) < held[level]
        else:
            assert row[f"first.{level}"] is None


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
    entries = s["questions"] + s["levels"] + [st for lad in s["concessions"] for st in lad["stages"]]
    if s["election"]:
        entries += [s["election"][k] for k in ("incumbent_wins", "challenger_wins", "runoff")]
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
