"""The scenario file format (schema version 2), as pydantic v2 models.

The concepts of the language (conditions, milestones, calendar items,
questions) are classes in ``simulator.lang``; this module assembles them into a
scenario. Version-1 files are converted on loading (``migrate.py``).
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import ClassVar, Literal

from pydantic import Field, model_serializer, model_validator

from ..lang.calendar import DatedEvent, Election, Entry, Exit, Occasion, Shock, Term, TriggeredEffect
from ..lang.conditions import AnyCondition
from ..lang.milestones import ConcessionLadder, Milestone, Track
from ..lang.questions import Question
from ..lang.worlds import Live, Spread
from ..lang.base import (  # noqa: F401 - re-exported
    DateRef, Evidence, HardOrSoft, Id, MilestoneRef, Param, ParamChange, Sourced, Strict, Waiver, without_unused)


ROLES = ("party", "mediator", "host", "guarantor", "observer", "domestic", "outside")


class Source(Strict):
    """A bibliographic record, optionally with a local text (header lines, a line of dashes, the body)."""

    id: Id
    title: str
    publisher: str
    date: dt.date
    url: str | None = None
    file: str | None = Field(default=None, description="local text of the source, relative to the scenario file")
    note: str | None = None


class Interest(Sourced):
    text: str


class Actor(Strict):
    id: Id
    name: str
    label: str | None = None
    role: Literal["party", "mediator", "host", "guarantor", "observer", "domestic", "outside"] = Field(
        description="party (at the table), mediator, host, guarantor, observer, domestic (takes no decisions) or "
        "outside (not at the table: a belligerent, a spoiler, a neighbour; it holds conditions and takes "
        "unilateral steps with a party rule, and attends no meeting nor consents to a joint act)")
    rule: str | None = Field(default=None, description="decision rule used when it consents, acts, proposes "
                             "or waives (default: threshold)")
    interests: list[Interest] = []
    params: dict[str, Param] = {}
    leverage: dict[Id, Param] = Field(default={}, description="leverage over another actor, 0..1")
    alignment: dict[Id, Param] = Field(default={}, description="alignment with another actor, -1..1")
    enters: Entry | None = None
    leaves: Exit | None = None
    #: what an actor's spread moves, in its sentence (``lang.worlds.Spread.sentences``)
    SPREAD_WORDS: ClassVar[str] = "every decision it takes on a step (proposing, accepting, taking steps)"
    spread: Spread | None = Field(default=None, description="a per-run odds factor on all of its decisions "
                                  "(proposing, accepting, taking steps), drawn once per run: {odds_sd: 0.5, "
                                  "assumption: ...} (lang/worlds.py)")

    @model_serializer(mode="wrap")
    def _dump_without_unused(self, handler):
        return without_unused(handler(self), ("spread",))

    #: a role that changes what an actor may do, as a sentence about it
    ROLE_WORDS: ClassVar[dict[str, str]] = {
        "outside": "{name} is outside the talks: it sits at no table and consents to no joint act, but it holds "
                   "conditions and takes steps of its own."}

    def sentences(self, c, owner, describe) -> list[str]:
        said = self.ROLE_WORDS.get(self.role)
        return [] if said is None else [said.format(name=c.words.name(self.id))]


class Precondition(HardOrSoft):
    id: Id
    label: str | None = None
    held_by: Id = Field(description="the actor who demands it: any actor")
    before: MilestoneRef = Field(description="the milestone it gates")
    requires: AnyCondition
    live: Live | None = Field(default=None, description="held only in a share of runs, drawn once per run (in the "
                              "others it blocks nothing): {share: 0.75, assumption: ...}")

    #: what being live means for a precondition (``lang.worlds.Live``)
    LIVE_WORDS: ClassVar[tuple[str, str]] = ("held", "not held: it blocks nothing")

    @model_serializer(mode="wrap")
    def _dump_without_unused(self, handler):
        return without_unused(handler(self), ("live",))


class Push(Strict):
    milestone: MilestoneRef = Field(description="the milestone the mediator works toward")
    when: AnyCondition | None = Field(default=None, description="only while this holds")


class Mediation(Sourced):
    mediator: Id
    label: str | None = None
    rule: str | None = None
    deadline: DateRef | None = Field(default=None, description="for rules with a deadline")
    pushes: list[Push] = Field(min_length=1)
    params: dict[str, Param] = Field(default={}, description="the rule's parameters (defaults fill the rest)")
    per_step: int | None = Field(default=None, ge=1, le=20, description="how many items it may put on the table "
                                 "in one step (default 1): each pick after the first chooses among the rest")

    @model_serializer(mode="wrap")
    def _dump_without_unused(self, handler):
        return without_unused(handler(self), ("per_step",))

    def sentences(self, c, owner, describe) -> list[str]:
        """Several items a step, as a sentence (one a step, the default, says nothing new)."""
        n = self.per_step or 1
        if n == 1:
            return []
        step = c.words.step.one
        return [f"{c.words.name(self.mediator)} may put up to {n} items on the table in one {step} (each pick after "
                "the first chooses among the rest)."]


class HistoryMilestone(Sourced):
    milestone: MilestoneRef
    date: dt.date
    count: int = Field(default=1, ge=1)


class HistoryEvent(Sourced):
    """Something that happened before the calendar: a declared event, shock or occasion, or (with a
    ``name``) an event of its own that conditions can name."""

    event: Id
    name: str | None = None
    date: dt.date

    def declares(self, calendar_ids: set[str]) -> bool:
        return self.event not in calendar_ids


class History(Strict):
    """What happened before the calendar starts (or up to ``through``)."""

    through: dt.date
    milestones: list[HistoryMilestone] = []
    events: list[HistoryEvent] = []

    def record_of(self, milestone: str, start: dt.date) -> dict | None:
        """How the forecast tables report a milestone that happened in the history (None: it did not): how many
        times, on which dates, and a sentence for people. Forecast tables describe the calendar only, so these
        times are not counted as happening within it (questions keep counting them: 'has it happened')."""
        items = [h for h in self.milestones if h.milestone == milestone]
        if not items:
            return None
        times = sum(h.count for h in items)
        first, last = min(h.date for h in items), max(h.date for h in items)
        when = "before the calendar" if last < start else f"in the history (up to {self.through.isoformat()})"
        text = (f"already happened on {last.isoformat()}, {when}" if times == 1 else
                f"already happened {times} times (last on {last.isoformat()}), {when}")
        return {"times": times, "date": last.isoformat(), "first": first.isoformat(), "text": text}


class Calendar(Strict):
    start: dt.date
    end: dt.date
    step_days: int = Field(default=7, ge=1, le=31)
    elections: list[Election] = []
    events: list[DatedEvent] = []
    shocks: list[Shock] = []
    occasions: list[Occasion] = []
    terms: list[Term] = []  # terms of office that end in a vacancy of uncertain length (lang/calendar.py)

    @model_serializer(mode="wrap")
    def _dump_without_unused(self, handler):
        return without_unused(handler(self), ("terms",))


class Dynamics(Strict):
    pressure_decay: Param
    sharpness: Param | None = Field(default=None, description="slope of the logistic of the rules that read it "
                                    "(Rule.scenario_numbers); required exactly when a deciding actor's rule does")
    pressure_scope: Literal["steps", "actor"] | None = Field(
        default=None, description="what a mediator's pressure acts on: 'steps', the steps on the way to the goals "
        "its push serves (the default from schema version 3); 'actor', every decision of the pressed actor (the "
        "meaning of schema version 2, its default there)")

    @model_serializer(mode="wrap")
    def _dump_without_unused(self, handler):
        return without_unused(handler(self), ("pressure_scope",))


class Metadata(Strict):
    title: str
    description: str
    as_of: dt.date = Field(description="the scenario uses only what was known on this date")
    authors: list[str] = []
    track: Literal["blind", "sighted"] = Field(
        default="sighted", description="blind: written, with its priors and frozen forecast, by someone who read "
        "nothing dated after as_of, before anyone looked up the outcomes (docs/track-record.md); sighted: "
        "written by people who knew, at least broadly, how it ended")


class Defaults(Strict):
    """``defaults: FILE``: global constants from a calibration file (``diplosim calibrate``), path relative to the
    scenario. The loader reads the file and keeps its ``constants`` here, so a dumped scenario runs the same."""

    file: str
    constants: dict[str, float] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_path(cls, data):
        return {"file": data} if isinstance(data, str) else data


#: Each schema version's defaults, for what a file leaves unsaid: a file is read in the meaning of the version
#: it was written for, so a frozen scenario of version 2 gives the same runs after version 3 changed a default.
#: Version 3 changed one: a mediator's pressure acts on the steps it is about (``engine/pressure.py``).
EDITION_DEFAULTS: dict[int, dict[str, str]] = {2: {"pressure_scope": "actor"}, 3: {"pressure_scope": "steps"}}
SCHEMA_VERSION = max(EDITION_DEFAULTS)  # the version a new scenario is written in


class Scenario(Strict):
    schema_version: Literal[2, 3] = Field(description="3 for a new scenario; 2 is read with its own defaults "
                                          "(a mediator's pressure felt on every decision of the pressed actor)")

    @property
    def pressure_scope(self) -> str:
        """What a mediator's pressure acts on: as stated, else the default of the file's schema version."""
        return self.dynamics.pressure_scope or EDITION_DEFAULTS[self.schema_version]["pressure_scope"]
    metadata: Metadata
    sources: list[Source] = Field(min_length=1)
    actors: list[Actor] = Field(min_length=2)
    milestones: list[Milestone] = []
    tracks: list[Track] = []
    concessions: list[ConcessionLadder] = []
    preconditions: list[Precondition] = []
    mediation: list[Mediation] = []
    history: History | None = None
    calendar: Calendar
    effects: list[TriggeredEffect] = []
    dynamics: Dynamics
    questions: list[Question] = Field(min_length=1)
    defaults: Defaults | None = None

    @model_serializer(mode="wrap")
    def _dump_without_defaults(self, handler):
        """No ``defaults`` key unless the scenario names a calibration file, so other scenarios keep their hash."""
        return without_unused(handler(self), ("defaults",))

    # --- views (the scenario is frozen, so these are computed once)
    def actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)

    @cached_property
    def all_milestones(self) -> list[tuple[object, tuple]]:
        """Every milestone with its document path: declared ones, then tracks and ladders expanded, in order."""
        out = [(m, ("milestones", i)) for i, m in enumerate(self.milestones)]
        for t, tr in enumerate(self.tracks):
            out.extend(tr.expand(("tracks", t)))
        for c, lad in enumerate(self.concessions):
            out.extend(lad.expand(("concessions", c)))
        return out

    @property
    def history_only_events(self) -> list[HistoryEvent]:
        """History events not declared in the calendar: they exist only in the past."""
        if self.history is None:
            return []
        cal = self.calendar
        declared = {x.id for group in (cal.events, cal.shocks, cal.occasions) for x in group}
        return [h for h in self.history.events if h.declares(declared)]

    @property
    def parties(self) -> list[Actor]:
        return [a for a in self.actors if a.role == "party"]
