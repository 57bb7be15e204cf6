"""The condition language: one class per kind, used everywhere a scenario states "when".

Conditions appear in milestone ``requires``, preconditions, questions, shock
and occasion windows, effect triggers and actor entry and exit. Each kind is a
small pydantic model that holds its schema, its checks (``check``), its words
(``label``) and its evaluation on the run state (``evaluate``: a boolean array
over runs at a given day). The Mesa model's state is the same arrays with one
run, so there is one evaluation for both engines.

A condition is written as a mapping with exactly one key, the kind:
``{held: X}``, ``{count: {of: X, at_least: 2}}``, ``{all: [...]}``, ...
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Union

import numpy as np
from pydantic import Discriminator, Field, StringConstraints, Tag, model_validator

from .base import DateRef, Id, MilestoneRef, Strict
from .dates import NEVER, describe_date

if TYPE_CHECKING:  # the checking context, for type hints only (the run state is engine.state.RunState)
    from .context import CheckContext, Words

KINDS: dict[str, type[Condition]] = {}


def kind(cls):
    """Register a condition class under its ``key`` (the YAML key that selects it)."""
    KINDS[cls.key] = cls
    return cls


class Condition(Strict):
    key: ClassVar[str]

    def check(self, ctx: CheckContext, path: tuple) -> None:
        """Report unknown references and bad values through ``ctx.error(path, message)``."""

    def children(self) -> list[Condition]:
        return []

    @abstractmethod
    def milestones(self) -> list[str]:
        """Milestones whose having happened this requires (prerequisites a mediator can work toward; cycles
        among milestones are found through them). ``any`` and ``not`` require none. May name a ladder's
        starting stage, or a date that is no milestone: readers keep the ids they know. Every kind answers
        (abstract here), so a new kind cannot silently name none."""

    def mentions(self, c, wanted: bool = True):
        """(milestone, wanted) for every milestone the condition names: wanted when its happening helps the
        condition hold, unwanted when it stands under ``not:`` (or is a date the condition must come before)."""
        for child in self.children():
            yield from child.mentions(c, wanted)

    def demand(self, c) -> str:
        """What a precondition asking for this condition asks, inside a sentence (``lang.words.human_label``):
        by default its label, quoted."""
        return f"'{self.label(c.words)}'"

    def winners(self):
        """Actors the condition names as an election's winner (a question about it takes the actor's colour)."""
        for child in self.children():
            yield from child.winners()

    def label(self, w: Words) -> str:
        raise NotImplementedError

    def evaluate(self, st: RunState, day: int) -> np.ndarray:
        """Boolean array over runs: does the condition hold on ``day`` (an int day)?"""
        raise NotImplementedError

    def since(self, st: RunState, day: int) -> np.ndarray | None:
        """Per run, the day from which the condition has held up to ``day``, when that comes from something
        decided after the calendar's phase of a step (a milestone, an election), so a calendar item that waits
        for it can be dated on that day; None when this kind cannot say (its runs keep the step's first day)."""
        return None

    def stays_true(self) -> bool:
        """Once it holds, does it hold on every later day? True for what reads a first time (held, count, stage,
        event, winner, after) and for all/any of such; a kind that cannot promise it answers False (the default
        for a kind without parts). The model checks compare a yes/no question across step lengths only then."""
        parts = self.children()
        return bool(parts) and all(c.stays_true() for c in parts)

    def reads_the_past(self) -> bool:
        """Evaluated later at an earlier ``day``, does it still give its truth on that day? (Yes when it reads
        dates that only move earlier: first days, events fired, election days; no when it reads the current
        state: presence, in force, the last time.)"""
        return all(c.reads_the_past() for c in self.children())

    def reads(self):
        """(what, id) for each thing of the run state the condition reads: ``("first", M)`` the first day milestone
        M happened, ``("count", M)`` how many times, ``("last", M)`` the last day, ``("in_force", M)`` whether it
        is still in force, ``("event", E)`` the day an event, shock or occasion fired, ``("election", G)`` its
        winner, ``("actor", A)`` whether A is taking part, ``("date", D)`` a date reference (a fixed day, or a
        milestone's or event's day). A replay of an observed history (``outside_view.replay``) asks it which of them
        the record leaves unknown. Combinations answer for their parts; a kind without parts answers for itself."""
        parts = self.children()
        if not parts:
            raise NotImplementedError(f"{type(self).__name__} must say what it reads")
        for c in parts:
            yield from c.reads()

    @classmethod
    def example(cls, draw, pool: Pool, sub) -> dict | None:
        """A random instance for property tests (``testing.scenarios``), as YAML data; None if the pool
        offers nothing this kind could name. ``draw`` is hypothesis's; ``sub()`` draws a nested condition."""
        return None


class Pool:
    """What generated conditions may name: milestones, events, elections with candidates, actors, ladders."""

    def __init__(self, milestones, events, elections, actors, ladders, day, deep: bool):
        self.milestones, self.events, self.elections = milestones, events, elections
        self.actors, self.ladders, self.day, self.deep = actors, ladders, day, deep


def _ref_day(st: RunState, ref) -> np.ndarray | int:
    """A date reference as an int day, or per run: the day an event or milestone first happened (NEVER if not)."""
    fixed = st.c.static_day(ref)
    if fixed is not None:
        return fixed
    if ref in st.c.mi:
        return st.first_day[:, st.c.mi[ref]]
    return st.fired_day[:, st.c.fi[ref]]


# ----------------------------------------------------------------------------- milestones

@kind
class Held(Condition):
    """Milestone X has happened, at least once."""

    key: ClassVar[str] = "held"
    held: MilestoneRef

    def stays_true(self):
        return True

    def check(self, ctx, path):
        ctx.ref((*path, "held"), self.held, "milestone")

    def milestones(self):
        return [self.held]

    def mentions(self, c, wanted=True):
        yield self.held, wanted

    def demand(self, c):
        from .words import milestone_phrase, verb

        return f"{milestone_phrase(c, self.held)} {verb(c.milestone.get(self.held))}"  # 'the Talks meeting held'

    def label(self, w):
        return f"{w.name(self.held)} has happened"

    def reads(self):
        yield "first", self.held

    @classmethod
    def example(cls, draw, pool, sub):
        from hypothesis import strategies as st

        return {"held": draw(st.sampled_from(pool.milestones))} if pool.milestones else None

    def evaluate(self, st, day):
        return st.first_day[:, st.c.mi[self.held]] <= day

    def since(self, st, day):
        return st.first_day[:, st.c.mi[self.held]]


class Several(Strict):
    """``{any: [a, b, ...]}``: several milestones (or events) a question reads together: the first date of any of
    them (``date_of``), or their times added up (``count``)."""

    any: list[MilestoneRef] = Field(min_length=2, description="two or more different milestones (or events)")

    @model_validator(mode="after")
    def _distinct(self):
        if len(set(self.any)) != len(self.any):
            twice = next(t for t in self.any if self.any.count(t) > 1)
            raise ValueError(f"'{twice}' is named twice: name each milestone once")
        return self

    def ids(self) -> list[str]:
        return list(self.any)

    def words(self, w) -> str:
        names = [w.name(t) for t in self.any]
        return ", ".join(names[:-1]) + " or " + names[-1]


def one_or_several(what: str):
    """A milestone id (``what``), or ``{any: [a, b, ...]}`` for several: anything else is refused in one sentence."""
    def pick(v):
        return "Several" if isinstance(v, (dict, Several)) else "One" if isinstance(v, str) else None

    return Annotated[Union[Annotated[MilestoneRef, Tag("One")], Annotated[Several, Tag("Several")]],
                     Discriminator(pick, custom_error_type="one_or_several",
                                   custom_error_message=f"expected a single {what} id, or {{any: [a, b]}} for "
                                                        "several")]


class CountSpec(Strict):
    of: one_or_several("milestone") = Field(description="a milestone, or {any: [...]}: the times any of several "
                                            "happened, added up")
    at_least: int = Field(ge=1)

    @property
    def targets(self) -> list[str]:
        return self.of.ids() if isinstance(self.of, Several) else [self.of]


@kind
class Count(Condition):
    """Milestone X has happened at least n times."""

    key: ClassVar[str] = "count"
    count: CountSpec

    def stays_true(self):
        return True

    def check(self, ctx, path):
        if isinstance(self.count.of, Several):
            for i, t in enumerate(self.count.of.any):
                ctx.ref((*path, "count", "of", "any", i), t, "milestone")
        else:
            ctx.ref((*path, "count", "of"), self.count.of, "milestone")

    def milestones(self):
        # several added up: none of them alone is required
        return [] if isinstance(self.count.of, Several) else [self.count.of]

    def mentions(self, c, wanted=True):
        for t in self.count.targets:
            yield t, wanted

    def label(self, w):
        if isinstance(self.count.of, Several):
            return f"{self.count.of.words(w)} have happened at least {self.count.at_least} times in all"
        return f"{w.name(self.count.of)} has happened at least {self.count.at_least} times"

    def reads(self):
        for t in self.count.targets:
            yield "count", t

    @classmethod
    def example(cls, draw, pool, sub):
        from hypothesis import strategies as st

        if not pool.milestones:
            return None
        return {"count": {"of": draw(st.sampled_from(pool.milestones)), "at_least": draw(st.integers(1, 3))}}

    def evaluate(self, st, day):
        n = 0
        for t in self.count.targets:
            j = st.c.mi[t]
            # at most one holding per step: one dated after `day` is the last one
            last = st.last_day[:, j]
            n = n + (st.count[:, j] - ((last > day) & (last < NEVER)))
        return n >= self.count.at_least


class OrderSpec(Strict):
    first: MilestoneRef = Field(description="the milestone that must come first")
    then: MilestoneRef = Field(description="the milestone that must not have come before it")


@kind
class Order(Condition):
    """Milestone A has happened, and B had not happened before it (B may come later, or never): "A before B".
    Both in the same step count as not before (a run dates what happens in a step by the step's first day); to
    require that B happened too, add ``held: B``."""

    key: ClassVar[str] = "order"
    order: OrderSpec

    def stays_true(self):
        return True

    def check(self, ctx, path):
        ctx.ref((*path, "order", "first"), self.order.first, "milestone")
        ctx.ref((*path, "order", "then"), self.order.then, "milestone")
        if self.order.first == self.order.then:
            ctx.error((*path, "order", "then"), "'first' and 'then' name the same milestone: name two")

    def milestones(self):
        return [self.order.first]

    def mentions(self, c, wanted=True):
        yield self.order.first, wanted
        yield self.order.then, not wanted

    def label(self, w):
        return f"{w.name(self.order.first)} has happened before {w.name(self.order.then)}"

    def reads(self):
        yield "first", self.order.first
        yield "first", self.order.then

    @classmethod
    def example(cls, draw, pool, sub):
        from hypothesis import strategies as st

        if len(pool.milestones) < 2:
            return None
        a, b = draw(st.lists(st.sampled_from(pool.milestones), min_size=2, max_size=2, unique=True))
        return {"order": {"first": a, "then": b}}

    def evaluate(self, st, day):
        a = st.first_day[:, st.c.mi[self.order.first]]
        return (a <= day) & (a < st.first_day[:, st.c.mi[self.order.then]])

    def since(self, st, day):
        return st.first_day[:, st.c.mi[self.order.first]]


class ForceSpec(Strict):
    of: MilestoneRef
    for_days: int = Field(default=1, ge=1)


@kind
class InForce(Condition):
    """Milestone X has happened and has not broken down (for at least ``for_days`` consecutive days)."""

    key: ClassVar[str] = "in_force"
    in_force: MilestoneRef | ForceSpec

    @property
    def spec(self) -> ForceSpec:
        return self.in_force if isinstance(self.in_force, ForceSpec) else ForceSpec(of=self.in_force)

    def check(self, ctx, path):
        sub = (*path, "in_force") + (("of",) if isinstance(self.in_force, ForceSpec) else ())
        ctx.ref(sub, self.spec.of, "milestone")

    def milestones(self):
        return [self.spec.of]

    def mentions(self, c, wanted=True):
        yield self.spec.of, wanted

    def label(self, w):
        s = self.spec
        tail = f" for {s.for_days} consecutive days" if s.for_days > 1 else ""
        return f"{w.name(s.of)} is in force{tail}"

    @classmethod
    def example(cls, draw, pool, sub):
        from hypothesis import strategies as st

        if not pool.milestones:
            return None
        m = draw(st.sampled_from(pool.milestones))
        return {"in_force": {"of": m, "for_days": draw(st.integers(1, 30))} if draw(st.booleans()) else m}

    def evaluate(self, st, day):
        s = self.spec
        since = st.force_since[:, st.c.mi[s.of]].astype(np.int64)
        return since <= day - (s.for_days - 1)

    def since(self, st, day):
        # in force for longer than a day becomes true on a day the next calendar phase may already see
        return st.force_since[:, st.c.mi[self.spec.of]] if self.spec.for_days == 1 else None

    def reads_the_past(self):
        return False  # a breakdown clears 'since'

    def reads(self):
        yield "in_force", self.spec.of


class StageSpec(Strict):
    ladder: Id
    at_least: Id


@kind
class Stage(Condition):
    """Concession ladder L has reached stage S (or a later one)."""

    key: ClassVar[str] = "stage"
    stage: StageSpec

    def stays_true(self):
        return True

    def check(self, ctx, path):
        if ctx.ref((*path, "stage", "ladder"), self.stage.ladder, "ladder"):
            stages = ctx.ladder_stages[self.stage.ladder]
            ctx.ref((*path, "stage", "at_least"), self.stage.at_least, "stage", pool=stages)

    def _milestone(self, c) -> str | None:
        return c.stage_milestone(self.stage.ladder, self.stage.at_least)

    def milestones(self):
        # stage S of ladder L is the milestone L.S (the starting stage is none: readers keep known ids only)
        return [f"{self.stage.ladder}.{self.stage.at_least}"]

    def mentions(self, c, wanted=True):
        m = self._milestone(c)
        if m is not None:
            yield m, wanted

    def demand(self, c):
        from .words import _lower_first, short

        if self.stage.ladder not in c.ladders:
            return super().demand(c)
        stage = c.words.name(f"{self.stage.ladder}.{self.stage.at_least}")
        return f"{short(c, c.ladders[self.stage.ladder][0])}'s {_lower_first(stage)}"  # "Turkey's statement of intent"

    def label(self, w):
        return f"{w.name(self.stage.ladder)} has reached '{w.name(self.stage.ladder + '.' + self.stage.at_least)}'"

    @classmethod
    def example(cls, draw, pool, sub):
        from hypothesis import strategies as st

        if not pool.ladders:
            return None
        lad = draw(st.sampled_from(sorted(pool.ladders)))
        return {"stage": {"ladder": lad, "at_least": draw(st.sampled_from(pool.ladders[lad]))}}

    def evaluate(self, st, day):
        m = self._milestone(st.c)
        if m is None:  # the starting stage holds from the start
            return np.ones(st.n, bool)
        return st.first_day[:, st.c.mi[m]] <= day

    def since(self, st, day):
        m = self._milestone(st.c)
        return None if m is None else st.first_day[:, st.c.mi[m]]

    def reads(self):
        yield "first", f"{self.stage.ladder}.{self.stage.at_least}"  # the starting stage is no milestone


class WithinSpec(Strict):
    of: MilestoneRef
    days: int = Field(ge=1, le=3660)


@kind
class Within(Condition):
    """Milestone X last happened no more than ``days`` days ago (talks "in the past month")."""

    key: ClassVar[str] = "within"
    within: WithinSpec

    def check(self, ctx, path):
        ctx.ref((*path, "within", "of"), self.within.of, "milestone")

    def milestones(self):
        return [self.within.of]  # it must have happened (lately)

    def mentions(self, c, wanted=True):
        yield self.within.of, wanted

    def label(self, w):
        return f"{w.name(self.within.of)} has happened in the last {self.within.days} days"

    @classmethod
    def example(cls, draw, pool, sub):
        from hypothesis import strategies as st

        if not pool.milestones:
            return None
        return {"within": {"of": draw(st.sampled_from(pool.milestones)), "days": draw(st.integers(1, 60))}}

    def evaluate(self, st, day):
        last = st.last_day[:, st.c.mi[self.within.of]]
        return (last <= day) & (last > day - self.within.days)

    def reads_the_past(self):
        return False  # a later holding replaces the last day

    def reads(self):
        yield "last", self.within.of


# ----------------------------------------------------------------------------- events and elections

#: an event, shock or occasion id, or a one-shot result of a milestone (``<milestone>.success``/``.failure``,
#: lang/outcomes.py)
EventRef = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]+)?$", max_length=130)]


