"""Dotted parameter names, their distributions, and per-run values.

Every number in a scenario has a dotted name (``turkey.flexibility``,
``fm_meeting.stakes``, ``election.base_win``). A run's values are drawn from
one uniform per parameter (inverse-CDF), so the same uniforms give the same
values and an override (``--set name=value``) changes one parameter only.
Two switches per scenario element are implicit parameters fixed at 1 so that
what-ifs can turn them off without changing the random-draw layout:
``<precondition>.enabled`` and ``<mediator>.active``. A rule's parameters that
a scenario does not give take the rule's declared default, listed as an
assumption.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from ..lang.base import Param
from ..lang.timeshape import chance_numbers, chance_units
from .quantiles import quantile  # noqa: F401 - numpy inverse CDFs; scipy only for beta and normal
from .schema import Scenario

TOGGLE = Param(value=1.0, assumption="Implicit switch: 1 keeps this element, 0 removes it in a what-if.")


def rule_name(sc: Scenario, actor_id: str) -> str:
    from ..rules import DEFAULT_RULE

    return sc.actor(actor_id).rule or DEFAULT_RULE["party"]


def deciders(sc: Scenario) -> list[str]:
    """Actors who take decisions with a party-type rule: they consent to, act on, or hold a condition."""
    who = {a for m, _ in sc.all_milestones for a in m.consenters()}
    who |= {p.held_by for p in sc.preconditions}
    return [a.id for a in sc.actors if a.id in who]


def _rule_params(rule_cls, given: dict, prefix: str, path: tuple):
    """The rule's parameters: given values, else the rule's declared default (an assumption)."""
    for name, spec in rule_cls.params.items():
        if name in given:
            yield f"{prefix}.{name}", given[name], (*path, name)
        elif spec.default is not None:
            yield (f"{prefix}.{name}", Param(value=spec.default, assumption=f"Default of rule '{rule_cls.name}': "
                                              f"{spec.doc}."), (*path,))


def iter_parameters(sc: Scenario) -> Iterator[tuple[str, Param, tuple]]:
    """Yield (dotted name, Param, path in the scenario document) in a fixed order."""
    from ..rules import DEFAULT_RULE, registry

    rules = registry()
    decide = set(deciders(sc))
    for i, actor in enumerate(sc.actors):
        rule = rules.get(actor.rule or DEFAULT_RULE["party"])
        if actor.id in decide and rule is not None and rule.role == "party":
            yield from _rule_params(rule, actor.params, actor.id, ("actors", i, "params"))
        else:  # it takes no decisions in this scenario; given values stay addressable (what-ifs)
            for name, p in actor.params.items():
                yield f"{actor.id}.{name}", p, ("actors", i, "params", name)
        for other, p in actor.leverage.items():
            yield f"{actor.id}.leverage.{other}", p, ("actors", i, "leverage", other)
        for other, p in actor.alignment.items():
            yield f"{actor.id}.alignment.{other}", p, ("actors", i, "alignment", other)
        if actor.enters is not None and actor.enters.hazard is not None:  # a weekly chance or a shape in time
            yield from chance_numbers(actor.enters.hazard_name(actor.id), actor.enters.hazard,
                                     ("actors", i, "enters", "hazard"))
    for m, path in sc.all_milestones:
        yield from m.parameters(path)
    for k, pre in enumerate(sc.preconditions):
        yield f"{pre.id}.enabled", TOGGLE, ("preconditions", k)
        if pre.waiver is not None:  # its threshold, or how long it resists (lang/base.py Waiver)
            yield from pre.waiver.parameters(pre.id, ("preconditions", k, "waiver"))
    for m, med in enumerate(sc.mediation):
        yield f"{med.mediator}.active", TOGGLE, ("mediation", m)
        rule = rules.get(med.rule or DEFAULT_RULE["mediator"])
        if rule is not None and rule.role == "mediator":
            yield from _rule_params(rule, med.params, med.mediator, ("mediation", m, "params"))
    for e, el in enumerate(sc.calendar.elections):
        yield from el.parameters(("calendar", "elections", e))
    for k, shock in enumerate(sc.calendar.shocks):
        yield from shock.parameters(("calendar", "shocks", k))
    for k, occ in enumerate(sc.calendar.occasions):
        yield from occ.parameters(("calendar", "occasions", k))
    for k, term in enumerate(sc.calendar.terms):
        yield from term.parameters(("calendar", "terms", k))
    for field in ("pressure_decay", "sharpness"):
        if getattr(sc.dynamics, field) is not None:  # sharpness when no rule reads it: left out
            yield f"dynamics.{field}", getattr(sc.dynamics, field), ("dynamics", field)
    from ..lang import worlds

    yield from worlds.parameters(sc)  # shares of live worlds, spreads of per-run odds factors (lang/worlds.py)
    from ..lang import effects

    yield from effects.parameters(sc)  # effects stated as numbers in any form (lang/effects.py)
    from ..lang import commitments

    yield from commitments.parameters(sc)  # the odds of commitments that bind (lang/commitments.py)


def parameter_units(sc: Scenario) -> dict[str, str]:
    """Dotted name -> unit (lang/estimable.py): ``weekly_chance`` (a rule's declared unit, or any hazard of the
    calendar, an entry or a breakdown), ``chance_per_offer`` or ``odds_multiplier``, as the rule declares;
    other parameters are absent."""
    from ..lang.estimable import WEEKLY_CHANCE
    from ..rules import DEFAULT_RULE, registry

    rules = registry()
    own_specs: dict[str, dict] = {}  # actor -> its rules' parameter specs (party rule, then mediator rule)
    for a in sc.actors:
        rule = rules.get(a.rule or DEFAULT_RULE["party"])
        own_specs[a.id] = dict(rule.params) if rule is not None else {}
    for m in sc.mediation:
        rule = rules.get(m.rule or DEFAULT_RULE["mediator"])
        if rule is not None:
            own_specs.setdefault(m.mediator, {}).update({k: v for k, v in rule.params.items()
                                                         if k not in own_specs.get(m.mediator, {})})
    out = {}
    for name, _, _ in iter_parameters(sc):
        owner, _, short = name.partition(".")
        spec = own_specs.get(owner, {}).get(short)
        if spec is not None and spec.unit:
            out[name] = spec.unit
        elif spec is None and name.endswith(".hazard"):
            out[name] = WEEKLY_CHANCE
    for m, _ in sc.all_milestones:  # a milestone's own per-actor chances (lang/pace.py)
        if m.pace is not None:
            out.update(m.pace.units(m.id))
        if m.breakdown is not None:  # a breakdown hazard that changes with time: its weekly chances
            out.update(m.breakdown.shape_units(m.id))
        if m.freezes is not None:  # a suspension's weekly chance to resume (lang/stalls.py)
            out.update(m.freezes.units(m.id))
        if m.adjust is not None:  # the odds multiplier of a class curve's adjustment (lang/timeshape.py)
            out.update(m.adjust.units(m.id))
    from ..lang.calendar import hazards

    for name, value, _, _ in hazards(sc):  # a calendar or entry hazard that changes with time: its weekly chances
        out.update(chance_units(name, value))
    from ..lang import effects

    out.update(effects.units(sc, out))  # an effect's odds multiplier; a set chance is a chance
    from ..lang import commitments
    from ..lang.estimable import ODDS

    out.update({name: ODDS for name in commitments.odds_names(sc)})  # a commitment's odds multiplier
    out.update({name: WEEKLY_CHANCE for pre in sc.preconditions if pre.waiver is not None
                for name, _, path in pre.waiver.parameters(pre.id, ()) if path[-1] == "resists"})
    return out


def chance_parameters(sc: Scenario) -> frozenset[str]:
    """Dotted names of the parameters whose value is a probability: the weekly chances and chances per offer
    (``parameter_units``) and the chances a calendar item declares (an election's ``chances``: of a run-off, of
    the incumbent's win)."""
    from ..lang.estimable import CHANCES

    out = {name for name, unit in parameter_units(sc).items() if unit in CHANCES}
    for el in sc.calendar.elections:
        out.update(name for name, _, path in el.parameters(()) if path[-1] in el.chances)
    from ..lang import worlds

    out.update(worlds.chance_names(sc))
    from ..lang import commitments

    out.update(commitments.chance_names(sc))  # a commitment's chance within its due window
    return frozenset(out)


@dataclass(frozen=True)
class Allowed:
    """The values a parameter may take: from ``low`` to ``high``; ``above``: ``low`` itself excluded (an odds
    multiplier is above 0)."""

    low: float = -math.inf
    high: float = math.inf
    above: bool = False

    def admits(self, value: float) -> bool:
        return math.isfinite(value) and (value > self.low if self.above else value >= self.low) and value <= self.high

    def words(self) -> str:
        if self.above:
            return f"above {self.low:g}" + (f", up to {self.high:g}" if math.isfinite(self.high) else "")
        if math.isfinite(self.low) and math.isfinite(self.high):
            return f"{self.low:g} to {self.high:g}"
        if math.isfinite(self.low):
            return f"{self.low:g} or more"
        return f"up to {self.high:g}" if math.isfinite(self.high) else "any finite number"


def allowed_values(sc: Scenario, table: ParameterTable, ranges: Mapping[str, tuple]) -> dict[str, Allowed]:
    """Dotted name -> the values ``--set`` (and any what-if) may give it: its stated range ``ranges`` (the range
    checked at its place in the document or a rule's declared range: ``semantics.parameter_ranges``); else by its
    kind: a chance (a weekly chance, a chance per offer, a share of live worlds) or a switch lies in [0, 1], a
    run's own draw of its world too; an odds multiplier lies above 0 whatever its stated range's bottom. Any other
    value is a finite number."""
    from ..lang.estimable import ODDS
    from ..lang.worlds import draw_names

    units = parameter_units(sc)
    chances = chance_parameters(sc)
    draws = draw_names(sc)
    out = {}
    for name in table.names:
        p = table.params[name]
        if name in ranges:
            lo, hi = (float(v) for v in ranges[name])
        elif name in chances or p is TOGGLE or name in draws and p.dist == "uniform":
            lo, hi = 0.0, 1.0
        else:
            lo, hi = -math.inf, math.inf
        if units.get(name) == ODDS and lo <= 0.0:
            out[name] = Allowed(0.0, hi, above=True)
        else:
            out[name] = Allowed(lo, hi)
    return out


class ParameterTable:
    """The scenario's parameters in a fixed order, with vectorised sampling, and the values each may be set to."""

    def __init__(self, sc: Scenario, owner=None):
        """``owner``: the compiled scenario holding this table (``Compiled``), for the parameters' labels and their
        stated ranges (``Compiled.parameter_ranges``)."""
        self._owner = owner
        self._allowed: dict[str, Allowed] | None = None
        rows = list(iter_parameters(sc))
        self.names: list[str] = [r[0] for r in rows]
        self.params: dict[str, Param] = {r[0]: r[1] for r in rows}
        self.paths: dict[str, tuple] = {r[0]: r[2] for r in rows}
        self.index = {n: i for i, n in enumerate(self.names)}
        self._sc = sc
        self._constant_cols = None
        self.constants: dict[str, float] = dict((sc.defaults.constants if sc.defaults is not None else None) or {})

    def constant_columns(self) -> dict[str, list[int]]:
        """Which parameters each global constant acts on (simulator/scenario/constants.py)."""
        if self._constant_cols is None:
            from .constants import columns

            self._constant_cols = columns(self.names, parameter_units(self._sc),
                                          frozenset(a.id for a in self._sc.actors))
        return self._constant_cols

    def __len__(self) -> int:
        return len(self.names)

    @property
    def uncertain(self) -> list[str]:
        return [n for n in self.names if self.params[n].is_uncertain]

    def values_from_uniforms(self, u: np.ndarray, overrides: Mapping[str, float] | None = None) -> np.ndarray:
        """Map uniforms of shape (..., n_params) to parameter values (same shape)."""
        u = np.asarray(u, dtype=float)
        out = np.empty_like(u)
        for i, name in enumerate(self.names):
            out[..., i] = quantile(self.params[name], u[..., i])
        if self.constants:  # global constants (a calibration file): after the draws, before any override
            from .constants import apply

            out = apply(out, self.constant_columns(), self.constants)
        for name, value in (overrides or {}).items():
            out[..., self.index[name]] = value
        return out

    def as_dict(self, values: np.ndarray) -> dict[str, float]:
        return {n: float(v) for n, v in zip(self.names, values)}

    def allowed(self, name: str) -> Allowed:
        """The values ``name`` may be set to (``allowed_values``; worked out once, on the first setting)."""
        if self._allowed is None:
            ranges = self._owner.parameter_ranges() if self._owner is not None else {}
            self._allowed = allowed_values(self._sc, self, ranges)
        return self._allowed[name]

    def label(self, name: str) -> str:
        """The parameter as people read it, with its dotted name: "Turkey's resolve (turkey.resolve)"."""
        if self._owner is None:
            return name
        from ..lang.words import human_label

        return f"{human_label(name, self._owner)} ({name})"

    def check(self, name: str, value: float, where: str = "--set") -> float:
        """``value`` if ``name`` may take it; else ValueError, one line naming ``where``, the parameter's label and
        dotted name, the value and the allowed range. The one check of every setting (``--set``, ``--vary``, the
        API's ``sets``, the dashboard's what-if)."""
        allowed = self.allowed(name)
        if not math.isfinite(value):
            raise ValueError(f"{where}: {value} for {self.label(name)} is not a finite number (allowed: "
                             f"{allowed.words()})")
        if not allowed.admits(value):
            raise ValueError(f"{where}: {value:g} for {self.label(name)} is outside its allowed range, "
                             f"{allowed.words()}")
        return value


def parse_assignment(text: str, table: ParameterTable, where: str = "--set") -> tuple[str, float]:
    """Parse ``name=value`` for a numeric parameter; raise ValueError with a one-line message."""
    if "=" not in text:
        raise ValueError(f"{where}: '{text}' is not of the form name=value")
    name, _, raw = text.partition("=")
    name = name.strip()
    if name not in table.index:
        raise ValueError(f"{where}: unknown parameter '{name}' (see `diplosim params SCENARIO`)")
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{where}: '{raw.strip()}' for {table.label(name)} is not a number (allowed: "
                         f"{table.allowed(name).words()})") from None
    return name, table.check(name, value, where)
