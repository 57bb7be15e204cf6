"""Hypothesis strategies for rule inputs, and ``check_rule`` / ``rule_properties`` to property-test a rule.

A rule declares what it promises (see ``simulator.rules.base``); ``check_rule``
checks those promises on generated inputs and reports the smallest failing
example hypothesis finds. The properties, by name:

- ``outputs_in_range``: a party rule returns a ``Decision`` with a bool ``yes``,
  a probability in [0, 1] and a str reason; a mediator rule returns a candidate
  (or None), a finite urgency >= 0 and finite pressures >= 0 on the target's
  attendees only; neither raises.
- ``draw_threshold`` (if declared): ``yes`` exactly when the draw u < probability.
- ``deterministic_given_draws`` (if declared): the same view and draw give the same decision.
- ``no_mutation``: the rule changes neither its inputs nor itself (rules are stateless).
- ``monotone_in_pressure`` (if declared, party rules): more pressure never lowers a probability.
- ``array_equals_scalar`` (if the rule has an array form, ``Rule.array``): for one run, the array form gives
  the scalar form's numbers bit for bit (a party rule's probabilities; a mediator rule's target, urgency and
  pressures), so the batch engine decides as the Mesa engine does.
- ``respects_hard_preconditions``: inside the model, on generated scenarios where
  every actor of the rule's role uses it, no meeting is held while a hard
  precondition is unmet, and the rule never fails (a ``RuleError``).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import math
from collections.abc import Callable, Iterable

from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException

from ..rules.base import Decision, MediatorRule, MediatorView, PartyRule, PartyView, Rule

START = dt.date(2023, 1, 2)
PARTY_METHODS = ("accept", "concede", "propose", "waive")
LEVELS = ("l0", "l1", "l2", "l3")
PARTIES = ("p0", "p1", "p2")


# --------------------------------------------------------------------------- strategies


def draws() -> st.SearchStrategy[float]:
    """A uniform draw in [0, 1), as the model hands a rule."""
    return st.floats(0.0, 1.0, exclude_max=True, allow_nan=False)


def param_values(rule_cls: type[Rule], skip_prefix: str | None = None) -> st.SearchStrategy[dict[str, float]]:
    """Values for the rule's declared parameters, each within its declared range."""
    specs = {n: s for n, s in rule_cls.params.items() if not (skip_prefix and n.startswith(skip_prefix))}
    return st.fixed_dictionaries({n: st.floats(s.low, s.high, allow_nan=False) for n, s in specs.items()})


@st.composite
def party_views(draw, rule_cls: type[PartyRule], *, max_pressure: float = 5.0, max_weeks: int = 520) -> PartyView:
    """A party's view in some step of some run. ``params`` and ``stages`` are plain dicts so mutation shows."""
    step = draw(st.integers(0, max_weeks))
    return PartyView(
        actor="p0", step=step, date=START + dt.timedelta(weeks=step),
        params=draw(param_values(rule_cls)),
        pressure=draw(st.floats(0.0, max_pressure, allow_nan=False)),
        sharpness=draw(st.floats(0.5, 20.0, allow_nan=False)),
        weeks_to_election=draw(st.none() | st.floats(0.0, 104.0, allow_nan=False)),
        held=frozenset(draw(st.sets(st.sampled_from(LEVELS)))),
        stages=draw(st.dictionaries(st.sampled_from(("c0", "c1")), st.integers(0, 3))),
        weeks_elapsed=float(step),
    )


@st.composite
def mediator_views(draw, rule_cls: type[MediatorRule], *, max_weeks: int = 520) -> MediatorView:
    """A mediator's view: candidate levels with their attendees, leverage over each party."""
    step = draw(st.integers(0, max_weeks))
    candidates = tuple(draw(st.lists(st.sampled_from(LEVELS), max_size=3, unique=True)))
    attendees = {lv: tuple(draw(st.lists(st.sampled_from(PARTIES), min_size=1, max_size=3, unique=True)))
                 for lv in candidates}
    leverage = {p: draw(st.floats(0.0, 1.0, allow_nan=False)) for p in PARTIES if draw(st.booleans())}
    params = draw(param_values(rule_cls))
    params.update({f"leverage.{p}": v for p, v in leverage.items()})
    return MediatorView(
        actor="m0", step=step, date=START + dt.timedelta(weeks=step), params=params,
        weeks_to_deadline=draw(st.floats(-104.0, 104.0, allow_nan=False)), candidates=candidates,
        held=frozenset(draw(st.sets(st.sampled_from(LEVELS)))), attendees=attendees, leverage=leverage,
    )


