"""Proper scores of forecasts against outcomes: pure numpy functions (plus the Wilson interval of ``stats``).

Definitions (the backtest, the calibration charts and the docs all use these):

* **Brier** of a yes/no forecast p with outcome o in {0, 1}: (p - o)^2.
* **Log score**: ln p if it happened, ln(1 - p) if not (higher is better). A Monte
  Carlo estimate can be exactly 0 or 1, so p is clipped to [1/(2N), 1 - 1/(2N)]
  for N runs (half a run).
* **Murphy decomposition**, binned: forecasts fall into ``bins`` equal-width bins
  of [0, 1] (bin k is [k/B, (k+1)/B), the last one closed at 1). With n_k
  forecasts in bin k, mean forecast f_k, observed frequency o_k and overall
  frequency o (the questions' base rate), N forecasts in all:
  reliability REL = sum n_k (f_k - o_k)^2 / N, resolution RES = sum n_k (o_k - o)^2 / N,
  uncertainty UNC = o (1 - o). Forecasts that differ within a bin add two terms
  (Stephenson, Coelho and Jolliffe 2008, "Two extra components in the Brier score
  decomposition", Weather and Forecasting 23: 752-757): within-bin variance
  WBV = sum (p_i - f_k)^2 / N and within-bin covariance WBC = sum (p_i - f_k)(o_i - o_k) / N,
  so that, exactly, Brier = REL - RES + UNC + WBV - 2 WBC. When every bin holds one
  forecast value (WBV = WBC = 0) this is Murphy's (1973) BS = REL - RES + UNC.
* **Skill** against a reference score: 1 - score / reference (Brier): against 50%
  (reference 0.25) and against the base rate (reference UNC, the Brier of always
  forecasting the observed frequency).
* **CRPS** of a forecast given as a sample (Monte Carlo runs) x_1..x_n and an
  outcome y: E|X - y| - E|X - X'| / 2 over the sample's empirical distribution
  (Gneiting and Raftery 2007, eq. 21), which equals the integral of
  (F(t) - 1{y <= t})^2 dt. In the units of x (weeks for dates, times for counts).
  A date is counted in weeks after the calendar start; "not by the end" is its own
  outcome, a point one week after the calendar end (``weeks_after``), so a forecast
  that puts mass on "not by the end" is scored on that mass like any other date.
* **PIT** of an outcome y: F(y) = P(X <= y). For a discrete forecast the
  randomised PIT is F(y-) + v (F(y) - F(y-)) with v uniform on [0, 1] (Czado,
  Gneiting and Held 2009): uniform on [0, 1] when y is drawn from the forecast.
* **Bootstrap interval** of a mean of paired differences: percentile interval of
  the means of ``reps`` resamples (with replacement) of the differences,
  numpy generator with a fixed seed.
"""

from __future__ import annotations

import math

import numpy as np

from ..lang.dates import weeks_after  # noqa: F401 - the date scale of CRPS and PIT, re-exported

DEFAULT_BINS = 10


def brier(p, o) -> np.ndarray | float:
    """(p - o)^2, elementwise."""
    out = (np.asarray(p, dtype=float) - np.asarray(o, dtype=float)) ** 2
    return float(out) if out.ndim == 0 else out


def log_score(p, o, runs: int) -> np.ndarray | float:
    """ln p if it happened, ln(1 - p) if not, with p clipped by half a run (see module docstring)."""
    eps = 0.5 / runs
    p = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    out = np.where(np.asarray(o, dtype=bool), np.log(p), np.log1p(-p))
    return float(out) if out.ndim == 0 else out


def bin_index(p, bins: int = DEFAULT_BINS) -> np.ndarray:
    """The bin of each forecast: k for p in [k/bins, (k+1)/bins), the last bin closed at 1."""
    p = np.asarray(p, dtype=float)
    return np.clip(np.floor(p * bins).astype(int), 0, bins - 1)


def reliability_bins(p, o, bins: int = DEFAULT_BINS, confidence: float = 0.95) -> list[dict]:
    """Non-empty forecast bins: range, count, mean forecast, observed frequency and its Wilson interval."""
    from ..stats import wilson

    p = np.asarray(p, dtype=float)
    o = np.asarray(o, dtype=float)
    which = bin_index(p, bins)
    out = []
    for k in range(bins):
        inside = which == k
        n = int(inside.sum())
        if not n:
            continue
        hits = float(o[inside].sum())
        low, high = wilson([hits], [n], confidence)
        out.append({"bin": k, "from": k / bins, "to": (k + 1) / bins, "n": n,
                    "mean_forecast": float(p[inside].mean()), "observed": hits / n,
                    "low": float(low[0]), "high": float(high[0])})
    return out


