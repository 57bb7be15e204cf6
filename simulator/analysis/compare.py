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
    return {"step_draws": ca.slots == cb.slots, "parameter_draws": ca.table.names == cb.table.names,
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


def compare(ca: Compiled, cb: Compiled, runs: int, seed: int, overrides_a: Mapping[str, float] | None = None,
            overrides_b: Mapping[str, float] | None = None, engine: str = "auto", tables=None) -> dict:
    """Paired comparison; ``tables`` = (A, B) run tables from ``run_pair`` if already computed."""
    ta, tb = tables or run_pair(ca, cb, runs, seed, overrides_a, overrides_b, engine)
    sa, sb = SummaryAccumulator(ca).add(ta).result(), SummaryAccumulator(cb).add(tb).result()
    shared = [q for q in ca.questions if any(q.id == other.id for other in cb.questions)]
    if not shared:
        raise ValueError("the two scenarios share no question id: nothing to compare")
    out = {"runs": runs, "seed": seed, "common_random_numbers": layouts(ca, cb), "questions": [], "milestones": []}
    by_id_a = {q["id"]: q for q in sa["questions"]}
    by_id_b = {q["id"]: q for q in sb["questions"]}
    for q in shared:
        col = L.question(q.id)
        ya, yb = q.per_run(ta.column(col)), q.per_run(tb.column(col))
        d = yb - ya
        low, high = paired_interval(d)
        entry = {"id": q.id, "text": q.text, "kind": by_id_a[q.id]["kind"],
                 "a": float(ya.mean()), "b": float(yb.mean()), "diff": float(d.mean()), "low": low, "high": high,
                 "runs_changed": int((d != 0).sum())}
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
