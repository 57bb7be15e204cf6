"""Numbers in units people can estimate, and their conversion to the model's weekly units.

An analyst rarely knows a "flexibility" but can often say "once nothing blocks it, there is a 60%
chance this happens within 90 days", "it usually takes about a month", or "a mediator's push
doubles the odds". Each of those is one small class here (schema, validation, conversion, label).

Conversions (the model steps once a week; ``h`` is a weekly chance, constant while nothing blocks):

- chance ``p`` within ``D`` days   ->  h = 1 - (1 - p) ** (7 / D)
- median delay ``M`` days          ->  h = 1 - 0.5 ** (7 / M)          (the chance within M days is 1/2)
- weekly chance ``h`` -> chance within ``D`` days: 1 - (1 - h) ** (D / 7); median delay: 7 ln 2 / -ln(1 - h)
- odds multiplier ``m`` on a weekly chance ``h``:  h' = m o / (1 + m o), o = h / (1 - h)

(A constant weekly chance makes the waiting time geometric, the discrete-time counterpart of the
exponential survival model; Box-Steffensmeier & Jones 2004.)
"""

from __future__ import annotations

import math
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

WEEK = 7.0
WEEKLY_CHANCE = "weekly_chance"  # a parameter's unit: a chance per weekly step
ODDS = "odds_multiplier"  # a parameter's unit: a factor on the odds of a weekly chance
#: a parameter's unit: a chance asked each time a step is on the table (accepting an offer). It is no waiting
#: time: it has no "chance within D days" or median delay, and is stated as a plain ``value`` in [0, 1]
PER_OFFER = "chance_per_offer"
CHANCES = (WEEKLY_CHANCE, PER_OFFER)  # the units whose values are probabilities


def hazard_from_chance(p: float, days: float) -> float:
    """Weekly chance h such that the chance of at least one event within ``days`` is ``p``."""
    if p >= 1.0:
        return 1.0
    return -math.expm1(math.log1p(-p) * WEEK / days)


def chance_from_hazard(h: float, days: float) -> float:
    """Chance of at least one event within ``days`` with weekly chance ``h``."""
    if h >= 1.0:
        return 1.0
    return -math.expm1(math.log1p(-h) * days / WEEK)


def hazard_from_median(days: float) -> float:
    return hazard_from_chance(0.5, days)


def median_from_hazard(h: float) -> float:
    """Median delay in days (continuous reading of the weekly chance); inf when h = 0."""
    if h <= 0.0:
        return math.inf
    if h >= 1.0:
        return 0.0
    return WEEK * math.log(2.0) / -math.log1p(-h)


def apply_odds(h: float, m: float) -> float:
    """A weekly chance ``h`` with its odds multiplied by ``m``."""
    if h >= 1.0:
        return 1.0
    o = m * h / (1.0 - h)
    return o / (1.0 + o)


class ChanceWithin(Strict):
    """``chance_within: {p: 0.6, days: 90}``: chance it happens within ``days`` once nothing blocks it.

    Optional ``low``/``high`` (chances too) make the parameter uncertain: a triangular distribution of the
    weekly chance with its low, mode and high converted from ``low``, ``p`` and ``high``.
    """

    p: float = Field(description="chance within the window, 0..1")
    days: float = Field(description="length of the window in days, > 0")
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _valid(self):
        for name in ("p", "low", "high"):
            v = getattr(self, name)
            if v is not None and not 0.0 <= v <= 1.0:
                raise ValueError(f"chance_within.{name} must lie within [0, 1] (got {v:g})")
        if not (self.days > 0 and math.isfinite(self.days)):
            raise ValueError(f"chance_within.days must be a positive number of days (got {self.days:g})")
        if (self.low is None) != (self.high is None):
            raise ValueError("chance_within: give both 'low' and 'high', or neither")
        if self.low is not None and not (self.low <= self.p <= self.high and self.low < self.high):
            raise ValueError("chance_within: need low <= p <= high and low < high")
        return self

    unit: ClassVar[str] = WEEKLY_CHANCE

    def abstract(self) -> dict:
        """The Param fields this stands for (weekly chance)."""
        h = lambda q: hazard_from_chance(q, self.days)  # noqa: E731
        if self.low is None:
            return {"dist": "fixed", "value": h(self.p)}
        return {"dist": "triangular", "low": h(self.low), "mode": h(self.p), "high": h(self.high)}

    def label(self) -> str:
        rng = "" if self.low is None else f" ({self.low:.0%} to {self.high:.0%})"
        return f"{self.p:.0%}{rng} chance within {self.days:g} days"

    @classmethod
    def example(cls, draw, assumption: str, ranged: bool = False) -> dict:
        """A random Param mapping stated in this form, for property tests (``testing.scenarios``); ``ranged``
        gives it a ``low``/``high`` around ``p``. ``draw`` is hypothesis's."""
        from hypothesis import strategies as st

        p = round(draw(st.floats(0.01, 0.99)), 3)
        form = {"p": p, "days": draw(st.integers(1, 400))}
        if ranged:
            form.update(low=round(p / 2, 4), high=round((1 + p) / 2, 4))
        return {"chance_within": form, "assumption": assumption}

    @classmethod
    def ranged_example(cls, draw, assumption: str) -> dict:
        """``example`` with a range."""
        return cls.example(draw, assumption, ranged=True)


