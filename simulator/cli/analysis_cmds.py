"""``diplosim compare``, ``diplosim explain``, ``diplosim sensitivity`` and ``diplosim discover``."""

from __future__ import annotations

from pathlib import Path

import typer

from .typer_app import app
from .common import (check_html_path, engine_or_exit, fail, load_or_exit, parse_sets, results_or_exit,
                     write_charts)
from .render import output_console


def _console():
    return output_console()


@app.command()
def compare(
    scenario_a: Path = typer.Argument(..., help="baseline scenario"),
    scenario_b: Path = typer.Argument(None, help="variant scenario (default: the baseline, with --set-b)"),
    runs: int = typer.Option(1000, "--runs", "-n", min=2),
    seed: int = typer.Option(0, "--seed", "-s", min=0),
    set_a: list[str] = typer.Option([], "--set-a", help="name=value for A (repeatable)"),
    set_b: list[str] = typer.Option([], "--set-b", help="name=value for B (repeatable)"),
    engine: str = typer.Option("auto", "--engine"),
    as_json: bool = typer.Option(False, "--json"),
    html_out: Path = typer.Option(None, "--html", help="also write the chart as a self-contained HTML file"),
) -> None:
    """Compare two scenarios or two what-ifs on common random numbers: paired differences with 95% intervals."""
    from ..api import paired_comparison
    from ..compiled import Compiled

    check_html_path(html_out)

    la = load_or_exit(scenario_a)
    lb = load_or_exit(scenario_b) if scenario_b is not None else la
    ca, cb = Compiled(la.scenario), Compiled(lb.scenario)
    oa = parse_sets(set_a, ca.table) if set_a else {}
    ob = parse_sets(set_b, cb.table) if set_b else {}
    if scenario_b is None and not set_b and not set_a:
        fail("compare: give SCENARIO_B or --set-a/--set-b to make the variants differ")
    engine_a, engine_b = engine_or_exit(ca, engine), engine_or_exit(cb, engine)
    engine = engine_a if engine_a == engine_b else "mesa"  # both engines give the same runs anyway
    label = lambda path, sets: f"{path.name}" + (f" ({', '.join(f'{k}={v:g}' for k, v in sets.items())})"  # noqa: E731
                                                 if sets else "")
    try:  # the API's paired comparison (``api.paired_comparison``)
        comparison = paired_comparison(ca, cb, oa, ob, runs, seed, engine,
                                       (label(scenario_a, oa), label(scenario_b or scenario_a, ob)))
    except ValueError as exc:
        fail(str(exc))
    res = comparison.result
    if html_out is not None:
        write_charts(html_out, f"diplosim compare ({runs} paired runs, seed {seed})",
                     [("calendar", "Calendar", comparison.figure())])
    res.update({"a": {"scenario": str(scenario_a), "set": oa}, "b": {"scenario": str(scenario_b or scenario_a),
                                                                    "set": ob}})
    if as_json:
        typer.echo(comparison.to_json())
        return
    comparison.print(_console())


@app.command()
def explain(
    results: Path = typer.Argument(..., help="results directory"),
    question: str = typer.Option(None, "--question", "-q", help="explain this question: its window, its answer, "
                                  "and what held up each milestone its condition names, within the window"),
    as_json: bool = typer.Option(False, "--json"),
    html_out: Path = typer.Option(None, "--html", help="also write the chart as a self-contained HTML file"),
) -> None:
    """Which actor and precondition blocked each milestone, and what preceded success; or one question explained."""
    from ..api import explain as run_explain

    check_html_path(html_out)
    res = results_or_exit(results)
    try:
        out = run_explain(res, question)
    except ValueError as exc:
        fail(str(exc))
    if html_out is not None:
        write_charts(html_out, f"diplosim explain {results}", [("blockers", "Blockers", out.figure())])
    if as_json:
        typer.echo(out.to_json())
        return
    out.print(_console())




@app.command()
def sensitivity(
    results: Path = typer.Argument(..., help="results directory of `diplosim sweep --sample sobol`"),
    question: str = typer.Option(None, "--question", "-q", help="one question (default: all)"),
    seed: int = typer.Option(0, "--seed", "-s", min=0, help="seed of the bootstrap that gives the intervals (the "
                             "same seed, the same output)"),
    as_json: bool = typer.Option(False, "--json"),
    html_out: Path = typer.Option(None, "--html", help="also write the chart as a self-contained HTML file"),
) -> None:
    """First-order and total Sobol indices of each question's probability, with 95% intervals (SALib's bootstrap,
    seeded from --seed)."""
    from ..analysis.sensitivity import AnalysisError
    from ..api import sensitivity as sobol_indices

    check_html_path(html_out)
    res = results_or_exit(results)
    try:
        out = sobol_indices(res, question, seed)
    except AnalysisError as exc:
        fail(str(exc))
    if html_out is not None:
        write_charts(html_out, f"diplosim sensitivity {results}",
                     [(q["id"], q["text"], out.figure(q["id"])) for q in out.questions])
    if as_json:
        typer.echo(out.to_json())
        return
    out.print(_console())


@app.command()
def discover(
    results: Path = typer.Argument(..., help="results directory of `diplosim sweep`"),
    question: str = typer.Option(..., "--question", "-q"),
    threshold: float = typer.Option(0.5, "--threshold", help="a point is 'likely' when its yes-share reaches this"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Parameter boxes in which the question is likely, as rules with coverage and density."""
    from ..analysis.sensitivity import AnalysisError
    from ..api import discover as run_discover

    res = results_or_exit(results)
    if res.points is None:
        fail(f"discover: '{results}' has no points.parquet")
    try:
        out = run_discover(res, question, threshold)
    except AnalysisError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(out.to_json())
        return
    out.print(_console())
