"""Writes to the runs in a mask, done the faster way for how many runs the mask holds.

Numpy's masked writes (``where=``) are quick when the mask holds few runs and slow near half (branch
misprediction), where a full ``np.where`` pass is quicker. The result is the same either way; only the time
differs. Measured on 20,000 runs: ``copyto(where=)`` 3 us at 1% of runs, 26 us at 30%; ``np.where`` 13-16 us
at any share.
"""

from __future__ import annotations

import numpy as np

SPARSE = 1 / 32  # below this share of runs, masked writes win


def put(col: np.ndarray, value, mask: np.ndarray) -> None:
    """``col[mask] = value`` (a number or an array over all runs)."""
    if np.count_nonzero(mask) < len(mask) * SPARSE:
        np.copyto(col, value, where=mask)
    else:
        col[:] = np.where(mask, value, col)


def add(col: np.ndarray, value, mask: np.ndarray) -> None:
    """``col[mask] += value`` (a number or an array over all runs), with the same result bit for bit as
    ``col += np.where(mask, value, 0.0)``."""
    if np.count_nonzero(mask) < len(mask) * SPARSE:
        np.add(col, value, out=col, where=mask)
    else:
        col += np.where(mask, value, 0.0)
