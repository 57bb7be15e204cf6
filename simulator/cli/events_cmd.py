"""``diplosim events``: the event log of any one run of a results directory, re-created exactly.

A run is fixed by (scenario, seed, point, replication): its draws come from its
own generator, and both engines take the same step, so its events can be made
again on demand instead of being stored for every run.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from .typer_app import app
from .common import fail


def _run_of(results: Path, point: int, replication: int):
    """(compiled scenario, seed, overrides of the point) for one run of a results directory, or exit 2."""
    from pydantic import ValidationError

    from ..compiled import Compiled
    from ..scenario.schema import Scenario
    from ..store import read_manifest

    if not (results / "manifest.json").is_file():
        fail(f"RESULTS: '{results}' has no manifest.json, so it is not a results directory")
    try:
        manifest = read_manifest(results)
        compiled = Compiled(Scenario.model_validate(manifest["scenario"]["resolved"]))
    except (ValueError, KeyError, TypeError, ValidationError) as exc:
        fail(f"{results / 'manifest.json'}: cannot read the resolved scenario ({type(exc).__name__})")
    from ..draws import SCHEME

    scheme = manifest.get("draw_layout", {}).get("scheme")
    if scheme != SCHEME:
        fail(f"{results / 'manifest.json'}: written with another random-draw layout ({scheme or 'numpy SeedSequence'}, "
             f"this diplosim uses {SCHEME}), so its runs cannot be re-created; run them again")
    runs = manifest.get("sweep", {}).get("runs", manifest.get("runs"))
    points = {0: dict(manifest.get("overrides") or {})}
    if (results / "points.parquet").is_file():
        import pyarrow.parquet as pq

        table = pq.read_table(results / "points.parquet").to_pylist()
        points = {row.pop("point"): {k: v for k, v in row.items() if v is not None} for row in table}
    if point not in points:
        fail(f"--point: no point {point} in '{results}' (points 0 to {max(points)})")
    if runs is not None and not 0 <= replication < runs:
        fail(f"--replication: {replication} is not a replication of '{results}' (0 to {runs - 1})")
    return compiled, int(manifest["seed"]), points[point]


@app.command()
def events(
    results: Path = typer.Argument(..., help="results directory written by `diplosim run --out` or `diplosim sweep`"),
    point: int = typer.Option(0, "--point", "-p", min=0, help="the point (0 for a Monte Carlo)"),
    replication: int = typer.Option(..., "--replication", "-r", min=0, help="the replication"),
    as_json: bool = typer.Option(False, "--json", help="print the events as JSON"),
    out: Path = typer.Option(None, "--out", "-o", help="also write them as a Parquet file"),
) -> None:
    """Re-create the event log of one run (who proposed, blocked, accepted what, and when), exactly as it ran."""
    from ..layout import EVENT_COLUMNS
    from ..runner import recreate_runs

    compiled, seed, overrides = _run_of(results, point, replication)
    if out is not None and out.exists() and out.is_dir():
        fail(f"--out: '{out}' is a directory; give a file name")
    ((record, rows),) = recreate_runs(compiled, seed, [(point, replication)], {point: overrides})
    stored = _stored_record(results, point, replication)
    if stored is not None and stored != {k: record[k] for k in stored}:
        typer.echo(f"note: the stored record of run ({point}, {replication}) differs from the one re-created here: "
                   "the results were written by another version of diplosim", err=True)
    if out is not None:
        from ..store import events_table
        import pyarrow.parquet as pq

        pq.write_table(events_table(rows), out)
    if as_json:
        typer.echo(json.dumps([dict(zip(EVENT_COLUMNS, r)) for r in rows], indent=1, default=str))
        return
    from rich.table import Table

    from ..charts.words import event_sentence
    from .render import output_console

    t = Table(title=f"Run {replication} of point {point} (seed {seed}): {len(rows)} events", title_justify="left")
    for col in ("week", "date", "what happened"):
        t.add_column(col)
    for r in rows:
        ev = dict(zip(EVENT_COLUMNS, r))
        t.add_row(str(ev["step"]), str(ev["date"]),
                  event_sentence(compiled, ev["kind"], ev["milestone"], ev["actor"], ev["detail"], ev["step"]))
    output_console().print(t)


def _stored_record(results: Path, point: int, replication: int) -> dict | None:
    """The run's row as stored in the results directory (None if that part is not there)."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    if not (results / "runs").is_dir():
        return None
    data = ds.dataset(str(results / "runs"), format="parquet")
    rows = data.to_table(filter=(pc.field("point") == point) & (pc.field("replication") == replication)).to_pylist()
    return rows[0] if rows else None
