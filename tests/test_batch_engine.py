"""The batch engine reproduces the Mesa model run for run (differential property test)."""

from hypothesis import given
from hypothesis import strategies as st

from simulator.batch.engine import BatchEngine
from simulator.compiled import Compiled
from simulator.runner import run_chunk
from simulator.testing.scenarios import scenarios, seeds


def assert_same_records(c, seed, reps, point=0, overrides=None):
    engine = BatchEngine(c)
    batch = engine.table(engine.run(seed, reps, point, overrides)).to_pylist()
    mesa, _ = run_chunk(c, seed, [(point, r) for r in reps], {point: overrides or {}})
    for b, m in zip(batch, mesa, strict=True):
        assert b == m, {k: (m[k], b[k]) for k in m if m[k] != b.get(k)}


@given(scenarios(), seeds(), st.integers(0, 3))
def test_batch_equals_mesa_on_generated_scenarios(sc, seed, point):
    assert_same_records(Compiled(sc), seed, list(range(8)), point)


def test_batch_equals_mesa_on_the_seed_scenario(seed_compiled):
    assert_same_records(seed_compiled, 2023, list(range(150)))


def test_batch_equals_mesa_with_overrides_and_switches(seed_compiled):
    assert_same_records(seed_compiled, 5, [3, 17, 40, 41, 99], point=2,
                        overrides={"steps_before_fm.enabled": 0, "russia.active": 0, "turkey.flexibility": 0.9})
