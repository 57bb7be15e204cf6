"""Numbers per milestone and per actor (``pace``) and who may put a step on the table (``proposed_by``).

Closed forms at weekly and daily steps on both engines, one-line errors for each misuse, the parameter table
(names, units, ranges, `diplosim params`), the fragile screen, and mediators without a deadline.
"""

import datetime as dt
import json
import math

import numpy as np
import pytest

from simulator import layout as L
from simulator.compiled import Compiled
from simulator.scenario.params import ParameterTable, parameter_units
from simulator.scenario.schema import Scenario
from tests.synthetic import A, RUNS, START, fixed, mc_bound, meeting, party, run
from tests.synthetic import cli as _cli, one_error as _one_error, write_yaml as _write




def doc(step_days=7, milestones=None, actors=None, days=2 * 365, **parts):
    d = {
        "schema_version": 2,
        "metadata": {"title": "T", "description": "T", "as_of": START},
        "sources": [{"id": "s", "title": "t", "publisher": "p", "date": START}],
        "actors": actors or [party("a"), party("b"), {"id": "m", "name": "M", "role": "mediator"}],
        "milestones": milestones or [meeting()],
        "calendar": {"start": START, "end": START + dt.timedelta(days=days), "step_days": step_days},
        "dynamics": {"pressure_decay": fixed(0.5), "sharpness": fixed(8.0)},
        "questions": [{"id": "when", "text": "When?", "date_of": (milestones or [meeting()])[0]["id"]}],
    }
    for key, value in parts.items():
        if key == "calendar":
            d["calendar"].update(value)
        else:
            d[key] = value
    return d


PUSH = [{"mediator": "m", "rule": "even_handed", "pushes": [{"milestone": "talks"}], "assumption": A}]


def days_until(d, runs=RUNS, engine="batch", column=None, overrides=None):
    table = run(d, runs=runs, engine=engine, overrides=overrides, seed=7)
    dates = table.column(column or L.first(d["milestones"][0]["id"])).to_pylist()
    return np.array([10 ** 9 if x is None else (x - START).days for x in dates])


def within(p, days, window, step):
    """Chance by `window` days (the steps starting within it) of a weekly chance stated as p within `days`."""
    h = 1 - (1 - p) ** (7 / days)
    return 1 - (1 - h) ** (math.ceil(window / step) * step / 7)


# ----------------------------------------------------------------------------- closed forms

@pytest.mark.parametrize("step_days", [7, 1])
def test_a_party_that_agrees_within_a_year_with_60_percent_does_so_while_a_mediator_keeps_it_on_the_table(step_days):
    """Only a's stated acceptance pace stands between the meeting and the table a mediator keeps it on: it happens
    within 365 days in ~60% of runs (b accepts for sure; a's rule alone would almost never accept at stakes 0.5,
    resolve 1 and flexibility 0.5 with sharpness 8: logistic(-0) = 50% a week, nearly certain within a year)."""
    m = meeting(pace={"a": {"accept": {"chance_within": {"p": 0.6, "days": 365}, "assumption": A}},
                      "b": {"accept": fixed(1.0)}})
    t = days_until(doc(step_days, [m], mediation=PUSH))
    expect = within(0.6, 365, 365, step_days)
    share = (t < 365).mean()
    assert abs(share - expect) <= mc_bound(expect), (step_days, share, expect)


@pytest.mark.parametrize("step_days", [7, 1])
def test_a_proposal_pace_puts_a_meeting_on_the_table_with_its_median_delay(step_days):
    """a proposes with a median delay of 30 days, both accept at once: the meeting's median delay is 30 days
    (b's own proposal chance is stated 0, so its rule's initiative is not asked)."""
    m = meeting(pace={"a": {"propose": {"median_delay_days": 30, "assumption": A}, "accept": fixed(1.0)},
                      "b": {"propose": fixed(0.0), "accept": fixed(1.0)}})
    t = days_until(doc(step_days, [m], actors=[party("a"), party("b", initiative=1.0)]))
    expect = within(0.5, 30, 30, step_days)
    share = (t < 30).mean()
    assert abs(share - expect) <= mc_bound(expect), (step_days, share, expect)


