"""check_rule catches each broken promise, names the property and shows a shrunk example."""

import random
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import Phase

from simulator.engine import kernel
from simulator.rules import Decision, ParamSpec, ReservationThreshold, registry
from simulator.rules.base import decide
from simulator.rules.deadline import DeadlinePressure, DeadlinePressureArray
from simulator.rules.threshold import ThresholdArray
from simulator.testing import RuleCheckFailed, applicable_properties, check_rule, rule_properties

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class Base(ReservationThreshold):
    """A mutant of the threshold rule (each subclass breaks one promise)."""

    name = "mutant_base"


class OutOfRange(Base):
    name = "mutant_out_of_range"

    def propose(self, v, stakes, u):
        prob = v.params["initiative"] * (1 + v.pressure)  # forgot to clip
        return Decision(u < prob, prob)


class InvertedDraw(Base):
    name = "mutant_inverted_draw"

    def accept(self, v, stakes, u):
        d = super().accept(v, stakes, u)
        return Decision(u > d.probability, d.probability)


class Noisy(Base):
    name = "mutant_noisy"

    def concede(self, v, cost, u):
        return decide(random.random(), 0.5)  # ignores the run's draw


class Mutating(Base):
    name = "mutant_mutating"

    def waive(self, v, threshold, u):
        v.params["flexibility"] = 1.0  # writes into the model's state
        return super().waive(v, threshold, u)


class Stateful(Base):
    name = "mutant_stateful"

    def accept(self, v, stakes, u):
        self.calls = getattr(self, "calls", 0) + 1  # state shared across runs breaks chunk-independence
        return super().accept(v, stakes, u)


class Timid(Base):
    name = "mutant_timid"

    def accept(self, v, stakes, u):
        return decide(u, max(0.0, 0.9 - v.pressure))  # pressure makes it less willing


class DriftingArray(ThresholdArray):
    def willingness(self, V, P, t):  # forgot the clip the scalar form has: the engines would disagree
        return self.p(V, "flexibility") + self.p(V, "pressure_sensitivity") * P


class ArrayDrift(ReservationThreshold):
    """Its array form is not its scalar form: the batch engine would decide otherwise than the Mesa engine."""

    name = "mutant_array_drift"
    array = DriftingArray


class LastFirstArray(DeadlinePressureArray):
    def target(self, C, u):  # the last candidate instead of the first
        last = C[:, 0].copy()
        for j in range(1, C.shape[1]):
            last = np.where(C[:, j] >= 0, C[:, j], last)
        return last


class MediatorArrayDrift(DeadlinePressure):
    name = "mutant_mediator_array_drift"
    array = LastFirstArray


def test_a_subclass_does_not_inherit_its_parents_array_form():
    assert ReservationThreshold.array is ThresholdArray and Base.array is None
    assert "array_equals_scalar" in applicable_properties(ReservationThreshold)
    assert "array_equals_scalar" not in applicable_properties(Base)


@pytest.mark.parametrize(("rule", "prop"), [
    (ArrayDrift, "array_equals_scalar"), (MediatorArrayDrift, "array_equals_scalar"),
    (OutOfRange, "outputs_in_range"), (InvertedDraw, "draw_threshold"), (Noisy, "deterministic_given_draws"),
    (Mutating, "no_mutation"), (Stateful, "no_mutation"), (Timid, "monotone_in_pressure"),
])
def test_each_broken_promise_is_caught_and_named(rule, prop):
    with pytest.raises(RuleCheckFailed) as info:
        check_rule(rule, properties=[p for p in applicable_properties(rule) if p != "respects_hard_preconditions"])
    assert prop in info.value.failures
    assert info.value.failures[prop].startswith(prop) and "input" in info.value.failures[prop]


def test_the_deliberately_broken_example_fails_on_monotonicity_with_a_minimal_example(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))
    from broken_rule import Backlash

    with pytest.raises(RuleCheckFailed) as info:
        check_rule(Backlash)
    assert set(info.value.failures) == {"monotone_in_pressure"}
    message = info.value.failures["monotone_in_pressure"]
    assert "probability fell" in message and "'backlash'" in str(info.value)
    sys.modules.pop("broken_rule", None)


