"""Milestones: what can happen in a negotiation, one class per kind.

A **meeting** needs every attendee's consent (a host may be present); a
**joint** act needs the consent of a set of actors, any of whom may be a
mediator or host (an agreement, a communique, restored relations); a
**unilateral** step is taken by one actor alone (a concession, a designation
lifted, a military operation). Every milestone can be gated (``requires``),
asked about, carry a cost per actor, repeat, break down once in force, commit
others to follow-on milestones with deadlines, and change parameters when it
happens. Tracks (ladders of meetings) and concession ladders are short-hands
that expand to milestones (``expand``).
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, Union

from pydantic import BeforeValidator, Discriminator, Field, PrivateAttr, Tag, model_serializer, model_validator

from .spell_classes import ClassName
from .base import Id, MilestoneRef, Param, ParamChange, Sourced, Strict, without_unused
from .conditions import AnyCondition, Held
from .pace import Pace
from .worlds import Live, Spread
from .timeshape import Chance, CurveAdjust, chance_numbers, chance_ranges, chance_units, shape_of
from .outcomes import Outcome
from .stalls import PRESSURE_ODDS_RANGE, Freezes
from .commitments import FromClass, due_chance

#: who may put a meeting or joint act on the table (``proposed_by``; None: anyone, as before the field existed)
PROPOSERS = {"mediators": ("mediator",), "occasions": ("calendar",)}
ProposedBy = Literal["mediators", "occasions"]


#: fields added to milestones later, left out of dumps while unused (``base.without_unused``)
ADDED_LATER = ("pace", "proposed_by", "class", "class_", "live", "spread", "adjust", "outcome", "freezes",
               "pressure_odds")


MilestoneId = MilestoneRef


class Breakdown(Sourced):
    """Once in force, the milestone collapses with a weekly ``hazard``, or at once when ``when`` holds. The hazard
    may change with the time in force (a shape of ``lang/timeshape.py``: periods, weibull, not_before_days)."""

    hazard: Chance | None = None
    when: AnyCondition | None = None

    def shape(self):
        """The hazard's shape in time (``lang/timeshape.py``), or None for a constant weekly chance or none."""
        return shape_of(self.hazard)

    def sentences(self, c, owner, describe) -> list[str]:
        """A breakdown hazard that changes with the time in force, as a sentence (a constant one says nothing
        new)."""
        shape = self.shape()
        if shape is None:
            return []
        return [f"Once {c.words.name(owner.id)} is in force it can break down: {shape.words()}."]

    def shape_ranges(self, milestone: str) -> dict:
        return {} if self.shape() is None else chance_ranges(f"{milestone}.breakdown.hazard", self.hazard)

    def shape_units(self, milestone: str) -> dict:
        return {} if self.shape() is None else chance_units(f"{milestone}.breakdown.hazard", self.hazard)


