"""Scoring a scenario's forecasts against what happened: Brier and log scores, PIT of dated events.

Scores per yes/no question: Brier (p - o)^2 and log score ln(p) if it
happened, ln(1 - p) if not. A Monte Carlo estimate can be exactly 0 or 1, so
the log score uses p clipped to [1/(2N), 1 - 1/(2N)] for N runs (half a run).
Overall: mean scores, and skill against a 50% forecast and against the
questions' ``prior`` (the analyst's probability before modelling, where the
scenario gives one): skill = 1 - score_model / score_reference (Brier).
For a dated event, the PIT is the share of runs in which it had happened by
the observed date (runs where it never happens count as later).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from .. import layout as L
from ..compiled import Compiled
from ..runner import run_replications
from ..summary import SummaryAccumulator
from .observed import Observed


def brier(p: float, o: bool) -> float:
    return (p - float(o)) ** 2


def log_score(p: float, o: bool, runs: int) -> float:
    eps = 0.5 / runs
    p = min(max(p, eps), 1 - eps)
    return math.log(p if o else 1 - p)


def _share_by(table, column: str, when: dt.date) -> float:
    """Share of runs whose date in ``column`` is on or before ``when`` (none counts as later)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = table.column(column)
    hits = pc.fill_null(pc.less_equal(col, pa.scalar(when, pa.date32())), False)
    return float(np.asarray(hits.to_numpy(zero_copy_only=False), dtype=bool).mean())


def backtest(c: Compiled, observed: Observed, runs: int, seed: int, engine: str = "auto") -> dict:
    table, _ = run_replications(c, seed, list(range(runs)), 0, None, engine=engine, events_for=0)
    summary = SummaryAccumulator(c).add(table).result()
    forecasts = {q["id"]: q for q in summary["questions"]}
    questions = {q.id: q for q in c.questions}
    rows = []
    for o in observed.outcomes:
        q, f = questions[o.question], forecasts[o.question]
        happened = o.answer if q.answer_kind != "date" else o.date is not None
        row = {"question": q.id, "text": q.text, "forecast": f["p"], "low": f["low"], "high": f["high"],
               "observed": happened, "brier": brier(f["p"], happened), "log_score": log_score(f["p"], happened, runs),
               "source": o.source}
        if getattr(q, "prior", None) is not None:
            row["prior"] = q.prior.value
            row["prior_brier"] = brier(q.prior.value, happened)
        if q.answer_kind == "date" and o.date is not None:
            row["observed_date"] = o.date.isoformat()
            row["pit"] = _share_by(table, L.question(q.id), o.date)
        rows.append(row)
    events = [{"meeting": e.milestone, "milestone": e.milestone, "observed_date": e.date.isoformat(),
               "source": e.source, "pit": _share_by(table, L.first(e.milestone), e.date),
               "forecast_median": next(m["median"] for m in summary["milestones"] if m["id"] == e.milestone)}
              for e in observed.events]
    overall = {}
    if rows:
        b = float(np.mean([r["brier"] for r in rows]))
        overall = {"questions": len(rows), "brier": b, "log_score": float(np.mean([r["log_score"] for r in rows])),
                   "baseline_50_brier": 0.25, "baseline_50_log_score": math.log(0.5),
                   "skill_vs_50": 1 - b / 0.25}
        with_prior = [r for r in rows if "prior" in r]
        if with_prior:
            bm = float(np.mean([r["brier"] for r in with_prior]))
            bp = float(np.mean([r["prior_brier"] for r in with_prior]))
            overall.update({"questions_with_prior": len(with_prior), "brier_on_those": bm, "prior_brier": bp,
                            "skill_vs_prior": (1 - bm / bp) if bp > 0 else None})
    return {"runs": runs, "seed": seed, "questions": rows, "events": events, "overall": overall}
