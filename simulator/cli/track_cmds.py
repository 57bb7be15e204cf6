"""``diplosim forecast`` (a frozen forecast) and ``diplosim backtest`` (a track record across a corpus)."""

from __future__ import annotations

from pathlib import Path

import typer

from ..outside_view.backtest import OUTSIDE_VIEW_RUNS  # backtest --outside-view's runs per scenario and view
from .typer_app import app
from .common import (
    EXIT_USAGE,
    check_html_path,
    fail,
    print_problems,
    write_charts,
)
from .render import output_console


@app.command()
def forecast(
    scenario: Path = typer.Argument(..., help="scenario file"),
    runs: int = typer.Option(2000, "--runs", "-n", min=2),
    seed: int = typer.Option(0, "--seed", "-s", min=0),
    out: Path = typer.Option(..., "--out", "-o", help="the frozen forecast, a JSON file"),
    dates: list[str] = typer.Option([], "--date", help="also give the share of runs by this date "
                                    "(YYYY-MM-DD, repeatable; the scenario's fixed dates are always included)"),
    sets: list[str] = typer.Option([], "--set", help="what-if: name=value or actor.rule=NAME (repeatable; "
                                   "recorded in the forecast)"),
    engine: str = typer.Option("auto", "--engine"),
    overwrite: bool = typer.Option(False, "--overwrite", help="replace an existing forecast file"),
    outside_view: bool = typer.Option(True, "--outside-view/--no-outside-view", help="when a milestone has a "
                                      "class: also freeze the outside view's answers beside the forecast (class "
                                      "curves only, counted without this negotiation; same runs and seed, no --set)"),
) -> None:
    """Register a frozen forecast: each question's probability with its interval, each dated milestone's
    distribution, the scenario's hash, seed, runs, engine and package versions (same seed, same numbers)."""
    from ..api_commands import check_forecast_out, freeze_forecast
    from ..errors import RuleError
    from ..scenario import ScenarioError

    try:
        check_forecast_out(out, overwrite)  # before the runs
        frozen = freeze_forecast(scenario, runs=runs, seed=seed, dates=dates, sets=sets, engine=engine,
                                 outside_view=outside_view)
    except ScenarioError as exc:
        print_problems(exc)
        raise typer.Exit(EXIT_USAGE) from None
    except (ValueError, RuleError) as exc:
        fail(str(exc))
    if frozen.outside_view_note:
        typer.echo(frozen.outside_view_note)
    frozen.write(out, overwrite)
    typer.echo(frozen.line(out))


@app.command()
def backtest(
    target: Path = typer.Argument(..., help="a corpus directory (every <name>.observed.yaml beside <name>.yaml), "
                                  "an observed-outcomes file, or a scenario file"),
    observed: Path = typer.Option(None, "--observed", help="observed-outcomes file for a scenario given as TARGET"),
    runs: int = typer.Option(None, "--runs", "-n", min=2, help="runs per scenario (and per variant and view); "
                             f"default 2000, with --outside-view {OUTSIDE_VIEW_RUNS}"),
    seed: int = typer.Option(0, "--seed", "-s", min=0),
    variants: list[str] = typer.Option([], "--variant", help="NAME:actor.rule=RULE or NAME:name=value, several "
                                       "separated by commas; '*.rule=RULE' switches every party (repeatable)"),
    engine: str = typer.Option("auto", "--engine"),
    as_json: bool = typer.Option(False, "--json"),
    html_out: Path = typer.Option(None, "--html", help="also write the reliability diagram and PIT histogram"),
    outside_view: bool = typer.Option(False, "--outside-view", help="score four forecasts side by side: as written, "
                                      "the outside view alone (class curves only), with outside-view defaults where "
                                      "the author stated nothing, and the author's priors; the class curves are "
                                      "counted without the scored negotiation (leave-one-negotiation-out)"),
) -> None:
    """Score forecasts against observed outcomes, per scenario and pooled: Brier, log score and Murphy
    decomposition for yes/no questions; CRPS (weeks) and PIT for dates; paired variant comparisons."""
    from ..api import backtest as run_backtest
    from ..errors import RuleError
    from ..scenario import ScenarioError

    check_html_path(html_out)
    if runs is None:
        runs = OUTSIDE_VIEW_RUNS if outside_view else 2000
    try:  # the API's backtest (``api.backtest``): this command parses, writes and prints
        res = run_backtest(target, observed=observed, runs=runs, seed=seed, engine=engine, variants=variants,
                           outside_view=outside_view)
    except ScenarioError as exc:  # every problem of every file, one line each
        print_problems(exc)
        raise typer.Exit(EXIT_USAGE) from None
    except (ValueError, RuleError) as exc:
        fail(str(exc))
    if html_out is not None:
        write_charts(html_out, f"diplosim backtest of {target}", res.figures())
    if as_json:
        typer.echo(res.to_json())
        return
    res.print(output_console())
