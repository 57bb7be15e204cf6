"""The model's global constants: what `diplosim calibrate` fits and a scenario's `defaults: FILE` applies.

A constant acts on one class of parameters in every scenario, after each run's values are drawn and
before any ``--set`` override: at its neutral value (1) it changes nothing, so an uncalibrated
scenario runs exactly as written. One small class per constant (its name, words, bounds, which
parameters it acts on, how):

- an **odds constant** ``m`` turns a weekly chance ``h`` into ``m h / (1 - h + m h)`` (the odds times m);
- a **scale constant** ``c`` multiplies the parameter: ``v * c``.

The draws are untouched, so runs with different constants use common random numbers.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def times_odds(values: np.ndarray, m: float) -> np.ndarray:
    """Chances ``values`` with their odds multiplied by ``m``: ``m h / (1 - h + m h)`` (a certainty stays one)."""
    o = m * values
    with np.errstate(invalid="ignore", divide="ignore"):
        out = o / (1.0 - values + o)
    return np.where(values >= 1.0, 1.0, out)


class Constant:
    name: str
    words: str
    low: float
    high: float
    neutral = 1.0

    def selects(self, name: str, unit: str | None, actors: frozenset[str]) -> bool:
        """Whether this constant acts on the parameter ``name`` (of ``unit``); ``actors``: the actor ids."""
        raise NotImplementedError

    def apply(self, values: np.ndarray, c: float) -> np.ndarray:
        raise NotImplementedError


class OddsConstant(Constant):
    """Multiplies the odds of a weekly chance."""

    short: tuple[str, ...] = ()

    def selects(self, name, unit, actors):
        owner, _, short = name.partition(".")  # a rule parameter: <actor>.<name>
        return owner in actors and short in self.short and unit in ("weekly_chance", "chance_per_offer")

    def apply(self, values, c):
        return times_odds(values, c)


class ScaleConstant(Constant):
    def apply(self, values, c):
        return values * c


class ProposalOdds(OddsConstant):
    name = "proposal_odds"
    words = "odds multiplier on every party's weekly chance of proposing a meeting or joint act"
    low, high = 0.05, 20.0
    short = ("initiative",)


class ConcessionOdds(OddsConstant):
    name = "concession_odds"
    words = "odds multiplier on every party's weekly chance of conceding a stage of a ladder"
    low, high = 0.05, 20.0
    short = ("concession_rate",)


class HazardOdds(OddsConstant):
    name = "hazard_odds"
    words = "odds multiplier on the 'hazard' rule's weekly hazard (own steps) and its chance of accepting an offer"
    low, high = 0.05, 20.0
    short = ("hazard", "acceptance")


class ShockOdds(OddsConstant):
    name = "shock_odds"
    words = "odds multiplier on the weekly hazards of shocks, occasions, entries and breakdowns"
    low, high = 0.05, 20.0

    def selects(self, name, unit, actors):
        owner, _, short = name.partition(".")
        is_rule_param = owner in actors and "." not in short
        return unit == "weekly_chance" and name.endswith(".hazard") and not is_rule_param


class SharpnessScale(ScaleConstant):
    name = "sharpness_scale"
    words = "factor on the logistic's sharpness (dynamics.sharpness) of the threshold-type rules"
    low, high = 0.1, 5.0

    def selects(self, name, unit, actors):
        return name == "dynamics.sharpness"


class StakesScale(ScaleConstant):
    name = "stakes_scale"
    words = "factor on every milestone's stakes and every ladder stage's cost"
    low, high = 0.2, 3.0

    def selects(self, name, unit, actors):
        owner, *rest = name.split(".")  # <milestone>.stakes, <milestone>.stakes.<actor>, <ladder>.<stage>.stakes
        return owner not in actors and "stakes" in rest


class PressureScale(ScaleConstant):
    name = "pressure_scale"
    words = "factor on every mediator's leverage (how much pressure a push adds)"
    low, high = 0.1, 5.0

    def selects(self, name, unit, actors):
        return name.partition(".")[0] in actors and ".leverage." in name


CONSTANTS: dict[str, Constant] = {c.name: c for c in (
    ProposalOdds(), ConcessionOdds(), HazardOdds(), ShockOdds(), SharpnessScale(), StakesScale(), PressureScale())}


def columns(names, units: Mapping[str, str], actors: frozenset[str]) -> dict[str, list[int]]:
    """Constant name -> the parameter columns (indices into ``names``) it acts on."""
    return {k: [i for i, n in enumerate(names) if const.selects(n, units.get(n), actors)]
            for k, const in CONSTANTS.items()}


def apply(values: np.ndarray, cols: Mapping[str, list[int]], constants: Mapping[str, float]) -> np.ndarray:
    """Values (..., n_params) with the constants applied (a copy; neutral constants are skipped)."""
    out = np.array(values, dtype=float, copy=True)
    for name, c in constants.items():
        idx = cols.get(name) or []
        if idx and c != CONSTANTS[name].neutral:
            out[..., idx] = CONSTANTS[name].apply(out[..., idx], float(c))
    return out
