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


def _history_scenario(tmp_path):
    from ruamel.yaml import YAML

    d = doc(milestones=[joint("talks", stakes=fixed(2.0)),
                        joint("round", repeat=True),
                        joint("deal", requires={"after": START + dt.timedelta(weeks=2)})],
            history={"through": START,
                     "milestones": [{"milestone": "talks", "date": START - dt.timedelta(days=40), "assumption": A},
                                    {"milestone": "round", "date": START - dt.timedelta(days=10), "count": 3,
                                     "assumption": A}]},
            questions=[{"id": "talks_ever", "text": "?", "when": {"held": "talks"}},
                       {"id": "rounds", "text": "?", "count": "round"}])
    for actor in d["actors"]:
        actor["params"]["resolve"] = fixed(1.0)  # stakes 2: talks are never held again; rounds and deal are free
    path = tmp_path / "history.yaml"
    with path.open("w") as f:
        YAML().dump(d, f)
    return path


def test_a_milestone_from_the_history_is_no_forecast_of_100_percent(tmp_path):
    import json

    from typer.testing import CliRunner

    from simulator.cli import app

    path = _history_scenario(tmp_path)
    res = CliRunner().invoke(app, ["run", str(path), "--runs", "30", "--seed", "1", "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    ms = {m["id"]: m for m in summary["milestones"]}
    talks, rounds, deal = ms["talks"], ms["round"], ms["deal"]
    assert talks["p"] == 0 and talks["yes"] == 0 and talks["count_mean"] == 0  # nothing within the calendar
    assert talks["median"] is None and talks["history"]["date"] == str(START - dt.timedelta(days=40))
    assert talks["history"]["text"] == f"already happened on {START - dt.timedelta(days=40)}, before the calendar"
    assert rounds["history"]["times"] == 3 and rounds["count_mean"] == 21  # one a week over 21 weeks, not 24
    assert rounds["p"] == 1 and rounds["median"] is None  # dates of the repeats within the calendar are not recorded
    assert deal["history"] is None and deal["median"] == str(START + dt.timedelta(weeks=2))
    # questions keep their meaning: the talks have happened (in the history), the count includes the history
    q = {x["id"]: x for x in summary["questions"]}
    assert q["talks_ever"]["p"] == 1 and q["rounds"]["mean"] == 24
    text = CliRunner().invoke(app, ["run", str(path), "--runs", "30", "--seed", "1"])
    assert text.exit_code == 0, text.output
    line = next(x for x in text.stdout.splitlines() if "│ Talks" in x)
    assert "already happened" in line and "100.0%" not in line
    out = tmp_path / "f.json"
    res = CliRunner().invoke(app, ["forecast", str(path), "--runs", "30", "--seed", "1", "--out", str(out)])
    assert res.exit_code == 0, res.output
    fc = {m["id"]: m for m in json.loads(out.read_text())["milestones"]}
    assert fc["talks"]["by_end"]["share"] == 0 and fc["talks"]["history"]["times"] == 1
    assert fc["talks"]["distribution"] == {} and fc["deal"]["history"] is None
    assert fc["round"]["by_end"]["share"] == 1 and fc["round"]["quantiles"]["50%"] is None


def test_the_calendar_charts_draw_the_calendar_and_name_what_happened_in_the_history(tmp_path):
    from simulator.charts.calendar import probability_over_calendar, timing_vs_election
    from simulator.scenario import load

    c = Compiled(load(_history_scenario(tmp_path)).scenario)
    table, _ = run_replications(c, 1, list(range(10)), engine="auto")
    for fig in (probability_over_calendar(table, c), timing_vs_election(table, c)):
        drawn = {t.name.split(" (")[0] for t in fig.data}
        assert "Deal" in drawn and not drawn & {"Talks", "Round"}
        title = fig.layout.title.text
        assert f"Talks already happened on {START - dt.timedelta(days=40)}, before the calendar" in title
