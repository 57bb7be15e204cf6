"""The light inverse CDFs give the same numbers as scipy.stats, to the bit."""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.scenario.quantiles import quantile, triangular
from simulator.scenario.schema import Param as _Param


def scipy_quantile(p, u):
    """The reference: scipy.stats' inverse CDFs, as the parameter table used them before."""
    from scipy import stats

    u = np.asarray(u, dtype=float)
    if p.dist == "fixed":
        return np.full_like(u, p.value)
    if p.dist == "uniform":
        return p.low + u * (p.high - p.low)
    if p.dist == "triangular":
        return stats.triang.ppf(u, (p.mode - p.low) / (p.high - p.low), loc=p.low, scale=p.high - p.low)
    if p.dist == "beta":
        lo, hi = p.bounds
        return lo + (hi - lo) * stats.beta.ppf(u, p.a, p.b)
    a = -np.inf if p.low is None else (p.low - p.mean) / p.sd
    b = np.inf if p.high is None else (p.high - p.mean) / p.sd
    return stats.truncnorm.ppf(u, a, b, loc=p.mean, scale=p.sd)


def Param(**kw):
    return _Param(assumption="made up for a test", **kw)

U = np.concatenate([[0.0, 1e-300, 1e-12, 0.5, 1 - 1e-12, 1.0], np.random.default_rng(7).random(5000)])


@given(st.floats(-1e3, 1e3), st.floats(1e-6, 1e3), st.floats(0, 1))
def test_triangular_matches_scipy(low, width, share):
    high = low + width
    mode = min(max(low + share * width, low), high)
    p = Param(dist="triangular", low=low, mode=mode, high=high)
    assert np.array_equal(quantile(p, U), scipy_quantile(p, U))


def test_triangular_edges_and_outside_uniforms():
    p = Param(dist="triangular", low=0.2, mode=0.2, high=0.9)  # mode at an end
    assert np.array_equal(quantile(p, U), scipy_quantile(p, U))
    p = Param(dist="triangular", low=0.2, mode=0.9, high=0.9)
    assert np.array_equal(quantile(p, U), scipy_quantile(p, U))
    assert np.isnan(triangular([-0.1, 1.1], 0, 0.5, 1)).all()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # scipy's beta at u = 1e-300
def test_every_kind_matches_params_quantile():
    kinds = [Param(value=3.0), Param(dist="uniform", low=-1, high=2),
             Param(dist="triangular", low=0, mode=0.3, high=1),
             Param(dist="beta", a=2, b=5, low=0.1, high=0.6), Param(dist="normal", mean=0.5, sd=0.2),
             Param(dist="normal", mean=0.5, sd=0.2, low=0, high=1)]
    for p in kinds:
        assert np.array_equal(quantile(p, U), scipy_quantile(p, U), equal_nan=True), p.dist
        assert np.array_equal(quantile(p, U[:5000].reshape(50, -1)), scipy_quantile(p, U[:5000].reshape(50, -1)))


def test_triangular_needs_no_scipy():
    code = ("import sys; from simulator.scenario.quantiles import triangular; triangular([0.3], 0, 0.5, 1); "
            "print('scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