def party_inputs(rule_cls: type[PartyRule], **view_bounds) -> st.SearchStrategy[tuple]:
    """(method, view, size, u): size is a meeting's stakes, a concession's cost or a waiver threshold (0..2)."""
    return st.tuples(st.sampled_from(PARTY_METHODS), party_views(rule_cls, **view_bounds),
                     st.floats(0.0, 2.0, allow_nan=False), draws())


def mediator_inputs(rule_cls: type[MediatorRule], **view_bounds) -> st.SearchStrategy[tuple]:
    """(view, u) for a mediator rule."""
    return st.tuples(mediator_views(rule_cls, **view_bounds), draws())


def rule_inputs(rule_cls: type[Rule], **view_bounds) -> st.SearchStrategy[tuple]:
    """Inputs for any rule: ``party_inputs`` or ``mediator_inputs`` by its role."""
    if issubclass(rule_cls, PartyRule):
        return party_inputs(rule_cls, **view_bounds)
    return mediator_inputs(rule_cls, **view_bounds)


@st.composite
def actors(draw, rule_cls: type[Rule] | None = None, actor_id: str = "p0"):
    """A valid ``Actor`` using ``rule_cls`` (default: the default party rule), its parameters within range."""
    from ..rules import BUILTIN, DEFAULT_RULE
    from ..scenario.schema import Actor
    from .scenarios import params as param_dicts

    rule_cls = rule_cls or BUILTIN[DEFAULT_RULE["party"]]
    own = {n: s for n, s in rule_cls.params.items() if not n.startswith("urgency.")}
    data = {"id": actor_id, "name": actor_id.upper(), "role": rule_cls.role,
            "params": {n: draw(param_dicts(s.low, s.high)) for n, s in own.items()}}
    if rule_cls.role == "party":
        data["rule"] = rule_cls.name
    return Actor.model_validate(data)


@st.composite
def scenarios_using(draw, rule_cls: type[Rule], **bounds):
    """Valid scenarios (``testing.scenarios``) in which every actor of the rule's role uses ``rule_cls``.

    The rule must be in the registry while the scenario is validated (``check_rule`` registers it).
    """
    from ..scenario.schema import Scenario
    from ..scenario.semantics import check
    from .scenarios import params as param_dicts
    from .scenarios import scenario_dicts

    if rule_cls.role == "mediator":
        bounds.setdefault("max_mediators", 2)
    d = draw(scenario_dicts(**bounds))
    drawn = {n: draw(param_dicts(s.low, s.high)) for n, s in rule_cls.params.items()}
    for actor in d["actors"]:
        if rule_cls.role == "party" and "rule" in actor:  # parties and hosts decide with it
            actor["rule"] = rule_cls.name
            actor["params"] = dict(drawn)
    for med in d["mediation"]:
        if rule_cls.role == "mediator":
            med["rule"] = rule_cls.name
            med["params"] = dict(drawn)
            if getattr(rule_cls, "needs_deadline", False):
                med.setdefault("deadline", "end")
    known = {f"{a['id']}.{n}" for a in d["actors"] for n in a.get("params", {})}

    def fits(e) -> bool:  # an add keeps the rule's parameter within its range for every value drawn for it
        short = e["param"].split(".", 1)[1]
        spec, p = rule_cls.params.get(short), drawn.get(short)
        if e["op"] != "add" or spec is None or p is None:
            return True
        return spec.low <= p.get("low", p.get("value")) + e["value"] and \
            p.get("high", p.get("value")) + e["value"] <= spec.high

    for election in d["calendar"].get("elections", []):  # effects may only target parameters the rule has
        for key in ("after_win", "after_loss"):
            election[key] = [e for e in election.get(key, []) if e["param"] in known and fits(e)]
    sc = Scenario.model_validate(d)
    problems = check(sc, None, check_sources=False)
    if problems:
        path, message = problems[0]
        raise ValueError(f"rule '{rule_cls.name}' cannot run in a generated scenario: "
                         f"{'.'.join(map(str, path))}: {message}")
    return sc


