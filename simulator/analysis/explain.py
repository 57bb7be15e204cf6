"""Why meetings happened or not: blockers by actor and precondition, and what preceded success.

From a results directory: the runs table gives, for every level, the share of
runs in which each (actor, reason) blocked it at least once, and, among runs
where it was held, the share in which each concession stage had been reached
and the election had been decided before the meeting. The event logs (kept
for all runs with the Mesa engine, a sample with the batch engine) add when
the blocks happened and which soft preconditions were waived on the day of
success.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np

from ..compiled import Compiled
from .. import layout as L
from ..eventlog import BLOCKED, HELD, WAIVED
from ..lang.dates import NEVER, from_day
from ..lang.words import reason_text
from ..summary import quantiles_from_counts


def _col(table, name):
    return table.column(name).to_pylist()


def explain_level(c: Compiled, runs, events, level: str) -> dict:
    n = runs.num_rows
    first = _col(runs, L.first(level))
    held = [d is not None for d in first]
    blockers = []
    for key in (k for k in c.block_keys if k[0] == level):
        counts = np.asarray(runs.column(L.blocked(*key)).to_numpy(zero_copy_only=False))
        if counts.sum() == 0:
            continue
        entry = {"actor": key[1], "reason": key[2], "text": reason_text(c, key[1], key[2]), "runs_share": float((counts > 0).mean()),
                 "steps_blocked_mean": float(counts.mean())}
        if events is not None:
            days = Counter()
            for lv, who, detail, day in zip(_col(events, "milestone"), _col(events, "actor"), _col(events, "detail"),
                                            _col(events, "date")):
                if lv == level and (who or "-") == key[1] and detail == key[2]:
                    days[(day - dt.date(1970, 1, 1)).days] += 1
            if days:
                entry["when_10_50_90"] = quantiles_from_counts(days, 0)
        blockers.append(entry)
    blockers.sort(key=lambda b: -b["runs_share"])
    preceded = []
    n_held = sum(held)
    if n_held:
        w = c.words
        for other in c.milestones:
            if other.id == level:
                continue
            dates = _col(runs, L.first(other.id))
            k = sum(1 for f, o in zip(first, dates) if f is not None and o is not None and o <= f)
            if k:
                preceded.append({"what": f"{w.name(other.id)} had happened", "share_of_successes": k / n_held})
        for el in c.elections:
            k = sum(1 for f in first if f is not None and f >= el.round1)
            preceded.append({"what": f"round 1 of the {el.name} already held", "share_of_successes": k / n_held})
        if events is not None:
            keys = list(zip(_col(events, "point"), _col(events, "replication"), _col(events, "step")))
            kinds, lvls, details = _col(events, "kind"), _col(events, "milestone"), _col(events, "detail")
            kinds = np.asarray(kinds, dtype=object)
            held, waived_rows = HELD.mask(kinds), WAIVED.mask(kinds)
            success_days = {key for key, yes, lv in zip(keys, held, lvls) if yes and lv == level}
            waived = Counter(detail for key, yes, lv, detail in zip(keys, waived_rows, lvls, details)
                             if yes and lv == level and key in success_days)
            for pre, k in waived.items():
                preceded.append({"what": f"{pre} waived on the day (event-log sample of {len(success_days)} "
                                         "successes)", "share_of_successes": k / len(success_days)})
        preceded.sort(key=lambda p: -p["share_of_successes"])
    return {"level": level, "milestone": level, "name": c.words.name(level), "runs": n, "held_share": n_held / n if n else None, "blocked_by": blockers,
            "preceded_success": preceded}


def explain(c: Compiled, runs, events, question: str | None = None) -> dict:
    """Explanations for every milestone over the whole calendar, or of one question (``explain_question``)."""
    if question is None:
        return {"levels": [explain_level(c, runs, events, m.id) for m in c.milestones]}
    q = next((q for q in c.questions if q.id == question), None)
    if q is None:
        raise ValueError(f"--question: unknown question '{question}' (known: "
                         f"{', '.join(q.id for q in c.questions)})")
    return explain_question(c, runs, events, q)


def time_unit(c: Compiled) -> str:
    """What one step of the calendar is called, in the plural, for people ('weeks', 'days', '3-day steps')."""
    return c.words.step.many


def explain_question(c: Compiled, runs, events, q) -> dict:
    """One question explained: its window and answer (the run summary's, ``QuestionBase.summarise``), then each
    milestone its condition names (``QuestionBase.subjects``), wanted or unwanted (under ``not:``), with its gate,
    how long the runs waited for that gate within the window, and who held it up there, and why."""
    from ..summary import SummaryAccumulator, history_records

    w = c.words
    lo, hi = q.window(c)
    answer = q.summarise(SummaryAccumulator(c).add(runs))
    head = {"id": q.id, "text": q.text, "kind": q.kind_label, "asks": q.asks(w),
            "window": {"from": from_day(lo).isoformat(), "to": from_day(hi).isoformat()},
            "whole_calendar": lo <= c.min_day and hi >= c.max_day, "unit": time_unit(c),
            "answer": answer, "answer_text": q.answer_words(answer)}
    history = history_records(c)
    levels = []
    for m, wanted in q.subjects(c):
        entry = explain_level(c, runs, events, m)
        first = _days(runs, L.first(m))
        entry.update({"wanted": wanted, "polarity": "wanted" if wanted else "unwanted, under 'not:'",
                      "held_share": float((first <= hi).mean()) if len(first) else None,
                      "history": history.get(m, {}).get("text")})
        gate = c.milestone[m].requires
        entry["gate"] = None if gate is None else gate.label(w)
        entry["gate_wait"] = None if gate is None else _gate_wait(c, runs, first, gate, lo, hi)
        if not head["whole_calendar"]:
            entry["blocked_by"] = _blocked_within(c, events, m, lo, hi)
        levels.append(entry)
    return {"question": head, "levels": levels}


def _days(runs, column: str) -> np.ndarray:
    """Days since 1970 of a date column of the runs table, NEVER where null."""
    values, nulls = L.to_numpy(runs.column(column))
    values = values.astype(np.int64)
    return values if nulls is None else np.where(nulls, NEVER, values)


class RecordState:
    """The run state as the runs table tells it, as of the start of a step: first dates of milestones, the days
    events fired, election results. ``Condition.evaluate`` reads it like the engine's state; a condition that
    needs more (how many times, in force, presence, the last time) finds no such array (AttributeError)."""

    def __init__(self, c: Compiled, runs):
        self.c, self.n = c, runs.num_rows
        self._first = np.column_stack([_days(runs, L.first(m.id)) for m in c.milestones] or
                                      [np.zeros(self.n, np.int64)])
        self.fired_day = np.column_stack([_days(runs, L.fired(f)) for f in c.fired_ids] or
                                         [np.zeros(self.n, np.int64)])
        self.winner = np.full((self.n, len(c.elections)), -1, np.int8)
        self._winner_day = np.full((self.n, len(c.elections)), NEVER, np.int64)
        for g, e in enumerate(c.elections):
            names = runs.column(L.winner(e.id)).to_pylist()
            rounds = np.asarray(L.to_numpy(runs.column(L.rounds(e.id)))[0])
            self.winner[:, g] = [0 if x == e.incumbent else 1 if x == e.challenger else -1 for x in names]
            decided = self.winner[:, g] >= 0
            day = np.where(rounds == 2, c.to_day(e.runoff) if e.runoff else NEVER, c.to_day(e.round1))
            self._winner_day[:, g] = np.where(decided, day, NEVER)

    def at_step(self, k: int) -> RecordState:
        """What had been decided before step k: milestones and elections of step k itself come after its gates."""
        start = self.c.days[k]
        self.first_day = np.where(self._first < start, self._first, NEVER)
        self.winner_day = np.where(self._winner_day < start, self._winner_day, NEVER)
        return self


def _gate_wait(c: Compiled, runs, first, gate, lo: int, hi: int) -> dict:
    """Steps within [lo, hi] in which the milestone had not happened and its gate did not hold: the mean per
    run and the share of runs that waited at least one step; or why the runs table cannot tell."""
    rs = RecordState(c, runs)
    waited = np.zeros(rs.n, np.int64)
    for k in range(len(c.days)):
        if c.days[k] > hi or c.ends[k] < lo:
            continue
        try:
            closed = ~gate.evaluate(rs.at_step(k), int(c.ends[k]))
        except AttributeError:  # the gate reads what the runs table does not keep
            return {"unknown": "not known from the runs table (the gate asks how many times, whether something is "
                               "in force, who is present or when something last happened)"}
        waited += closed & (first >= c.days[k])
    return {"steps_mean": float(waited.mean()) if rs.n else None,
            "runs_share": float((waited > 0).mean()) if rs.n else None}


def _blocked_within(c: Compiled, events, m: str, lo: int, hi: int) -> list[dict]:
    """Who blocked milestone ``m`` within [lo, hi], from the event log (the runs table keeps whole-calendar
    counts only): share of logged runs and mean steps blocked per logged run."""
    if events is None or events.num_rows == 0:
        return []
    keys = list(zip(_col(events, "point"), _col(events, "replication")))
    logged = len(set(keys))
    per: dict[tuple, Counter] = {}
    blocked = BLOCKED.mask(np.asarray(_col(events, "kind"), dtype=object))
    for key, yes, lv, who, detail, day in zip(keys, blocked, _col(events, "milestone"), _col(events, "actor"),
                                              _col(events, "detail"), _col(events, "date")):
        d = (day - dt.date(1970, 1, 1)).days
        if yes and lv == m and lo <= d <= hi:
            per.setdefault((who or "-", detail), Counter())[key] += 1
    out = [{"actor": who, "reason": reason, "text": reason_text(c, who, reason),
            "runs_share": len(runs_hit) / logged, "steps_blocked_mean": sum(runs_hit.values()) / logged,
            "event_log_runs": logged}
           for (who, reason), runs_hit in per.items()]
    return sorted(out, key=lambda b: -b["runs_share"])
