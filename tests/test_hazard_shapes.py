"""Time shapes for every hazard (issue 22 item 3): a shock's, a random occasion's and an actor's entry hazard take
the shapes of ``lang/timeshape.py`` (periods, weibull, not_before_days, since), counted from the first day the item
could come in the run. Closed forms at 1-, 7- and 14-day steps, both engines run for run (records and event logs),
parameters, words, the schema, and one-line errors."""

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

from .test_batch_engine import assert_same_records
from .test_pace import START, A, _cli, _one_error, _write, doc, fixed, party
from .test_time_varying import PERIODS, WEIBULL, bound, periods_cdf, weibull_cdf

RUNS = 6000
NEVER = 10 ** 9
LEAD = {"not_before_days": 28, "median_delay_days": 28, "assumption": A}


def lead_cdf(t):
    return 0.0 if t <= 28 else 1 - 0.5 ** ((t - 28) / 28)


def assert_cdf(t, cdf, windows, step_days, offset=0):
    """The share of runs in which it came before ``offset + w`` days is ``cdf(w)`` for each window ``w``."""
    for window in windows:
        expect, got = cdf(window), (t < offset + window).mean()
        assert abs(got - expect) <= bound(expect, len(t)), (step_days, window, got, expect)


def shock(hazard, **kw):
    return {"id": "x", "name": "Strike", "hazard": hazard, "assumption": A, **kw}


def occasion(hazard, **kw):
    return {"id": "o", "name": "Summit", "hazard": hazard, "actors": ["a", "b"], "assumption": A, **kw}


def joiner(hazard, **kw):
    return {**party("h"), "role": "host", "enters": {"hazard": hazard, "assumption": A, **kw}}


def with_calendar(step_days, days=400, shocks=(), occasions=(), actors=None):
    return doc(step_days, days=days, actors=actors, calendar={"shocks": list(shocks), "occasions": list(occasions)})


def days_of(d, column, runs=RUNS, engine="batch", overrides=None):
    sc = Scenario.model_validate(d)
    assert check(sc, None, check_sources=False) == []
    table, _ = run_replications(Compiled(sc), 7, list(range(runs)), engine=engine, overrides=overrides)
    return np.array([NEVER if x is None else (x - START).days for x in table.column(column).to_pylist()])


ACTORS = [party("a"), party("b"), {"id": "m", "name": "M", "role": "mediator"}]

# ----------------------------------------------------------------------------- closed forms, any step length


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_a_shock_with_a_weibull_keeps_its_median_and_shape_at_any_step_length(step_days):
    """A strike whose chance rises with time (Weibull, median 84 days, shape 2) comes by day 28, 56, 84 and 168
    with the closed-form chance at every step length."""
    t = days_of(with_calendar(step_days, shocks=[shock(WEIBULL)]), L.fired("x"))
    assert_cdf(t, lambda w: weibull_cdf(w, 84, 2.0), (28, 56, 84, 168), step_days)


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_a_random_occasion_with_periods_gives_each_stretch_its_own_chance(step_days):
    t = days_of(with_calendar(step_days, occasions=[occasion(PERIODS)]), L.fired("o"))
    assert (t >= 28).all()  # nothing in the first period (chance 0)
    assert_cdf(t, periods_cdf, (56, 84, 98, 112), step_days)


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_an_actors_entry_with_a_lead_time_waits_then_runs(step_days):
    """Not before 28 days, then a median delay of 28 days: the host never joins before day 28, half by day 56."""
    t = days_of(with_calendar(step_days, actors=[*ACTORS, joiner(LEAD)]), L.entered("h"))
    assert t.min() >= 28
    assert_cdf(t, lead_cdf, (56, 84, 140), step_days)


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_the_clock_starts_when_the_window_opens(step_days):
    """A shock whose window opens on day 56: its Weibull counts from then (a constant chance would not care)."""
    opens = START + dt.timedelta(days=56)
    t = days_of(with_calendar(step_days, shocks=[shock(WEIBULL, between=[opens.isoformat(), "end"])]), L.fired("x"))
    assert t.min() >= 56
    assert_cdf(t, lambda w: weibull_cdf(w, 84, 2.0), (56, 84, 168), step_days, offset=56)


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_the_clock_starts_when_the_condition_first_holds_in_each_run(step_days):
    """A shock that comes only once a step has been taken (at a random time): its lead time of 42 days, then
    certainty, counts from the first step in which the condition held in that run."""
    step = {"id": "step", "kind": "unilateral", "name": "Step", "actor": "a", "stakes": fixed(0.5), "assumption": A,
            "pace": {"a": {"act": {"median_delay_days": 21, "assumption": A}}}}
    hz = {"not_before_days": 42, "value": 1.0, "assumption": A}
    d = doc(step_days, [step], days=600, calendar={"shocks": [shock(hz, when={"held": "step"})]})
    t, g = days_of(d, L.fired("x")), days_of(d, L.first("step"))
    done = t < NEVER
    assert done.sum() > RUNS * 0.9 and g.std() > 10
    # the condition is seen in the step after the step's (the calendar comes before the steps), then 42 days
    assert (t[done] - g[done] == step_days + step_days * math.ceil(42 / step_days)).all()


