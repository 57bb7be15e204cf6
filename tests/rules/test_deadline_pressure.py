"""DeadlinePressure: standard properties, the urgency ramp and leverage-weighted pressure."""

import pytest

from simulator.rules import DeadlinePressure
from simulator.testing import rule_properties

from .helpers import mediator_view

test_deadline_pressure_properties = rule_properties(DeadlinePressure)

U = {"urgency.base": 0.2, "urgency.peak": 0.8, "urgency.ramp_weeks": 10.0, "urgency.after_deadline": 0.1}


@pytest.mark.parametrize(("weeks", "expected"), [(30, 0.2), (10, 0.2), (5, 0.5), (0, 0.8), (-1, 0.1)])
def test_urgency_ramps_up_to_the_deadline_then_drops(weeks, expected):
    assert DeadlinePressure().urgency(mediator_view(U, weeks_to_deadline=weeks)) == pytest.approx(expected)


def test_pushes_its_first_priority_whatever_the_draw():
    rule = DeadlinePressure()
    assert {rule.target(mediator_view(U, candidates=("x", "y")), u) for u in (0.0, 0.5, 0.99)} == {"x"}
    assert rule.target(mediator_view(U, candidates=()), 0.3) is None


def test_pressure_is_leverage_times_urgency():
    v = mediator_view(U, leverage={"syria": 0.5, "turkey": 0.2})
    assert DeadlinePressure().pressure(v, "a", 0.6) == {"syria": pytest.approx(0.3), "turkey": pytest.approx(0.12)}
