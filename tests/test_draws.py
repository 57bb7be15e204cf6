"""The random-draw layout: one generator per (seed, point, replication), stable under what-ifs."""

import datetime as dt

import numpy as np

from simulator.compiled import Compiled
from simulator.draws import RunDraws, run_generator
from simulator.model import DiplomacyModel


def draws(c, seed=3, rep=4, point=0):
    return RunDraws.from_generator(run_generator(seed, rep, point), len(c.table), c.n_steps, len(c.slots))


def test_generator_is_keyed_by_seed_point_and_replication():
    a = run_generator(1, 2, 3).random(4)
    assert np.array_equal(a, run_generator(1, 2, 3).random(4))
    assert not np.array_equal(a, run_generator(1, 3, 2).random(4))
    assert not np.array_equal(a, run_generator(2, 2, 3).random(4))


def test_model_uses_the_documented_layout(seed_compiled):
    m = DiplomacyModel(seed_compiled, rng=run_generator(3, 4))
    d = draws(seed_compiled)
    assert np.array_equal(m.draws.param_u, d.param_u) and np.array_equal(m.draws.step_u, d.step_u)
    assert m.draws.step_u.shape == (seed_compiled.n_steps, len(seed_compiled.slots))


def test_overrides_and_switches_keep_common_random_numbers(seed_compiled):
    base = DiplomacyModel(seed_compiled, rng=run_generator(3, 4))
    what_if = DiplomacyModel(seed_compiled, rng=run_generator(3, 4),
                             overrides={"steps_before_fm.enabled": 0, "turkey.flexibility": 0.9})
    assert np.array_equal(base.draws.step_u, what_if.draws.step_u)
    changed = {k for k in base.values if base.values[k] != what_if.values[k]}
    assert changed == {"steps_before_fm.enabled", "turkey.flexibility"}


def test_an_added_parameter_does_not_shift_step_draws(seed_loaded):
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
    assert np.array_equal(d0.param_u, d1.param_u[: len(d0.param_u)])


def test_a_longer_calendar_keeps_the_earlier_weeks(seed_loaded):
    sc = seed_loaded.scenario
    longer = sc.model_copy(update={"calendar": sc.calendar.model_copy(update={"end": dt.date(2025, 6, 30)})})
    c0, c1 = Compiled(sc), Compiled(longer)
    d0, d1 = draws(c0), draws(c1)
    assert np.array_equal(d1.step_u[: c0.n_steps], d0.step_u)


def test_direct_children_equal_spawned_children(seed_compiled):
    c = seed_compiled
    for seed, rep, point in [(0, 0, 0), (3, 4, 0), (2**32 - 1, 999, 17)]:
        a = RunDraws.from_generator(run_generator(seed, rep, point), len(c.table), c.n_steps, len(c.slots))
        b = RunDraws.for_run(seed, rep, point, len(c.table), c.n_steps, len(c.slots))
        assert np.array_equal(a.param_u, b.param_u) and np.array_equal(a.step_u, b.step_u)
