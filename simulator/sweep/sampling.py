"""Sweep points: a full grid over ``--vary`` values, or LHS / Sobol samples (scipy.stats.qmc, SALib).

Samplers get their own generator, ``SeedSequence(seed, spawn_key=(SAMPLER_KEY,))``,
a stream disjoint from every run's ``(point, replication)`` stream, so the
points are reproducible from the root seed alone.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from .specs import SpecError, VarySpec

SAMPLER_KEY = 2**31 - 1
SAMPLERS = ("grid", "lhs", "sobol")


@dataclass
class Design:
    sampler: str
    names: list[str]
    points: list[dict[str, float]]
    info: dict = field(default_factory=dict)  # what a later analysis needs (bounds, SALib problem, N)

    def to_json(self) -> dict:
        return {"sampler": self.sampler, "names": self.names, "n_points": len(self.points), **self.info}


def sampler_rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(SAMPLER_KEY,)))


def grid(specs: list[VarySpec]) -> Design:
    if not specs:
        raise SpecError("--vary: a grid sweep needs at least one --vary (or use --sample lhs|sobol --points N)")
    for s in specs:
        if s.values is None:
            raise SpecError(f"--vary '{s.text}': a grid needs values (name=lo:hi:n or name=v1,v2,...)")
    names = [s.name for s in specs]
    points = [dict(zip(names, combo)) for combo in itertools.product(*(s.values for s in specs))]
    return Design("grid", names, points, {"vary": [s.to_json() for s in specs]})


def _ranges(specs: list[VarySpec], table, sampler: str) -> tuple[list[str], list[tuple[float, float]]]:
    """Names and bounds to sample: the --vary ranges if given, else every uncertain parameter's support."""
    if specs:
        for s in specs:
            if s.values is not None:
                raise SpecError(f"--vary '{s.text}': --sample {sampler} takes ranges name=lo:hi (no n, no list)")
            if s.low == s.high:
                raise SpecError(f"--vary '{s.text}': empty range (lo equals hi)")
        return [s.name for s in specs], [(s.low, s.high) for s in specs]
    names = table.uncertain
    if not names:
        raise SpecError(f"--sample {sampler}: the scenario declares no uncertain parameters; give --vary name=lo:hi")
    bounds = [tuple(float(b) for b in table.params[n].bounds) for n in names]
    for n, (lo, hi) in zip(names, bounds):
        if not lo < hi:
            raise SpecError(f"--sample {sampler}: parameter '{n}' has an empty support [{lo:g}, {hi:g}]")
    return names, bounds


def latin_hypercube(specs: list[VarySpec], table, n_points: int, seed: int) -> Design:
    from scipy.stats import qmc

    names, bounds = _ranges(specs, table, "lhs")
    unit = qmc.LatinHypercube(d=len(names), rng=sampler_rng(seed)).random(n_points)
    values = qmc.scale(unit, [b[0] for b in bounds], [b[1] for b in bounds])
    points = [dict(zip(names, map(float, row))) for row in values]
    return Design("lhs", names, points, {"bounds": [list(b) for b in bounds], "N": n_points})


def sobol(specs: list[VarySpec], table, n_base: int, seed: int, second_order: bool = True) -> Design:
    """Saltelli's scheme as SALib builds it, so ``SALib.analyze.sobol`` can read the runs in point order."""
    from SALib.sample import sobol as salib_sobol

    if n_base < 1 or n_base & (n_base - 1):
        raise SpecError(f"--points: Sobol sampling needs a power of 2 (got {n_base})")
    names, bounds = _ranges(specs, table, "sobol")
    problem = {"num_vars": len(names), "names": names, "bounds": [list(b) for b in bounds]}
    values = salib_sobol.sample(dict(problem), n_base, calc_second_order=second_order, seed=sampler_rng(seed))
    points = [dict(zip(names, map(float, row))) for row in values]
    return Design("sobol", names, points,
                  {"N": n_base, "calc_second_order": second_order, "problem": problem, "salib": "SALib.sample.sobol"})


def make_design(sampler: str, specs: list[VarySpec], table, n_points: int | None, seed: int,
                second_order: bool = True) -> Design:
    if sampler == "grid":
        if n_points is not None:
            raise SpecError("--points: only for --sample lhs|sobol (a grid's size comes from --vary)")
        return grid(specs)
    if n_points is None or n_points < 1:
        raise SpecError(f"--points: --sample {sampler} needs --points N (N >= 1)")
    if sampler == "lhs":
        return latin_hypercube(specs, table, n_points, seed)
    return sobol(specs, table, n_points, seed, second_order)
