"""Interval estimates for Monte Carlo proportions.

Plain numpy: no statistics library is imported to summarise a run, so start-up
stays short. The Wilson interval below gives the same floating-point numbers as
``statsmodels.stats.proportion.proportion_confint(method="wilson", alpha=1 - confidence)``;
the tests compare the two.
"""

from __future__ import annotations

import numpy as np

# Two-sided normal critical values z (upper tail (1 - confidence) / 2) for the usual confidence
# levels, exactly as scipy.special.ndtri gives them, so the common case needs no scipy import.
_CRITICAL = {
    0.5: 0.6744897501960817,
    0.8: 1.2815515655446004,
    0.9: 1.6448536269514729,
    0.95: 1.959963984540054,
    0.98: 2.3263478740408408,
    0.99: 2.5758293035489004,
    0.995: 2.807033768343804,
    0.999: 3.2905267314918945,
}


def critical_value(confidence: float) -> float:
    """The z with P(|Z| > z) = 1 - confidence for a standard normal Z."""
    confidence = float(confidence)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    z = _CRITICAL.get(confidence)
    if z is None:  # an unusual level: ask scipy, which the table was taken from
        from scipy.special import ndtri

        z = -float(ndtri((1 - confidence) / 2))
    return z


def wilson(successes, trials, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson (1927) score interval for successes out of trials, vectorised; NaN where trials is 0.

    With p = k/n: centre (p + z²/2n) / (1 + z²/n), half-width
    z·sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n), clipped to [0, 1]. The operations
    run in the same order as in statsmodels, so the results agree to the bit.
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    empty = n <= 0
    n = np.where(empty, 1.0, n)
    z = critical_value(confidence)
    z2 = z**2
    p = k / n
    shrink = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / shrink
    half = z * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n**2))
    half /= shrink
    low = np.clip(centre - half, 0, 1)
    high = np.clip(centre + half, 0, 1)
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def median_shift_days(days_a: np.ndarray, days_b: np.ndarray, confidence: float = 0.95,
                      resamples: int = 1000) -> dict:
    """The shift of the median date from A to B in days, paired run by run (``inf``: not by the calendar's end),
    with a percentile bootstrap interval over the runs (scipy.stats.bootstrap, paired, a fixed seed so the same
    runs give the same interval): {'shift_days', 'shift_low', 'shift_high'}; a value is None where a median is
    not within the calendar (and an interval's end None where resampled medians are not)."""
    from scipy import stats

    days_a, days_b = np.asarray(days_a, dtype=float), np.asarray(days_b, dtype=float)
    ma, mb = np.median(days_a), np.median(days_b)
    shift = float(mb - ma) if np.isfinite(ma) and np.isfinite(mb) else None
    if shift is None or len(days_a) < 2 or np.array_equal(days_a, days_b):
        return {"shift_days": shift, "shift_low": shift, "shift_high": shift}

    def statistic(a, b, axis=-1):
        with np.errstate(invalid="ignore"):
            return np.median(b, axis=axis) - np.median(a, axis=axis)

    with np.errstate(invalid="ignore"):  # resamples whose medians are both after the end differ by nothing known
        res = stats.bootstrap((days_a, days_b), statistic, paired=True, vectorized=True, n_resamples=resamples,
                              confidence_level=confidence, method="percentile", batch=100,
                              random_state=np.random.default_rng(0))
    ends = [float(x) if np.isfinite(x) else None for x in (res.confidence_interval.low, res.confidence_interval.high)]
    return {"shift_days": shift, "shift_low": ends[0], "shift_high": ends[1]}
