"""``diplosim validate``, ``diplosim schema`` and ``diplosim params``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from . import app
from .common import EXIT_USAGE, load_or_exit


@app.command()
def validate(files: list[Path] = typer.Argument(..., help="scenario files to check")) -> None:
    """Check scenario files: one line per problem (file:line:col: field: message), exit 2 if any."""
    from ..scenario import ScenarioError, load

    bad = 0
    for path in files:
        try:
            loaded = load(path)
        except ScenarioError as exc:
            bad += 1
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            continue
        sc = loaded.scenario
        typer.echo(f"{path}: ok ({len(sc.actors)} actors, {len(sc.levels)} meeting levels, "
                   f"{len(sc.questions)} questions, hash {loaded.digest})")
    if bad:
        raise typer.Exit(EXIT_USAGE)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor autocompletion)."""
    from ..scenario.schema import Scenario

    typer.echo(json.dumps(Scenario.model_json_schema(), indent=2))


@app.command()
def params(scenario: Path = typer.Argument(..., help="scenario file"),
           as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """List the scenario's dotted parameter names, distributions and provenance."""
    loaded = load_or_exit(scenario)
    from ..scenario.params import ParameterTable

    table = ParameterTable(loaded.scenario)
    rows = []
    for name in table.names:
        p = table.params[name]
        lo, hi = p.bounds
        rows.append({"name": name, "dist": p.dist, "low": lo, "high": hi,
                     "provenance": "evidence" if p.evidence else "assumption"})
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"Parameters of {scenario}")
    for col in ("name", "dist", "range", "provenance"):
        t.add_column(col)
    for r in rows:
        rng = f"{r['low']:g}" if r["low"] == r["high"] else f"{r['low']:g} .. {r['high']:g}"
        t.add_row(r["name"], r["dist"], rng, r["provenance"])
    Console().print(t)
