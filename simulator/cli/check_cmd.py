"""``diplosim check-model``: the model checks (``simulator.testing.properties``) on a scenario."""

from __future__ import annotations

import json
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
    results = check_model(load_or_exit(scenario), runs=runs, seed=seed, only=only)
    if as_json:
        typer.echo(json.dumps({"scenario": str(scenario), "runs": runs, "seed": seed,
                               "results": [r.to_dict() for r in results]}, indent=2, default=str))
    else:
        for r in results:
            typer.echo(f"{r.status:4}  {r.title}: {r.sentence}")
        n_bad = sum(r.passed is False for r in results)
        typer.echo(f"{len(results) - n_bad} of {len(results)} properties hold" if n_bad == 0 else
                   f"{n_bad} of {len(results)} properties fail", err=True)
    if any(r.passed is False for r in results):
        raise typer.Exit(1)
