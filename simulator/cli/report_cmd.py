"""``diplosim report``: one self-contained HTML file of charts for a results directory."""

from __future__ import annotations

from pathlib import Path

import typer

from .typer_app import app
from .common import check_html_path, fail, results_or_exit


def check_report_path(path: Path, option: str) -> None:
    """Refuse an output path we could not write, before any work is done."""
    check_html_path(path, option)


def check_png_dir(path: Path) -> None:
    if path.exists() and not path.is_dir():
        fail(f"--png: '{path}' exists and is not a directory")


@app.command()
def report(
    results: Path = typer.Argument(..., help="results directory written by `diplosim run --out` or `diplosim sweep`"),
    output: Path = typer.Option(..., "--output", "-o", help="HTML file to write"),
    png: Path = typer.Option(None, "--png", help="also write one PNG per chart into this directory (needs kaleido "
                                                 "and a system Chromium)"),
) -> None:
    """Write one self-contained HTML report (opens offline): scenario, evidence, questions and all charts that apply."""
    check_report_path(output, "--output")
    if png is not None:
        check_png_dir(png)
    from ..api import html_report as make_report
    from ..report import ReportError

    done = make_report(results_or_exit(results), output)
    typer.echo(f"report: {output} ({done.charts} charts, {len(done.page) / 1e6:.1f} MB)", err=True)
    if png is not None:
        try:
            files = done.export_pngs(png)
        except ReportError as exc:
            fail(str(exc))
        typer.echo(f"png: {len(files)} images in {png}", err=True)


def report_after_run(path: Path, *, out: Path | None, compiled, loaded, seed: int, extra: dict,
                     kept: list[tuple]) -> None:
    """``diplosim run --report``: from the results directory when there is one, else from the chunks kept in memory."""
    from ..report import Results, build_report, write_report

    if out is not None:
        res = results_or_exit(out)
    else:
        import pyarrow as pa

        from ..store import base_manifest

        manifest = base_manifest("montecarlo", loaded, compiled, seed, extra)
        runs = pa.concat_tables([table for table, _ in kept])
        events = pa.concat_tables([ev for _, ev in kept])
        res = Results(runs, events, None, manifest, compiled)
    page, sections = build_report(res)
    write_report(page, path)
    typer.echo(f"report: {path} ({len([s for s in sections if s.figure is not None])} charts)", err=True)
