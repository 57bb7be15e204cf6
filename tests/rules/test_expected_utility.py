"""ExpectedUtility: standard properties and the challenge logic of its docstring."""

import pytest

from simulator.rules import ExpectedUtility
from simulator.rules.base import logistic
from simulator.testing import rule_properties

from .helpers import party_view

test_expected_utility_properties = rule_properties(ExpectedUtility)

P = {"flexibility": 0.4, "salience": 1.0, "capability": 1.0, "concession_rate": 0.2, "initiative": 0.3}


def test_without_pressure_it_weighs_value_against_salient_stakes():
    rule = ExpectedUtility()
    v = party_view(P, pressure=0.0, sharpness=6)
    assert rule.advantage(v, 0.7) == pytest.approx(0.4 - 0.7)
    assert rule.accept(v, 0.7, 0.5).probability == pytest.approx(logistic(6 * (0.4 - 0.7)))


def test_failure_odds_follow_relative_capability():
    rule = ExpectedUtility()
    assert rule.failure_odds(party_view(P, pressure=1.0)) == pytest.approx(0.5)
    assert rule.failure_odds(party_view({**P, "capability": 3.0}, pressure=1.0)) == pytest.approx(0.25)
    # at overwhelming pressure refusing almost surely fails, so accepting is worth nearly the full loss avoided
    assert rule.advantage(party_view(P, pressure=1e6), 1.5) == pytest.approx(1.0, abs=1e-5)


def test_a_more_capable_party_resists_longer():
    weak = ExpectedUtility().accept(party_view({**P, "capability": 0.2}, pressure=0.5), 0.9, 0.5).probability
    strong = ExpectedUtility().accept(party_view({**P, "capability": 4.0}, pressure=0.5), 0.9, 0.5).probability
    assert weak > strong
