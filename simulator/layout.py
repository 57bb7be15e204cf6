"""The run-record layout: every column of the runs table, in one place, filled from the run state.

Both engines end a run with the same ``RunState`` arrays; ``record_table``
turns them into the runs table (one row per run) and ``record_rows`` into
plain dicts. Readers (summaries, charts, dashboard, analysis) ask this module
for column names (``first(m)``, ``question(q)``, ...) instead of spelling them.

Columns: ``point``, ``replication``; per milestone ``first.<m>`` (date),
``count.<m>``, ``proposed.<m>`` and ``postponed.<m>`` (weeks on the table /
blocked), ``broken.<m>`` (date, for milestones that can break down), ``due.<m>``
and ``on_time.<m>`` (for milestones another one commits to); per block reason
``blocked.<m>.<who>.<reason>`` (weeks); per concession ladder ``stage.<L>``;
per election ``election.<id>.winner`` and ``election.<id>.rounds``; per dated
event, shock or occasion ``fired.<id>`` (date); per actor who enters or leaves
``entered.<a>`` / ``left.<a>``; per question ``q.<id>`` (bool, date or count).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .lang.columns import _NUMPY, RecordColumn, to_numpy  # noqa: F401  (reading a record column: the language's)
from .lang.dates import NEVER, from_day

EVENT_COLUMNS = ("point", "replication", "step", "date", "kind", "track", "milestone", "actor", "detail")


# ----------------------------------------------------------------------------- names (the only spelling)

def first(m: str) -> str:
    return f"first.{m}"


def count(m: str) -> str:
    return f"count.{m}"


def proposed(m: str) -> str:
    return f"proposed.{m}"


def postponed(m: str) -> str:
    return f"postponed.{m}"


def broken(m: str) -> str:
    return f"broken.{m}"


def due(m: str) -> str:
    return f"due.{m}"


def on_time(m: str) -> str:
    return f"on_time.{m}"


def blocked(m: str, who: str, reason: str) -> str:
    return f"blocked.{m}.{who}.{reason}"


def stage(ladder: str) -> str:
    return f"stage.{ladder}"


def winner(election: str) -> str:
    return f"election.{election}.winner"


def rounds(election: str) -> str:
    return f"election.{election}.rounds"


def fired(event: str) -> str:
    return f"fired.{event}"


def entered(actor: str) -> str:
    return f"entered.{actor}"


def left(actor: str) -> str:
    return f"left.{actor}"


def question(q: str) -> str:
    return f"q.{q}"


def live(world: str) -> str:
    """Was this milestone, track or precondition live in the run (``live:``, drawn once per run)?"""
    return f"live.{world}"


# ----------------------------------------------------------------------------- the columns

@dataclass(frozen=True)
class Column:
    name: str
    type: str  # int32, int8, date32, bool, string
    value: Callable  # RunState -> numpy array (days for date32; NEVER = null)
    null: Callable | None = None  # RunState -> bool mask of nulls (date32 columns: value == NEVER)


def columns(c) -> list[Column]:
    """Every column of the runs table for a compiled scenario, in order."""
    cols = [Column("point", "int32", lambda st: st.point), Column("replication", "int32", lambda st: st.replication)]
    for j, m in enumerate(c.milestones):
        cols += [Column(first(m.id), "date32", lambda st, j=j: st.first_day[:, j]),
                 Column(count(m.id), "int32", lambda st, j=j: st.count[:, j]),
                 Column(proposed(m.id), "int32", lambda st, j=j: st.proposed[:, j]),
                 Column(postponed(m.id), "int32", lambda st, j=j: st.postponed[:, j])]
        if m.breakdown is not None:
            cols.append(Column(broken(m.id), "date32", lambda st, j=j: st.broken_day[:, j]))
        if m.id in c.commit_due:
            cols.append(Column(due(m.id), "date32", lambda st, j=j: st.due_day[:, j]))
            cols.append(Column(on_time(m.id), "bool", lambda st, j=j: st.first_day[:, j] <= st.due_day[:, j],
                               lambda st, j=j: st.due_day[:, j] == NEVER))
            if j in c.breach_cols:  # a commitment to it binds (lang/commitments.py): the day it was breached
                cols.append(Column(f"breached.{m.id}", "date32", lambda st, j=j: c.breach_cols[j](st)))
    for b, key in enumerate(c.block_keys):
        cols.append(Column(blocked(*key), "int32", lambda st, b=b: st.blocks[:, b]))
    for lad, (_, stages) in c.ladders.items():
        cols.append(Column(stage(lad), "string", lambda st, lad=lad, stages=stages: _stage_names(c, st, lad, stages)))
    for g, e in enumerate(c.elections):
        names = np.array([e.incumbent, e.challenger, None], dtype=object)
        cols += [Column(winner(e.id), "string", lambda st, g=g, names=names: names[st.winner[:, g]]),
                 Column(rounds(e.id), "int8", lambda st, g=g: st.rounds[:, g])]
    for f, fid in enumerate(c.fired_ids):
        cols.append(Column(fired(fid), "date32", lambda st, f=f: st.fired_day[:, f]))
    for a in c.scenario.actors:
        if a.enters is not None:
            cols.append(Column(entered(a.id), "date32", lambda st, i=c.ai[a.id]: st.entered_day[:, i]))
        if a.leaves is not None:
            cols.append(Column(left(a.id), "date32", lambda st, i=c.ai[a.id]: st.left_day[:, i]))
    for i, q in enumerate(c.questions):
        cols.append(Column(question(q.id), q.arrow_type, lambda st, i=i, q=q: q.value(st, st.answers[i])))
    from .lang.worlds import Worlds, live_items

    ids = [wid for wid, *_ in live_items(c.scenario)]
    for i, wid in enumerate(ids):
        cols.append(Column(live(wid), "bool", lambda st, i=i, n=len(ids): Worlds.live(st, n)[:, i]))
    return cols


def _stage_names(c, st, lad, stages):
    out = np.full(st.n, stages[0], dtype=object)
    for s in stages[1:]:
        out = np.where(st.count[:, c.mi[f"{lad}.{s}"]] > 0, s, out)
    return out


_ARROW = {"int32": "int32", "int8": "int8", "date32": "date32", "bool": "bool_", "string": "string", "float64": "float64"}


def arrow_schema(c):
    """The Arrow schema of the runs table (fixed by the scenario, so empty columns keep their types)."""
    return _schema((col.name, col.type) for col in columns(c))


def _schema(fields):
    """An Arrow schema from (column name, type name: a key of ``_ARROW``) pairs."""
    import pyarrow as pa

    return pa.schema([pa.field(name, getattr(pa, _ARROW[type_name])()) for name, type_name in fields])




def arrow_array(values, type_name: str, mask=None):
    """An Arrow array of ``type_name`` (a key of ``_ARROW``) built from its buffers; ``mask`` marks nulls.

    ``pa.array`` would do, but it imports pandas (about 0.3 s) to ask whether the values are pandas objects;
    ``diplosim run`` needs none of pandas. Dates are days since 1970-01-01; strings may be None (null).
    """
    import pyarrow as pa

    typ = getattr(pa, _ARROW[type_name])()
    if type_name == "string":
        values = list(values)
        if mask is None and None in values:
            mask = np.array([v is None for v in values], bool)
        encoded = [b"" if v is None else str(v).encode() for v in values]
        offsets = np.zeros(len(encoded) + 1, np.int32)
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
        data = [pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    else:
        values = np.asarray(values)
        if type_name == "bool":
            data = [pa.py_buffer(np.packbits(values.astype(bool), bitorder="little"))]
        else:
            data = [pa.py_buffer(np.ascontiguousarray(values, dtype=_NUMPY[type_name]))]
    n = len(values)
    nulls = 0 if mask is None else int(np.count_nonzero(mask))
    validity = pa.py_buffer(np.packbits(~np.asarray(mask, bool), bitorder="little")) if nulls else None
    return pa.Array.from_buffers(typ, n, [validity, *data], null_count=nulls)


class Records:
    """The runs table of a chunk as numpy columns, read the way the Arrow table is (``column``, ``num_rows``,
    ``column_names``, ``slice``): a Monte Carlo summarised in this process builds no Arrow table, so it does not
    import pyarrow (about 30 ms of start-up); ``to_arrow()`` gives the table when one is written."""

    __slots__ = ("cols", "num_rows")

    def __init__(self, cols: dict[str, RecordColumn], num_rows: int):
        self.cols, self.num_rows = cols, num_rows

    @property
    def column_names(self) -> list[str]:
        return list(self.cols)

    def column(self, name: str) -> RecordColumn:
        return self.cols[name]

    def slice(self, offset: int = 0, length: int | None = None) -> Records:
        stop = self.num_rows if length is None else min(self.num_rows, offset + length)
        return Records({n: col.slice(offset, stop) for n, col in self.cols.items()}, max(0, stop - offset))

    def to_arrow(self):
        """The Arrow table (``arrow_schema``'s columns, in order)."""
        import pyarrow as pa

        arrays = [arrow_array(col.values, col.type_name, mask=col.mask) for col in self.cols.values()]
        return pa.Table.from_arrays(arrays, schema=_schema((n, col.type_name) for n, col in self.cols.items()))


def as_arrow(table):
    """An Arrow runs table, from ``Records`` or as it is."""
    return table.to_arrow() if isinstance(table, Records) else table


def record_columns(c, st) -> Records:
    """The runs table of the runs in ``st`` as ``Records`` (numpy columns)."""
    cols = {}
    for col in columns(c):
        if col.type == "string":
            values = list(col.value(st))
            null = col.null(st) if col.null is not None else [v is None for v in values]
        else:
            values = np.asarray(col.value(st))
            null = values == NEVER if col.type == "date32" else col.null(st) if col.null is not None else None
        mask = None if null is None else np.asarray(null, bool)
        if mask is not None and not mask.any():
            mask = None
        if col.type != "string":  # nulls read 0, as to_numpy gives them from Arrow
            values = (values if mask is None else np.where(mask, 0, values)).astype(
                bool if col.type == "bool" else _NUMPY[col.type], copy=False)
        cols[col.name] = RecordColumn(col.type, values, mask)
    return Records(cols, int(st.n))


def record_table(c, st):
    """The runs table of the runs in ``st`` (an Arrow table with ``arrow_schema``)."""
    return record_columns(c, st).to_arrow()


def record_rows(c, st) -> list[dict]:
    """The same records as plain dicts (dates as ``datetime.date``, nulls as None)."""
    out = [{} for _ in range(st.n)]
    for col in columns(c):
        v = col.value(st)
        nulls = col.null(st) if col.null is not None else None
        for r in range(st.n):
            x = v[r]
            if col.type == "date32":
                x = from_day(int(x))
            elif nulls is not None and nulls[r]:
                x = None
            elif col.type in ("int32", "int8"):
                x = int(x)
            elif col.type == "bool":
                x = bool(x)
            out[r][col.name] = x
    return out


def events_schema():
    import pyarrow as pa

    types = {"point": pa.int32(), "replication": pa.int32(), "step": pa.int32(), "date": pa.date32()}
    return pa.schema([pa.field(n, types.get(n, pa.string())) for n in EVENT_COLUMNS])