class MedianDelay(Strict):
    """``median_delay_days: 30``: half the time it takes longer than this once nothing blocks it."""

    days: float

    @model_validator(mode="after")
    def _valid(self):
        if not (self.days > 0 and math.isfinite(self.days)):
            raise ValueError(f"median_delay_days must be a positive number of days (got {self.days:g})")
        return self

    unit: ClassVar[str] = WEEKLY_CHANCE

    def abstract(self) -> dict:
        return {"dist": "fixed", "value": hazard_from_median(self.days)}

    def label(self) -> str:
        return f"median delay {self.days:g} days"

    @classmethod
    def example(cls, draw, assumption: str) -> dict:
        """A random Param mapping stated in this form, for property tests (``testing.scenarios``)."""
        from hypothesis import strategies as st

        return {"median_delay_days": draw(st.integers(1, 400)), "assumption": assumption}


class OddsMultiplier(Strict):
    """``odds_multiplier: 2``: a modifier that multiplies the odds of a weekly chance (1 = no effect)."""

    factor: float

    @model_validator(mode="after")
    def _valid(self):
        if not (self.factor >= 0 and math.isfinite(self.factor)):
            raise ValueError(f"odds_multiplier must be a finite number >= 0 (got {self.factor:g})")
        return self

    unit: ClassVar[str] = ODDS

    def abstract(self) -> dict:
        return {"dist": "fixed", "value": self.factor}

    def label(self) -> str:
        return f"odds x{self.factor:g}"


#: The Param fields of the estimable forms (a Param states at most one of them).
FIELDS = ("chance_within", "median_delay_days", "odds_multiplier")


def given_field(param) -> str | None:
    """The estimable field a Param states, or None; ValueError if it states more than one."""
    given = [n for n in FIELDS if getattr(param, n, None) is not None]
    if len(given) > 1:
        raise ValueError(f"give one of {' or '.join(given)}, not both")
    return given[0] if given else None


def abstract_fields(param) -> dict:
    """The Param fields (dist, value, low, mode, high) its estimable form sets; ValueError if the Param also
    gives one of them with another value."""
    field = given_field(param)
    if field is None:
        return {}
    out = form_of(param).abstract()
    for name, v in out.items():
        old = getattr(param, name)
        if name in param.model_fields_set and old is not None and not (
                old == v or (isinstance(v, float) and abs(old - v) <= 1e-12 * max(1.0, abs(v)))):
            shown = f"{v:g}" if isinstance(v, float) else v
            raise ValueError(f"'{field}' sets {name} to {shown}; do not give '{name}' as well")
    return out


def form_of(param):
    """The estimable form a Param was stated in (ChanceWithin, MedianDelay, OddsMultiplier), or None."""
    if getattr(param, "chance_within", None) is not None:
        return param.chance_within
    if getattr(param, "median_delay_days", None) is not None:
        return MedianDelay(days=param.median_delay_days)
    if getattr(param, "odds_multiplier", None) is not None:
        return OddsMultiplier(factor=param.odds_multiplier)
    return None


def equivalents(value_low: float, value_high: float, unit: str) -> str:
    """Words for a parameter's estimable equivalent, given its abstract range and unit."""
    if unit == WEEKLY_CHANCE:
        def one(h):
            med = median_from_hazard(h)
            med_txt = "never" if math.isinf(med) else f"{med:.0f} days"
            within = ", ".join(f"{chance_from_hazard(h, d):.0%} within {d} days" for d in (30, 90, 365))
            return f"{within}, median delay {med_txt}"
        return one(value_low) if value_low == value_high else f"{one(value_low)} .. {one(value_high)}"
    if unit == ODDS:
        return f"odds x{value_low:g}" if value_low == value_high else f"odds x{value_low:g} .. x{value_high:g}"
    return ""
