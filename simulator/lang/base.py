"""Building blocks of the scenario format: ids, parameters and their provenance.

Every number or rule carries its provenance: ``evidence`` (a source id and a
verbatim ``quote``, or a ``note`` in the author's own words) or an
``assumption`` (one sentence saying why). Numbers are ``Param`` objects so
that any of them can be declared uncertain and addressed by a dotted name.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Literal

import numpy as np
from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError, WrapValidator,
                      model_serializer, model_validator)
from pydantic_core import PydanticCustomError

from .estimable import FIELDS as ESTIMABLE_FIELDS, ChanceWithin
from .fades import Fade

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


def _kind_of_value(v) -> str:
    return ("a mapping" if isinstance(v, dict) else "a list" if isinstance(v, (list, tuple)) else
            "true or false" if isinstance(v, bool) else "empty" if v is None else
            "a number" if isinstance(v, (int, float)) else "a date" if isinstance(v, dt.date) else type(v).__name__)


def one_id(what: str, hint: str = ""):
    """A validator that refuses anything but a string in one plain sentence: a single ``what`` id is expected."""
    def check(v):
        if isinstance(v, str):
            return v
        raise PydanticCustomError("one_id", f"expected a single {what} id, not {_kind_of_value(v)}{hint}")
    return BeforeValidator(check)


#: A reference to a milestone: an id, or ``<ladder>.<stage>`` for a stage of a concession ladder.
MilestoneRef = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$", max_length=130),
                         one_id("milestone")]


def _one_date_error(value, handler):
    """A date reference's error in one message (not one per member of the union, under internal names)."""
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError("date_ref", "expected a date (YYYY-MM-DD) or the name of one (start, end, "
                                  "election.<id>.round1 or .runoff, an event or occasion id)") from None


#: A date, or a name: ``start``, ``end``, ``election.<id>.round1|runoff``, or a dated event or occasion id.
DateRef = Annotated[dt.date | Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.]*$", max_length=140)],
                    WrapValidator(_one_date_error)]


class Strict(BaseModel):
    # dumps read back; a number is finite everywhere (an .inf or .nan would run as NaN draws or changes)
    model_config = ConfigDict(extra="forbid", frozen=True, serialize_by_alias=True, defer_build=True,
                              allow_inf_nan=False)


class Evidence(Strict):
    """What a source says: a verbatim ``quote`` (checked against the source's text) or a ``note`` in our words."""

    source: Id
    quote: str | None = Field(default=None, min_length=8)
    note: str | None = Field(default=None, min_length=8)
    locator: str | None = Field(default=None, description="where in the source: paragraph, page")

    @model_validator(mode="after")
    def _one_kind(self):
        if (self.quote is None) == (self.note is None):
            raise ValueError("give exactly one of 'quote' (verbatim, checked) or 'note' (in your own words)")
        return self


class Sourced(Strict):
    """Mixin: exactly one of ``evidence`` or ``assumption``."""

    evidence: Evidence | None = None
    assumption: str | None = Field(default=None, min_length=8)

    @model_validator(mode="after")
    def _one_provenance(self):
        if (self.evidence is None) == (self.assumption is None):
            raise ValueError("give exactly one of 'evidence' (source + quote or note) or 'assumption'")
        return self


