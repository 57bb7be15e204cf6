"""The Wilson interval is plain numpy and agrees with statsmodels to the bit (statsmodels is only a test dependency)."""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import ndtri
from statsmodels.stats.proportion import proportion_confint

from simulator.stats import _CRITICAL, critical_value, wilson

LEVELS = sorted(_CRITICAL) + [0.6, 0.75, 0.85, 0.925, 0.97, 0.9999]


def reference(k, n, confidence):
    return proportion_confint(np.asarray(k, dtype=float), np.asarray(n, dtype=float), alpha=1 - confidence,
                              method="wilson")


def test_table_of_critical_values_is_scipys():
    for confidence, z in _CRITICAL.items():
        assert z == -ndtri((1 - confidence) / 2)


@pytest.mark.parametrize("confidence", LEVELS)
def test_identical_to_statsmodels_on_every_count_up_to_300(confidence):
    n = np.concatenate([np.full(t + 1, t) for t in range(1, 301)])
    k = np.concatenate([np.arange(t + 1) for t in range(1, 301)])
    low, high = wilson(k, n, confidence)
    ref_low, ref_high = reference(k, n, confidence)
    assert np.array_equal(low, ref_low) and np.array_equal(high, ref_high)


@given(st.lists(st.tuples(st.integers(1, 10**9), st.floats(0, 1)), min_size=1, max_size=50),
       st.sampled_from(LEVELS))
def test_identical_to_statsmodels_on_large_counts(cases, confidence):
    n = np.array([t for t, _ in cases])
    k = np.floor(n * np.array([f for _, f in cases]))
    low, high = wilson(k, n, confidence)
    ref_low, ref_high = reference(k, n, confidence)
    assert np.array_equal(low, ref_low) and np.array_equal(high, ref_high)


def test_scalar_inputs_and_no_trials():
    low, high = wilson([3, 0], [10, 0])
    ref = proportion_confint(3, 10, alpha=1 - 0.95, method="wilson")  # as the summary always called it
    assert (low[0], high[0]) == ref
    assert np.isnan(low[1]) and np.isnan(high[1])
    assert 0 <= wilson(0, 5)[0] < wilson(0, 5)[1] and wilson(5, 5)[1] == 1.0


def test_confidence_outside_zero_one_is_refused():
    with pytest.raises(ValueError):
        critical_value(1.0)


def test_summarising_imports_no_statistics_library():
    code = ("import sys; from simulator.summary import proportion; proportion(3, 10); "
            "heavy = [m for m in ('statsmodels', 'scipy', 'pandas', 'polars') if m in sys.modules]; "
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