class Commit(Strict):
    """A follow-on milestone that becomes due within ``within_days`` of this one; it binds when it states ``odds``
    (on the committed step's decisions until it is due) or ``on_breach`` (changes when the due day passes without
    the step, an event ``breached``): lang/commitments.py."""

    milestone: MilestoneRef
    within_days: int = Field(ge=1, le=3660)
    odds: Param | None = Field(default=None, description="binds: multiplies the odds of every decision on the "
                               "committed step until it is due: {odds_multiplier: 3, assumption: ...} or "
                               "from_reference")
    on_breach: list[ParamChange] = Field(default=[], description="changes applied when the due day passes "
                                         "without the committed step (an event 'breached')")
    chance_within_due: Annotated[Param | FromClass | None, BeforeValidator(due_chance)] = Field(
        default=None, description="binds: the committed step comes by its due day with this chance once nothing "
        "blocks it ({value: 0.7, assumption: ...}), or the share of a class of the outside view's dataset that "
        "came within the window ({class: implementation_step}); instead of 'odds' (lang/commitments.py)")

    @model_validator(mode="after")
    def _odds_or_chance(self):
        if self.odds is not None and self.chance_within_due is not None:
            raise ValueError("give 'odds' (a factor on the committed step's odds) or 'chance_within_due' (its chance "
                             "by the due day), not both")
        return self

    @model_serializer(mode="wrap")
    def _dump_without_unused(self, handler):
        """``odds``, ``on_breach`` and ``chance_within_due`` are left out of dumps while unused (the corpus keeps its
        content hashes)."""
        return without_unused(handler(self), ("odds", "on_breach", "chance_within_due"))

    def sentences(self, c, owner, describe) -> list[str]:
        """A binding commitment: 'When A happens, it commits to B within 30 days: until B is due, the odds of every
        decision on it are multiplied by 3; if the due day passes without B, the commitment is breached (an event)
        and then the weekly decay of pressure becomes 0.2.' Nothing for a commitment that does not bind."""
        if not self.binds:
            return []
        w = c.words
        target = w.name(self.milestone)
        said = []
        if self.odds is not None:
            lo, hi = self.odds.bounds
            said.append(f"until {target} is due, the odds of every decision on it are multiplied by "
                        f"{f'{lo:g}' if lo == hi else f'{lo:g} to {hi:g}'}")
        due = self.due_param()
        if due is not None:
            source = (f" (as often as its reference class came that soon)" if due is not self.chance_within_due
                      else "")
            said.append(f"{target} comes by its due day with a chance of {w.chance(due, describe)}{source} once "
                        "nothing else blocks it")
        if self.on_breach:
            changes = "; ".join(w.change(ch, c) for ch in self.on_breach)
            said.append(f"if the due day passes without {target}, the commitment is breached (an event) and then "
                        f"{changes}")
        return [f"When {w.name(owner.id)} happens, it commits to {target} within {self.within_days} days: "
                f"{'; '.join(said)}."]

    @property
    def binds(self) -> bool:
        """It raises the committed step's chance or its breach has effects (and is then an event and a column)."""
        return self.odds is not None or bool(self.on_breach) or self.chance_within_due is not None

    def due_param(self) -> Param | None:
        """Its chance within the due window as a parameter (from a class: the class curve's number)."""
        due = self.chance_within_due
        return due.param(self.within_days) if isinstance(due, FromClass) else due


