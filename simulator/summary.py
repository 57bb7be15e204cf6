"""Summaries of a run table: question probabilities with Wilson intervals, meeting dates, blockers.

Pure functions from Arrow tables to plain dicts (JSON-ready); the CLI renders
them with Rich and the charts read the same dicts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np

from .compiled import Compiled
from . import layout as L
from .lang.words import reason_text  # noqa: F401  (the one wording of block reasons; handed on for readers)
from .stats import wilson

EPOCH = dt.date(1970, 1, 1)


def _day_counts(table, column: str) -> tuple[Counter, int]:
    """Counts of each date (as days since 1970) in a date32 column, and the number of nulls."""
    days, nulls = L.to_numpy(table.column(column))
    valid = days if nulls is None else days[~nulls]
    values, counts = np.unique(valid, return_counts=True)
    return Counter(dict(zip(values.tolist(), counts.tolist()))), len(days) - len(valid)


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
    return L.to_numpy(table.column(column))[0]


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
        self.counts: dict[str, Counter] = {}
        self.winners: Counter = Counter()
        self.history = history_records(c)  # milestone -> how it happened before the calendar
        self.again: Counter = Counter()  # milestone from the history -> runs in which it happened within the calendar

    # ---- what a question's class asks of the accumulator (``tally`` / ``summarise`` on the question)
    def tally_dates(self, col: str, runs) -> None:
        counts, never = _day_counts(runs, col)
        self.dates.setdefault(col, Counter()).update(counts)
        self.never[col] += never

    def tally_date_question(self, q, runs) -> None:
        self.tally_dates(L.question(q.id), runs)

    def tally_yes(self, q, runs) -> None:
        self.yes[q.id] += int(np.asarray(_ints(runs, L.question(q.id)), dtype=bool).sum())

    def tally_counts(self, q, runs) -> None:
        values, freq = np.unique(_ints(runs, L.question(q.id)), return_counts=True)
        self.counts.setdefault(q.id, Counter()).update(dict(zip(values.tolist(), freq.tolist())))

    def yes_share(self, q) -> dict:
        return proportion(self.yes[q.id], self.n)

    def date_distribution(self, q) -> dict:
        return self._dated(L.question(q.id))

    def count_distribution(self, q) -> dict:
        return self._count(q.id)

    def add(self, runs) -> SummaryAccumulator:
        c = self.c
        self.n += runs.num_rows
        for m in c.milestones:
            self.tally_dates(L.first(m.id), runs)
        for q in c.questions:
            q.tally(self, runs)
        for m in c.milestones:
            self.sums[L.postponed(m.id)] += int(_ints(runs, L.postponed(m.id)).sum())
            counts = _ints(runs, L.count(m.id))
            self.sums[L.count(m.id)] += int(counts.sum())
            if m.id in self.history:
                self.again[m.id] += int((counts > self.history[m.id]["times"]).sum())
        for key in c.block_keys:
            values = _ints(runs, L.blocked(*key))
            self.sums[key] += int(values.sum())
            self.positive[key] += int((values > 0).sum())
        for e in c.elections:
            self.winners.update((e.id, w) for w in runs.column(L.winner(e.id)).to_pylist())
            self.winners[(e.id, "__runoff__")] += int((_ints(runs, L.rounds(e.id)) == 2).sum())
        return self

    def _dated(self, col: str) -> dict:
        counts, never = self.dates[col], self.never[col]
        entry = proportion(self.n - never, self.n)
        entry["p10"], entry["median"], entry["p90"] = quantiles_from_counts(counts, never)
        return entry

    def _within_calendar(self, mid: str) -> dict:
        """A milestone's first time within the calendar. One that happened in the history is reported as such
        (``history``), and its share is of runs in which it happens again within the calendar (the record keeps
        the first date ever, so the dates of repeats within the calendar are not known: None)."""
        rec = self.history.get(mid)
        if rec is None:
            return {**self._dated(L.first(mid)), "history": None}
        return {**proportion(self.again[mid], self.n), "p10": None, "median": None, "p90": None, "history": rec}

    def _count(self, qid: str) -> dict:
        dist = self.counts.get(qid, Counter())
        n = sum(dist.values())
        values = sorted(dist)
        cum = np.cumsum([dist[v] for v in values]) if values else np.array([])
        pick = lambda q: int(values[int(np.searchsorted(cum, n * q, side="left"))]) if n else None  # noqa: E731
        return {"n": n, "mean": (sum(v * f for v, f in dist.items()) / n) if n else None,
                "p10": pick(0.1), "median": pick(0.5), "p90": pick(0.9),
                "distribution": {int(v): int(dist[v]) for v in values}}

    def result(self) -> dict:
        c, n = self.c, self.n
        w = c.words
        out: dict = {"runs": n, "questions": [], "milestones": [], "concessions": [], "elections": []}
        for q in c.questions:
            out["questions"].append({"id": q.id, "text": q.text, "kind": q.kind_label, **q.summarise(self)})
        for m in c.milestones:
            entry = {"id": m.id, "name": w.name(m.id), "kind": m.kind, "track": m.track,
                     "track_name": w.name(m.track) if m.track else None, "repeat": m.repeat,
                     **self._within_calendar(m.id)}
            entry["postponed_mean"] = self.sums[L.postponed(m.id)] / n if n else None
            before = self.history[m.id]["times"] if m.id in self.history else 0
            entry["count_mean"] = self.sums[L.count(m.id)] / n - before if n else None  # within the calendar
            entry["blockers"] = self._blockers(m.id)
            out["milestones"].append(entry)
        for ladder, (_, stages) in c.ladders.items():
            out["concessions"].append({"id": ladder, "name": w.name(ladder), "stages": [
                {"stage": s, "name": w.name(f"{ladder}.{s}"), **self._within_calendar(f"{ladder}.{s}")}
                for s in stages[1:]]})
        for e in c.elections:
            out["elections"].append({
                "id": e.id, "name": e.name, "incumbent": e.incumbent, "challenger": e.challenger,
                "incumbent_name": w.name(e.incumbent), "challenger_name": w.name(e.challenger),
                "incumbent_wins": proportion(self.winners[(e.id, e.incumbent)], n),
                "challenger_wins": proportion(self.winners[(e.id, e.challenger)], n),
                "runoff": proportion(self.winners[(e.id, "__runoff__")], n),
            })
        return out

    def _blockers(self, milestone: str, top: int = 5) -> list[dict]:
        """The most frequent (actor, reason) blocking a milestone.

        ``share`` is the fraction of that milestone's blocks; ``runs_share`` the
        fraction of runs in which the reason blocked it at least once.
        """
        keys = [k for k in self.c.block_keys if k[0] == milestone and self.sums[k] > 0]
        total = sum(self.sums[k] for k in keys)
        keys.sort(key=lambda k: -self.sums[k])
        return [{"actor": who, "reason": reason, "text": reason_text(self.c, who, reason), "count": self.sums[k],
                 "share": self.sums[k] / total, "runs_share": self.positive[k] / self.n}
                for k in keys[:top] for (_, who, reason) in [k]]


def history_records(c: Compiled) -> dict[str, dict]:
    """Milestone id -> how it happened in the scenario's history (``History.record_of``), for those that did."""
    h = c.scenario.history
    if h is None:
        return {}
    recs = {m.id: h.record_of(m.id, c.scenario.calendar.start) for m in c.milestones}
    return {k: v for k, v in recs.items() if v is not None}