@kind
class Event(Condition):
    """A dated event, shock or occasion E has happened."""

    key: ClassVar[str] = "event"
    event: EventRef

    def stays_true(self):
        return True

    def check(self, ctx, path):
        ctx.ref((*path, "event"), self.event, "event")

    def milestones(self):
        return []  # an event, shock or occasion is no milestone

    def label(self, w):
        return f"{w.name(self.event)} has happened"

    def reads(self):
        yield "event", self.event

    @classmethod
    def example(cls, draw, pool, sub):
        from hypothesis import strategies as st

        return {"event": draw(st.sampled_from(pool.events))} if pool.events else None

    def evaluate(self, st, day):
        return st.fired_day[:, st.c.fi[self.event]] <= day


class WinnerSpec(Strict):
    election: Id
    is_: Id = Field(alias="is")

    model_config = Strict.model_config | {"populate_by_name": True}


@kind
class Winner(Condition):
    """Actor A has won election E."""

    key: ClassVar[str] = "winner"
    winner: WinnerSpec

    def stays_true(self):
        return True

    def check(self, ctx, path):
        w = self.winner
        if ctx.ref((*path, "winner", "election"), w.election, "election"):
            ctx.ref((*path, "winner", "is"), w.is_, f"candidate of election '{w.election}'",
                    pool=ctx.candidates[w.election])

    def milestones(self):
        return []

    def winners(self):
        yield self.winner.is_

    def label(self, w):
        return f"{w.name(self.winner.is_)} has won the {w.name('election.' + self.winner.election)}"

    @classmethod
    def example(cls, draw, pool, sub):
        from hypothesis import strategies as st

        if not pool.elections:
            return None
        e = draw(st.sampled_from(sorted(pool.elections)))
        return {"winner": {"election": e, "is": draw(st.sampled_from(pool.elections[e]))}}

    def evaluate(self, st, day):
        g = st.c.gi[self.winner.election]
        want = st.c.candidate_index(self.winner.election, self.winner.is_)
        return (st.winner[:, g] == want) & (st.winner_day[:, g] <= day)

    def since(self, st, day):
        return st.winner_day[:, st.c.gi[self.winner.election]]

    def reads(self):
        yield "election", self.winner.election


