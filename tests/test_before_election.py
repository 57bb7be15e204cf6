"""Suspensions "before an election" (issue 22 item 4): the condition ``before_election: {days: N}`` holds while an
election's round 1 (that one, or any of the calendar's) is at most N days ahead. It reads the calendar's fixed dates
only: closed forms at 1-, 7- and 14-day steps, both engines with the same records and event logs, words, one-line
errors, the property battery."""

import datetime as dt

import pytest

from simulator import layout as L
from simulator.compiled import Compiled
from simulator.runner import run_replications
from simulator.scenario.schema import Scenario
from simulator.scenario.semantics import check
from tests.test_elections import act, doc, election, fixed, hazard_party
from tests.test_params_words import one_problem

START = dt.date(2024, 1, 1)
ROUND1 = 70  # the election's day


def scenario(step_days=7, soon=None, version=3):
    """b suspends the talks (a's step 'one') whenever it could, in the 30 days before the election of day 70."""
    suspend = {"id": "suspend", "kind": "unilateral", "name": "B suspends the talks", "actor": "b", "repeat": True,
               "stakes": fixed(0.0), "assumption": "Constructed for a test.",
               "requires": soon or {"before_election": {"days": 30, "election": "vote"}},
               "pace": {"b": {"act": fixed(1.0)}},
               "freezes": {"milestones": ["one"], "days": fixed(10.0)}}
    d = doc(step_days, [act("one", "a"), suspend], actors=[hazard_party("a", 0.2), hazard_party("b", 0.0)],
            days=140, calendar={"elections": [election(day=ROUND1)]})
    d["schema_version"] = version
    d["questions"] = [{"id": "n", "text": "How many suspensions?", "count": "suspend"}]
    return d


def table(d, runs=50, engine="batch"):
    sc = Scenario.model_validate(d)
    assert check(sc, None, check_sources=False) == []
    return run_replications(Compiled(sc), 5, list(range(runs)), engine=engine)[0]


@pytest.mark.parametrize("step_days,first,count", [(1, 40, 30), (7, 35, 5), (14, 28, 3)])
def test_it_holds_in_the_steps_that_end_in_the_days_before_the_election(step_days, first, count):
    """A condition is asked at a step's end: it holds in the steps whose last day lies in [70 - 30, 70)."""
    t = table(scenario(step_days))
    assert set(t.column(L.first("suspend")).to_pylist()) == {START + dt.timedelta(days=first)}
    assert set(t.column(L.count("suspend")).to_pylist()) == {count}
    expect = sum(1 for k in range(0, 140, step_days) if ROUND1 - 30 <= k + step_days - 1 < ROUND1)
    assert expect == count  # the closed form: the steps ending in the window


def test_any_election_of_the_calendar_when_none_is_named():
    d = scenario(soon={"before_election": {"days": 7}})
    d["calendar"]["elections"].append(election(id="later", day=120))
    t = table(d, runs=5)
    assert set(t.column(L.count("suspend")).to_pylist()) == {2}  # the weeks ending days 69 and 118


def test_both_engines_give_the_same_records_and_logs():
    from tests.synthetic import engines_agree

    for step_days in (1, 7):
        engines_agree(scenario(step_days))


def test_its_words():
    from simulator.lang.conditions import BeforeElection

    c = Compiled(Scenario.model_validate(scenario()))
    named = BeforeElection.model_validate({"before_election": {"days": 30, "election": "vote"}})
    assert named.label(c.words) == "the General election comes within 30 days"
    assert BeforeElection.model_validate({"before_election": {"days": 7}}).label(c.words) == (
        "an election comes within 7 days")
    assert list(named.reads()) == [("date", "election.vote.round1")]
    assert not named.stays_true() and named.reads_the_past() and named.milestones() == []
    from typer.testing import CliRunner

    from simulator.cli import app

    assert "before_election" in CliRunner().invoke(app, ["schema"]).output


F = "milestones[1].requires"


@pytest.mark.parametrize("soon,field,words", [
    ({"before_election": {"days": 30, "election": "poll"}}, F + ".before_election.election", "unknown election 'poll'"),
    ({"before_election": {"days": 0}}, F + ".before_election.days", "greater than or equal to 1"),
    ({"before_election": {"election": "vote"}}, F + ".before_election.days", "required"),
    ({"before_election": {"days": 30, "in": "vote"}}, F + ".before_election.in", "unknown field"),
])
def test_each_misuse_is_one_line(tmp_path, soon, field, words):
    said = one_problem(tmp_path, scenario(soon=soon))
    assert said.startswith(f"{field}: ") and words in said, said


def test_a_calendar_without_an_election_is_one_line(tmp_path):
    d = scenario(soon={"before_election": {"days": 30}})
    d["calendar"]["elections"] = []
    said = one_problem(tmp_path, d)
    assert said == f"{F}.before_election: the calendar has no election (calendar.elections)", said


def test_the_battery_holds():
    from simulator.testing.properties import check_model

    d = scenario()
    d["milestones"][1]["pace"]["b"]["act"] = fixed(0.3)
    results = check_model(Scenario.model_validate(d), runs=300,
                          only=["renaming", "calendar_shift", "no_op_what_if", "monotonicity", "step_invariance"])
    assert all(r.passed is not False for r in results), [r.sentence for r in results]
