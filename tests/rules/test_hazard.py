"""ProportionalHazard: standard properties (its array form gives the same probabilities bit for bit among them:
array_equals_scalar); the weekly chance is the stated hazard; odds multiply as declared (conversions of estimable
units: tests/test_estimable.py)."""

import dataclasses

import numpy as np
import pytest

from simulator.lang.estimable import hazard_from_chance
from simulator.rules import ProportionalHazard
from simulator.testing import rule_properties

from .helpers import party_view

test_hazard_properties = rule_properties(ProportionalHazard)

BASE = {"hazard": 0.1, "acceptance": 0.5, "pressure_odds": 2.0, "stakes_odds": 1.0, "election_odds": 1.0,
        "election_weeks": 12.0}


def prob(method, size=0.0, **kw):
    params = {**BASE, **kw.pop("params", {})}
    view = party_view(params, **kw)
    return getattr(ProportionalHazard(), method)(view, size, 0.5).probability


def odds(p):
    return p / (1 - p)


def test_with_no_modifier_the_weekly_chance_is_the_stated_hazard():
    assert prob("propose") == pytest.approx(0.1)
    assert prob("concede") == pytest.approx(0.1)
    assert prob("accept") == pytest.approx(0.5)


def test_pressure_multiplies_the_odds_per_unit():
    for pressure in (0.5, 1.0, 2.5):
        assert odds(prob("propose", pressure=pressure)) == pytest.approx(odds(0.1) * 2.0 ** pressure)


def test_stakes_multiply_the_odds_and_big_steps_come_slower():
    p = {"stakes_odds": 0.25}
    assert odds(prob("accept", 1.5, params=p)) == pytest.approx(odds(0.5) * 0.25 ** 1.5)
    assert prob("accept", 1.0, params=p) < prob("accept", 0.2, params=p)


def test_an_election_close_at_hand_multiplies_the_odds_only_within_its_window():
    rule = ProportionalHazard()
    params = {**BASE, "election_odds": 0.2}
    near = dataclasses.replace(party_view(params), weeks_to_election=5.0)
    far = dataclasses.replace(party_view(params), weeks_to_election=30.0)
    assert odds(rule.propose(near, 0.0, 0.5).probability) == pytest.approx(odds(0.1) * 0.2)
    assert rule.propose(far, 0.0, 0.5).probability == pytest.approx(0.1)


def test_waiver_has_even_odds_when_pressure_equals_the_threshold():
    assert prob("waive", 0.8, pressure=0.8) == pytest.approx(0.5)
    assert prob("waive", 0.8, pressure=1.8) == pytest.approx(2 / 3)


def test_zero_and_certain_hazards():
    assert prob("propose", params={"hazard": 0.0}, pressure=3.0) == 0.0
    assert prob("propose", params={"hazard": 1.0}) == 1.0


def test_the_chance_within_a_window_follows_from_the_weekly_hazard():
    """Simulated waiting times under the rule's weekly chance match the conversion formula."""
    h = hazard_from_chance(0.6, 91)  # 13 weeks
    rng = np.random.default_rng(1)
    u = rng.random((20000, 13))
    view = party_view({**BASE, "hazard": h})
    p = ProportionalHazard().propose(view, 0.0, 0.0).probability
    within = (u < p).any(axis=1).mean()
    assert within == pytest.approx(0.6, abs=0.015)  # 4.5 standard errors of a 20000-run proportion
