"""Fragile forecasts: a question whose probability hangs on one number or switch that the author chose.

A one-at-a-time screen around the scenario as written. Every parameter of the table is moved in every run,
one at a time, in the way its meaning allows (``MOVES``):

- a **chance** (a weekly chance, an election's chance of a run-off or of the incumbent's win:
  ``params.chance_parameters``) has its odds multiplied and divided by 1.1 (``1 + step``): the same 10% on the
  odds, so 0.95 becomes 0.954 and 0.945, never 1 (a certainty) nor 0.855;
- any **other number** moves by 10% of its value up and down, and only within the range the scenario format
  allows for it: a move that would leave that range is not made (it is never clipped to a boundary), and is
  listed as not screened;
- a **switch** (``<precondition>.enabled``, ``<mediator>.active``) is turned over: on to off, off to on.

Numbers backed by evidence are screened like assumed ones and those from a reference class: a forecast that
hangs on a number hangs on it whatever its source, and an analyst should know which reading matters. Not
screened, and named in the result with the reason (``not_screened``): a number fixed with ``--set``, a number
that is 0 in every run (10% of 0 is 0; a chance of 0 or 1 has no odds to change), a move beyond the allowed
range, and count questions (``questions_not_screened``: the screen compares chances). A scenario whose rule has
no array form (a plug-in) is not screened at all (``api.screen_of`` says so).

The questions' yes-shares are compared with the unchanged runs on common random numbers: the same replications,
the same draws, only that parameter differs. The paired difference per run (-1, 0 or 1) gives the change of
the probability with a 95% normal interval. A question is **fragile** on a parameter when the whole interval
lies beyond ``threshold`` (15 points by default): the flag then does not come from Monte Carlo noise. A change
whose estimate passes the threshold while its interval still reaches below it is reported as ``borderline``.

The perturbed copies run in the Monte Carlo's own batch pass when they can (``Screen.copies`` rides along its
first chunk: ``BatchEngine.run_keys(copies=)``, one set of draws read by every copy), else in a pass of their
own; either way the same rows give the same numbers. The screen works on the Monte Carlo's first
``replications`` (100 by default; ``diplosim run --fragile-runs``): every change on the same runs, so its cost
does not grow with ``--runs``.
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


# ------------------------------------------------------------------ how each kind of parameter is moved
class Move:
    """How the screen moves one kind of parameter: its changes, their values per run, and the words for them."""

    kind: str

    def changes(self, values: np.ndarray, step: float) -> tuple[float, ...]:
        """The changes made (signed: up or down), given the parameter's values in the screened runs."""
        return (-step, step)

    def apply(self, values: np.ndarray, change: float) -> np.ndarray:
        raise NotImplementedError

    def unmovable(self, values: np.ndarray) -> str | None:
        """Why no change moves this parameter in these runs, or None."""
        return None

    def words(self, change: float, label: str, provenance: str) -> str:
        raise NotImplementedError


class Relative(Move):
    """A number that is not a chance: moved by ``change`` of its own value."""

    kind = "relative"

    def apply(self, values, change):
        return values * (1.0 + change)

    def unmovable(self, values):
        return "it is 0 in every run, and any share of 0 is 0" if not values.any() else None

    def words(self, change, label, provenance):
        return f"{'raising' if change > 0 else 'lowering'} '{label}' ({provenance}) by {abs(change):.0%}"


class Odds(Move):
    """A chance: its odds multiplied (``change`` > 0) or divided by ``1 + |change|``."""

    kind = "odds"

    def apply(self, values, change):
        from ..scenario.constants import times_odds

        factor = 1.0 + abs(change)
        return times_odds(values, factor if change > 0 else 1.0 / factor)

    def unmovable(self, values):
        if not np.all((values == 0.0) | (values == 1.0)):
            return None
        which = "0" if not values.any() else "1 (a certainty)" if values.all() else "0 or 1"
        return f"it is a chance of {which} in every run, which no change of its odds moves"

    def words(self, change, label, provenance):
        return (f"{'multiplying' if change > 0 else 'dividing'} the odds of '{label}' ({provenance}) "
                f"by {1 + abs(change):g}")


class Switch(Move):
    """An on/off switch: turned over (``change`` -1: off, +1: on)."""

    kind = "switch"

    def changes(self, values, step):
        return (-1.0,) if values.all() else (1.0,) if not values.any() else (-1.0, 1.0)

    def apply(self, values, change):
        return np.full_like(values, 1.0 if change > 0 else 0.0)

    def words(self, change, label, provenance):
        return f"turning {'on' if change > 0 else 'off'} '{label}'"


