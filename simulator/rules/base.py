"""The decision-rule interface: what a rule sees and what it returns.

A rule is a small class, one per decision procedure, like Axelrod's
strategies. It receives a read-only snapshot of the state (``PartyView`` or
``MediatorView``) and the run's uniform draw for that decision, and returns a
decision. It never mutates the model: the model applies decisions, enforces
hard preconditions and records reasons.

Class attributes declare what the rule promises, so tests can check it:
``deterministic_given_draws`` (same view and draw -> same decision),
``monotone_in_pressure`` (more pressure never makes acceptance, concession or
waiving less likely) and ``params`` (the parameters it reads, with ranges).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar, Mapping

import numpy as np


@dataclass(frozen=True)
class ParamSpec:
    low: float
    high: float
    doc: str


@dataclass(frozen=True)
class PartyView:
    """What a party knows when it decides, in one step of one run."""

    actor: str
    step: int
    date: dt.date
    params: Mapping[str, float]  # this actor's own parameters, by short name
    pressure: float  # accumulated pressure from mediators (decayed weekly)
    sharpness: float  # slope of the logistic response (dynamics.sharpness)
    weeks_to_election: float | None  # None once round 1 is past or with no election
    held: frozenset[str]  # meeting levels held so far
    stages: Mapping[str, int]  # concession ladder id -> stage index reached


@dataclass(frozen=True)
class MediatorView:
    actor: str
    step: int
    date: dt.date
    params: Mapping[str, float]  # urgency.base, urgency.peak, urgency.ramp_weeks, urgency.after_deadline
    weeks_to_deadline: float  # negative once the deadline has passed
    candidates: tuple[str, ...]  # levels it may push now, in its priority order
    held: frozenset[str]


@dataclass(frozen=True)
class Decision:
    yes: bool
    probability: float  # the rule's probability of yes (for explanations)
    reason: str = ""


def logistic(x: float) -> float:
    """Numerically safe logistic function.

    Uses numpy's exp, not math.exp: the two differ in the last bit for a few
    per cent of inputs, and the vectorised batch engine must reproduce every
    decision of this scalar form exactly (numpy gives the same bits for a
    scalar and inside an array).
    """
    if x >= 0:
        return float(1.0 / (1.0 + np.exp(-x)))
    e = np.exp(x)
    return float(e / (1.0 + e))


def clip01(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


def frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


class Rule:
    name: ClassVar[str]
    role: ClassVar[str]
    params: ClassVar[dict[str, ParamSpec]] = {}
    deterministic_given_draws: ClassVar[bool] = True
    monotone_in_pressure: ClassVar[bool] = True
    respects_hard_preconditions: ClassVar[bool] = True  # the model enforces them; rules never see a bypass

    @classmethod
    def summary(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""


class PartyRule(Rule):
    role = "party"

    def willingness(self, v: PartyView) -> float:
        raise NotImplementedError

    def concede(self, v: PartyView, cost: float, u: float) -> Decision:
        raise NotImplementedError

    def propose(self, v: PartyView, stakes: float, u: float) -> Decision:
        raise NotImplementedError

    def accept(self, v: PartyView, stakes: float, u: float) -> Decision:
        raise NotImplementedError

    def waive(self, v: PartyView, threshold: float, u: float) -> Decision:
        raise NotImplementedError


class MediatorRule(Rule):
    role = "mediator"

    def target(self, v: MediatorView, u: float) -> str | None:
        raise NotImplementedError

    def urgency(self, v: MediatorView) -> float:
        raise NotImplementedError
