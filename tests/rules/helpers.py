"""Small builders shared by the rule tests."""

import datetime as dt
from types import MappingProxyType

from simulator.rules import MediatorView, PartyView


def party_view(params, *, pressure=0.0, sharpness=8.0, weeks=0.0, held=()):
    return PartyView(actor="p", step=int(weeks), date=dt.date(2023, 1, 2) + dt.timedelta(weeks=weeks),
                     params=MappingProxyType(dict(params)), pressure=pressure, sharpness=sharpness,
                     weeks_to_election=None, held=frozenset(held), stages=MappingProxyType({}), weeks_elapsed=weeks)


def mediator_view(params, *, weeks_to_deadline=10.0, candidates=("a", "b"), attendees=None, leverage=None):
    attendees = attendees or {c: ("syria", "turkey") for c in candidates}
    return MediatorView(actor="m", step=0, date=dt.date(2023, 1, 2), params=MappingProxyType(dict(params)),
                        weeks_to_deadline=weeks_to_deadline, candidates=tuple(candidates), held=frozenset(),
                        attendees=MappingProxyType(attendees), leverage=MappingProxyType(leverage or {}))