def with_fragile(summary: dict, fragile: dict | None) -> dict:
    """Put the fragile-forecast screen (``analysis.fragile``, kept in the manifest) into a summary: the whole
    screen under ``fragile``, and each question's flags under its own ``fragile`` (empty: not fragile)."""
    if not fragile:
        return summary
    summary["fragile"] = fragile
    by_id = {q["id"]: q for q in fragile.get("questions", [])}
    for q in summary["questions"]:
        if q["id"] in by_id:
            q["fragile"] = by_id[q["id"]]["flags"]
    return summary


def question_entries(c: Compiled, runs, questions=None) -> list[dict]:
    """The questions' entries (default: all of them) of the summary of ``runs`` (an Arrow table: a sweep's point,
    setting or bin), as ``summarize`` gives them, without the milestones' and elections' parts."""
    acc = SummaryAccumulator(c)
    acc.n = runs.num_rows
    chosen = c.questions if questions is None else questions
    for q in chosen:
        q.tally(acc, runs)
    return [{"id": q.id, "text": q.text, "kind": q.kind_label, **q.summarise(acc)} for q in chosen]


def summarize(runs, events, c: Compiled) -> dict:
    """Summary of a run table (one point, or all points pooled); ``events`` is not needed (kept for callers)."""
    return SummaryAccumulator(c).add(runs).result()


