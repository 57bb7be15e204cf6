"""``diplosim calibrate CORPUS``: fit the model's global constants to what happened in past negotiations."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from .typer_app import app
from .common import fail


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
    from ..scenario.constants import CONSTANTS
    from ..analysis.calibrate import calibrate as run_calibration
    from ..analysis.calibrate import load_corpus, relevant_constants, write_calibration
    from ..scenario import ScenarioError

    if not corpus.is_dir():
        fail(f"{corpus}: not a directory")
    try:
        negs = load_corpus(corpus)
    except ScenarioError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(2) from None
    except ValueError as exc:
        fail(str(exc))
    names = [n.strip() for n in fit.split(",") if n.strip()] or relevant_constants(negs)
    for n in names:
        if n not in CONSTANTS:
            fail(f"--fit: unknown constant '{n}' (known: {', '.join(CONSTANTS)})")
    if not names:
        fail("no constant acts on any parameter of the corpus")
    import time

    t0 = time.perf_counter()
    say = (lambda m: None) if as_json else (lambda m: typer.echo(f"[{time.perf_counter() - t0:6.1f} s] {m}", err=True))
    say(f"{len(negs)} negotiations, fitting {', '.join(names)} with {runs} runs each (seed {seed})")
    cal = run_calibration(negs, names, runs=runs, seed=seed, bootstrap=bootstrap, progress=say)
    scores = {"before": {"in_sample": cal.before_in.as_dict(), "out_of_sample": cal.before_out.as_dict()},
              "after": {"in_sample": cal.after_in.as_dict(), "out_of_sample": cal.after_out.as_dict()},
              "folds": cal.folds}
    data = {
        "constants": cal.constants, "fitted": cal.fit, "intervals": cal.intervals,
        "score": "pooled mean Brier of yes/no questions + pooled mean CRPS of dates (fraction of the calendar)",
        "corpus": {"path": str(corpus), "negotiations": [
            {"name": n.name, "scenario_hash": n.scenario_hash, "observed_sha256": n.observed_sha256} for n in negs]},
        "runs": runs, "seed": seed, "scores": scores,
        "method": {"search": "coordinate search on a log2 lattice (best neighbour), steps 1 and 1/2, from the neutral constants",
                   "cross_validation": "leave one negotiation out",
                   "intervals": f"5th-95th percentile of {bootstrap} bootstrap refits over negotiations",
                   "candidates_run": cal.evaluations},
    }
    write_calibration(out, data)
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"Calibration on {len(negs)} negotiations ({corpus})")
    for col in ("", "Brier (yes/no)", "CRPS (dates)", "score"):
        t.add_column(col)
    for label, s in (("before, in-sample", cal.before_in), ("after, in-sample", cal.after_in),
                     ("before, out-of-sample", cal.before_out),
                     ("after, out-of-sample (leave one out)", cal.after_out)):
        t.add_row(label, _fmt(s.mean_brier), _fmt(s.mean_crps), _fmt(s.total))
    c = Table(title="Fitted constants (1 = as the scenarios are written)")
    for col in ("constant", "value", "90% interval (bootstrap)", "what it does"):
        c.add_column(col)
    for k in cal.fit:
        iv = cal.intervals.get(k)
        c.add_row(k, f"{cal.constants[k]:.3g}", "-" if not iv else f"{iv[0]:.3g} .. {iv[1]:.3g}", CONSTANTS[k].words)
    con = Console()
    con.print(t)
    con.print(c)
    con.print(f"wrote {out}; name it in a scenario with `defaults: {out.name}`")
