"""The version-1 scenario file format, kept to read older files (``migrate.py`` turns them into version 2).

Every number or rule carries its provenance: ``evidence`` (a source id and a
verbatim quote) or ``assumption`` (one sentence saying why). Numbers are
``Param`` objects so that any of them can be declared uncertain (a
distribution) and addressed by a dotted name (``turkey.flexibility``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag, model_validator

# numbers and their provenance are the same in both versions (version 2 adds notes and labels)
from ..lang.base import Evidence, HardOrSoft, Id, Param, Sourced, Strict, Waiver  # noqa: F401

SCHEMA_VERSION = 1

DateRef = dt.date | Literal["start", "end", "election.round1", "election.runoff"]


class Source(Strict):
    id: Id
    title: str
    publisher: str
    date: dt.date
    file: str = Field(description="text of the source, relative to the scenario file")
    url: str | None = None
    note: str | None = None


class Interest(Sourced):
    text: str


class Actor(Strict):
    id: Id
    name: str
    role: Literal["party", "mediator", "domestic"]
    rule: str | None = Field(default=None, description="decision rule name; default by role")
    interests: list[Interest] = []
    params: dict[Id, Param] = {}
    leverage: dict[Id, Param] = Field(default={}, description="leverage over another actor, 0..1")
    alignment: dict[Id, Param] = Field(default={}, description="alignment with another actor, -1..1")


class Level(Sourced):
    """One rung of a meeting ladder: a meeting of given participants."""

    id: Id
    name: str
    attendees: list[Id] = Field(min_length=1, description="actors who must all accept")
    present: list[Id] = Field(default=[], description="actors present who need not accept (hosts)")
    stakes: Param
    requires: list[Id] = Field(default=[], description="levels of other tracks held before this one")


class Track(Strict):
    id: Id
    name: str
    levels: list[Level] = Field(min_length=1)


class Stage(Strict):
    id: Id
    name: str
    cost: Param | None = Field(default=None, description="political cost of reaching this stage; none for the first")


class ConcessionLadder(Sourced):
    id: Id
    actor: Id
    name: str
    stages: list[Stage] = Field(min_length=2, description="the first stage is the starting state")


class MeetingReq(Strict):
    meeting: Id


class ConcessionReq(Strict):
    concession: Id
    stage: Id


class EventReq(Strict):
    event: Id


def _requirement_kind(value) -> str | None:
    keys = value if isinstance(value, dict) else vars(value) if hasattr(value, "__dict__") else {}
    return next((k for k in ("meeting", "concession", "event") if k in keys), None)


Requirement = Annotated[
    Annotated[MeetingReq, Tag("meeting")] | Annotated[ConcessionReq, Tag("concession")]
    | Annotated[EventReq, Tag("event")],
    Discriminator(_requirement_kind, custom_error_type="requirement",
                  custom_error_message="needs one of 'meeting', 'concession' or 'event'"),
]


class Precondition(HardOrSoft):
    id: Id
    demanded_by: Id
    before: Id = Field(description="the meeting level it gates")
    requires: Requirement


class Push(Strict):
    level: Id = Field(description="the level the mediator works toward")
    after: Id | None = Field(default=None, description="only once this level has been held")


class Urgency(Strict):
    base: Param
    peak: Param
    ramp_weeks: Param
    after_deadline: Param
    deadline: DateRef = "election.round1"


class Mediation(Sourced):
    mediator: Id
    pushes: list[Push] = Field(min_length=1)
    urgency: Urgency
    rule: str | None = None


class Effect(Sourced):
    param: str = Field(description="dotted parameter name")
    op: Literal["set", "add"] = "set"
    value: float


class Election(Sourced):
    name: str
    incumbent: Id
    challenger: Id
    round1: dt.date
    runoff: dt.date | None = None
    p_runoff: Param
    base_win: Param
    progress_effect: Param
    after_win: list[Effect] = []
    after_loss: list[Effect] = []


class Scheduled(Sourced):
    """A dated event: talks on a track (proposes a meeting), parameter effects, or both."""

    id: Id
    name: str
    date: dt.date
    track: Id | None = None
    level: Id | None = Field(default=None, description="propose this level; default: the track's next rung")
    effects: list[Effect] = []


class ShockEffect(Strict):
    freeze_tracks: list[Id] = []
    weeks: int = Field(default=0, ge=0)
    params: list[Effect] = []


class Shock(Sourced):
    id: Id
    name: str
    hazard: Param
    start: DateRef = "start"
    end: DateRef = "end"
    effect: ShockEffect
    once: bool = True


class Calendar(Strict):
    start: dt.date
    end: dt.date
    step_days: int = Field(default=7, ge=1, le=31)
    election: Election | None = None
    scheduled: list[Scheduled] = []
    shocks: list[Shock] = []


class Dynamics(Strict):
    pressure_decay: Param
    sharpness: Param


class Question(Strict):
    """A yes/no question (``before`` given, or an election question) or a date question."""

    id: Id
    text: str
    meeting: Id | None = None
    concession: Id | None = None
    stage: Id | None = None
    election: Literal["incumbent_wins", "challenger_wins", "runoff"] | None = None
    before: DateRef | None = Field(default=None, description="yes if it happens strictly before this date")
    prior: Param | None = Field(default=None, description="the analyst's probability before modelling "
                                "(yes/no questions; a fixed value); backtests score the model against it")

    @model_validator(mode="after")
    def _one_subject(self):
        subjects = [s for s in ("meeting", "concession", "election") if getattr(self, s) is not None]
        if len(subjects) != 1:
            raise ValueError("a question names exactly one of 'meeting', 'concession' or 'election'")
        if self.concession is not None and self.stage is None:
            raise ValueError("a concession question needs 'stage'")
        if self.concession is None and self.stage is not None:
            raise ValueError("'stage' goes with 'concession'")
        if self.prior is not None:
            if self.prior.dist != "fixed" or self.prior.value is None or not 0 <= self.prior.value <= 1:
                raise ValueError("'prior' is a fixed probability between 0 and 1")
            if self.is_date:
                raise ValueError("'prior' goes with yes/no questions")
        return self

    @property
    def is_date(self) -> bool:
        return self.before is None and self.election is None


class Metadata(Strict):
    title: str
    description: str
    as_of: dt.date = Field(description="the scenario uses only what was known on this date")
    authors: list[str] = []


class Scenario(Strict):
    schema_version: Literal[1]
    metadata: Metadata
    sources: list[Source] = Field(min_length=1)
    actors: list[Actor] = Field(min_length=2)
    tracks: list[Track] = Field(min_length=1)
    concessions: list[ConcessionLadder] = []
    preconditions: list[Precondition] = []
    mediation: list[Mediation] = []
    calendar: Calendar
    dynamics: Dynamics
    questions: list[Question] = Field(min_length=1)

    # --- convenient look-ups (the scenario is frozen, so these are cheap views) ---
    def actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)

    @property
    def levels(self) -> dict[str, tuple[Track, int, Level]]:
        """level id -> (track, rung index, level)."""
        return {lv.id: (tr, i, lv) for tr in self.tracks for i, lv in enumerate(tr.levels)}

    @property
    def parties(self) -> list[Actor]:
        return [a for a in self.actors if a.role == "party"]
