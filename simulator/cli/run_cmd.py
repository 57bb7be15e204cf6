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
    engine: str = typer.Option("auto", "--engine", help="batch (vectorised), mesa (reference), or auto: batch "
                               "when every rule has an array form; both give identical runs"),
    events: int = typer.Option(None, "--events", min=0, help="keep the event log of the first N runs "
                               "(default: all with mesa, 50 with batch)"),
) -> None:
    """Run a Monte Carlo of a scenario and print each question's probability with a 95% interval."""
    loaded = load_or_exit(scenario)
    from ..compiled import Compiled

    compiled = Compiled(loaded.scenario)
    overrides = parse_sets(sets, compiled.table)
    from ..runner import resolve_engine

    try:
        engine = resolve_engine(compiled, engine)
    except ValueError as exc:
        fail(str(exc))
    if events is None:
        events = None if engine == "mesa" else 50
    if out is not None:
        check_out_dir(out, overwrite)

    import pyarrow as pa
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from ..runner import monte_carlo
    from ..store import ResultsWriter, base_manifest, events_table
    from ..summary import summarize

    tables: list = []
    events_all: list[tuple] = []
    writer = None
    if out is not None:
        manifest = base_manifest("montecarlo", loaded, compiled, seed,
                                 {"runs": runs, "overrides": overrides, "engine": engine,
                                  "events_for": events, "complete": False})
        writer = ResultsWriter(out, compiled, manifest)
        writer.write_points({0: overrides})
    parts = 0

    def on_chunk(table, chunk_events):
        nonlocal parts
        tables.append(table)
        events_all.extend(chunk_events)
        if writer is not None:
            writer.write_part(f"{parts:05d}", table, chunk_events)
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
            monte_carlo(compiled, runs, seed, overrides, progress=advance, on_chunk=on_chunk, engine=engine,
                        events_for=events)
        except KeyboardInterrupt:
            interrupted = True
    elapsed = time.perf_counter() - started
    if not tables:
        fail("interrupted before any run finished; nothing written")
    runs_table = pa.concat_tables(tables)
    n_done = runs_table.num_rows
    summary = summarize(runs_table, events_table(events_all), compiled)
    summary.update({"scenario": loaded.scenario.metadata.title, "scenario_hash": loaded.digest, "seed": seed,
                    "overrides": overrides, "engine": engine, "interrupted": interrupted})
    if writer is not None:
        writer.finish(complete=not interrupted, runs_done=n_done, seconds=round(elapsed, 3))
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
    else:
        from .render import render_summary

        out_console = Console()
        render_summary(summary, out_console, loaded.scenario.metadata.title)
        note = f"{n_done} runs in {elapsed:.1f} s ({n_done / elapsed:,.0f} runs/s, {engine} engine), seed {seed}"
        if out is not None:
            note += f"; results in {out}"
        if interrupted:
            note += " - interrupted: the summary covers the finished runs only"
        console.print(note)
    if interrupted:
        raise typer.Exit(130)
