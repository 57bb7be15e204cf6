"""Commitments that bind (issue 22 item 7): ``odds`` on the committed step until it is due, a breach (the due day
passes without it) as an event and a record column with its ``on_breach`` changes. Closed forms at 1/7/14-day
steps, both engines, parameter, words, one-line errors, old commitments unchanged."""

import datetime as dt
import json
import math

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from simulator import layout as L
from simulator.cli import app
from simulator.compiled import Compiled
from simulator.runner import run_replications
from simulator.scenario.schema import Scenario
from simulator.scenario.semantics import check

A = "Constructed for a test."
START = dt.date(2024, 1, 1)
RUNS = 4000
NEVER = 10 ** 9
H = 0.2  # the exchange's weekly chance


def fixed(v):
    return {"value": v, "assumption": A}


def party(pid):
    return {"id": pid, "name": pid.upper(), "role": "party", "rule": "threshold",
            "params": {"initiative": fixed(0.0), "flexibility": fixed(0.5), "resolve": fixed(1.0),
                       "pressure_sensitivity": fixed(0.0), "concession_rate": fixed(0.0)}}


def doc(commit=None, step_days=7, days=364):
    """A ceasefire on day 0 commits b to a prisoner exchange within 28 days (weekly chance 0.2 otherwise)."""
    cm = {"milestone": "exchange", "within_days": 28, **(commit or {})}
    ceasefire = {"id": "ceasefire", "kind": "unilateral", "name": "Ceasefire", "actor": "a", "stakes": fixed(0.0),
                 "assumption": A, "pace": {"a": {"act": fixed(1.0)}}, "commits": [cm]}
    exchange = {"id": "exchange", "kind": "unilateral", "name": "Prisoner exchange", "actor": "b",
                "stakes": fixed(0.0), "assumption": A, "pace": {"b": {"act": fixed(H)}}}
    return {
        "schema_version": 3,
        "metadata": {"title": "T", "description": "T", "as_of": START},
        "sources": [{"id": "s", "title": "t", "publisher": "p", "date": START}],
        "actors": [party("a"), party("b")],
        "milestones": [ceasefire, exchange],
        "calendar": {"start": START, "end": START + dt.timedelta(days=days), "step_days": step_days},
        "dynamics": {"pressure_decay": fixed(0.5), "sharpness": fixed(8.0)},
        "questions": [{"id": "when", "text": "When?", "date_of": "exchange"}],
    }


ODDS = {"odds": {"odds_multiplier": 3, "assumption": "Commitments made at a ceasefire are kept more often."}}
P = 0.7
DUE = {"chance_within_due": {"value": P, "assumption": "Exchanges promised at a ceasefire mostly come on time."}}
BREACH = {"on_breach": [{"param": "exchange.pace.b.act", "op": "set", "value": 0.0,
                         "assumption": "Once the date has passed, the exchange is off."}]}


def run(d, runs=RUNS, engine="batch", overrides=None, seed=7):
    sc = Scenario.model_validate(d)
    assert check(sc, None, check_sources=False) == []
    table, _ = run_replications(Compiled(sc), seed, list(range(runs)), engine=engine, overrides=overrides)
    return table


def days(table, col):
    return np.array([NEVER if x is None else (x - START).days for x in table.column(col).to_pylist()])


def mc_bound(p, n=RUNS):
    return 5 * math.sqrt(max(p * (1 - p), 1e-4) / n)


