"""``diplosim timelines validate``: check the outside-view dataset (``simulator/outside_view``)."""

from __future__ import annotations

from pathlib import Path

import typer

from . import app
from .common import EXIT_USAGE

timelines = typer.Typer(help="The outside-view dataset: dated, sourced negotiation milestones by class.",
                        no_args_is_help=True)
app.add_typer(timelines, name="timelines")


@timelines.command("validate")
def validate(folder: Path | None = typer.Argument(None, help="folder of timeline files (<id>.yaml); default: "
                                                  "the dataset shipped with diplosim")) -> None:
    """Check every timeline file: one line per problem (file:line:col: field: message), exit 2 if any; then a
    summary (negotiations, spells per class, negotiations per region, kind and decade, the dataset's targets)."""
    from ..outside_view.dataset import TIMELINES, check_folder, summary_lines

    good, problems = check_folder(folder)
    for problem in problems:
        typer.echo(str(problem), err=True)
    bad_files = len({p.file for p in problems})
    typer.echo(f"{folder or TIMELINES}: {len(good)} files valid, {bad_files} with problems")
    for line in summary_lines(good):
        typer.echo(line)
    if problems:
        raise typer.Exit(EXIT_USAGE)
