"""Chances that change with time: a step's own chance (``pace``) as a shape over the days since it became possible.

A pace number (``lang/pace.py``) is a constant weekly chance. Any of them may instead be one of these shapes,
each a class here (schema, check, parameters, words, evaluation):

```yaml
pace:
  iran:
    accept:                               # a list of periods, each with its own weekly chance
      periods:
        - {until_days: 30, chance_within: {p: 0.1, days: 30}}
        - {until_days: 180, median_delay_days: 60}
        - {value: 0}                      # the last period lasts from then on
      assumption: "..."
  saudi:
    propose: {weibull: {median_days: 120, shape: 1.5}, assumption: "..."}   # a Weibull waiting time
  gcc:
    act: {not_before_days: 10, median_delay_days: 30, assumption: "..."}  # a lead time, then a weekly chance
```

The clock of a shape starts the first day the step could happen in that run (its gate held, its actors present;
for a repeatable step, again after each time it happens), or, with ``since: DATE``, on that date (before it the
chance is nought). With ``H(t)`` the shape's cumulative hazard at ``t`` days, the chance in a step of ``s`` days
starting ``t`` days into the clock is ``1 - exp(-(H(t + s) - H(t)))``: the chance of the event in that step given
that it did not happen before, so the forecast does not depend on the step length.

A **class curve** (``class_curve``) is the shape the outside view gives a classed milestone whose pace its author
does not state (``outside_view/views.py``): the reference class's chance by day, counted from the dataset; its
``H`` is ``-ln(1 - chance)``, linear between the counted days, and beyond the last counted day the average hazard
of the curve's last counted half-year continues. A milestone's ``adjust:`` (``CurveAdjust``) moves it: ``odds``
multiplies the odds of each week's chance, ``shift_days`` moves the curve later (negative: earlier).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, ClassVar

import numpy as np
from pydantic import Discriminator, Field, Tag, model_validator

from .base import Param, Sourced, Strict
from .estimable import WEEK, WEEKLY_CHANCE, ChanceWithin
from .spell_classes import ClassName

#: a cumulative hazard that stands for "certain by now" (a weekly chance of 1): large, finite (no inf - inf)
_CERTAIN = 1e12
#: the horizons at which ``params`` states a shape's effective chance
HORIZONS = (30, 90, 365)


def daily_rate(h):
    """The constant daily hazard of a weekly chance ``h`` (arrays)."""
    h = np.asarray(h, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(h >= 1.0, _CERTAIN, -np.log1p(-np.minimum(h, 1.0)) / WEEK)


def _param(value: dict, owner) -> Param:
    """A Param of ``value`` carrying ``owner``'s provenance (evidence or assumption)."""
    prov = {"evidence": owner.evidence} if owner.evidence is not None else {"assumption": owner.assumption}
    return Param.model_validate({**value, **prov})