def raised(m=3.0):
    return m * H / (1 - H + m * H)


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_the_odds_raise_the_chance_until_the_due_day(step_days):
    """Chance by day 28 (the due day): 1 - (1 - h')^4 with h' the weekly chance at odds x3; after it the plain
    chance: by day 84, 1 - (1 - h')^4 (1 - h)^8."""
    t = days(run(doc(ODDS, step_days=step_days)), L.first("exchange"))
    for window, expect in ((28, 1 - (1 - raised()) ** 4), (84, 1 - (1 - raised()) ** 4 * (1 - H) ** 8)):
        assert abs((t < window).mean() - expect) <= mc_bound(expect), (step_days, window, expect)
    plain = days(run(doc(step_days=step_days)), L.first("exchange"))
    assert abs((plain < 28).mean() - (1 - (1 - H) ** 4)) <= mc_bound(0.6)  # an old commitment binds nothing


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_a_breach_is_dated_the_due_day_and_its_changes_apply(step_days):
    """Breached when nothing by day 28 (inclusive): (1 - h')^4 (1 - h)^(s/7); then the exchange is off for good."""
    t = run(doc({**ODDS, **BREACH}, step_days=step_days))
    first, breach = days(t, L.first("exchange")), days(t, "breached.exchange")
    expect = (1 - raised()) ** 4 * (1 - H) ** (step_days / 7)
    assert abs((breach < NEVER).mean() - expect) <= mc_bound(expect), step_days
    assert set(breach[breach < NEVER].tolist()) == {28}
    assert ((breach < NEVER) == (first > 28)).all()  # breached exactly when not on time
    assert (first[breach < NEVER] == NEVER).all()  # the breach's change: never afterwards


def test_the_odds_are_a_parameter_listed_set_and_screened():
    from pathlib import Path
    from types import SimpleNamespace

    from simulator.analysis.fragile import parameters

    d = doc({**ODDS, **BREACH})
    sc = Scenario.model_validate(d)
    screened = {p.name: p for p in parameters(SimpleNamespace(scenario=sc, path=Path("s.yaml")), Compiled(sc))}
    assert screened["ceasefire.commits.0.odds"].label == ("Odds factor on Prisoner exchange while the commitment made "
                                                         "with Ceasefire is due")
    t = days(run(d, runs=300, overrides={"ceasefire.commits.0.odds": 0.0}), L.first("exchange"))
    assert (t >= 28).all()  # odds x0 until due: nothing before the due day


def test_both_engines_give_the_same_records_and_logs_and_the_log_says_breached():
    for step_days in (1, 7):
        events = engines_agree(doc({**ODDS, **BREACH}, step_days=step_days, days=120), seed=3, runs=30)
        assert any(e[4] == "breached" for e in events)


def engines_agree(d, seed, runs):
    """Both engines agree on ``d`` (tests/synthetic.py), and some run breaches; the batch's events."""
    from tests.synthetic import engines_agree as agree

    batch, events = agree(d, seed, runs)
    assert any(r["breached.exchange"] is not None for r in batch)
    return events


def test_the_scenario_view_says_it_binds_and_an_old_commitment_keeps_its_dump_and_columns():
    from simulator.charts.scenario import milestone_value

    c = Compiled(Scenario.model_validate(doc({**ODDS, **BREACH})))
    text = milestone_value(c, c.milestones[0])
    assert "binding: odds x3 until due, 1 change(s) if it is breached" in text, text
    old = Scenario.model_validate(doc())
    assert old.model_dump(mode="json")["milestones"][0]["commits"][0] == {"milestone": "exchange", "within_days": 28}
    assert "breached.exchange" not in run(doc(), runs=5).column_names


def _write(d):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "s.yaml"
    path.write_text(yaml.safe_dump(json.loads(json.dumps(d, default=str)), sort_keys=False))
    return str(path)


F = "milestones[0].commits[0]"


