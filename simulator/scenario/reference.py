"""Reference classes: base rates from past cases, which a parameter can name with ``from_reference: ID``.

A reference class is one YAML file under ``scenarios/reference/`` (or a ``reference/`` folder next to
the scenario): how often something happened, or how long it took, in a stated set of past cases,
with bibliographic sources and, in our own words, how the rate was counted. ``ReferenceClass`` is
its schema; ``resolve`` turns a parameter that names one into numbers (``Param``) in the rate's own
units: a probability, or days. Adjustments (``odds``, ``shift``, ``factor``) always carry a reason.
Reading the files and finding one by id is the loader's (``loader.find_reference``); this module
holds no file I/O.

Connecting other units (a weekly hazard from a chance within a window, or from a median delay) is
one function, ``to_target``: today it passes the rate through unchanged.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import Literal

from pydantic import Field, model_validator

from ..lang.base import Id, Param, Strict

class RefSource(Strict):
    """A bibliographic record: the dataset, article or report the rate rests on."""

    id: Id
    authors: str
    title: str
    year: int = Field(ge=1900, le=2100)
    publisher: str = Field(description="journal, press or organisation")
    url: str | None = None
    note: str | None = Field(default=None, description="what this source gives to the count, in our words")


class Case(Strict):
    """One past case of the class, for a rate counted here from listed cases."""

    name: str
    start: dt.date
    end: dt.date | None = Field(default=None, description="when the counted event came (none: it did not)")
    outcome: bool | None = Field(default=None, description="for a probability: did it happen within the window "
                                 "(default: whether 'end' falls within the class's window)")
    sources: list[Id] = Field(min_length=1, description="the sources that date the start and the end")

    @property
    def days(self) -> int | None:
        return None if self.end is None else (self.end - self.start).days


class Window(Strict):
    """The window a probability is counted over, in days after the starting event."""

    start_day: int = Field(default=0, ge=0)
    end_day: int = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self):
        if self.end_day <= self.start_day:
            raise ValueError(f"the window ends (day {self.end_day}) before it starts (day {self.start_day})")
        return self


class Rate(Strict):
    """The rate: for a probability ``successes`` of ``trials`` (a Jeffreys beta), or a stated ``value`` with
    its ``low``..``high`` interval; for a delay in days, ``median`` with ``low``..``high`` quantiles
    (``quantiles`` says which)."""

    successes: int | None = Field(default=None, ge=0)
    trials: int | None = Field(default=None, gt=0)
    value: float | None = None
    median: float | None = Field(default=None, ge=0)
    low: float | None = None
    high: float | None = None
    quantiles: tuple[float, float] | None = Field(default=None, description="which quantiles low and high are, "
                                                  "e.g. [0.25, 0.75]")

    @model_validator(mode="after")
    def _consistent(self):
        counts = self.successes is not None or self.trials is not None
        if counts and (self.successes is None or self.trials is None):
            raise ValueError("give both 'successes' and 'trials'")
        if counts and self.successes > self.trials:
            raise ValueError(f"successes ({self.successes}) exceed trials ({self.trials})")
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if self.quantiles is not None and not 0 <= self.quantiles[0] < self.quantiles[1] <= 1:
            raise ValueError("quantiles are two increasing numbers in [0, 1]")
        return self


REFERENCE_KINDS: dict[str, ReferenceKind] = {}


class ReferenceKind:
    """What a reference class counts: one subclass per ``kind``, registered by its name, holding the kind's
    checks of the rate, its centre and spread, how it becomes a weekly chance, how an adjustment moves it, and
    its words."""

    name: str  # the ``kind`` a reference file gives
    noun: str  # words: 'probability', 'delay'
    bounds: tuple[float, float]  # the range every number of the rate lies in
    range_words: str  # that range in words

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        REFERENCE_KINDS[cls.name] = cls()

    def problems(self, ref: ReferenceClass) -> list[tuple[tuple, str]]:
        """What does not fit this kind in the rate and window, as (document path, one-line message)."""
        raise NotImplementedError

    def mismatch(self, ref: ReferenceClass) -> str | None:
        """Why the rate is not what the listed cases give (the count can be checked), or None."""
        raise NotImplementedError

    def centre(self, r: Rate) -> float:
        """The stated central figure of the rate."""
        raise NotImplementedError

    def distribution(self, r: Rate) -> dict:
        """The rate as ``Param`` fields: a fixed centre, else a triangular over the interval."""
        if r.low is None or r.high is None:
            return {"dist": "fixed", "value": self.centre(r)}
        return {"dist": "triangular", "low": r.low, "mode": self.centre(r), "high": r.high}

    def point(self, r: Rate) -> float:
        return self.centre(r)

    def summary(self, ref: ReferenceClass) -> str:
        raise NotImplementedError

    def to_weekly_chance(self, ref: ReferenceClass) -> Callable[[float], float]:
        """The function taking one number of the rate to a weekly chance (``lang/estimable.py``)."""
        raise NotImplementedError

    def weekly_chance_problem(self, ref: ReferenceClass) -> str | None:
        """Why the rate cannot become a weekly chance, or None."""
        return None

    def number_problem(self, ref: ReferenceClass, allowed: tuple[float, float]) -> str | None:
        """Why the rate cannot be a number allowed in ``allowed`` (not a weekly chance), or None."""
        raise NotImplementedError

    def adjust_problem(self, adj) -> str | None:
        """Why the adjustment ``adj`` does not apply to this kind, or None."""
        return None


class Probability(ReferenceKind):
    """How often the counted event came (within the class's window): successes of trials, or a stated value."""

    name, noun, bounds, range_words = "probability", "probability", (0.0, 1.0), "[0, 1]"

    def problems(self, ref):
        r, out = ref.rate, []
        if r.median is not None:
            out.append((("rate", "median"), "a probability has no 'median' (that is a delay)"))
        if r.trials is None and r.value is None:
            out.append((("rate",), "give 'successes' and 'trials', or a stated 'value'"))
        for name in ("value", "low", "high"):
            v = getattr(r, name)
            if v is not None and not 0 <= v <= 1:
                out.append((("rate", name), f"a probability must lie in [0, 1] (got {v:g})"))
        if r.value is not None and r.low is not None and r.high is not None and not r.low <= r.value <= r.high:
            out.append((("rate", "value"), "must lie between low and high"))
        return out

    def mismatch(self, ref):
        r = ref.rate
        if r.trials is None:
            return "a rate counted from listed cases gives 'successes' and 'trials'"
        yes = sum(ref.outcome(c) for c in ref.cases)
        if (r.successes, r.trials) != (yes, len(ref.cases)):
            return f"the listed cases give {yes} of {len(ref.cases)}, not {r.successes} of {r.trials}"
        return None

    def centre(self, r):
        return r.value

    def distribution(self, r):
        if r.trials is not None:  # a Jeffreys beta from the counts
            return {"dist": "beta", "a": r.successes + 0.5, "b": r.trials - r.successes + 0.5}
        return super().distribution(r)

    def point(self, r):
        if r.trials is not None:
            return (r.successes + 0.5) / (r.trials + 1)
        return r.value

    def summary(self, ref):
        r, w = ref.rate, ref.window
        within = "(no fixed window)" if w is None else f"within {w.end_day} days" if w.start_day == 0 else \
            f"between day {w.start_day} and {w.end_day}"
        if r.trials is not None:
            return f"{r.successes} of {r.trials} {within}"
        if r.low is not None and r.high is not None:
            return f"{r.value:.0%} (range {r.low:.0%}-{r.high:.0%}) {within}"
        return f"{r.value:.0%} {within}"

    def to_weekly_chance(self, ref):
        from ..lang.estimable import hazard_from_chance

        days = ref.window.end_day
        return lambda p: hazard_from_chance(min(max(p, 0.0), 1.0), days)

    def weekly_chance_problem(self, ref):
        if ref.window is None or ref.window.start_day != 0:
            return (f"reference '{ref.id}' counts no window from day 0, so it cannot become a weekly chance "
                    "(use a reference counted within N days, or a delay)")
        return None

    def number_problem(self, ref, allowed):
        if tuple(allowed) != (0, 1):
            lo, hi = allowed
            within = f"it lies within [{lo:g}, {hi:g}]" if lo == lo else "its range is not [0, 1]"
            return f"reference '{ref.id}' is a probability; this number is not one ({within})"
        return None

    def adjust_problem(self, adj):
        if adj.factor is not None:
            return "adjust.factor scales a delay; a probability is adjusted by 'odds' or 'shift'"
        return None


class Delay(ReferenceKind):
    """How long the counted event took, in days: a median with a low..high range of quantiles."""

    name, noun, bounds, range_words = "delay", "delay", (0.0, math.inf), "0 days or more"

    def problems(self, ref):
        r, out = ref.rate, []
        if ref.window is not None:
            out.append((("window",), "a delay has no 'window' (it is the time itself)"))
        if r.median is None or r.low is None or r.high is None:
            out.append((("rate",), "a delay needs 'median', 'low' and 'high' (days)"))
        elif not 0 <= r.low <= r.median <= r.high:
            out.append((("rate",), "a delay needs 0 <= low <= median <= high (days)"))
        if r.trials is not None or r.value is not None:
            out.append((("rate",), "a delay has no 'successes', 'trials' or 'value' (that is a probability)"))
        return out

    def mismatch(self, ref):
        r = ref.rate
        days = sorted(c.days if c.days is not None else math.inf for c in ref.cases)
        q = r.quantiles or (0.25, 0.75)

        def pick(p: float) -> float:  # numpy's inverted_cdf: the smallest value whose share reaches p
            return days[max(0, math.ceil(p * len(days)) - 1)]

        want = {"median": pick(0.5), "low": pick(q[0]), "high": pick(q[1])}
        got = {"median": r.median, "low": r.low, "high": r.high}
        if any(got[k] != want[k] for k in want):
            return ("the listed cases give median {median:g}, low {low:g}, high {high:g} days "
                    "(quantiles {q0:g} and {q1:g})".format(**want, q0=q[0], q1=q[1]))
        return None

    def centre(self, r):
        return r.median

    def summary(self, ref):
        r = ref.rate
        q = r.quantiles or (None, None)
        span = f"{q[0]:.0%}-{q[1]:.0%} range" if q[0] is not None else "range"
        return f"median {r.median:g} days ({span} {r.low:g}-{r.high:g})"

    def to_weekly_chance(self, ref):
        from ..lang.estimable import hazard_from_median

        return lambda d: 1.0 if d <= 0 else hazard_from_median(d)  # no delay: it happens at once

    def number_problem(self, ref, allowed):
        return (f"reference '{ref.id}' is a delay in days; only a weekly chance (a proposal, concession or other "
                "hazard; see the unit column of `diplosim params`) can take one")

    def adjust_problem(self, adj):
        if adj.odds is not None:
            return "adjust.odds changes a probability; a delay is adjusted by 'shift' (days) or 'factor'"
        return None


class ReferenceClass(Strict):
    """One base rate: what was counted, over which cases, with which result, from which sources."""

    reference_version: Literal[1]
    id: Id
    title: str
    kind: Literal[tuple(REFERENCE_KINDS)]  # a ReferenceKind subclass's name
    event: str = Field(description="what is counted, in words: the starting event and the outcome")
    window: Window | None = Field(default=None, description="for a probability: the window it is counted over "
                                  "(none: the source follows cases for no fixed time; say so in 'counted')")
    counted: str = Field(min_length=40, description="in our own words: which cases, numerator and denominator")
    rate: Rate
    uncertainty: str = Field(min_length=20, description="how thin the basis is, and what the interval means")
    sources: list[RefSource] = Field(min_length=1)
    cases: list[Case] = []

    def problems(self) -> list[tuple[tuple, str]]:
        """What does not fit together across fields, as (document path, one-line message); ``read`` reports them
        with line numbers."""
        out = self.measure.problems(self)
        ids = [s.id for s in self.sources]
        for i, c in enumerate(self.cases):
            for j, sid in enumerate(c.sources):
                if sid not in ids:
                    out.append((("cases", i, "sources", j), f"unknown source '{sid}' (known: {', '.join(ids)})"))
            if c.end is not None and c.end < c.start:
                out.append((("cases", i, "end"), f"the case ends ({c.end}) before it starts ({c.start})"))
        if self.cases and not out:
            mismatch = self.measure.mismatch(self)
            if mismatch:
                out.append((("rate",), mismatch))
        return out

    def outcome(self, case: Case) -> bool:
        """For a probability: did the counted event come within the window (or as the case says)?"""
        if case.outcome is not None:
            return case.outcome
        if self.window is None or case.days is None:
            return False
        return self.window.start_day <= case.days <= self.window.end_day

    @property
    def measure(self) -> ReferenceKind:
        """What this class counts (``kind``): a ``Probability`` or a ``Delay``, which holds the kind's checks,
        centre, conversions and words."""
        return REFERENCE_KINDS[self.kind]

    def distribution(self) -> dict:
        """The rate as ``Param`` fields: a Jeffreys beta from counts, else a triangular over the interval."""
        return self.measure.distribution(self.rate)

    def point(self) -> float:
        """The central figure: the beta mean, the stated value or the median delay."""
        return self.measure.point(self.rate)

    def summary(self) -> str:
        """The rate in one phrase, for tables."""
        return self.measure.summary(self)


class ReferenceError_(ValueError):
    """A parameter's reference cannot be used; the message is one line."""


def to_target(ref: ReferenceClass, fields: dict, unit: str | None = None) -> dict:
    """Numbers for the parameter, in its own units.

    A probability for a number in [0, 1] passes through. For a weekly chance (``unit == "weekly_chance"``,
    see ``params.parameter_units``) the rate is converted by the formulas of ``lang/estimable.py``: a delay's
    median and range by the median-delay formula (``h = 1 - 0.5^(7/days)``; a longer delay is a smaller
    chance, so low and high swap), a probability within a window of D days from day 0 by the chance-within
    formula (``h = 1 - (1 - p)^(7/D)``). A beta over a probability becomes a triangular over the converted
    mean and the mean -/+ 1.645 standard deviations (clipped to [0, 1]): the same centre and about the same
    90% range."""
    if unit != "weekly_chance":
        return fields
    conv = ref.measure.to_weekly_chance(ref)
    if fields["dist"] == "beta":
        a, b = fields["a"], fields["b"]
        mean, sd = a / (a + b), math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
        fields = {"dist": "triangular", "low": max(0.0, mean - 1.645 * sd), "mode": mean,
                  "high": min(1.0, mean + 1.645 * sd)}
    if fields["dist"] == "fixed":
        return {"dist": "fixed", "value": conv(fields["value"])}
    ends = sorted((conv(fields["low"]), conv(fields["high"])))
    out = {"dist": "triangular", "low": ends[0], "mode": conv(fields["mode"]), "high": ends[1]}
    if out["low"] == out["high"]:
        return {"dist": "fixed", "value": out["mode"]}
    return out


def target_problem(ref: ReferenceClass, unit: str | None, allowed: tuple[float, float]) -> str | None:
    """Why a reference class cannot give this number (one line), or None. ``unit``: the number's unit
    (``params.parameter_units``); ``allowed``: its allowed range."""
    if unit == "weekly_chance":
        return ref.measure.weekly_chance_problem(ref)
    return ref.measure.number_problem(ref, allowed)


def _adjusted(ref: ReferenceClass, fields: dict, adj) -> dict:
    """Apply ``odds``/``shift``/``factor`` to every number of the distribution (a beta keeps its
    concentration a + b and moves its mean)."""
    def move(x: float) -> float:
        if adj.odds is not None:
            if x <= 0 or x >= 1:
                return x
            o = x / (1 - x) * adj.odds
            return o / (1 + o)
        if adj.shift is not None:
            return x + adj.shift
        return x * adj.factor

    if fields["dist"] == "beta":
        n = fields["a"] + fields["b"]
        mean = move(fields["a"] / n)
        if not 0 < mean < 1:
            raise ReferenceError_(f"adjust: the adjusted probability {mean:.3g} lies outside [0, 1]")
        return {"dist": "beta", "a": mean * n, "b": (1 - mean) * n}
    out = dict(fields)
    for k in ("value", "low", "mode", "high"):
        if k in out:
            out[k] = move(out[k])
    kind = ref.measure
    lo, hi = kind.bounds
    for k in ("value", "low", "mode", "high"):
        if k in out and not lo <= out[k] <= hi:
            raise ReferenceError_(f"adjust: the adjusted {kind.noun} ({k} {out[k]:.3g}) lies outside "
                                  f"{kind.range_words}")
    return out


def hindsight(ref: ReferenceClass, as_of: dt.date) -> str | None:
    """Why a reference cannot serve a scenario dated ``as_of`` (a case or source after it), or None."""
    late = [c for c in ref.cases if max(c.start, c.end or c.start) > as_of]
    if late:
        return (f"reference '{ref.id}' counts a case after the scenario's as_of ({as_of}): '{late[0].name}'; "
                "no hindsight (use a reference class built from earlier cases)")
    late_src = [s for s in ref.sources if s.year > as_of.year]
    if late_src:
        return (f"reference '{ref.id}' rests on a source from {late_src[0].year}, after the scenario's as_of "
                f"({as_of}); no hindsight")
    return None


def resolve(p: Param, ref: ReferenceClass, as_of: dt.date | None = None, unit: str | None = None) -> Param:
    """The parameter with its reference's (adjusted) numbers put in; raises ``ReferenceError_`` (one line)."""
    late = hindsight(ref, as_of) if as_of is not None else None
    if late:
        raise ReferenceError_(late)
    adj = p.adjust
    why = ref.measure.adjust_problem(adj) if adj is not None else None
    if why:
        raise ReferenceError_(why)
    fields = ref.distribution()
    if adj is not None:
        fields = _adjusted(ref, fields, adj)
    fields = to_target(ref, fields, unit)
    keep = p.model_dump(exclude_none=True, exclude={"dist"})
    return Param(**keep, **fields)


def resolve_all(sc, lookup: Callable[[str], ReferenceClass], ranges: Mapping[tuple, tuple[float, float]],
                units: Mapping[tuple, str] | None = None):
    """The scenario with every ``from_reference`` parameter resolved, and the problems (path, message).

    ``lookup`` finds a reference class by id (raising ``ReferenceError_``); ``ranges`` are the allowed
    ranges by document path (``semantics.allowed_ranges``): a probability fits only a number in [0, 1].
    """
    problems: list[tuple[tuple, str]] = []

    def fix(p: Param, path: tuple) -> Param:
        if p.from_reference is None:
            return p
        if not p.awaits_reference:
            problems.append((path, "'from_reference' gives the numbers: remove dist, value, low, high, ... "
                             "(or drop from_reference)"))
            return p
        try:
            ref = lookup(p.from_reference)
            unit = (units or {}).get(path)
            why = target_problem(ref, unit, ranges.get(path, (math.nan, math.nan)))
            if why:
                raise ReferenceError_(why)
            return resolve(p, ref, sc.metadata.as_of, unit)
        except ReferenceError_ as exc:
            where = (*path, "adjust") if str(exc).startswith("adjust") else (*path, "from_reference")
            problems.append((where, str(exc).removeprefix("adjust: ")))
            return p
        except ValueError as exc:  # the adjusted numbers do not make a valid distribution
            problems.append(((*path, "adjust"), " ".join(str(exc).split())))
            return p

    return _replace(sc, (), fix), problems


def _replace(obj, path: tuple, fix):
    """Rebuild frozen models along the paths where ``fix`` changed a ``Param``."""
    from pydantic import BaseModel

    if isinstance(obj, Param):
        return fix(obj, path)
    if isinstance(obj, BaseModel):
        changed = {}
        for name, field in type(obj).model_fields.items():
            old = getattr(obj, name)
            new = _replace(old, (*path, field.alias or name), fix)
            if new is not old:
                changed[name] = new
        return obj.model_copy(update=changed) if changed else obj
    if isinstance(obj, list):
        new = [_replace(x, (*path, i), fix) for i, x in enumerate(obj)]
        return new if any(a is not b for a, b in zip(new, obj)) else obj
    if isinstance(obj, tuple):
        new = tuple(_replace(x, (*path, i), fix) for i, x in enumerate(obj))
        return new if any(a is not b for a, b in zip(new, obj)) else obj
    if isinstance(obj, dict):
        new = {k: _replace(v, (*path, k), fix) for k, v in obj.items()}
        return new if any(new[k] is not obj[k] for k in obj) else obj
    return obj

