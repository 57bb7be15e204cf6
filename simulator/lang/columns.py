"""Reading a column of the runs table: the values and null mask of an Arrow array, read from its buffers, or of a
``RecordColumn`` (a column kept as numpy when no Arrow table is built). A question reads its own record column
with it (``QuestionBase.per_run``), and ``simulator.layout``, which lays the record out, hands it on."""

from __future__ import annotations

import numpy as np

from .dates import from_day

_NUMPY = {"int32": np.int32, "int8": np.int8, "date32": np.int32, "float64": np.float64}


def to_numpy(column) -> tuple[np.ndarray, np.ndarray | None]:
    """(values, null mask or None) of an int8/int32/date32/bool Arrow array or chunked array, read from its
    buffers (``to_numpy`` would import pandas), or of a ``RecordColumn``; dates come as days since 1970-01-01,
    nulls as 0."""
    if isinstance(column, RecordColumn):
        return column.values, column.mask
    import pyarrow as pa

    type_name = {pa.int32(): "int32", pa.int8(): "int8", pa.date32(): "date32", pa.bool_(): "bool"}[column.type]
    values, nulls = [], []
    for a in getattr(column, "chunks", [column]):
        n, off = len(a), a.offset
        if n == 0:
            continue
        validity, data = a.buffers()[:2]
        if type_name == "bool":
            v = np.unpackbits(np.frombuffer(data, np.uint8), bitorder="little")[off:off + n].astype(bool)
        else:
            dtype = np.dtype(_NUMPY[type_name])
            v = np.frombuffer(data, dtype, count=n, offset=off * dtype.itemsize)
        null = np.zeros(n, bool)
        if a.null_count and validity is not None:
            null = np.unpackbits(np.frombuffer(validity, np.uint8), bitorder="little")[off:off + n] == 0
            v = np.where(null, 0, v)
        values.append(v)
        nulls.append(null)
    if not values:
        return np.zeros(0, _NUMPY.get(type_name, bool)), None
    mask = np.concatenate(nulls)
    return np.concatenate(values), (mask if mask.any() else None)


class RecordColumn:
    """One column of ``Records``: its type (a key of ``_ARROW``), values (numpy; a list for strings; nulls read
    0, as ``to_numpy`` gives them from Arrow) and null mask (None: no nulls)."""

    __slots__ = ("type_name", "values", "mask")

    def __init__(self, type_name: str, values, mask):
        self.type_name, self.values, self.mask = type_name, values, mask

    def __len__(self) -> int:
        return len(self.values)

    def to_pylist(self) -> list:
        """Python values as Arrow gives them: dates for date32, None for nulls."""
        values = self.values if isinstance(self.values, list) else self.values.tolist()
        if self.type_name == "date32":
            values = [from_day(v) for v in values]
        return values if self.mask is None else [None if m else v for v, m in zip(values, self.mask.tolist())]

    def slice(self, start: int, stop: int) -> RecordColumn:
        return RecordColumn(self.type_name, self.values[start:stop],
                            None if self.mask is None else self.mask[start:stop])
