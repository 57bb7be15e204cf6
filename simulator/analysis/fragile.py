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

All perturbed copies run in one vectorised multi-point pass of the batch engine
(``BatchEngine.run_perturbed``: one set of draws, copied per change), in
chunks of about ``chunk`` runs. The screen works in two stages on the
Monte Carlo's own first replications: every change on the first ``FIRST``
(100); then only the changes whose interval still reaches beyond the
threshold, on replications up to ``SAMPLE`` (400). Its cost therefore does
not grow with ``--runs`` and is spent where a flag is possible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import layout as L

THRESHOLD = 0.15
STEP = 0.10
FIRST = 100
SAMPLE = 400
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


def _diffs(engine, seed: int, reps: list[int], overrides: dict, cols: list, questions, chunk: int) -> dict:
    """Per question: the paired differences (perturbed minus unchanged), shape (len(cols), len(reps))."""
    out = {q.id: np.empty((len(cols), len(reps))) for q in questions}
    if not cols or not reps:
        return out
    n = len(reps)
    per_pass = max(1, chunk // n - 1)  # perturbed copies per pass, besides the unchanged one
    for start in range(0, len(cols), per_pass):
        part = cols[start:start + per_pass]
        table = engine.table(engine.run_perturbed(seed, reps, overrides, part))
        for q in questions:
            y = q.per_run(table.column(L.question(q.id))).reshape(len(part) + 1, n)
            out[q.id][start:start + len(part)] = y[1:] - y[0]
    return out


def _interval(d: np.ndarray) -> tuple[float, float, float]:
    mean = float(d.mean())
    half = Z * float(d.std(ddof=1)) / math.sqrt(len(d)) if len(d) > 1 else math.inf
    return mean, mean - half, mean + half


def screen(loaded, compiled, seed: int, overrides: dict[str, float] | None = None, runs: int = SAMPLE,
           threshold: float = THRESHOLD, step: float = STEP, first: int = FIRST, sample: int = SAMPLE,
           chunk: int = 6000) -> dict:
    """Run the screen on the batch engine; returns a JSON-ready dict with the flags per question.

    Two stages on the same paired replications: every change on the first ``first`` replications; then
    only the changes whose interval still reaches beyond the threshold, on replications up to ``sample``
    (never more than the Monte Carlo's ``runs``). A flag is judged on the larger sample.
    """
    from ..batch.engine import engine_for

    overrides = overrides or {}
    items = [s for s in screened(loaded, compiled) if s.name not in overrides]
    questions = [q for q in compiled.questions if q.per_run_is_share]
    sample = min(sample, runs)
    first = min(first, sample)
    result = {"threshold": threshold, "step": step, "first": first, "sample": sample, "screened": len(items),
              "parameters": [{"name": s.name, "label": s.label, "provenance": s.provenance} for s in items],
              "questions": [{"id": q.id, "text": q.text, "flags": [], "borderline": []} for q in questions]}
    if not items or not questions:
        return result
    engine = engine_for(compiled)
    cols = [(s.column, f, s.low, s.high) for s in items for f in (1 - step, 1 + step)]
    stage1 = _diffs(engine, seed, list(range(first)), overrides, cols, questions, chunk)
    live = sorted({j for q in questions for j in range(len(cols))
                   if max(abs(v) for v in _interval(stage1[q.id][j])[1:]) > threshold})
    stage2 = _diffs(engine, seed, list(range(first, sample)), overrides, [cols[j] for j in live], questions, chunk)
    result["confirmed"] = len(live)
    for entry, q in zip(result["questions"], questions):
        for j, (col, factor, _, _) in enumerate(cols):
            s = items[j // 2]
            d = np.concatenate([stage1[q.id][j], stage2[q.id][live.index(j)]]) if j in live else stage1[q.id][j]
            mean, low, high = _interval(d)
            if abs(mean) <= threshold:
                continue
            row = {"name": s.name, "label": s.label, "provenance": s.provenance, "change": round(factor - 1, 6),
                   "delta": mean, "low": low, "high": high, "runs": len(d)}
            beyond = low > threshold or high < -threshold  # the whole interval lies beyond the threshold
            entry["flags" if beyond else "borderline"].append(row)
        for key in ("flags", "borderline"):
            entry[key].sort(key=lambda r: -abs(r["delta"]))
    return result


def cached_screen(loaded, compiled, seed: int, overrides: dict[str, float] | None = None, runs: int = SAMPLE,
                  **settings) -> tuple[dict, bool]:
    """``screen(...)`` through the on-disk cache (``simulator/cache.py``): (result, whether it was reused).

    The key holds everything the result depends on: the scenario as compiled (the hash of its full
    content, rules included), the parameter values of the screened replications (so reference classes, defaults and
    ``--set`` count by their effect), the screened numbers with their ranges and labels, the seed, the
    screen's settings and the simulator's code. A reused result is the same dict, key for key."""
    from .. import cache
    from ..batch.engine import engine_for

    overrides = overrides or {}
    sample = min(settings.get("sample", SAMPLE), runs)
    _, PU, _, _ = engine_for(compiled).draws(seed, [(0, r) for r in range(sample)])  # the engine screen() uses
    V = np.ascontiguousarray(compiled.table.values_from_uniforms(PU, overrides))
    items = [[s.name, s.column, s.low, s.high, s.provenance, s.label] for s in screened(loaded, compiled)]
    k = cache.key("fragile-1", loaded.digest, V.tobytes(), items,
                  {"seed": seed, "overrides": overrides, "runs": runs, "settings": settings})
    hit = cache.get("fragile", k)
    if hit is not None:
        return hit, True
    result = screen(loaded, compiled, seed, overrides, runs=runs, **settings)
    cache.put("fragile", k, result)
    return result, False


def describe(flag: dict) -> str:
    """One flag in words: which number, by how much, and how far the probability moves."""
    direction = "raising" if flag["change"] > 0 else "lowering"
    return (f"{direction} '{flag['label']}' ({flag['provenance']}) by {abs(flag['change']):.0%} moves it "
            f"{100 * flag['delta']:+.0f} points (95% {100 * flag['low']:+.0f} to {100 * flag['high']:+.0f})")