@pytest.mark.parametrize("step_days", [1, 7])
def test_since_a_date_counts_from_that_date(step_days):
    shape = dict(WEIBULL, since=(START + dt.timedelta(days=56)).isoformat())
    t = days_of(with_calendar(step_days, shocks=[shock(shape)]), L.fired("x"))
    assert t.min() >= 56
    assert_cdf(t, lambda w: weibull_cdf(w, 84, 2.0), (84,), step_days, offset=56)


def test_a_recurring_shocks_clock_starts_again_after_each_time():
    """A shock that recurs with a lead time of 28 days, then certainty, comes every 35 days at weekly steps (its
    clock starts again the step after it came): days 28, 63, 98, 133, 168 within 200 days."""
    hz = {"not_before_days": 28, "value": 1.0, "assumption": A}
    d = with_calendar(7, days=200, shocks=[shock(hz, once=False, effects=[
        {"param": "dynamics.pressure_decay", "op": "add", "value": 0.01, "assumption": A}])])
    sc = Scenario.model_validate(d)
    assert check(sc, None, check_sources=False) == []
    from simulator.batch.engine import BatchEngine

    engine = BatchEngine(Compiled(sc))
    engine.run(7, range(3), events_for=None)
    days = sorted({(e[3] - START).days for e in engine.events if e[4] == "shock"}) if engine.events else []
    assert days == [28, 63, 98, 133, 168], days


# ----------------------------------------------------------------------------- both engines


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_both_engines_give_the_same_records_and_event_logs(step_days):
    opens = (START + dt.timedelta(days=30)).isoformat()
    d = with_calendar(step_days, days=300, actors=[*ACTORS, joiner(PERIODS)],
                      shocks=[shock(WEIBULL, once=False, freezes=["talks"], weeks=2)],
                      occasions=[occasion(LEAD, between=[opens, "end"], milestones=["talks"])])
    d["mediation"] = [{"mediator": "m", "rule": "even_handed", "pushes": [{"milestone": "talks"}], "assumption": A}]
    sc = Scenario.model_validate(d)
    assert check(sc, None, check_sources=False) == []
    assert_same_records(Compiled(sc), 3, list(range(30)))


# ----------------------------------------------------------------------------- parameters, words, schema


def test_each_number_of_a_hazard_shape_is_a_parameter_with_its_range_unit_and_words():
    d = with_calendar(7, actors=[*ACTORS, joiner(LEAD)], shocks=[shock(WEIBULL)], occasions=[occasion(PERIODS)])
    sc = Scenario.model_validate(d)
    table, units = ParameterTable(sc), parameter_units(sc)
    assert table.params["x.hazard.weibull.median_days"].value == 84
    assert table.params["x.hazard.weibull.shape"].value == 2
    assert table.params["o.hazard.periods.1"].value == pytest.approx(1 - 0.5 ** (7 / 56))
    assert units["o.hazard.periods.2"] == "weekly_chance"
    assert table.params["h.enters.hazard.not_before_days"].value == 28
    assert units["h.enters.hazard.chance"] == "weekly_chance"
    assert "x.hazard" not in table.index and "h.enters.hazard" not in table.index
    rows = {r["name"]: r for r in json.loads(_cli(["params", _write(d), "--json"]).stdout)}
    median = rows["x.hazard.weibull.median_days"]
    assert f"{weibull_cdf(30, 84, 2.0):.0%} within 30 days" in median["estimable"]
    assert f"{lead_cdf(90):.0%} within 90 days" in rows["h.enters.hazard.not_before_days"]["estimable"]
    from simulator.lang.words import human_label

    c = Compiled(sc)
    assert human_label("x.hazard.weibull.median_days", c) == "Chance of 'Strike': weibull median days"
    assert human_label("o.hazard.periods.1", c) == "Chance of 'Summit': weekly chance in period 2"
    assert human_label("h.enters.hazard.chance", c) == "Chance that H joins: weekly chance after the lead time"


def test_set_moves_a_hazard_shapes_number():
    d = with_calendar(7, shocks=[shock(WEIBULL)])
    t = days_of(d, L.fired("x"), runs=2000, overrides={"x.hazard.weibull.median_days": 28.0})
    expect = weibull_cdf(28, 28, 2.0)
    assert abs((t < 28).mean() - expect) <= bound(expect, 2000)