# --------------------------------------------------------------------------- properties


def _fmt(*parts) -> str:
    return " | ".join(map(repr, parts))


def _party_call(rule: PartyRule, method: str, view: PartyView, size: float, u: float):
    return getattr(rule, method)(view, size, u)


def _mediator_call(rule: MediatorRule, view: MediatorView, u: float):
    target = rule.target(view, u)
    urgency = rule.urgency(view)
    shares = rule.pressure(view, target, urgency) if target is not None and target in view.candidates else None
    return target, urgency, shares


def _cases(rule_cls, example):
    """A party example (view, size, u) stands for one call per decision method; a mediator example for one."""
    if issubclass(rule_cls, PartyRule):
        return [(m, *example) for m in PARTY_METHODS]
    return [example]


def _call(rule_cls, example, where: str):
    rule = rule_cls()
    try:
        if issubclass(rule_cls, PartyRule):
            return _party_call(rule, *example)
        return _mediator_call(rule, *example)
    except Exception as exc:  # noqa: BLE001 - reported as the property's failure, with the input
        raise AssertionError(f"{where}: raised {type(exc).__name__}: {exc} on input {_fmt(*example)}") from exc


def prop_outputs_in_range(rule_cls, example) -> None:
    for case in _cases(rule_cls, example):
        _outputs_in_range(rule_cls, case)


def _outputs_in_range(rule_cls, example) -> None:
    out = _call(rule_cls, example, "outputs_in_range")
    if issubclass(rule_cls, PartyRule):
        ok = (isinstance(out, Decision) and isinstance(out.yes, bool) and isinstance(out.reason, str)
              and isinstance(out.probability, (int, float)) and 0.0 <= out.probability <= 1.0)
        assert ok, f"outputs_in_range: {example[0]}() returned {out!r} on input {_fmt(*example)}"
        return
    view = example[0]
    target, urgency, shares = out
    assert target is None or target in view.candidates, \
        f"outputs_in_range: target() returned {target!r}, not one of {view.candidates}, on input {_fmt(*example)}"
    assert isinstance(urgency, (int, float)) and math.isfinite(urgency) and urgency >= 0, \
        f"outputs_in_range: urgency() returned {urgency!r} on input {_fmt(*example)}"
    if shares is not None:
        bad = {w: a for w, a in shares.items() if w not in view.attendees[target]
               or not (isinstance(a, (int, float)) and math.isfinite(a) and a >= 0)}
        assert not bad, f"outputs_in_range: pressure() returned {dict(shares)!r} on input {_fmt(*example)}"


def prop_draw_threshold(rule_cls, example) -> None:
    for case in _cases(rule_cls, example):
        d = _call(rule_cls, case, "draw_threshold")
        u = case[-1]
        assert d.yes == (u < d.probability), \
            f"draw_threshold: {case[0]}() said yes={d.yes} with u={u!r}, probability={d.probability!r} " \
            f"on input {_fmt(*case)}"


def prop_deterministic(rule_cls, example) -> None:
    import random

    import numpy as np

    saved = random.getstate(), np.random.get_state()
    try:  # different global random states for the two calls: a rule drawing its own randomness shows up
        for case in _cases(rule_cls, example):
            random.seed(1), np.random.seed(1)
            first = _call(rule_cls, copy.deepcopy(case), "deterministic_given_draws")
            random.seed(2), np.random.seed(2)
            second = _call(rule_cls, copy.deepcopy(case), "deterministic_given_draws")
            assert first == second, \
                f"deterministic_given_draws: {first!r} then {second!r} on the same input {_fmt(*case)}"
    finally:
        random.setstate(saved[0]), np.random.set_state(saved[1])


