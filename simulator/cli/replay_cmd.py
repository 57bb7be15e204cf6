"""``diplosim replay``: the observed history stepped through the scenario's own conditions (``outside_view.replay``)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from .typer_app import app
from .common import fail, print_problems
from .render import output_console
from ..lang.words import day as words_day


@app.command()
def replay(
    scenario: Path = typer.Argument(..., help="scenario file (its outcomes: <name>.observed.yaml beside it)"),
    observed: Path = typer.Option(None, "--observed", help="the observed-outcomes file (default: beside the "
                                  "scenario)"),
    as_json: bool = typer.Option(False, "--json"),
    out: Path = typer.Option(None, "--out", help="write the spells as Parquet (the outside-view dataset's columns)"),
) -> None:
    """When each milestone became possible, replaying what happened through the scenario's gates (requires, hard
    preconditions, actors present); with the day it happened, or the last day known without it. These are the
    corpus's spells for the outside-view dataset."""
    from ..api_commands import replay as run_replay
    from ..scenario import ScenarioError

    if out is not None:
        if out.suffix != ".parquet":
            fail(f"--out: '{out}' should be a .parquet file")
        if not out.parent.is_dir():
            fail(f"--out: directory '{out.parent}' does not exist")
    try:
        rep = run_replay(scenario, observed)
    except ScenarioError as exc:
        print_problems(exc)
        raise typer.Exit(2) from None
    except ValueError as exc:
        fail(str(exc))
    if out is not None:
        import pyarrow.parquet as pq

        pq.write_table(rep.to_arrow(), out)
        typer.echo(f"spells: {out} ({len(rep.spells)} rows)", err=True)
    if as_json:
        typer.echo(json.dumps(rep.as_dict(), indent=2))
        return
    _render(rep)


def _render(rep) -> None:
    from rich.table import Table

    from ..outside_view.classes import CLASSES

    con = output_console()
    t = Table(title=f"{rep.negotiation}: the observed history replayed through the scenario ({len(rep.spells)} "
              f"spells; last day known: {words_day(rep.censored_on)})", title_justify="left")
    for col, kw in (("milestone", {"ratio": 2}), ("kind", {}), ("possible from", {}), ("because", {"ratio": 3}),
                    ("happened", {}), ("days", {"justify": "right"})):
        t.add_column(col, **kw)
    day = lambda d: "-" if d is None else words_day(d)  # noqa: E731
    for m in rep.milestones:
        if m.status == "history":
            happened = f"{day(m.happened)} (before the scenario)"
        elif m.status == "unknown":
            happened = "unknown (not in the observed file)"
        elif m.status == "not happened":
            happened = f"not by {day(m.censored)}"
        else:
            happened = day(m.happened)
        if m.status == "history":
            possible = "-"
        elif m.possible is not None:
            possible = day(m.possible)
        else:
            possible = "its gate never held" if m.status == "happened" else f"not by {day(rep.censored_on)}"
        because = m.because + (" (the scenario does not say since when)" if m.since_start and m.because else "")
        kind = m.kind if m.class_ is None else f"{m.kind}: {CLASSES[m.class_].label}"  # its outside-view class
        t.add_row(m.name, kind, possible, because or "-", happened,
                  "-" if m.duration_days is None else str(m.duration_days))
    con.print(t)
    for line in rep.warnings:
        con.print(f"[yellow]warning[/yellow]: {line}")
    uncertain = [m for m in rep.milestones if m.uncertain and m.status != "history"]
    if uncertain:
        con.print("Uncertain: these gates read what the observed file does not record (taken as not having "
                  "happened):")
        for m in uncertain:
            con.print(f"  {m.name}: {'; '.join(m.uncertain)}")
    unknown = [m.name for m in rep.milestones if m.status == "unknown"]
    if unknown:
        con.print(f"Not spells (no observed outcome): {', '.join(unknown)}")
    history = [m.name for m in rep.milestones if m.status == "history"]
    if history:
        con.print(f"Not spells (happened before the scenario, in its history): {', '.join(history)}")
    for note in rep.notes:
        con.print(f"note: {note}")