class MilestoneBase(Sourced):
    kind_name: ClassVar[str]  # its noun for people: 'meeting', 'joint act', 'unilateral step'
    verb: ClassVar[str]  # what happening means for it: a meeting is 'held', a joint act 'agreed', a step 'taken'
    dash: ClassVar[str]  # its line style on the calendar chart (a plotly dash: 'solid', 'dash', 'dot', ...)
    marker: ClassVar[str]  # its mark on a run's timeline (a plotly marker symbol)
    marker_sizes: ClassVar[tuple[int, int]] = (12, 11)  # that mark's size on the timeline and in its legend
    proposable: ClassVar[bool] = True  # proposed, then consented to; else decided by its actor each week
    decision: ClassVar[str] = "accept"  # the rule method its actors decide with
    election_progress: ClassVar[bool] = False  # counts as progress for an election that names none (meetings do)

    id: MilestoneId
    name: str
    label: str | None = None
    requires: AnyCondition | None = Field(default=None, description="gate: cannot happen until this holds")
    stakes: Param | None = Field(default=None, description="cost of the step for each actor who must consent")
    costs: dict[Id, Param] = Field(default={}, description="cost per actor, overriding stakes")
    repeat: bool = Field(default=False, description="it can happen again; each time counts")
    breakdown: Breakdown | None = None
    commits: list[Commit] = []
    effects: list[ParamChange] = []
    pace: Pace | None = Field(default=None, description="per actor it needs, its own weekly chance to propose "
                              "(propose), accept (accept) or take (act) this step, overriding its rule for this step "
                              "only: {actor: {accept: {chance_within: {p: 0.6, days: 365}, assumption: ...}}}")
    proposed_by: ProposedBy | None = Field(default=None, description="who may put this meeting or joint act on the "
                                           "table: 'mediators' (only a mediator's push) or 'occasions' (only an "
                                           "occasion or a dated event); default: anyone (parties too)")
    class_: ClassName | None = Field(default=None, alias="class", description="its class in the outside view's "
                                     "vocabulary (docs/outside-view.md): the kind of step it is, given to its "
                                     "spells in a replay; its curve is the step's pace when no 'pace' is given "
                                     "(docs/outside-view.md)")
    adjust: CurveAdjust | None = Field(default=None, description="how this case departs from its class curve: "
                                       "{odds: 2, reason: ...} or {shift_days: 30, reason: ...}")
    live: Live | None = Field(default=None, description="live only in a share of runs, drawn once per run (dead all "
                              "period in the others: it never becomes possible): {share: 0.33, assumption: ...}")
    spread: Spread | None = Field(default=None, description="a per-run odds factor on every decision about this step, "
                                  "exp(odds_sd * z), drawn once per run: {odds_sd: 0.5, assumption: ...}")
    outcome: Outcome | None = Field(default=None, description="a one-shot result each time it happens: a success with "
                                    "a chance, else a failure (events <id>.success, <id>.failure): {success: {value: "
                                    "0.6, assumption: ...}, success_label: gas is found, failure_label: the well is dry}")
    freezes: Freezes | None = Field(default=None, description="when it happens, it freezes other milestones (or "
                                    "tracks) for a number of days, as a shock does: {milestones: [talks], days: "
                                    "{dist: uniform, low: 10, high: 60, assumption: ...}}")
    pressure_odds: Param | None = Field(default=None, description="a coercive act (a strike, an offensive) that "
                                        "pressure moves: the odds of its actors' decisions on it are multiplied by "
                                        "exp(pressure_odds * pressure on the actor); negative: pressure restrains it, "
                                        "positive: it provokes it (lang/stalls.py)")
    _listed_twice: ClassVar[str] = "an actor is listed twice"
    _track: str | None = PrivateAttr(default=None)  # set by the tracks and concessions short-hands
    _declared: object = PrivateAttr(default=None)  # a track level's own `requires`, as the file says it

    @model_serializer(mode="wrap")
    def _dump_without_unused(self, handler):
        return without_unused(handler(self), ADDED_LATER)

    @property
    def track(self) -> str | None:
        """The track or concession ladder this milestone was declared in, if any."""
        return self._track

    def put_by(self, who: str) -> bool:
        """May ``who`` ("party", "mediator" or "calendar": a dated event or occasion) put it on the table?"""
        return self.proposable and (self.proposed_by is None or who in PROPOSERS[self.proposed_by])

    def parameter_range(self, name: str) -> tuple[float, float]:
        """The allowed range of one of its numbers (``parameters``): a chance lies in [0, 1], a cost in [0, 2]."""
        own = {**(self.pace.ranges(self.id) if self.pace is not None else {}),
               **(self.breakdown.shape_ranges(self.id) if self.breakdown is not None else {}),
               **(self.adjust.ranges(self.id) if self.adjust is not None else {}),
               **(self.outcome.ranges(self.id) if self.outcome is not None else {}),
               **(self.freezes.ranges(self.id) if self.freezes is not None else {}),
               **({f"{self.id}.pressure_odds": PRESSURE_ODDS_RANGE} if self.pressure_odds is not None else {})}
        if name in own:
            return own[name]
        chance = name.endswith(".hazard")
        return (0, 1) if chance else (0, 2)

    def expanded_from(self, track: str, declared=None):
        """This milestone as declared inside a track or ladder (the short-hands call it)."""
        self._track, self._declared = track, declared
        return self

    @classmethod
    def __pydantic_init_subclass__(cls, **kw):
        super().__pydantic_init_subclass__(**kw)
        missing = [name for name in ("kind_name", "verb", "dash", "marker") if not hasattr(cls, name)]
        if missing:  # a kind must say its words and marks: none is inherited silently
            raise TypeError(f"milestone kind {cls.__name__} does not say its {', '.join(missing)}")

    def consenters(self) -> tuple[str, ...]:
        raise NotImplementedError

    def who_path(self, path: tuple, n: int) -> tuple:
        """Where the file names its n-th consenter (for error locations)."""
        return (*path, self._who_field, n) if self._who_field != "actor" else (*path, "actor")

    @classmethod
    def example(cls, draw, actors: list[str]) -> dict:
        """Its own fields (who takes part) drawn from ``actors`` for generated scenarios (``testing.scenarios``)."""
        from hypothesis import strategies as st

        return {"attendees": draw(st.lists(st.sampled_from(actors), min_size=1, max_size=len(actors), unique=True))}

    def others_present(self) -> tuple[str, ...]:
        return ()

    def stake_name(self, actor: str) -> str:
        """The dotted parameter giving this milestone's cost for one actor."""
        return f"{self.id}.stakes.{actor}" if actor in self.costs else f"{self.id}.stakes"

    def parameters(self, path: tuple):
        """(dotted name, Param, document path) of this milestone's numbers."""
        if self.stakes is not None:
            yield f"{self.id}.stakes", self.stakes, (*path, "stakes")
        for who, p in self.costs.items():
            yield f"{self.id}.stakes.{who}", p, (*path, "costs", who)
        if self.breakdown is not None and self.breakdown.hazard is not None:
            yield from chance_numbers(f"{self.id}.breakdown.hazard", self.breakdown.hazard,
                                         (*path, "breakdown", "hazard"))  # a shape in time: each of its numbers
        if self.pace is not None:
            yield from self.pace.parameters(self.id, path)
        if self.adjust is not None:
            yield from self.adjust.parameters(self.id, path)
        if self.outcome is not None:
            yield from self.outcome.parameters(self.id, path)
        if self.freezes is not None:
            yield from self.freezes.parameters(self.id, path)
        if self.pressure_odds is not None:
            yield f"{self.id}.pressure_odds", self.pressure_odds, (*path, "pressure_odds")

    def prerequisites(self) -> list[str]:
        """Milestones that must have happened first (what a mediator works toward)."""
        return [] if self.requires is None else list(dict.fromkeys(self.requires.milestones()))

    def check(self, ctx, path: tuple) -> None:
        if "." in self.id and self.track is None:
            ctx.error((*path, "id"), f"'{self.id}': milestone ids are letters, digits and _ (no '.')")
        who = self.consenters()
        for n, a in enumerate(who):
            if ctx.ref(self.who_path(path, n), a, "actor") and self.proposable \
                    and getattr(ctx.pools["actor"][a], "role", None) == "outside":
                ctx.error(self.who_path(path, n), f"'{a}' is outside the talks (role: outside) and sits at no table: "
                          "make it a party to take part, or give it a unilateral step")
        if len(set(who)) != len(who):
            ctx.error((*path, self._who_field), self._listed_twice)
        for a in self.costs:
            if a not in who:
                ctx.error((*path, "costs", a), f"'{a}' does not take part in '{self.id}' "
                          f"(it needs: {', '.join(who)})")
        if self.stakes is None and any(a not in self.costs for a in who):
            ctx.error(path, "required field missing: stakes (or a cost in 'costs' for every actor)")
        declared = self._declared if self.track is not None else self.requires
        if declared is not None:
            declared.check(ctx, (*path, "requires"))
        if self.breakdown is not None:
            if self.breakdown.hazard is None and self.breakdown.when is None:
                ctx.error((*path, "breakdown"), "give a weekly 'hazard', a 'when' condition, or both")
            if self.breakdown.when is not None:
                self.breakdown.when.check(ctx, (*path, "breakdown", "when"))
        for n, cm in enumerate(self.commits):
            if ctx.ref((*path, "commits", n, "milestone"), cm.milestone, "milestone") and cm.milestone == self.id:
                ctx.error((*path, "commits", n, "milestone"), "a milestone cannot commit to itself")
        if self.pace is not None:
            self.pace.check(ctx, path, self)
        if self.adjust is not None:
            self.adjust.check(ctx, path, self)
        if self.outcome is not None:
            self.outcome.check(ctx, path, self)
        if self.freezes is not None:
            self.freezes.check(ctx, path, self)
        if self.proposed_by is not None and not self.proposable:
            ctx.error((*path, "proposed_by"), f"a {self.noun()} is taken by its actor, not put on the table: "
                      "'proposed_by' is for meetings and joint acts")

    def check_proposers(self, ctx, path: tuple, sc) -> None:
        """``proposed_by`` against who can put it on the table in this scenario (one line each): ``mediators`` needs
        a mediator's push that leads to it (its goal, or a prerequisite on the way) and no occasion or dated event
        naming it; ``occasions`` needs an occasion that lists it or a dated event that proposes it (or a goal on
        whose way it lies)."""
        if self.proposed_by is None or not self.proposable:
            return
        cal, where = sc.calendar, (*path, "proposed_by")
        prereqs = {m.id: m.prerequisites() for m, _ in sc.all_milestones}

        def leads_here(goal):  # the milestones a push or proposal toward ``goal`` may reach (as the kernel's paths)
            seen, todo = set(), [goal]
            while todo:
                node = todo.pop()
                if node not in seen:
                    seen.add(node)
                    todo.extend(prereqs.get(node, ()))
            return self.id in seen

        said = f"'{self.id}' is put on the table only by mediators, but"
        if self.proposed_by == "mediators":
            if not any(leads_here(p.milestone) for med in sc.mediation for p in med.pushes):
                ctx.error(where, f"{said} no mediator's pushes lead to it" if sc.mediation else
                          f"{said} the scenario has no mediation")
            for o in cal.occasions:
                if self.id in o.milestones:
                    ctx.error(where, f"{said} occasion '{o.id}' lists it")
            for e in cal.events:
                if e.proposes is not None and not e.proposes.toward and e.proposes.target == self.id:
                    ctx.error(where, f"{said} dated event '{e.id}' proposes it")
        elif not (any(self.id in o.milestones for o in cal.occasions)
                  or any(e.proposes is not None and (e.proposes.target == self.id
                                                     or (e.proposes.toward and leads_here(e.proposes.toward)))
                         for e in cal.events)):
            ctx.error(where, f"'{self.id}' is put on the table only at occasions, but no occasion lists it and no "
                      "dated event proposes it")

    def noun(self) -> str:
        return self.kind_name

    def phrase(self, name: str) -> str:
        """It inside a sentence, given its name for people ('the Foreign ministers meeting'; by default the name)."""
        return name

    def stakes_words(self, name: str, phrase: str, consenters: list[str]) -> str:
        """Its ``stakes`` parameter in words, given its name, its ``phrase`` and the short names of its actors."""
        return f"Stakes of {phrase}"

    def table_words(self, w) -> list[str]:
        """Phrases for people on who may put it on the table and the actors' own chances for it (none by default)."""
        who = {"mediators": "put on the table only by mediators", "occasions": "put on the table only at occasions "
               "or dated events"}
        out = [who[self.proposed_by]] if self.proposed_by is not None else []
        if self.adjust is not None:
            out.append(f"adjusted from its class curve: {self.adjust.words()}")
        if self.outcome is not None:
            out.append(self.outcome.words(w, self.id))
        return out + (self.pace.describe(w) if self.pace is not None else [])

    #: who may put it on the table (``proposed_by``), as a sentence about it
    PUT_BY_WORDS: ClassVar[dict[str, str]] = {
        "mediators": "{name} is put on the table only by a mediator, never by a party.",
        "occasions": "{name} is put on the table only at an occasion or a dated event, never by a party."}

    def sentences(self, c, owner, describe) -> list[str]:
        """Its own constructs as sentences (its fields' classes say theirs: ``lang.words.construct_sentences``):
        who may put it on the table, and how pressure moves it when it is a coercive act."""
        name = c.words.name(self.id)
        out = [self.PUT_BY_WORDS[self.proposed_by].format(name=name)] if self.proposed_by is not None else []
        if self.pressure_odds is not None:
            lo, hi = self.pressure_odds.bounds
            how = ("less likely" if hi < 0 else "more likely" if lo > 0 else "more or less likely")
            whose = ("pressure about it and about the steps it stands in the way of" if c.scenario.pressure_scope
                     != "actor" else "pressure on its actor")
            out.append(f"{name} is a decision that pressure moves: {whose} makes it {how} (its odds are multiplied "
                       f"by exp({describe(self.pressure_odds)} x the pressure)).")
        return out

    def describe(self, w) -> str:
        """One line for people: what it is and who must agree."""
        who = ", ".join(w.name(a) for a in self.consenters())
        return f"{self.name} ({self.noun()}: {who})"


