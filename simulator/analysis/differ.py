"""Why two variants' answers differ: the Compare tab's "why they differ" (issue 25 item 14), in words.

Two variants (two scenarios, or a scenario and a what-if of it) ran the same replications with the same seed
(``analysis.compare``), so their runs are paired. ``explain_difference`` reads both runs tables and says

* **milestones**: each milestone with the share of runs in which it happened within the calendar in A and in B,
  the paired difference B - A with its 95% interval, its gate in words in each (the gates differ when the two
  scenarios word them differently), and whether it differs (the interval leaves out 0, the gates differ, or it is
  in one variant only);
* **questions**: each shared question, its paired difference in words (``Answer.difference_words``), whether it
  differs by more than its interval (the 95% interval of the difference leaves out 0; for a date question, that
  of its median's shift too), and for one that does, sentences of why: for each milestone it reads and each
  milestone on the way to it (``gap._on_the_way``: its gates' prerequisites, and theirs), what differs between
  A and B among how often it happened within the question's window, how often its gate held, the chance it was
  taken in a step on the table (``gap._chance``), its median first date, and the reasons that held it up
  (``gap._held_up``). Only what differs by ``NOTABLE`` (2 points) or more is said. Time words follow the step.

Everything is counted from the runs given (no new runs).
"""

from __future__ import annotations

import numpy as np

from .. import layout as L

#: a share that moves by this much (0.02 = 2 points) between A and B is said
NOTABLE = 0.02


def explain_difference(ca, cb, ta, tb, rows: list[dict] | None = None, names: tuple[str, str] = ("A", "B")) -> dict:
    """Why B's answers differ from A's (``ta``, ``tb``: their runs tables, the same replications in the same order;
    ``rows``: their ``compare.paired_differences``, computed here if not given; ``names``: what the variants are
    called in the sentences).

    Returns ``{"unit", "names", "milestones": [...], "questions": [...]}``: each milestone ``id``, ``name``, ``a``,
    ``b`` (shares of runs in which it happened within the calendar, None where the variant has no such milestone),
    ``diff``, ``low``, ``high`` (B - A, paired, 95%), ``a_median``, ``b_median`` (median first dates, None after
    the calendar's end), ``shift_days``, ``shift_low``, ``shift_high`` (the median's paired shift), ``gate_a``,
    ``gate_b`` (in words, None without a gate), ``only_in`` (None, or the one variant that has it) and
    ``differs``; each question ``id``, ``text``, ``change`` (its difference in words), ``differs`` and
    ``sentences`` (empty unless it differs)."""
    from ..answers import ANSWERS
    from ..lang.words import step_words
    from .compare import paired_differences

    if rows is None:
        rows = paired_differences(ca, cb, ta, tb)
    unit = step_words(cb)
    side = {"a": _Side(ca, ta), "b": _Side(cb, tb)}
    out = {"unit": unit.many, "names": list(names), "milestones": [], "questions": []}
    ids = [m.id for m in ca.milestones] + [m.id for m in cb.milestones if m.id not in ca.milestone]
    for m in ids:
        out["milestones"].append(_milestone(m, side["a"], side["b"], names))
    by_id = {e["id"]: e for e in out["milestones"]}
    questions_b = {q.id: q for q in cb.questions}
    for row in rows:
        qa = row["question"]
        qb = questions_b[qa.id]
        answer = ANSWERS[qa.answer_kind]
        differs = _differs(row)
        entry = {"id": qa.id, "text": qa.text.strip(), "change": answer.difference_words(row), "differs": differs,
                 "sentences": []}
        if differs:
            a_cell, b_cell = answer.paired_cells(row)[:2]
            entry["sentences"] = ([f"{names[1]} against {names[0]}: {entry['change']} ({names[1]} {b_cell}, "
                                   f"{names[0]} {a_cell})."]
                                  + _why(qa, qb, side, by_id, unit, names))
        out["questions"].append(entry)
    return out


def _differs(row: dict) -> bool:
    """Does a paired row differ by more than its interval (the interval of B - A leaves out 0; for a date, that of
    the median's shift too)?"""
    if row["low"] > 0 or row["high"] < 0:
        return True
    low, high = row.get("shift_low"), row.get("shift_high")
    return (low is not None and low > 0) or (high is not None and high < 0)


