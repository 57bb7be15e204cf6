"""``diplosim timelines validate``: check the outside-view dataset (``simulator/outside_view``)."""

from __future__ import annotations

from pathlib import Path

import typer

from .typer_app import app
from .common import EXIT_USAGE

timelines = typer.Typer(help="The outside-view dataset: dated, sourced negotiation milestones by class.",
                        no_args_is_help=True)
app.add_typer(timelines, name="timelines")


@timelines.command("validate")
def validate(folder: Path | None = typer.Argument(None, help="folder of timeline files (<id>.yaml); default: "
                                                  "the dataset shipped with diplosim")) -> None:
    """Check every timeline file: one line per problem (file:line:col: field: message), exit 2 if any; then a
    summary (negotiations, spells per class, negotiations per region, kind and decade, the dataset's targets); and
    the classes of the corpus scenarios' milestones (scenarios/milestone_classes.yaml), one line per problem."""
    from ..api_commands import timelines_validate

    check = timelines_validate(folder)
    for problem in check.problems:
        typer.echo(str(problem), err=True)
    lines = check.lines()
    for line in lines[:-1] if check.classes_file is not None else lines:
        typer.echo(line)
    if check.classes_file is not None:  # the classes of the corpus scenarios' milestones (in a source checkout)
        for problem in check.classes_problems:
            typer.echo(str(problem), err=True)
        typer.echo(lines[-1])
    if not check.ok:
        raise typer.Exit(EXIT_USAGE)
