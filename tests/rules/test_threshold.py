"""ReservationThreshold: the standard properties, and its documented formulas."""

import pytest

from simulator.rules import ReservationThreshold
from simulator.rules.base import logistic
from simulator.testing import rule_properties

from .helpers import party_view

test_threshold_properties = rule_properties(ReservationThreshold)

P = {"flexibility": 0.3, "resolve": 1.2, "pressure_sensitivity": 0.5, "concession_rate": 0.1, "initiative": 0.4}


def test_accept_follows_the_docstring_formula():
    v = party_view(P, pressure=0.4, sharpness=8)
    w = 0.3 + 0.5 * 0.4
    d = ReservationThreshold().accept(v, 0.6, 0.5)
    assert d.probability == pytest.approx(logistic(8 * (w - 1.2 * 0.6)))
    assert d.yes == (0.5 < d.probability)
    assert not d.yes and "reluctant" in d.reason  # p ~ 0.15: a refusal says why


def test_willingness_is_clipped_and_waiver_ignores_flexibility():
    rule = ReservationThreshold()
    assert rule.willingness(party_view(P, pressure=10.0)) == 1.0
    stiff = rule.waive(party_view({**P, "flexibility": 0.0}, pressure=1.0), 0.5, 0.0).probability
    loose = rule.waive(party_view({**P, "flexibility": 1.0}, pressure=1.0), 0.5, 0.0).probability
    assert stiff == loose == pytest.approx(logistic(8 * (0.5 * 1.0 - 0.5)))


def test_no_concession_or_proposal_at_zero_rate():
    rule = ReservationThreshold()
    v = party_view({**P, "concession_rate": 0.0, "initiative": 0.0}, pressure=5.0)
    assert rule.concede(v, 0.1, 0.0).probability == 0.0 and not rule.concede(v, 0.1, 0.0).yes
    assert not rule.propose(v, 0.1, 0.0).yes
