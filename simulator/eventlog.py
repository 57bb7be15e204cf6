"""The event log's vocabulary: every kind of event a run logs (the ``kind`` column of ``layout.EVENT_COLUMNS``),
each one ``EventKind`` here with its name, its meaning in words and whose doing it is.

Readers of an event log (the charts, the explanations, the dashboard's week table) ask these objects instead of
comparing ``kind`` strings: ``BLOCKED.rows(events)`` are the blocked proposals of a pandas events table,
``BLOCKED.mask(kinds)`` the same as a boolean mask over a column of kinds, ``HAPPENED.rows(events)`` the rows
in which a milestone happened (held or acted), ``of(kind).on_calendar(actor)`` whether a logged row belongs to
the calendar rather than to an actor. A new kind of event is one ``EventKind`` here (and its sentence in
``lang.words.event_sentence``).
"""

from __future__ import annotations

from dataclasses import dataclass

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


PROPOSED = _Proposed("proposed", "a milestone was put on the table", True)
HELD = EventKind("held", "a meeting was held or a joint act agreed", False)
ACTED = EventKind("acted", "an actor took a unilateral step", True)
PUSHED = EventKind("pushed", "a mediator pushed for a milestone", True)
WAIVED = EventKind("waived", "an actor dropped a soft precondition", True)
BLOCKED = _NoActorOnCalendar("blocked", "a milestone on the table was postponed or not taken", True)
ELECTION = _NoActorOnCalendar("election", "an election round gave a result", True)
BROKE = EventKind("broke", "a milestone broke down", False)
SCHEDULED = EventKind("scheduled", "a dated event took place", False)
SHOCK = EventKind("shock", "a shock came", False)
OCCASION = EventKind("occasion", "an occasion took place", False)
EFFECT = EventKind("effect", "an effect came into force", False)
ENTERED = EventKind("entered", "an actor joined", True)
LEFT = EventKind("left", "an actor left", True)
OUTCOME = EventKind("outcome", "a step's one-shot result was drawn: a success or a failure", False)
BREACHED = EventKind("breached", "a commitment's due day passed without its step", False)

HAPPENED = EventGroup((HELD, ACTED))  # a milestone happened: held (proposable) or acted (a unilateral step)


class _Unregistered(EventKind):
    """A kind not declared here (logged by a plug-in, say): an actor's doing, named by its name."""

    def __post_init__(self):
        pass  # not one of the vocabulary's kinds


def of(name: str) -> EventKind:
    """The kind called ``name``; a name not declared here is an actor's doing, in words its name."""
    return EVENT_KINDS.get(name) or _Unregistered(name, name, True)
