"""The random-draw layout: every uniform keyed by (seed, point, replication) and its name, stable under what-ifs."""

import datetime as dt

import numpy as np
import pytest
from scipy import stats

from simulator.batch.engine import BatchEngine
from simulator.compiled import Compiled
from simulator.draws import (G, Layout, RunDraws, StepUniforms, fold, mix, name_key, run_key, run_keys, run_seed,
                             uniforms)
from simulator.model import DiplomacyModel


def draws(c, seed=3, rep=4, point=0):
    return RunDraws.for_run(c, seed, rep, point)


def test_run_keys_are_keyed_by_seed_point_and_replication():
    a = run_key(1, 2, 3)
    assert a == run_key(1, 2, 3)
    assert len({a, run_key(1, 3, 2), run_key(2, 2, 3), run_key(1, 2, 4), run_key(1 + 2**64, 2, 3)}) == 5
    keys = run_keys(7, np.repeat(np.arange(100), 100), np.tile(np.arange(100), 100))
    assert len(np.unique(keys)) == 10_000


def test_the_layout_is_the_documented_formula():
    """docs/model.md and draws.py spell the formula out; this recomputes it with Python integers."""
    M = (1 << 64) - 1

    def m(x):
        x &= M
        x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M
        x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M
        return x ^ (x >> 31)

    g = int(G)
    seed, point, rep = 12345, 6, 789
    K = m(m(m(seed + g) ^ (point + g)) ^ (rep + g))
    assert K == run_key(seed, rep, point)
    assert int(mix(np.array([0], np.uint64))[0]) == m(0)
    import hashlib
    assert name_key("x") == int.from_bytes(hashlib.blake2b(b"x", digest_size=8).digest(), "little")
    k, slot = 5, "accept:fm:syria"
    D = m(name_key("slot:" + slot) + (k + 1) * g)
    u = (m(K + D) >> 11) * 2.0**-53
    c = Layout(["a.b"], [slot], 8)
    assert uniforms(np.array([K], np.uint64), c.step[k, 0])[0] == u
    assert uniforms(np.array([K], np.uint64), c.param[0])[0] == (m(K + name_key("param:a.b")) >> 11) * 2.0**-53
    assert fold(2**64 + 5) != fold(5) and fold(5) == 5


def test_model_uses_the_documented_layout(seed_compiled):
    m = DiplomacyModel(seed_compiled, rng=run_seed(3, 4))
    d = draws(seed_compiled)
    assert np.array_equal(m.draws.param_u, d.param_u) and np.array_equal(m.draws.step_u, d.step_u)
    assert d.step_u.shape == (seed_compiled.n_steps, len(seed_compiled.slots))
    same = DiplomacyModel(seed_compiled, rng=3, replication=4)
    assert np.array_equal(same.draws.step_u, m.draws.step_u)


def test_lazy_step_columns_equal_the_full_matrix(seed_compiled):
    c = seed_compiled
    layout = Layout.of(c)
    keys = run_keys(9, [0, 0, 3], [0, 1, 2])
    full = np.stack([draws(c, 9, r, p).step_u for p, r in [(0, 0), (0, 1), (3, 2)]])
    for k in (0, c.n_steps - 1):
        U = StepUniforms(keys, layout.step[k])
        for j in range(len(c.slots)):
            assert np.array_equal(U[:, j], full[:, k, j])


def test_overrides_and_switches_keep_common_random_numbers(seed_compiled):
    base = DiplomacyModel(seed_compiled, rng=run_seed(3, 4))
    what_if = DiplomacyModel(seed_compiled, rng=run_seed(3, 4),
                             overrides={"steps_before_fm.enabled": 0, "turkey.flexibility": 0.9})
    assert np.array_equal(base.draws.step_u, what_if.draws.step_u)
    changed = {k for k in base.values if base.values[k] != what_if.values[k]}
    assert changed == {"steps_before_fm.enabled", "turkey.flexibility"}


def test_an_added_parameter_does_not_shift_any_draw(seed_loaded):
    sc = seed_loaded.scenario
    actors = list(sc.actors)
    iran = actors[3]
    extra = iran.model_copy(update={"alignment": {**iran.alignment,
                                                  "turkish_opposition": iran.alignment["turkey"]}})
    actors[3] = extra
    c0, c1 = Compiled(sc), Compiled(sc.model_copy(update={"actors": actors}))
    assert len(c1.table) == len(c0.table) + 1 and c1.slots == c0.slots
    d0, d1 = draws(c0), draws(c1)
    assert np.array_equal(d0.step_u, d1.step_u)
    at = {n: i for i, n in enumerate(c1.table.names)}
    assert np.array_equal(d0.param_u, d1.param_u[[at[n] for n in c0.table.names]])


