"""``diplosim validate``, ``diplosim schema`` and ``diplosim params``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from . import app
from .common import EXIT_USAGE, load_or_exit


@app.command()
def validate(files: list[Path] = typer.Argument(..., help="scenario files or observed-outcomes files "
                                               "(kind: observed) to check")) -> None:
    """Check scenario and observed-outcomes files: one line per problem (file:line:col: field: message), exit 2
    if any."""
    from ..analysis.observed import is_observed, load_observed
    from ..scenario import ScenarioError, load

    bad = 0
    for path in files:
        if is_observed(path):
            try:
                lo = load_observed(path)
            except ScenarioError as exc:
                bad += 1
                for problem in exc.problems:
                    typer.echo(str(problem), err=True)
                continue
            obs = lo.observed
            hashed = ("no scenario_hash recorded" if obs.scenario_hash is None else
                      f"scenario hash {lo.loaded.digest} differs from the recorded {obs.scenario_hash}: "
                      "edited after outcomes" if lo.edited_after_outcomes else f"scenario hash {lo.loaded.digest}")
            n = lambda k, what: f"{k} {what}{'' if k == 1 else 's'}"  # noqa: E731
            typer.echo(f"{path}: ok (observed outcomes of {obs.scenario}: {n(len(obs.questions), 'question')}, "
                       f"{n(len(obs.milestones), 'milestone')}, resolved {obs.resolved_on}; {hashed})")
            continue
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
