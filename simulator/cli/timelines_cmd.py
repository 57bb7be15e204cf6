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
    from ..outside_view.corpus_classes import NAME, check_classes, read_classes
    from ..outside_view.dataset import CORPUS, TIMELINES, check_folder, summary_lines

    good, problems = check_folder(folder)
    for problem in problems:
        typer.echo(str(problem), err=True)
    bad_files = len({p.file for p in problems})
    typer.echo(f"{folder or TIMELINES}: {len(good)} files valid, {bad_files} with problems")
    for line in summary_lines(good):
        typer.echo(line)
    side = CORPUS / NAME  # the classes of the corpus scenarios' milestones (in a source checkout)
    if side.is_file():
        side_problems = check_classes(side)
        for problem in side_problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"{side}: " + (f"{len(side_problems)} problem(s)" if side_problems else
                                  f"valid ({sum(map(len, read_classes(side).values()))} corpus milestones classed)"))
        problems += side_problems
    if problems:
        raise typer.Exit(EXIT_USAGE)