@pytest.mark.parametrize("commit,field,words", [
    ({"odds": {"value": -1, "assumption": A}}, F + ".odds", "must lie within [0, 1000]"),
    ({"odds": {"odds_multiplier": 2}}, F + ".odds", "give exactly one of"),
    ({"on_breach": [{"param": "nobody.flexibility", "op": "set", "value": 0.1, "assumption": A}]},
     F + ".on_breach[0].param", "unknown parameter"),
    ({"odds": {"chance_within": {"p": 0.5, "days": 30}, "assumption": A}}, F + ".odds.chance_within",
     "odds multiplier"),
    ({"binds": True}, F + ".binds", "unknown field"),
    # a chance within the due window
    ({"chance_within_due": {"value": 1.5, "assumption": A}}, F + ".chance_within_due", "must lie within [0, 1]"),
    ({"chance_within_due": {"value": 0.5}}, F + ".chance_within_due", "give exactly one of"),
    ({"chance_within_due": 0.5}, F + ".chance_within_due", "expected a mapping"),
    ({"chance_within_due": {"class": "treaty"}}, F + ".chance_within_due", "unknown class"),
    ({"chance_within_due": {"odds_multiplier": 2, "assumption": A}}, F + ".chance_within_due.odds_multiplier",
     "is not a weekly chance or an odds multiplier"),
    ({**DUE, **ODDS}, F, "not both"),
])
def test_each_misuse_is_one_line(commit, field, words):
    r = CliRunner().invoke(app, ["validate", _write(doc(commit))])
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert r.exit_code == 2, r.output
    assert len(lines) == 1 and "Traceback" not in r.output, r.output
    assert f": {field}: " in lines[0] and words in lines[0] and ".yaml:" in lines[0], lines[0]


def test_the_battery_holds_on_the_new_constructs():
    """Effects as numbers, a precondition that resists for a time and a commitment that binds, together."""
    from simulator.testing.properties import check_model

    d = doc({**ODDS, **BREACH, "on_breach": [dict(BREACH["on_breach"][0], value={"dist": "uniform", "low": 0.0,
                                                                                 "high": 0.05})]})
    d["milestones"].append({"id": "disarm", "kind": "unilateral", "name": "Disarmament", "actor": "b",
                            "stakes": fixed(0.0), "assumption": A, "pace": {"b": {"act": fixed(0.0)}}})
    d["preconditions"] = [{"id": "disarm_first", "held_by": "a", "before": "exchange", "requires": {"held": "disarm"},
                           "kind": "soft", "waiver": {"resists": {"median_delay_days": 20}, "assumption": A},
                           "assumption": A}]
    sc = Scenario.model_validate(d)
    assert check(sc, None, check_sources=False) == []
    results = check_model(sc, runs=200, only=["renaming", "calendar_shift", "no_op_what_if", "monotonicity",
                                              "step_invariance"])
    assert all(r.passed is not False for r in results), [r.sentence for r in results]


# ----------------------------------------------------------------------------- a chance within the due window



@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_a_chance_within_the_due_window_comes_true_by_the_due_day(step_days):
    """By the due day (28 days, all its steps inside the window): exactly p at any step length; after it, the
    exchange's own weekly chance H again: by day 84, 1 - (1 - p)(1 - H)^8."""
    t = days(run(doc(DUE, step_days=step_days)), L.first("exchange"))
    for window, expect in ((28, P), (84, 1 - (1 - P) * (1 - H) ** 8)):
        assert abs((t < window).mean() - expect) <= mc_bound(expect), (step_days, window, expect)


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_a_joint_act_held_by_a_chance_within_due_is_proposed_and_agreed_by_it(step_days):
    """A joint exchange whose actors would never propose nor accept it (their pace 0): within the window the first
    actor puts it on the table and accepts with the chance, the other for certain; after the window, never."""
    d = doc(DUE, step_days=step_days)
    d["milestones"][1] = {"id": "exchange", "kind": "joint", "name": "Prisoner exchange", "attendees": ["a", "b"],
                          "stakes": fixed(0.0), "assumption": A,
                          "pace": {a: {"propose": fixed(0.0), "accept": fixed(0.0)} for a in ("a", "b")}}
    t = days(run(d), L.first("exchange"))
    assert abs((t < 28).mean() - P) <= mc_bound(P), step_days
    assert ((t < 28) | (t == NEVER)).all()


