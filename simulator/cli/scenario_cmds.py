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
        kinds = {}
        for m, _ in sc.all_milestones:
            kinds[m.noun()] = kinds.get(m.noun(), 0) + 1
        what = ", ".join(f"{n} {k}{'s' if n > 1 else ''}" for k, n in kinds.items())
        typer.echo(f"{path}: ok (schema {sc.schema_version}; {len(sc.actors)} actors; {what}; "
                   f"{len(sc.questions)} questions; hash {loaded.digest})")
    if bad:
        raise typer.Exit(EXIT_USAGE)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor autocompletion)."""
    from ..scenario.schema import Scenario

    typer.echo(json.dumps(Scenario.model_json_schema(), indent=2))


@app.command()
def migrate(scenario: Path = typer.Argument(..., help="a version-1 scenario file")) -> None:
    """Print a version-1 scenario file in the version-2 language (comments are not kept)."""
    import io

    from ruamel.yaml import YAML

    from ..scenario.loader import ScenarioError, read_yaml
    from ..scenario.migrate import migrate as to_v2

    try:
        data, _, _ = read_yaml(scenario)
    except ScenarioError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(EXIT_USAGE) from None
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        typer.echo(f"{scenario}:1:1: schema_version: not a version-1 scenario", err=True)
        raise typer.Exit(EXIT_USAGE)
    load_or_exit(scenario)  # every problem of the old file first, one line each
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 120
    yaml.representer.ignore_aliases = lambda *_: True
    buf = io.StringIO()
    yaml.dump(to_v2(data), buf)
    typer.echo(buf.getvalue(), nl=False)


@app.command()
def params(scenario: Path = typer.Argument(..., help="scenario file"),
           as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """List the scenario's dotted parameter names, distributions and provenance."""
    loaded = load_or_exit(scenario)
    from ..scenario.params import ParameterTable, parameter_units

    from ..lang.estimable import equivalents

    table = ParameterTable(loaded.scenario)
    units = parameter_units(loaded.scenario)
    rows = []
    for name in table.names:
        p = table.params[name]
        lo, hi = p.bounds
        form = p.estimable
        rows.append({"name": name, "dist": p.dist, "low": lo, "high": hi,
                     "provenance": "evidence" if p.evidence else "assumption",
                     "unit": units.get(name, ""), "stated_as": form.label() if form is not None else "",
                     "estimable": equivalents(lo, hi, units.get(name, ""))})
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"Parameters of {scenario}")
    for col in ("name", "dist", "value (model units)", "stated as", "estimable equivalent", "provenance"):
        t.add_column(col)
    for r in rows:
        rng = f"{r['low']:.4g}" if r["low"] == r["high"] else f"{r['low']:.4g} .. {r['high']:.4g}"
        t.add_row(r["name"], r["dist"], rng, r["stated_as"], r["estimable"] or "-", r["provenance"])
    Console().print(t)