class Meeting(MilestoneBase):
    """A meeting: held when every attendee accepts."""

    kind_name: ClassVar[str] = "meeting"
    verb: ClassVar[str] = "held"
    dash: ClassVar[str] = "solid"
    marker: ClassVar[str] = "star"
    marker_sizes: ClassVar[tuple[int, int]] = (16, 14)
    election_progress: ClassVar[bool] = True
    _who_field: ClassVar[str] = "attendees"
    kind: Literal["meeting"] = "meeting"
    attendees: list[Id] = Field(min_length=1, description="actors who must all accept")
    host: Id | None = Field(default=None, description="present, need not accept")
    present: list[Id] = Field(default=[], description="others present who need not accept")

    def consenters(self):
        return tuple(self.attendees)

    def others_present(self):
        return tuple(([self.host] if self.host else []) + list(self.present))

    def phrase(self, name):
        """'the Foreign ministers meeting'; a name that is a clause of its own ('The two prime ministers meet in
        person') is quoted, and one that says it is a meeting ('Quartet meeting') gets no second 'meeting'."""
        first = name.split(" ", 1)[0].lower()
        if first in ("the", "a", "an"):
            return f"'{name}'"
        return f"the {name}" if name.lower().endswith("meeting") else f"the {name} meeting"

    def check(self, ctx, path):
        super().check(ctx, path)
        if self.host is not None:
            ctx.ref((*path, "host"), self.host, "actor")
        for n, a in enumerate(self.present):
            ctx.ref((*path, "present", n), a, "actor")


