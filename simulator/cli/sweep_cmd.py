"""``diplosim sweep`` (parameter sweeps to Parquet, resumable) and ``diplosim summarize`` (read them back)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from .typer_app import app
from ..sweep import DEFAULT_CHUNK
from .common import fail, load_or_exit, load_plugins

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


@app.command(help=SWEEP_HELP)
def sweep(
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
    """Run a parameter sweep (see SWEEP_HELP): the API's sweep session (``sweep.session.SweepSession``, as
    ``simulator.run_sweep``), with a progress bar."""
    from ..sweep.session import SweepSession, check_options

    try:
        check_options(sample, jobs, scheduler, dask_local)
    except ValueError as exc:
        fail(str(exc))
    load_plugins(plugins)
    loaded = load_or_exit(scenario)
    try:
        sweep = SweepSession(loaded, out, vary=vary, sample=sample, points=points, second_order=second_order,
                             runs=runs, seed=seed, jobs=jobs, scheduler=scheduler, dask_local=dask_local, chunk=chunk,
                             engine=engine, events=events, resume=resume, plugins=plugins, command=sys.argv)
        with sweep:
            done = _run_with_progress(sweep)
    except ValueError as exc:  # an option, --out or --resume that cannot be used (one line)
        fail(str(exc))
    if done["outcome"] == "interrupted":
        raise typer.Exit(130)
    typer.echo(f"{sweep.total} runs ({len(sweep.design.points)} points x {runs}) in {out}; "
               f"see `diplosim summarize {out}`", err=True)


def _run_with_progress(sweep) -> dict:
    """Run the sweep's missing chunks with a progress bar; Ctrl-C keeps what finished."""
    from concurrent.futures.process import BrokenProcessPool

    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    from ..errors import RuleError

    console = Console(stderr=True)
    try:
        with Progress(TextColumn("[bold]runs"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                      TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True) as progress:
            task = None

            def start(total, already):
                nonlocal task
                task = progress.add_task("runs", total=total, completed=already, rate="")

            done = sweep.run(start, lambda n, rate: progress.update(task, advance=n, rate=rate))
    except RuleError as exc:
        fail(f"{exc} ({exc.new_runs} new runs kept; fix the rule, then --resume)")
    except BrokenProcessPool as exc:
        fail(f"--jobs: a worker process died ({exc}); {exc.new_runs} new runs kept, continue with --resume")
    new_runs, elapsed = done["new_runs"], done["seconds"]
    rate = f"{new_runs / elapsed:,.0f} runs/s" if elapsed > 0 else ""
    console.print(f"{new_runs} new runs in {elapsed:.1f} s ({rate}); {done['already']} were already done")
    if done["outcome"] == "interrupted":
        console.print("interrupted: every finished chunk is kept; continue with the same command plus --resume")
    return done


@app.command()
def summarize(
    results: Path = typer.Argument(..., help="results directory written by `diplosim sweep` or `diplosim run --out`"),
    as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
    max_points: int = typer.Option(10, "--max-points", min=0, help="points shown in the per-point table"),
) -> None:
    """Each question's probability (95% Wilson interval) and each milestone's median date, per point and overall."""
    from ..api import summarize as summarize_dir

    try:
        summary = summarize_dir(results, max_points=max_points)
    except ValueError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(summary.to_json())
        return
    from .render import output_console

    summary.print(output_console())