MOVES: dict[str, Move] = {m.kind: m for m in (Relative(), Odds(), Switch())}


@dataclass(frozen=True)
class Screened:
    """A parameter of the table as the screen sees it: its column, allowed range, source, label and move."""

    name: str
    column: int
    low: float
    high: float
    provenance: str
    label: str
    move: str  # a key of MOVES


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


def parameters(loaded, compiled) -> list[Screened]:
    """Every parameter of the table, with its allowed range and how the screen moves it, in the table's order."""
    from ..lang.words import human_label
    from ..scenario.params import TOGGLE, chance_parameters
    from ..scenario.semantics import allowed_ranges

    sc, table = loaded.scenario, compiled.table
    ranges = allowed_ranges(sc, loaded.path.parent)
    chances = chance_parameters(sc)
    out = []
    from ..lang.worlds import draw_names

    draws = draw_names(sc)  # a run's own draw of its world is not a belief to screen
    for name in table.names:
        if name in draws:
            continue
        p = table.params[name]
        path = tuple(table.paths[name])
        rng = ranges.get(path) or _rule_range(sc, name, path)
        lo, hi = rng if rng is not None else (0.0 if p.bounds[0] >= 0 else -math.inf, math.inf)
        move = "switch" if p is TOGGLE else "odds" if name in chances else "relative"
        out.append(Screened(name, table.index[name], float(lo), float(hi), p.provenance,
                            human_label(name, compiled), move))
    return out


def _interval(d: np.ndarray) -> tuple[float, float, float]:
    mean = float(d.mean())
    half = Z * float(d.std(ddof=1)) / math.sqrt(len(d)) if len(d) > 1 else math.inf
    return mean, mean - half, mean + half


def _off_range(moved: np.ndarray, change: float, lo: float, hi: float) -> str | None:
    """Why a move is not made: it would take the number out of its allowed range (never clipped to a bound)."""
    way = "raising" if change > 0 else "lowering"
    if moved.max() > hi:
        return f"{way} it by {abs(change):.0%} would take it above {hi:g}, the top of its allowed range"
    if moved.min() < lo:
        return f"{way} it by {abs(change):.0%} would take it below {lo:g}, the bottom of its allowed range"
    return None


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
        self.questions = [q for q in compiled.questions if q.per_run_is_share]
        self.questions_not_screened = [
            {"id": q.id, "text": q.text, "reason": "a count question: the screen compares chances"}
            for q in compiled.questions if not q.per_run_is_share]

    @functools.cached_property
    def parameters(self) -> list[Screened]:
        return parameters(self.loaded, self.compiled)

    @functools.cached_property
    def values(self) -> np.ndarray:
        """The parameter values of the screened replications (runs x parameters), ``--set`` included."""
        from ..batch.engine import engine_for

        _, PU, _, _ = engine_for(self.compiled).draws(self.seed, [(0, r) for r in range(self.n)])
        return np.ascontiguousarray(self.compiled.table.values_from_uniforms(PU, self.overrides))

    @functools.cached_property
    def _plan(self):
        """(the parameters screened, the moves made: (parameter, change, values), what is not screened)."""
        items, moves, skipped = [], [], []

        def skip(s, reason, change=None):
            skipped.append({"name": s.name, "label": s.label, "provenance": s.provenance, "move": s.move,
                            "change": change, "reason": reason})

        for s in self.parameters:
            if s.name in self.overrides:
                skip(s, "fixed with --set")
                continue
            move, values = MOVES[s.move], self.values[:, s.column]
            why = move.unmovable(values)
            if why is not None:
                skip(s, why)
                continue
            made = []
            for change in move.changes(values, self.step):
                moved = move.apply(values, change)
                why = _off_range(moved, change, s.low, s.high)
                if why is None:
                    made.append((s, change, moved))
                else:
                    skip(s, why, change)
            if made:
                items.append(s)
                moves.extend(made)
        return items, moves, skipped

    @property
    def items(self) -> list[Screened]:
        return self._plan[0]

    @property
    def moves(self) -> list[tuple]:
        """The moves made, (parameter, change, its values per run); none without a question to screen."""
        return self._plan[1] if self.questions and self.n > 0 else []

    @property
    def not_screened(self) -> list[dict]:
        return self._plan[2]

    @property
    def copies(self):
        """What the batch engine adds to the pass of the Monte Carlo's first ``n`` runs (None: nothing to run)."""
        from ..batch.engine import Copies

        moves = self.moves
        return Copies(self.n, tuple(s.column for s, _, _ in moves), np.array([v for _, _, v in moves])) \
            if moves else None

    @functools.cached_property
    def key(self) -> str:
        """Everything the result depends on: the scenario as compiled (the hash of its full content, rules
        included), the parameter values of the screened replications (so reference classes, defaults and
        ``--set`` count by their effect), every parameter with its range, label and move, the seed, the settings
        and the simulator's code."""
        from .. import cache

        items = [[s.name, s.column, s.low, s.high, s.provenance, s.label, s.move] for s in self.parameters]
        return cache.key("fragile-3", self.loaded.digest, self.values.tobytes(), items,
                         {"seed": self.seed, "overrides": self.overrides, "n": self.n,
                          "threshold": self.threshold, "step": self.step})

    def cached(self) -> dict | None:
        from .. import cache

        return cache.get("fragile", self.key)

    def run_alone(self) -> dict:
        """The screen in a pass of its own (the Monte Carlo's first ``n`` runs again, with their copies)."""
        from ..batch.engine import engine_for

        engine = engine_for(self.compiled)
        if not self.moves:
            return self.result(None, None)
        table = engine.table(engine.run_keys(self.seed, [(0, r) for r in range(self.n)], {0: self.overrides},
                                             0, copies=self.copies))
        return self.result(table.slice(0, self.n), table.slice(self.n))

    def result(self, runs, copies) -> dict:
        """The screen from the records of the Monte Carlo's first ``n`` runs (``runs``, in replication order; more
        rows are ignored) and of their ``copies`` (``BatchEngine.run_keys``); stored in the cache."""
        from .. import cache

        items, moves, questions, n = self.items, self.moves, self.questions, self.n
        switches = sum(s.move == "switch" for s in items)
        result = {"threshold": self.threshold, "step": self.step, "replications": n, "screened": len(items),
                  "numbers": len(items) - switches, "switches": switches,
                  "parameters": [{"name": s.name, "label": s.label, "provenance": s.provenance, "move": s.move}
                                 for s in items],
                  "not_screened": self.not_screened, "questions_not_screened": self.questions_not_screened,
                  "questions": [{"id": q.id, "text": q.text, "flags": [], "borderline": []} for q in questions]}
        for entry, q in zip(result["questions"], questions if moves else ()):
            column = L.question(q.id)
            base = q.per_run(runs.column(column))[:n]
            d_all = q.per_run(copies.column(column)).reshape(len(moves), n) - base
            for j, (s, change, _) in enumerate(moves):
                mean, low, high = _interval(d_all[j])
                if abs(mean) <= self.threshold:
                    continue
                row = {"name": s.name, "label": s.label, "provenance": s.provenance, "move": s.move,
                       "change": round(change, 6), "delta": mean, "low": low, "high": high, "runs": n}
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


