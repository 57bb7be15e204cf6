"""The event log's vocabulary: every kind of event a run logs (the ``kind`` column of ``layout.EVENT_COLUMNS``),
each one ``EventKind`` here with its name, its meaning in words and whose doing it is.

Readers of an event log (the charts, the explanations, the dashboard's week table) ask these objects instead of
comparing ``kind`` strings: ``BLOCKED.rows(events)`` are the blocked proposals of a pandas events table,
``BLOCKED.mask(kinds)`` the same as a boolean mask over a column of kinds, ``HAPPENED.rows(events)`` the rows
in which a milestone happened (held or acted), ``of(kind).on_calendar(actor)`` whether a logged row belongs to
the calendar rather than to an actor, ``sentence(c, kind, ...)`` a row as a sentence for people (each kind says
its own, with the scenario's names from ``lang.words``). A new kind of event is one ``EventKind`` here, with its
sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .lang import words as W

#: every kind of event, by name, in the order they are declared
EVENT_KINDS: dict[str, EventKind] = {}

_CALENDAR_PROPOSERS = ("calendar", "occasion")  # a proposal put on the table by a dated event or an occasion


@dataclass(frozen=True)
class EventKind:
    """One kind of logged event. ``by_actor``: an actor's own doing (the actor column names who did it), else
    something the calendar brings (a meeting held, a shock, an effect)."""

    name: str
    meaning: str  # words for people: what a row of this kind says happened
    by_actor: bool
    #: the sentence of a row of this kind (c, _Row) -> str; None: said by its name
    says: Callable | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        EVENT_KINDS[self.name] = self

    def mask(self, kinds):
        """A boolean mask over ``kinds`` (a pandas Series or numpy array of kind names): rows of this kind."""
        return kinds == self.name

    def rows(self, events):
        """The rows of this kind of a pandas events table."""
        return events[self.mask(events["kind"])]

    def on_calendar(self, actor: str) -> bool:
        """Does a row of this kind, logged with this ``actor`` column, belong to the calendar rather than to an
        actor's own doings?"""
        return not self.by_actor

    def sentence(self, c, milestone: str, actor: str, detail: str, step: int | None = None) -> str:
        """A row of this kind as a sentence built from the scenario's names (``c``: a compiled scenario)."""
        row = _Row(c, milestone, actor, detail, step)
        if self.says is not None:
            return self.says(c, row)
        return f"{row.who} {W.readable(self.name)} {row.what}".strip()


class _NoActorOnCalendar(EventKind):
    """A kind logged for an actor or, with an empty actor column, for the calendar (a proposal blocked by a
    shock; an election's result)."""

    def on_calendar(self, actor):
        return not actor


class _Proposed(EventKind):
    """A proposal: by an actor, or put on the table by a dated event or an occasion (``calendar:``/``occasion:``
    in the actor column)."""

    def on_calendar(self, actor):
        return actor.partition(":")[0] in _CALENDAR_PROPOSERS


@dataclass(frozen=True)
class EventGroup:
    """Several kinds asked about together (``HAPPENED``: a milestone held or taken)."""

    kinds: tuple[EventKind, ...]

    @property
    def names(self) -> list[str]:
        return [k.name for k in self.kinds]

    def mask(self, kinds):
        return kinds.isin(self.names) if hasattr(kinds, "isin") else _isin(kinds, self.names)

    def rows(self, events):
        return events[self.mask(events["kind"])]


def _isin(kinds, names):
    import numpy as np

    return np.isin(np.asarray(kinds, dtype=object), names)


# ----------------------------------------------------------------------------- each kind's sentence

class _Row:
    """One event row with its words at hand: ``who`` (the actor's short name), ``what`` (the milestone in a
    sentence), ``m`` (the milestone, if any)."""

    def __init__(self, c, milestone: str, actor: str, detail: str, step):
        self.milestone, self.actor, self.detail, self.step = milestone, actor, detail, step
        self.who = W.short(c, actor) if actor else ""
        self.what = W.milestone_phrase(c, milestone) if milestone else ""
        self.m = c.milestone.get(milestone) if milestone else None


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _proposed(c, r):
    if PROPOSED.on_calendar(r.actor):
        return f"{W.proposer_name(c, r.actor)} put {r.what} on the table"
    return f"{r.who} proposed {r.what}"


