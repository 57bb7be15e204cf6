"""Chances that change with time (``lang/timeshape.py``): periods, a Weibull waiting time, a lead time, ``since`` a
date. Closed forms at 1-, 7- and 14-day steps on both engines, the clock per run and per milestone, one-line errors
for each misuse, and the parameters (``params``, ``--set``, the fragile screen)."""

import datetime as dt
import json
import math

import numpy as np
import pytest

from simulator import layout as L
from simulator.compiled import Compiled
from simulator.runner import run_replications
from simulator.scenario.params import ParameterTable, parameter_units
from simulator.scenario.schema import Scenario
from simulator.scenario.semantics import check

from .test_pace import PUSH, START, A, _cli, _one_error, _write, doc, fixed, meeting

RUNS = 6000
NEVER = 10 ** 9


def step_act(pace, mid="step", actor="a", **kw):
    return {"id": mid, "kind": "unilateral", "name": mid.title(), "actor": actor, "stakes": fixed(0.5),
            "assumption": A, "pace": {actor: {"act": pace}}, **kw}


def days_until(d, runs=RUNS, engine="batch", mid=None, overrides=None, seed=7):
    sc = Scenario.model_validate(d)
    assert check(sc, None, check_sources=False) == []
    table, _ = run_replications(Compiled(sc), seed, list(range(runs)), engine=engine, overrides=overrides)
    dates = table.column(L.first(mid or d["milestones"][0]["id"])).to_pylist()
    return np.array([NEVER if x is None else (x - START).days for x in dates])


def bound(p, n=RUNS):
    return 4.5 * math.sqrt(max(p * (1 - p), 1e-4) / n)


def weibull_cdf(t, median, k):
    return 1 - 0.5 ** ((t / median) ** k)


WEIBULL = {"weibull": {"median_days": 84, "shape": 2.0}, "assumption": A}
PERIODS = {"periods": [{"until_days": 28, "value": 0.0}, {"until_days": 84, "chance_within": {"p": 0.5, "days": 56}},
                       {"median_delay_days": 14}], "assumption": A}


def periods_cdf(t):
    """0 until day 28; 50% within the next 56 days; then a median delay of 14 days."""
    if t <= 28:
        return 0.0
    if t <= 84:
        return 1 - 0.5 ** ((t - 28) / 56)
    return 1 - 0.5 * 0.5 ** ((t - 84) / 14)


# ----------------------------------------------------------------------------- closed forms, any step length

@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_a_weibull_waiting_time_keeps_its_median_and_shape_at_any_step_length(step_days):
    """A Weibull (median 84 days, shape 2: the chance rises with time) gives its closed-form chance by day 28,
    56, 84 and 168 (each a whole number of 1-, 7- and 14-day steps), so its median is recovered at every step
    length."""
    t = days_until(doc(step_days, [step_act(WEIBULL)], days=400))
    for window in (28, 56, 84, 168):
        expect = weibull_cdf(window, 84, 2.0)
        assert abs((t < window).mean() - expect) <= bound(expect), (step_days, window, (t < window).mean(), expect)


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_periods_give_each_stretch_its_own_chance_at_any_step_length(step_days):
    t = days_until(doc(step_days, [step_act(PERIODS)], days=400))
    assert (t >= 28).all()  # nothing in the first period (chance 0)
    for window in (56, 84, 98, 112):
        expect = periods_cdf(window)
        assert abs((t < window).mean() - expect) <= bound(expect), (step_days, window, (t < window).mean(), expect)


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_a_lead_time_is_respected_then_the_chance_runs(step_days):
    """Not before 28 days, then a median delay of 28 days: never before day 28, half by day 56."""
    lead = {"not_before_days": 28, "median_delay_days": 28, "assumption": A}
    t = days_until(doc(step_days, [step_act(lead)], days=400))
    assert t.min() >= 28
    for window, expect in ((56, 0.5), (84, 0.75)):
        assert abs((t < window).mean() - expect) <= bound(expect), (step_days, window, (t < window).mean())


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_the_clock_starts_when_the_step_becomes_possible_in_each_run(step_days):
    """The gated step follows its lead time from the day its gate first held in that run (the gate itself comes at
    a random time), not from the start of the calendar."""
    gate = step_act({"median_delay_days": 21, "assumption": A}, mid="gate", actor="b")
    lead = {"not_before_days": 42, "value": 1.0, "assumption": A}
    d = doc(step_days, [step_act(lead, requires={"held": "gate"}), gate], days=600)
    t, g = days_until(d), days_until(d, mid="gate")
    done = t < NEVER
    assert done.sum() > RUNS * 0.9 and g.std() > 10
    # possible from the step after the gate's (what could happen is worked out as a step begins), then a lead of
    # 42 days: the first step that starts 42 days or more after that
    assert (t[done] - g[done] == step_days + step_days * math.ceil(42 / step_days)).all()


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_since_a_date_counts_from_that_date(step_days):
    """``since`` a date 56 days into the calendar: nothing before it, then the Weibull from that date on."""
    shape = dict(WEIBULL, since=(START + dt.timedelta(days=56)).isoformat())
    t = days_until(doc(step_days, [step_act(shape)], days=400))
    assert t.min() >= 56
    expect = weibull_cdf(84, 84, 2.0)
    assert abs((t < 56 + 84).mean() - expect) <= bound(expect)


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_a_shape_on_acceptance_of_a_meeting_a_mediator_keeps_on_the_table(step_days):
    """a accepts following a Weibull from the day the meeting became possible; b accepts at once; the mediator puts
    it on the table every step. Its chance by day 84 is the Weibull's."""
    m = meeting(pace={"a": {"accept": WEIBULL}, "b": {"accept": fixed(1.0)}}, proposed_by="mediators")
    t = days_until(doc(step_days, [m], mediation=PUSH, days=400))
    for window in (56, 84, 168):
        expect = weibull_cdf(window, 84, 2.0)
        assert abs((t < window).mean() - expect) <= bound(expect), (step_days, window, (t < window).mean(), expect)


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_both_engines_give_the_same_runs_with_shapes_in_time(step_days):
    ms = [step_act(WEIBULL), step_act(PERIODS, mid="other", actor="b", repeat=True),
          meeting(pace={"a": {"propose": {"not_before_days": 20, "median_delay_days": 30, "assumption": A},
                              "accept": WEIBULL}, "b": {"accept": PERIODS}}, requires={"held": "step"})]
    d = doc(step_days, ms, mediation=PUSH, days=300)
    for mid in ("step", "other", "talks"):
        assert (days_until(d, runs=40, engine="mesa", mid=mid) == days_until(d, runs=40, engine="batch",
                                                                             mid=mid)).all()


