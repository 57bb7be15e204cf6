"""Interval estimates for Monte Carlo proportions."""

from __future__ import annotations

import numpy as np


def wilson(successes, trials, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson (1927) score interval, vectorised; statsmodels does the arithmetic."""
    from statsmodels.stats.proportion import proportion_confint

    successes = np.asarray(successes, dtype=float)
    trials = np.asarray(trials, dtype=float)
    safe = np.where(trials > 0, trials, 1)
    low, high = proportion_confint(successes, safe, alpha=1 - confidence, method="wilson")
    low = np.where(trials > 0, low, np.nan)
    high = np.where(trials > 0, high, np.nan)
    return low, high


def preload() -> None:
    """Import statsmodels in a background thread: it takes about a second, which a run can overlap."""
    import importlib
    import threading

    threading.Thread(target=importlib.import_module, args=("statsmodels.stats.proportion",), daemon=True).start()