class ElectionSoonSpec(Strict):
    days: int = Field(ge=1, le=3660, description="how many days ahead")
    election: Id | None = Field(default=None, description="one election of the calendar (default: any of them)")


@kind
class BeforeElection(Condition):
    """An election comes within ``days`` days: the day is before its round 1 and at most ``days`` days before it
    (``election``: that one; else any election of the calendar). A suspension "before an election" is a milestone
    that ``requires`` it. It reads the calendar's fixed dates only, so it holds alike on both engines and in every
    run."""

    key: ClassVar[str] = "before_election"
    before_election: ElectionSoonSpec

    def check(self, ctx, path):
        spec = self.before_election
        if spec.election is not None:
            ctx.ref((*path, "before_election", "election"), spec.election, "election")
        elif not ctx.pools.get("election"):
            ctx.error((*path, "before_election"), "the calendar has no election (calendar.elections)")

    def milestones(self):
        return []  # a date, no milestone

    def label(self, w):
        spec = self.before_election
        what = "an election" if spec.election is None else f"the {w.name('election.' + spec.election)}"
        return f"{what} comes within {spec.days} days"

    def reads(self):
        if self.before_election.election is not None:
            yield "date", f"election.{self.before_election.election}.round1"

    @classmethod
    def example(cls, draw, pool, sub):
        from hypothesis import strategies as st

        if not pool.elections:
            return None
        spec = {"days": draw(st.integers(1, 120))}
        if draw(st.booleans()):
            spec["election"] = draw(st.sampled_from(sorted(pool.elections)))
        return {"before_election": spec}

    def evaluate(self, st, day):
        spec, c = self.before_election, st.c
        ids = [spec.election] if spec.election is not None else [e.id for e in c.elections]
        rounds = [c.static_day(f"election.{e}.round1") for e in ids]
        soon = any(r - spec.days <= day < r for r in rounds)
        return np.full(st.n, soon)


