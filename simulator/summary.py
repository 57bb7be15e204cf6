"""Summaries of a run table: question probabilities with Wilson intervals, meeting dates, blockers.

Pure functions from Arrow tables to plain dicts (JSON-ready); the CLI renders
them with Rich and the charts read the same dicts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np

from .compiled import Compiled
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
    """Summary of a run table (one point, or all points pooled)."""
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
    blockers = blocking_reasons(events, n) if events is not None else {}
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


def blocking_reasons(events, n_runs: int, top: int = 5) -> dict[str, list[dict]]:
    """Per level: the most frequent (actor, reason) among blocked proposals.

    ``share`` is the fraction of that level's blocks; ``runs_share`` the fraction
    of runs in which the reason blocked it at least once.
    """
    import pyarrow.compute as pc

    blocked = events.filter(pc.equal(events.column("kind"), "blocked"))
    levels = blocked.column("level").to_pylist()
    actors = blocked.column("actor").to_pylist()
    details = blocked.column("detail").to_pylist()
    runs = list(zip(blocked.column("point").to_pylist(), blocked.column("replication").to_pylist()))
    counts: Counter = Counter()
    in_runs: dict[tuple, set] = {}
    totals: Counter = Counter()
    for level, actor, detail, run in zip(levels, actors, details, runs):
        counts[(level, actor, detail)] += 1
        totals[level] += 1
        in_runs.setdefault((level, actor, detail), set()).add(run)
    out: dict[str, list[dict]] = {}
    for (level, actor, detail), k in counts.most_common():
        rows = out.setdefault(level, [])
        if len(rows) < top:
            rows.append({"actor": actor or "-", "reason": detail, "count": k, "share": k / totals[level],
                         "runs_share": len(in_runs[(level, actor, detail)]) / n_runs if n_runs else None})
    return out
