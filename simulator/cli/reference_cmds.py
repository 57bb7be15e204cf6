"""``diplosim reference build`` and ``diplosim reference show``: the reference classes counted from the outside-view
dataset (``simulator/outside_view/curves.py``). Not the older reference-class files of ``scenarios/reference/``
(``from_reference:``), which ``diplosim validate`` checks."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from .typer_app import app
from .common import EXIT_USAGE, check_html_path, fail, print_problems, write_charts
from .render import output_console

reference = typer.Typer(help="Reference classes counted from the outside-view dataset: how often and how soon each "
                        "kind of step happened once possible.", no_args_is_help=True)
app.add_typer(reference, name="reference")

_EXCLUDE = typer.Option([], "--exclude", help="leave this negotiation out (its timeline's id; repeatable)")
_SEED = typer.Option(0, "--seed", "-s", min=0, help="seed of the resampling")
_RESAMPLES = typer.Option(1000, "--resamples", min=10, help="resamples of the negotiations for the intervals")
_CORPUS = typer.Option(True, "--corpus/--no-corpus", help="count the spells of the scenario corpus's replays "
                       "(diplosim replay) with the timelines' (blind scenarios and the leave-out list never)")


def _call(function, *args, **kwargs):
    """The API's answer, or exit 2 with one line per problem (a bad dataset file) or one line (a bad option)."""
    from ..scenario import ScenarioError

    try:
        return function(*args, **kwargs)
    except ScenarioError as exc:
        print_problems(exc)
        raise typer.Exit(EXIT_USAGE) from None
    except ValueError as exc:
        fail(str(exc))


def render_classes(curves: dict, console) -> None:
    """Every class in one table: chance within each horizon with its interval, and what it rests on."""
    from rich.table import Table

    from ..outside_view.curves import HORIZONS

    t = Table(title="Chance a step has happened within N days of becoming possible (95% interval)",
              title_justify="left")
    t.add_column("kind of step")
    for d in HORIZONS:
        t.add_column(f"{d} days", justify="right")
    for col in ("spells", "happened", "censored", "negotiations", "how thin"):
        t.add_column(col, justify="right" if col != "how thin" else "left")
    for c in curves.values():
        t.add_row(*c.table_row(), c.thinness().split(":")[0])
    console.print(t)


@reference.command("build")
def build(exclude: list[str] = _EXCLUDE,
          out: Path | None = typer.Option(None, "--out", "-o", help="write the class curves as JSON to this file"),
          parquet: Path | None = typer.Option(None, "--parquet", help="also write them as Parquet (one row per "
                                              "class and day)"),
          markdown: bool = typer.Option(False, "--markdown", help="print the table as Markdown (as in "
                                        "docs/outside-view.md)"),
          seed: int = _SEED, resamples: int = _RESAMPLES, corpus: bool = _CORPUS) -> None:
    """Count every class from the dataset: Kaplan–Meier chance within 7, 30, 90, 180 and 365 days of becoming
    possible, with 95% intervals from resampling negotiations, and the spells and negotiations behind it."""
    from ..api_commands import reference_build

    check_html_path(out, "--out")
    check_html_path(parquet, "--parquet")
    curves = _call(reference_build, exclude, seed=seed, resamples=resamples, corpus=corpus)
    if out is not None:
        out.write_text(json.dumps(curves.document(), indent=2) + "\n", encoding="utf-8")
        typer.echo(f"class curves: {out}", err=True)
    if parquet is not None:
        import pyarrow.parquet as pq

        pq.write_table(curves.to_arrow(), parquet)
        typer.echo(f"class curves (Parquet): {parquet}", err=True)
    if markdown:
        typer.echo(curves.markdown(), nl=False)
        return
    render_classes(curves.curves, output_console())
    typer.echo(curves.source_line())


@reference.command("ship")
def ship() -> None:
    """Count the class curves a run reads (from the whole dataset, and without each corpus scenario's own
    negotiation) and write them into the package (simulator/lang/class_curves.json): run it after changing a
    timeline, a corpus scenario, its observed outcomes or the side file of classes."""
    from ..api_commands import reference_ship

    typer.echo(_call(reference_ship).line(), err=True)


@reference.command("show")
def show(name: str = typer.Argument(..., metavar="CLASS", help="a class of the dataset (diplosim reference build "
                                    "lists them)"),
         as_json: bool = typer.Option(False, "--json", help="print the class curve as JSON"),
         html_out: Path | None = typer.Option(None, "--html", help="also write the curve as a chart (HTML)"),
         exclude: list[str] = _EXCLUDE, seed: int = _SEED, resamples: int = _RESAMPLES,
         corpus: bool = _CORPUS) -> None:
    """One class: its chance within 7, 30, 90, 180 and 365 days with intervals, the spells and negotiations it
    rests on, how thin it is, and rates of published studies that speak to it."""
    from ..api_commands import reference_show

    check_html_path(html_out)
    detail = _call(reference_show, name, exclude=exclude, seed=seed, resamples=resamples, corpus=corpus)
    if html_out is not None:
        write_charts(html_out, f"diplosim reference show {name}", [("curve", detail.curve.title(), detail.figure())])
    if as_json:
        typer.echo(json.dumps(detail.to_dict(), indent=2))
        return
    detail.render(output_console())