@kind
class Present(Condition):
    """Actor A is taking part: it has entered and not left."""

    key: ClassVar[str] = "present"
    present: Id

    def check(self, ctx, path):
        ctx.ref((*path, "present"), self.present, "actor")

    def milestones(self):
        return []

    def label(self, w):
        return f"{w.name(self.present)} is taking part"

    @classmethod
    def example(cls, draw, pool, sub):
        from hypothesis import strategies as st

        return {"present": draw(st.sampled_from(pool.actors))}

    def evaluate(self, st, day):
        return st.present[:, st.c.ai[self.present]].copy()

    def reads_the_past(self):
        return False  # presence now, whatever the day

    def reads(self):
        yield "actor", self.present


# ----------------------------------------------------------------------------- dates

@kind
class Before(Condition):
    """The day is before date D (a named date may be an event: before it has happened)."""

    key: ClassVar[str] = "before"
    before: DateRef

    def check(self, ctx, path):
        ctx.date((*path, "before"), self.before)

    def milestones(self):
        return []  # before X holds while X has not happened

    def mentions(self, c, wanted=True):
        if self.before in c.mi:  # before X holds while X has not happened
            yield self.before, not wanted

    def label(self, w):
        return f"before {w.date(self.before)}"

    def reads(self):
        yield "date", self.before

    @classmethod
    def example(cls, draw, pool, sub):
        return {"before": pool.day()}

    def evaluate(self, st, day):
        return np.broadcast_to(day < _ref_day(st, self.before), (st.n,)).copy()


