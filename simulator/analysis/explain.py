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
from ..summary import quantiles_from_counts, reason_text


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
                 "weeks_blocked_mean": float(counts.mean())}
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
            success_days = {key for key, kind, lv in zip(keys, kinds, lvls) if kind == "held" and lv == level}
            waived = Counter(detail for key, kind, lv, detail in zip(keys, kinds, lvls, details)
                             if kind == "waived" and lv == level and key in success_days)
            for pre, k in waived.items():
                preceded.append({"what": f"{pre} waived on the day (event-log sample of {len(success_days)} "
                                         "successes)", "share_of_successes": k / len(success_days)})
        preceded.sort(key=lambda p: -p["share_of_successes"])
    return {"level": level, "milestone": level, "name": c.words.name(level), "runs": n, "held_share": n_held / n if n else None, "blocked_by": blockers,
            "preceded_success": preceded}


def explain(c: Compiled, runs, events, question: str | None = None) -> dict:
    """Explanations for every level, or for the level behind one question."""
    if question is not None:
        q = next((q for q in c.questions if q.id == question), None)
        if q is None:
            raise ValueError(f"--question: unknown question '{question}' (known: "
                             f"{', '.join(q.id for q in c.questions)})")
        levels = [m for m in _subjects(q) if m in c.mi]  # a ladder's starting stage is no milestone
        if not levels:
            raise ValueError(f"--question: '{question}' names no milestone; explanations cover milestones")
    else:
        levels = [m.id for m in c.milestones]
    return {"levels": [explain_level(c, runs, events, lv) for lv in levels]}


def _subjects(q) -> list[str]:
    """The milestones a question is about."""
    from ..lang.conditions import walk

    if getattr(q, "date_of", None):
        return [q.date_of]
    if getattr(q, "count", None):
        return [q.count]
    when = getattr(q, "when", None)
    if when is None:
        return []
    return list(dict.fromkeys(m for cond in walk(when) for m in cond.milestones()))