class _Side:
    """One variant's runs as the explanations read them: the first day of every milestone (NEVER: not within the
    calendar), the run state as the records tell it, and who held each milestone up."""

    def __init__(self, c, runs):
        from .explain import RecordState, _days

        self.c, self.runs = c, runs
        self.first = {m.id: _days(runs, L.first(m.id)) for m in c.milestones}
        self.state = RecordState(c, runs)
        self._blocked: dict[str, dict[str, float]] = {}

    def has(self, m: str) -> bool:
        return m in self.c.milestone

    def gate(self, m: str) -> str | None:
        ms = self.c.milestone.get(m)
        return None if ms is None or ms.requires is None else ms.requires.label(self.c.words)

    def happened(self, m: str) -> np.ndarray:
        from ..lang.dates import NEVER

        return (self.first[m] < NEVER).astype(float)

    def days(self, m: str) -> np.ndarray:
        """First days as floats, ``inf`` where it did not happen within the calendar (``stats.median_shift_days``)."""
        from ..lang.dates import NEVER

        return np.where(self.first[m] < NEVER, self.first[m].astype(float), np.inf)

    def chance(self, m: str, lo: int, hi: int, unit) -> dict:
        """``gap._chance`` of ``m`` in the window [lo, hi], with the share of runs in which it happened by ``hi``."""
        from .gap import _chance

        return {**_chance(self.c, self.state, self.first, m, lo, hi, unit),
                "by_end": float((self.first[m] <= hi).mean())}

    def blocked(self, m: str) -> dict[str, float]:
        """Each reason that held ``m`` up (its words) and the share of runs it held it up at least once
        (``explain.explain_level``), most often first."""
        from .explain import explain_level

        if m not in self._blocked:
            self._blocked[m] = {b["text"]: b["runs_share"]
                                for b in explain_level(self.c, self.runs, None, m)["blocked_by"]}
        return self._blocked[m]


def _milestone(m: str, a: _Side, b: _Side, names: tuple[str, str]) -> dict:
    """One milestone in both variants: how often it happened, its median date and its gate, and whether it differs."""
    from ..lang.dates import from_day
    from ..stats import median_shift_days
    from .compare import paired_interval

    ina, inb = a.has(m), b.has(m)
    entry = {"id": m, "name": (a if ina else b).c.words.name(m), "a": None, "b": None, "diff": None, "low": None,
             "high": None, "a_median": None, "b_median": None, "shift_days": None, "shift_low": None,
             "shift_high": None, "gate_a": a.gate(m), "gate_b": b.gate(m),
             "only_in": None if ina and inb else names[0] if ina else names[1]}
    for key, s, there in (("a", a, ina), ("b", b, inb)):
        if there:
            entry[key] = float(s.happened(m).mean())
            median = np.median(s.days(m))
            entry[f"{key}_median"] = from_day(int(median)) if np.isfinite(median) else None
    if ina and inb:
        import warnings

        d = b.happened(m) - a.happened(m)
        low, high = paired_interval(d)
        with warnings.catch_warnings():  # resamples in which every run has the same date: no spread, no interval
            warnings.simplefilter("ignore")
            shift = median_shift_days(a.days(m), b.days(m))
        entry.update(diff=float(d.mean()), low=low, high=high, **shift)
    entry["differs"] = bool(entry["only_in"] is not None or entry["gate_a"] != entry["gate_b"]
                            or (entry["low"] is not None and _differs(entry)))
    return entry


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def _why(qa, qb, side: dict, milestones: dict, unit, names: tuple[str, str]) -> list[str]:
    """Per milestone on the way to the question in either variant, a sentence of what differs between them."""
    from .gap import _on_the_way

    a, b = side["a"], side["b"]
    na, nb = names
    first = _on_the_way(a.c, qa)
    order = first + [m for m in _on_the_way(b.c, qb) if m not in first]
    win = {"a": qa.window(a.c), "b": qb.window(b.c)}
    whole = all(lo <= s.c.min_day and hi >= s.c.max_day for (lo, hi), s in ((win["a"], a), (win["b"], b)))
    where = "within the calendar" if whole else "within the question's window"
    if not order:
        reads = "who wins an election" if qa.actors(a.c) else "something other than the milestones"
        return [f"It reads no milestone but {reads}, so no milestone explains it: the difference comes from the "
                f"settings that differ between {na} and {nb}."]
    out = []
    for m in order:
        ms = milestones[m]
        if ms["only_in"] is not None:
            out.append(f"{ms['name']} is a milestone of {ms['only_in']} only.")
            continue
        ch_a, ch_b = a.chance(m, *win["a"], unit), b.chance(m, *win["b"], unit)
        parts = []
        if abs(ch_b["by_end"] - ch_a["by_end"]) >= NOTABLE:
            parts.append(f"it happened {where} in {_pct(ch_a['by_end'])} of {na}'s runs and {_pct(ch_b['by_end'])} "
                         f"of {nb}'s")
        if (ms["shift_low"] is not None and ms["shift_low"] > 0) or (ms["shift_high"] is not None
                                                                     and ms["shift_high"] < 0):
            parts.append(f"its median date is {_date(ms['a_median'])} in {na} and {_date(ms['b_median'])} in {nb}")
        if ms["gate_a"] != ms["gate_b"]:
            parts.append(f"its gate is {_gate(ms['gate_a'])} in {na} and {_gate(ms['gate_b'])} in {nb}")
        elif (ms["gate_a"] is not None and ch_a["gate_known"] and ch_b["gate_known"]
              and abs(ch_b["gate_held_share"] - ch_a["gate_held_share"]) >= NOTABLE):
            parts.append(f"its gate ({ms['gate_a']}) held {where} in {_pct(ch_a['gate_held_share'])} of {na}'s runs "
                         f"and {_pct(ch_b['gate_held_share'])} of {nb}'s")
        parts += _chance_words(ch_a, ch_b, unit, na, nb)
        parts += _held_up_words(a.blocked(m), b.blocked(m), na, nb)
        if parts:
            out.append(f"{ms['name']}: " + "; ".join(parts) + ".")
    if not out:
        out.append(f"None of the milestones it reads differs by {100 * NOTABLE:.0f} points or more between {na} and "
                   f"{nb}: the difference is in how the runs combine them.")
    return out


