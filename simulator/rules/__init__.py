"""Decision rules and their registry.

Rules are looked up by name. Built-in rules are listed here; installed
plugins (entry-point group ``simulator.rules``) and ``--plugin module:Class``
add to the same registry (``registry.py``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from .base import Decision, MediatorRule, MediatorView, ParamSpec, PartyRule, PartyView, Rule
from .deadline import DeadlinePressure
from .even_handed import EvenHanded
from .expected_utility import ExpectedUtility
from .hazard import ProportionalHazard
from .registry import ENTRY_POINT_GROUP, Registry, RulePluginError, check_rule_class, import_rule
from .threshold import ReservationThreshold
from .time_dependent import TimeDependentConcession

BUILTIN: dict[str, type[Rule]] = {r.name: r for r in (
    ReservationThreshold, TimeDependentConcession, ExpectedUtility, ProportionalHazard, DeadlinePressure,
    EvenHanded)}
DEFAULT_RULE = {"party": "threshold", "mediator": "deadline_pressure"}

_REGISTRY = Registry(BUILTIN)


class _Rules(Mapping):
    """Every available rule by name: built-ins, installed plugins and rules registered with ``register``. A
    built-in name is found without looking for installed plugins (scanning every installed distribution's
    entry points takes about 10 ms of each command's start-up); any other name, or the whole list, looks."""

    def __getitem__(self, name: str) -> type[Rule]:
        if name in _REGISTRY.builtin:  # a plug-in can never take a built-in's name (Registry.add)
            return _REGISTRY.builtin[name]
        return _REGISTRY.all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(_REGISTRY.all())

    def __len__(self) -> int:
        return len(_REGISTRY.all())


_RULES = _Rules()


def registry() -> Mapping[str, type[Rule]]:
    """Every available rule by name: built-ins, installed plugins and rules registered with ``register``."""
    return _RULES


def rule_source(name: str) -> str:
    """'built-in', 'plugin <distribution>' or '--plugin module:Class'."""
    return _REGISTRY.source(name)


def broken_plugins() -> dict[str, str]:
    _REGISTRY.all()
    return dict(_REGISTRY.broken)


def get_rule(name: str) -> type[Rule]:
    try:
        return registry()[name]
    except KeyError:
        raise KeyError(f"unknown rule '{name}' (known: {', '.join(sorted(registry()))})") from None


def register(cls: type[Rule], source: str = "registered in code") -> type[Rule]:
    """Add a rule class to the registry (usable as a class decorator); RulePluginError if it is not valid."""
    _REGISTRY.add(check_rule_class(cls, source), source)
    return cls


def unregister(name: str) -> None:
    _REGISTRY.remove(name)


@contextmanager
def registered(cls: type[Rule]):
    """Register a rule for the duration of a ``with`` block (tests)."""
    register(cls)
    try:
        yield cls
    finally:
        unregister(cls.name)


def load_plugin(spec: str) -> type[Rule]:
    """Import and register ``module:Class`` (the ``--plugin`` option); RulePluginError with one line if it fails."""
    cls = import_rule(spec)
    _REGISTRY.add(cls, f"--plugin {spec}")
    return cls


__all__ = [
    "BUILTIN", "DEFAULT_RULE", "ENTRY_POINT_GROUP", "Decision", "DeadlinePressure", "EvenHanded", "ExpectedUtility",
    "MediatorRule", "MediatorView", "ParamSpec", "ProportionalHazard", "PartyRule", "PartyView",
    "ReservationThreshold", "Rule",
    "RulePluginError", "TimeDependentConcession", "broken_plugins", "get_rule", "load_plugin", "register",
    "registered", "registry", "rule_source", "unregister",
]