def murphy(p, o, bins: int = DEFAULT_BINS) -> dict:
    """Binned Murphy decomposition with the two within-bin terms; Brier = REL - RES + UNC + WBV - 2 WBC exactly."""
    p = np.asarray(p, dtype=float)
    o = np.asarray(o, dtype=float)
    n = len(p)
    if n == 0:
        return {"n": 0, "bins": bins}
    which = bin_index(p, bins)
    base = float(o.mean())
    rel = res = wbv = wbc = 0.0
    for k in np.unique(which):
        inside = which == k
        f_k, o_k = p[inside].mean(), o[inside].mean()
        rel += inside.sum() * (f_k - o_k) ** 2
        res += inside.sum() * (o_k - base) ** 2
        wbv += float(((p[inside] - f_k) ** 2).sum())
        wbc += float(((p[inside] - f_k) * (o[inside] - o_k)).sum())
    return {"n": n, "bins": bins, "brier": float(((p - o) ** 2).mean()), "reliability": float(rel / n),
            "resolution": float(res / n), "uncertainty": base * (1 - base), "within_bin_variance": wbv / n,
            "within_bin_covariance": wbc / n, "base_rate": base}


def skill(score: float, reference: float) -> float | None:
    """1 - score / reference; None when the reference is 0 (nothing to beat)."""
    return None if reference == 0 else 1 - score / reference


def binary_summary(p, o, runs: int, bins: int = DEFAULT_BINS) -> dict:
    """Mean Brier and log score of yes/no forecasts, the Murphy decomposition and skill vs 50% and base rate."""
    p = np.asarray(p, dtype=float)
    o = np.asarray(o, dtype=bool)
    if not len(p):
        return {"n": 0}
    b = float(brier(p, o).mean())
    m = murphy(p, o, bins)
    return {"n": int(len(p)), "brier": b, "log_score": float(np.mean(log_score(p, o, runs))),
            "baseline_50_brier": 0.25, "baseline_50_log_score": math.log(0.5),
            "skill_vs_50": skill(b, 0.25), "base_rate": m["base_rate"],
            "base_rate_brier": m["uncertainty"], "skill_vs_base_rate": skill(b, m["uncertainty"]),
            "murphy": m}


def crps_sample(x, y: float) -> float:
    """CRPS of the empirical distribution of sample ``x`` at outcome ``y``: E|X - y| - E|X - X'| / 2 (exact)."""
    x = np.sort(np.asarray(x, dtype=float))
    n = len(x)
    if n == 0:
        raise ValueError("crps_sample: empty sample")
    first = np.abs(x - y).mean()
    # E|X - X'| over all ordered pairs of the sample = 2 / n^2 * sum_i (2i - n - 1) x_(i), i = 1..n
    i = np.arange(1, n + 1)
    spread = 2.0 * float(((2 * i - n - 1) * x).sum()) / n**2
    return float(first - spread / 2)


def crps_counts(values, counts, y: float) -> float:
    """CRPS of a discrete distribution given as distinct ``values`` with ``counts`` (same as ``crps_sample``)."""
    v = np.asarray(values, dtype=float)
    w = np.asarray(counts, dtype=float)
    order = np.argsort(v)
    v, w = v[order], w[order] / w.sum()
    cdf = np.cumsum(w)
    # integral of (F(t) - H(t))^2 over t, F a step function constant between consecutive values
    total = 0.0
    for k in range(len(v) - 1):
        h = 1.0 if y <= v[k] else 0.0
        lo, hi = v[k], v[k + 1]
        if lo < y < hi:  # the outcome splits the interval
            total += (y - lo) * cdf[k] ** 2 + (hi - y) * (cdf[k] - 1) ** 2
        else:
            total += (hi - lo) * (cdf[k] - h) ** 2
    if y < v[0]:
        total += v[0] - y  # F = 0 and H = 1 on [y, v_0)
    if y > v[-1]:
        total += y - v[-1]  # F = 1 and H = 0 on [v_last, y)
    return float(total)


def pit_bounds(x, y: float) -> tuple[float, float]:
    """(P(X < y), P(X <= y)) over sample ``x``: the range of the PIT of ``y``."""
    x = np.asarray(x, dtype=float)
    return float((x < y).mean()), float((x <= y).mean())


def randomised_pit(x, y: float, v: float) -> float:
    """F(y-) + v (F(y) - F(y-)) for a uniform ``v``: uniform on [0, 1] when ``y`` is drawn from the forecast."""
    lo, hi = pit_bounds(x, y)
    return lo + v * (hi - lo)


def pit_histogram(pits, bins: int = 10) -> dict:
    """Counts of PIT values in ``bins`` equal bins of [0, 1] (a flat histogram = calibrated dates)."""
    pits = np.asarray(pits, dtype=float)
    counts, edges = np.histogram(pits, bins=bins, range=(0.0, 1.0))
    return {"bins": bins, "edges": edges.tolist(), "counts": counts.astype(int).tolist(), "n": int(len(pits))}


def bootstrap_mean(d, reps: int = 2000, seed: int = 0, confidence: float = 0.95) -> dict:
    """Mean of ``d`` with a percentile bootstrap interval (resampling the items, fixed-seed numpy generator)."""
    d = np.asarray(d, dtype=float)
    n = len(d)
    if n == 0:
        return {"n": 0, "mean": None, "low": None, "high": None}
    rng = np.random.default_rng(seed)
    means = d[rng.integers(0, n, size=(reps, n))].mean(axis=1)
    a = (1 - confidence) / 2
    low, high = np.quantile(means, [a, 1 - a])
    return {"n": n, "mean": float(d.mean()), "low": float(low), "high": float(high), "reps": reps,
            "confidence": confidence}