class Joint(MilestoneBase):
    """A joint act (agreement, communique, restored relations): needs the consent of every listed actor."""

    kind_name: ClassVar[str] = "joint act"
    verb: ClassVar[str] = "agreed"
    dash: ClassVar[str] = "dash"
    marker: ClassVar[str] = "hexagram"
    _who_field: ClassVar[str] = "attendees"
    kind: Literal["joint"] = "joint"
    attendees: list[Id] = Field(min_length=1, description="actors whose consent it needs")

    def consenters(self):
        return tuple(self.attendees)


class Unilateral(MilestoneBase):
    """A unilateral step by one actor: it decides each week once nothing blocks it."""

    kind_name: ClassVar[str] = "unilateral step"
    verb: ClassVar[str] = "taken"
    dash: ClassVar[str] = "dot"
    marker: ClassVar[str] = "diamond"
    proposable: ClassVar[bool] = False
    decision: ClassVar[str] = "concede"
    _who_field: ClassVar[str] = "actor"
    kind: Literal["unilateral"] = "unilateral"
    actor: Id

    def consenters(self):
        return (self.actor,)

    @classmethod
    def example(cls, draw, actors):
        from hypothesis import strategies as st

        return {"actor": draw(st.sampled_from(actors))}

    def stakes_words(self, name, phrase, consenters):
        return f"Cost to {consenters[0]} of '{name}'"