class Waiver(Sourced):
    """How an actor can be talked out of a soft precondition: pressure must clear ``threshold`` (its rule decides);
    or, in estimable terms, ``resists``: how long it holds out (issue 22 item 6), a weekly chance of dropping the
    demand (for good: it blocks nothing afterwards) in each step it blocks a step that is otherwise ready (``{median_delay_days: 90}``: half the worlds
    have dropped it after 90 days of blocking; ``{chance_within: {p: 0.5, days: 60}}``; a range or a ``dist``
    too). That chance is a parameter ``<precondition>.resists`` (a weekly chance: listed, ``--set``, screened by
    its odds); it is asked from the precondition's own draw slot at the step's length (any step length gives the
    stated chance within the stated days)."""

    threshold: Param | None = None
    resists: Param | None = Field(default=None, description="how long the holder holds out, in estimable terms: "
                                  "{median_delay_days: 90} or {chance_within: {p: 0.5, days: 60}}")

    @model_validator(mode="before")
    @classmethod
    def _resists_takes_the_waiver_provenance(cls, data):
        if isinstance(data, dict) and isinstance(data.get("resists"), dict) and not any(
                data["resists"].get(k) is not None for k in ("evidence", "assumption", "from_reference")):
            own = {k: data[k] for k in ("evidence", "assumption") if data.get(k) is not None}
            return {**data, "resists": {**data["resists"], **own}}
        return data

    @model_validator(mode="after")
    def _one_way(self):
        if (self.threshold is None) == (self.resists is None):
            raise ValueError("give exactly one of 'threshold' (the pressure it must clear) or 'resists' (how long "
                             "it holds out: median_delay_days or chance_within)")
        return self

    @model_serializer(mode="wrap")
    def _dump_without_unused(self, handler):
        """``resists`` is left out of dumps while unused (the corpus keeps its content hashes)."""
        return without_unused(handler(self), ("resists", "threshold"))

    def parameters(self, pre_id: str, path: tuple):
        """(name, Param, path): ``<pre>.waiver_threshold`` or ``<pre>.resists``."""
        if self.threshold is not None:
            yield f"{pre_id}.waiver_threshold", self.threshold, (*path, "threshold")
        else:
            yield f"{pre_id}.resists", self.resists, (*path, "resists")

    @property
    def per_week(self) -> bool:
        """Its chance is a weekly chance asked every step (``resists``), not a rule's answer per offer."""
        return self.resists is not None

    @classmethod
    def example(cls, draw, number, assumption: str) -> dict:
        """A random waiver for property tests (``testing.scenarios``): a threshold (``number(low, high)`` draws a
        Param mapping), or now and then how long it resists. ``draw`` is hypothesis's."""
        from hypothesis import strategies as st

        waiver = {"threshold": number(0, 2), "assumption": assumption}
        if draw(st.integers(0, 2)) == 0:  # how long it resists, in estimable terms
            waiver = {"resists": {"median_delay_days": draw(st.sampled_from([10.0, 90.0]))}, "assumption": assumption}
        return waiver

    def words(self, describe) -> str:
        """"waived above 0.8" or "holds out against pressure: median delay 90 days"."""
        if self.threshold is not None:
            return f"waived above {describe(self.threshold)}"
        form = self.resists.estimable
        return f"holds out against pressure: {form.label() if form is not None else describe(self.resists) + ' a week'}"

    def sentences(self, c, owner, describe) -> list[str]:
        """A soft demand that resists in estimable terms, as a sentence about its precondition ``owner`` (a
        threshold, the rule's own business, says nothing new)."""
        if self.resists is None:
            return []
        w = c.words
        how = c.words.chance(self.resists, describe) + ("" if self.resists.estimable is not None else " each week")
        return [f"{w.name(owner.held_by)} holds out on {w.name(owner.id)} against pressure for a while, then drops "
                f"the demand for good: once it blocks a step that is otherwise ready, {how}."]


class HardOrSoft(Sourced):
    """Mixin for preconditions: ``kind`` hard or soft, and a ``waiver`` exactly when soft."""

    kind: Literal["hard", "soft"]
    waiver: Waiver | None = None

    @model_validator(mode="after")
    def _waiver_iff_soft(self):
        if self.kind == "soft" and self.waiver is None:
            raise ValueError("a soft precondition needs a 'waiver'")
        if self.kind == "hard" and self.waiver is not None:
            raise ValueError("a hard precondition cannot have a 'waiver'")
        return self

    @classmethod
    def example(cls, draw, number, assumption: str) -> dict:
        """The hard-or-soft part of a random precondition for property tests (``testing.scenarios``): its kind,
        and a waiver when soft (``Waiver.example``; ``number(low, high)`` draws a Param mapping)."""
        from hypothesis import strategies as st

        kind = draw(st.sampled_from(["hard", "soft"]))
        return {"kind": kind, **({"waiver": Waiver.example(draw, number, assumption)} if kind == "soft" else {})}

    @property
    def waivable(self) -> bool:
        """A soft precondition: its holder can be talked out of it (it has a ``waiver``)."""
        return self.kind == "soft"

    @property
    def hard(self) -> bool:
        """A hard precondition: it gates its milestone until it holds."""
        return self.kind == "hard"


