"""Paired comparison of two scenarios (or two what-ifs of one) on common random numbers.

Both variants run the same replications with the same root seed, so run r of
A and run r of B share their random draws wherever the draw layouts agree;
the difference of a question's answer is then a paired difference, whose
mean gets a t interval (scipy). With identical layouts the comparison is
exact CRN; otherwise the report says so.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .. import layout as L
from ..answers import ANSWERS
from ..compiled import Compiled
from ..runner import run_replications
from ..summary import SummaryAccumulator


def paired_interval(d: np.ndarray, confidence: float = 0.95) -> tuple[float, float]:
    """t interval for the mean of paired differences; degenerate (all equal) differences give a point."""
    from scipy import stats

    d = np.asarray(d, dtype=float)
    if len(d) < 2 or np.all(d == d[0]):
        return float(d.mean()), float(d.mean())
    ci = stats.ttest_1samp(d, 0.0).confidence_interval(confidence)
    return float(ci.low), float(ci.high)


def layouts(ca: Compiled, cb: Compiled) -> dict:
    """Do A and B share all their draws? Draws are keyed by name (``draws.py``), so order does not matter."""
    return {"step_draws": set(ca.slots) == set(cb.slots), "parameter_draws": set(ca.table.names) == set(cb.table.names),
            "calendar": ca.dates == cb.dates}


def _weeks_between(a: str | None, b: str | None) -> float | None:
    import datetime as dt

    if a is None or b is None:
        return None
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days / 7.0


def run_pair(ca: Compiled, cb: Compiled, runs: int, seed: int, overrides_a: Mapping[str, float] | None = None,
             overrides_b: Mapping[str, float] | None = None, engine: str = "auto"):
    """The run tables of both variants: same seed, same replications."""
    reps = list(range(runs))
    ta, _ = run_replications(ca, seed, reps, 0, overrides_a, engine=engine, events_for=0)
    tb, _ = run_replications(cb, seed, reps, 0, overrides_b, engine=engine, events_for=0)
    return ta, tb


def paired_differences(ca: Compiled, cb: Compiled, ta, tb) -> list[dict]:
    """Per question both variants ask (in A's order): the question (A's), the means of its per-run numbers in A
    and in B (``per_run``: 1/0 for yes/no, happened within the calendar for a date, the count for a count),
    the mean paired difference B - A with its 95% t interval, and the runs whose number changed. ``ta`` and
    ``tb`` must hold the same replications in the same order (``run_pair`` and ``run_replications`` give them
    so); ValueError otherwise. ``diplosim compare``, ``simulator.compare`` and the dashboard all use this."""
    reps_a, _ = L.to_numpy(ta.column("replication"))
    reps_b, _ = L.to_numpy(tb.column("replication"))
    if not np.array_equal(reps_a, reps_b):
        raise ValueError("the two variants did not run the same replications; no paired difference")
    b_by_id = {q.id: q for q in cb.questions}
    rows = []
    for q in ca.questions:
        if q.id not in b_by_id:
            continue
        col = L.question(q.id)
        ya, yb = q.per_run(ta.column(col)), b_by_id[q.id].per_run(tb.column(col))
        d = yb - ya
        low, high = paired_interval(d)
        rows.append({"question": q, "a": float(ya.mean()), "b": float(yb.mean()), "diff": float(d.mean()),
                     "low": low, "high": high, "runs_changed": int((d != 0).sum()),
                     # what this kind of answer adds (a date's shift of the median in days, with its interval)
                     **ANSWERS[q.answer_kind].paired_extra(ta.column(col), tb.column(col))})
    return rows



def compare(ca: Compiled, cb: Compiled, runs: int, seed: int, overrides_a: Mapping[str, float] | None = None,
            overrides_b: Mapping[str, float] | None = None, engine: str = "auto", tables=None) -> dict:
    """Paired comparison; ``tables`` = (A, B) run tables from ``run_pair`` if already computed."""
    ta, tb = tables or run_pair(ca, cb, runs, seed, overrides_a, overrides_b, engine)
    sa, sb = SummaryAccumulator(ca).add(ta).result(), SummaryAccumulator(cb).add(tb).result()
    rows = paired_differences(ca, cb, ta, tb)
    if not rows:
        raise ValueError("the two scenarios share no question id: nothing to compare")
    out = {"runs": runs, "seed": seed, "common_random_numbers": layouts(ca, cb), "questions": [], "milestones": []}
    by_id_a = {q["id"]: q for q in sa["questions"]}
    by_id_b = {q["id"]: q for q in sb["questions"]}
    for row in rows:
        q = row.pop("question")
        entry = {"id": q.id, "text": q.text, "kind": by_id_a[q.id]["kind"], **row}
        if q.is_date:
            entry["a_median"], entry["b_median"] = by_id_a[q.id]["median"], by_id_b[q.id]["median"]
            entry["median_shift_weeks"] = _weeks_between(entry["a_median"], entry["b_median"])
        out["questions"].append(entry)
    levels_b = {lv["id"]: lv for lv in sb["milestones"]}
    for lv in sa["milestones"]:
        other = levels_b.get(lv["id"])
        if other is None:
            continue
        out["milestones"].append({"id": lv["id"], "name": lv["name"], "a_p": lv["p"], "b_p": other["p"],
                              "a_median": lv["median"], "b_median": other["median"],
                              "median_shift_weeks": _weeks_between(lv["median"], other["median"])})
    return out
