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

``chance_within_due`` (instead of ``odds``) states the commitment as a chance within its due window: "the committed
step happens by its due day with chance p", once nothing blocks it (a gate, a precondition, a freeze, an absent
actor still does). While the commitment is in force (the steps that start after the committing step happened and
before the due day, while the committed step has not happened) the committed step's own chance in a step of ``s``
days is ``q = 1 - (1 - p) ** (s / W)``, ``W`` = ``within_days`` (a constant chance that gives ``p`` over the window,
as ``chance_within: {p, days: W}`` would): a unilateral step is taken with chance ``q``; a meeting or joint act is
put on the table by its first actor whenever it could happen and that actor accepts with chance ``q``, the others
for certain (as a class curve's pace is carried: scenario/class_defaults.py). The actors' rules and ``pace`` are not
asked then; a ``spread`` and ``pressure_odds`` move it as they move a ``pace``. When several such commitments to one
step are in force, the largest chance holds. A parameter ``<committer>.commits.<n>.chance_within_due`` (a chance in
[0, 1]: listed with its chance per week and per step, ``--set``, swept, screened by its odds). Or, from the outside
view, ``chance_within_due: {class: <class>}``: the share of the dataset's steps of that class that had happened
within ``W`` days of becoming possible (the class curve, as shipped: lang/class_curves.py, read as the class curve
pace reads it). The dataset records no due dates and no commitments, so this is how often such steps came that
soon, not a count of promises kept; ``params`` says so beside the number.
"""

from __future__ import annotations

import functools

import numpy as np
from pydantic import Field

from .base import Param, Strict
from .dates import NEVER
from .spell_classes import ClassName

#: the words beside a commitment's chance taken from a class curve (its provenance in ``params``)
CLASS_ORIGIN = ("The outside view: {share:.0%} of the dataset's steps of the class '{label}' ({name}) had happened "
                "within {days} days of becoming possible (its class curve, as shipped). The dataset records no due "
                "dates or commitments: this is how often such steps came that soon, not a count of promises kept.")


class FromClass(Strict):
    """``chance_within_due: {class: implementation_step}``: the commitment's chance within its due window read from
    a class curve of the outside view's dataset (the share of that class's steps that had happened within the window
    of becoming possible)."""

    class_: ClassName = Field(alias="class", description="a class of the outside view (docs/outside-view.md)")

    def curve(self):
        """The class's counted curve (days, chance), as shipped; None when the shipped curves do not fit the data
        here or the class has too few counted days."""
        from .class_curves import shipped

        curves = shipped(())
        curve = None if curves is None else curves.get(self.class_)
        return curve if curve is not None and len(curve[0]) >= 2 else None

    def share(self, days: int) -> float | None:
        """The class curve's chance within ``days`` (read as the class curve pace reads it: its cumulative hazard
        linear between the counted days, its last half-year's hazard past the last one)."""
        curve = self.curve()
        if curve is None:
            return None
        from .timeshape import ClassCurveShape

        shape = ClassCurveShape.model_validate({"class_curve": {"class": self.class_, "days": list(curve[0]),
                                                                "chance": list(curve[1])}})
        return float(-np.expm1(-shape.cumhaz(None, float(days))))

    def param(self, days: int) -> Param:
        """The number it stands for, as a parameter whose provenance says where it comes from."""
        return _class_param(self, days)


@functools.lru_cache(maxsize=256)
def _class_param(source: FromClass, days: int) -> Param:
    """A class's chance within ``days`` as a parameter (FromClass is frozen: one Param per class and window)."""
    from .spell_classes import CLASSES

    share = source.share(days)
    if share is None:  # refused by the check (commitments.check); a number meanwhile, never run
        return Param(value=0.0, assumption="No class curve is shipped for this class.")
    return Param(value=round(share, 12), assumption=CLASS_ORIGIN.format(
        share=share, label=CLASSES[source.class_].label, name=source.class_, days=days))


