"""Where a forecast and its writer's priors part: the paths and numbers that make the difference.

For each yes/no question with a ``prior:`` whose forecast differs from it by more than ``THRESHOLD`` (15 points),
the runs table says

* **paths**: for each milestone, the share of the runs answering "yes" in which it had happened by the end of the
  question's window, beside the share of the runs answering "no" (the milestones that carry the runs to "yes");
* **chances**: for each milestone the question names and each milestone on the way to it (its gate's
  prerequisites, and theirs), the gate in words, the share of runs in which the gate held within the window,
  how many steps on average the milestone was on the table (its gate held and it had not happened yet: the steps
  at which its chance was drawn again), the share of those steps in which it happened (the repeated chance, counted
  from the runs: happened / steps on the table), and what that chance gives when drawn again each step of the
  window its gate held, run by run (``1 - mean((1 - chance) ** steps open)``: what a constant chance would give,
  to set beside the share in which it happened); all over the runs in which it had not happened before the window
  (the share in which it had is said first); the author's own stated chances for it beside them
  (``MilestoneBase.table_words``) and the reasons that held it up most often (``explain.explain_level``).

A gate that reads what the runs table does not keep (how many times, in force, who is present) cannot be
re-evaluated from the records: its steps on the table are then counted as the steps before the milestone
happened, and the entry says so. Everything is counted from the runs given (no new runs).
"""

from __future__ import annotations

import numpy as np

from .. import layout as L

#: a forecast this far from its prior (a share: 0.15 = 15 points) is explained
THRESHOLD = 0.15


def explain_gap(c, runs, threshold: float = THRESHOLD) -> dict:
    """The priors gap of every yes/no question with a prior (``runs``: the runs table of a Monte Carlo of ``c``).

    Returns ``{"threshold", "unit", "questions": [...]}``; each question has ``forecast``, ``prior``, ``gap`` (the
    forecast minus the prior, a share) and ``explained``; an explained one also has ``paths``, ``chances`` and
    ``sentences`` (the same in words)."""
    from ..lang.words import step_words
    from .explain import RecordState, _days

    unit = step_words(c)
    out = {"threshold": threshold, "unit": unit.many, "questions": []}
    with_prior = [q for q in c.questions if getattr(q, "prior", None) is not None]
    if not with_prior or runs.num_rows == 0:
        return out
    first = {m.id: _days(runs, L.first(m.id)) for m in c.milestones}
    state = RecordState(c, runs)
    for q in with_prior:
        yes = np.asarray(q.happened(runs.column(L.question(q.id))), bool)
        p, prior = float(yes.mean()), float(q.prior.value)
        entry = {"id": q.id, "text": q.text, "forecast": p, "prior": prior, "gap": p - prior,
                 "explained": abs(p - prior) > threshold}
        if entry["explained"]:
            lo, hi = q.window(c)
            entry["window"] = {"from_day": lo, "to_day": hi}
            entry["paths"] = _paths(c, first, yes, hi)
            entry["chances"] = [{**_chance(c, state, first, m, lo, hi, unit), "held_up_by": _held_up(c, runs, m)}
                                for m in _on_the_way(c, q)]
            entry["sentences"] = _sentences(c, entry, unit)
        out["questions"].append(entry)
    return out


def _on_the_way(c, q) -> list[str]:
    """The milestones the question names, then those its gates require, and theirs (each once, in that order)."""
    order = [m for m, _ in q.subjects(c)]
    i = 0
    while i < len(order):
        gate = c.milestone[order[i]].requires if order[i] in c.milestone else None
        for m in (gate.milestones() if gate is not None else ()):
            if m in c.milestone and m not in order:
                order.append(m)
        i += 1
    return [m for m in order if m in c.milestone]


def _paths(c, first: dict, yes: np.ndarray, hi: int) -> list[dict]:
    """Each milestone with the share of yes-runs and of no-runs in which it had happened by day ``hi``; the
    milestones that happened in no run left out, the rest by share of yes-runs, largest first."""
    n_yes, n_no = int(yes.sum()), int((~yes).sum())
    rows = []
    for m in c.milestones:
        by = first[m.id] <= hi
        if not by.any():
            continue
        rows.append({"milestone": m.id, "name": c.words.name(m.id),
                     "share_of_yes": float(by[yes].mean()) if n_yes else None,
                     "share_of_no": float(by[~yes].mean()) if n_no else None})
    rows.sort(key=lambda r: -(r["share_of_yes"] or 0.0))
    return rows


