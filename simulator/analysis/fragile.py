"""Fragile forecasts: a question whose probability hangs on one assumed number.

A one-at-a-time screen around the scenario as written: each screened number is
moved by -10% and +10% of its value in every run (kept within the range the
scenario format allows for it), and the questions' yes-shares are compared with
the unchanged runs on common random numbers: the same replications, the same
draws, only that number differs. The paired difference per run (-1, 0 or 1 for
a yes/no question) gives the change of the probability with a 95% normal
interval. A question is **fragile** on a number when the whole interval lies
beyond ``threshold`` (15 points by default): the flag then does not come from
Monte Carlo noise. A change whose estimate passes the threshold while its
interval still reaches below it is reported as ``borderline``.

Screened numbers: those resting on an ``assumption`` (including rules' defaults)
or on a reference class (``from_reference``): a base rate stands in for this
case, so an analyst should know when a forecast hangs on it. Numbers backed by
``evidence`` are not screened, nor the implicit on/off switches of what-ifs, nor
numbers equal to 0 (10% of nothing is nothing).

The perturbed copies run in the Monte Carlo's own batch pass when they can
(``Screen.copies`` rides along its first chunk: ``BatchEngine.run_keys(copies=)``,
one set of draws read by every copy), else in a pass of their own; either way
the same rows give the same numbers. The screen works on the Monte Carlo's first
``replications`` (100 by default; ``diplosim run --fragile-runs``): every change
on the same runs, so its cost does not grow with ``--runs``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .. import layout as L

THRESHOLD = 0.15
STEP = 0.10
REPLICATIONS = 100
Z = 1.959963984540054


@dataclass(frozen=True)
class Screened:
    name: str
    column: int
    low: float
    high: float
    provenance: str
    label: str


def _rule_range(sc, name: str, path: tuple) -> tuple[float, float] | None:
    """A rule default's range (its path is the params mapping, not the value)."""
    from ..rules import DEFAULT_RULE, registry

    if len(path) < 3 or path[-1] != "params":
        return None
    group = path[0]
    item = sc.actors[path[1]] if group == "actors" else sc.mediation[path[1]] if group == "mediation" else None
    if item is None:
        return None
    owner = item.id if group == "actors" else item.mediator
    role = "party" if group == "actors" else "mediator"
    rule = registry().get(item.rule or DEFAULT_RULE[role])
    spec = rule.params.get(name[len(owner) + 1:]) if rule is not None else None
    return None if spec is None else (spec.low, spec.high)


def screened(loaded, compiled) -> list[Screened]:
    """The numbers the screen moves, with their allowed ranges, in the parameter table's order."""
    from ..scenario.semantics import allowed_ranges
    from ..scenario.params import TOGGLE

    sc, table = loaded.scenario, compiled.table
    ranges = allowed_ranges(sc, loaded.path.parent)
    from ..charts.words import human_label

    out = []
    for name in table.names:
        p = table.params[name]
        if p is TOGGLE or p.evidence is not None:
            continue
        lo_v, hi_v = p.bounds
        if lo_v == hi_v == 0:
            continue
        path = table.paths[name]
        rng = ranges.get(tuple(path)) or _rule_range(sc, name, tuple(path))
        lo, hi = rng if rng is not None else (0.0 if lo_v >= 0 else -math.inf, math.inf)
        label = human_label(name, compiled)
        out.append(Screened(name, table.index[name], float(lo), float(hi), p.provenance, label))
    return out


def _interval(d: np.ndarray) -> tuple[float, float, float]:
    mean = float(d.mean())
    half = Z * float(d.std(ddof=1)) / math.sqrt(len(d)) if len(d) > 1 else math.inf
    return mean, mean - half, mean + half


