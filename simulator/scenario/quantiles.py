"""Inverse CDFs of parameter distributions without importing scipy.stats where it is not needed.

``quantile`` is a drop-in for ``params.quantile`` and gives the same numbers to
the bit (tests/test_quantiles.py compares them): fixed, uniform and triangular
parameters are computed here with numpy; beta and (truncated) normal ones still
go through scipy.stats, so scenarios that use them keep their exact draws.
Importing scipy.stats takes about a second, most of a short run's time.
"""

from __future__ import annotations

import numpy as np


def triangular(u, low: float, mode: float, high: float) -> np.ndarray:
    """Inverse CDF of the triangular distribution on [low, high] peaking at mode; NaN for u outside [0, 1].

    Below the mode's share c = (mode - low) / (high - low) of the mass the
    standardised value is sqrt(c u), above it 1 - sqrt((1 - c)(1 - u)); the
    order of operations matches scipy.stats.triang.ppf, so the numbers match too.
    """
    u = np.asarray(u, dtype=float)
    width = high - low
    c = (mode - low) / width
    with np.errstate(invalid="ignore"):
        standard = np.where(u < c, np.sqrt(c * u), 1 - np.sqrt((1 - c) * (1 - u)))
    inside = (u >= 0) & (u <= 1)
    return np.where(inside, standard * width + low, np.nan)


def quantile(p, u) -> np.ndarray:
    """Inverse CDF of a scenario parameter (``schema.Param``) at uniforms ``u``."""
    u = np.asarray(u, dtype=float)
    if p.dist == "fixed":
        return np.full_like(u, p.value)
    if p.dist == "uniform":
        return p.low + u * (p.high - p.low)
    if p.dist == "triangular":
        return triangular(u, p.low, p.mode, p.high)
    from scipy import stats  # beta and normal only

    if p.dist == "beta":
        lo, hi = p.bounds
        return lo + (hi - lo) * stats.beta.ppf(u, p.a, p.b)
    lo, hi = p.low, p.high
    a = -np.inf if lo is None else (lo - p.mean) / p.sd
    b = np.inf if hi is None else (hi - p.mean) / p.sd
    return stats.truncnorm.ppf(u, a, b, loc=p.mean, scale=p.sd)