def prop_no_mutation(rule_cls, example) -> None:
    rule = rule_cls()
    before_input, before_rule = copy.deepcopy(example), copy.deepcopy(vars(rule))
    for case in _cases(rule_cls, example) * 2:
        try:
            if issubclass(rule_cls, PartyRule):
                _party_call(rule, *case)
            else:
                _mediator_call(rule, *case)
        except Exception:  # noqa: BLE001 - errors are outputs_in_range's business
            pass
    assert example == before_input, f"no_mutation: the rule changed its input from {_fmt(*before_input)} " \
                                    f"to {_fmt(*example)}"
    assert vars(rule) == before_rule, f"no_mutation: the rule kept state between calls: {before_rule!r} became " \
                                      f"{vars(rule)!r} on input {_fmt(*before_input)}"


def prop_monotone(rule_cls, example) -> None:
    view, size, u, extra = example
    high = dataclasses.replace(view, pressure=view.pressure + extra)
    for method in PARTY_METHODS:
        d_low = _call(rule_cls, (method, view, size, u), "monotone_in_pressure")
        d_high = _call(rule_cls, (method, high, size, u), "monotone_in_pressure")
        assert d_high.probability >= d_low.probability - 1e-12, \
            f"monotone_in_pressure: {method}() probability fell from {d_low.probability!r} at pressure " \
            f"{view.pressure!r} to {d_high.probability!r} at pressure {high.pressure!r} on input " \
            f"{_fmt(method, view, size, u)}"


def prop_reads_only_declared_numbers(rule_cls, example) -> None:
    """A party rule that does not declare ``dynamics.sharpness`` in ``scenario_numbers`` decides the same whatever
    the view's sharpness, NaN included (what the engines give it when the scenario leaves the number out)."""
    for case in _cases(rule_cls, example):
        method, view, size, u = case
        first = _call(rule_cls, case, "reads_only_declared_numbers")
        for other in (view.sharpness * 3.0 + 1.0, float("nan")):
            second = _call(rule_cls, (method, dataclasses.replace(view, sharpness=other), size, u),
                           "reads_only_declared_numbers")
            assert first == second, \
                f"reads_only_declared_numbers: {method}() gave {first!r} with sharpness {view.sharpness!r} and " \
                f"{second!r} with {other!r}, but the rule does not declare 'dynamics.sharpness' in scenario_numbers " \
                f"on input {_fmt(*case)}"


def _same(a: float, b: float) -> bool:
    """The same number, bit for bit (NaN equals NaN; 0.0 and -0.0 are told apart)."""
    return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1.0, a) == math.copysign(1.0, b))


def prop_array_equals_scalar(rule_cls, example) -> None:
    """The rule's array form, on arrays of one run, gives the scalar form's numbers bit for bit."""
    import numpy as np

    view = example[0]
    names = tuple(rule_cls.params)
    V = np.array([[float(view.params[n]) for n in names]])
    arrays = rule_cls.array_form({f"{view.actor}.{n}": i for i, n in enumerate(names)}, view.actor)
    if issubclass(rule_cls, PartyRule):
        _, size, u = example
        extra = {"wte": view.weeks_to_election} if getattr(arrays, "sees_election", False) else {}
        for method in PARTY_METHODS:
            scalar = _call(rule_cls, (method, view, size, u), "array_equals_scalar").probability
            try:
                array = getattr(arrays, method)(V, np.array([view.pressure]), view.weeks_elapsed,
                                                np.array([view.sharpness]), np.array([size]), **extra)
            except Exception as exc:  # noqa: BLE001 - reported with the input
                raise AssertionError(f"array_equals_scalar: the array form's {method}() raised "
                                     f"{type(exc).__name__}: {exc} on input {_fmt(method, view, size, u)}") from exc
            assert _same(scalar, float(array[0])), \
                f"array_equals_scalar: {method}() probability {scalar!r} in the scalar form but {float(array[0])!r} " \
                f"in the array form on input {_fmt(method, view, size, u)}"
        return
    _, u = example
    target, urgency, shares = _call(rule_cls, example, "array_equals_scalar")
    gaps = np.array([[-1] + [j for c in range(len(view.candidates)) for j in (c, -1)]])  # pushes with no candidate too
    picked = int(arrays.target(gaps, np.array([u]))[0])
    array_target = view.candidates[picked] if picked >= 0 else None
    assert array_target == target, f"array_equals_scalar: target {target!r} in the scalar form but " \
                                   f"{array_target!r} in the array form on input {_fmt(*example)}"
    array_urgency = float(arrays.urgency(V, view.weeks_to_deadline)[0])
    assert _same(urgency, array_urgency), f"array_equals_scalar: urgency {urgency!r} in the scalar form but " \
                                          f"{array_urgency!r} in the array form on input {_fmt(*example)}"
    if shares is None:
        return
    who = view.attendees[target]
    levs = [np.array([view.leverage[w]]) if w in view.leverage else None for w in who]
    array_shares = {w: 0.0 if s is None else float(s[0])  # None: no pressure, as 0.0 leverage gives
                    for w, s in zip(who, arrays.pressure(levs, np.array([array_urgency])))}
    assert set(array_shares) == set(shares) and all(_same(shares[w], array_shares[w]) for w in shares), \
        f"array_equals_scalar: pressure {dict(shares)!r} in the scalar form but {array_shares!r} in the array " \
        f"form on input {_fmt(*example)}"