@pytest.mark.parametrize("step_days", [7, 1])
def test_an_act_pace_on_a_unilateral_step_and_on_a_ladder_stage(step_days):
    step = {"id": "step", "kind": "unilateral", "name": "Step", "actor": "a", "stakes": fixed(2.0), "assumption": A,
            "pace": {"a": {"act": {"chance_within": {"p": 0.3, "days": 90}, "assumption": A}}}}
    ladder = {"id": "lad", "actor": "b", "name": "Ladder", "assumption": A,
              "stages": [{"id": "s0", "name": "start"},
                         {"id": "s1", "name": "one", "cost": fixed(2.0),
                          "pace": {"b": {"act": {"median_delay_days": 60, "assumption": A}}}}]}
    d = doc(step_days, [step], concessions=[ladder], days=400)
    t = days_until(d)
    expect = within(0.3, 90, 90, step_days)
    assert abs((t < 90).mean() - expect) <= mc_bound(expect)
    t2 = days_until(d, column=L.first("lad.s1"))
    expect2 = within(0.5, 60, 60, step_days)
    assert abs((t2 < 60).mean() - expect2) <= mc_bound(expect2)


def test_without_a_pace_the_rule_decides_and_set_changes_a_pace():
    """The stated chance replaces the rule for that decision only: a's rule (50% a week) makes the meeting come
    in the first weeks; its pace of 0 stops it; `--set` of the pace parameter moves it."""
    assert (days_until(doc(7, [meeting()], mediation=PUSH), runs=400) < 60).mean() > 0.9
    m = meeting(pace={"a": {"accept": fixed(0.0)}, "b": {"accept": fixed(1.0)}})
    assert (days_until(doc(7, [m], mediation=PUSH), runs=400) == 10 ** 9).all()
    t = days_until(doc(7, [m], mediation=PUSH), runs=400, overrides={"talks.pace.a.accept": 1.0})
    assert (t == 0).all()


@pytest.mark.parametrize("step_days", [7, 1])
def test_both_engines_agree_with_paces_and_proposers(step_days):
    m = meeting(proposed_by="mediators",
                pace={"a": {"accept": {"chance_within": {"p": 0.6, "days": 365, "low": 0.3, "high": 0.8},
                                       "assumption": A}}})
    d = doc(step_days, [m], mediation=PUSH, days=200)
    assert (days_until(d, runs=30, engine="mesa") == days_until(d, runs=30, engine="batch")).all()


def test_a_hard_precondition_still_blocks_a_stated_pace():
    m = meeting(pace={"a": {"accept": fixed(1.0)}, "b": {"accept": fixed(1.0)}})
    gate = {"id": "first", "kind": "unilateral", "name": "First", "actor": "b", "stakes": fixed(0.0),
            "assumption": A, "pace": {"b": {"act": fixed(0.0)}}}
    pre = [{"id": "pc", "held_by": "a", "before": "talks", "requires": {"held": "first"}, "kind": "hard",
            "assumption": A}]
    assert (days_until(doc(7, [m, gate], mediation=PUSH, preconditions=pre), runs=200) == 10 ** 9).all()


# ----------------------------------------------------------------------------- who may put it on the table

def test_proposed_by_mediators_keeps_parties_from_putting_it_on_the_table():
    """Parties who would propose every week (a pace of 1) and accept at once: without `proposed_by` the meeting
    comes in the first week; with `proposed_by: mediators` only the mediator's push puts it there, so switching
    the mediator off means it never happens."""
    actors = [party("a", initiative=1.0), party("b", initiative=1.0), {"id": "m", "name": "M", "role": "mediator"}]
    sure = {a: {"propose": fixed(1.0), "accept": fixed(1.0)} for a in ("a", "b")}
    off = {"m.active": 0.0}
    t = days_until(doc(7, [meeting(pace=sure)], actors=actors, mediation=PUSH), runs=200, overrides=off)
    assert (t == 0).all()
    t = days_until(doc(7, [meeting(pace=sure, proposed_by="mediators")], actors=actors, mediation=PUSH), runs=200,
                   overrides=off)
    assert (t == 10 ** 9).all()
    t = days_until(doc(7, [meeting(pace=sure, proposed_by="mediators")], actors=actors, mediation=PUSH), runs=200)
    assert (t == 0).all()


@pytest.mark.parametrize("step_days", [7, 1])
def test_proposed_by_occasions_waits_for_the_occasion(step_days):
    """Parties proposing every week and a mediator pressing cannot put it on the table; the summit on day 100 does,
    and it happens that day in every run."""
    actors = [party("a", initiative=1.0), party("b", initiative=1.0), {"id": "m", "name": "M", "role": "mediator"}]
    sure = {a: {"propose": fixed(1.0), "accept": fixed(1.0)} for a in ("a", "b")}
    summit = [{"id": "summit", "name": "Summit", "date": START + dt.timedelta(days=100), "actors": ["a", "b"],
               "milestones": ["talks"], "assumption": A}]
    d = doc(step_days, [meeting(pace=sure, proposed_by="occasions")], actors=actors, mediation=PUSH,
            calendar={"occasions": summit})
    assert (days_until(d, runs=100) == 100).all()
    assert (days_until(d, runs=10, engine="mesa") == 100).all()


# ----------------------------------------------------------------------------- parameters