def _chance_words(a: dict, b: dict, unit, na: str, nb: str) -> list[str]:
    """The chance the milestone was taken in a step on the table, when it differs (by 2 points, or by a fifth of
    the larger)."""
    pa, pb = a["chance_per_step"], b["chance_per_step"]
    if pa is None and pb is None:
        return []
    if pa is None or pb is None:
        never, other, p = (na, nb, pb) if pa is None else (nb, na, pa)
        return [f"it was never on the table in {never}; in {other}, in a {unit.one} on the table it "
                f"happened {100 * p:.1f}% of the time"]
    if abs(pb - pa) < NOTABLE and abs(pb - pa) < 0.2 * max(pa, pb):
        return []
    return [f"in a {unit.one} on the table it happened {100 * pa:.1f}% of the time in {na} and {100 * pb:.1f}% in "
            f"{nb} (on the table {a['steps_on_table_mean']:.1f} and {b['steps_on_table_mean']:.1f} {unit.many} per "
            "run on average)"]


TOP = 2  # the reasons said per variant: those that held the milestone up most often


def _held_up_words(a: dict[str, float], b: dict[str, float], na: str, nb: str) -> list[str]:
    """The reasons that held it up most often in either variant (``TOP`` each), when their shares differ."""
    said = []
    for text in list(a)[:TOP] + [t for t in list(b)[:TOP] if t not in list(a)[:TOP]]:
        x, y = a.get(text, 0.0), b.get(text, 0.0)
        if abs(y - x) >= NOTABLE:
            said.append(f"{text} in {_pct(x)} of {na}'s runs and {_pct(y)} of {nb}'s")
    return ["held up at least once: " + ", ".join(said)] if said else []


def _gate(gate: str | None) -> str:
    return "none" if gate is None else f"'{gate}'"


def _date(d) -> str:
    """A median date in the page's words ('3 May 2023'; None: 'after the calendar ends'), as the answers say it."""
    from ..answers import date_range

    return date_range({"median": None if d is None else d.isoformat(), "p10": None})[0]
