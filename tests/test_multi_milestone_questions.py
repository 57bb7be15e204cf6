"""Questions over several milestones (issue 22 item 9): the date of the first of several (`date_of: {any: [...]}`),
counts over several (`count: {any: [...]}` in a question, `count: {of: {any: [...]}, at_least: n}` in a
condition), and "A happened before B" (`order: {first: A, then: B}`) wherever a condition is allowed.

Per-run identities against the milestones' own record columns (both engines), a closed form at weekly and daily
steps, the words, and one-line errors for each misuse.
"""

import datetime as dt

import numpy as np
import pytest

from simulator import layout as L
from simulator.compiled import Compiled
from simulator.lang.context import Words
from simulator.runner import run_replications
from simulator.scenario.schema import Scenario
from simulator.scenario.semantics import check
from tests.test_pace import A, START, doc, fixed, mc_bound, party, within
from tests.test_params_words import one_problem

NEVER_DAYS = 10 ** 9


def step(mid, actor, p, days=90, **kw):
    return {"id": mid, "kind": "unilateral", "name": mid.title(), "actor": actor, "stakes": fixed(0.0),
            "assumption": A, "pace": {actor: {"act": {"chance_within": {"p": p, "days": days}, "assumption": A}}},
            **kw}


QUESTIONS = [
    {"id": "first_any", "text": "When does the first of the two steps come?", "date_of": {"any": ["one", "two"]}},
    {"id": "both_times", "text": "How many steps in all?", "count": {"any": ["one", "two"]}},
    {"id": "one_first", "text": "Does one come before two?", "when": {"order": {"first": "one", "then": "two"}}},
    {"id": "two_in_all", "text": "Both by then?", "when": {"count": {"of": {"any": ["one", "two"]}, "at_least": 2}}},
]


def scenario(step_days=7, days=365, p=(0.5, 0.3), gate=None):
    actors = [party("a"), party("b")]
    two = step("two", "b", p[1], requires=gate) if gate else step("two", "b", p[1])
    d = doc(step_days, [step("one", "a", p[0]), two], actors=actors, days=days, questions=QUESTIONS)
    sc = Scenario.model_validate(d)
    assert check(sc, None, check_sources=False) == []
    return sc


def records(sc, runs=2000, engine="batch"):
    table, _ = run_replications(Compiled(sc), 11, list(range(runs)), engine=engine)
    return table


def days(table, column):
    return np.array([NEVER_DAYS if x is None else (x - START).days for x in table.column(column).to_pylist()])


@pytest.mark.parametrize("engine", ["batch", "mesa"])
def test_answers_equal_what_the_milestones_columns_say_run_by_run(engine):
    table = records(scenario(), runs=2000 if engine == "batch" else 60, engine=engine)
    one, two = days(table, L.first("one")), days(table, L.first("two"))
    assert (days(table, L.question("first_any")) == np.minimum(one, two)).all()
    counts = np.array(table.column(L.count("one")).to_pylist()) + np.array(table.column(L.count("two")).to_pylist())
    assert (np.array(table.column(L.question("both_times")).to_pylist()) == counts).all()
    before = (one < NEVER_DAYS) & (one < two)
    assert (np.array(table.column(L.question("one_first")).to_pylist()) == before).all()
    assert (np.array(table.column(L.question("two_in_all")).to_pylist()) == (counts >= 2)).all()
    if engine == "batch":  # the identities are not empty: every case occurs
        assert before.any() and (~before).any() and (two < one).any() and (one == two).any()


def test_both_engines_give_the_same_records():
    sc = scenario(step_days=1, days=120)
    assert records(sc, 25, "mesa").equals(records(sc, 25, "batch"))


@pytest.mark.parametrize("step_days", [7, 1])
def test_the_first_of_two_independent_steps_has_the_closed_form(step_days):
    """Two actors act independently, 50% and 30% within 90 days: the first of them within 60 days is
    1 - (1 - F1)(1 - F2)."""
    table = records(scenario(step_days), runs=4000)
    f1, f2 = within(0.5, 90, 60, step_days), within(0.3, 90, 60, step_days)
    expect = 1 - (1 - f1) * (1 - f2)
    share = (days(table, L.question("first_any")) < 60).mean()
    assert abs(share - expect) <= mc_bound(expect, 4000), (share, expect)


def test_order_works_as_a_gate_and_stays_true_after_the_second_comes():
    """`two` may come only while `one` has come before it: as a gate the order condition holds on every later day
    (once one has come and two has not, two can follow), so two always comes after one."""
    sc = scenario(gate={"order": {"first": "one", "then": "two"}})
    table = records(sc, runs=1000)
    one, two = days(table, L.first("one")), days(table, L.first("two"))
    assert (two[two < NEVER_DAYS] > one[two < NEVER_DAYS]).all() and (two < NEVER_DAYS).mean() > 0.2


def test_words_name_every_milestone():
    sc = scenario()
    w = Words(sc)
    said = {q.id: q.asks(w) if q.id in ("first_any", "both_times") else q.when.label(w) for q in sc.questions}
    assert said["first_any"] == "date the first of One or Two happens"
    assert said["both_times"] == "times any of One or Two happens (added up)"
    assert said["one_first"] == "One has happened before Two"
    assert said["two_in_all"] == "One or Two have happened at least 2 times in all"


BASE = doc(7, [step("one", "a", 0.5), step("two", "b", 0.3)], actors=[party("a"), party("b")])


@pytest.mark.parametrize("question, message", [
    ({"date_of": {"any": ["one"]}}, "questions[0].date_of.any: List should have at least 2 items after validation, "
                                    "not 1"),
    ({"date_of": {"any": ["one", "one"]}}, "questions[0].date_of: 'one' is named twice: name each milestone once"),
    ({"date_of": {"any": ["one", "nope"]}}, "questions[0].date_of.any[1]: unknown milestone or event 'nope' "
                                            "(known: one, two)"),
    ({"count": {"any": ["one", "nope"]}}, "questions[0].count.any[1]: unknown milestone 'nope' (known: one, two)"),
    ({"count": ["one", "two"]}, "questions[0].count: expected a single milestone id, or {any: [a, b]} for several"),
    ({"when": {"order": {"first": "one", "then": "one"}}},
     "questions[0].when.order.then: 'first' and 'then' name the same milestone: name two"),
    ({"when": {"order": {"first": "one"}}}, "questions[0].when.order.then: required field missing"),
    ({"when": {"order": {"first": "one", "then": "nope"}}},
     "questions[0].when.order.then: unknown milestone 'nope' (known: one, two)"),
])
def test_each_misuse_is_one_line(tmp_path, question, message):
    d = {**BASE, "questions": [{"id": "q", "text": "?", **question}]}
    assert one_problem(tmp_path, d) == message