def _chance(c, state, first: dict, m: str, lo: int, hi: int, unit) -> dict:
    """Milestone ``m`` within [lo, hi]: its gate, how often the gate held, the steps it spent on the table and the
    repeated chance counted from them."""
    ms = c.milestone[m]
    gate = ms.requires
    f = first[m]
    on_table = np.zeros(state.n, np.int64)  # steps its chance was drawn: gate held, not yet happened
    open_steps = np.zeros(state.n, np.int64)  # steps of the window its gate held
    gate_held = np.zeros(state.n, bool)
    gate_known = True
    for k in range(len(c.days)):
        if c.days[k] > hi or c.ends[k] < lo:
            continue
        waiting = f >= c.days[k]
        if gate is None:
            held = np.ones(state.n, bool)
        elif gate_known:
            try:
                held = np.asarray(gate.evaluate(state.at_step(k), int(c.ends[k])), bool)
            except AttributeError:  # the gate reads what the runs table does not keep
                gate_known, held = False, np.ones(state.n, bool)
        else:
            held = np.ones(state.n, bool)
        gate_held |= held
        open_steps += held
        on_table += held & waiting
    before = f < lo  # it had happened before the window opened: nothing to draw in it
    pending = ~before
    happened = pending & (f <= hi)
    steps = int(on_table[pending].sum())
    chance = float(happened.sum() / steps) if steps else None
    n = int(pending.sum())
    mean = (lambda x: float(x[pending].mean()) if n else None)
    return {"milestone": m, "name": c.words.name(m), "gate": None if gate is None else gate.label(c.words),
            "gate_known": gate_known, "before_share": float(before.mean()),
            "gate_held_share": mean(gate_held) if gate is not None else None,
            "steps_on_table_mean": mean(on_table), "steps_open_mean": mean(open_steps), "unit": unit.many,
            "chance_per_step": chance,
            # the chance drawn again each step its gate held, run by run: what a constant chance would give
            "compounded": None if chance is None or not n else float(1 - np.mean((1 - chance) **
                                                                                 open_steps[pending])),
            "happened_share": mean(happened), "stated": ms.table_words(c.words)}


def _held_up(c, runs, m: str, top: int = 2) -> list[dict]:
    """The reasons that held milestone ``m`` up most often over the calendar (``explain.explain_level``): its
    words and the share of runs it held it up at least once (those under half a percent of runs left out)."""
    from .explain import explain_level

    return [{"text": b["text"], "runs_share": b["runs_share"]}
            for b in explain_level(c, runs, None, m)["blocked_by"] if b["runs_share"] >= 0.005][:top]


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def _sentences(c, e: dict, unit) -> list[str]:
    """The explanation of one question in plain sentences."""
    direction = "above" if e["gap"] > 0 else "below"
    out = [(f"The forecast ({_pct(e['forecast'])}) is {abs(100 * e['gap']):.0f} points {direction} the writer's "
            f"prior ({_pct(e['prior'])}).")]
    carried = [r for r in e["paths"] if (r["share_of_yes"] or 0) >= 0.05][:6]
    if carried and e["forecast"] > 0:
        out.append("The runs answering yes passed through: " + "; ".join(
            f"{r['name']} ({_pct(r['share_of_yes'])} of yes-runs"
            + (f", {_pct(r['share_of_no'])} of no-runs)" if r["share_of_no"] is not None else ")")
            for r in carried) + (" (no run answered no)." if carried[0]["share_of_no"] is None else "."))
    for ch in e["chances"]:
        parts = []
        if ch["before_share"] == 1:
            out.append(f"{ch['name']}: it had happened before the question's window in every run.")
            continue
        if ch["before_share"] > 0:
            parts.append(f"it had happened before the question's window in {_pct(ch['before_share'])} of runs")
        if ch["gate"] is not None:
            parts.append(f"its gate ({ch['gate']}) held within the window in {_pct(ch['gate_held_share'])} of runs"
                         if ch["gate_known"] else f"its gate ({ch['gate']}) cannot be re-read from the records, so "
                         "every step before it happened is counted as on the table")
        if ch["chance_per_step"] is None:
            parts.append("it was never on the table within the window")
        else:
            parts.append(f"in a {unit.one} on the table it happened {100 * ch['chance_per_step']:.1f}% of the time "
                         f"(a chance drawn again each {unit.one}: {ch['steps_on_table_mean']:.1f} draws per run on "
                         f"average); its gate held {ch['steps_open_mean']:.1f} {unit.many} of the window on average, "
                         f"and that chance drawn each of those {unit.many} gives {_pct(ch['compounded'])} (it "
                         f"happened in {_pct(ch['happened_share'])} of "
                         + ("those runs)" if ch["before_share"] > 0 else "runs)"))
        if ch["held_up_by"]:
            parts.append("held up by " + ", ".join(f"{b['text']} (in {_pct(b['runs_share'])} of runs)"
                                                   for b in ch["held_up_by"]))
        if ch["stated"]:
            parts.append("as written: " + "; ".join(ch["stated"]))
        if ch["before_share"] > 0:
            parts[1] = "in the other runs, " + parts[1]
        out.append(f"{ch['name']}: " + "; ".join(parts) + ".")
    return out
