"""Actors outside the talks (issue 22 item 11): `role: outside` (a belligerent, a spoiler, a neighbour) holds
conditions and takes unilateral steps with a party rule, without being a party or a mediator; it sits at no table.
"""

import numpy as np
import pytest

from simulator import layout as L
from simulator.compiled import Compiled
from simulator.runner import run_replications
from simulator.scenario.schema import Scenario
from simulator.scenario.semantics import check
from tests.test_pace import A, PUSH, START, doc, fixed, mc_bound, meeting, party, within
from tests.test_params_words import one_problem

NEVER_DAYS = 10 ** 9


def outsider():
    return {**party("x"), "name": "Armed group", "role": "outside"}


def scenario(step_days=7, role="outside", attendees=("a", "b")):
    """Talks between a and b (both accept at once, a mediator keeps them on the table) wait for the armed group's
    ceasefire, which the group declares with a median delay of 30 days: the group holds the precondition."""
    x = {**outsider(), "role": role}
    ceasefire = {"id": "ceasefire", "kind": "unilateral", "name": "Ceasefire declared", "actor": "x",
                 "stakes": fixed(0.0), "assumption": A,
                 "pace": {"x": {"act": {"median_delay_days": 30, "assumption": A}}}}
    talks = meeting(attendees=list(attendees), pace={a: {"accept": fixed(1.0)} for a in attendees})
    pre = [{"id": "no_talks_under_fire", "held_by": "x", "before": "talks", "requires": {"held": "ceasefire"},
            "kind": "hard", "assumption": A}]
    d = doc(step_days, [talks, ceasefire], actors=[party("a"), party("b"), x, {"id": "m", "name": "M",
                                                                                 "role": "mediator"}],
            mediation=PUSH, preconditions=pre, days=365)
    d["schema_version"] = 3
    return d


def first_days(d, column, runs=4000, engine="batch"):
    sc = Scenario.model_validate(d)
    assert check(sc, None, check_sources=False) == []
    table, _ = run_replications(Compiled(sc), 5, list(range(runs)), engine=engine)
    return np.array([NEVER_DAYS if x is None else (x - START).days for x in table.column(column).to_pylist()])


@pytest.mark.parametrize("step_days", [7, 1])
def test_an_outside_actor_acts_at_its_own_pace_and_holds_up_the_talks_until_it_does(step_days):
    d = scenario(step_days)
    cease, talks = first_days(d, L.first("ceasefire")), first_days(d, L.first("talks"))
    expect = within(0.5, 30, 30, step_days)
    assert abs((cease < 30).mean() - expect) <= mc_bound(expect)
    happened = talks < NEVER_DAYS
    assert happened.mean() > 0.9 and (talks[happened] >= cease[happened]).all()


def test_both_engines_agree_with_an_outside_actor():
    d = scenario(7)
    for col in (L.first("ceasefire"), L.first("talks")):
        assert (first_days(d, col, 40, "mesa") == first_days(d, col, 40, "batch")).all()


def test_an_outside_actor_sits_at_no_table(tmp_path):
    d = scenario(attendees=("a", "x"))
    assert one_problem(tmp_path, d) == ("milestones[0].attendees[1]: 'x' is outside the talks (role: outside) and "
                                        "sits at no table: make it a party to take part, or give it a unilateral "
                                        "step")


def test_the_same_actor_as_a_party_may_attend(tmp_path):
    d = scenario(attendees=("a", "x"), role="party")
    assert check(Scenario.model_validate(d), None, check_sources=False) == []