@kind
class After(Condition):
    """The day is on or after date D."""

    key: ClassVar[str] = "after"
    after: DateRef

    def stays_true(self):
        return True

    def check(self, ctx, path):
        ctx.date((*path, "after"), self.after)

    def milestones(self):
        return [self.after] if isinstance(self.after, str) else []  # on or after X: X has happened

    def mentions(self, c, wanted=True):
        if self.after in c.mi:
            yield self.after, wanted

    def label(self, w):
        return f"on or after {w.date(self.after)}"

    def reads(self):
        yield "date", self.after

    @classmethod
    def example(cls, draw, pool, sub):
        from hypothesis import strategies as st

        return {"after": draw(st.sampled_from(["start", pool.day()]))}

    def evaluate(self, st, day):
        return np.broadcast_to(day >= _ref_day(st, self.after), (st.n,)).copy()


@kind
class Between(Condition):
    """The day lies within [D1, D2], both included."""

    key: ClassVar[str] = "between"
    between: tuple[DateRef, DateRef]

    def check(self, ctx, path):
        a = ctx.date((*path, "between", 0), self.between[0])
        b = ctx.date((*path, "between", 1), self.between[1])
        if a is not None and b is not None and b < a:
            ctx.error((*path, "between"), f"the window ends ({describe_date(self.between[1])}) before it starts "
                      f"({describe_date(self.between[0])})")

    def milestones(self):
        first = self.between[0]  # the window opens when it happens; its end need not have
        return [first] if isinstance(first, str) else []

    def label(self, w):
        return f"between {w.date(self.between[0])} and {w.date(self.between[1])}"

    def reads(self):
        for ref in self.between:
            yield "date", ref

    def mentions(self, c, wanted=True):
        for ref, helps in zip(self.between, (wanted, not wanted)):
            if ref in c.mi:
                yield ref, helps

    @classmethod
    def example(cls, draw, pool, sub):
        return {"between": sorted((pool.day(), pool.day()))}

    def evaluate(self, st, day):
        lo, hi = _ref_day(st, self.between[0]), _ref_day(st, self.between[1])
        return np.broadcast_to((day >= lo) & (day <= hi) & (np.asarray(lo) < NEVER), (st.n,)).copy()


