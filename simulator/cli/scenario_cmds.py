"""``diplosim validate``, ``diplosim schema`` and ``diplosim params``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from .typer_app import app
from .common import EXIT_USAGE, load_or_exit, print_problems


@app.command()
def validate(files: list[Path] = typer.Argument(..., help="scenario files, observed-outcomes files (kind: "
                                               "observed) or reference-class files (reference_version) to check")
             ) -> None:
    """Check scenario, observed-outcomes and reference-class files (and the milestone classes of a corpus folder,
    milestone_classes.yaml): one line per problem
    (file:line:col: field: message), exit 2 if any."""
    from ..api import validate as check_file
    from ..scenario import ScenarioError

    bad = 0
    for path in files:
        try:
            typer.echo(check_file(path).words(), nl=False)
        except ScenarioError as exc:
            bad += 1
            print_problems(exc)
    if bad:
        raise typer.Exit(EXIT_USAGE)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor autocompletion)."""
    from ..api_commands import schema as scenario_schema

    typer.echo(json.dumps(scenario_schema(), indent=2))


@app.command()
def migrate(scenario: Path = typer.Argument(..., help="a scenario file of schema version 1 or 2")) -> None:
    """Print an older scenario file in the current schema version, with the same meaning (comments are not kept).

    A version-2 file keeps what its version's defaults meant by stating them (a mediator's pressure felt on every
    decision of the pressed actor: ``dynamics.pressure_scope: actor``); delete that line to take version 3's."""
    from ..api_commands import migrate as to_current
    from ..scenario import ScenarioError

    try:
        migration = to_current(scenario)
    except ScenarioError as exc:
        print_problems(exc)
        raise typer.Exit(EXIT_USAGE) from None
    typer.echo(migration.yaml(), nl=False)


@app.command()
def params(scenario: Path = typer.Argument(..., help="scenario file"),
           as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """List the scenario's dotted parameter names, distributions and provenance."""
    loaded = load_or_exit(scenario)
    from ..api import params as parameter_rows

    parameters = parameter_rows(loaded)
    if as_json:
        typer.echo(parameters.to_json())
        return
    from .render import output_console

    parameters.print(output_console())