def test_a_repeatable_steps_clock_starts_again_after_each_time():
    """A repeatable step with a lead time of 28 days and then certainty happens every 28 days (weekly steps: it is
    possible again the step after, and its clock restarts there)."""
    lead = {"not_before_days": 28, "value": 1.0, "assumption": A}
    d = doc(7, [step_act(lead, repeat=True)], days=200)
    sc = Scenario.model_validate(d)
    table, _ = run_replications(Compiled(sc), 7, list(range(5)), engine="batch")
    counts = table.column(L.count("step")).to_pylist()
    # days 28, 63, 98, 133, 168: 28 days after the step after each
    assert counts == [5] * 5, counts


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_a_breakdown_chance_that_changes_with_the_time_in_force(step_days):
    """A step taken on day 0 (its own chance 1) breaks down following a Weibull (median 84 days, shape 2) counted
    from the day it came into force: the chance it has broken down by day 56, 84 and 168 is the Weibull's at every
    step length (the step it came into force in is asked with the next one)."""
    m = step_act(fixed(1.0), breakdown={"hazard": WEIBULL, "assumption": A})
    d = doc(step_days, [m], days=400)
    assert (days_until(d, runs=200) == 0).all()
    sc = Scenario.model_validate(d)
    table, _ = run_replications(Compiled(sc), 7, list(range(RUNS)), engine="batch")
    broken = np.array([NEVER if x is None else (x - START).days for x in table.column(L.broken("step")).to_pylist()])
    for window in (56, 84, 168):
        expect = weibull_cdf(window, 84, 2.0)
        assert abs((broken < window).mean() - expect) <= bound(expect), (step_days, window, (broken < window).mean())


def test_a_lead_time_on_a_breakdown_and_both_engines():
    m = step_act(fixed(1.0), breakdown={"hazard": {"not_before_days": 63, "value": 0.5, "assumption": A},
                                        "assumption": A})
    d = doc(7, [m], days=300)
    sc = Scenario.model_validate(d)
    table, _ = run_replications(Compiled(sc), 7, list(range(300)), engine="batch")
    broken = [(x - START).days for x in table.column(L.broken("step")).to_pylist() if x is not None]
    assert len(broken) > 250 and min(broken) >= 63
    mesa, _ = run_replications(Compiled(sc), 7, list(range(30)), engine="mesa")
    assert mesa.column(L.broken("step")).to_pylist() == table.column(L.broken("step")).to_pylist()[:30]
    units = parameter_units(sc)
    assert units["step.breakdown.hazard.chance"] == "weekly_chance"
    assert ParameterTable(sc).params["step.breakdown.hazard.not_before_days"].value == 63


# ----------------------------------------------------------------------------- parameters

