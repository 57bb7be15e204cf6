"""``diplosim run``: a Monte Carlo of one scenario."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from pathlib import Path

import typer

from .typer_app import app
from .common import claim_out_dir, engine_or_exit, fail, load_or_exit, load_plugins


def check_out_dir(out: Path, overwrite: bool) -> None:
    from ..writelock import is_empty

    if out.exists() and not out.is_dir():
        fail(f"--out: '{out}' exists and is not a directory")
    if out.is_dir() and not is_empty(out) and not overwrite:
        fail(f"--out: '{out}' is not empty (choose another directory or pass --overwrite)")
    if overwrite and out.is_dir():
        import shutil

        for sub in ("runs", "events"):
            shutil.rmtree(out / sub, ignore_errors=True)
        for f in ("manifest.json", "points.parquet"):
            (out / f).unlink(missing_ok=True)


@app.command()
def run(
    ctx: typer.Context,
    scenario: Path = typer.Argument(..., help="scenario YAML file"),
    runs: int = typer.Option(1000, "--runs", "-n", min=1, help="number of Monte Carlo runs"),
    seed: int = typer.Option(0, "--seed", "-s", min=0, help="root seed"),
    sets: list[str] = typer.Option([], "--set", help="fix a parameter: name=value, or switch an actor's "
                                   "rule: actor.rule=NAME (repeatable)"),
    plugins: list[str] = typer.Option([], "--plugin", help="load a rule class: module:Class (repeatable)"),
    out: Path = typer.Option(None, "--out", "-o", help="write runs, events and manifest here"),
    overwrite: bool = typer.Option(False, "--overwrite", help="replace results already in --out"),
    as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
    engine: str = typer.Option("auto", "--engine", help="batch (vectorised), mesa (reference), or auto: batch "
                               "when every rule has an array form; both give identical runs"),
    events: int = typer.Option(None, "--events", min=0, help="keep the event log of the first N runs "
                               "(default: all with mesa, 50 with batch)"),
    report_file: Path = typer.Option(None, "--report", help="also write a self-contained HTML report of charts here"),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="local worker processes (same results for any number)"),
    fragile: bool = typer.Option(True, "--fragile/--no-fragile", help="flag questions whose probability moves more "
                                 "than 15 points when one number or switch of the scenario changes (a number by "
                                 "10%, a chance's odds by 1.1 times, a switch turned over; a paired screen on the "
                                 "first --fragile-runs replications, in the same batch pass)"),
    fragile_runs: int = typer.Option(100, "--fragile-runs", min=2, help="replications the fragile screen pairs "
                                     "(more: narrower intervals, more time)"),
    outside_view: bool = typer.Option(True, "--outside-view/--no-outside-view", help="when a milestone has a class: "
                                      "also run the outside view (class curves only, the author's paces and "
                                      "adjustments left out, the structure kept; same runs and seed, no --set) and "
                                      "show it beside the forecast, with how far each of the author's adjustments "
                                      "moves each question"),
) -> None:
    """Run a Monte Carlo of a scenario and print each question's probability with a 95% interval."""
    load_plugins(plugins)
    from ..api import MonteCarlo, with_sets

    try:  # the Monte Carlo is the API's (``api.MonteCarlo``); this command parses, writes and prints
        loaded, compiled, overrides = with_sets(load_or_exit(scenario), sets, "--set")
    except ValueError as exc:
        fail(str(exc))
    engine = engine_or_exit(compiled, engine)
    if events is None:
        events = None if engine == "mesa" else 50
    if out is None and report_file is None:
        events = 0  # nothing would keep them
    if out is not None:
        claim_out_dir(ctx, out)  # before --overwrite deletes anything
        check_out_dir(out, overwrite)
    if report_file is not None:
        from .report_cmd import check_report_path

        check_report_path(report_file, "--report")

    from rich.console import Console

    from ..errors import RuleError
    from ..store import ResultsWriter, base_manifest
    from ..sweep.execution import part_id

    writer = None
    if out is not None:
        manifest = base_manifest("montecarlo", loaded, compiled, seed,
                                 {"runs": runs, "overrides": overrides, "engine": engine,
                                  "events_for": events, "complete": False})
        writer = ResultsWriter(out, compiled, manifest)
        writer.write_points({0: overrides})
    kept: list[tuple] = []  # chunks for --report when there is no --out to read them back from
    # the runs tables, when the scenario records its writer's priors: the priors-gap explanation reads them
    with_priors = any(getattr(q, "prior", None) is not None for q in compiled.questions)
    gap_parts: list = []
    mc = MonteCarlo(loaded, compiled, overrides, runs, seed, engine, jobs, events, fragile, fragile_runs)

    def on_part(span, table, events):  # after ``mc`` has summed the chunk
        if with_priors:
            from ..layout import as_arrow

            gap_parts.append(as_arrow(table))
        if report_file is not None and writer is None:
            from ..layout import as_arrow
            from ..store import events_table as to_table

            kept.append((as_arrow(table), to_table(events)))
        if writer is not None:
            writer.write_tables(part_id(span), table, events)
        advance(span[1] - span[0])

    console = Console(stderr=True, emoji=False)
    with progress_bar(console, runs) as advance:
        try:
            mc.execute(on_part)  # Ctrl-C stops it early: mc.interrupted
        except RuleError as exc:  # finished chunks are already on disk; the manifest says incomplete
            if writer is not None:
                writer.finish(complete=False, runs_done=mc.acc.n, seconds=round(mc.seconds, 3))
            fail(str(exc))
    elapsed, n_done, interrupted = mc.seconds, mc.acc.n, mc.interrupted
    if writer is not None:
        writer.finish(complete=not interrupted, runs_done=n_done, seconds=round(elapsed, 3))
    if not n_done:
        fail("interrupted before any run finished")
    summary = mc.summary()  # with the fragile screen's flags (the Monte Carlo is done and stored before it)
    ov_note, ov_reused = None, False
    if not interrupted:  # the priors gap, the outside view and the adjustments, as the API's run adds them
        from ..api import summary_extras

        def gap_table():  # Arrow only when the priors gap reads the runs (a summary printed from here needs none)
            import pyarrow as pa

            return pa.concat_tables(gap_parts)

        try:  # an identical earlier run's outside view is taken from the cache (the same numbers)
            _, ov_reused = summary_extras(summary, loaded, compiled, gap_table() if gap_parts else None, runs, seed,
                                          engine, jobs, None if outside_view else False, reuse=True)
        except ValueError as exc:  # a class too thin for a curve: the forecast stands, the outside view is not shown
            ov_note = f"outside view not shown: {exc}"
    reused, screen_seconds = mc.reused, mc.screen_seconds
    if fragile and not interrupted and writer is not None:  # the timing stays out of the summary
        writer.finish(fragile=summary["fragile"], fragile_seconds=round(screen_seconds, 3),
                      fragile_from_cache=reused, fragile_in_monte_carlo_pass=bool(mc.first_runs))
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
    else:
        from ..api_results import Adjustments, PriorsGap
        from .render import output_console, render_summary

        out_console = output_console()
        render_summary(summary, out_console, loaded.scenario.metadata.title, loaded.scenario.calendar.step_days)
        Adjustments.of(summary.get("adjustments")).print(out_console)  # the typed results print themselves
        if summary.get("priors_gap"):
            PriorsGap(summary["priors_gap"]).print(out_console)
        if ov_note:
            out_console.print(ov_note, markup=False, soft_wrap=True)
        copies = mc.copies  # the screen's copies, stepped in the same pass
        note = (f"{n_done} runs{f' and {copies:,} fragile-screen copies' if copies else ''} in {elapsed:.1f} s "
                f"({(n_done + copies) / elapsed:,.0f} runs/s, {engine} engine, {jobs} job{'s' if jobs > 1 else ''}), "
                f"seed {seed}")
        if "fragile" in summary and not summary["fragile"].get("skipped"):
            note += ("; fragile-forecast screen reused from an earlier identical run (cache)" if reused else
                     "; fragile-forecast screen in the same pass" if copies else
                     f"; fragile-forecast screen {screen_seconds:.1f} s")
            note += " (--no-fragile skips it)"
        if ov_reused:
            note += "; outside view reused from an earlier identical run (cache)"
        if out is not None:
            note += f"; results in {out}"
        if interrupted:
            note += " - interrupted: the summary covers the finished runs only"
        console.print(note)
    if report_file is not None:
        from .report_cmd import report_after_run

        report_after_run(report_file, out=out, compiled=compiled, loaded=loaded, seed=seed, kept=kept,
                         extra={"runs": runs, "overrides": overrides, "engine": engine, "runs_done": n_done,
                                "complete": not interrupted, "fragile": summary.get("fragile")})
    if interrupted:
        raise typer.Exit(130)


@contextmanager
def progress_bar(console, total: int):
    """A transient progress bar on a terminal (yields ``advance(k)``); elsewhere nothing would show, so nothing
    is drawn (and rich.progress is not imported)."""
    if not console.is_terminal:
        yield lambda k: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    started = time.perf_counter()
    with Progress(TextColumn("[bold]runs"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True) as progress:
        task = progress.add_task("runs", total=total, rate="")

        def advance(k):
            elapsed = time.perf_counter() - started
            done = progress.tasks[0].completed + k
            progress.update(task, advance=k, rate=f"{done / elapsed:,.0f} runs/s" if elapsed > 0 else "")

        yield advance