def due_chance(value):
    """A commitment's ``chance_within_due`` as written: a number in any form (a Param mapping) or ``{class: X}``;
    anything else is refused in one sentence (not once per form)."""
    from pydantic import ValidationError
    from pydantic_core import PydanticCustomError

    if isinstance(value, (Param, FromClass)) or value is None:
        return value
    if not isinstance(value, dict):
        raise PydanticCustomError("due_chance", "expected a mapping: a chance with its evidence or assumption "
                                  "({value: 0.7, assumption: ...}) or a class of the outside view ({class: ...})")
    try:
        return (FromClass if "class" in value else Param).model_validate(value)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        msg = first["msg"].removeprefix("Value error, ")
        raise PydanticCustomError("due_chance", f"{where}: {msg}" if where else msg) from None


def binding(sc):
    """(committing milestone, its position in the list, commitment) of every commitment that binds."""
    for m, _ in sc.all_milestones:
        for n, cm in enumerate(m.commits):
            if cm.binds:
                yield m, n, cm


def parameters(sc):
    """(name, Param, path) of each commitment's odds, ``<committer>.commits.<n>.odds``, and chance within its due
    window, ``<committer>.commits.<n>.chance_within_due`` (from a class: its curve's number)."""
    for m, path in sc.all_milestones:
        for n, cm in enumerate(m.commits):
            if cm.odds is not None:
                yield f"{m.id}.commits.{n}.odds", cm.odds, (*path, "commits", n, "odds")
            if cm.chance_within_due is not None:
                yield (f"{m.id}.commits.{n}.chance_within_due", cm.due_param(),
                       (*path, "commits", n, "chance_within_due"))


def odds_names(sc) -> set[str]:
    """The commitments' odds multipliers (their unit)."""
    return {name for name, _, path in parameters(sc) if path[-1] == "odds"}


def chance_names(sc) -> set[str]:
    """The commitments' chances within their due windows (chances: the screen moves their odds)."""
    return {name for name, _, path in parameters(sc) if path[-1] == "chance_within_due"}


def check(sc, ctx, in_range) -> None:
    """Each commitment's numbers: an odds multiplier not negative; a chance within [0, 1] (stated in another form
    it is refused by the units' check, scenario/semantics.py); a class with a shipped curve. ``in_range(path, param,
    low, high)`` checks and remembers a number's range."""
    from .estimable import given_field

    for m, path in sc.all_milestones:
        for n, cm in enumerate(m.commits):
            where = (*path, "commits", n)
            if cm.odds is not None:
                in_range((*where, "odds"), cm.odds, 0, 1000)
            due = cm.chance_within_due
            if isinstance(due, FromClass) and due.curve() is None:
                ctx.error((*where, "chance_within_due", "class"), f"no class curve of '{due.class_}' is shipped for "
                          "the data here: run `diplosim reference build`, or state the chance")
            elif due is not None and (isinstance(due, FromClass) or given_field(due) is None):
                in_range((*where, "chance_within_due"), cm.due_param(), 0, 1)


def estimable_words(sc) -> dict[str, str]:
    """Dotted name -> what each commitment's chance within its due window means per week and per step (``params``)."""
    def one(p, within):
        return f"{p:.0%} by the due day ({within} days), weekly chance {step_chance(p, 7, within):.1%}"

    out = {}
    for m, n, cm in binding(sc):
        if cm.chance_within_due is not None:
            lo, hi = cm.due_param().bounds
            words = one(lo, cm.within_days) if lo == hi else f"{one(lo, cm.within_days)} .. {one(hi, cm.within_days)}"
            out[f"{m.id}.commits.{n}.chance_within_due"] = words
    return out


def step_chance(p, step_days, within_days):
    """The chance in a step of ``step_days`` days that gives ``p`` over ``within_days`` days:
    ``1 - (1 - p) ** (step_days / within_days)`` (1 when p is 1)."""
    p = np.minimum(np.asarray(p, dtype=float), 1.0)
    with np.errstate(divide="ignore"):
        return -np.expm1(np.log1p(-p) * (step_days / within_days))


