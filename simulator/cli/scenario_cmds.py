"""``diplosim validate``, ``diplosim schema`` and ``diplosim params``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from . import app
from .common import EXIT_USAGE, load_or_exit, print_problems


def _plural(k: int, what: str) -> str:
    return f"{k} {what}{'' if k == 1 else 's'}"


def _validate_scenario(path: Path) -> str:
    from ..scenario import load

    loaded = load(path)
    sc = loaded.scenario
    kinds = {}
    for m, _ in sc.all_milestones:
        kinds[m.noun()] = kinds.get(m.noun(), 0) + 1
    what = ", ".join(_plural(n, k) for k, n in kinds.items())
    return (f"{path}: ok (schema {sc.schema_version}; {len(sc.actors)} actors; {what}; "
            f"{len(sc.questions)} questions; hash {loaded.digest})")


def _validate_observed(path: Path) -> str:
    from ..analysis.observed import load_observed

    lo = load_observed(path)
    obs = lo.observed
    if obs.scenario_hash is None:
        hashed = "no scenario_hash recorded"
    elif lo.edited_after_outcomes:
        hashed = f"scenario hash {lo.loaded.digest} differs from the recorded {obs.scenario_hash}: edited after outcomes"
    else:
        hashed = f"scenario hash {lo.loaded.digest}"
    return (f"{path}: ok (observed outcomes of {obs.scenario}: {_plural(len(obs.questions), 'question')}, "
            f"{_plural(len(obs.milestones), 'milestone')}, resolved {obs.resolved_on}; {hashed})")


@app.command()
def validate(files: list[Path] = typer.Argument(..., help="scenario files or observed-outcomes files "
                                               "(kind: observed) to check")) -> None:
    """Check scenario and observed-outcomes files: one line per problem (file:line:col: field: message), exit 2
    if any."""
    from ..analysis.observed import is_observed
    from ..scenario import ScenarioError

    bad = 0
    for path in files:
        try:
            typer.echo(_validate_observed(path) if is_observed(path) else _validate_scenario(path))
        except ScenarioError as exc:
            bad += 1
            print_problems(exc)
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
