"""``diplosim check-model``: the model checks (``simulator.testing.properties``) on a scenario."""

from __future__ import annotations

from pathlib import Path

import typer

from .typer_app import app
from .common import fail, load_or_exit, load_plugins


@app.command("check-model")
def check_model_cmd(
    scenario: Path = typer.Argument(..., help="scenario YAML file"),
    runs: int = typer.Option(1000, "--runs", "-n", min=10, help="Monte Carlo runs per comparison"),
    seed: int = typer.Option(0, "--seed", "-s", min=0, help="root seed"),
    only: list[str] = typer.Option([], "--only", help="run only this property (repeatable): analytic, "
                                   "calendar_shift, renaming, no_op_what_if, monotonicity, step_invariance"),
    plugins: list[str] = typer.Option([], "--plugin", help="load a rule class: module:Class (repeatable)"),
    as_json: bool = typer.Option(False, "--json", help="print the results as JSON"),
) -> None:
    """Check the model on a scenario: stated chances come true, and moving dates, renaming ids, a what-if that
    changes nothing, a cheaper step and another step length change the answers only as they should.
    Exit 1 if a property fails."""
    load_plugins(plugins)
    from ..api import check_model
    from ..testing.properties import CHECKS

    unknown = [n for n in only if n not in CHECKS]
    if unknown:  # before the scenario is read, as check_model would say it
        fail(f"--only: unknown property '{unknown[0]}' (choose from {', '.join(CHECKS)})")
    checks = check_model(load_or_exit(scenario), runs=runs, seed=seed, only=only)
    if as_json:
        typer.echo(checks.to_json())
    else:
        typer.echo(checks.words(), nl=False)
        typer.echo(checks.verdict(), err=True)
    if not checks.passed:
        raise typer.Exit(1)