class Visit(MilestoneBase):
    """A visit: one actor's leader or envoy goes to another actor, who receives it (a state visit, a trip to a
    capital). It needs the consent of both: the visitor's to go and the host's to receive, so it is put on the table
    and accepted like a meeting; it is not counted as an election's progress unless the election names it. The
    worked example of a new milestone kind (docs/architecture.md): this class, its test and a docs line."""

    kind_name: ClassVar[str] = "visit"
    verb: ClassVar[str] = "paid"
    dash: ClassVar[str] = "dashdot"
    marker: ClassVar[str] = "triangle-up"
    _who_field: ClassVar[str] = "host"
    _listed_twice: ClassVar[str] = "the visitor cannot be its own host"
    kind: Literal["visit"] = "visit"
    visitor: Id = Field(description="the actor who visits")
    host: Id = Field(description="the actor who receives the visit")

    def consenters(self):
        return (self.visitor, self.host)

    def who_path(self, path, n):
        return (*path, ("visitor", "host")[n])

    @classmethod
    def example(cls, draw, actors):
        from hypothesis import strategies as st

        visitor, host = draw(st.lists(st.sampled_from(actors), min_size=2, max_size=2, unique=True))
        return {"visitor": visitor, "host": host}

    def describe(self, w) -> str:
        return f"{self.name} (visit: {w.name(self.visitor)} to {w.name(self.host)})"

    def phrase(self, name):
        return f"the visit '{name}'"


KINDS = {"meeting": Meeting, "joint": Joint, "unilateral": Unilateral, "visit": Visit}


def _kind_of(v):
    if isinstance(v, dict):
        kind = v.get("kind", "meeting")
        cls = KINDS.get(kind) if isinstance(kind, str) else None  # a mapping or a list is no kind (nor hashable)
        return cls.__name__ if cls else None
    return type(v).__name__ if isinstance(v, MilestoneBase) else None


Milestone = Annotated[
    Union[tuple(Annotated[cls, Tag(cls.__name__)] for cls in KINDS.values())],
    Discriminator(_kind_of, custom_error_type="milestone",
                  custom_error_message="'kind' is one of: " + ", ".join(KINDS)),
]


