"""Results on disk: plain Parquet plus a JSON manifest, readable without this package.

Layout of a results directory (a Monte Carlo is a sweep of one point):

- ``manifest.json``: kind, seed, scenario hash and resolved scenario, command,
  package versions, draw layout, timing;
- ``points.parquet``: point id -> parameter values that were set for it;
- ``runs/part-NNNNN.parquet``: one row per run (see ``outcome.py``);
- ``events/part-NNNNN.parquet``: one row per event of every run.

Every file is written to a temporary name and renamed into place, so a
directory never holds a half-written part.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
from collections.abc import Mapping
from enum import Enum
from importlib import metadata
from pathlib import Path

import numpy as np

from .compiled import Compiled
from .draws import SCHEME as DRAW_SCHEME
from .layout import EVENT_COLUMNS, events_schema

PACKAGES = ("simulator", "mesa", "numpy", "scipy", "pydantic", "pyarrow", "plotly")


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name if name != "simulator" else "diplosim")
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def runs_schema(c: Compiled):
    """The Arrow schema of the runs table (``layout.arrow_schema``)."""
    from .layout import arrow_schema

    return arrow_schema(c)


def events_table(events: list[tuple]):
    """Event rows (tuples in ``EVENT_COLUMNS`` order) as an Arrow table."""
    import pyarrow as pa

    from .layout import arrow_array

    schema = events_schema()
    cols = list(zip(*events)) if events else [[] for _ in EVENT_COLUMNS]
    type_names = {pa.int32(): "int32", pa.date32(): "date32", pa.string(): "string"}
    arrays = []
    for n, col in zip(EVENT_COLUMNS, cols):
        type_name = type_names[schema.field(n).type]
        if type_name == "date32":
            col = [d.toordinal() - _EPOCH for d in col]
        arrays.append(arrow_array(col, type_name))
    return pa.Table.from_arrays(arrays, schema=schema)


_EPOCH = 719163  # date(1970, 1, 1).toordinal()


def _atomic_write_table(table, path: Path) -> None:
    import pyarrow.parquet as pq

    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


def atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class ResultsWriter:
    """Writes parts as chunks finish; the manifest is written first and completed last."""

    def __init__(self, out: Path, compiled: Compiled, manifest: dict):
        self.out = Path(out)
        self.compiled = compiled
        self.manifest = manifest
        (self.out / "runs").mkdir(parents=True, exist_ok=True)
        (self.out / "events").mkdir(exist_ok=True)
        self._schema = runs_schema(compiled)
        self.write_manifest()

    def write_manifest(self) -> None:
        atomic_write_text(self.out / "manifest.json", json.dumps(self.manifest, indent=2, default=str) + "\n")

    def write_points(self, points: Mapping[int, Mapping[str, float]]) -> None:
        import pyarrow as pa

        from .layout import arrow_array

        names = sorted({n for values in points.values() for n in values})
        arrays = [arrow_array(list(points), "int32")]
        for n in names:
            values = [points[p].get(n) for p in points]
            missing = np.array([v is None for v in values], bool)
            arrays.append(arrow_array([0.0 if v is None else v for v in values], "float64", mask=missing))
        _atomic_write_table(pa.Table.from_arrays(arrays, names=["point", *names]), self.out / "points.parquet")

    def write_part(self, part_id: str, rows, events: list[tuple]) -> None:
        """Write one chunk given as row dicts (or a runs table) and event tuples."""
        import pyarrow as pa

        table = rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(rows, schema=self._schema)
        self.write_tables(part_id, table, events)

    def write_tables(self, part_id: str, runs, events) -> None:
        """Write one finished chunk: its runs (an Arrow table or ``layout.Records``) and its event rows (tuples,
        ``events_table``).

        Runs go first and events last, so a part counts as finished only once its events file exists.
        """
        from .layout import as_arrow

        _atomic_write_table(as_arrow(runs), self.out / "runs" / f"part-{part_id}.parquet")
        _atomic_write_table(events_table(events), self.out / "events" / f"part-{part_id}.parquet")

    def finish(self, **fields) -> None:
        self.manifest.update(fields)
        self.write_manifest()


def finished_parts(out: Path) -> set[str]:
    """Ids of the parts whose runs and events files are both in place (written atomically, events last)."""
    def ids(what: str) -> set[str]:
        return {f.name[len("part-"):-len(".parquet")] for f in (Path(out) / what).glob("part-*.parquet")}

    return ids("runs") & ids("events")


def remove_temp_files(out: Path) -> int:
    """Delete temporary files left by a writer that was killed mid-write; returns how many."""
    stale = [f for sub in ("", "runs", "events") for f in (Path(out) / sub).glob(".*.tmp-*")]
    for f in stale:
        f.unlink(missing_ok=True)
    return len(stale)


def read_table(out: Path, what: str = "runs"):
    """Read ``runs`` or ``events`` of a results directory as one Arrow table, ordered by run."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = sorted((Path(out) / what).glob("part-*.parquet"))
    if not files:
        return None
    table = pa.concat_tables([pq.read_table(f) for f in files])
    keys = [("point", "ascending"), ("replication", "ascending")] + ([("step", "ascending")] if what == "events" else [])
    return table.sort_by(keys)


def read_manifest(out: Path) -> dict:
    return json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))


class Made(Enum):
    """What made a results directory: its manifest's ``kind``."""

    SWEEP = "sweep"  # diplosim sweep, simulator.run_sweep
    MONTECARLO = "montecarlo"  # diplosim run --out


def made_by(manifest: Mapping) -> Made | None:
    """What made the results directory of this manifest (None: a kind this version does not know)."""
    try:
        return Made(manifest.get("kind"))
    except ValueError:
        return None


def base_manifest(kind: str, loaded, compiled: Compiled, seed: int, extra: Mapping | None = None) -> dict:
    return {
        "kind": kind,
        "format": 1,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": sys.argv,
        "seed": seed,
        "scenario": {"path": str(loaded.path), "hash": loaded.digest,
                     "resolved": loaded.scenario.model_dump(mode="json")},
        "draw_layout": {"scheme": DRAW_SCHEME, "param_names": compiled.table.names, "slots": compiled.slots,
                        "steps": compiled.n_steps, "dates": [d.isoformat() for d in compiled.dates]},
        "packages": package_versions(),
        **(extra or {}),
    }