def _held(c, r):
    return _capital(f"{r.what} was {r.m.verb if r.m is not None else 'held'}")


def _acted(c, r):
    if r.m is not None and r.m.track in c.ladders:
        return f"{r.who} conceded: {W._lower_first(c.words.name(r.milestone))}"
    return f"{r.who} took the step: {W._lower_first(c.words.name(r.milestone))}"


def _pushed(c, r):
    return f"{r.who} pushed for {r.what}"


def _waived(c, r):
    pre = next((p for p in c.scenario.preconditions if p.id == r.detail), None)
    need = W.requirement(c, pre) if pre is not None else c.words.name(r.detail)
    return f"{r.who} dropped its demand for {need} before {r.what}"


def _blocked(c, r):
    held_back = "not taken" if r.m is not None and not r.m.proposable else "postponed"
    return _capital(f"{r.what} {held_back}: {W.blocked_sentence(c, r.actor, r.detail)}")


def _election(c, r):
    return W.election_sentence(c, r.actor, r.detail, r.step)


def _broke(c, r):
    return _capital(f"{r.what} broke down")


def _took_place(c, r):
    return f"{c.words.name(r.detail)} took place"


def _shock(c, r):
    return f"Shock: {c.words.name(r.detail)}"


def _entered(c, r):
    return f"{r.who} joined"


def _left(c, r):
    return f"{r.who} left"


def _outcome(c, r):
    return f"Result of {r.what}: {W._lower_first(c.words.name(r.detail))}"


def _breached(c, r):
    return (f"{_capital(r.what)} did not come by its due day: the commitment made with {c.words.name(r.detail)} "
            "was breached")


def _effect(c, r):
    return f"Effect: {c.words.name(r.detail)}"


# ----------------------------------------------------------------------------- the kinds

PROPOSED = _Proposed("proposed", "a milestone was put on the table", True, says=_proposed)
HELD = EventKind("held", "a meeting was held or a joint act agreed", False, says=_held)
ACTED = EventKind("acted", "an actor took a unilateral step", True, says=_acted)
PUSHED = EventKind("pushed", "a mediator pushed for a milestone", True, says=_pushed)
WAIVED = EventKind("waived", "an actor dropped a soft precondition", True, says=_waived)
BLOCKED = _NoActorOnCalendar("blocked", "a milestone on the table was postponed or not taken", True, says=_blocked)
ELECTION = _NoActorOnCalendar("election", "an election round gave a result", True, says=_election)
BROKE = EventKind("broke", "a milestone broke down", False, says=_broke)
SCHEDULED = EventKind("scheduled", "a dated event took place", False, says=_took_place)
SHOCK = EventKind("shock", "a shock came", False, says=_shock)
OCCASION = EventKind("occasion", "an occasion took place", False, says=_took_place)
EFFECT = EventKind("effect", "an effect came into force", False, says=_effect)
ENTERED = EventKind("entered", "an actor joined", True, says=_entered)
LEFT = EventKind("left", "an actor left", True, says=_left)
OUTCOME = EventKind("outcome", "a step's one-shot result was drawn: a success or a failure", False, says=_outcome)
BREACHED = EventKind("breached", "a commitment's due day passed without its step", False, says=_breached)

HAPPENED = EventGroup((HELD, ACTED))  # a milestone happened: held (proposable) or acted (a unilateral step)


class _Unregistered(EventKind):
    """A kind not declared here (logged by a plug-in, say): an actor's doing, named by its name."""

    def __post_init__(self):
        pass  # not one of the vocabulary's kinds


def sentence(c, kind: str, milestone: str, actor: str, detail: str, step: int | None = None) -> str:
    """One event of a run (a row of the events table) as a sentence built from the scenario's names, said by its
    kind; a kind not declared here (a plug-in's) is said by its name."""
    return of(kind).sentence(c, milestone, actor, detail, step)


def of(name: str) -> EventKind:
    """The kind called ``name``; a name not declared here is an actor's doing, in words its name."""
    return EVENT_KINDS.get(name) or _Unregistered(name, name, True)
