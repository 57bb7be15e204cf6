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


def _day_counts(table, column: str) -> tuple[Counter, int]:
    """Counts of each date (as days since 1970) in a date32 column, and the number of nulls."""
    import pyarrow as pa

    col = table.column(column).cast(pa.int32())
    valid = col.drop_null().to_numpy(zero_copy_only=False)
    values, counts = np.unique(valid, return_counts=True)
    return Counter(dict(zip(values.tolist(), counts.tolist()))), len(col) - len(valid)


def _date(days: float) -> str | None:
    return None if not np.isfinite(days) else (EPOCH + dt.timedelta(days=int(days))).isoformat()


def quantiles_from_counts(counts: Counter, never: int, qs=(0.1, 0.5, 0.9)) -> list[str | None]:
    """Quantiles over all runs, 'never' counted as later than any date (None = not within the calendar).

    Same definition as ``numpy.quantile(method="inverted_cdf")``: the smallest
    value whose cumulative count reaches n * q. Exact, from counts, so a
    summary needs memory for the distinct dates only, not for every run.
    """
    n = sum(counts.values()) + never
    if n == 0:
        return [None for _ in qs]
    values = sorted(counts)
    cum = np.cumsum([counts[v] for v in values] + [never])
    keys = [float(v) for v in values] + [np.inf]
    return [_date(keys[int(np.searchsorted(cum, n * q, side="left"))]) for q in qs]


def proportion(yes: int, n: int) -> dict:
    low, high = wilson([yes], [n])
    return {"yes": int(yes), "n": int(n), "p": (yes / n) if n else None,
            "low": float(low[0]) if n else None, "high": float(high[0]) if n else None}


def _ints(table, column: str) -> np.ndarray:
    return np.asarray(table.column(column).to_numpy(zero_copy_only=False))


class SummaryAccumulator:
    """Exact summary statistics accumulated chunk by chunk (memory does not grow with the number of runs)."""

    def __init__(self, c: Compiled):
        self.c = c
        self.n = 0
        self.dates: dict[str, Counter] = {}
        self.never: Counter = Counter()
        self.yes: Counter = Counter()
        self.sums: Counter = Counter()
        self.positive: Counter = Counter()
        self.winners: Counter = Counter()

    def _date_columns(self):
        c = self.c
        cols = [f"first.{lv}" for lv in c.level_order]
        cols += [f"reached.{lad}.{s}" for lad, (_, stages) in c.ladders.items() for s in stages[1:]]
        return cols + [f"q.{q.id}" for q in c.questions if q.is_date]

    def add(self, runs) -> SummaryAccumulator:
        c = self.c
        self.n += runs.num_rows
        for col in self._date_columns():
            counts, never = _day_counts(runs, col)
            self.dates.setdefault(col, Counter()).update(counts)
            self.never[col] += never
        for q in c.questions:
            if not q.is_date:
                self.yes[q.id] += int(np.asarray(_ints(runs, f"q.{q.id}"), dtype=bool).sum())
        for lv in c.level_order:
            self.sums[f"postponed.{lv}"] += int(_ints(runs, f"postponed.{lv}").sum())
        for key in c.block_keys:
            values = _ints(runs, block_column(*key))
            self.sums[key] += int(values.sum())
            self.positive[key] += int((values > 0).sum())
        if c.election is not None:
            self.winners.update(runs.column("election.winner").to_pylist())
            self.winners["__runoff__"] += int((_ints(runs, "election.rounds") == 2).sum())
        return self

    def _dated(self, col: str) -> dict:
        counts, never = self.dates[col], self.never[col]
        entry = proportion(self.n - never, self.n)
        entry["p10"], entry["median"], entry["p90"] = quantiles_from_counts(counts, never)
        return entry

    def result(self) -> dict:
        c, n = self.c, self.n
        sc = c.scenario
        out: dict = {"runs": n, "questions": [], "levels": [], "concessions": [], "election": None}
        for q in c.questions:
            if q.is_date:
                out["questions"].append({"id": q.id, "text": q.text, "kind": "date", **self._dated(f"q.{q.id}")})
            else:
                out["questions"].append({"id": q.id, "text": q.text, "kind": "yes/no", **proportion(self.yes[q.id], n)})
        names = {lv.id: lv.name for tr in sc.tracks for lv in tr.levels}
        for lv in c.level_order:
            entry = {"id": lv, "name": names[lv], "track": c.levels[lv].track, **self._dated(f"first.{lv}")}
            entry["postponed_mean"] = self.sums[f"postponed.{lv}"] / n if n else None
            entry["blockers"] = self._blockers(lv)
            out["levels"].append(entry)
        for ladder, (_, stages) in c.ladders.items():
            out["concessions"].append({"id": ladder, "stages": [
                {"stage": s, **self._dated(f"reached.{ladder}.{s}")} for s in stages[1:]]})
        if c.election is not None:
            el = c.election
            out["election"] = {
                "incumbent": el.incumbent, "challenger": el.challenger,
                "incumbent_wins": proportion(self.winners[el.incumbent], n),
                "challenger_wins": proportion(self.winners[el.challenger], n),
                "runoff": proportion(self.winners["__runoff__"], n),
            }
        return out

    def _blockers(self, level: str, top: int = 5) -> list[dict]:
        """The most frequent (actor, reason) blocking a level.

        ``share`` is the fraction of that level's blocks; ``runs_share`` the
        fraction of runs in which the reason blocked it at least once.
        """
        keys = [k for k in self.c.block_keys if k[0] == level and self.sums[k] > 0]
        total = sum(self.sums[k] for k in keys)
        keys.sort(key=lambda k: -self.sums[k])
        return [{"actor": who, "reason": reason, "count": self.sums[k], "share": self.sums[k] / total,
                 "runs_share": self.positive[k] / self.n} for k in keys[:top] for (_, who, reason) in [k]]


def summarize(runs, events, c: Compiled) -> dict:
    """Summary of a run table (one point, or all points pooled); ``events`` is not needed (kept for callers)."""
    return SummaryAccumulator(c).add(runs).result()


