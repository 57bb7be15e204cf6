"""What concept classes need to check themselves (``CheckContext``: known ids and dates) and to speak (``Words``, whose
home is ``lang.words``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from .words import Words  # noqa: F401  (the words for people live in lang.words)


class CheckContext:
    """Collects (path, message) problems; knows every id by kind and the fixed dates."""

    def __init__(self, pools: Mapping[str, Mapping[str, object]], ladder_stages: Mapping[str, list[str]],
                 candidates: Mapping[str, list[str]], fixed_dates: Mapping[str, dt.date | None],
                 dynamic_dates: set[str]):
        self.pools = pools
        self.ladder_stages = ladder_stages
        self.candidates = candidates
        self.fixed_dates = fixed_dates
        self.dynamic_dates = dynamic_dates
        self.errors: list[tuple[tuple, str]] = []

    def error(self, path: tuple, message: str) -> None:
        self.errors.append((tuple(path), message))

    def ref(self, path: tuple, value: str, what: str, pool=None) -> bool:
        pool = self.pools.get(what, {}) if pool is None else pool
        if value in pool:
            return True
        known = ", ".join(sorted(pool)) or "none declared"
        self.error(path, f"unknown {what} '{value}' (known: {known})")
        return False

    def date(self, path: tuple, ref) -> dt.date | None:
        """Check a date reference; return the fixed date it names (None for an event's date or on error)."""
        if isinstance(ref, dt.date):
            return ref
        if ref in self.fixed_dates:
            fixed = self.fixed_dates[ref]
            if fixed is None:
                self.error(path, f"'{ref}' is used but the calendar has no such date")
            return fixed
        if ref in self.dynamic_dates:
            return None
        names = sorted(set(self.fixed_dates) | self.dynamic_dates)
        self.error(path, f"unknown date '{ref}' (an ISO date, or one of: {', '.join(names)})")
        return None