def test_pace_numbers_are_weekly_chance_parameters_listed_by_params():
    m = meeting(pace={"a": {"accept": {"chance_within": {"p": 0.6, "days": 365}, "assumption": A}},
                      "b": {"propose": {"median_delay_days": 30, "assumption": A}}})
    sc = Scenario.model_validate(doc(7, [m], mediation=PUSH))
    table = ParameterTable(sc)
    units = parameter_units(sc)
    assert units["talks.pace.a.accept"] == units["talks.pace.b.propose"] == "weekly_chance"
    assert table.params["talks.pace.a.accept"].value == pytest.approx(1 - 0.4 ** (7 / 365))
    rows = {r["name"]: r for r in json.loads(_cli(["params", _write(doc(7, [m], mediation=PUSH)), "--json"]).stdout)}
    row = rows["talks.pace.a.accept"]
    assert row["unit"] == "weekly_chance" and row["stated_as"] == "60% chance within 365 days"
    assert "within 30 days" in row["estimable"] and "within 90 days" in row["estimable"]
    assert "60% within 365 days" in row["estimable"]


def test_a_scenario_without_the_constructs_keeps_its_dump():
    """The new fields are left out of dumps while unused (content hashes of the corpus stay as recorded)."""
    sc = Scenario.model_validate(doc(7, mediation=PUSH))
    dumped = sc.model_dump(mode="json")
    assert "pace" not in dumped["milestones"][0] and "proposed_by" not in dumped["milestones"][0]


def test_the_fragile_screen_moves_pace_numbers_by_their_odds():
    from pathlib import Path
    from types import SimpleNamespace

    from simulator.analysis.fragile import parameters

    m = meeting(pace={"a": {"accept": {"chance_within": {"p": 0.6, "days": 365}, "assumption": A}},
                      "b": {"accept": fixed(0.9)}})
    sc = Scenario.model_validate(doc(7, [m], mediation=PUSH))
    screened = {p.name: p for p in parameters(SimpleNamespace(scenario=sc, path=Path("s.yaml")), Compiled(sc))}
    for name in ("talks.pace.a.accept", "talks.pace.b.accept"):
        assert screened[name].move == "odds" and (screened[name].low, screened[name].high) == (0, 1)
    assert screened["talks.pace.a.accept"].label == "Weekly chance that A agrees to the talks meeting once it is on " \
                                                    "the table"


# ----------------------------------------------------------------------------- one-line errors

@pytest.mark.parametrize("pace,field,words", [
    ({"z": {"accept": fixed(0.5)}}, "milestones[0].pace.z", "unknown actor 'z'"),
    ({"m": {"accept": fixed(0.5)}}, "milestones[0].pace.m", "'m' does not decide 'talks' (it needs: a, b)"),
    ({"a": {"act": fixed(0.5)}}, "milestones[0].pace.a.act", "'act' does not apply to meeting 'talks'"),
    ({"a": {}}, "milestones[0].pace.a", "give at least one of propose, accept"),
    ({"a": {"accept": {"odds_multiplier": 0.5, "assumption": A}}}, "milestones[0].pace.a.accept.odds_multiplier",
     "is a weekly chance, not an odds multiplier"),
    ({"a": {"accept": fixed(1.5)}}, "milestones[0].pace.a.accept", "must lie within [0, 1]"),
    ({"a": {"accept": {"chance_within": {"p": 1.5, "days": 30}, "assumption": A}}},
     "milestones[0].pace.a.accept.chance_within", "must lie within [0, 1]"),
    ({"a": {"accept": {"chance_within": {"p": 0.5, "days": 30}}}}, "milestones[0].pace.a.accept",
     "give exactly one of"),
    ({"a": {"when": fixed(0.5)}}, "milestones[0].pace.a.when", "unknown field (allowed: propose, accept, act)"),
])
def test_each_misuse_of_pace_is_one_line(pace, field, words):
    _one_error(doc(7, [meeting(pace=pace)], mediation=PUSH), field, words)


def test_propose_on_a_unilateral_step_is_one_line():
    step = {"id": "step", "kind": "unilateral", "name": "Step", "actor": "a", "stakes": fixed(0.0), "assumption": A,
            "pace": {"a": {"propose": fixed(0.5)}}}
    _one_error(doc(7, [step]), "milestones[0].pace.a.propose", "a unilateral step is taken by its actor ('act')")