def parameter_label(dotted: str, c) -> str | None:
    """Words for a commitment's odds: "Odds factor on Prisoner exchange while Ceasefire's commitment is due"."""
    for m, n, cm in binding(c.scenario):
        if dotted == f"{m.id}.commits.{n}.odds":
            return (f"Odds factor on {c.words.name(cm.milestone)} while the commitment made with "
                    f"{c.words.name(m.id)} is due")
        if dotted == f"{m.id}.commits.{n}.chance_within_due":
            return (f"Chance that {c.words.name(cm.milestone)} comes by its due day, {cm.within_days} days after "
                    f"{c.words.name(m.id)}")
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
        self.chance: dict[int, list[tuple[int, int, int]]] = {}  # committed j -> [(committer j, column, days)]
        for m, n, cm in binding(c.scenario):
            j, jc = c.mi[cm.milestone], c.mi[m.id]
            self.breach.setdefault(j, []).append((jc, cm))
            if cm.odds is not None:
                self.odds.setdefault(j, []).append((jc, c.table.index[f"{m.id}.commits.{n}.odds"]))
            if cm.chance_within_due is not None:
                col = c.table.index[f"{m.id}.commits.{n}.chance_within_due"]
                self.chance.setdefault(j, []).append((jc, col, cm.within_days))
        self.any = bool(self.breach)
        self.due = bool(self.chance)  # a commitment stated as a chance within its due window

    def bound(self, st, j: int, k: int):
        """(runs where a commitment stated as a chance within its due window holds milestone j in step k, the chance
        in this step there), or None: ``1 - (1 - p) ** (s / W)``, the largest of those in force."""
        terms = self.chance.get(j)
        if not terms:
            return None
        day, s = int(self.c.days[k]), float(self.c.step_days)
        open_ = (st.count[:, j] == 0) & (day < st.due_day[:, j])
        on = np.zeros(st.n, bool)
        q = np.zeros(st.n)
        for jc, col, within in terms:
            mine = open_ & (st.first_day[:, jc] <= day)
            q = np.where(mine, np.maximum(q, step_chance(st.V[:, col], s, within)), q)
            on |= mine
        return (on, q) if on.any() else None

    def choose(self, st, j: int, pos: int, kind: str, mask, q, u, out):
        """The decisions ``out`` with those of the runs in ``mask`` (held by such a commitment) made by its chance
        ``q``: the first actor proposes for certain and accepts or acts with ``q``, the others accept for certain;
        compared with the slot's uniform (moved as a pace's is) at the slot's power undone, so a step of any length
        gets exactly ``q``."""
        rows = mask.nonzero()[0]
        if not len(rows):
            return out
        out = np.array(out, dtype=bool)  # a copy: a rule's answer is not written over
        if kind == "propose" or pos > 0:
            out[rows] = True
            return out
        m = self.c.milestones[j]
        slot = f"accept:{m.id}:{m.consenters()[pos]}" if m.proposable else f"act:{m.id}"
        qr = q[rows]
        powers = self.c.step_powers
        power = 1.0 if powers is None else float(powers[self.c.slot[slot]])
        if m.proposable:  # a step of several weekly rounds of offers asks the step's chance over its rounds
            power *= self.c.weeks_per_step
        if power != 1.0:
            with np.errstate(divide="ignore"):
                qr = -np.expm1(np.log1p(-np.minimum(qr, 1.0)) / power)
        out[rows] = u[rows] < qr
        return out

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
    """"; binding: odds x3 until due, 1 change(s) if it is breached" or "; binding: by its due day with chance 0.7"
    (``describe``: a number in words)."""
    parts = []
    if cm.odds is not None:
        form = cm.odds.estimable
        parts.append(f"{form.label() if form is not None else 'odds x' + describe(cm.odds)} until due")
    if isinstance(cm.chance_within_due, FromClass):
        parts.append(f"by its due day as often as the class '{cm.chance_within_due.class_}' came that soon "
                     f"({describe(cm.due_param())})")
    elif cm.chance_within_due is not None:
        parts.append(f"by its due day with chance {describe(cm.chance_within_due)}")
    if cm.on_breach:
        parts.append(f"{len(cm.on_breach)} change(s) if it is breached")
    return f"; binding: {', '.join(parts)}" if parts else ""
