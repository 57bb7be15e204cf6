"""``diplosim run``: a Monte Carlo of one scenario."""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer

from . import app
from .common import fail, load_or_exit, parse_sets


def check_out_dir(out: Path, overwrite: bool) -> None:
    if out.exists() and not out.is_dir():
        fail(f"--out: '{out}' exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        fail(f"--out: '{out}' is not empty (choose another directory or pass --overwrite)")
    if overwrite and out.is_dir():
        import shutil

        for sub in ("runs", "events"):
            shutil.rmtree(out / sub, ignore_errors=True)
        for f in ("manifest.json", "points.parquet"):
            (out / f).unlink(missing_ok=True)


@app.command()
def run(
    scenario: Path = typer.Argument(..., help="scenario YAML file"),
    runs: int = typer.Option(1000, "--runs", "-n", min=1, help="number of Monte Carlo runs"),
    seed: int = typer.Option(0, "--seed", "-s", min=0, help="root seed"),
    sets: list[str] = typer.Option([], "--set", help="fix a parameter: name=value (repeatable)"),
    out: Path = typer.Option(None, "--out", "-o", help="write runs, events and manifest here"),
    overwrite: bool = typer.Option(False, "--overwrite", help="replace results already in --out"),
    as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
) -> None:
    """Run a Monte Carlo of a scenario and print each question's probability with a 95% interval."""
    loaded = load_or_exit(scenario)
    from ..compiled import Compiled

    compiled = Compiled(loaded.scenario)
    overrides = parse_sets(sets, compiled.table)
    if out is not None:
        check_out_dir(out, overwrite)

    import pyarrow as pa
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from ..runner import monte_carlo
    from ..store import ResultsWriter, base_manifest, events_schema, runs_schema
    from ..summary import summarize

    rows_all: list[dict] = []
    events_all: list[tuple] = []
    writer = None
    if out is not None:
        manifest = base_manifest("montecarlo", loaded, compiled, seed,
                                 {"runs": runs, "overrides": overrides, "complete": False})
        writer = ResultsWriter(out, compiled, manifest)
        writer.write_points({0: overrides})
    parts = 0

    def on_chunk(rows, events):
        nonlocal parts
        rows_all.extend(rows)
        events_all.extend(events)
        if writer is not None:
            writer.write_part(f"{parts:05d}", rows, events)
        parts += 1

    console = Console(stderr=True)
    started = time.perf_counter()
    interrupted = False
    with Progress(TextColumn("[bold]runs"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True,
                  disable=as_json and not console.is_terminal) as progress:
        task = progress.add_task("runs", total=runs, rate="")

        def advance(k):
            elapsed = time.perf_counter() - started
            done = progress.tasks[0].completed + k
            progress.update(task, advance=k, rate=f"{done / elapsed:,.0f} runs/s" if elapsed > 0 else "")

        try:
            monte_carlo(compiled, runs, seed, overrides, progress=advance, on_chunk=on_chunk)
        except KeyboardInterrupt:
            interrupted = True
    elapsed = time.perf_counter() - started
    if not rows_all:
        fail("interrupted before any run finished; nothing written")
    runs_table = pa.Table.from_pylist(rows_all, schema=runs_schema(compiled))
    events_table = pa.table({n: pa.array(col, events_schema().field(n).type) for n, col in
                             zip(events_schema().names, zip(*events_all))}) if events_all else None
    summary = summarize(runs_table, events_table, compiled)
    summary.update({"scenario": loaded.scenario.metadata.title, "scenario_hash": loaded.digest, "seed": seed,
                    "overrides": overrides, "interrupted": interrupted})
    if writer is not None:
        writer.finish(complete=not interrupted, runs_done=len(rows_all), seconds=round(elapsed, 3))
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
    else:
        from .render import render_summary

        out_console = Console()
        render_summary(summary, out_console, loaded.scenario.metadata.title)
        note = f"{len(rows_all)} runs in {elapsed:.1f} s ({len(rows_all) / elapsed:,.0f} runs/s), seed {seed}"
        if out is not None:
            note += f"; results in {out}"
        if interrupted:
            note += " - interrupted: the summary covers the finished runs only"
        console.print(note)
    if interrupted:
        raise typer.Exit(130)