class Shape(Sourced):
    """A chance that changes with time (base). ``since``: count the days from this date instead of from the day
    the step became possible."""

    form: ClassVar[str]
    since: dt.date | None = Field(default=None, description="count the time from this date instead of from the "
                                  "day the step became possible (before it: no chance)")

    # -------- numbers
    def numbers(self) -> list[tuple[str, Param, tuple, tuple[float, float], str | None]]:
        """(name suffix, Param, document path suffix, allowed range, unit or None) of each number."""
        raise NotImplementedError

    def parameters(self, prefix: str, path: tuple):
        for suffix, p, sub, _, _ in self.numbers():
            yield f"{prefix}.{suffix}", p, (*path, *sub)

    def ranges(self, prefix: str) -> dict[str, tuple[float, float]]:
        return {f"{prefix}.{suffix}": rng for suffix, _, _, rng, _ in self.numbers()}

    def units(self, prefix: str) -> dict[str, str]:
        return {f"{prefix}.{suffix}": unit for suffix, _, _, _, unit in self.numbers() if unit}

    def columns(self, index: dict, prefix: str) -> dict[str, int]:
        return {suffix: index[f"{prefix}.{suffix}"] for suffix, *_ in self.numbers()}

    def stated(self) -> dict[str, float]:
        """Each number at its central value (the words of ``params``)."""
        return {suffix: float(np.mean(p.bounds)) for suffix, p, *_ in self.numbers()}

    # -------- evaluation
    def cumhaz(self, v: dict[str, np.ndarray], t: np.ndarray) -> np.ndarray:
        """The cumulative hazard ``H(t)`` at ``t >= 0`` days, with the numbers ``v`` (suffix -> values per run)."""
        raise NotImplementedError

    def within(self, days: float, v: dict | None = None) -> float:
        """The chance it happens within ``days`` of the clock's start (numbers at their stated values)."""
        v = {k: np.array([x]) for k, x in (v or self.stated()).items()}
        return float(-np.expm1(-self.cumhaz(v, np.array([float(days)]))[0]))

    def effective(self) -> str:
        """'12% within 30 days, 40% within 90 days, 81% within 365 days' (at the stated numbers)."""
        return ", ".join(f"{self.within(d):.0%} within {d} days" for d in HORIZONS)

    def label(self) -> str:
        raise NotImplementedError

    def words(self) -> str:
        since = f", counted from {self.since.isoformat()}" if self.since is not None else ""
        return f"{self.label()}{since} ({self.effective()})"

    @classmethod
    def example(cls, draw, st, start: dt.date) -> dict:
        """A pace value of this shape for the scenario generator (``testing/scenarios.py``), sometimes counted
        since a date."""
        out = {**cls.draw_shape(draw, st), "assumption": "Generated for a property test."}
        if draw(st.integers(0, 3)) == 0:
            out["since"] = start + dt.timedelta(days=draw(st.integers(0, 200)))
        return out

    @classmethod
    def draw_shape(cls, draw, st) -> dict:
        raise NotImplementedError


