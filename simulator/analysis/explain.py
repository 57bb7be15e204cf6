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
from ..outcome import block_column
from ..summary import quantiles_from_counts


def _col(table, name):
    return table.column(name).to_pylist()


def explain_level(c: Compiled, runs, events, level: str) -> dict:
    n = runs.num_rows
    first = _col(runs, f"first.{level}")
    held = [d is not None for d in first]
    blockers = []
    for key in (k for k in c.block_keys if k[0] == level):
        counts = np.asarray(runs.column(block_column(*key)).to_numpy(zero_copy_only=False))
        if counts.sum() == 0:
            continue
        entry = {"actor": key[1], "reason": key[2], "runs_share": float((counts > 0).mean()),
                 "weeks_blocked_mean": float(counts.mean())}
        if events is not None:
            days = Counter()
            for lv, who, detail, day in zip(_col(events, "level"), _col(events, "actor"), _col(events, "detail"),
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
        for ladder, (_, stages) in c.ladders.items():
            for s in stages[1:]:
                reached = _col(runs, f"reached.{ladder}.{s}")
                k = sum(1 for f, r in zip(first, reached) if f is not None and r is not None and r <= f)
                preceded.append({"what": f"{ladder} reached {s}", "share_of_successes": k / n_held})
        for other in c.level_order:
            if other == level:
                continue
            dates = _col(runs, f"first.{other}")
            k = sum(1 for f, o in zip(first, dates) if f is not None and o is not None and o <= f)
            if k:
                preceded.append({"what": f"{other} held", "share_of_successes": k / n_held})
        el = c.election
        if el is not None:
            k = sum(1 for f in first if f is not None and f >= el.round1)
            preceded.append({"what": "election round 1 already held", "share_of_successes": k / n_held})
        if events is not None:
            keys = list(zip(_col(events, "point"), _col(events, "replication"), _col(events, "step")))
            kinds, lvls, details = _col(events, "kind"), _col(events, "level"), _col(events, "detail")
            success_days = {key for key, kind, lv in zip(keys, kinds, lvls) if kind == "held" and lv == level}
            waived = Counter(detail for key, kind, lv, detail in zip(keys, kinds, lvls, details)
                             if kind == "waived" and lv == level and key in success_days)
            for pre, k in waived.items():
                preceded.append({"what": f"{pre} waived on the day (event-log sample of {len(success_days)} "
                                         "successes)", "share_of_successes": k / len(success_days)})
        preceded.sort(key=lambda p: -p["share_of_successes"])
    return {"level": level, "runs": n, "held_share": n_held / n if n else None, "blocked_by": blockers,
            "preceded_success": preceded}


def explain(c: Compiled, runs, events, question: str | None = None) -> dict:
    """Explanations for every level, or for the level behind one question."""
    if question is not None:
        q = next((q for q in c.questions if q.id == question), None)
        if q is None:
            raise ValueError(f"--question: unknown question '{question}' (known: "
                             f"{', '.join(q.id for q in c.questions)})")
        if q.meeting is None:
            raise ValueError(f"--question: '{question}' is not about a meeting; explanations cover meeting levels")
        levels = [q.meeting]
    else:
        levels = list(c.level_order)
    return {"levels": [explain_level(c, runs, events, lv) for lv in levels]}
