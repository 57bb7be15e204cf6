"""Summaries of a run table: question probabilities with Wilson intervals, meeting dates, blockers.

Pure functions from Arrow tables to plain dicts (JSON-ready); the CLI renders
them with Rich and the charts read the same dicts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np

from .compiled import Compiled
from .outcome import block_column
from .stats import wilson

EPOCH = dt.date(1970, 1, 1)


def _days(table, column: str) -> np.ndarray:
    """A date32 column as float days since 1970, NaN for none."""
    import pyarrow as pa

    arr = table.column(column).cast(pa.int32()).to_numpy(zero_copy_only=False)
    return np.asarray(arr, dtype=float)


def _date(days: float) -> str | None:
    return None if not np.isfinite(days) else (EPOCH + dt.timedelta(days=int(days))).isoformat()


def date_quantiles(days: np.ndarray, qs=(0.1, 0.5, 0.9)) -> list[str | None]:
    """Quantiles over all runs, counting 'never' as later than any date (None = not within the calendar)."""
    if len(days) == 0:
        return [None for _ in qs]
    finite = np.where(np.isnan(days), np.inf, days)
    return [_date(np.quantile(finite, q, method="inverted_cdf")) for q in qs]


def proportion(yes: int, n: int) -> dict:
    low, high = wilson([yes], [n])
    return {"yes": int(yes), "n": int(n), "p": (yes / n) if n else None,
            "low": float(low[0]) if n else None, "high": float(high[0]) if n else None}


def summarize(runs, events, c: Compiled) -> dict:
    """Summary of a run table (one point, or all points pooled).

    Everything comes from the runs table; ``events`` is accepted for callers
    that have it but is not needed.
    """
    n = runs.num_rows
    sc = c.scenario
    out: dict = {"runs": n, "questions": [], "levels": [], "concessions": [], "election": None}
    for q in c.questions:
        col = f"q.{q.id}"
        if q.is_date:
            days = _days(runs, col)
            entry = {"id": q.id, "text": q.text, "kind": "date", **proportion(int(np.isfinite(days).sum()), n)}
            entry["p10"], entry["median"], entry["p90"] = date_quantiles(days)
        else:
            yes = int(np.asarray(runs.column(col).to_numpy(zero_copy_only=False), dtype=bool).sum())
            entry = {"id": q.id, "text": q.text, "kind": "yes/no", **proportion(yes, n)}
        out["questions"].append(entry)
    blockers = blocking_reasons(runs, c)
    names = {lv.id: lv.name for tr in sc.tracks for lv in tr.levels}
    for level in c.level_order:
        days = _days(runs, f"first.{level}")
        entry = {"id": level, "name": names[level], "track": c.levels[level].track,
                 **proportion(int(np.isfinite(days).sum()), n)}
        entry["p10"], entry["median"], entry["p90"] = date_quantiles(days)
        postponed = runs.column(f"postponed.{level}").to_numpy(zero_copy_only=False)
        entry["postponed_mean"] = float(np.mean(postponed)) if n else None
        entry["blockers"] = blockers.get(level, [])
        out["levels"].append(entry)
    for ladder, (_, stages) in c.ladders.items():
        entry = {"id": ladder, "stages": []}
        for s in stages[1:]:
            days = _days(runs, f"reached.{ladder}.{s}")
            st = {"stage": s, **proportion(int(np.isfinite(days).sum()), n)}
            st["p10"], st["median"], st["p90"] = date_quantiles(days)
            entry["stages"].append(st)
        out["concessions"].append(entry)
    if c.election is not None:
        winners = Counter(runs.column("election.winner").to_pylist())
        rounds = np.asarray(runs.column("election.rounds").to_numpy(zero_copy_only=False))
        out["election"] = {
            "incumbent": c.election.incumbent, "challenger": c.election.challenger,
            "incumbent_wins": proportion(winners.get(c.election.incumbent, 0), n),
            "challenger_wins": proportion(winners.get(c.election.challenger, 0), n),
            "runoff": proportion(int((rounds == 2).sum()), n),
        }
    return out


def blocking_reasons(runs, c: Compiled, top: int = 5) -> dict[str, list[dict]]:
    """Per level: the most frequent (actor, reason) among blocked proposals, from the runs' block counts.

    ``share`` is the fraction of that level's blocks; ``runs_share`` the fraction
    of runs in which the reason blocked it at least once.
    """
    n = runs.num_rows
    out: dict[str, list[dict]] = {}
    for level in c.level_order:
        keys = [k for k in c.block_keys if k[0] == level]
        counts = {k: np.asarray(runs.column(block_column(*k)).to_numpy(zero_copy_only=False)) for k in keys}
        total = sum(int(v.sum()) for v in counts.values())
        ranked = sorted(keys, key=lambda k: -int(counts[k].sum()))
        out[level] = [{"actor": who, "reason": reason, "count": int(counts[(level, who, reason)].sum()),
                       "share": int(counts[(level, who, reason)].sum()) / total,
                       "runs_share": float((counts[(level, who, reason)] > 0).mean()) if n else None}
                      for (_, who, reason) in ranked[:top] if counts[(level, who, reason)].sum() > 0]
    return out
