"""A Mesa run's event rows (the run record itself is ``layout.record_rows``).

Event rows: (point, replication, step, date, kind, track, milestone, actor,
detail); kinds: entered, left, scheduled, shock, occasion, broke, pushed,
acted, proposed, waived, blocked, held, election, effect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .layout import EVENT_COLUMNS  # noqa: F401 - the column names live in the layout

if TYPE_CHECKING:
    from .model import DiplomacyModel


def event_rows(m: DiplomacyModel) -> list[tuple]:
    dates = m.compiled.dates
    return [(m.point, m.replication, s, dates[s], kind, track, milestone, actor, detail)
            for (s, kind, track, milestone, actor, detail) in m.events]
