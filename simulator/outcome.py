"""A Mesa run's event rows (the run record itself is ``layout.record_rows``).

Event rows: (point, replication, step, date, kind, track, milestone, actor,
detail); kinds: entered, left, scheduled, shock, occasion, broke, pushed,
acted, proposed, waived, blocked, held, election, effect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lang.dates import from_day
from .layout import EVENT_COLUMNS  # noqa: F401 - the column names live in the layout

if TYPE_CHECKING:
    from .model import DiplomacyModel


def event_rows(m: DiplomacyModel) -> list[tuple]:
    """The run's events; each dated on its exact day (a dated event or occasion) or its step's first day."""
    dates = m.compiled.dates
    return [(m.point, m.replication, s, dates[s] if day is None else from_day(day), kind, track, milestone, actor,
             detail) for (s, kind, track, milestone, actor, detail, day) in m.events]
