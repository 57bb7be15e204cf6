"""Why two variants differ (``analysis.differ.explain_difference``, ``Comparison.why``): the Compare tab's
"why they differ" (issue 25 item 14), counted from the paired runs and said in the scenario's step."""

from __future__ import annotations

import re

import numpy as np
import pytest

from .conftest import ROOT, SEED_SCENARIO

RUNS = 200


@pytest.fixture(scope="module")
def russia_off():
    from simulator import api

    return api.compare(SEED_SCENARIO, sets_b=["russia.active=0"], runs=RUNS, seed=1)


def happened_by(table, m: str, day: int) -> np.ndarray:
    from simulator import layout as L
    from simulator.analysis.explain import _days

    return _days(table, L.first(m)) <= day


def test_each_question_that_differs_says_why_with_the_shares_of_both_runs(russia_off):
    why = russia_off.why()
    rows = {q["id"]: q for q in russia_off["questions"]}
    for q in why["questions"]:  # differs: its paired 95% interval leaves out no change
        r = rows[q["id"]]
        assert q["differs"] == (r["low"] > 0 or r["high"] < 0 or (r.get("shift_low") or 0) > 0
                                or (r.get("shift_high") or 0) < 0)
        assert bool(q["sentences"]) == q["differs"]
    fm = next(q for q in why["questions"] if q["id"] == "fm_before_round1")
    assert fm["differs"] and fm["sentences"][0].startswith("B against A: -")
    ca, _ = russia_off.compiled
    ta, tb = russia_off.tables
    q = next(q for q in ca.questions if q.id == "fm_before_round1")
    _, hi = q.window(ca)
    a, b = (f"{100 * happened_by(t, 'fm_meeting', hi).mean():.0f}%" for t in (ta, tb))
    said = next(s for s in fm["sentences"] if s.startswith("Foreign ministers: "))
    assert f"it happened within the question's window in {a} of A's runs and {b} of B's" in said
    assert "in a week on the table it happened" in said and "held up at least once: " in said
    # the question's milestones on the way: its gate's prerequisite is explained too
    assert any(s.startswith("Deputy foreign ministers: ") for s in fm["sentences"])


def test_milestones_give_both_shares_the_paired_difference_and_their_gates(russia_off):
    why = russia_off.why()
    ta, tb = russia_off.tables
    ms = {m["id"]: m for m in why["milestones"]}
    for m in russia_off["milestones"]:  # the same shares as `diplosim compare` gives
        assert ms[m["id"]]["a"] == pytest.approx(m["a_p"]) and ms[m["id"]]["b"] == pytest.approx(m["b_p"])
    fm = ms["fm_meeting"]
    assert fm["low"] <= fm["diff"] <= fm["high"] < 0 and fm["differs"]
    assert fm["gate_a"] == fm["gate_b"] == "Deputy foreign ministers has happened"
    never = np.iinfo(np.int32).max
    assert fm["diff"] == pytest.approx((happened_by(tb, "fm_meeting", never - 1).mean()
                                        - happened_by(ta, "fm_meeting", never - 1).mean()))


def test_an_election_question_says_it_reads_no_milestone(russia_off):
    q = next(q for q in russia_off.why()["questions"] if q["id"] == "incumbent_wins")
    if q["differs"]:
        assert q["sentences"][1].startswith("It reads no milestone but who wins an election")


def test_identical_variants_differ_in_nothing():
    from simulator import api

    same = api.compare(SEED_SCENARIO, SEED_SCENARIO, runs=100, seed=3).why()
    assert not any(q["differs"] or q["sentences"] for q in same["questions"])
    assert not any(m["differs"] for m in same["milestones"])


def test_a_gate_that_differs_between_two_scenarios_is_said(tmp_path):
    from simulator import api

    text = SEED_SCENARIO.read_text(encoding="utf-8")
    fm = "        name: Foreign ministers\n"
    assert text.count(fm) == 1
    (tmp_path / "sources").symlink_to(SEED_SCENARIO.parent / "sources")
    other = tmp_path / "fm_after_defence.yaml"  # the foreign ministers meet only after the defence ministers
    other.write_text(text.replace(fm, fm + "        requires: {held: defence_ministers}\n"), encoding="utf-8")
    why = api.compare(SEED_SCENARIO, other, runs=RUNS, seed=1).why()
    meeting = next(m for m in why["milestones"] if m["id"] == "fm_meeting")
    assert meeting["differs"] and meeting["gate_a"] == "Deputy foreign ministers has happened"
    assert meeting["gate_b"] == "Deputy foreign ministers has happened and Defence ministers has happened"
    q = next(q for q in why["questions"] if q["id"] == "fm_before_round1")
    assert q["differs"]
    said = next(s for s in q["sentences"] if s.startswith("Foreign ministers: "))
    assert f"its gate is '{meeting['gate_a']}' in A and '{meeting['gate_b']}' in B" in said
    # the new prerequisite is on B's way to the question, and explained there
    assert any(s.startswith("Defence ministers: ") for s in q["sentences"])


def test_a_daily_scenario_is_explained_in_days():
    from simulator import api

    why = api.compare(ROOT / "scenarios" / "israel_hamas_truce_2023.yaml", sets_b=["qatar.active=0"], runs=RUNS,
                      seed=1).why()
    text = " ".join(s for q in why["questions"] for s in q["sentences"])
    assert why["unit"] == "days" and "in a day on the table it happened" in text
    assert not re.search(r"\bweeks?\b", text)
