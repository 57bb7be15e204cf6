"""The batch engine reproduces the Mesa model run for run (differential property test)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.batch.engine import BatchEngine
from simulator.compiled import Compiled
from simulator.runner import run_chunk
from simulator.rules import BUILTIN
from simulator.scenario import load
from simulator.testing.scenarios import scenarios, seeds

from .conftest import CORPUS


PARTY_RULES = sorted(n for n, r in BUILTIN.items() if r.role == "party")
MEDIATOR_RULES = sorted(n for n, r in BUILTIN.items() if r.role == "mediator")


def mixed_rule_scenarios():
    """Generated scenarios in which every party draws its own built-in rule (mediators draw theirs too)."""
    return scenarios(rules=tuple(PARTY_RULES))


def assert_same_records(c, seed, reps, point=0, overrides=None):
    """Same run records and the same event logs, run for run, on both engines."""
    engine = BatchEngine(c)
    batch = engine.table(engine.run(seed, reps, point, overrides, events_for=None)).to_pylist()
    batch_events = sorted(engine.events, key=lambda e: (e[1], e[2]))
    mesa, mesa_events = run_chunk(c, seed, [(point, r) for r in reps], {point: overrides or {}})
    for b, m in zip(batch, mesa, strict=True):
        assert b == m, {k: (m[k], b[k]) for k in m if m[k] != b.get(k)}
    assert batch_events == mesa_events


@given(scenarios(), seeds(), st.integers(0, 3))
def test_batch_equals_mesa_on_generated_scenarios(sc, seed, point):
    assert_same_records(Compiled(sc), seed, list(range(8)), point)


@given(mixed_rule_scenarios(), seeds())
def test_batch_equals_mesa_with_every_built_in_rule(sc, seed):
    assert_same_records(Compiled(sc), seed, list(range(8)))


@given(scenarios(rules=("hazard",)), seeds())
def test_batch_equals_mesa_when_every_party_uses_the_hazard_rule(sc, seed):
    """The proportional-odds hazard rule (its election window too) gives identical runs on both engines."""
    assert_same_records(Compiled(sc), seed, list(range(8)))


@given(scenarios(), seeds(), st.sampled_from([{"proposal_odds": 3.0, "sharpness_scale": 0.5},
                                             {"concession_odds": 0.2, "stakes_scale": 1.5, "shock_odds": 4.0,
                                              "pressure_scale": 2.0}]))
def test_batch_equals_mesa_with_global_constants(sc, seed, constants):
    """A calibration's global constants act on the drawn values the same way on both engines."""
    c = Compiled(sc)
    c.table.constants = constants
    assert_same_records(c, seed, list(range(8)))


def test_every_built_in_rule_has_an_array_form():
    from simulator.batch.rules import MEDIATOR_ARRAYS, PARTY_ARRAYS

    assert set(PARTY_ARRAYS) == set(PARTY_RULES) and set(MEDIATOR_ARRAYS) == set(MEDIATOR_RULES)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_batch_equals_mesa_on_every_corpus_scenario(path):
    assert_same_records(Compiled(load(path).scenario), 11, list(range(40)), point=1)


def test_batch_equals_mesa_on_the_seed_scenario(seed_compiled):
    assert_same_records(seed_compiled, 2023, list(range(150)))


def test_batch_equals_mesa_with_overrides_and_switches(seed_compiled):
    assert_same_records(seed_compiled, 5, [3, 17, 40, 41, 99], point=2,
                        overrides={"steps_before_fm.enabled": 0, "russia.active": 0, "turkey.flexibility": 0.9})


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_a_scenario_dumped_in_a_manifest_reads_back_as_the_same_scenario(path):
    """Results directories keep the resolved scenario as JSON; report, dashboard and explain read it back."""
    import json

    from simulator.scenario.schema import Scenario

    sc = load(path).scenario
    assert Scenario.model_validate(json.loads(json.dumps(sc.model_dump(mode="json")))) == sc
