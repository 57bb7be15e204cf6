"""``diplosim sweep`` (parameter sweeps to Parquet, resumable) and ``diplosim summarize`` (read them back)."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

import typer

from .typer_app import app
from ..sweep import DEFAULT_CHUNK
from .common import claim_out_dir, engine_or_exit, fail, load_or_exit, load_plugins

SWEEP_HELP = (
    "Run a parameter sweep: every point x --runs replications, written to Parquet parts as chunks finish.\n\n"
    "Run (point, replication) draws from its own generator keyed by (--seed, point, replication), so results are "
    "identical for any --jobs, executor or chunking. After a crash or Ctrl-C, the same command plus --resume runs "
    "only the missing chunks.\n\n"
    "On a cluster: start `dask scheduler` on one machine and `dask worker tcp://HOST:8786 --nworkers N --nthreads 1` "
    "on each machine (same diplosim version installed), then pass --scheduler tcp://HOST:8786. Only this process "
    "writes --out, so workers need no shared disk. See docs/sweeps.md."
)
SAMPLE_HELP = "grid over the --vary values, or lhs / sobol samples of the uncertain (or --vary) parameters"


def _prepare_out(out: Path, resume: bool) -> dict | None:
    """Check --out; returns the manifest already there when resuming, else None."""
    from ..store import read_manifest
    from ..writelock import is_empty

    if out.exists() and not out.is_dir():
        fail(f"--out: '{out}' exists and is not a directory")
    if not out.is_dir() or is_empty(out):
        return None
    if not resume:
        fail(f"--out: '{out}' is not empty (pass --resume to continue the sweep there, or choose another directory)")
    if not (out / "manifest.json").is_file():
        fail(f"--resume: '{out}' has no manifest.json, so it is not a results directory")
    try:
        return read_manifest(out)
    except (OSError, ValueError) as exc:
        fail(f"--resume: cannot read '{out / 'manifest.json'}': {exc}")


@app.command(help=SWEEP_HELP)
def sweep(
    ctx: typer.Context,
    scenario: Path = typer.Argument(..., help="scenario YAML file"),
    out: Path = typer.Option(..., "--out", "-o", help="results directory (manifest, points, runs/, events/)"),
    vary: list[str] = typer.Option([], "--vary", help="name=lo:hi:n | name=v1,v2,... (grid) or name=lo:hi (lhs/sobol)"),
    sample: str = typer.Option("grid", "--sample", help=SAMPLE_HELP),
    points: int = typer.Option(None, "--points", help="lhs: number of points; sobol: base N (a power of 2)"),
    second_order: bool = typer.Option(True, "--second-order/--first-order-only",
                                      help="sobol: also sample for second-order indices (SALib calc_second_order)"),
    runs: int = typer.Option(100, "--runs", "-n", min=1, help="replications per point"),
    seed: int = typer.Option(0, "--seed", "-s", min=0, help="root seed"),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="local worker processes"),
    scheduler: str = typer.Option(None, "--scheduler", help="run on an existing Dask cluster: tcp://HOST:PORT"),
    dask_local: int = typer.Option(None, "--dask-local", min=1, help="run on a Dask LocalCluster of N processes"),
    chunk: int = typer.Option(None, "--chunk", min=1, help="runs per task and per Parquet part "
                              f"(default: {DEFAULT_CHUNK['mesa']:,} with the mesa engine, "
                              f"{DEFAULT_CHUNK['batch']:,} with batch)"),
    engine: str = typer.Option("auto", "--engine", help="batch (vectorised), mesa (reference), or auto: batch "
                               "when every rule has an array form; both give identical runs"),
    events: int = typer.Option(None, "--events", min=0, help="keep the event logs of the first N replications of "
                               "each point (default: all with mesa, none with batch; any run's log can be re-created "
                               "exactly with `diplosim events`)"),
    resume: bool = typer.Option(False, "--resume", help="continue an interrupted sweep in --out: run only what is missing"),
    plugins: list[str] = typer.Option([], "--plugin", help="load a rule class: module:Class (repeatable; workers "
                                      "import the module too)"),
) -> None:
    """Run a parameter sweep (see SWEEP_HELP)."""
    from ..sweep.sampling import SAMPLERS

    if sample not in SAMPLERS:
        fail(f"--sample: '{sample}' is not one of {', '.join(SAMPLERS)}")
    if scheduler is not None and dask_local is not None:
        fail("--scheduler and --dask-local: choose one")
    if (scheduler is not None or dask_local is not None) and jobs != 1:
        fail("--jobs: applies to the local pool; with Dask the cluster's workers set the parallelism")
    load_plugins(plugins)
    loaded = load_or_exit(scenario)
    from ..compiled import Compiled
    from ..sweep.specs import SpecError, parse_varies
    from ..sweep.sampling import make_design

    compiled = Compiled(loaded.scenario)
    engine = engine_or_exit(compiled, engine)
    if events is None:
        events = None if engine == "mesa" else 0  # logging costs the batch engine as much as simulating
    try:
        design = make_design(sample, parse_varies(vary, compiled.table.names), compiled.table, points, seed,
                             second_order)
    except SpecError as exc:
        fail(str(exc))
    claim_out_dir(ctx, out)  # one writer at a time: what is missing is decided under the lock
    old = _prepare_out(out, resume)
    if chunk is None:  # a resume keeps the chunk its directory was made with (part ids depend on it)
        chunk = (old or {}).get("sweep", {}).get("chunk") or DEFAULT_CHUNK[engine]
    from ..api import sweep_manifest
    from ..store import ResultsWriter, finished_parts, remove_temp_files
    from ..sweep.execution import SweepContext, part_id, spans
    from ..sweep.resume import check_resume, points_match

    ctx = SweepContext(compiled, seed, runs, design.points, engine, events)
    executor_desc = (f"dask {scheduler}" if scheduler else f"dask LocalCluster x{dask_local}" if dask_local
                     else f"process pool x{jobs}" if jobs > 1 else "in process")
    session = {"command": sys.argv, "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
               "executor": executor_desc}
    manifest = sweep_manifest(loaded, compiled, seed, design, runs, chunk, engine, events, plugins)
    if old is not None:
        try:
            check_resume(old, manifest, out)
        except SpecError as exc:
            fail(str(exc))
        if not points_match(out, design.points):
            fail(f"--resume: the points in '{out / 'points.parquet'}' differ from this sweep's; use another --out")
        manifest = old
    manifest["sessions"].append(session)
    from contextlib import ExitStack

    from ..sweep.execution import ExecutorError, open_executor

    with ExitStack() as stack:
        try:  # connect before touching --out, so a wrong address leaves nothing behind
            executor = stack.enter_context(open_executor(ctx, jobs, scheduler, dask_local))
        except ExecutorError as exc:
            fail(str(exc))
        writer = ResultsWriter(out, compiled, manifest)
        if old is None:
            writer.write_points(dict(enumerate(design.points)))
        remove_temp_files(out)
        done = finished_parts(out)
        all_spans = spans(ctx.total, chunk)
        todo = [s for s in all_spans if part_id(s) not in done]
        already = ctx.total - sum(e - s for s, e in todo)
        _run_with_progress(ctx, executor, todo, already, writer, max(jobs, dask_local or 1), session,
                           lambda: len(finished_parts(out)) == len(all_spans))
    typer.echo(f"{ctx.total} runs ({len(design.points)} points x {runs}) in {out}; "
               f"see `diplosim summarize {out}`", err=True)


def _run_with_progress(ctx, executor, todo, already, writer, workers, session, all_written) -> None:
    """Run the missing spans with a progress bar, writing each part as it arrives; Ctrl-C keeps what finished."""
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    from concurrent.futures.process import BrokenProcessPool

    from ..errors import RuleError
    from ..sweep.execution import execute, part_id

    console = Console(stderr=True)
    started = time.perf_counter()
    new_runs = 0
    window = 2 * workers + 2  # enough to keep every worker busy; bounded so memory stays flat

    def on_part(span, runs, events):
        nonlocal new_runs
        writer.write_tables(part_id(span), runs, events)
        new_runs += span[1] - span[0]
        elapsed = time.perf_counter() - started
        progress.update(task, advance=span[1] - span[0], rate=f"{new_runs / elapsed:,.0f} runs/s")

    def close(outcome: str) -> float:
        elapsed = time.perf_counter() - started
        session.update(seconds=round(elapsed, 3), runs=new_runs, outcome=outcome)
        seconds = sum(s.get("seconds", 0) for s in writer.manifest["sessions"])
        writer.finish(complete=all_written(), seconds=round(seconds, 3))
        return elapsed

    outcome = "finished"
    try:
        with Progress(TextColumn("[bold]runs"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                      TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True) as progress:
            task = progress.add_task("runs", total=ctx.total, completed=already, rate="")
            execute(*executor, todo, on_part, window)
    except KeyboardInterrupt:
        outcome = "interrupted"
    except RuleError as exc:
        close("rule error")
        fail(f"{exc} ({new_runs} new runs kept; fix the rule, then --resume)")
    except BrokenProcessPool as exc:
        close("worker died")
        fail(f"--jobs: a worker process died ({exc}); {new_runs} new runs kept, continue with --resume")
    elapsed = close(outcome)
    rate = f"{new_runs / elapsed:,.0f} runs/s" if elapsed > 0 else ""
    console.print(f"{new_runs} new runs in {elapsed:.1f} s ({rate}); {already} were already done")
    if outcome == "interrupted":
        console.print("interrupted: every finished chunk is kept; continue with the same command plus --resume")
        raise typer.Exit(130)


@app.command()
def summarize(
    results: Path = typer.Argument(..., help="results directory written by `diplosim sweep` or `diplosim run --out`"),
    as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
    max_points: int = typer.Option(10, "--max-points", min=0, help="points shown in the per-point table"),
) -> None:
    """Each question's probability (95% Wilson interval) and each milestone's median date, per point and overall."""
    if not (results / "manifest.json").is_file():
        fail(f"summarize: '{results}' has no manifest.json (not a results directory)")
    if not any((results / "runs").glob("part-*.parquet")):
        fail(f"summarize: '{results}' has no finished runs yet")
    from ..sweep.aggregate import summarize_dir

    summary = summarize_dir(results)
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    from ..store import read_manifest
    from .render import output_console

    calendar = read_manifest(results)["scenario"]["resolved"].get("calendar") or {}
    render_sweep_summary(summary, output_console(), max_points, int(calendar.get("step_days") or 7))


def render_sweep_summary(s: dict, console, max_points: int, step_days: int = 7) -> None:
    from rich.table import Table

    from ..answers import Answer
    from .render import interval, pct, render_summary

    overall = s["overall"]
    head = f"all {overall['points']} point(s) pooled"
    if overall["runs"] != s["runs_expected"]:
        head += f"; {s['runs_expected'] - overall['runs']} of {s['runs_expected']} runs not finished (--resume)"
    render_summary(overall, console, f"{s['scenario']} - {head}", step_days)
    shown = s["per_point"][:max_points]
    if not shown:
        return
    t = Table(title="Per point", title_justify="left")
    for col in ("point", "parameters", "question / meeting held", "probability [95% Wilson]", "median date"):
        t.add_column(col)
    for row in shown:
        params = "\n".join(f"{n}={row['parameters'][n]:.4g}" for n in s["parameters"] if n in row["parameters"])
        cells = [(q["id"], Answer.of_entry(q).point_cell()) for q in row["questions"]]  # None: no probability
        items = [(label, *cell) for label, cell in cells if cell is not None]
        items += [(f"happened: {lv['name']}", lv, lv["median"]) for lv in row["milestones"]]
        for k, (label, entry, median) in enumerate(items):
            t.add_row(str(row["point"]) if k == 0 else "", params if k == 0 else "", label,
                      f"{pct(entry['p'])} {interval(entry)}", "not by end" if median is None else median, end_section=k == len(items) - 1)
    console.print(t)
    if len(s["per_point"]) > len(shown):
        console.print(f"(first {len(shown)} of {len(s['per_point'])} points; --max-points or --json for more)")