def test_hard_precondition_breaches_inside_the_model_are_caught(monkeypatch):
    """If the model let rules accept past hard preconditions, check_rule would say so (the check is not vacuous)."""

    def preconditions_never_block(self, st, U, k, j, mask, position):
        return np.zeros(st.n, bool)  # the kernel forgets to check preconditions; rules decide regardless

    monkeypatch.setattr(kernel.Kernel, "_preconditions", preconditions_never_block)
    with pytest.raises(RuleCheckFailed) as info:
        check_rule(ReservationThreshold, properties=["respects_hard_preconditions"], max_examples=100,
                   phases=[Phase.generate], database=None, derandomize=True)  # detection is the point; one fixed
    # sequence of examples, so the test does not depend on luck; shrinking scenarios is slow
    assert "unmet" in info.value.failures["respects_hard_preconditions"]


def test_a_passing_check_reports_what_it_checked_and_leaves_the_registry_alone():
    class Calm(Base):
        name = "calm_test_rule"

    report = check_rule(Calm, max_examples=10)
    assert report.checked == tuple(applicable_properties(Calm))
    assert "respects_hard_preconditions" in report.checked and "calm_test_rule" not in registry()


def test_properties_follow_the_declarations():
    class NoPromises(Base):
        name = "no_promises"
        deterministic_given_draws = False
        draw_threshold = False
        monotone_in_pressure = False

    assert applicable_properties(NoPromises) == ["outputs_in_range", "no_mutation", "respects_hard_preconditions"]
    with pytest.raises(ValueError, match="unknown properties"):
        check_rule(Base, properties=["fast"])


def test_a_rule_that_reads_a_number_it_does_not_declare_is_caught():
    from simulator.rules import ProportionalHazard

    class Undeclared(Base):  # reads the view's sharpness (the threshold rule's logistic) but says it does not
        name = "mutant_undeclared"
        scenario_numbers = ()

    assert "reads_only_declared_numbers" in applicable_properties(Undeclared)
    assert "reads_only_declared_numbers" not in applicable_properties(Base)  # declared: nothing to check
    with pytest.raises(RuleCheckFailed) as info:
        check_rule(Undeclared, properties=["reads_only_declared_numbers"], max_examples=50)
    assert "does not declare 'dynamics.sharpness'" in info.value.failures["reads_only_declared_numbers"]
    check_rule(ProportionalHazard, properties=["reads_only_declared_numbers"], max_examples=100)  # it keeps its word


def test_check_rule_refuses_what_is_not_a_rule():
    from simulator.rules import RulePluginError

    class NotARule:
        name = "x"

    with pytest.raises(RulePluginError, match="not a subclass"):
        check_rule(NotARule)
    with pytest.raises(RulePluginError, match="default 3"):
        check_rule(type("BadDefault", (Base,), {"name": "bad_default",
                                               "params": {"flexibility": ParamSpec(0, 1, "x", 3.0)}}))


test_rule_properties_one_liner = rule_properties(Base, max_examples=10)


def test_rule_properties_yields_one_test_per_property():
    marks = [m for m in test_rule_properties_one_liner.pytestmark if m.name == "parametrize"]
    assert marks[0].args == ("rule_property", applicable_properties(Base))
    assert test_rule_properties_one_liner.__name__ == "test_mutant_base_properties"


def test_a_hard_precondition_that_is_not_live_in_a_run_is_no_breach_there():
    """A precondition with ``live: 0`` exists in no run (worlds): the meeting it would block may happen, and the
    audit must not call that a breach (hypothesis found this false alarm on the time-dependent rule)."""
    import json

    from simulator.rules import TimeDependentConcession
    from simulator.scenario.schema import Scenario
    from simulator.testing.rules import prop_hard_preconditions

    doc = json.loads((Path(__file__).resolve().parents[1] / "data" / "hard_precondition_not_live.json").read_text())
    assert all(p["kind"] == "hard" and p["live"]["value"] == 0.0 for p in doc["preconditions"])
    prop_hard_preconditions(TimeDependentConcession, (Scenario.model_validate(doc), 0))
