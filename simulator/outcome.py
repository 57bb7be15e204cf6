"""A run's outcome record: one flat row for the runs table, plus its event rows.

Row columns (all plain types, so the table is plain Parquet):
``point``, ``replication``; ``first.<level>`` (date of the first meeting or
None); ``proposed.<level>`` and ``postponed.<level>`` (weeks it was on the
table / blocked); ``blocked.<level>.<who>.<reason>`` (weeks that actor
blocked it for that reason: ``declined``, ``precondition:<id>``, or
``shock:<id>`` with who ``-``); ``stage.<ladder>`` (stage reached) and
``reached.<ladder>.<stage>`` (date or None); ``election.winner`` and
``election.rounds``; ``q.<question>`` (bool for yes/no questions, date or
None for date questions). Event rows: (point, replication, step, date, kind,
track, level, actor, detail), kind one of scheduled, shock, pushed, conceded,
proposed, waived, blocked, held, election.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from .scenario.semantics import resolve_date

if TYPE_CHECKING:
    from .model import DiplomacyModel

EVENT_COLUMNS = ("point", "replication", "step", "date", "kind", "track", "level", "actor", "detail")


def build_record(m: DiplomacyModel) -> dict:
    c = m.compiled
    dates = c.dates
    row: dict = {"point": m.point, "replication": m.replication}
    proposed = Counter(ev[3] for ev in m.events if ev[1] == "proposed")
    # one postponement per (step, level), however many attendees blocked it
    postponed = Counter(level for (step, level) in {(ev[0], ev[3]) for ev in m.events if ev[1] == "blocked"})
    for level in c.level_order:
        row[f"first.{level}"] = dates[m.held[level]] if level in m.held else None
        row[f"proposed.{level}"] = proposed[level]
        row[f"postponed.{level}"] = postponed[level]
    blocks = Counter((ev[3], ev[4] or "-", ev[5]) for ev in m.events if ev[1] == "blocked")
    for key in c.block_keys:
        row[block_column(*key)] = blocks[key]
    for ladder, (_, stages) in c.ladders.items():
        row[f"stage.{ladder}"] = stages[m.stage[ladder]]
        for stage in stages[1:]:
            k = m.reached.get((ladder, stage))
            row[f"reached.{ladder}.{stage}"] = dates[k] if k is not None else None
    if c.election is not None:
        row["election.winner"] = m.winner
        row["election.rounds"] = m.election_rounds
    for q in c.questions:
        row[f"q.{q.id}"] = answer(q, row, c)
    return row


def block_column(level: str, who: str, reason: str) -> str:
    return f"blocked.{level}.{who}.{reason}"


def answer(q, row: dict, c) -> bool | dt.date | None:
    """A question's answer from a run's row."""
    if q.election is not None:
        el = c.election
        if q.election == "runoff":
            return row["election.rounds"] == 2
        want = el.incumbent if q.election == "incumbent_wins" else el.challenger
        return row["election.winner"] == want
    if q.meeting is not None:
        when = row[f"first.{q.meeting}"]
    elif q.stage == c.ladders[q.concession][1][0]:
        when = c.dates[0]  # the starting stage holds from the start
    else:
        when = row[f"reached.{q.concession}.{q.stage}"]
    if q.before is None:
        return when
    return when is not None and when < resolve_date(q.before, c.scenario)


def event_rows(m: DiplomacyModel) -> list[tuple]:
    dates = m.compiled.dates
    return [(m.point, m.replication, s, dates[s], kind, track, level, actor, detail)
            for (s, kind, track, level, actor, detail) in m.events]