UNUSED_OUT_OF_DUMPS = ("from_reference", "adjust", *ESTIMABLE_FIELDS)


class Param(Sourced):
    """A number, fixed or uncertain.

    ``dist`` selects the form: ``fixed`` needs ``value``; ``uniform`` needs
    ``low``/``high``; ``triangular`` adds ``mode``; ``beta`` needs ``a``/``b``
    (scaled to ``low``..``high``, default 0..1); ``normal`` needs ``mean``/``sd``
    and is truncated to ``low``..``high`` when given.
    """

    dist: Literal["fixed", "uniform", "triangular", "beta", "normal"] = "fixed"
    value: float | None = None
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    a: float | None = Field(default=None, gt=0)
    b: float | None = Field(default=None, gt=0)
    mean: float | None = None
    sd: float | None = Field(default=None, gt=0)
    label: str | None = Field(default=None, description="words for people (sliders, tables)")
    from_reference: Id | None = Field(default=None, description="take the numbers from a reference class "
                                      "(scenarios/reference/ID.yaml) instead of an assumption")
    adjust: Adjustment | None = Field(default=None, description="a change of the reference's rate, with its reason")
    # estimable forms (lang/estimable.py): stated instead of dist/value, converted to them
    chance_within: ChanceWithin | None = None
    median_delay_days: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    odds_multiplier: float | None = Field(default=None, ge=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _one_provenance(self):  # a reference class is provenance too (it lists its own sources)
        given = [self.evidence is not None, self.assumption is not None, self.from_reference is not None]
        if sum(given) != 1:
            raise ValueError("give exactly one of 'evidence' (source + quote or note), 'assumption' "
                             "or 'from_reference'")
        if self.adjust is not None and self.from_reference is None:
            raise ValueError("'adjust' changes a reference's rate: give 'from_reference' too")
        return self

    @model_validator(mode="after")
    def _estimable(self):
        from .estimable import abstract_fields

        for name, v in abstract_fields(self).items():
            object.__setattr__(self, name, v)  # the form sets the abstract fields (frozen model, at validation)
        return self

    @model_serializer(mode="wrap")
    def _dump_without_unused_fields(self, handler):
        """Optional fields added after a scenario was written (a reference, an estimable form) are left out of
        dumps while unused, so a scenario that uses none keeps the hash its observed outcomes recorded."""
        return without_unused(handler(self), UNUSED_OUT_OF_DUMPS)

    @classmethod
    def example(cls, draw, low: float, high: float, assumption: str, uncertain: bool = True) -> dict:
        """A random Param mapping within [low, high] for property tests (``testing.scenarios``): fixed or, when
        ``uncertain``, one of the ranged distributions, each building its own mapping (``EXAMPLES``); a range
        narrower than 0.001 is a fixed number. ``draw`` is hypothesis's."""
        from hypothesis import strategies as st

        a = draw(st.floats(low, high, allow_nan=False))
        dist = draw(st.sampled_from(list(EXAMPLES) if uncertain else ["fixed"]))
        b = draw(st.floats(low, high, allow_nan=False))
        lo, hi = min(a, b), max(a, b)
        return {**EXAMPLES[dist if hi - lo >= 1e-3 else "fixed"](a, lo, hi), "assumption": assumption}

    @property
    def awaits_reference(self) -> bool:
        """True until the loader has put the reference class's numbers in (``scenario.reference``)."""
        return self.from_reference is not None and all(
            getattr(self, n) is None for n in ("value", "low", "high", "mode", "a", "b", "mean", "sd"))

    @property
    def provenance(self) -> str:
        return "reference" if self.from_reference else "evidence" if self.evidence else "assumption"

    @property
    def estimable(self):
        """The estimable form this parameter was stated in, or None (see lang/estimable.py)."""
        from .estimable import form_of

        return form_of(self)

    @model_validator(mode="after")
    def _shape(self):
        if self.awaits_reference:
            return self
        need = {
            "fixed": ("value",),
            "uniform": ("low", "high"),
            "triangular": ("low", "mode", "high"),
            "beta": ("a", "b"),
            "normal": ("mean", "sd"),
        }[self.dist]
        missing = [name for name in need if getattr(self, name) is None]
        if missing:
            raise ValueError(f"dist '{self.dist}' needs {', '.join(missing)}")
        if self.dist == "fixed":  # a range given without a distribution would be silently ignored
            stray = [n for n in ("low", "high", "mode", "mean", "sd", "a", "b")
                     if n in self.model_fields_set and getattr(self, n) is not None]
            if stray:
                raise ValueError(f"'{stray[0]}' has no meaning for a single number: to state a range give 'dist' "
                                 "(uniform, triangular, normal or beta), or inside chance_within its own 'low' and "
                                 "'high'")
        for name in ("value", "low", "high", "mode", "mean"):
            v = getattr(self, name)
            if v is not None and v != v or v in (float("inf"), float("-inf")):
                raise ValueError(f"'{name}' must be a finite number")
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if self.dist == "triangular" and not self.low <= self.mode <= self.high:
            raise ValueError("mode must lie between low and high")
        if self.dist == "normal" and self.low is not None and self.high is not None:
            if not self.low <= self.mean <= self.high:
                raise ValueError("mean must lie between low and high")
        return self

    @property
    def is_uncertain(self) -> bool:
        return self.dist != "fixed"

    @property
    def bounds(self) -> tuple[float, float]:
        """Support of the parameter (for sweeps and sliders)."""
        if self.dist == "fixed":
            return (self.value, self.value)
        if self.dist == "beta":
            return (self.low if self.low is not None else 0.0, self.high if self.high is not None else 1.0)
        if self.dist == "normal":
            lo = self.low if self.low is not None else self.mean - 4 * self.sd
            hi = self.high if self.high is not None else self.mean + 4 * self.sd
            return (lo, hi)
        return (self.low, self.high)


#: How a property test's generator states each distribution it draws (``Param.example``): from a drawn number
#: ``a`` and a drawn range ``lo``..``hi``, the Param fields of that distribution.
EXAMPLES = {
    "fixed": lambda a, lo, hi: {"value": round(a, 4)},
    "uniform": lambda a, lo, hi: {"dist": "uniform", "low": lo, "high": hi},
    "triangular": lambda a, lo, hi: {"dist": "triangular", "low": lo, "mode": (lo + hi) / 2, "high": hi},
}


class Adjustment(Strict):
    """How a scenario departs from a reference class's rate: one of ``odds`` (multiply the odds of a
    probability), ``shift`` (add to a probability, or days to a delay) or ``factor`` (multiply a delay),
    always with its ``reason``."""

    odds: float | None = Field(default=None, gt=0)
    shift: float | None = None
    factor: float | None = Field(default=None, gt=0)
    reason: str = Field(min_length=8, description="why this case differs from the reference class")

    @model_validator(mode="after")
    def _one_change(self):
        if sum(v is not None for v in (self.odds, self.shift, self.factor)) != 1:
            raise ValueError("give exactly one of 'odds', 'shift' or 'factor'")
        return self


def _effect_value(value, handler):
    """A change's value: a number, or a mapping read as a number in any form (one message, not one per form)."""
    if isinstance(value, dict):
        try:
            return Param.model_validate(value)
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            msg = first["msg"].removeprefix("Value error, ")
            raise PydanticCustomError("effect_value", f"{where}: {msg}" if where else msg) from None
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("effect_value", "must be a finite number")
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError("effect_value", "expected a number or a mapping stating a number (value, "
                                  "dist with low/high, chance_within, odds_multiplier)") from None


class ParamChange(Sourced):
    """A change of one parameter: ``set`` it to ``value``, ``add`` ``value`` to it, or (a chance) multiply its
    ``odds`` by ``value``; the value is a number, or a number in any form, then a parameter (lang/effects.py)."""

    param: str = Field(description="dotted parameter name")
    op: Literal["set", "add", "odds"] = Field(default="set", description="set it to the value, add the value to it, "
                                             "or (a chance) multiply its odds by the value (lang/effects.py)")
    value: Annotated[float | Param, WrapValidator(_effect_value)] = Field(
        description="a number, or a number in any form (dist, low/high, chance_within, odds_multiplier: "
        "lang/effects.py), then a parameter of its own")
    fades: Fade | None = Field(default=None, description="the change wears off by half every half_life_days days "
                               "(lang/fades.py): {half_life_days: 30}")

    @model_validator(mode="before")
    @classmethod
    def _value_takes_the_change_provenance(cls, data):
        """A value stated as a mapping without its own provenance takes the change's."""
        if not isinstance(data, dict) or not isinstance(data.get("value"), dict):
            return data
        v = data["value"]
        if any(v.get(k) is not None for k in ("evidence", "assumption", "from_reference")):
            return data
        own = {k: data[k] for k in ("evidence", "assumption") if data.get(k) is not None}
        return {**data, "value": {**v, **own}} if own else data

    @property
    def amount(self) -> Param | None:
        """The value stated as a number in any form (a parameter of its own), or None for a plain number."""
        return self.value if isinstance(self.value, Param) else None

    def moved(self, current, amount):
        """The parameter's new value from its ``current`` values (an array) and this change's ``amount`` (a number
        or an array): set, add, or multiply the odds of a chance (``m h / (1 - h + m h)``; a certainty stays one)."""
        if self.op == "set":
            return amount
        if self.op == "add":
            return current + amount
        o = amount * current
        with np.errstate(invalid="ignore", divide="ignore"):
            out = o / (1.0 - current + o)
        return np.where(current >= 1.0, 1.0, out)

    @model_serializer(mode="wrap")
    def _dump_without_unused(self, handler):
        """``fades`` is left out of dumps while unused (the corpus keeps its content hashes)."""
        return without_unused(handler(self), ("fades",))


_LEAVES = frozenset((str, int, float, bool, type(None), dt.date))  # hold no model: not walked into


def walk_models(obj, path, want):
    """(document path, model) of every instance of ``want`` in a model tree (lists, tuples, mappings, models), in
    document order. The tree is walked at once (a scenario is walked several times on every load, compile and run:
    plain recursion, with no generator per node and no call per number or string, takes a fraction of the time)."""
    found: list = []
    _walk(obj, path, want, found)
    return iter(found)


def _walk(obj, path, want, found) -> None:
    if isinstance(obj, want):
        found.append((path, obj))
        return
    if isinstance(obj, BaseModel):
        items = ((name, getattr(obj, name)) for name in type(obj).model_fields)
    elif isinstance(obj, (list, tuple)):
        items = enumerate(obj)
    elif isinstance(obj, dict):
        items = obj.items()
    else:
        return
    for key, item in items:
        if type(item) in _LEAVES and not isinstance(item, want):
            continue
        _walk(item, (*path, key), want, found)


def without_unused(data, names):
    """A model's dump without the fields ``names`` that are empty (None or an empty list): fields added to the
    language later are left out of dumps while unused, so a scenario that uses none of them keeps its content hash
    (the hash its observed outcomes and frozen forecasts recorded)."""
    if isinstance(data, dict):
        for name in names:
            if data.get(name) is None or data.get(name) == []:
                data.pop(name, None)
    return data
