"""Commitments that bind (issue 22 item 7): a commitment raises the chance of the committed step until it is due,
and its breach has effects and is an event.

```yaml
milestones:
  - id: ceasefire
    ...
    commits:
      - milestone: prisoner_exchange
        within_days: 30
        odds: {odds_multiplier: 3, evidence: {source: un_2023, note: "..."}}   # or from_reference: <class>
        on_breach:
          - {param: b.flexibility, op: add, value: -0.2, assumption: "A broken promise hardens b."}
```

``commits`` (``lang.milestones.Commit``) already made the step due ``within_days`` after the committing step (record
columns ``due.<m>``, ``on_time.<m>``). A commitment **binds** when it states ``odds`` or ``on_breach``:

- ``odds``: from the day the committing step happens until the due day (while the committed step has not happened),
  every decision about the committed step (proposing, accepting, taking it; its ``pace`` or its actors' rules
  alike) has its odds multiplied by this number (``u' = u / (u + f (1 - u))`` on the decision's uniform, as a
  ``spread`` moves it: lang/worlds.py). A parameter ``<committer>.commits.<n>.odds`` (an odds multiplier:
  listed, ``--set``, swept, screened), in any form of a number, or ``from_reference`` (a reference class of
  compliance, scenarios/reference/).
- a **breach**: the due day passes without the committed step. It is an event ``breached`` (the log says "X
  broke its commitment to Y", dated the due day) and a record column ``breached.<m>`` (the due day, or empty),
  and it applies the commitment's ``on_breach`` changes (any parameter change: ``set``/``add``/``odds``, a
  number in any form, ``fades``) at the end of the step that holds the due day.

A commitment that states neither keeps its old meaning exactly (no event, no column, no parameter).
"""

from __future__ import annotations

import numpy as np

from .dates import NEVER


def binding(sc):
    """(committing milestone, its position in the list, commitment) of every commitment that binds."""
    for m, _ in sc.all_milestones:
        for n, cm in enumerate(m.commits):
            if cm.binds:
                yield m, n, cm


def parameters(sc):
    """(name, Param, path) of each commitment's odds, ``<committer>.commits.<n>.odds``."""
    for m, path in sc.all_milestones:
        for n, cm in enumerate(m.commits):
            if cm.odds is not None:
                yield f"{m.id}.commits.{n}.odds", cm.odds, (*path, "commits", n, "odds")


def parameter_label(dotted: str, c) -> str | None:
    """Words for a commitment's odds: "Odds factor on Prisoner exchange while Ceasefire's commitment is due"."""
    for m, n, cm in binding(c.scenario):
        if dotted == f"{m.id}.commits.{n}.odds":
            return (f"Odds factor on {c.words.name(cm.milestone)} while the commitment made with "
                    f"{c.words.name(m.id)} is due")
    return None


def breached(milestone: str) -> str:
    """The record column of a commitment's breach."""
    return f"breached.{milestone}"


class Binding:
    """The run-time part: the odds on the committed steps' decisions, and breaches (kernel hooks)."""

    def __init__(self, c):
        self.c = c
        self.odds: dict[int, list[tuple[int, int]]] = {}  # committed j -> [(committer j, odds column)]
        self.breach: dict[int, list] = {}  # committed j -> [(committer j, commitment)]
        for m, n, cm in binding(c.scenario):
            j, jc = c.mi[cm.milestone], c.mi[m.id]
            self.breach.setdefault(j, []).append((jc, cm))
            if cm.odds is not None:
                self.odds.setdefault(j, []).append((jc, c.table.index[f"{m.id}.commits.{n}.odds"]))
        self.any = bool(self.breach)

    def slot(self, st, j: int, u, k: int):
        """The uniforms of a decision on milestone j, moved by the odds of the commitments to it in force."""
        terms = self.odds.get(j)
        if not terms:
            return u
        from .worlds import OddsSlot

        day = int(self.c.days[k])
        open_ = (st.count[:, j] == 0) & (day < st.due_day[:, j])  # the steps that start before the due day
        f = np.ones(st.n)
        for jc, col in terms:
            on = open_ & (st.first_day[:, jc] <= day)
            f = np.where(on, f * st.V[:, col], f)
        return OddsSlot(u, f)

    def advance(self, kr, st, k: int) -> None:
        """At the end of step k: the commitments whose due day has passed without the step are breached."""
        if getattr(st, "breach_day", None) is None:
            st.breach_day = np.full((st.n, len(self.c.milestones)), NEVER, np.int64, order="F")
        end = int(self.c.ends[k])
        for j, items in self.breach.items():
            due = st.due_day[:, j]
            now = (st.breach_day[:, j] == NEVER) & (due <= end) & (st.first_day[:, j] > due)
            if not now.any():
                continue
            st.breach_day[now, j] = due[now]
            m = self.c.milestones[j]
            for jc, cm in items:
                mine = now & (st.first_day[:, jc] < NEVER)
                if mine.any():
                    kr.log("breached", mine, milestone=m.id, detail=self.c.milestones[jc].id,
                           day=np.where(mine, due, NEVER))
                    kr.apply(st, mine, cm.on_breach)

    def column(self, st, j):
        bd = getattr(st, "breach_day", None)
        return np.full(st.n, NEVER, np.int64) if bd is None else bd[:, j]


def words(cm, describe) -> str:
    """"; binding: odds x3 until due, 1 change(s) if it is breached" (``describe``: a number in words)."""
    parts = []
    if cm.odds is not None:
        form = cm.odds.estimable
        parts.append(f"{form.label() if form is not None else 'odds x' + describe(cm.odds)} until due")
    if cm.on_breach:
        parts.append(f"{len(cm.on_breach)} change(s) if it is breached")
    return f"; binding: {', '.join(parts)}" if parts else ""