def prop_hard_preconditions(rule_cls, example) -> None:
    import numpy as np

    from ..compiled import Compiled
    from ..model import DiplomacyModel, RuleError

    scenario, seed = example
    where = f"seed {seed}, scenario {json.dumps(scenario.model_dump(mode='json', exclude_defaults=True))}"
    breaches: list[str] = []

    class Audited(DiplomacyModel):
        def __init__(self, *args, **kw):
            super().__init__(*args, **kw)
            kernel, held = self.kernel, self.kernel._held

            def audited_held(st, k, j, yes):  # the model's own state just before the milestone is recorded
                c = kernel.c
                for pre, _, _ in kernel.pre_on.get(j, ()):
                    if not pre.hard or st.V[0, c.table.index[f"{pre.id}.enabled"]] < 0.5 \
                            or not np.broadcast_to(kernel.worlds.held(st, pre.id), (1,))[0]:  # not live here
                        continue
                    if yes[0] and not pre.requires.evaluate(st, int(c.ends[k]))[0]:
                        breaches.append(f"'{c.milestones[j].id}' happened at step {k} with {pre.id} "
                                        f"(held by {pre.holder}) unmet")
                held(st, k, j, yes)

            kernel._held = audited_held

    try:
        Audited(Compiled(scenario), rng=seed).run()
    except RuleError as exc:
        raise AssertionError(f"respects_hard_preconditions: the run failed: {exc} ({where})") from exc
    assert not breaches, f"respects_hard_preconditions: {breaches[0]} ({where})"


@dataclasses.dataclass(frozen=True)
class RuleProperty:
    name: str
    check: Callable
    inputs: Callable[[type[Rule]], st.SearchStrategy]
    applies: Callable[[type[Rule]], bool]
    in_model: bool = False  # it runs the rule inside the model, which finds rules by name in the registry


def _unit_inputs(rule_cls):
    """(view, size, u) for a party rule (every method is called on it), (view, u) for a mediator rule."""
    if issubclass(rule_cls, PartyRule):
        return st.tuples(party_views(rule_cls), st.floats(0.0, 2.0, allow_nan=False), draws())
    return mediator_inputs(rule_cls)


def _monotone_inputs(rule_cls):
    """(view, size, u, extra pressure)."""
    return st.tuples(party_views(rule_cls), st.floats(0.0, 2.0, allow_nan=False), draws(),
                     st.floats(0.0, 5.0, allow_nan=False))


def _model_inputs(rule_cls):
    from .scenarios import seeds

    return st.tuples(scenarios_using(rule_cls, max_weeks=30), seeds())


PROPERTIES = (
    RuleProperty("outputs_in_range", prop_outputs_in_range, _unit_inputs, lambda r: True),
    RuleProperty("draw_threshold", prop_draw_threshold, _unit_inputs,
                 lambda r: issubclass(r, PartyRule) and r.draw_threshold),
    RuleProperty("deterministic_given_draws", prop_deterministic, _unit_inputs,
                 lambda r: r.deterministic_given_draws),
    RuleProperty("no_mutation", prop_no_mutation, _unit_inputs, lambda r: True),
    RuleProperty("monotone_in_pressure", prop_monotone, _monotone_inputs,
                 lambda r: issubclass(r, PartyRule) and r.monotone_in_pressure),
    RuleProperty("array_equals_scalar", prop_array_equals_scalar, _unit_inputs, lambda r: r.array is not None),
    RuleProperty("respects_hard_preconditions", prop_hard_preconditions, _model_inputs, lambda r: True,
                 in_model=True),
    RuleProperty("reads_only_declared_numbers", prop_reads_only_declared_numbers, _unit_inputs,
                 lambda r: issubclass(r, PartyRule) and "dynamics.sharpness" not in r.scenario_numbers),
)


