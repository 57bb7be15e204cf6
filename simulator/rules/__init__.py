"""Decision rules and their registry.

Rules are looked up by name. Built-in rules are registered here; issue-level
extensions (entry points, ``--plugin``) add to the same registry.
"""

from __future__ import annotations

from .base import Decision, MediatorRule, MediatorView, ParamSpec, PartyRule, PartyView, Rule
from .deadline import DeadlinePressure
from .threshold import ReservationThreshold

BUILTIN: dict[str, type[Rule]] = {r.name: r for r in (ReservationThreshold, DeadlinePressure)}
DEFAULT_RULE = {"party": "threshold", "mediator": "deadline_pressure"}


def registry() -> dict[str, type[Rule]]:
    return dict(BUILTIN)


def get_rule(name: str) -> type[Rule]:
    try:
        return registry()[name]
    except KeyError:
        raise KeyError(f"unknown rule '{name}' (known: {', '.join(sorted(registry()))})") from None


__all__ = [
    "BUILTIN", "DEFAULT_RULE", "Decision", "MediatorRule", "MediatorView", "ParamSpec",
    "PartyRule", "PartyView", "Rule", "get_rule", "registry",
]
