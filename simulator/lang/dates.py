"""Dates in a scenario: ISO dates or names (``start``, ``end``, ``election.<id>.round1``, an event id).

Days are counted as integers since 1970-01-01 (numpy ``datetime64[D]``), so
the run state compares dates as plain integer arrays. ``NEVER`` stands for
"has not happened": larger than every real day, so ``day_of_x <= today`` is
False for it without a separate mask.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

EPOCH = dt.date(1970, 1, 1)
NEVER = np.int32(np.iinfo(np.int32).max)


def to_day(d: dt.date) -> int:
    return (d - EPOCH).days


def from_day(day: int) -> dt.date | None:
    return None if day >= NEVER else EPOCH + dt.timedelta(days=int(day))


def describe_date(ref) -> str:
    return ref.isoformat() if isinstance(ref, dt.date) else str(ref)


def weeks_after(days, start_day: int, end_day: int) -> np.ndarray:
    """Days (epoch day numbers; NaN or None = not by the end, as is any day after ``end_day``) as weeks
    after ``start_day``; "not by the end" becomes the point one week after the end."""
    d = np.atleast_1d(np.asarray(days))
    if d.dtype == object:
        d = np.array([np.nan if v is None else v for v in d], dtype=float)
    d = d.astype(float)
    never = (end_day - start_day) / 7.0 + 1.0
    late = ~np.isfinite(d) | (d > end_day)
    return np.where(late, never, (np.where(late, start_day, d) - start_day) / 7.0)
