"""The decision-rule interface: what a rule sees and what it returns.

A rule is a small class, one per decision procedure, like Axelrod's
strategies. It receives a read-only snapshot of the state (``PartyView`` or
``MediatorView``) and the run's uniform draw for that decision, and returns a
decision. It never mutates the model: the model applies decisions, enforces
hard preconditions and records reasons. Rules are stateless: one instance
serves every run, so a rule must not keep anything between calls.

Party rules answer four questions, each with a ``Decision``:
``concede`` (move one stage up a concession ladder of cost ``cost``),
``propose`` (propose the next meeting, of stakes ``stakes``), ``accept``
(attend a proposed meeting; a refusal carries a reason) and ``waive`` (drop a
soft precondition whose waiver threshold is ``threshold``). Mediator rules
pick the meeting to push (``target``), how hard (``urgency``) and how to split
that pressure among the attendees (``pressure``).

Class attributes declare what the rule promises, so ``simulator.testing.check_rule``
can check it: ``deterministic_given_draws`` (same view and draw -> same
decision), ``draw_threshold`` (a decision is yes exactly when the draw
u < its probability), ``monotone_in_pressure`` (more pressure never lowers
the probability of accepting, conceding, proposing or waiving),
``respects_hard_preconditions`` (always true here: the model never lets a
rule accept past an unmet hard precondition) and ``params`` (the parameters
it reads, with ranges and, optionally, defaults used when a what-if switches
an actor to this rule).
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
    default: float | None = None  # filled in when `--set actor.rule=...` switches to a rule the actor lacks values for
    unit: str = ""  # "weekly_chance", "chance_per_offer" or "odds_multiplier" (lang/estimable.py)
    # the part of [low, high] generated test scenarios draw from (simulator.testing.scenarios), where the whole
    # range would make most of them say little (a horizon of ten years in a scenario of a few weeks); None: all of it
    test_range: tuple[float, float] | None = None

    @property
    def drawn(self) -> tuple[float, float]:
        """The range generated test scenarios draw this parameter from: ``test_range``, else [low, high]."""
        return self.test_range if self.test_range is not None else (self.low, self.high)


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
    weeks_elapsed: float = 0.0  # weeks since the calendar start


@dataclass(frozen=True)
class MediatorView:
    actor: str
    step: int
    date: dt.date
    params: Mapping[str, float]  # urgency.base, urgency.peak, urgency.ramp_weeks, urgency.after_deadline, leverage.*
    weeks_to_deadline: float  # negative once the deadline has passed
    candidates: tuple[str, ...]  # levels it may push now, in its priority order
    held: frozenset[str]
    attendees: Mapping[str, tuple[str, ...]] = MappingProxyType({})  # level (every candidate at least) -> attendees
    leverage: Mapping[str, float] = MappingProxyType({})  # party -> this mediator's leverage over it


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


def decide(u: float, prob: float, reason: str = "") -> Decision:
    """The common case: yes exactly when the draw falls below the probability; the reason explains a no."""
    return Decision(u < prob, prob, "" if u < prob else reason)


try:  # the ufunc np.clip calls, without its Python wrapper (a third of the cost on the small arrays of the array forms)
    clip_array = np._core.umath.clip
except AttributeError:  # pragma: no cover - another numpy layout
    clip_array = np.clip


def logistic_array(x: np.ndarray) -> np.ndarray:
    """Array form of ``logistic``, bit for bit.

    The scalar form computes exp(-x) for x >= 0 and exp(x) below: both are
    exp(-|x|), so one numpy exp serves both branches with the same bits.
    """
    e = np.exp(-np.abs(x))
    d = 1.0 + e
    return np.where(x >= 0, 1.0, e) / d  # one division: 1.0 / d and e / d, chosen first (same bits)


class RuleArray:
    """A rule's array form: its formulas for many runs at once, for the batch engine.

    It repeats the scalar form's floating-point operations in the same order
    (numpy's exp and power, which the scalar forms use too), so a decision
    taken for run r equals the scalar rule's decision for run r (``rule_properties``
    checks it: ``array_equals_scalar``). ``V`` is the (runs x parameters) value
    matrix; ``self.col`` the column of each of the rule's own parameters for
    the actor it decides for. A party rule's array form answers ``accept``,
    ``concede``, ``propose`` and ``waive`` (``V, P, t, k, size``: P the actor's
    pressure column, t the weeks elapsed, k the sharpness, size the stakes, cost
    or threshold, arrays over runs); a mediator rule's answers ``target(C, u)``
    (C the runs x pushes candidate levels, -1 for none; u the slot's uniforms,
    read with ``u[:]`` only by a rule that draws), ``urgency(V, weeks_to_deadline)``
    and ``pressure(leverages, urgency)`` (one leverage array per attendee, None
    for no leverage).
    """

    def __init__(self, params, index: Mapping[str, int], actor: str):
        self.col = {n: index[f"{actor}.{n}"] for n in params}

    def p(self, V: np.ndarray, name: str) -> np.ndarray:
        return V[:, self.col[name]]


class Rule:
    name: ClassVar[str]
    role: ClassVar[str]
    params: ClassVar[dict[str, ParamSpec]] = {}
    # its array form for the batch engine (a ``RuleArray`` subclass in the rule's own file), or None: the rule
    # then runs on the Mesa engine only. Not inherited (``__init_subclass__``): a subclass that changes a formula
    # must not keep its parent's array form; one that keeps them all says ``array = Parent.array``.
    array: ClassVar[type[RuleArray] | None] = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "array" not in vars(cls):
            cls.array = None
    deterministic_given_draws: ClassVar[bool] = True
    draw_threshold: ClassVar[bool] = True
    monotone_in_pressure: ClassVar[bool] = True
    respects_hard_preconditions: ClassVar[bool] = True  # the model enforces them; rules never see a bypass
    # the scenario-wide numbers it reads besides its own ``params`` (validation asks for them exactly when a
    # deciding actor's rule declares them; a number no rule reads may be left out of the scenario)
    scenario_numbers: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def array_form(cls, index: Mapping[str, int], actor: str) -> RuleArray:
        """The rule's array form for ``actor``, its parameters' columns taken from ``index``."""
        if cls.array is None:
            raise ValueError(f"rule '{cls.name}' has no array form")
        return cls.array(cls.params, index, actor)

    @classmethod
    def summary(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""

    @classmethod
    def label(cls) -> str:
        """The rule's name for people ('Deadline pressure'): its ``title`` if it states one, else its name in words."""
        return getattr(cls, "title", None) or cls.name.replace("_", " ").strip().capitalize()

    @classmethod
    def properties(cls) -> dict[str, bool]:
        """The declared properties, by name (what ``diplosim rules`` shows and ``check_rule`` checks)."""
        return {"deterministic_given_draws": cls.deterministic_given_draws, "draw_threshold": cls.draw_threshold,
                "monotone_in_pressure": cls.monotone_in_pressure,
                "respects_hard_preconditions": cls.respects_hard_preconditions}


class PartyRule(Rule):
    role = "party"
    scenario_numbers = ("dynamics.sharpness",)  # the view's ``sharpness``; a rule that ignores it says so

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
    needs_deadline: ClassVar[bool] = False  # a scenario must then give the mediation a `deadline`
    monotone_in_pressure = False  # a mediator applies pressure; it does not respond to it

    @classmethod
    def properties(cls) -> dict[str, bool]:
        """Only what applies to a mediator: it returns no yes/no Decisions and feels no pressure."""
        return {"deterministic_given_draws": cls.deterministic_given_draws,
                "respects_hard_preconditions": cls.respects_hard_preconditions}

    def target(self, v: MediatorView, u: float) -> str | None:
        """The candidate level to push this step, or None to push nothing."""
        raise NotImplementedError

    def urgency(self, v: MediatorView) -> float:
        """How hard to push, >= 0 (usually within [0, 1])."""
        raise NotImplementedError

    def pressure(self, v: MediatorView, target: str, urgency: float) -> Mapping[str, float]:
        """Pressure added to each attendee of ``target``: by default leverage x urgency (Beardsley's leverage)."""
        return {who: v.leverage.get(who, 0.0) * urgency for who in v.attendees[target]}