# ----------------------------------------------------------------------------- combinations

@kind
class All(Condition):
    """Every one of the listed conditions holds."""

    key: ClassVar[str] = "all"
    all: list[AnyCondition] = Field(min_length=1)

    def children(self):
        return list(self.all)

    def milestones(self):
        return [m for c in self.all for m in c.milestones()]  # each one is required

    def check(self, ctx, path):
        for i, c in enumerate(self.all):
            c.check(ctx, (*path, "all", i))

    def label(self, w):
        return " and ".join(_paren(c, w) for c in self.all)

    @classmethod
    def example(cls, draw, pool, sub):
        from hypothesis import strategies as st

        return {"all": [sub() for _ in range(draw(st.integers(1, 3)))]} if pool.deep else None

    def evaluate(self, st, day):
        out = self.all[0].evaluate(st, day)
        for c in self.all[1:]:
            out &= c.evaluate(st, day)
        return out

    def since(self, st, day):
        days = [c.since(st, day) for c in self.all]
        return None if any(d is None for d in days) else np.maximum.reduce(days)


@kind
class Any_(Condition):
    """At least one of the listed conditions holds."""

    key: ClassVar[str] = "any"
    any: list[AnyCondition] = Field(min_length=1)

    def children(self):
        return list(self.any)

    def milestones(self):
        return []  # any one of them would do: none is a prerequisite

    def check(self, ctx, path):
        for i, c in enumerate(self.any):
            c.check(ctx, (*path, "any", i))

    def label(self, w):
        return " or ".join(_paren(c, w) for c in self.any)

    @classmethod
    def example(cls, draw, pool, sub):
        from hypothesis import strategies as st

        return {"any": [sub() for _ in range(draw(st.integers(1, 3)))]} if pool.deep else None

    def evaluate(self, st, day):
        out = self.any[0].evaluate(st, day)
        for c in self.any[1:]:
            out |= c.evaluate(st, day)
        return out


