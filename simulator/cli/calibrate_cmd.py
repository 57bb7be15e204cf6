"""``diplosim calibrate CORPUS``: fit the model's global constants to what happened in past negotiations."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from .typer_app import app
from .common import EXIT_USAGE, fail, print_problems


def _fmt(x) -> str:
    return "-" if x is None else f"{x:.4f}"


@app.command()
def calibrate(
    corpus: Path = typer.Argument(..., help="directory of <name>.yaml scenarios with <name>.observed.yaml outcomes"),
    out: Path = typer.Option(Path("calibration.yaml"), "--out", "-o", help="calibration file to write (.yaml/.json)"),
    fit: str = typer.Option("", "--fit", help="constants to fit, comma-separated (default: every one that acts on "
                            "some parameter of the corpus)"),
    runs: int = typer.Option(200, "--runs", "-n", min=10, help="runs per negotiation and candidate"),
    seed: int = typer.Option(1, "--seed", "-s", min=0),
    bootstrap: int = typer.Option(30, "--bootstrap", min=0, help="bootstrap refits for the intervals"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Fit global constants (odds of proposals and concessions, the logistic's sharpness, ...) by mean Brier +
    CRPS, with leave-one-negotiation-out cross-validation; write a calibration file (`defaults: FILE`)."""
    import time

    from ..api_commands import calibrate as run_calibration
    from ..scenario import ScenarioError
    from ..scenario.constants import CONSTANTS

    t0 = time.perf_counter()
    say = None if as_json else (lambda m: typer.echo(f"[{time.perf_counter() - t0:6.1f} s] {m}", err=True))
    try:
        cal = run_calibration(corpus, fit=fit.split(","), runs=runs, seed=seed, bootstrap=bootstrap, progress=say)
    except ScenarioError as exc:
        print_problems(exc)
        raise typer.Exit(EXIT_USAGE) from None
    except ValueError as exc:
        fail(str(exc))
    cal.write(out)
    data = cal.to_dict()
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"Calibration on {len(cal.negotiations)} negotiations ({corpus})")
    for col in ("", "Brier (yes/no)", "CRPS (dates)", "score"):
        t.add_column(col)
    for label, s in cal.scores():
        t.add_row(label, _fmt(s.mean_brier), _fmt(s.mean_crps), _fmt(s.total))
    c = Table(title="Fitted constants (1 = as the scenarios are written)")
    for col in ("constant", "value", "90% interval (bootstrap)", "what it does"):
        c.add_column(col)
    for k in cal.fitted:
        iv = cal.intervals.get(k)
        c.add_row(k, f"{cal.constants[k]:.3g}", "-" if not iv else f"{iv[0]:.3g} .. {iv[1]:.3g}", CONSTANTS[k].words)
    con = Console()
    con.print(t)
    con.print(c)
    con.print(f"wrote {out}; name it in a scenario with `defaults: {out.name}`")
