"""Where every run's randomness comes from, laid out for exact reproduction.

Run ``(point, replication)`` of a sweep with root seed ``S`` owns the generator
``default_rng(SeedSequence(S, spawn_key=(point, replication)))`` (a Monte
Carlo is point 0). From it two child generators are spawned
(``Generator.spawn(2)``):

1. the first draws ``n_params`` uniforms, one per parameter in the order of
   ``ParameterTable.names``, mapped to values by inverse CDF;
2. the second draws an ``(n_steps, n_slots)`` matrix of uniforms, one row per
   weekly step, one column per named decision slot (``Compiled.slots``).

Every slot is drawn whether or not it is used, so a decision's draw depends
only on (seed, point, replication, step, slot). A run therefore gives the same
record alone, inside any batch, in any process, or in a vectorised engine; and
two variants of a scenario with the same layout (what-ifs made through
parameters and switches) share their random numbers exactly. Parameter
uniforms and step uniforms come from separate streams, so adding a parameter
does not shift the step draws. Mesa itself then receives the run generator as
``rng`` (it draws one integer from it to seed ``model.random``, which this
model never uses).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def run_generator(root_seed: int, replication: int, point: int = 0) -> np.random.Generator:
    """The generator owned by one run, keyed by (root seed, point, replication)."""
    return np.random.default_rng(np.random.SeedSequence(root_seed, spawn_key=(point, replication)))


@dataclass(frozen=True)
class RunDraws:
    param_u: np.ndarray  # (n_params,)
    step_u: np.ndarray  # (n_steps, n_slots)

    @classmethod
    def from_generator(cls, gen: np.random.Generator, n_params: int, n_steps: int, n_slots: int) -> RunDraws:
        params_gen, steps_gen = gen.spawn(2)
        return cls(params_gen.random(n_params), steps_gen.random((n_steps, n_slots)))

    @classmethod
    def for_run(cls, root_seed: int, replication: int, point: int, n_params: int, n_steps: int,
                n_slots: int) -> RunDraws:
        """The same draws as ``from_generator(run_generator(...))``, without building the parent generator.

        ``Generator.spawn`` gives child i the seed sequence with spawn key
        (point, replication, i); building those two directly is a third faster,
        which matters to the batch engine.
        """
        def uniforms(i: int, n: int) -> np.ndarray:
            # Generator.random on PCG64 is (next_uint64 >> 11) * 2**-53: the same numbers, without the Generator
            raw = np.random.PCG64(np.random.SeedSequence(root_seed, spawn_key=(point, replication, i))).random_raw(n)
            return (raw >> np.uint64(11)) * (1.0 / 9007199254740992.0)
        return cls(uniforms(0, n_params), uniforms(1, n_steps * n_slots).reshape(n_steps, n_slots))
