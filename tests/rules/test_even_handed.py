"""EvenHanded: standard properties; equal pressure bounded by the weakest leverage; flat urgency."""

import pytest

from simulator.rules import EvenHanded
from simulator.testing import rule_properties

from .helpers import mediator_view

test_even_handed_properties = rule_properties(EvenHanded)

U = {"urgency.base": 0.5, "urgency.after_deadline": 0.1}


def test_presses_every_attendee_with_the_weakest_leverage():
    v = mediator_view(U, leverage={"syria": 0.6, "turkey": 0.2})
    assert EvenHanded().pressure(v, "a", 0.5) == {"syria": pytest.approx(0.1), "turkey": pytest.approx(0.1)}
    lopsided = mediator_view(U, leverage={"syria": 0.6})  # no leverage over one side: no pressure on either
    assert EvenHanded().pressure(lopsided, "a", 0.5) == {"syria": 0.0, "turkey": 0.0}


def test_urgency_is_flat_until_the_deadline():
    rule = EvenHanded()
    assert {rule.urgency(mediator_view(U, weeks_to_deadline=w)) for w in (50, 5, 0)} == {0.5}
    assert rule.urgency(mediator_view(U, weeks_to_deadline=-0.5)) == 0.1


def test_target_rotates_among_candidates_by_draw():
    rule = EvenHanded()
    v = mediator_view(U, candidates=("x", "y", "z"))
    assert [rule.target(v, u) for u in (0.0, 0.34, 0.67, 0.999999)] == ["x", "y", "z", "z"]