# ----------------------------------------------------------------------------- short-hands

class TrackLevel(Sourced):
    """One rung of a track: a meeting that requires the rung below (and ``requires``, if given)."""

    id: Id
    name: str
    label: str | None = None
    attendees: list[Id] = Field(min_length=1)
    host: Id | None = None
    present: list[Id] = []
    stakes: Param | None = None
    costs: dict[Id, Param] = {}
    requires: AnyCondition | None = None
    repeat: bool = False
    breakdown: Breakdown | None = None
    commits: list[Commit] = []
    effects: list[ParamChange] = []
    pace: Pace | None = None
    proposed_by: ProposedBy | None = None
    class_: ClassName | None = Field(default=None, alias="class")
    adjust: CurveAdjust | None = None

    @model_serializer(mode="wrap")
    def _dump_without_unused(self, handler):
        return without_unused(handler(self), ADDED_LATER)


class Track(Strict):
    """A ladder of meetings on one track: each rung requires the one below."""

    id: Id
    name: str
    levels: list[TrackLevel] = Field(min_length=1)
    live: Live | None = Field(default=None, description="the whole track is live only in a share of runs, drawn once "
                              "per run: {share: 0.67, assumption: ...}")

    @model_serializer(mode="wrap")
    def _dump_without_unused(self, handler):
        return without_unused(handler(self), ADDED_LATER)

    def expand(self, path: tuple):
        from .conditions import All

        for j, lv in enumerate(self.levels):
            conds = [Held(held=self.levels[j - 1].id)] if j else []
            if lv.requires is not None:
                conds.append(lv.requires)
            req = None if not conds else conds[0] if len(conds) == 1 else All(all=conds)
            # the level's fields are validated already (a meeting has the same ones, and a kind)
            fields = {name: getattr(lv, name) for name in type(lv).model_fields if name != "requires"}
            m = Meeting.model_construct(**fields, requires=req)
            yield m.expanded_from(self.id, lv.requires), (*path, "levels", j)


class LadderStage(Strict):
    id: Id
    name: str
    cost: Param | None = Field(default=None, description="cost of reaching this stage; none for the first")
    pace: Pace | None = Field(default=None, description="the ladder's actor's own weekly chance to take this "
                              "stage ({actor: {act: ...}}), overriding its rule for this stage only")
    class_: ClassName | None = Field(default=None, alias="class", description="its class in the outside view's "
                                     "vocabulary, as a milestone's")
    adjust: CurveAdjust | None = Field(default=None, description="how this stage departs from its class curve, as "
                                       "a milestone's")

    @model_serializer(mode="wrap")
    def _dump_without_unused(self, handler):
        return without_unused(handler(self), ADDED_LATER)


class ConcessionLadder(Sourced):
    """Stages of one actor's concessions: stage s is the unilateral milestone ``<ladder>.<s>``."""

    id: Id
    actor: Id
    name: str
    stages: list[LadderStage] = Field(min_length=2, description="the first stage is the starting state")
    live: Live | None = Field(default=None, description="the whole ladder is live only in a share of runs, drawn "
                              "once per run (in the others its actor concedes nothing): {share: 0.5, assumption: ...}")

    @model_serializer(mode="wrap")
    def _dump_without_unused(self, handler):
        return without_unused(handler(self), ADDED_LATER)

    def milestone_id(self, stage: str) -> str | None:
        return None if stage == self.stages[0].id else f"{self.id}.{stage}"

    def expand(self, path: tuple):
        for s, st in enumerate(self.stages[1:], start=1):
            prov = {"evidence": self.evidence} if self.evidence is not None else {"assumption": self.assumption}
            # built from validated parts (ids, a cost, a condition), so not validated again
            m = Unilateral.model_construct(
                id=f"{self.id}.{st.id}", name=st.name, actor=self.actor,
                stakes=st.cost if st.cost is not None else Param(value=0.0, assumption="missing cost"),
                requires=Held(held=f"{self.id}.{self.stages[s - 1].id}") if s > 1 else None, pace=st.pace,
                class_=st.class_, adjust=st.adjust, **prov)
            yield m.expanded_from(self.id), (*path, "stages", s)