@pytest.mark.parametrize("where,field,words", [
    ("unilateral", "milestones[0].proposed_by", "'proposed_by' is for meetings and joint acts"),
    ("no_mediation", "milestones[0].proposed_by", "only by mediators, but the scenario has no mediation"),
    ("occasion_lists", "milestones[0].proposed_by", "only by mediators, but occasion 'summit' lists it"),
    ("nothing", "milestones[0].proposed_by", "only at occasions, but no occasion lists it"),
    ("no_push", "milestones[0].proposed_by", "only by mediators, but no mediator's pushes lead to it"),
    ("bad", "milestones[0].proposed_by", "mediators"),
])
def test_each_misuse_of_proposed_by_is_one_line(where, field, words):
    summit = [{"id": "summit", "name": "Summit", "date": START + dt.timedelta(days=10), "actors": ["a", "b"],
               "milestones": ["talks"], "assumption": A}]
    if where == "unilateral":
        d = doc(7, [{"id": "step", "kind": "unilateral", "name": "Step", "actor": "a", "stakes": fixed(0.0),
                     "assumption": A, "proposed_by": "mediators"}])
    elif where == "no_mediation":
        d = doc(7, [meeting(proposed_by="mediators")])
    elif where == "occasion_lists":
        d = doc(7, [meeting(proposed_by="mediators")], mediation=PUSH, calendar={"occasions": summit})
    elif where == "no_push":
        other = {"id": "other", "kind": "joint", "name": "Other", "attendees": ["a"], "stakes": fixed(0.1),
                 "assumption": A}
        push = [dict(PUSH[0], pushes=[{"milestone": "other"}])]
        d = doc(7, [meeting(proposed_by="mediators"), other], mediation=push)
    elif where == "nothing":
        d = doc(7, [meeting(proposed_by="occasions")], mediation=PUSH)
    else:
        d = doc(7, [meeting(proposed_by="parties")], mediation=PUSH)
    _one_error(d, field, words)


# ----------------------------------------------------------------------------- mediators without a deadline

def test_a_mediator_without_a_deadline():
    """even_handed needs none and runs; deadline_pressure says in one line that it needs one, or such a rule."""
    d = doc(7, [meeting(pace={"a": {"accept": fixed(1.0)}, "b": {"accept": fixed(1.0)}})], mediation=PUSH)
    assert (days_until(d, runs=20) == 0).all()
    med = [dict(PUSH[0], rule="deadline_pressure")]
    _one_error(doc(7, mediation=med), "mediation[0].deadline",
               "rule 'deadline_pressure' works toward a deadline: give 'deadline'")
    _one_error(doc(7, mediation=med), "mediation[0].deadline", "or a rule that needs none (even_handed)")


# ----------------------------------------------------------------------------- the property battery

def test_renaming_and_calendar_shift_hold_with_paces_and_proposers():
    """Renaming every id renames the actors a pace is keyed by (transforms walk a RootModel's mapping too)."""
    from simulator.testing import transforms as T
    from simulator.testing.properties import check_model

    m = meeting(proposed_by="mediators", pace={"a": {"accept": {"chance_within": {"p": 0.6, "days": 365},
                                                                "assumption": A}}})
    sc = Scenario.model_validate(doc(7, [m], mediation=PUSH))
    renamed, mapping = T.rename_ids(sc)
    assert set(renamed.milestones[0].pace.root) == {mapping["a"]}
    results = check_model(sc, runs=200, only=["renaming", "calendar_shift", "no_op_what_if", "monotonicity"])
    assert all(r.passed is not False for r in results), [r.sentence for r in results]


def test_the_scenario_view_says_who_puts_it_on_the_table_and_each_own_chance():
    from simulator.charts.scenario import milestone_value

    m = meeting(proposed_by="mediators", pace={"a": {"accept": {"chance_within": {"p": 0.6, "days": 365},
                                                                "assumption": A}}})
    c = Compiled(Scenario.model_validate(doc(7, [m], mediation=PUSH)))
    text = milestone_value(c, c.milestones[0])
    assert "put on the table only by mediators" in text
    assert "A agrees once it is on the table: 60% chance within 365 days" in text
    plain = Compiled(Scenario.model_validate(doc(7, mediation=PUSH)))
    assert "on the table" not in milestone_value(plain, plain.milestones[0])


def test_a_mediator_pushing_a_later_goal_puts_a_mediators_only_prerequisite_on_the_table():
    """A push toward `deal` (which requires `talks`) leads to `talks`: valid, and the mediator puts it there."""
    sure = {a: {"propose": fixed(0.0), "accept": fixed(1.0)} for a in ("a", "b")}
    deal = {"id": "deal", "kind": "joint", "name": "Deal", "attendees": ["a", "b"], "stakes": fixed(0.1),
            "requires": {"held": "talks"}, "assumption": A}
    push = [dict(PUSH[0], pushes=[{"milestone": "deal"}])]
    t = days_until(doc(7, [meeting(pace=sure, proposed_by="mediators"), deal], mediation=push), runs=50)
    assert (t == 0).all()