class Screen:
    """The screen of one Monte Carlo (scenario, seed, ``--set`` overrides, number of runs): what it moves, on
    which replications, its cache key, and its result from the runs' records."""

    def __init__(self, loaded, compiled, seed: int, overrides: dict[str, float] | None = None,
                 runs: int = REPLICATIONS, threshold: float = THRESHOLD, step: float = STEP,
                 replications: int = REPLICATIONS):
        self.loaded, self.compiled, self.seed = loaded, compiled, seed
        self.overrides = dict(overrides or {})
        self.threshold, self.step = threshold, step
        self.n = min(replications, runs)
        self.items = [s for s in screened(loaded, compiled) if s.name not in self.overrides]
        self.questions = [q for q in compiled.questions if q.per_run_is_share]
        self.columns = tuple((s.column, f, s.low, s.high) for s in self.items for f in (1 - step, 1 + step)) \
            if self.questions and self.n > 0 else ()

    @property
    def copies(self):
        """What the batch engine adds to the pass of the Monte Carlo's first ``n`` runs (None: nothing to run)."""
        from ..batch.engine import Copies

        return Copies(self.n, self.columns) if self.columns else None

    @functools.cached_property
    def key(self) -> str:
        """Everything the result depends on: the scenario as compiled (the hash of its full content, rules
        included), the parameter values of the screened replications (so reference classes, defaults and
        ``--set`` count by their effect), the screened numbers with their ranges and labels, the seed, the
        settings and the simulator's code."""
        from .. import cache
        from ..batch.engine import engine_for

        _, PU, _, _ = engine_for(self.compiled).draws(self.seed, [(0, r) for r in range(self.n)])
        V = np.ascontiguousarray(self.compiled.table.values_from_uniforms(PU, self.overrides))
        items = [[s.name, s.column, s.low, s.high, s.provenance, s.label] for s in self.items]
        return cache.key("fragile-2", self.loaded.digest, V.tobytes(), items,
                         {"seed": self.seed, "overrides": self.overrides, "n": self.n,
                          "threshold": self.threshold, "step": self.step})

    def cached(self) -> dict | None:
        from .. import cache

        return cache.get("fragile", self.key)

    def run_alone(self) -> dict:
        """The screen in a pass of its own (the Monte Carlo's first ``n`` runs again, with their copies)."""
        from ..batch.engine import engine_for

        engine = engine_for(self.compiled)
        if not self.columns:
            return self.result(None, None)
        table = engine.table(engine.run_keys(self.seed, [(0, r) for r in range(self.n)], {0: self.overrides},
                                             0, copies=self.copies))
        return self.result(table.slice(0, self.n), table.slice(self.n))

    def result(self, runs, copies) -> dict:
        """The screen from the records of the Monte Carlo's first ``n`` runs (``runs``, in replication order; more
        rows are ignored) and of their ``copies`` (``BatchEngine.run_keys``); stored in the cache."""
        from .. import cache

        items, questions, n = self.items, self.questions, self.n
        result = {"threshold": self.threshold, "step": self.step, "replications": n, "screened": len(items),
                  "parameters": [{"name": s.name, "label": s.label, "provenance": s.provenance} for s in items],
                  "questions": [{"id": q.id, "text": q.text, "flags": [], "borderline": []} for q in questions]}
        for entry, q in zip(result["questions"], questions if self.columns else ()):
            column = L.question(q.id)
            base = q.per_run(runs.column(column))[:n]
            d_all = q.per_run(copies.column(column)).reshape(len(self.columns), n) - base
            for j, (_, factor, _, _) in enumerate(self.columns):
                mean, low, high = _interval(d_all[j])
                if abs(mean) <= self.threshold:
                    continue
                s = items[j // 2]
                row = {"name": s.name, "label": s.label, "provenance": s.provenance, "change": round(factor - 1, 6),
                       "delta": mean, "low": low, "high": high, "runs": n}
                beyond = low > self.threshold or high < -self.threshold  # the whole interval lies beyond it
                entry["flags" if beyond else "borderline"].append(row)
            for key in ("flags", "borderline"):
                entry[key].sort(key=lambda r: -abs(r["delta"]))
        cache.put("fragile", self.key, result)
        return result


def screen(loaded, compiled, seed: int, overrides: dict[str, float] | None = None, runs: int = REPLICATIONS,
           **settings) -> dict:
    """The screen in a pass of its own on the batch engine: a JSON-ready dict with the flags per question."""
    return Screen(loaded, compiled, seed, overrides, runs, **settings).run_alone()


def describe(flag: dict) -> str:
    """One flag in words: which number, by how much, and how far the probability moves."""
    direction = "raising" if flag["change"] > 0 else "lowering"
    return (f"{direction} '{flag['label']}' ({flag['provenance']}) by {abs(flag['change']):.0%} moves it "
            f"{100 * flag['delta']:+.0f} points (95% {100 * flag['low']:+.0f} to {100 * flag['high']:+.0f})")
