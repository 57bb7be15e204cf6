"""The batch engine reproduces the Mesa model run for run (differential property test)."""

from hypothesis import given
from hypothesis import strategies as st

from simulator.batch.engine import BatchEngine
from simulator.compiled import Compiled
from simulator.runner import run_chunk
from simulator.rules import BUILTIN
from simulator.scenario.schema import Scenario
from simulator.testing.scenarios import params, scenario_dicts, scenarios, seeds

PARTY_RULES = sorted(n for n, r in BUILTIN.items() if r.role == "party")
MEDIATOR_RULES = sorted(n for n, r in BUILTIN.items() if r.role == "mediator")


@st.composite
def mixed_rule_scenarios(draw):
    """Generated scenarios in which every party and every mediator draws its own built-in rule."""
    d = draw(scenario_dicts())
    for actor in d["actors"]:
        if actor["role"] == "party":
            rule = BUILTIN[draw(st.sampled_from(PARTY_RULES))]
            actor["rule"] = rule.name
            actor["params"] = {n: draw(params(spec.low, spec.high)) for n, spec in rule.params.items()}
    for med in d["mediation"]:
        med["rule"] = draw(st.sampled_from(MEDIATOR_RULES))
    known = {f"{a['id']}.{n}" for a in d["actors"] for n in a.get("params", {})}
    election = d["calendar"].get("election")
    if election:
        for key in ("after_win", "after_loss"):
            election[key] = [e for e in election.get(key, []) if e["param"] in known]
    return Scenario.model_validate(d)


def assert_same_records(c, seed, reps, point=0, overrides=None):
    engine = BatchEngine(c)
    batch = engine.table(engine.run(seed, reps, point, overrides)).to_pylist()
    mesa, _ = run_chunk(c, seed, [(point, r) for r in reps], {point: overrides or {}})
    for b, m in zip(batch, mesa, strict=True):
        assert b == m, {k: (m[k], b[k]) for k in m if m[k] != b.get(k)}


@given(scenarios(), seeds(), st.integers(0, 3))
def test_batch_equals_mesa_on_generated_scenarios(sc, seed, point):
    assert_same_records(Compiled(sc), seed, list(range(8)), point)


@given(mixed_rule_scenarios(), seeds())
def test_batch_equals_mesa_with_every_built_in_rule(sc, seed):
    assert_same_records(Compiled(sc), seed, list(range(8)))


def test_every_built_in_rule_has_an_array_form():
    from simulator.batch.rules import MEDIATOR_ARRAYS, PARTY_ARRAYS

    assert set(PARTY_ARRAYS) == set(PARTY_RULES) and set(MEDIATOR_ARRAYS) == set(MEDIATOR_RULES)


def test_batch_equals_mesa_on_the_seed_scenario(seed_compiled):
    assert_same_records(seed_compiled, 2023, list(range(150)))


def test_batch_equals_mesa_with_overrides_and_switches(seed_compiled):
    assert_same_records(seed_compiled, 5, [3, 17, 40, 41, 99], point=2,
                        overrides={"steps_before_fm.enabled": 0, "russia.active": 0, "turkey.flexibility": 0.9})