def test_a_longer_calendar_keeps_the_earlier_weeks(seed_loaded):
    sc = seed_loaded.scenario
    longer = sc.model_copy(update={"calendar": sc.calendar.model_copy(update={"end": dt.date(2025, 6, 30)})})
    c0, c1 = Compiled(sc), Compiled(longer)
    d0, d1 = draws(c0), draws(c1)
    assert np.array_equal(d1.step_u[: c0.n_steps], d0.step_u)


def test_results_do_not_depend_on_chunking(seed_compiled):
    """The same runs in one chunk, in small chunks in another order, and mixed with other points: same records."""
    engine = BatchEngine(seed_compiled)
    keys = [(p, r) for p in (0, 2) for r in range(60)]
    whole = engine.table(engine.run_keys(4, keys)).to_pylist()
    parts = []
    for start in range(len(keys), 0, -25):
        chunk = keys[max(0, start - 25):start]
        parts = engine.table(engine.run_keys(4, chunk)).to_pylist() + parts
    assert parts == whole


# ---- statistical smoke checks (fixed seeds: deterministic, not flaky)

def _ks(sample):
    return stats.kstest(sample, "uniform").pvalue


def test_uniforms_are_uniform_across_runs_and_within_a_run():
    layout = Layout([f"p{i}" for i in range(50)], [f"s{i}" for i in range(40)], 50)
    keys = run_keys(2023, np.zeros(20_000, np.int64), np.arange(20_000))
    across = uniforms(keys, layout.step[7, 3])  # one slot of one week over 20,000 consecutive replications
    within = uniforms(keys[:1], layout.step).ravel()  # every draw of one run (2,000)
    params = uniforms(keys[:400, None], layout.param[None, :]).ravel()
    for sample in (across, within, params):
        assert 0.0 <= sample.min() and sample.max() < 1.0
        assert _ks(sample) > 1e-4
    big = uniforms(run_keys(1, np.arange(200), np.zeros(200, np.int64))[:, None], layout.step.ravel()[None, :])
    assert _ks(big.ravel()) > 1e-4  # 400,000 draws over 200 points
    counts = np.histogram(big, bins=64, range=(0, 1))[0]
    assert stats.chisquare(counts).pvalue > 1e-4


def test_neighbouring_runs_slots_and_weeks_are_uncorrelated():
    layout = Layout(["p"], [f"s{i}" for i in range(30)], 60)
    n = 5000
    U = uniforms(run_keys(5, np.zeros(n, np.int64), np.arange(n))[:, None], layout.step.reshape(1, -1))
    U = U.reshape(n, 60, 30)
    bound = 5 / np.sqrt(n)  # five standard errors of a correlation under independence
    pairs = [(U[:-1, 0, 0], U[1:, 0, 0]),  # replication r and r + 1
             (U[:, 0, 0], U[:, 0, 1]),  # neighbouring slots
             (U[:, 0, 0], U[:, 1, 0]),  # neighbouring weeks
             (U[:, 3, 4], U[:, 4, 3])]
    for a, b in pairs:
        assert abs(np.corrcoef(a, b)[0, 1]) < bound
        assert abs(stats.spearmanr(a, b)[0]) < bound
    points = uniforms(run_keys(5, np.arange(n), np.zeros(n, np.int64)), layout.step[0, 0])
    assert abs(np.corrcoef(points[:-1], points[1:])[0, 1]) < bound
    assert abs(np.corrcoef(points, U[:, 0, 0])[0, 1]) < bound  # point p rep 0 against point 0 rep p


@pytest.mark.parametrize("seed", [0, 1, 2**63 + 7])
def test_seeds_give_unrelated_streams(seed):
    layout = Layout(["p"], ["s"], 4)
    n = 5000
    a = uniforms(run_keys(seed, np.zeros(n, np.int64), np.arange(n)), layout.step[0, 0])
    b = uniforms(run_keys(seed + 1, np.zeros(n, np.int64), np.arange(n)), layout.step[0, 0])
    assert abs(np.corrcoef(a, b)[0, 1]) < 5 / np.sqrt(n) and _ks(a) > 1e-4
