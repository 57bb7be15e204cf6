"""Estimable units (simulator/lang/estimable.py): conversions round-trip; a Param stated in them reads back."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.lang.base import Param
from simulator.lang.estimable import (apply_odds, chance_from_hazard, hazard_from_chance, hazard_from_median,
                                      median_from_hazard)

@given(st.floats(0.0, 0.999), st.floats(7.0, 3650.0))
def test_chance_within_a_window_round_trips(p, days):
    """Windows of a week or more (the model's step; shorter ones push h towards 1, where 1 - h loses digits)."""
    h = hazard_from_chance(p, days)
    assert 0.0 <= h <= 1.0
    assert chance_from_hazard(h, days) == pytest.approx(p, abs=1e-9)


@given(st.floats(1.0, 3650.0))
def test_median_delay_round_trips_and_is_the_half_chance_point(days):
    h = hazard_from_median(days)
    assert median_from_hazard(h) == pytest.approx(days, rel=1e-9)
    assert chance_from_hazard(h, days) == pytest.approx(0.5, abs=1e-12)


@given(st.floats(0.001, 0.999), st.floats(0.01, 100.0), st.floats(0.01, 100.0))
def test_odds_multipliers_compose(h, m1, m2):
    assert apply_odds(apply_odds(h, m1), m2) == pytest.approx(apply_odds(h, m1 * m2), rel=1e-9)
    assert apply_odds(h, 1.0) == pytest.approx(h)


def test_worked_example_of_the_docs():
    """docs/model.md: 60% within 90 days is a weekly chance of 6.88%; median delay 68.1 days."""
    h = hazard_from_chance(0.6, 90)
    assert round(h, 4) == 0.0688
    assert round(median_from_hazard(h), 1) == 68.1
    assert round(apply_odds(h, 2.0), 4) == 0.1287
    assert round(chance_from_hazard(apply_odds(h, 2.0), 90), 3) == 0.830


@given(st.floats(0.0, 1.0), st.floats(0.5, 3650.0))
def test_a_param_stated_as_a_chance_within_a_window_is_that_weekly_chance_and_reads_back(p, days):
    param = Param(chance_within={"p": p, "days": days}, assumption="Constructed for a test.")
    assert param.dist == "fixed" and param.value == pytest.approx(hazard_from_chance(p, days))
    assert Param.model_validate(param.model_dump(mode="json")) == param  # dumps (manifests) read back


@given(st.floats(0.01, 0.98), st.floats(0.0, 0.01), st.floats(0.0, 0.01), st.floats(1.0, 400.0))
def test_an_uncertain_chance_is_triangular_in_weekly_chances(p, dlo, dhi, days):
    lo, hi = p - dlo, p + dhi + 0.001
    param = Param(chance_within={"p": p, "days": days, "low": lo, "high": hi}, assumption="Constructed for a test.")
    assert param.dist == "triangular"
    assert param.bounds == pytest.approx((hazard_from_chance(lo, days), hazard_from_chance(hi, days)))
    assert param.mode == pytest.approx(hazard_from_chance(p, days))


def test_median_delay_and_odds_multiplier_forms():
    assert Param(median_delay_days=30, assumption="Constructed for a test.").value == pytest.approx(1 - 0.5 ** (7 / 30))
    assert Param(odds_multiplier=2.5, assumption="Constructed for a test.").value == 2.5
    with pytest.raises(ValueError, match="give one of chance_within or median_delay_days, not both"):
        Param(chance_within={"p": 0.5, "days": 10}, median_delay_days=3, assumption="Constructed for a test.")


def test_unused_forms_and_defaults_stay_out_of_dumps_so_scenario_hashes_do_not_change():
    """Observed files record their scenario's hash: adding these optional fields must not alter it."""
    from simulator.scenario import load

    from .conftest import ROOT

    plain = Param(value=0.3, assumption="Constructed for a test.").model_dump(mode="json")
    assert not {"chance_within", "median_delay_days", "odds_multiplier"} & set(plain)
    for observed in sorted((ROOT / "scenarios").glob("*.observed.yaml")):
        loaded = load(observed.with_name(observed.name.replace(".observed.yaml", ".yaml")))
        assert "defaults" not in loaded.scenario.model_dump(mode="json")
        recorded = next(line.split(":")[1].strip() for line in observed.read_text().splitlines()
                        if line.startswith("scenario_hash:"))
        assert loaded.digest == recorded, observed.name


@pytest.mark.parametrize("stated", [
    {"value": 0.3, "low": 0.1, "high": 0.5},
    {"median_delay_days": 150, "low": 90, "high": 240},
    {"chance_within": {"p": 0.5, "days": 30}, "low": 0.1, "high": 0.5},
])
def test_a_range_without_a_distribution_is_refused_not_ignored(stated):
    """low/high beside a single number (no dist) were kept but never drawn: the number ran as if no range had been
    given. They are refused in one sentence."""
    from pydantic import ValidationError

    from simulator.lang.base import Param

    with pytest.raises(ValidationError, match="'low' has no meaning for a single number"):
        Param.model_validate({**stated, "assumption": "Constructed for a test."})
