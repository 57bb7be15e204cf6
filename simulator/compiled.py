"""A validated scenario turned into index tables, computed once and shared by every run.

This is where the fixed *draw layout* is defined: a run consumes
``n_params`` parameter uniforms and an ``(n_steps, n_slots)`` matrix of step
uniforms whose named columns are listed in ``slots`` (see ``draws.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from .rules import DEFAULT_RULE, get_rule
from .scenario.params import ParameterTable
from .scenario.schema import Scenario
from .scenario.semantics import resolve_date


@dataclass(frozen=True)
class LevelInfo:
    id: str
    track: str
    rung: int
    attendees: tuple[str, ...]
    previous: str | None  # the rung below on the same track
    requires: tuple[str, ...]  # cross-track prerequisites


@dataclass(frozen=True)
class PreconditionInfo:
    id: str
    demander: str
    before: str
    kind: str  # "hard" | "soft"
    meeting: str | None = None
    ladder: str | None = None
    stage: int | None = None
    event: str | None = None


@dataclass(frozen=True)
class MediationInfo:
    mediator: str
    rule: str
    pushes: tuple[tuple[str, str | None], ...]  # (goal level, unlocked after level)
    deadline: dt.date


@dataclass
class Compiled:
    scenario: Scenario
    table: ParameterTable = field(init=False)

    def __post_init__(self):
        sc = self.scenario
        self.table = ParameterTable(sc)
        cal = sc.calendar
        step = dt.timedelta(days=cal.step_days)
        self.dates: list[dt.date] = []
        d = cal.start
        while d <= cal.end:
            self.dates.append(d)
            d += step
        self.step_days = cal.step_days
        self.levels: dict[str, LevelInfo] = {}
        self.tracks: dict[str, tuple[str, ...]] = {}
        for tr in sc.tracks:
            self.tracks[tr.id] = tuple(lv.id for lv in tr.levels)
            for i, lv in enumerate(tr.levels):
                self.levels[lv.id] = LevelInfo(lv.id, tr.id, i, tuple(lv.attendees),
                                               tr.levels[i - 1].id if i else None, tuple(lv.requires))
        self.level_order = list(self.levels)
        self.parties = [a.id for a in sc.actors if a.role == "party"]
        self.party_rule = {a.id: a.rule or DEFAULT_RULE["party"] for a in sc.actors if a.role == "party"}
        self.ladders = {lad.id: (lad.actor, tuple(s.id for s in lad.stages)) for lad in sc.concessions}
        self.preconditions: list[PreconditionInfo] = []
        for pre in sc.preconditions:
            r = pre.requires
            kw = {}
            if hasattr(r, "meeting"):
                kw["meeting"] = r.meeting
            elif hasattr(r, "concession"):
                kw["ladder"] = r.concession
                kw["stage"] = self.ladders[r.concession][1].index(r.stage)
            else:
                kw["event"] = r.event
            self.preconditions.append(PreconditionInfo(pre.id, pre.demanded_by, pre.before, pre.kind, **kw))
        self.mediations = [
            MediationInfo(m.mediator, m.rule or DEFAULT_RULE["mediator"],
                          tuple((p.level, p.after) for p in m.pushes), resolve_date(m.urgency.deadline, sc))
            for m in sc.mediation
        ]
        self.election = cal.election
        self.scheduled = {}
        for ev in cal.scheduled:
            self.scheduled.setdefault(self.step_of(ev.date), []).append(ev)
        self.shocks = [(sh, self.step_of(resolve_date(sh.start, sc)), self.step_of(resolve_date(sh.end, sc)))
                       for sh in cal.shocks]
        self.questions = sc.questions
        # every way a level can be blocked: (level, who, reason), fixed by the scenario
        self.block_keys: list[tuple[str, str, str]] = []
        for lv, info in self.levels.items():
            for sh, _, _ in self.shocks:
                if info.track in sh.effect.freeze_tracks:
                    self.block_keys.append((lv, "-", f"shock:{sh.id}"))
            for who in info.attendees:
                for pre in self.preconditions:
                    if pre.before == lv and pre.demander == who:
                        self.block_keys.append((lv, who, f"precondition:{pre.id}"))
                self.block_keys.append((lv, who, "declined"))
        # ---- the draw layout: named columns of the per-step uniform matrix, in a fixed order
        slots = [f"shock:{sh.id}" for sh in cal.shocks]
        slots += [f"mediate:{m.mediator}" for m in self.mediations]
        slots += [f"concede:{lad}" for lad in self.ladders]
        slots += [f"propose:{p}:{t}" for p in self.parties for t in self.tracks]
        slots += [f"accept:{t}:{p}" for t in self.tracks for p in self.parties]
        slots += [f"waive:{pre.id}" for pre in self.preconditions if pre.kind == "soft"]
        if self.election is not None:
            slots += ["election:decisive", "election:round1", "election:runoff"]
        self.slots = slots
        self.slot = {name: i for i, name in enumerate(slots)}
        self.rule_classes  # noqa: B018 - resolve now, while this process's registry has any --plugin rules

    @property
    def n_steps(self) -> int:
        return len(self.dates)

    def step_of(self, day: dt.date) -> int:
        """Index of the weekly step whose window [date, date + step) contains ``day``."""
        return max(0, (day - self.scenario.calendar.start).days // self.step_days)

    @cached_property
    def own_params(self) -> dict[str, list[tuple[str, str]]]:
        """actor id -> [(short name, dotted name)] of the parameters under that actor."""
        return {a.id: [(n[len(a.id) + 1:], n) for n in self.table.names if n.startswith(a.id + ".")]
                for a in self.scenario.actors}

    def batch_engine(self):
        """The vectorised engine for this scenario, built once (raises if a rule has no array form)."""
        if getattr(self, "_batch", None) is None:
            from .batch.engine import BatchEngine

            self._batch = BatchEngine(self)
        return self._batch

    @cached_property
    def rule_classes(self):
        """actor id -> rule class, resolved once: a pickled Compiled carries its (plugin) classes to workers."""
        out = {a: get_rule(name) for a, name in self.party_rule.items()}
        out.update({m.mediator: get_rule(m.rule) for m in self.mediations})
        return out

    @cached_property
    def rules(self):
        """actor id -> rule instance (rules are stateless; one instance serves every run)."""
        return {a: cls() for a, cls in self.rule_classes.items()}
