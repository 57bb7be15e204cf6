"""Shared CLI plumbing: one-line errors with exit status 2, scenario loading, --set parsing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import typer

EXIT_USAGE = 2


def fail(message: str) -> NoReturn:
    """Print a one-line error to stderr and exit with status 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_USAGE)


def print_problems(exc) -> None:
    """A ScenarioError's problems on stderr, one line each."""
    for problem in exc.problems:
        typer.echo(str(problem), err=True)


def load_or_exit(path: Path):
    """Load and validate a scenario, or print its problems (one line each) and exit 2."""
    from ..scenario import ScenarioError, load

    try:
        return load(path)
    except ScenarioError as exc:
        print_problems(exc)
        raise typer.Exit(EXIT_USAGE) from None


def parse_sets(assignments: list[str], table) -> dict[str, float]:
    from ..scenario.params import parse_assignment

    out: dict[str, float] = {}
    for text in assignments:
        try:
            name, value = parse_assignment(text, table)
        except ValueError as exc:
            fail(str(exc))
        out[name] = value
    return out


def load_plugins(specs: list[str]) -> None:
    """Register ``--plugin module:Class`` rules (before the scenario is validated), or exit 2 with one line."""
    from ..rules import RulePluginError, load_plugin

    for spec in specs:
        try:
            load_plugin(spec)
        except RulePluginError as exc:
            fail(str(exc))


def apply_rule_sets(loaded, assignments: list[str]):
    """Apply ``--set <actor>.rule=NAME`` to the loaded scenario; return it and the remaining (numeric) sets."""
    import dataclasses

    from ..scenario.switch import split_rule_sets, switch_rules

    choices, rest = split_rule_sets(assignments, loaded.scenario)
    if not choices:
        return loaded, rest
    try:
        scenario = switch_rules(loaded.scenario, choices)
    except ValueError as exc:
        fail(str(exc))
    return dataclasses.replace(loaded, scenario=scenario), rest


def claim_out_dir(ctx: typer.Context, out: Path) -> None:
    """Become the only writer of ``out`` until the command ends, or exit 2 with one line naming the writer there."""
    from ..writelock import DirectoryBusy, WriterLock

    if out.exists() and not out.is_dir():
        fail(f"--out: '{out}' exists and is not a directory")
    lock = WriterLock(out)
    try:
        lock.acquire()
    except DirectoryBusy as exc:
        fail(f"--out: '{out}' is being written by another diplosim ({exc}); "
             "wait for it to finish, or choose another directory")
    except OSError as exc:
        fail(f"--out: cannot write to '{out}': {exc.strerror or exc}")
    ctx.call_on_close(lock.release)  # also on errors and Ctrl-C; a killed process loses the lock by itself


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def engine_or_exit(compiled, engine: str) -> str:
    """Resolve ``--engine`` (auto/batch/mesa) for a compiled scenario, or exit 2 with a one-line error."""
    from ..runner import resolve_engine

    try:
        return resolve_engine(compiled, engine)
    except ValueError as exc:
        fail(str(exc))


def results_or_exit(results: Path):
    """Load a results directory for a command (``report.load_results``), or exit 2 with its one-line error."""
    from ..report import ReportError, load_results

    try:
        return load_results(results)
    except ReportError as exc:
        fail(str(exc))


def check_html_path(path: Path | None, option: str = "--html") -> None:
    """Refuse an output path that cannot be written, before any work is done."""
    if path is None:
        return
    if path.is_dir():
        fail(f"{option}: '{path}' is a directory; give a file name such as chart.html")
    if not path.parent.is_dir():
        fail(f"{option}: directory '{path.parent}' does not exist")


def write_charts(path: Path, title: str, figures: list[tuple[str, str, object]]) -> None:
    """A self-contained HTML page of (id, title, figure) sections, plotly.js embedded once."""
    from ..report import Section, render_html, write_report

    write_report(render_html([Section(i, t, f) for i, t, f in figures], title), path)
    typer.echo(f"chart: {path}", err=True)