def applicable_properties(rule_cls: type[Rule]) -> list[str]:
    """The properties ``check_rule`` checks for this rule, given what it declares."""
    return [p.name for p in PROPERTIES if p.applies(rule_cls)]


# --------------------------------------------------------------------------- check_rule


class RuleCheckFailed(AssertionError):
    """Some declared properties do not hold; ``failures`` maps property name -> minimal failing example."""

    def __init__(self, rule_cls: type[Rule], failures: dict[str, str]):
        self.rule_cls, self.failures = rule_cls, failures
        lines = [f"rule '{rule_cls.name}' ({rule_cls.__module__}.{rule_cls.__qualname__}) fails "
                 f"{len(failures)} propert{'y' if len(failures) == 1 else 'ies'}:"]
        lines += [f"  {msg}" for msg in failures.values()]
        super().__init__("\n".join(lines))


@dataclasses.dataclass(frozen=True)
class RuleReport:
    rule: type[Rule]
    checked: tuple[str, ...]


def _property_test(prop: RuleProperty, rule_cls: type[Rule], settings: dict) -> Callable[[], None]:
    @hyp_settings(**settings)
    @given(prop.inputs(rule_cls))
    def run(example):
        prop.check(rule_cls, example)

    return run


def check_rule(rule_cls: type[Rule], *, properties: Iterable[str] | None = None, **settings) -> RuleReport:
    """Check ``rule_cls`` against the standard properties it declares; raise ``RuleCheckFailed`` if any fails.

    ``properties`` restricts the check to some property names; other keyword
    arguments are hypothesis settings (``max_examples=200``, ``deadline=None``...),
    applied on top of the active profile. Each failure is reported with the
    minimal failing input hypothesis shrank it to.
    """
    from ..rules import check_rule_class, registered, registry

    check_rule_class(rule_cls, "check_rule")
    wanted = applicable_properties(rule_cls)
    if properties is not None:
        asked = list(properties)
        unknown = [p for p in asked if p not in {q.name for q in PROPERTIES}]
        if unknown:
            raise ValueError(f"unknown properties {unknown} (known: {[q.name for q in PROPERTIES]})")
        wanted = [p for p in wanted if p in asked]
    settings = {"report_multiple_bugs": False, "deadline": None,
                "phases": [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
                "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large], **settings}
    failures: dict[str, str] = {}
    needs_registry = registry().get(rule_cls.name) is not rule_cls
    for prop in PROPERTIES:
        if prop.name not in wanted:
            continue

        run = _property_test(prop, rule_cls, settings)
        try:
            if prop.in_model and needs_registry:
                with registered(rule_cls):
                    run()
            else:
                run()
        except AssertionError as exc:
            failures[prop.name] = str(exc).splitlines()[0] if str(exc) else f"{prop.name}: failed"
        except HypothesisException as exc:  # e.g. flaky: a failure that does not repeat on the same input
            failures[prop.name] = f"{prop.name}: {type(exc).__name__}: {str(exc).splitlines()[0]}"
    if failures:
        raise RuleCheckFailed(rule_cls, failures)
    return RuleReport(rule_cls, tuple(wanted))


def rule_properties(rule_cls: type[Rule], **settings):
    """A pytest test checking each applicable property separately: ``test_my_rule = rule_properties(MyRule)``."""
    import pytest

    @pytest.mark.parametrize("rule_property", applicable_properties(rule_cls))
    def test_rule_property(rule_property):
        check_rule(rule_cls, properties=[rule_property], **settings)

    test_rule_property.__name__ = f"test_{rule_cls.name}_properties"
    return test_rule_property