# ------------------------------------------------------------------ words (the CLI, the report)
def _how_many(k: int, one: str, many: str) -> str:
    return f"no {many}" if k == 0 else f"1 {one}" if k == 1 else f"{k} {many}"


def headline(fragile: dict) -> str:
    """What was screened, how, and on how many runs (the flags' sentence follows it)."""
    if "numbers" not in fragile:  # kept by an older version (a results folder's manifest): its own method
        return (f"Fragile forecasts: {fragile['screened']} assumed or reference numbers moved by "
                f"{fragile['step']:.0%} each (clipped to their ranges), on {fragile['replications']} paired runs")
    return (f"Fragile forecasts: {_how_many(fragile['numbers'], 'number', 'numbers')} and "
            f"{_how_many(fragile['switches'], 'switch', 'switches')} screened (each number moved up and down by "
            f"{fragile['step']:.0%} of its value, a chance's odds multiplied and divided by {1 + fragile['step']:g}, "
            f"a switch turned over) on {fragile['replications']} paired runs")


def move_words(flag: dict) -> str:
    """A flag's move in words: which parameter, which way."""
    return MOVES[flag.get("move", "relative")].words(flag["change"], flag["label"], flag["provenance"])


def describe(flag: dict) -> str:
    """One flag in words: which parameter, which way, and how far the probability moves."""
    return (f"{move_words(flag)} moves it "
            f"{100 * flag['delta']:+.0f} points (95% {100 * flag['low']:+.0f} to {100 * flag['high']:+.0f})")


def not_screened_words(fragile: dict) -> list[str]:
    """One line per parameter, move or question the screen left out, with the reason."""
    lines = []
    for row in fragile.get("not_screened", []):
        lines.append(f"'{row['label']}' ({row['provenance']}): {row['reason']}")
    lines += [f"question '{q['text']}': {q['reason']}" for q in fragile.get("questions_not_screened", [])]
    return lines
