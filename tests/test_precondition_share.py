"""Preconditions held with a chance (issue 22 item 6). The share of worlds in which one is held (``live``) is
tested in tests/test_worlds.py; here: a soft precondition that states how long it resists pressure in estimable
terms (``waiver: {resists: {median_delay_days: 90}}``), the waiver hazard. Closed forms at 1/7/14-day steps,
both engines, parameter, words, one-line errors."""

import datetime as dt

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.compiled import Compiled
from simulator.scenario.schema import Scenario
from tests.synthetic import A, NEVER, START, fixed, mc_bound, party, run
from tests.synthetic import days as _days, write_yaml as _write


def days(table, m="talks"):
    return _days(table, m)




def doc(resists, step_days=7, days=364, waiver=None):
    """Talks both sides take at once, but a asks for disarmament first (which never comes) and holds out for a
    while: the talks' date is the day a drops the demand."""
    talks = {"id": "talks", "kind": "unilateral", "name": "Talks", "actor": "b", "stakes": fixed(0.0),
             "assumption": A, "pace": {"b": {"act": fixed(1.0)}}}
    disarm = {"id": "disarm", "kind": "unilateral", "name": "Disarmament", "actor": "b", "stakes": fixed(0.0),
              "assumption": A, "pace": {"b": {"act": fixed(0.0)}}}
    pre = {"id": "disarm_first", "held_by": "a", "before": "talks", "requires": {"held": "disarm"}, "kind": "soft",
           "waiver": waiver if waiver is not None else {"resists": resists, "assumption": A}, "assumption": A}
    return {
        "schema_version": 3,
        "metadata": {"title": "T", "description": "T", "as_of": START},
        "sources": [{"id": "s", "title": "t", "publisher": "p", "date": START}],
        "actors": [party("a"), party("b")],
        "milestones": [talks, disarm],
        "preconditions": [pre],
        "calendar": {"start": START, "end": START + dt.timedelta(days=days), "step_days": step_days},
        "dynamics": {"pressure_decay": fixed(0.5), "sharpness": fixed(8.0)},
        "questions": [{"id": "when", "text": "When?", "date_of": "talks"}],
    }


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_a_median_delay_of_resistance_gives_half_the_worlds_by_then(step_days):
    """h = 1 - 0.5^(7/84): the demand is dropped by day D (a multiple of the step) with chance 1 - 0.5^(D/84)."""
    t = days(run(doc({"median_delay_days": 84}, step_days=step_days)))
    for window in (28, 84, 168):
        expect = 1 - 0.5 ** (window / 84)
        assert abs((t < window).mean() - expect) <= mc_bound(expect), (step_days, window, expect)


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_a_chance_within_of_resistance(step_days):
    t = days(run(doc({"chance_within": {"p": 0.2, "days": 56}}, step_days=step_days)))
    expect = 1 - 0.8 ** (168 / 56)
    assert abs((t < 168).mean() - expect) <= mc_bound(expect), step_days


def test_it_is_a_weekly_chance_listed_set_and_screened_and_the_log_says_waived():
    from pathlib import Path
    from types import SimpleNamespace

    from simulator.analysis.fragile import parameters

    d = doc({"median_delay_days": 84})
    sc = Scenario.model_validate(d)
    screened = {p.name: p for p in parameters(SimpleNamespace(scenario=sc, path=Path("s.yaml")), Compiled(sc))}
    assert screened["disarm_first.resists"].move == "odds"
    assert "drops its demand" in screened["disarm_first.resists"].label
    assert (days(run(d, runs=300, overrides={"disarm_first.resists": 0.0})) == NEVER).all()
    assert (days(run(d, runs=300, overrides={"disarm_first.resists": 1.0})) == 0).all()
    from simulator.batch.engine import BatchEngine

    eng = BatchEngine(Compiled(sc))
    eng.run(3, range(20), events_for=20)
    assert any(kind == "waived" for (_, _, _, _, kind, *_rest) in eng.events)


def test_both_engines_give_the_same_records_and_logs():
    from simulator.batch.engine import BatchEngine
    from simulator.draws import run_seed
    from simulator.model import DiplomacyModel

    for step_days in (1, 7):
        c = Compiled(Scenario.model_validate(doc({"median_delay_days": 40}, step_days=step_days, days=120)))
        eng = BatchEngine(c)
        st = eng.run(3, range(20), events_for=20)
        batch = eng.table(st).to_pylist()
        for r in range(20):
            m = DiplomacyModel(c, run_seed(3, r))
            assert m.run() == batch[r]
            mine = [(k, kind, tr, ms, ac, det) for (p, rep, k, date, kind, tr, ms, ac, det) in eng.events if rep == r]
            assert [e[:6] for e in m.events] == mine


def test_the_scenario_view_says_how_long_it_resists_and_old_waivers_keep_their_dump():
    from simulator.charts.scenario import evidence_rows

    values = " | ".join(r["value"] for r in evidence_rows(Compiled(Scenario.model_validate(
        doc({"median_delay_days": 90})))))
    assert "holds out against pressure: median delay 90 days" in values, values
    old = Scenario.model_validate(doc(None, waiver={"threshold": fixed(0.8), "assumption": A}))
    assert old.model_dump(mode="json")["preconditions"][0]["waiver"].keys() == {"threshold", "assumption"} | {
        k for k in old.model_dump(mode="json")["preconditions"][0]["waiver"] if k == "evidence"}


@pytest.mark.parametrize("waiver,field,words", [
    ({"resists": {"median_delay_days": 90}, "threshold": fixed(0.5), "assumption": A}, "preconditions[0].waiver",
     "give exactly one of 'threshold'"),
    ({"assumption": A}, "preconditions[0].waiver", "give exactly one of 'threshold'"),
    ({"resists": {"median_delay_days": -3}, "assumption": A}, "preconditions[0].waiver.resists.median_delay_days",
     "greater than 0"),
    ({"resists": {"odds_multiplier": 0.5}, "assumption": A}, "preconditions[0].waiver.resists.odds_multiplier",
     "is a weekly chance, not an odds multiplier"),
    ({"resists": {"value": 1.5}, "assumption": A}, "preconditions[0].waiver.resists", "must lie within [0, 1]"),
])
def test_each_misuse_is_one_line(waiver, field, words):
    r = CliRunner().invoke(app, ["validate", _write(doc(None, waiver=waiver))])
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert r.exit_code == 2, r.output
    assert len(lines) == 1 and "Traceback" not in r.output, r.output
    assert f": {field}: " in lines[0] and words in lines[0] and ".yaml:" in lines[0], lines[0]