def test_each_number_of_a_shape_is_a_parameter_with_its_range_unit_and_words():
    d = doc(7, [step_act(WEIBULL), step_act(PERIODS, mid="other", actor="b"),
                step_act({"not_before_days": 10, "median_delay_days": 30, "assumption": A}, mid="third")])
    sc = Scenario.model_validate(d)
    table, units = ParameterTable(sc), parameter_units(sc)
    assert table.params["step.pace.a.act.weibull.median_days"].value == 84
    assert table.params["step.pace.a.act.weibull.shape"].value == 2
    assert table.params["other.pace.b.act.periods.0"].value == 0
    assert table.params["other.pace.b.act.periods.1"].value == pytest.approx(1 - 0.5 ** (7 / 56))
    assert units["other.pace.b.act.periods.2"] == "weekly_chance"
    assert table.params["third.pace.a.act.not_before_days"].value == 10
    assert units["third.pace.a.act.chance"] == "weekly_chance"
    rows = {r["name"]: r for r in json.loads(_cli(["params", _write(d), "--json"]).stdout)}
    median = rows["step.pace.a.act.weibull.median_days"]
    assert f"{weibull_cdf(30, 84, 2):.0%} within 30 days" in median["estimable"]
    assert f"{weibull_cdf(90, 84, 2):.0%} within 90 days" in median["estimable"]
    assert "within 365 days" in rows["third.pace.a.act.not_before_days"]["estimable"]


def test_set_moves_a_shapes_number():
    d = doc(7, [step_act(WEIBULL)], days=400)
    t = days_until(d, runs=2000, overrides={"step.pace.a.act.weibull.median_days": 28.0})
    expect = weibull_cdf(28, 28, 2.0)
    assert abs((t < 28).mean() - expect) <= bound(expect, 2000)
    t = days_until(d, runs=2000, overrides={"step.pace.a.act.weibull.shape": 1.0})
    expect = weibull_cdf(28, 84, 1.0)
    assert abs((t < 28).mean() - expect) <= bound(expect, 2000)


def test_the_fragile_screen_moves_a_shapes_numbers_within_their_ranges():
    from pathlib import Path
    from types import SimpleNamespace

    from simulator.analysis.fragile import parameters

    sc = Scenario.model_validate(doc(7, [step_act(WEIBULL), step_act(PERIODS, mid="other", actor="b")]))
    screened = {p.name: p for p in parameters(SimpleNamespace(scenario=sc, path=Path("s.yaml")), Compiled(sc))}
    assert screened["other.pace.b.act.periods.1"].move == "odds"
    assert screened["step.pace.a.act.weibull.median_days"].move != "odds"
    assert screened["step.pace.a.act.weibull.median_days"].high > 84


# ----------------------------------------------------------------------------- one-line errors

def _unil(pace):
    return doc(7, [step_act(pace)])


@pytest.mark.parametrize("pace,field,words", [
    ({"periods": [{"until_days": 30, "value": 0.1}, {"until_days": 20, "value": 0.2}, {"value": 0}],
      "assumption": A}, "milestones[0].pace.a.act", "until_days must increase"),
    ({"periods": [{"until_days": 30, "value": 0.1}, {"until_days": 60, "value": 0.2}], "assumption": A},
     "milestones[0].pace.a.act", "the last period has no until_days"),
    ({"periods": [{"value": 0.1}, {"value": 0.2}], "assumption": A}, "milestones[0].pace.a.act",
     "period 1 needs until_days"),
    ({"periods": [{"until_days": 30, "value": 0.1, "median_delay_days": 3}, {"value": 0.2}], "assumption": A},
     "milestones[0].pace.a.act.periods[0]", "not value and median_delay_days"),
    ({"periods": [{"until_days": 30, "value": 1.5}, {"value": 0.2}], "assumption": A},
     "milestones[0].pace.a.act.periods[0]", "must lie within [0, 1]"),
    ({"periods": [], "assumption": A}, "milestones[0].pace.a.act.periods", "at least 1 item"),
    ({"weibull": {"median_days": 30, "shape": 0}, "assumption": A}, "milestones[0].pace.a.act.weibull",
     "weibull.shape must be a number > 0 (got 0)"),
    ({"weibull": {"median_days": -3, "shape": 1}, "assumption": A}, "milestones[0].pace.a.act.weibull",
     "weibull.median_days must be a positive number of days"),
    ({"weibull": {"median_days": 30, "shape": 1}}, "milestones[0].pace.a.act", "give exactly one of 'evidence'"),
    ({"not_before_days": -1, "value": 0.1, "assumption": A}, "milestones[0].pace.a.act",
     "not_before_days must be a number of days >= 0"),
    ({"not_before_days": 5, "assumption": A}, "milestones[0].pace.a.act", "give the chance after the lead time"),
    ({"weibull": {"median_days": 30, "shape": 1}, "since": "someday", "assumption": A},
     "milestones[0].pace.a.act.since", "date"),
])
def test_each_misuse_of_a_shape_in_time_is_one_line(pace, field, words):
    _one_error(_unil(pace), field, words)


def test_the_schema_shows_the_shapes():
    r = _cli(["schema"])
    assert r.exit_code == 0
    for word in ("not_before_days", "weibull", "periods", "until_days"):
        assert word in r.output, word


def test_a_misused_breakdown_shape_is_one_line():
    m = step_act(fixed(1.0), breakdown={"hazard": {"weibull": {"median_days": 30, "shape": -1}, "assumption": A},
                                        "assumption": A})
    _one_error(doc(7, [m]), "milestones[0].breakdown.hazard.weibull", "weibull.shape must be a number > 0 (got -1)")
