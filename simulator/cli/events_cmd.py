"""``diplosim events``: the event log of any one run of a results directory, re-created exactly.

A run is fixed by (scenario, seed, point, replication): its draws come from its
own generator, and both engines take the same step, so its events can be made
again on demand instead of being stored for every run.
"""

from __future__ import annotations

from pathlib import Path

import typer

from .typer_app import app
from .common import fail


@app.command()
def events(
    results: Path = typer.Argument(..., help="results directory written by `diplosim run --out` or `diplosim sweep`"),
    point: int = typer.Option(0, "--point", "-p", min=0, help="the point (0 for a Monte Carlo)"),
    replication: int = typer.Option(..., "--replication", "-r", min=0, help="the replication"),
    as_json: bool = typer.Option(False, "--json", help="print the events as JSON"),
    out: Path = typer.Option(None, "--out", "-o", help="also write them as a Parquet file"),
) -> None:
    """Re-create the event log of one run (who proposed, blocked, accepted what, and when), exactly as it ran."""
    from ..api import events as run_events

    if out is not None and out.exists() and out.is_dir():
        fail(f"--out: '{out}' is a directory; give a file name")
    try:
        log = run_events(results, replication, point)
    except ValueError as exc:
        fail(str(exc))
    if log.stored_differs:
        typer.echo(f"note: the stored record of run ({point}, {replication}) differs from the one re-created here: "
                   "the results were written by another version of diplosim", err=True)
    if out is not None:
        import pyarrow.parquet as pq

        pq.write_table(log.to_arrow(), out)
    if as_json:
        typer.echo(log.to_json())
        return
    from .render import output_console

    log.print(output_console())