@kind
class Not(Condition):
    """The condition does not hold."""

    key: ClassVar[str] = "not"
    not_: AnyCondition = Field(alias="not")

    model_config = Strict.model_config | {"populate_by_name": True}

    def stays_true(self):
        return False

    def children(self):
        return [self.not_]

    def milestones(self):
        return []

    def check(self, ctx, path):
        self.not_.check(ctx, (*path, "not"))

    def mentions(self, c, wanted=True):
        yield from self.not_.mentions(c, not wanted)

    def label(self, w):
        return f"not ({self.not_.label(w)})"

    @classmethod
    def example(cls, draw, pool, sub):
        return {"not": sub()} if pool.deep else None

    def evaluate(self, st, day):
        return ~self.not_.evaluate(st, day)


def _paren(c: Condition, w) -> str:
    text = c.label(w)
    return f"({text})" if isinstance(c, (All, Any_)) else text


# ----------------------------------------------------------------------------- the union

def _kind_of(value: Any) -> str | None:
    """The tag of a condition: its class name (never a data key, so error locations stay unambiguous)."""
    if isinstance(value, dict):
        keys = [k for k in value if k in KINDS]
        return KINDS[keys[0]].__name__ if len(keys) == 1 and len(value) == 1 else None
    return type(value).__name__ if isinstance(value, Condition) else None


AnyCondition = Annotated[
    Union[tuple(Annotated[cls, Tag(cls.__name__)] for cls in KINDS.values())],  # every registered kind
    Discriminator(_kind_of, custom_error_type="condition",
                  custom_error_message="a condition is a mapping with one key, one of: " + ", ".join(KINDS)),
]


def walk(c: Condition):
    """The condition and every condition inside it."""
    yield c
    for child in c.children():
        yield from walk(child)


class When(Strict):
    """A field holding one condition (validates a condition alone)."""

    when: AnyCondition