def test_the_scenario_view_says_the_shape_in_words():
    from simulator.charts.scenario import entry_value, occasion_value, shock_value

    d = with_calendar(7, actors=[*ACTORS, joiner(LEAD)], shocks=[shock(WEIBULL)], occasions=[occasion(PERIODS)])
    c = Compiled(Scenario.model_validate(d))
    cal = c.scenario.calendar
    assert shock_value(c, cal.shocks[0]).startswith("Weibull waiting time, median 84 days, shape 2 (")
    assert "days 0 to 28: weekly chance 0%" in occasion_value(c, cal.occasions[0])
    assert entry_value(c, c.scenario.actors[-1].enters).startswith("not before 28 days, then ")
    assert "weekly hazard 0.1" in shock_value(c, Scenario.model_validate(
        with_calendar(7, shocks=[shock(fixed(0.1))])).calendar.shocks[0])


def test_the_schema_shows_shapes_on_every_hazard():
    r = _cli(["schema"])
    assert r.exit_code == 0
    schema = r.output
    assert "counted from the first day it could come in the run" in schema
    assert "counted from the first day it could enter in the run" in schema


# ----------------------------------------------------------------------------- one-line errors


@pytest.mark.parametrize("where,field,words", [
    ("shock", "calendar.shocks[0].hazard.weibull", "weibull.shape must be a number > 0 (got -1)"),
    ("occasion", "calendar.occasions[0].hazard.weibull", "weibull.shape must be a number > 0 (got -1)"),
    ("entry", "actors[3].enters.hazard.weibull", "weibull.shape must be a number > 0 (got -1)"),
])
def test_a_misused_shape_on_any_hazard_is_one_line(where, field, words):
    bad = {"weibull": {"median_days": 30, "shape": -1}, "assumption": A}
    d = {"shock": lambda: with_calendar(7, shocks=[shock(bad)]),
         "occasion": lambda: with_calendar(7, occasions=[occasion(bad)]),
         "entry": lambda: with_calendar(7, actors=[*ACTORS, joiner(bad)])}[where]()
    _one_error(d, field, words)


@pytest.mark.parametrize("hazard,field,words", [
    ({"periods": [{"until_days": 30, "value": 0.1}, {"until_days": 20, "value": 0.2}, {"value": 0}],
      "assumption": A}, "calendar.shocks[0].hazard", "until_days must increase"),
    ({"periods": [{"until_days": 30, "value": 1.5}, {"value": 0.2}], "assumption": A},
     "calendar.shocks[0].hazard.periods[0]", "must lie within [0, 1]"),
    ({"not_before_days": -1, "value": 0.1, "assumption": A}, "calendar.shocks[0].hazard",
     "not_before_days must be a number of days >= 0"),
    ({"not_before_days": 5, "assumption": A}, "calendar.shocks[0].hazard", "give the chance after the lead time"),
    ({"weibull": {"median_days": 30, "shape": 1}}, "calendar.shocks[0].hazard", "give exactly one of 'evidence'"),
    ({"weibull": {"median_days": 30, "shape": 1}, "since": "2030-01-01", "assumption": A},
     "calendar.shocks[0].hazard.since", "after the calendar ends"),
    ({"class_curve": {"class": "talks_opened", "days": [0, 30], "chance": [0, 0.2]}},
     "calendar.shocks[0].hazard.class_curve", "a class curve is the pace of a classed milestone, not a hazard"),
    ({"not_before_days": 5, "chance_within": {"p": 0.5, "days": 30}, "odds_multiplier": 2, "assumption": A},
     "calendar.shocks[0].hazard.odds_multiplier", "unknown field"),
])
def test_each_misuse_of_a_shock_shape_is_one_line(hazard, field, words):
    _one_error(with_calendar(7, shocks=[shock(hazard)]), field, words)


def test_a_misused_since_on_an_entry_and_an_occasion_is_one_line():
    late = dict(WEIBULL, since="2030-01-01")
    _one_error(with_calendar(7, occasions=[occasion(late)]), "calendar.occasions[0].hazard.since",
               "after the calendar ends")
    _one_error(with_calendar(7, actors=[*ACTORS, joiner(late)]), "actors[3].enters.hazard.since",
               "after the calendar ends")


def test_the_scenario_tab_says_each_hazard_shape_in_a_sentence():
    from simulator.charts.scenario import describe
    from simulator.lang.words import construct_sentences

    d = with_calendar(7, actors=[*ACTORS, joiner(LEAD)], shocks=[shock(WEIBULL)], occasions=[occasion(PERIODS)])
    said = dict(construct_sentences(Compiled(Scenario.model_validate(d)), describe))
    assert said["Strike"].startswith("Strike comes with a chance that changes with time: Weibull waiting time, "
                                     "median 84 days, shape 2")
    assert said["Summit"].startswith("Summit comes with a chance that changes with time: days 0 to 28")
    assert said["H"].startswith("H joins with a chance that changes with time: not before 28 days")
    plain = with_calendar(7, shocks=[shock(fixed(0.1))])
    assert construct_sentences(Compiled(Scenario.model_validate(plain)), describe) == []
