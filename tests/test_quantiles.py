"""The light inverse CDFs give the same numbers as scipy.stats, to the bit.

The reference is scipy.stats' own distribution for each kind, written from the scenario format's definition of
the kind (docs/scenarios.md), never a copy of ``quantiles.quantile``: a slip in either shows.
"""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.scenario.quantiles import quantile, triangular
from simulator.scenario.schema import Param as _Param


def scipy_quantile(p, u):
    """The reference: scipy.stats' frozen distribution of each kind, from the format's definition of it."""
    from scipy import stats

    u = np.asarray(u, dtype=float)
    if p.dist == "fixed":  # a point mass: scipy has none; every quantile is the value
        return np.broadcast_to(np.float64(p.value), u.shape)
    if p.dist == "uniform":  # on [low, high]
        dist = stats.uniform(loc=p.low, scale=p.high - p.low)
    elif p.dist == "triangular":  # on [low, high], peaking at mode
        dist = stats.triang((p.mode - p.low) / (p.high - p.low), loc=p.low, scale=p.high - p.low)
    elif p.dist == "beta":  # Beta(a, b) stretched onto [low, high], by default [0, 1]
        low = 0.0 if p.low is None else p.low
        high = 1.0 if p.high is None else p.high
        dist = stats.beta(p.a, p.b, loc=low, scale=high - low)
    elif p.low is None and p.high is None:  # normal(mean, sd)
        dist = stats.norm(loc=p.mean, scale=p.sd)
    else:  # normal(mean, sd) truncated to [low, high] (either may be open)
        lo = -np.inf if p.low is None else p.low
        hi = np.inf if p.high is None else p.high
        dist = stats.truncnorm((lo - p.mean) / p.sd, (hi - p.mean) / p.sd, loc=p.mean, scale=p.sd)
    return dist.ppf(u)


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
        if p.dist == "normal" and p.low is None and p.high is None:
            # drawn through truncnorm with open bounds (so scenarios keep their draws): scipy's normal to the last bit
            got, want = quantile(p, U), scipy_quantile(p, U)
            assert np.array_equal(np.isinf(got), np.isinf(want))
            np.testing.assert_allclose(got[np.isfinite(want)], want[np.isfinite(want)], rtol=0, atol=4e-16)
            continue
        assert np.array_equal(quantile(p, U), scipy_quantile(p, U), equal_nan=True), p.dist
        assert np.array_equal(quantile(p, U[:5000].reshape(50, -1)), scipy_quantile(p, U[:5000].reshape(50, -1)))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_truncated_normal_quantile_is_where_the_truncated_cdf_reaches_u():
    """Independent of scipy's truncnorm: F(x) = (Phi((x - mean)/sd) - Phi(alpha)) / (Phi(beta) - Phi(alpha))."""
    from scipy import stats

    p = Param(dist="normal", mean=0.5, sd=0.2, low=0, high=1)
    inner = U[(U > 1e-9) & (U < 1 - 1e-9)]
    x = quantile(p, inner)
    alpha, beta = stats.norm.cdf([(0 - 0.5) / 0.2, (1 - 0.5) / 0.2])
    assert ((x >= 0) & (x <= 1)).all()
    np.testing.assert_allclose((stats.norm.cdf((x - 0.5) / 0.2) - alpha) / (beta - alpha), inner, atol=1e-12)


def test_triangular_needs_no_scipy():
    code = ("import sys; from simulator.scenario.quantiles import triangular; triangular([0.3], 0, 0.5, 1); "
            "print('scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