class Period(Strict):
    """One period of ``periods``: its weekly chance in an estimable form, until ``until_days`` (the last: from
    then on)."""

    until_days: float | None = Field(default=None, description="the period ends this many days after the clock "
                                     "starts (none on the last period: it lasts from then on)")
    value: float | None = Field(default=None, description="weekly chance")
    chance_within: ChanceWithin | None = None
    median_delay_days: float | None = Field(default=None, gt=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _one_chance(self):
        given = [n for n in ("value", "chance_within", "median_delay_days") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("a period gives its chance as one of 'value' (a weekly chance), 'chance_within' or "
                             "'median_delay_days'" + (f", not {' and '.join(given)}" if given else ""))
        return self

    def chance(self) -> dict:
        return self.model_dump(exclude_none=True, exclude={"until_days"})


class Periods(Shape):
    """``periods: [...]``: the chance changes at stated days since the clock started."""

    form: ClassVar[str] = "periods"
    periods: list[Period] = Field(min_length=1, description="periods in order, each with its weekly chance")

    @model_validator(mode="after")
    def _ordered(self):
        *head, last = self.periods
        if last.until_days is not None:
            raise ValueError(f"periods: the last period has no until_days (it lasts from then on; got "
                             f"{last.until_days:g})")
        prev = 0.0
        for i, p in enumerate(head):
            if p.until_days is None:
                raise ValueError(f"periods: period {i + 1} needs until_days (only the last lasts from then on)")
            if not (p.until_days > prev and math.isfinite(p.until_days)):
                raise ValueError(f"periods: until_days must increase, starting above 0 (period {i + 1}: "
                                 f"{p.until_days:g} after {prev:g})")
            prev = p.until_days
        return self

    @classmethod
    def draw_shape(cls, draw, st):
        n = draw(st.integers(1, 3))
        ends = sorted(set(draw(st.lists(st.integers(1, 300), min_size=n - 1, max_size=n - 1, unique=True))))
        def chance():
            form = draw(st.sampled_from(["value", "median", "within"]))
            if form == "value":
                return {"value": round(draw(st.floats(0, 1)), 3)}
            if form == "median":
                return {"median_delay_days": draw(st.integers(1, 300))}
            return {"chance_within": {"p": round(draw(st.floats(0.01, 0.99)), 3), "days": draw(st.integers(1, 300))}}
        return {"periods": [{"until_days": e, **chance()} for e in ends] + [chance()]}

    def numbers(self):
        return [(f"periods.{i}", _param(p.chance(), self), ("periods", i), (0, 1), WEEKLY_CHANCE)
                for i, p in enumerate(self.periods)]

    def cumhaz(self, v, t):
        out = np.zeros(np.broadcast_shapes(np.shape(t), np.shape(v["periods.0"])))
        start = 0.0
        for i, p in enumerate(self.periods):
            end = math.inf if p.until_days is None else p.until_days
            overlap = np.clip(t, start, end) - start
            out = out + np.where(overlap > 0, daily_rate(v[f"periods.{i}"]) * overlap, 0.0)
            start = end
        return out

    def label(self) -> str:
        parts, start = [], 0.0
        for p, (_, param, *_rest) in zip(self.periods, self.numbers()):
            form = param.estimable
            what = form.label() if form is not None else f"weekly chance {param.bounds[0]:.0%}"
            span = f"days {start:g} to {p.until_days:g}" if p.until_days is not None else f"from day {start:g}"
            parts.append(f"{span}: {what}")
            start = p.until_days or start
        return "; ".join(parts)


class WeibullSpec(Strict):
    median_days: float = Field(description="half the time it takes longer than this")
    shape: float = Field(description="above 1 the chance rises with time, below 1 it falls, 1: constant")

    @model_validator(mode="after")
    def _valid(self):
        if not (self.median_days > 0 and math.isfinite(self.median_days)):
            raise ValueError(f"weibull.median_days must be a positive number of days (got {self.median_days:g})")
        if not (self.shape > 0 and math.isfinite(self.shape)):
            raise ValueError(f"weibull.shape must be a number > 0 (got {self.shape:g})")
        return self


class Weibull(Shape):
    """``weibull: {median_days: M, shape: k}``: a Weibull waiting time, ``S(t) = 0.5 ** ((t / M) ** k)``."""

    form: ClassVar[str] = "weibull"
    weibull: WeibullSpec

    @classmethod
    def draw_shape(cls, draw, st):
        return {"weibull": {"median_days": draw(st.integers(1, 400)),
                            "shape": round(draw(st.floats(0.3, 4.0)), 2)}}

    def numbers(self):
        return [("weibull.median_days", _param({"value": self.weibull.median_days}, self), ("weibull", "median_days"),
                 (1e-9, 1e6), None),
                ("weibull.shape", _param({"value": self.weibull.shape}, self), ("weibull", "shape"), (1e-9, 100.0),
                 None)]

    def cumhaz(self, v, t):
        m, k = v["weibull.median_days"], v["weibull.shape"]
        with np.errstate(divide="ignore"):
            return math.log(2.0) * np.power(np.maximum(t, 0.0) / m, k)

    def label(self) -> str:
        return f"Weibull waiting time, median {self.weibull.median_days:g} days, shape {self.weibull.shape:g}"


class LeadTime(Shape):
    """``not_before_days: L`` with a weekly chance: nothing for ``L`` days after the clock starts, then the chance."""

    form: ClassVar[str] = "lead time"
    not_before_days: float = Field(description="no chance during this many days after it becomes possible")
    value: float | None = Field(default=None, description="weekly chance after the lead time")
    chance_within: ChanceWithin | None = None
    median_delay_days: float | None = Field(default=None, gt=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _valid(self):
        if not (self.not_before_days >= 0 and math.isfinite(self.not_before_days)):
            raise ValueError(f"not_before_days must be a number of days >= 0 (got {self.not_before_days:g})")
        given = [n for n in ("value", "chance_within", "median_delay_days") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give the chance after the lead time as one of 'value' (a weekly chance), "
                             "'chance_within' or 'median_delay_days'" + (f", not {' and '.join(given)}" if given
                                                                          else ""))
        return self

    @classmethod
    def draw_shape(cls, draw, st):
        return {"not_before_days": draw(st.integers(0, 120)), "median_delay_days": draw(st.integers(1, 300))}

    def numbers(self):
        chance = self.model_dump(exclude_none=True, include={"value", "chance_within", "median_delay_days"})
        return [("chance", _param(chance, self), (), (0, 1), WEEKLY_CHANCE),
                ("not_before_days", _param({"value": self.not_before_days}, self), ("not_before_days",),
                 (0.0, 3660.0), None)]

    def cumhaz(self, v, t):
        return daily_rate(v["chance"]) * np.maximum(t - v["not_before_days"], 0.0)

    def label(self) -> str:
        chance = self.numbers()[0][1]
        form = chance.estimable
        what = form.label() if form is not None else f"weekly chance {chance.bounds[0]:.0%}"
        return f"not before {self.not_before_days:g} days, then {what}"


class CurveSpec(Strict):
    """A reference class's counted curve: the chance it has happened within each of ``days``."""

    class_: ClassName = Field(alias="class")
    days: list[float] = Field(min_length=2)
    chance: list[float] = Field(min_length=2)
    excluded: list[str] = Field(default=[], description="negotiations left out of the count")

    @model_validator(mode="after")
    def _valid(self):
        if len(self.days) != len(self.chance):
            raise ValueError("class_curve: give as many chances as days")
        if self.days[0] != 0 or any(b <= a for a, b in zip(self.days, self.days[1:])):
            raise ValueError("class_curve: days start at 0 and increase")
        if any(not 0.0 <= c <= 1.0 for c in self.chance) or any(b < a for a, b in zip(self.chance, self.chance[1:])):
            raise ValueError("class_curve: chances lie in [0, 1] and never fall")
        return self


class ClassCurveShape(Strict):
    """``class_curve: {class, days, chance}``: the outside view's pace of a classed step (``outside_view/views``).
    Its numbers come from the dataset, not from the author: they are not parameters (its milestone's ``adjust:``
    is)."""

    form: ClassVar[str] = "class curve"
    #: why the step was postponed in a week whose chance did not come up: the class's pace, not an actor's refusal
    #: (``Pace.block_reason``; its words: ``lang/words.py`` ``reason_text``)
    block_reason: ClassVar[str] = "class_curve"
    class_curve: CurveSpec
    since: ClassVar[None] = None
    #: the share of the curve's last counted days whose average hazard continues past its last day
    TAIL_DAYS: ClassVar[float] = 182.0

    def numbers(self):
        return []

    parameters = Shape.parameters
    ranges = Shape.ranges
    units = Shape.units
    columns = Shape.columns
    within = Shape.within
    effective = Shape.effective
    words = Shape.words

    def stated(self):
        return {}

    def _points(self):
        days = np.asarray(self.class_curve.days, dtype=float)
        with np.errstate(divide="ignore"):
            H = -np.log1p(-np.asarray(self.class_curve.chance, dtype=float))
        H = np.minimum(H, _CERTAIN)
        H[0] = 0.0  # what happened on the day it became possible is spread over the curve's first stretch
        first = days[-1] - min(self.TAIL_DAYS, days[-1])
        tail = (H[-1] - np.interp(first, days, H)) / max(days[-1] - first, 1e-9)
        return days, H, tail

    def cumhaz(self, v, t):
        days, H, tail = self._points()
        t = np.asarray(t, dtype=float)
        return np.where(t <= days[-1], np.interp(t, days, H), H[-1] + tail * (t - days[-1]))

    def label(self) -> str:
        from .spell_classes import CLASSES

        name = self.class_curve.class_
        label = CLASSES[name].label if name in CLASSES else name
        left = f", without {', '.join(self.class_curve.excluded)}" if self.class_curve.excluded else ""
        return f"the curve of the reference class '{label}' ({name}{left})"


#: the shapes an author writes (the generator draws them); a class curve is put in by the outside view
AUTHORED = (Periods, Weibull, LeadTime)
#: the shape classes by the key that names each in a pace (``pace.ActorPace`` picks one by its keys)
SHAPES: dict[str, type] = {"periods": Periods, "weibull": Weibull, "not_before_days": LeadTime,
                           "class_curve": ClassCurveShape}


def shape_tag(value) -> str:
    """The tag of a pace value (its class's name, which no error location shows): the shape whose key the mapping
    has, else 'Param' (a constant weekly chance)."""
    if isinstance(value, dict):
        return next((cls.__name__ for key, cls in SHAPES.items() if key in value), "Param")
    return type(value).__name__


#: a weekly chance as an author states it: a constant (a Param in any estimable form) or a chance that changes with
#: time (a shape). A pace number, a breakdown's hazard, a shock's, a random occasion's and an actor's entry hazard
#: take it; the helpers below say what it means for each, once.
Chance = Annotated[Annotated[Param, Tag("Param")] | Annotated[Periods, Tag("Periods")]
                   | Annotated[Weibull, Tag("Weibull")] | Annotated[LeadTime, Tag("LeadTime")]
                   | Annotated[ClassCurveShape, Tag("ClassCurveShape")], Discriminator(shape_tag)]


def shape_of(value):
    """The shape in time of a chance (``Chance``), or None for a constant weekly chance (or none at all)."""
    return None if value is None or isinstance(value, Param) else value


def chance_numbers(name: str, value, path: tuple):
    """(dotted name, Param, document path) of each number of a chance: a constant is one parameter ``name``; a
    shape's numbers are ``name.<suffix>`` (``weibull.median_days``, ``periods.0``, ...)."""
    if isinstance(value, Param):
        yield name, value, path
    else:
        yield from value.parameters(name, path)


def chance_ranges(name: str, value) -> dict[str, tuple[float, float]]:
    """The allowed range of each number of a chance: a weekly chance lies in [0, 1]; a shape's, as it says."""
    return {name: (0, 1)} if isinstance(value, Param) else value.ranges(name)


def chance_units(name: str, value) -> dict[str, str]:
    """The unit of each number of a chance that has one (a weekly chance)."""
    return {name: WEEKLY_CHANCE} if isinstance(value, Param) else value.units(name)


def chance_words(value, describe) -> str:
    """'weekly hazard 0.1' (``describe`` puts a number in words) or the shape's words with its effective chance."""
    return f"weekly hazard {describe(value)}" if isinstance(value, Param) else value.words()


def hazard_sentences(value, what: str) -> list[str]:
    """'<what> with a chance that changes with time: <the shape's words>.' for a hazard given as a shape in time
    (a constant weekly chance says nothing new): the sentences of a shock, an occasion or an actor's entry."""
    shape = shape_of(value)
    return [] if shape is None else [f"{what} with a chance that changes with time: {shape.words()}."]


def number_words(rest) -> str:
    """The words of one number of a shape from its name's tail: 'weibull median days', 'weekly chance in period 2',
    'not before days', 'weekly chance after the lead time'."""
    rest = [str(r) for r in rest]
    if rest and rest[0] == "periods" and len(rest) == 2:
        return f"weekly chance in period {int(rest[1]) + 1}"
    if rest == ["chance"]:
        return "weekly chance after the lead time"
    return " ".join(rest).replace("_", " ")


def check_hazard(ctx, path: tuple, value, cal) -> None:
    """One line per misuse of a shape as a calendar or entry hazard: a class curve (the outside view's pace of a
    classed step, not a hazard), a shape counted ``since`` a date after the calendar ends (it never comes)."""
    shape = shape_of(value)
    if isinstance(shape, ClassCurveShape):
        ctx.error((*path, "class_curve"), "a class curve is the pace of a classed milestone, not a hazard: give a "
                  "weekly chance or periods, weibull or not_before_days")
    elif shape is not None and shape.since is not None and shape.since > cal.end:
        ctx.error((*path, "since"), f"{shape.since} is after the calendar ends ({cal.end}): counted from then, "
                  "it would never come")


# --------------------------------------------------------------------------- the author's adjustment of a curve
class CurveAdjust(Strict):
    """``adjust: {odds: 2, reason: ...}`` or ``{shift_days: 30, reason: ...}`` on a classed milestone: how this
    case departs from its class curve. ``odds`` multiplies the odds of each week's chance; ``shift_days`` moves
    the curve later (negative: earlier). Each is a parameter ``<milestone>.adjust.odds`` / ``.shift_days``."""

    odds: float | None = Field(default=None, description="multiply the odds of each week's chance (1: no change)")
    shift_days: float | None = Field(default=None, description="move the curve this many days later (negative: "
                                     "earlier)")
    reason: str = Field(min_length=8, description="why this case differs from its reference class")

    #: what -> (the value that changes nothing, allowed range)
    NEUTRAL: ClassVar[dict[str, float]] = {"odds": 1.0, "shift_days": 0.0}
    RANGES: ClassVar[dict[str, tuple[float, float]]] = {"odds": (0.0, 1e6), "shift_days": (-3660.0, 3660.0)}

    @model_validator(mode="after")
    def _valid(self):
        if self.odds is None and self.shift_days is None:
            raise ValueError("give 'odds' (a multiplier of the odds) or 'shift_days' (days later), with the reason")
        if self.odds is not None and not (self.odds > 0 and math.isfinite(self.odds)):
            raise ValueError(f"adjust.odds must be a number > 0 (got {self.odds:g})")
        if self.shift_days is not None and not math.isfinite(self.shift_days):
            raise ValueError("adjust.shift_days must be a number of days")
        return self

    def items(self):
        """(what, value) of each change given."""
        return [(w, getattr(self, w)) for w in ("odds", "shift_days") if getattr(self, w) is not None]

    @staticmethod
    def name(milestone: str, what: str) -> str:
        return f"{milestone}.adjust.{what}"

    def parameters(self, milestone: str, path: tuple):
        for what, value in self.items():
            yield self.name(milestone, what), Param(value=value, assumption=self.reason), (*path, "adjust", what)

    def ranges(self, milestone: str) -> dict[str, tuple[float, float]]:
        return {self.name(milestone, w): self.RANGES[w] for w, _ in self.items()}

    def units(self, milestone: str) -> dict[str, str]:
        """``odds`` is an odds multiplier (``lang/estimable.py``); ``shift_days`` a number of days."""
        from .estimable import ODDS

        return {self.name(milestone, w): ODDS for w, _ in self.items() if w == "odds"}

    def words(self) -> str:
        parts = [f"odds x{self.odds:g}" if w == "odds" else f"{self.shift_days:+g} days" for w, _ in self.items()]
        return f"{', '.join(parts)}: {self.reason}"

    def check(self, ctx, path: tuple, m) -> None:
        """An adjustment moves a class curve: the milestone needs its own ``class:`` and no ``pace:``."""
        if m.class_ is None:
            ctx.error((*path, "adjust"), f"'{m.id}' has no class: 'adjust' moves a class curve (give it a 'class')")
        elif m.pace is not None and not m.pace.follows_class():
            ctx.error((*path, "adjust"), f"'{m.id}' states its own pace, so its class curve does not apply: give "
                      "'pace' or 'adjust', not both")


# --------------------------------------------------------------------------- evaluation on the run state
class Clocked:
    """One decision's time-varying chance in the kernel: the per-step chance from its shape, with the milestone's
    adjustment (class curves), for the runs asked."""

    def __init__(self, shape, index: dict, prefix: str, adjust_cols: dict[str, int], origin: int | None,
                 power: float = 1.0):
        self.shape = shape
        self.power = power  # the power of its slot's uniform (``Compiled.step_powers``)
        self.cols = shape.columns(index, prefix)
        self.adjust = adjust_cols
        self.origin = origin  # a fixed day the clock counts from (``since``), or None: since possible

    def step_chance(self, V, rows, t0: np.ndarray, s: float, start: np.ndarray | None = None) -> np.ndarray:
        """Chance of the event in the step ``[t0, t0 + s)`` days of the clock (from ``start`` instead of ``t0``
        where given), given it did not happen before."""
        v = {k: V[rows, c] for k, c in self.cols.items()}
        shift = V[rows, self.adjust["shift_days"]] if "shift_days" in self.adjust else 0.0
        a = np.maximum((t0 if start is None else start) - shift, 0.0)
        b = np.maximum(t0 + s - shift, 0.0)
        q = -np.expm1(-(self.shape.cumhaz(v, b) - self.shape.cumhaz(v, a)))
        if "odds" in self.adjust:  # on each week's chance (the weekly equivalent of this step's)
            m = V[rows, self.adjust["odds"]]
            w = -np.expm1(np.log1p(-np.minimum(q, 1.0)) * WEEK / s)
            with np.errstate(divide="ignore", invalid="ignore"):
                o = m * w / (1.0 - w)
                w2 = np.where(w >= 1.0, 1.0, o / (1.0 + o))
            q = -np.expm1(np.log1p(-np.minimum(w2, 1.0)) * s / WEEK)
        return np.clip(q, 0.0, 1.0)

