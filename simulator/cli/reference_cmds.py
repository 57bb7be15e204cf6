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


def _curves(exclude: list[str], seed: int, resamples: int, corpus: bool = True):
    """(class curves, published rates), or exit 2 with one line per problem."""
    from ..outside_view.curves import build_classes
    from ..outside_view.published import load_published
    from ..scenario import ScenarioError

    try:
        published = load_published()
        curves = build_classes(exclude, seed=seed, resamples=resamples, corpus=corpus)
    except ScenarioError as exc:
        print_problems(exc)
        raise typer.Exit(EXIT_USAGE) from None
    except ValueError as exc:
        fail(f"--exclude: {exc}")
    return curves, published


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
    from ..outside_view.curves import curves_document, to_arrow

    check_html_path(out, "--out")
    check_html_path(parquet, "--parquet")
    curves, published = _curves(exclude, seed, resamples, corpus)
    if out is not None:
        out.write_text(json.dumps(curves_document(curves, published), indent=2) + "\n", encoding="utf-8")
        typer.echo(f"class curves: {out}", err=True)
    if parquet is not None:
        import pyarrow.parquet as pq

        pq.write_table(to_arrow(curves), parquet)
        typer.echo(f"class curves (Parquet): {parquet}", err=True)
    if markdown:
        from ..outside_view.curves import markdown_table

        typer.echo(markdown_table(curves), nl=False)
        return
    render_classes(curves, output_console())
    from_corpus = sum(c.corpus_spells for c in curves.values())
    typer.echo(f"from the replays of the scenario corpus: {from_corpus} of the {sum(c.spells for c in curves.values())}"
               " spells" if corpus else "the replays of the scenario corpus are left out (--no-corpus)")


@reference.command("ship")
def ship() -> None:
    """Count the class curves a run reads (from the whole dataset, and without each corpus scenario's own
    negotiation) and write them into the package (simulator/lang/class_curves.json): run it after changing a
    timeline, a corpus scenario, its observed outcomes or the side file of classes."""
    from ..lang.class_curves import SHIPPED
    from ..outside_view.forecast import write_shipped

    doc = write_shipped()
    typer.echo(f"class curves: {SHIPPED} ({len(doc['curves'])} left-out sets, {len(doc['exclusions'])} corpus "
               "scenarios)", err=True)


@reference.command("show")
def show(name: str = typer.Argument(..., metavar="CLASS", help="a class of the dataset (diplosim reference build "
                                    "lists them)"),
         as_json: bool = typer.Option(False, "--json", help="print the class curve as JSON"),
         html_out: Path | None = typer.Option(None, "--html", help="also write the curve as a chart (HTML)"),
         exclude: list[str] = _EXCLUDE, seed: int = _SEED, resamples: int = _RESAMPLES,
         corpus: bool = _CORPUS) -> None:
    """One class: its chance within 7, 30, 90, 180 and 365 days with intervals, the spells and negotiations it
    rests on, how thin it is, and rates of published studies that speak to it."""
    from ..outside_view.classes import CLASSES

    if name not in CLASSES:
        fail(f"reference show: unknown class '{name}' (classes: {', '.join(CLASSES)})")
    check_html_path(html_out)
    curves, published = _curves(exclude, seed, resamples, corpus)
    curve = curves[name]
    mine = [p for p in published if p.class_ == name]
    if html_out is not None:
        from ..charts.outside_view import class_curves

        write_charts(html_out, f"diplosim reference show {name}", [("curve", curve.title(), class_curves([curve]))])
    if as_json:
        doc = curve.model_dump(mode="json")
        doc["published"] = [p.model_dump(mode="json", by_alias=True) for p in mine]
        typer.echo(json.dumps(doc, indent=2))
        return
    from ..outside_view.curves import counted_spells

    table, _ = counted_spells(exclude, corpus=corpus)
    curve.render(output_console(), table[table["class"] == name], mine)
