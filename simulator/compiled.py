"""A validated scenario turned into index tables, computed once and shared by every run.

This is where the fixed *draw layout* is defined: a run consumes ``n_params``
parameter uniforms and an ``(n_steps, n_slots)`` matrix of step uniforms whose
named columns are listed in ``slots`` (see ``draws.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .lang.words import Words
from .lang.dates import NEVER, to_day
from .lang.estimable import WEEK as _WEEK
from .lang.pace import DECLINED
from .rules import DEFAULT_RULE, get_rule
from .scenario.params import ParameterTable, deciders
from .scenario.schema import Scenario
from .scenario.semantics import fixed_dates, parameter_ranges


WEEK_DAYS = int(_WEEK)  # the model's chances are weekly; a step is calendar.step_days days


@dataclass(frozen=True)
class PreconditionInfo:
    id: str
    holder: str
    before: str
    kind: str  # "hard" | "soft"
    requires: object  # a condition
    hard: bool  # it gates its milestone until it holds (``HardOrSoft.hard``)
    waivable: bool  # its holder can be talked out of it (``HardOrSoft.waivable``)
    waiver: object = None  # how: a threshold of pressure, or how long it resists (``lang.base.Waiver``)


@dataclass(frozen=True)
class MediationInfo:
    mediator: str
    rule: str
    pushes: tuple  # ((goal milestone, condition or None), ...)
    deadline: object  # a date reference or None


@dataclass
class Compiled:
    scenario: Scenario
    table: ParameterTable = field(init=False)

    def __post_init__(self):
        from .scenario.class_defaults import own_defaults

        sc = self.scenario = own_defaults(self.scenario)  # classed in its own file, no pace: its class curve
        self.table = ParameterTable(sc, owner=self)
        cal = sc.calendar
        step = dt.timedelta(days=cal.step_days)
        self.dates: list[dt.date] = []
        d = cal.start
        while d <= cal.end:
            self.dates.append(d)
            d += step
        self.step_days = cal.step_days
        self.days = np.array([to_day(d) for d in self.dates], dtype=np.int64)
        self.ends = np.minimum(self.days + self.step_days - 1, to_day(cal.end))
        self.min_day, self.max_day = to_day(cal.start), to_day(cal.end)
        self.never = NEVER
        self._fixed = {k: (to_day(v) if v is not None else None) for k, v in fixed_dates(sc).items()}
        # ---- actors
        self.actors = [a.id for a in sc.actors]
        self.ai = {a: i for i, a in enumerate(self.actors)}
        self.deciders = deciders(sc)
        self.parties = self.deciders  # actors with a party-type decision rule
        self.party_rule = {a: sc.actor(a).rule or DEFAULT_RULE["party"] for a in self.deciders}
        # ---- milestones
        self.milestones = [m for m, _ in sc.all_milestones]
        self.milestone = {m.id: m for m in self.milestones}
        self.mi = {m.id: j for j, m in enumerate(self.milestones)}
        self.ladders = {lad.id: (lad.actor, tuple(s.id for s in lad.stages)) for lad in sc.concessions}
        self.tracks = {tr.id: tuple(lv.id for lv in tr.levels) for tr in sc.tracks}
        self.prereqs = {m.id: [p for p in m.prerequisites() if p in self.mi] for m in self.milestones}
        self.commit_due = {}  # milestone -> [(committing milestone, days)]
        from .lang.commitments import binding as _binding

        self.breach_cols = {}  # committed j -> RunState -> its breach days (a commitment that binds)
        for _m, _n, _cm in _binding(sc):
            _j = self.mi[_cm.milestone]
            self.breach_cols[_j] = (lambda st, j=_j: st.breach_day[:, j] if getattr(st, "breach_day", None)
                                    is not None else np.full(st.n, NEVER, np.int64))
        for m in self.milestones:
            for cm in m.commits:
                self.commit_due.setdefault(cm.milestone, []).append((m.id, cm.within_days))
        # ---- things that fire: dated events, shocks, occasions
        self.fired_ids = [e.id for e in cal.events] + [s.id for s in cal.shocks] + [o.id for o in cal.occasions]
        self.fired_ids += [h.event for h in sc.history_only_events]
        self.fired_ids += [r for m in self.milestones if m.outcome is not None for r in m.outcome.event_ids(m.id)]
        self.fi = {e: i for i, e in enumerate(self.fired_ids)}
        self.shock_index = {s.id: i for i, s in enumerate(cal.shocks)}
        self.freeze_cols = {s.id: self.frozen_cols(s.freezes) for s in cal.shocks}
        # milestones that freeze others when they happen (lang/stalls.py); each freezer's code in RunState.frozen_by
        self.milestone_freezes = {m.id: self.frozen_cols(m.freezes.milestones) for m in self.milestones
                                  if m.freezes is not None}
        self.freezers = [(i, f"shock:{s.id}") for i, s in enumerate(cal.shocks)]
        self.freezers += [(len(cal.shocks) + n, f"freeze:{mid}") for n, mid in enumerate(self.milestone_freezes)]
        self.freezer_code = {reason: code for code, reason in self.freezers}
        # ---- elections
        self.elections = list(cal.elections)
        self.gi = {e.id: g for g, e in enumerate(self.elections)}
        meetings = [j for j, m in enumerate(self.milestones) if m.election_progress]
        self.progress_cols = {e.id: (np.array([self.mi[m] for m in e.progress], dtype=int) if e.progress is not None
                                     else np.array(meetings, dtype=int)) for e in self.elections}
        # ---- preconditions and mediation
        self.preconditions = [PreconditionInfo(p.id, p.held_by, p.before, p.kind, p.requires, p.hard, p.waivable,
                                               p.waiver)
                              for p in sc.preconditions]
        self.mediations = [MediationInfo(m.mediator, m.rule or DEFAULT_RULE["mediator"],
                                         tuple((p.milestone, p.when) for p in m.pushes), m.deadline)
                           for m in sc.mediation]
        self.questions = list(sc.questions)
        self.effects = list(sc.effects)
        # ---- every way a milestone can be blocked: (milestone, who, reason), fixed by the scenario
        self.block_keys: list[tuple[str, str, str]] = []
        # (milestone, consenter) -> why it is postponed when that consenter's chance does not come up
        self.refusal: dict[tuple[str, str], str] = {}
        for m in self.milestones:
            for s in cal.shocks:
                if self.mi[m.id] in self.freeze_cols[s.id]:
                    self.block_keys.append((m.id, "-", f"shock:{s.id}"))
            for f, cols in self.milestone_freezes.items():
                if self.mi[m.id] in cols:
                    self.block_keys.append((m.id, "-", f"freeze:{f}"))
            for who in m.consenters():
                for pre in self.preconditions:
                    if pre.before == m.id and pre.holder == who:
                        self.block_keys.append((m.id, who, f"precondition:{pre.id}"))
                self.refusal[(m.id, who)] = m.pace.block_reason(who, m.decision) if m.pace is not None else DECLINED
                self.block_keys.append((m.id, who, self.refusal[(m.id, who)]))
            for pre in self.preconditions:
                if pre.before == m.id and pre.holder not in m.consenters():
                    self.block_keys.append((m.id, pre.holder, f"precondition:{pre.id}"))
        self.block_index = {key: i for i, key in enumerate(self.block_keys)}
        # ---- the draw layout: named columns of the per-step uniform matrix, in a fixed order
        # Each slot's time unit (see ``step_powers``): HAZARD slots draw a weekly chance asked every step, OFFER
        # slots a chance asked of an offer on the table (a week's worth while it lies there), ONCE slots a
        # choice or a one-off chance (a mediator's pick, an election's vote) that no step length changes.
        HAZARD, OFFER, ONCE = "hazard", "offer", "once"
        units = [(f"enter:{a.id}", HAZARD) for a in sc.actors if a.enters is not None and a.enters.hazard is not None]
        units += [(f"shock:{s.id}", HAZARD) for s in cal.shocks]
        units += [(s, HAZARD) for o in cal.occasions for s in o.slots()]
        units += [(f"breakdown:{m.id}", HAZARD) for m in self.milestones if m.breakdown is not None]
        units += [(f"mediate:{m.mediator}", ONCE) for m in self.mediations]
        units += [(f"mediate:{m.mediator}:{n}", ONCE) for m in sc.mediation for n in range(2, (m.per_step or 1) + 1)]
        units += [(f"act:{m.id}", HAZARD) for m in self.milestones if not m.proposable]
        # at steps of whole weeks longer than one, offers are made and answered week by week within the step
        # (``weeks_per_step``): each week's proposal and answer is a weekly chance with a slot of its own
        WEEK = "week"
        weeks = self.weeks_per_step
        propose, accept = (HAZARD, OFFER) if weeks == 1 else (WEEK, WEEK)
        units += [(f"propose:{m.id}:{a}", propose) for m in self.milestones if m.proposable for a in m.consenters()]
        units += [(f"accept:{m.id}:{a}", accept) for m in self.milestones if m.proposable for a in m.consenters()]
        units += [(f"waive:{pre.id}", HAZARD if pre.waiver.per_week else OFFER)  # resists: a weekly chance
                  for pre in self.preconditions if pre.waivable]
        for e in self.elections:
            units += [(s, ONCE) for s in e.slots()]
        units += [(m.outcome.slot(m.id), ONCE) for m in self.milestones if m.outcome is not None]  # one-shot results
        units += [(s, ONCE) for m in self.milestones if m.freezes is not None for s in m.freezes.slots(m.id)]
        for week in range(2, weeks + 1):  # last, so that the other slots keep their columns
            units += [(self.week_slot(f"{d}:{m.id}:{a}", week - 1), WEEK) for d in ("propose", "accept")
                      for m in self.milestones if m.proposable for a in m.consenters()]
        self.slots = [name for name, _ in units]
        self.slot = {name: i for i, name in enumerate(self.slots)}
        self.slot_units = [unit for _, unit in units]
        self.rule_classes  # noqa: B018 - resolve now, while this process's registry has any --plugin rules

    def parameter_ranges(self) -> dict[str, tuple[float, float]]:
        """Each parameter's stated range (``semantics.parameter_ranges``): what ``ParameterTable.check`` holds a
        setting to."""
        return parameter_ranges(self.scenario, self.table)

    def frozen_cols(self, targets) -> list[int]:
        """The milestone columns that freezing ``targets`` (milestones, tracks, concession ladders) freezes."""
        cols = []
        for target in targets:
            ids = self.tracks.get(target) or [f"{target}.{st}" for st in self.ladders.get(target, (None, ()))[1][1:]]
            cols += [self.mi[m] for m in (ids or [target]) if m in self.mi]
        return sorted(set(cols))

    # ------------------------------------------------------------------ time units
    @cached_property
    def step_powers(self) -> np.ndarray | None:
        """Per slot, the power ``a`` that turns a week's chance ``p`` into this step's, ``1 - (1 - p) ** a``
        (None when every power is 1: weekly steps, or nothing to convert).

        The model's chances are weekly (``lang.estimable``); a step of ``s`` days asks a weekly chance
        ``s / 7`` weeks' worth, so a hazard means the same at any step length. An offer lies on the table
        for ``offer_days`` (whole steps, about a week) and its chance is asked ``min(s, 7) / 7`` weeks' worth per
        step: an offer kept on the table is answered at the weekly pace, and one lasting exactly a week (daily
        or weekly steps) gets one week's worth. At steps of whole weeks (``weeks_per_step`` > 1) proposals and
        answers are ``week`` slots: one weekly chance per weekly round, each round with slots of its own. The power is applied to the uniform instead of to ``p``
        (``draws.per_step``): ``u' < p`` exactly when ``u < 1 - (1 - p) ** a``, so every rule, built-in or
        plug-in, keeps comparing its own weekly probability with a uniform."""
        s = self.step_days / WEEK_DAYS
        power = {"hazard": s, "offer": min(s, 1.0), "once": 1.0, "week": 1.0}
        out = np.array([power[u] for u in self.slot_units], dtype=np.float64)
        return None if (out == 1.0).all() else out

    @property
    def weeks_per_step(self) -> int:
        """How many weekly rounds of offers a step holds: ``s / 7`` at steps of two or more whole weeks, else 1.

        At weekly steps a party re-proposes each week with its weekly chance and each offer is answered with its
        weekly chance, so over ``n`` weeks a milestone is agreed with chance ``1 - (1 - h a) ** n``. A longer
        step asking the proposal ``n`` weeks' worth and the answer once would give ``(1 - (1 - h) ** n) a``
        instead; so the step runs the exchange as ``n`` weekly rounds, each with draws of its own."""
        return self.step_days // WEEK_DAYS if self.step_days > WEEK_DAYS and self.step_days % WEEK_DAYS == 0 else 1

    @staticmethod
    def week_slot(name: str, week: int) -> str:
        """The slot of ``name`` in the step's ``week``-th weekly round of offers (0: the first, ``name`` itself)."""
        return name if week == 0 else f"{name}@{week + 1}"

    def round_day(self, k: int, week: int) -> int:
        """The first day of step k's ``week``-th weekly round of offers (within the step)."""
        return int(min(self.days[k] + WEEK_DAYS * week, self.ends[k]))

    @property
    def offer_days(self) -> int:
        """How long an offer stays on the table: the whole number of steps nearest a week (at least one)."""
        return self.step_days * max(1, round(WEEK_DAYS / self.step_days))

    def pressure_step(self, decay: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """(decay, gain) of a pressure stock over one step, from its weekly decay ``d``; None at weekly steps.

        Per step the stock decays by ``d ** (s / 7)`` and a push adds ``gain = (1 - d ** (s/7)) / (1 - d)``
        times its weekly amount (``s / 7`` when ``d = 1``): a push repeated every step of a week then adds the
        same pressure by the week's end as one weekly push, and a steady push settles at the same level,
        whatever the step length."""
        if self.step_days == WEEK_DAYS:
            return None
        a = self.step_days / WEEK_DAYS
        per_step = decay ** a
        with np.errstate(divide="ignore", invalid="ignore"):
            gain = np.where(decay == 1.0, a, (1.0 - per_step) / (1.0 - decay))
        return per_step, gain

    # ------------------------------------------------------------------ dates
    @property
    def n_steps(self) -> int:
        return len(self.dates)

    def step_of(self, day: dt.date) -> int:
        """Index of the weekly step whose window [date, date + step) contains ``day``."""
        return max(0, (day - self.scenario.calendar.start).days // self.step_days)

    @staticmethod
    def to_day(d: dt.date) -> int:
        return to_day(d)

    def static_day(self, ref) -> int | None:
        """A fixed date reference as an int day; None for an event or occasion that has no fixed date."""
        if isinstance(ref, dt.date):
            return to_day(ref)
        return self._fixed.get(ref)

    def window(self, between) -> tuple[int, int]:
        lo, hi = (self.static_day(r) for r in between)
        return (self.min_day if lo is None else lo), (self.max_day if hi is None else hi)

    def weeks_to_election(self, date: dt.date, actor: str | None = None) -> float | None:
        """Weeks from ``date`` to the next round 1 of an election that concerns ``actor`` (every election when no
        actor is named), None once every such round 1 is past (or there is none)."""
        upcoming = [e.round1 for e in self.elections if date <= e.round1 and e.concerns_actor(actor)]
        return (min(upcoming) - date).days / 7.0 if upcoming else None

    def deadline_day(self, med: MediationInfo) -> int | None:
        return None if med.deadline is None else self.static_day(med.deadline)

    # ------------------------------------------------------------------ names
    def stage_milestone(self, ladder: str, stage: str) -> str | None:
        stages = self.ladders[ladder][1]
        return None if stage == stages[0] else f"{ladder}.{stage}"

    def candidate_index(self, election: str, actor: str) -> int:
        return self.elections[self.gi[election]].side(actor)  # a bloc member counts with its leader

    @cached_property
    def words(self) -> Words:
        """The scenario's names for its ids (words for people)."""
        sc = self.scenario
        names = {a.id: a.label or a.name for a in sc.actors}
        names.update({m.id: m.label or m.name for m in self.milestones})
        for lad in sc.concessions:
            names[lad.id] = lad.name
            names.update({f"{lad.id}.{s.id}": s.name for s in lad.stages})
        names.update({t.id: t.name for t in sc.tracks})
        cal = sc.calendar
        for group in (cal.events, cal.shocks, cal.occasions):
            names.update({x.id: x.label or x.name for x in group})
        for e in cal.elections:
            names[f"election.{e.id}"] = e.name
            names[f"election.{e.id}.round1"] = f"round 1 of the {e.name}"
            names[f"election.{e.id}.runoff"] = f"the run-off of the {e.name}"
        names.update({h.event: h.name for h in sc.history_only_events})
        for m in self.milestones:
            if m.outcome is not None:
                names.update(m.outcome.names(m.id, m.label or m.name))
        names.update({p.id: p.label or p.id.replace("_", " ") for p in sc.preconditions})
        names.update({"start": "the start of the calendar", "end": "the end of the calendar"})
        return Words(names, cal.step_days)

    @cached_property
    def own_params(self) -> dict[str, list[tuple[str, str]]]:
        """actor id -> [(short name, dotted name)] of the parameters under that actor."""
        return {a: [(n[len(a) + 1:], n) for n in self.table.names if n.startswith(a + ".")] for a in self.actors}

    @cached_property
    def rule_classes(self):
        """actor id -> rule class (decision rules), and ('mediator', id) -> mediator rule class."""
        out = {a: get_rule(name) for a, name in self.party_rule.items()}
        out.update({("mediator", m.mediator): get_rule(m.rule) for m in self.mediations})
        return out

    @cached_property
    def rules(self):
        """Rule instances keyed like ``rule_classes`` (rules are stateless; one instance serves every run)."""
        return {a: cls() for a, cls in self.rule_classes.items()}