def test_step_chance_is_the_closed_form():
    from simulator.lang.commitments import step_chance

    for s, w in ((1, 28), (7, 28), (14, 28), (7, 30)):
        q = float(step_chance(P, s, w))
        assert abs(q - (1 - (1 - P) ** (s / w))) < 1e-15
        assert abs(1 - (1 - q) ** (w / s) - P) < 1e-12
    assert float(step_chance(1.0, 7, 28)) == 1.0 and float(step_chance(0.0, 7, 28)) == 0.0


def test_the_chance_is_a_parameter_with_words_and_its_weekly_chance():
    from simulator import api

    path = _write(doc(DUE))
    rows = {r["name"]: r for r in api.params(path)}
    row = rows["ceasefire.commits.0.chance_within_due"]
    assert row["estimable"] == "70% by the due day (28 days), weekly chance 26.0%", row
    sc = Scenario.model_validate(doc(DUE))
    c = Compiled(sc)
    from simulator.lang.words import human_label

    assert human_label("ceasefire.commits.0.chance_within_due", c) == (
        "Chance that Prisoner exchange comes by its due day, 28 days after Ceasefire")
    from simulator.scenario.params import chance_parameters, parameter_units

    assert "ceasefire.commits.0.chance_within_due" in chance_parameters(sc)
    assert "ceasefire.commits.0.chance_within_due" not in parameter_units(sc)  # no odds multiplier
    from pathlib import Path
    from types import SimpleNamespace

    from simulator.analysis.fragile import parameters

    screened = {p.name: p for p in parameters(SimpleNamespace(scenario=sc, path=Path("s.yaml")), c)}
    assert "ceasefire.commits.0.chance_within_due" in screened  # the fragile screen moves its odds
    schema = CliRunner().invoke(app, ["schema"]).output
    assert "chance_within_due" in schema
    t = days(run(doc(DUE), runs=300, overrides={"ceasefire.commits.0.chance_within_due": 0.0}), L.first("exchange"))
    assert (t >= 28).all()  # --set to 0: nothing before the due day
    from simulator.charts.scenario import milestone_value

    assert "binding: by its due day with chance 0.7" in milestone_value(c, c.milestones[0])


def test_a_chance_from_a_class_curve_says_where_it_comes_from():
    from simulator import api
    from simulator.lang.commitments import FromClass

    d = doc({"chance_within_due": {"class": "implementation_step"}})
    share = FromClass.model_validate({"class": "implementation_step"}).share(28)
    assert 0.05 < share < 0.5
    rows = {r["name"]: r for r in api.params(_write(d))}
    row = rows["ceasefire.commits.0.chance_within_due"]
    assert row["low"] == row["high"] == round(share, 12)
    assert "implementation_step" in row["source"] and "no due dates" in row["source"], row["source"]
    t = days(run(d), L.first("exchange"))
    assert abs((t < 28).mean() - share) <= mc_bound(share)
    dumped = Scenario.model_validate(d).model_dump(mode="json")["milestones"][0]["commits"][0]
    assert dumped["chance_within_due"] == {"class": "implementation_step"}


def test_both_engines_agree_on_a_chance_within_due():
    for step_days in (1, 7):
        breach = {"on_breach": [dict(BREACH["on_breach"][0], param="exchange.pace.a.accept")]}
        d = doc({**DUE, **breach}, step_days=step_days, days=120)
        d["milestones"][1]["kind"], d["milestones"][1]["attendees"] = "joint", ["a", "b"]
        del d["milestones"][1]["actor"]
        d["milestones"][1]["pace"] = {"a": {"propose": fixed(0.1), "accept": fixed(0.5)}}
        engines_agree(d, seed=5, runs=40)


def test_the_battery_holds_on_a_chance_within_due():
    from simulator.testing.properties import check_model

    sc = Scenario.model_validate(doc({**DUE, **BREACH}))
    results = check_model(sc, runs=300, only=["renaming", "calendar_shift", "no_op_what_if", "monotonicity",
                                              "step_invariance"])
    assert all(r.passed is not False for r in results), [r.sentence for r in results]
