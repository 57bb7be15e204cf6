"""Fitting the global constants to a corpus of negotiations by a proper score (`diplosim calibrate`).

The corpus is a directory of ``<name>.yaml`` scenarios with their ``<name>.observed.yaml`` outcomes
(version 2, read and checked by ``analysis.observed``). For a vector of constants theta, every
negotiation is run ``runs`` times on the batch engine with the same seed and replications (common
random numbers: only the constants differ between candidates) and scored against what happened by the
backtest's own scoring (``analysis.backtest.score_runs``, ``analysis.scores``):

- yes/no questions: Brier ``(p - o)^2``, p the share of runs answering yes;
- dates (date questions and milestones' first dates): CRPS in weeks of the runs' dates, "not by the
  end" a point one week after the calendar end; for the objective it is divided by that horizon
  (calendar weeks + 1) so that it lies on the Brier's 0..1 scale. Count questions are not used.

The objective is pooled mean Brier + pooled mean scaled CRPS. The search is a coordinate search on a
lattice of log2(constant) with steps 1 and 1/2 (starting from the neutral constants, 1), within
each constant's bounds, moving to the best of the current point's neighbours (run together in one
batch, on the same draws). Every point visited is run once for every negotiation and cached, so the
leave-one-negotiation-out fits (one per held-out negotiation) and the bootstrap refits (negotiations
resampled with replacement; the interval is the 5th to 95th percentile of the refitted constants)
reuse the runs. The cross-validation fits start from the neutral constants, like the in-sample fit;
the bootstrap refits start from the in-sample optimum (the usual warm start of a bootstrap).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..scenario.constants import CONSTANTS

STEPS = (1.0, 0.5)  # log2 steps of the coordinate descent: factors 2 and 1.41
MAX_BATCH_RUNS = 1200  # runs per batch-engine call when candidates are run together (bounds the draws' memory)


@dataclass
class Stats:
    """Sums for pooling: Brier over yes/no targets, CRPS (fraction of the calendar) over dates."""

    brier: float = 0.0
    n_yes_no: int = 0
    crps: float = 0.0
    n_dates: int = 0

    def __add__(self, o: Stats) -> Stats:
        return Stats(self.brier + o.brier, self.n_yes_no + o.n_yes_no, self.crps + o.crps, self.n_dates + o.n_dates)

    def scaled(self, w: float) -> Stats:
        return Stats(self.brier * w, self.n_yes_no * w, self.crps * w, self.n_dates * w)

    @property
    def mean_brier(self) -> float | None:
        return self.brier / self.n_yes_no if self.n_yes_no else None

    @property
    def mean_crps(self) -> float | None:
        return self.crps / self.n_dates if self.n_dates else None

    @property
    def total(self) -> float:
        return (self.mean_brier or 0.0) + (self.mean_crps or 0.0)

    def as_dict(self) -> dict:
        return {"brier": self.mean_brier, "crps": self.mean_crps, "score": self.total,
                "yes_no_questions": self.n_yes_no, "dates": self.n_dates}


# --------------------------------------------------------------------------- negotiations


@dataclass
class Negotiation:
    name: str
    compiled: object
    observed: object  # analysis.observed.LoadedObserved
    scenario_hash: str
    observed_sha256: str
    _engine: object = field(default=None, repr=False)

    def stats(self, constants: dict[str, float], runs: int, seed: int) -> Stats:
        """Score of the runs with these constants (common random numbers: same seed and replications)."""
        return self.stats_many([constants], runs, seed)[0]

    def stats_many(self, candidates: Sequence[dict[str, float]], runs: int, seed: int) -> list[Stats]:
        """Scores of several candidate constants, run together in one batch: each candidate's block of runs
        has the same seed and replications (common random numbers), so block k is exactly the run of
        candidate k alone; only the parameter values differ."""
        from ..analysis.backtest import score_runs
        from ..batch.engine import engine_for

        c = self.compiled
        eng = self._engine = self._engine or engine_for(c)
        keys = [(0, r) for _ in candidates for r in range(runs)]

        def values(PU):
            old = c.table.constants
            try:
                blocks = []
                for k, consts in enumerate(candidates):
                    c.table.constants = dict(consts)
                    blocks.append(c.table.values_from_uniforms(PU[k * runs:(k + 1) * runs]))
            finally:
                c.table.constants = old
            return np.vstack(blocks)

        table = eng.table(eng.run_keys(seed, keys, None, events_for=0, values=values))
        horizon = (c.max_day - c.min_day) / 7.0 + 1.0  # weeks to the "not by the end" point
        out = []
        for k in range(len(candidates)):
            scored = score_runs(self.observed, c, table.slice(k * runs, runs), runs, seed)
            dates = [r["crps"] / horizon for r in scored["distributions"] if r["scale"] == "weeks"]
            out.append(Stats(brier=float(sum(r["brier"] for r in scored["yes_no"])), n_yes_no=len(scored["yes_no"]),
                             crps=float(sum(dates)), n_dates=len(dates)))
        return out


def load_corpus(corpus: Path) -> list[Negotiation]:
    """Every ``<name>.observed.yaml`` of the directory with the scenario it names (checked; ScenarioError lists
    problems; ValueError if there is nothing to score)."""
    from ..analysis.backtest import find_observed
    from ..analysis.observed import load_observed
    from ..batch.engine import supports
    from ..compiled import Compiled

    out = []
    for path in find_observed(Path(corpus)):
        lo = load_observed(path)
        c = Compiled(lo.loaded.scenario)
        if not supports(c):
            raise ValueError(f"{lo.scenario_path}: calibrate runs the batch engine; an actor uses a plugin rule")
        usable = [o for o in lo.observed.questions if c.questions and o.count is None] + list(lo.observed.milestones)
        if not usable:
            continue
        out.append(Negotiation(path.name.removesuffix(".observed.yaml"), c, lo, lo.loaded.digest,
                               hashlib.sha256(path.read_bytes()).hexdigest()[:16]))
    if not out:
        raise ValueError(f"{corpus}: no '<name>.observed.yaml' with scored outcomes beside a '<name>.yaml'")
    return out


def relevant_constants(negs: Sequence[Negotiation]) -> list[str]:
    """The constants that act on some parameter of some negotiation."""
    return [k for k in CONSTANTS if any(n.compiled.table.constant_columns()[k] for n in negs)]


# --------------------------------------------------------------------------- search


class Search:
    """Runs cached by lattice point; fits for any weighting of the negotiations."""

    def __init__(self, negs: Sequence[Negotiation], fit: Sequence[str], runs: int, seed: int):
        self.negs, self.fit, self.runs, self.seed = list(negs), list(fit), runs, seed
        self.cache: dict[tuple, list[Stats]] = {}
        self.bounds = [(math.log2(CONSTANTS[k].low), math.log2(CONSTANTS[k].high)) for k in self.fit]
        self.per_batch = max(1, MAX_BATCH_RUNS // runs)

    def constants(self, point: tuple) -> dict[str, float]:
        return {k: float(2.0 ** x) for k, x in zip(self.fit, point)}

    def per_negotiation(self, point: tuple) -> list[Stats]:
        return self.evaluate([point])[self._key(point)]

    @staticmethod
    def _key(point: tuple) -> tuple:
        return tuple(round(x, 6) for x in point)

    def evaluate(self, points: Sequence[tuple]) -> dict[tuple, list[Stats]]:
        """Run every point not yet cached, for every negotiation, several points per batch."""
        todo = list(dict.fromkeys(self._key(p) for p in points if self._key(p) not in self.cache))
        for start in range(0, len(todo), self.per_batch):
            chunk = todo[start:start + self.per_batch]
            per_neg = [n.stats_many([self.constants(p) for p in chunk], self.runs, self.seed) for n in self.negs]
            for j, p in enumerate(chunk):
                self.cache[p] = [stats[j] for stats in per_neg]
        return {self._key(p): self.cache[self._key(p)] for p in points}

    def pooled(self, point: tuple, weights: Sequence[float]) -> Stats:
        total = Stats()
        for s, w in zip(self.per_negotiation(point), weights):
            if w:
                total = total + s.scaled(w)
        return total

    def minimise(self, weights: Sequence[float], start: tuple | None = None) -> tuple:
        """Coordinate search on the lattice: all neighbours of the current point (one step up and down each
        constant) are run together, and the search moves to the best one while it improves the score."""
        point = self._key(tuple(0.0 for _ in self.fit) if start is None else start)
        best = self.pooled(point, weights).total
        for step in STEPS:
            while True:
                neighbours = []
                for d in range(len(self.fit)):
                    for sign in (1.0, -1.0):
                        cand = list(point)
                        cand[d] = min(max(cand[d] + sign * step, self.bounds[d][0]), self.bounds[d][1])
                        if self._key(tuple(cand)) != point:
                            neighbours.append(self._key(tuple(cand)))
                self.evaluate(neighbours)
                scored = sorted((self.pooled(c, weights).total, c) for c in neighbours)
                if not scored or scored[0][0] >= best - 1e-12:
                    break
                best, point = scored[0]
        return point


def write_calibration(path: str | Path, data: dict) -> Path:
    """Write a calibration file: JSON for ``.json``, YAML otherwise; checked by reading it back."""
    import json

    from ..scenario.defaults import document
    from ..scenario.loader import load_calibration

    path = Path(path)
    doc = document(data)
    if path.suffix == ".json":
        path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    else:
        from ruamel.yaml import YAML

        yaml = YAML()
        yaml.default_flow_style = None
        yaml.width = 120
        with path.open("w", encoding="utf-8") as fh:
            yaml.dump(doc, fh)
    load_calibration(path)
    return path


@dataclass
class Calibration:
    fit: list[str]
    constants: dict[str, float]
    intervals: dict[str, list[float]]
    before_in: Stats
    after_in: Stats
    before_out: Stats
    after_out: Stats
    folds: list[dict]
    evaluations: int


def calibrate(negs: Sequence[Negotiation], fit: Iterable[str], runs: int = 200, seed: int = 1,
              bootstrap: int = 30, progress=None) -> Calibration:
    """Fit on all negotiations, leave-one-negotiation-out cross-validation, bootstrap intervals."""
    negs = list(negs)
    search = Search(negs, list(fit), runs, seed)
    n = len(negs)
    every = [1.0] * n
    neutral = tuple(0.0 for _ in search.fit)
    best = search.minimise(every)
    if progress:
        progress(f"in-sample fit: {search.constants(best)}")
    folds, out = [], Stats()
    for k in range(n):
        w = [0.0 if j == k else 1.0 for j in range(n)]
        pk = search.minimise(w)
        held = search.per_negotiation(pk)[k]
        out = out + held
        folds.append({"held_out": negs[k].name, "constants": search.constants(pk), **held.as_dict()})
        if progress:
            progress(f"fold {k + 1}/{n} ({negs[k].name}): score {held.total:.4f}")
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(bootstrap):
        counts = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
        draws.append(search.minimise(list(counts), start=best))
    intervals = {}
    if draws:
        arr = 2.0 ** np.array(draws)
        for d, k in enumerate(search.fit):
            intervals[k] = [float(np.percentile(arr[:, d], 5)), float(np.percentile(arr[:, d], 95))]
    before = search.pooled(neutral, every)
    return Calibration(search.fit, search.constants(best), intervals, before, search.pooled(best, every),
                       before, out, folds, len(search.cache))
