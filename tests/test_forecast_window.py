"""Issue 21 (no silent wrong answers): postponed weeks of blocked unilateral steps, calendar items dated on
the day their condition became true, and history kept out of the per-milestone forecast tables."""

import datetime as dt

import pytest

from simulator import layout as L
from simulator.compiled import Compiled
from simulator.runner import run_replications
from simulator.scenario.schema import Scenario
from simulator.summary import summarize

from .test_language import START, A, doc, fixed, joint, run


def test_a_unilateral_step_blocked_by_a_hard_precondition_counts_its_weeks_postponed():
    d = doc(milestones=[{"id": "withdraw", "kind": "unilateral", "name": "Withdrawal", "actor": "a",
                         "stakes": fixed(0.0), "assumption": A}],
            preconditions=[{"id": "never_met", "held_by": "b", "before": "withdraw", "kind": "hard",
                            "requires": {"after": START + dt.timedelta(weeks=8)}, "assumption": A}])
    rows, _ = run(d)
    for r in rows:  # available from week 0, blocked for the 8 weeks before the condition holds, then taken
        assert r[L.first("withdraw")] == START + dt.timedelta(weeks=8)
        assert r[L.blocked("withdraw", "b", "precondition:never_met")] == 8
        assert r[L.postponed("withdraw")] == 8
    c = Compiled(Scenario.model_validate(d))
    table, _ = run_replications(c, 1, list(range(20)), engine="auto")
    entry = next(m for m in summarize(table, None, c)["milestones"] if m["id"] == "withdraw")
    assert entry["postponed_mean"] == 8.0


@pytest.mark.parametrize("step_days", [7, 1])
def test_a_marker_that_fires_once_a_milestone_has_happened_is_dated_on_that_day(step_days):
    marker = {"id": "marker", "name": "Deal done", "hazard": fixed(1.0), "when": {"held": "deal"}, "assumption": A}
    d = doc(milestones=[joint("deal", requires={"after": START + dt.timedelta(days=17)})],
            calendar={"step_days": step_days, "shocks": [marker]},
            questions=[{"id": "deal_date", "text": "?", "date_of": "deal"},
                       {"id": "marker_date", "text": "?", "date_of": "marker"},
                       {"id": "marker_by", "text": "?", "when": {"event": "marker"},
                        "by": START + dt.timedelta(days=20 if step_days == 7 else 17)}])
    rows, events = run(d)
    for r in rows:
        assert r[L.question("deal_date")] is not None
        assert r[L.question("marker_date")] == r[L.question("deal_date")] == r[L.first("deal")]
        assert r[L.fired("marker")] == r[L.first("deal")]
        assert r[L.question("marker_by")] is True  # a question through the marker agrees with its date
