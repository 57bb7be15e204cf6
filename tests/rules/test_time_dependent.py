"""TimeDependentConcession: standard properties; Boulware concedes later than linear, Conceder earlier."""

import pytest

from simulator.rules import TimeDependentConcession
from simulator.testing import rule_properties

from .helpers import party_view

test_time_dependent_properties = rule_properties(TimeDependentConcession)

BASE = {"flexibility": 0.2, "beta": 1.0, "horizon_weeks": 40.0, "resolve": 1.0, "pressure_sensitivity": 0.5,
        "concession_rate": 0.1, "initiative": 0.1}


def willingness(beta, weeks, pressure=0.0):
    return TimeDependentConcession().willingness(party_view({**BASE, "beta": beta}, weeks=weeks, pressure=pressure))


def test_curve_runs_from_flexibility_to_one_over_the_horizon():
    for beta in (0.2, 1.0, 5.0):
        assert willingness(beta, 0) == pytest.approx(0.2)
        assert willingness(beta, 40) == pytest.approx(1.0)
        assert willingness(beta, 80) == pytest.approx(1.0)  # past the deadline it stays at the reservation value
    assert willingness(1.0, 20) == pytest.approx(0.2 + 0.8 * 0.5)  # linear


def test_boulware_holds_firm_and_conceder_gives_early():
    for weeks in (5, 20, 35):
        assert willingness(0.2, weeks) < willingness(1.0, weeks) < willingness(5.0, weeks)


def test_acceptance_rises_with_time():
    rule = TimeDependentConcession()
    probs = [rule.accept(party_view(BASE, weeks=w), 0.6, 0.5).probability for w in range(0, 41, 5)]
    assert probs == sorted(probs) and probs[-1] > probs[0]


def test_pressure_shifts_the_curve_up():
    assert willingness(0.2, 10, pressure=0.4) == pytest.approx(willingness(0.2, 10) + 0.2)
