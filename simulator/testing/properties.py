"""Model checks: metamorphic and analytic properties of the model, run on any scenario ("the battery").

A differential test between the two engines proves that they agree, not that they are right: both take the
same step. These properties check the semantics itself without knowing the answer. Each is one class with
``check(scenario, runs=..., seed=...) -> PropertyResult`` (pass or fail, the numbers, a plain sentence):

=====================  ==============================================================================
``analytic``           stated chances come true: a lone step with ``chance_within: {p, days: D}`` happens
                       by D in p of runs at step lengths 1, 7 and 14 days; two independent steps give the
                       product; a median delay gives its median; an odds multiplier its stated odds; a
                       step's own chance for its actor (``pace``) replaces the actor's rule
``calendar_shift``     moving every date by k weeks moves every date answer by k weeks and changes nothing
                       else (exact: the draws are keyed by step, not by date)
``renaming``           renaming every id changes no number (exact: each renamed draw is given the key of
                       its original name)
``no_op_what_if``      a ``--set`` to the value a run already drew gives byte-identical records
``monotonicity``       making a step cheaper for the parties who decide it (a higher chance to act or to
                       accept) never makes it later, when nothing else depends on it (exact, run by run,
                       on common random numbers); and a yes/no question answered by D1 is answered by any
                       D2 > D1
``step_invariance``    halving or doubling ``calendar.step_days`` moves no answer by more than the
                       discretisation bound (docs/model-checks.md), beyond Monte Carlo error
=====================  ==============================================================================

Exact properties compare records of the same runs (common random numbers); statistical ones use 5-sigma
bounds, so a property that passes on a correct model fails by chance less than once in a million
comparisons. ``diplosim check-model SCENARIO`` runs them from the command line; ``simulator.testing.pytest_plugin``
gives a pytest fixture.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np


from ..scenario.schema import Scenario
from . import transforms as T

SIGMAS = 5.0  # every statistical comparison is made at 5 standard errors


def false_alarm_rate() -> float:
    """Chance that one one-sided 5-sigma comparison fails on a correct model (about 2.9e-7)."""
    from scipy.stats import norm

    return float(norm.sf(SIGMAS))


# ----------------------------------------------------------------------------- results

@dataclass
class PropertyResult:
    """The outcome of one property on one scenario: ``passed`` is True, False, or None when it does not apply."""

    name: str
    title: str
    passed: bool | None
    sentence: str
    numbers: dict = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "n/a" if self.passed is None else "pass" if self.passed else "FAIL"

    def to_dict(self) -> dict:
        return {"property": self.name, "title": self.title, "status": self.status, "sentence": self.sentence,
                "numbers": self.numbers, "failures": self.failures}


class PropertyFailed(AssertionError):
    """Raised by ``assert_properties`` (and the pytest fixture) with every failing property's sentence."""


# ----------------------------------------------------------------------------- running

def as_scenario(scenario) -> Scenario:
    """A scenario from a path (loaded and validated), a ``LoadedScenario`` or a ``Scenario``."""
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, (str, Path)):
        from ..scenario import load

        return load(scenario).scenario
    return scenario.scenario


def compile_(sc: Scenario, draws_like=None):
    """The compiled scenario; ``draws_like`` (a compiled scenario laid out the same way, position for position)
    lends it its draw keys, so each renamed parameter and slot reads its original's uniforms."""
    from ..compiled import Compiled
    from ..draws import Layout

    c = Compiled(sc)
    if draws_like is not None:
        layout = Layout.of(draws_like)
        if len(c.table.names) != len(draws_like.table.names) or len(c.slots) != len(draws_like.slots):
            raise AssertionError("the two scenarios do not have the same draw layout")
        c.__dict__["_draw_layout"] = layout  # draws.Layout.of keeps a compiled scenario's layout under this key
        if Layout.of(c) is not layout:
            raise AssertionError("could not lend the draw layout (draws.Layout.of changed)")
    return c


def simulate(c, seed: int, runs: int, overrides: dict | None = None, replications=None):
    """The runs table (Arrow) of replications ``0..runs-1`` (or ``replications``) of point 0, on the batch engine
    when every rule has an array form, else on the Mesa model (identical records)."""
    from ..runner import run_replications

    reps = list(range(runs)) if replications is None else list(replications)
    table, _ = run_replications(c, seed, reps, 0, overrides or {}, engine="auto", events_for=0)
    return table.combine_chunks()


def table_bytes(table) -> bytes:
    """The Arrow IPC bytes of a runs table: byte-identical records compare equal here."""
    import pyarrow as pa

    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _values(col):
    """(numpy values, null mask) of an Arrow column; dates as int days."""
    import pyarrow as pa

    if pa.types.is_date32(col.type):
        col = col.cast(pa.int32())
    nulls = np.asarray(col.is_null().to_numpy(zero_copy_only=False), bool)
    if pa.types.is_string(col.type):
        return np.asarray(col.to_numpy(zero_copy_only=False), dtype=object), nulls
    filled = col.fill_null(False if pa.types.is_boolean(col.type) else 0)
    return np.asarray(filled.to_numpy(zero_copy_only=False)), nulls


def compare_tables(a, b, *, date_shift: int = 0, strings=None) -> list[tuple[str, int]]:
    """Columns (position for position) on which tables ``a`` and ``b`` differ, with the number of runs that
    differ: ``b``'s dates are read ``date_shift`` days earlier, and its strings through ``strings``."""
    import pyarrow as pa

    if a.num_columns != b.num_columns or a.num_rows != b.num_rows:
        return [(f"(shape {a.num_rows}x{a.num_columns} vs {b.num_rows}x{b.num_columns})", max(a.num_rows, 1))]
    out = []
    for i, name in enumerate(a.column_names):
        ca, cb = a.column(i), b.column(i)
        if ca.type != cb.type:
            out.append((name, a.num_rows))
            continue
        va, na = _values(ca)
        vb, nb = _values(cb)
        if pa.types.is_date32(ca.type):
            vb = np.where(nb, 0, vb.astype(np.int64) - date_shift)
            va = np.where(na, 0, va.astype(np.int64))
        elif pa.types.is_string(ca.type) and strings is not None:
            vb = np.array([strings.get(v, v) if v is not None else None for v in vb], dtype=object)
        va = np.where(na, 0, va) if va.dtype != object else va
        vb = np.where(nb, 0, vb) if vb.dtype != object else vb
        diff = (na != nb) | ~np.asarray(va == vb, bool)
        if diff.any():
            out.append((name, int(diff.sum())))
    return out


def _firsts(table, column: str) -> np.ndarray:
    """A date column as float days (inf: never)."""
    v, nulls = _values(table.column(column))
    return np.where(nulls, np.inf, v.astype(float))


def _yes(table, qid: str) -> np.ndarray:
    """A yes/no question's answers, run by run."""
    return np.asarray(table.column(f"q.{qid}").to_numpy(zero_copy_only=False), bool)


def _exceeds(x1: int, n1: int, x2: int, n2: int, slack: float = 0.0) -> tuple[bool, float]:
    """Is the share x1/n1 above x2/n2 + slack by more than 5 standard errors? (one-sided; a pooled standard
    error with half a success and half a failure added, so shares of 0 or 1 keep a positive error).
    Returns (exceeds, standard error)."""
    p = (x1 + x2 + 1.0) / (n1 + n2 + 2.0)
    se = math.sqrt(p * (1 - p) * (1.0 / n1 + 1.0 / n2))
    return x1 / n1 - x2 / n2 - slack > SIGMAS * se, se


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _plural(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


# ----------------------------------------------------------------------------- the properties

class Property:
    """One property of the model. Subclasses set ``name``, ``title`` and ``cheap`` and implement ``check``."""

    name: ClassVar[str]
    title: ClassVar[str]
    cheap: ClassVar[bool] = True  # quick enough for every corpus scenario in the project's tests

    def check(self, scenario, runs: int = 1000, seed: int = 0) -> PropertyResult:
        raise NotImplementedError

    def result(self, passed, sentence, numbers=None, failures=None) -> PropertyResult:
        return PropertyResult(self.name, self.title, passed, sentence, numbers or {}, failures or [])


CHECKS: dict[str, type[Property]] = {}


def register(cls):
    CHECKS[cls.name] = cls
    return cls


# ---- analytic oracles

ASSUME = "Stated for an analytic check of the model."
ORACLE_START = dt.date(2024, 1, 1)


def oracle_scenario(step_days: int, start: dt.date = ORACLE_START) -> tuple[Scenario, dict[str, float]]:
    """A scenario of lone unilateral steps under the ``hazard`` rule (no pressure, no election, no gate), with
    its questions and the chance each should come out at, at this step length.

    ``a`` acts with a 60% chance within 84 days (asked by 84 and by 90 days); ``b`` and ``c`` act independently
    with 60% and 30% within 84 days (asked: both by 84 days); ``d`` has a median delay of 56 days (asked by 56
    days); ``e`` has a 60% chance within 84 days with odds multiplied by 0.5 (stakes_odds, on a step of stakes
    1); ``f``'s rule would never act (hazard 0), but the step states ``f``'s own chance (``pace``: 60% within 84
    days), which replaces the rule for that step. A question "by day W" counts every step starting within the first W days, so at step length s the
    window in effect is ceil(W / s) * s days: the expected chance is 1 - (1 - h)^(ceil(W / s) * s / 7) for a
    weekly chance h.
    """
    def chance(p, days):
        return {"chance_within": {"p": p, "days": days}, "assumption": ASSUME}

    params = {"a": {"hazard": chance(0.6, 84)}, "b": {"hazard": chance(0.6, 84)}, "c": {"hazard": chance(0.3, 84)},
              "d": {"hazard": {"median_delay_days": 56, "assumption": ASSUME}},
              "e": {"hazard": chance(0.6, 84), "stakes_odds": {"odds_multiplier": 0.5, "assumption": ASSUME}},
              "f": {"hazard": {"value": 0.0, "assumption": ASSUME}}}
    stakes = {"a": 0.0, "b": 0.0, "c": 0.0, "d": 0.0, "e": 1.0, "f": 0.0}
    pace = {"f": {"f": {"act": chance(0.6, 84)}}}  # a step's own chance for its actor (lang/pace.py)
    # the closed forms, written here from the stated numbers (not with the model's own conversions): the chance
    # of at least one event within t days, for a chance p stated within D days, is 1 - (1 - p)^(t / D)
    weekly = lambda p, days: 1.0 - (1.0 - p) ** (7.0 / days)  # noqa: E731
    o = 0.5 * weekly(0.6, 84) / (1.0 - weekly(0.6, 84))  # odds of e's weekly chance, halved
    h = {"a": weekly(0.6, 84), "b": weekly(0.6, 84), "c": weekly(0.3, 84), "d": weekly(0.5, 56), "e": o / (1.0 + o),
         "f": weekly(0.6, 84)}

    def within(who, w):
        return 1.0 - (1.0 - h[who]) ** (math.ceil(w / step_days) * step_days / 7.0)

    by = lambda w: start + dt.timedelta(days=w - 1)  # noqa: E731 - the first w days
    questions = [
        ({"id": "lone_84", "text": "a acts within 84 days (stated: 60%)", "when": {"held": "act_a"}, "by": by(84)},
         within("a", 84)),
        ({"id": "lone_90", "text": "a acts within 90 days", "when": {"held": "act_a"}, "by": by(90)},
         within("a", 90)),
        ({"id": "both_84", "text": "b and c both act within 84 days (product of 60% and 30%)",
          "when": {"all": [{"held": "act_b"}, {"held": "act_c"}]}, "by": by(84)}, within("b", 84) * within("c", 84)),
        ({"id": "median_56", "text": "d acts within its median delay of 56 days (stated: 50%)",
          "when": {"held": "act_d"}, "by": by(56)}, within("d", 56)),
        ({"id": "odds_84", "text": "e acts within 84 days with its odds halved", "when": {"held": "act_e"},
          "by": by(84)}, within("e", 84)),
        ({"id": "pace_84", "text": "f acts within 84 days by its step's own chance (stated: 60%)",
          "when": {"held": "act_f"}, "by": by(84)}, within("f", 84)),
    ]
    doc = {
        "schema_version": 2,
        "metadata": {"title": "Analytic oracle", "description": "Lone steps with stated chances.", "as_of": start},
        "sources": [{"id": "none", "title": "none", "publisher": "none", "date": start}],
        "actors": [{"id": a, "name": a.upper(), "role": "party", "rule": "hazard", "params": p}
                   for a, p in params.items()],
        "milestones": [{"id": f"act_{a}", "kind": "unilateral", "name": f"{a.upper()} acts", "actor": a,
                        "stakes": {"value": stakes[a], "assumption": ASSUME}, "assumption": ASSUME,
                        **({"pace": pace[a]} if a in pace else {})} for a in params],
        "calendar": {"start": start, "end": start + dt.timedelta(days=118), "step_days": step_days},
        "dynamics": {"pressure_decay": {"value": 0.5, "assumption": ASSUME},
                     "sharpness": {"value": 6.0, "assumption": ASSUME}},
        "questions": [q for q, _ in questions],
    }
    return Scenario.model_validate(doc), {q["id"]: p for q, p in questions}


@register
class AnalyticOracles(Property):
    """Stated chances come true, at any step length.

    Why: the estimable forms (``chance_within``, ``median_delay_days``, ``odds_multiplier``) are what analysts
    write; if the model applied them at the wrong time scale, every forecast would be off with nothing to
    show for it. This property does not read the scenario it is given: it checks the model on small scenarios
    whose answers are known in closed form (``oracle_scenario``), at step lengths 1, 7 and 14 days, each
    chance by an exact binomial test at the 5-sigma level.
    """

    name = "analytic"
    title = "Stated chances come true (analytic oracles)"
    steps: ClassVar[tuple[int, ...]] = (1, 7, 14)

    def check(self, scenario=None, runs: int = 1000, seed: int = 0) -> PropertyResult:
        from scipy.stats import binomtest

        from ..compiled import Compiled

        n = max(runs, 2000)
        alpha = 2 * false_alarm_rate()
        rows, failures = [], []
        for s in self.steps:
            sc, expected = oracle_scenario(s)
            table = simulate(Compiled(sc), seed, n)
            for qid, p in expected.items():
                x = int(_yes(table, qid).sum())
                pv = binomtest(x, n, p).pvalue
                rows.append({"step_days": s, "question": qid, "expected": round(p, 4), "observed": round(x / n, 4),
                             "runs": n, "p_value": float(pv)})
                if pv < alpha:
                    text = next(q.text for q in sc.questions if q.id == qid)
                    failures.append(f"at {s}-day steps, '{text}': {_pct(x / n)} of {n} runs, expected {_pct(p)}")
        if failures:
            return self.result(False, f"{_plural(len(failures), 'stated chance')} did not come true: "
                               + "; ".join(failures[:3]) + ("; ..." if len(failures) > 3 else ""),
                               {"checks": rows}, failures)
        return self.result(True, f"All {len(rows)} stated chances came true within Monte Carlo error "
                           f"({n} runs each, at {', '.join(map(str, self.steps))}-day steps).", {"checks": rows})


# ---- calendar shift

@register
class CalendarShift(Property):
    """Moving every date by k weeks moves every date answer by k weeks and changes nothing else.

    Why: the model's time is relative to the calendar; a dependence on absolute dates (a year boundary, a
    weekday, a date compared with a constant) would be a silent error. Draws are keyed by the step index, not
    the date, so the shifted scenario's runs take the same draws: the comparison is exact, run by run.
    """

    name = "calendar_shift"
    title = "Moving every date by k weeks"
    weeks: ClassVar[tuple[int, ...]] = (3, -52)

    def check(self, scenario, runs: int = 1000, seed: int = 0) -> PropertyResult:
        sc = as_scenario(scenario)
        base = simulate(compile_(sc), seed, runs)
        failures = []
        for k in self.weeks:
            shifted = simulate(compile_(T.shift_dates(sc, 7 * k)), seed, runs)
            for col, n_bad in compare_tables(base, shifted, date_shift=7 * k):
                failures.append(f"moved {k:+d} weeks: '{col}' differs in {n_bad} of {runs} runs")
        if failures:
            return self.result(False, "Moving every date changed answers beyond the move itself: "
                               + "; ".join(failures[:3]) + ("; ..." if len(failures) > 3 else ""),
                               {"weeks": list(self.weeks), "runs": runs}, failures)
        return self.result(True, f"Moving every date by {' and by '.join(f'{k:+d}' for k in self.weeks)} weeks moved "
                           f"every date by exactly that and changed nothing else, in all {runs} runs.",
                           {"weeks": list(self.weeks), "runs": runs, "columns": base.num_columns})


# ---- renaming

@register
class Renaming(Property):
    """Renaming every id changes no number.

    Why: ids are names, not numbers; an order that follows names (a sorted set, a dict of names) or a
    lookup that mixes two ids would change the answers silently. Every id is renamed to a name that sorts in
    the opposite order. Draws are keyed by name, so a renamed scenario would draw afresh; instead each
    renamed parameter and slot is given its original's draw key (``compile_(..., draws_like=...)``), and the
    records must then be the same, run for run (string answers read back through the renaming).
    """

    name = "renaming"
    title = "Renaming every id"

    def check(self, scenario, runs: int = 1000, seed: int = 0) -> PropertyResult:
        sc = as_scenario(scenario)
        renamed, mapping = T.rename_ids(sc)
        c = compile_(sc)
        base = simulate(c, seed, runs)
        other = simulate(compile_(renamed, draws_like=c), seed, runs)
        back = {new: old for old, new in mapping.items()}
        failures = [f"'{col}' differs in {n} of {runs} runs" for col, n in compare_tables(base, other, strings=back)]
        if failures:
            return self.result(False, f"Renaming {len(mapping)} ids changed {_plural(len(failures), 'column')}: "
                               + "; ".join(failures[:3]) + ("; ..." if len(failures) > 3 else ""),
                               {"ids": len(mapping), "runs": runs}, failures)
        return self.result(True, f"Renaming all {len(mapping)} ids (to names in the opposite order) changed no "
                           f"number in {runs} runs.", {"ids": len(mapping), "runs": runs})


# ---- no-op what-if

@register
class NoOpWhatIf(Property):
    """A ``--set`` to the value a run already drew gives byte-identical records.

    Why: a what-if is read as "the same runs, with this one thing changed"; if setting a number to its own
    value moved anything, every what-if would carry that error. Checked for every fixed number at once, for
    each fixed number alone (on fewer runs), and for the first runs with every number, fixed or uncertain,
    set to the value that run drew.
    """

    name = "no_op_what_if"
    title = "A what-if that changes nothing"
    per_run: ClassVar[int] = 5

    def check(self, scenario, runs: int = 1000, seed: int = 0) -> PropertyResult:
        sc = as_scenario(scenario)
        c = compile_(sc)
        base = simulate(c, seed, runs)
        failures = []
        fixed = {n: float(p.value) for n, p in c.table.params.items() if not p.is_uncertain}
        if c.table.constants:  # a calibration's constants act on drawn values: set what the runs use
            fixed = {n: float(v) for n, v in zip(c.table.names, c.table.values_from_uniforms(
                np.full(len(c.table.names), 0.5))) if n in fixed}
        if table_bytes(simulate(c, seed, runs, fixed)) != table_bytes(base):
            failures.append(f"setting all {len(fixed)} fixed numbers to their values changed the records")
        few = min(runs, 200)
        small = simulate(c, seed, few)  # a fresh table (a slice of a longer one may serialise differently)
        for name, value in fixed.items():
            if table_bytes(simulate(c, seed, few, {name: value})) != table_bytes(small):
                failures.append(f"--set {name}={value!r} (its own value) changed the records")
        drawn = _drawn_values(c, seed, range(min(self.per_run, runs)))
        for r, values in drawn.items():
            if table_bytes(simulate(c, seed, 1, values, replications=[r])) != table_bytes(
                    simulate(c, seed, 1, replications=[r])):
                failures.append(f"run {r} with every number set to the value it drew gave another record")
        numbers = {"fixed": len(fixed), "uncertain": len(c.table.uncertain), "runs": runs, "runs_one_by_one": few,
                   "runs_every_number": len(drawn)}
        if failures:
            return self.result(False, "A what-if that changes nothing changed the records: " + "; ".join(failures[:3])
                               + ("; ..." if len(failures) > 3 else ""), numbers, failures)
        return self.result(True, f"Setting numbers to the values already drawn gave byte-identical records "
                           f"({len(fixed)} fixed numbers together over {runs} runs and one by one over {few}; "
                           f"every number in {len(drawn)} runs).", numbers)


def _drawn_values(c, seed: int, replications) -> dict[int, dict[str, float]]:
    """Each replication's parameter values as drawn (the uniforms of ``draws.py`` through the table)."""
    from ..draws import Layout, run_keys, uniforms

    reps = list(replications)
    keys = run_keys(seed, [0] * len(reps), reps)
    V = c.table.values_from_uniforms(uniforms(keys[:, None], Layout.of(c).param[None, :]))
    return {r: {n: float(v) for n, v in zip(c.table.names, V[i])} for i, r in enumerate(reps)}


# ---- monotonicity

def _named_milestones(cond) -> set[str]:
    from ..lang.conditions import walk

    return {m for node in walk(cond) for m in node.milestones()}


def _conditions(sc: Scenario):
    """Every condition of the scenario except those of questions (which only read the runs)."""
    from ..lang.conditions import Condition

    found = []

    def visit(model, out):
        if isinstance(model, Condition):
            found.append(model)
        return out

    data = sc.model_dump(mode="python", by_alias=True)
    for key in data:
        if key != "questions":
            T._walk(getattr(sc, key), data[key], None, (), None, None, visit)
    return found


def independent_milestones(c) -> list[str]:
    """Milestones nothing else depends on: named by no condition (gates, preconditions, shocks, occasions,
    entries and exits, pushes, effects), no one's prerequisite, pushed by no mediator (not even on the way),
    counted by no election, with no effects of their own. Their timing affects only their own columns (and the
    questions that ask about them)."""
    sc = c.scenario
    named = set().union(*(_named_milestones(x) for x in _conditions(sc))) if sc else set()
    prereq = {p for ps in c.prereqs.values() for p in ps}
    k = _kernel(c)
    pushed = {c.milestones[j].id for med in c.mediations for j in k.reachable(med)}
    counted = {c.milestones[int(j)].id for cols in c.progress_cols.values() for j in cols}
    return [m.id for m in c.milestones
            if m.id not in named | prereq | pushed | counted and not m.effects]


def _kernel(c):
    from ..engine.kernel import Decider, Kernel

    return Kernel(c, Decider())


@register
class Monotonicity(Property):
    """A higher chance to take a step never makes it later; a yes/no answer by D1 is also an answer by D2 > D1.

    Why: raising a party's chance to act or to accept is the most basic what-if; if it could lower the
    chance of that very step, the model's "what drives this" answers would be wrong. For each step nothing
    else depends on (``independent_milestones``), its stakes for every party who decides it are set to 0
    (every built-in rule's chance to act, propose or accept falls with the stakes, so this raises them all);
    on common random numbers the step must then come no later in any run, and no other step may move. And
    for every yes/no question with a fixed window, a copy ending 7, 28 and 91 days earlier must never say
    yes in a run where the question says no.
    """

    name = "monotonicity"
    title = "Higher chances never lower their step"

    def check(self, scenario, runs: int = 1000, seed: int = 0) -> PropertyResult:

        from ..layout import count, first
        from ..rules import DEFAULT_RULE

        sc = as_scenario(scenario)
        c = compile_(sc)
        base = simulate(c, seed, runs)
        failures, checked = [], []
        builtin = {"threshold", "time_dependent", "expected_utility", "hazard", DEFAULT_RULE["party"]}
        others = lambda m: [col for x in c.milestones if x.id != m for col in (first(x.id), count(x.id))]  # noqa: E731
        for m in independent_milestones(c):
            ms = c.milestone[m]
            if not all(c.party_rule.get(a) in builtin for a in ms.consenters()):
                continue
            stakes = {ms.stake_name(a): 0.0 for a in ms.consenters()}
            if all(not c.table.params[n].is_uncertain and c.table.params[n].value == 0 for n in stakes):
                continue  # already as cheap as it gets
            raised = simulate(c, seed, runs, stakes)
            checked.append(m)
            was, now = _firsts(base, first(m)), _firsts(raised, first(m))
            later = int((now > was).sum())
            if later:
                failures.append(f"'{c.words.name(m)}' came later in {later} of {runs} runs when it cost its parties "
                                "nothing")
            moved = [col for col, _ in compare_tables(base.select(others(m)), raised.select(others(m)))]
            if moved:
                failures.append(f"making '{c.words.name(m)}' cheaper moved {', '.join(moved[:3])}, which should not "
                                "depend on it")
        windows = 0
        extra, pairs = [], []
        for q in sc.questions:
            by = _window_end(c, q)
            if by is None:
                continue
            for back in (7, 28, 91):
                early = by - back
                if early < c.min_day:
                    continue
                copy = _window_copy(q, f"{q.id}_by_minus_{back}", by=early)
                extra.append(copy)
                pairs.append((q, back, copy["id"]))
        if extra:
            t = simulate(compile_(T.with_questions(sc, extra)), seed, runs)
            for q, back, cid in pairs:
                windows += 1
                late, early = _yes(t, q.id), _yes(t, cid)
                bad = int((early & ~late).sum())
                if bad:
                    failures.append(f"'{q.text}' said yes by {back} days before its window ends but no by the end "
                                    f"in {bad} of {runs} runs")
        numbers = {"steps_checked": checked, "windows_checked": windows, "runs": runs}
        if failures:
            return self.result(False, "Monotonicity fails: " + "; ".join(failures[:3])
                               + ("; ..." if len(failures) > 3 else ""), numbers, failures)
        if not checked and not windows:
            return self.result(None, "No step is independent of the others and no yes/no question has a fixed "
                               "window: nothing to check.", numbers)
        return self.result(True, f"Making {_plural(len(checked), 'independent step')} cheaper never made it later "
                           f"and moved nothing else, and {_plural(windows, 'earlier window')} never said yes where "
                           f"the full window said no ({runs} runs).", numbers)


def _window_end(c, q) -> int | None:
    """The last day of a yes/no question's window, when it is a fixed date; None otherwise (or not yes/no)."""
    if getattr(q, "answer_kind", None) != "probability" or not hasattr(q, "when"):
        return None
    if q.by is not None:
        return c.static_day(q.by)
    if q.before is not None:
        day = c.static_day(q.before)
        return None if day is None else day - 1
    return c.max_day


def _window_start(c, q) -> int | None | bool:
    """The first day of a yes/no question's window: a day, None (no start), or False (not a fixed date)."""
    if q.from_ is None:
        return None
    day = c.static_day(q.from_)
    return False if day is None else day


def _window_copy(q, qid: str, by: int, start: int | None = None) -> dict:
    data = q.model_dump(mode="python", by_alias=True)
    out = {"id": qid, "text": f"{q.text} (window moved)", "when": data["when"],
           "by": dt.date(1970, 1, 1) + dt.timedelta(days=int(by))}
    if start is not None:
        out["from"] = dt.date(1970, 1, 1) + dt.timedelta(days=int(start))
    elif q.from_ is not None:
        out["from"] = data["from"]
    return out


# ---- step invariance

def _refs(model) -> set[str]:
    """Every id a part of the scenario names (milestones, events, shocks, occasions, actors, dates), found by the
    declared types of its fields (``transforms``), whatever kinds of condition it combines."""
    found: set[str] = set()

    def note(ref, s):
        found.add(s)
        if ref.container(s) is not None:
            found.add(ref.container(s))
        return s

    if model is not None:
        T._walk(model, model.model_dump(mode="python", by_alias=True), None, (), note, None, None)
    return found


def chain_depths(c) -> dict[str, int]:
    """For each milestone and each dated event, shock or occasion, the longest chain of others it waits for:
    through a milestone's gate (``requires``) and the preconditions on it, and through a calendar item's
    condition (``when``), whatever the combination (``any``, ``not``) that names them. 0 for one that waits
    for no other."""
    sc = c.scenario
    waits: dict[str, set[str]] = {m.id: _refs(m.requires) for m in c.milestones}
    for p in c.preconditions:
        waits[p.before] |= _refs(p.requires)
    cal = sc.calendar
    for item in (*cal.events, *cal.shocks, *cal.occasions):
        waits[item.id] = _refs(getattr(item, "when", None))
    depth: dict[str, int] = {}

    def of(node, seen=()):
        if node not in depth:
            below = [of(x, (*seen, node)) for x in waits.get(node, ()) if x in waits and x not in seen and x != node]
            depth[node] = 1 + max(below) if below else 0
        return depth[node]

    for node in waits:
        of(node)
    return depth


def discretisation_bound(depth: int, step_a: int, step_b: int) -> int:
    """The stated bound (days) by which a date can move between step lengths ``step_a`` and ``step_b``: one step
    of the longer length for the dating of the step itself (a step is dated at its first day, and a window's end
    is rounded to whole steps), plus one per link of the chain it waits for (what happens in a step opens the
    gates of the next step)."""
    return (depth + 1) * max(step_a, step_b)


@register
class StepInvariance(Property):
    """Halving or doubling the step length moves no answer by more than the discretisation bound.

    Why: ``calendar.step_days`` is a numerical choice, not an assumption about the world; the chances a
    scenario states are per week or within so many days, and must mean the same at any step. The bound
    (``discretisation_bound``): a date answer may move by at most L = (links + 1) x the longer step, where
    links is the longest chain of steps it waits for (``chain_depths``). Checked on distributions, not runs
    (other step lengths take other draws): for each milestone and date question, the share dated by D at one
    step length may not exceed the share by D + L at the other (for every D a week apart over the calendar);
    for each yes/no question with a fixed window, its chance at one step length lies between the chances of
    its window narrowed and widened by L at the other, when its condition stays true once it holds
    (``Condition.stays_true``: the order of two steps, or a truce in force, can flip within a step). Each
    comparison allows 5 standard errors. The calendar
    is run on by L beyond its end (with ``end`` pinned to its date), so windows widened past it are counted.
    Counts are not compared: a repeated step happens at most once a step, so counts depend on the step length
    by design.
    """

    name = "step_invariance"
    title = "Halving or doubling the step"
    cheap = False

    def variants(self, s: int) -> list[int]:
        return [v for v in sorted({2 * s, s // 2}) if 1 <= v <= 31 and v != s]

    def check(self, scenario, runs: int = 1000, seed: int = 0) -> PropertyResult:
        from ..layout import first

        sc = T.fix_named_end(as_scenario(scenario))
        c0 = compile_(sc)
        depth = chain_depths(c0)
        s = sc.calendar.step_days
        failures, rows, skipped = [], [], set()
        words = c0.words
        for v in self.variants(s):
            top = discretisation_bound(max(depth.values(), default=0) + 1, s, v)
            ext = T.extend_end(sc, top)
            extra, windows = [], []
            for q in sc.questions:
                by, start = _window_end(c0, q), _window_start(c0, q) if hasattr(q, "when") else None
                if by is None or start is False or not q.when.stays_true():
                    skipped.add(q.id)  # a window that is no fixed date, or a condition that can stop holding
                    continue
                named = _refs(q.when)
                L = discretisation_bound(1 + max((depth.get(m, 0) for m in named), default=0), s, v)
                wide = _window_copy(q, f"{q.id}_wide", by + L, None if start is None else start - L)
                narrow = _window_copy(q, f"{q.id}_narrow", by - L, None if start is None else start + L)
                extra += [wide, narrow]
                windows.append((q, L))
            ta = simulate(compile_(T.with_questions(ext, extra)), seed, runs)
            tb = simulate(compile_(T.with_questions(T.with_step_days(ext, v), extra)), seed + 1, runs)
            n = runs
            share = lambda t, qid: int(_yes(t, qid).sum())  # noqa: E731
            for q, L in windows:
                for one, other, sa, sb in ((ta, tb, s, v), (tb, ta, v, s)):
                    x, lo, hi = share(one, q.id), share(other, f"{q.id}_narrow"), share(other, f"{q.id}_wide")
                    up, _ = _exceeds(x, n, hi, n)
                    down, _ = _exceeds(lo, n, x, n)
                    rows.append({"question": q.id, "step": sa, "other_step": sb, "p": x / n, "narrowed": lo / n,
                                 "widened": hi / n, "bound_days": L})
                    if up or down:
                        failures.append(f"'{q.text}': {_pct(x / n)} at {sa}-day steps, outside {_pct(lo / n)} to "
                                        f"{_pct(hi / n)} (its window narrowed and widened by {L} days at {sb}-day "
                                        "steps)")
            dated = [(words.name(m.id), first(m.id), depth[m.id]) for m in c0.milestones]
            dated += [(q.text, f"q.{q.id}", max(depth.get(t, 0) for t in q.targets)) for q in sc.questions
                      if q.is_date]
            grid = np.arange(c0.min_day, c0.max_day + 1, 7)
            for label, col, d in dated:
                L = discretisation_bound(d, s, v)
                fa, fb = _firsts(ta, col), _firsts(tb, col)
                worst = None
                for one, other, sa, sb in ((fa, fb, s, v), (fb, fa, v, s)):
                    for day in grid:
                        x, y = int((one <= day).sum()), int((other <= day + L).sum())
                        bad, se = _exceeds(x, n, y, n)
                        if bad and (worst is None or x - y > worst[0]):
                            worst = (x - y, day, x / n, y / n, sa, sb)
                rows.append({"date": col, "steps": [s, v], "bound_days": L, "ok": worst is None})
                if worst is not None:
                    _, day, px, py, sa, sb = worst
                    failures.append(f"'{label}': by {dt.date(1970, 1, 1) + dt.timedelta(days=int(day))} in "
                                    f"{_pct(px)} of runs at {sa}-day steps, but only {_pct(py)} by {L} days later at "
                                    f"{sb}-day steps")
        skipped = sorted(x for x in skipped if getattr(next(q for q in sc.questions if q.id == x), "answer_kind",
                                                         None) == "probability")
        numbers = {"step_days": s, "variants": self.variants(s), "runs": runs, "comparisons": rows,
                   "questions_not_compared": skipped}
        if not self.variants(s):
            return self.result(None, f"No other step length to compare with ({s} days).", numbers)
        if failures:
            return self.result(False, f"Changing the step from {s} to {' or '.join(map(str, self.variants(s)))} days "
                               f"moved {_plural(len(failures), 'answer')} beyond the discretisation bound: "
                               + "; ".join(failures[:3]) + ("; ..." if len(failures) > 3 else ""), numbers, failures)
        untested = (f"; {_plural(len(skipped), 'yes/no question')} not compared (a window that is no fixed date, "
                    "or a condition that can stop holding, such as 'not' or 'in force')") if skipped else ""
        return self.result(True, f"Changing the step from {s} to {' or '.join(map(str, self.variants(s)))} days moved "
                           f"no answer beyond the discretisation bound ({len(rows)} comparisons, {runs} runs each"
                           f"{untested}).", numbers)


# ---- history

@register
class History(Property):
    """A history moved into the calendar (same dates) gives the same answers for everything after ``as_of``.

    Why: a scenario starts in the middle of a process, and what happened before is written as history; the
    model must read it as if it had happened in the calendar. The history's own events become dated events of
    a calendar that starts whole steps earlier, before the earliest history date, and nothing else can happen
    before the old start (``transforms.history_into_calendar``). Each step of the old calendar keeps its
    draws (the earlier steps get keys of their own), so the comparison is exact, run by run, on every column
    except the entry dates the transformation adds. Not applicable when a milestone of the history can break
    down by chance (it could break before the old start) or when there is no history.
    """

    name = "history"
    title = "History moved into the calendar"

    def check(self, scenario, runs: int = 1000, seed: int = 0) -> PropertyResult:
        from ..draws import Layout, step_keys

        sc = as_scenario(scenario)
        h = sc.history
        if h is None or not (h.milestones or h.events):
            return self.result(None, "The scenario has no history to move.", {})
        c = compile_(sc)
        fragile = [x.milestone for x in h.milestones if c.milestone[x.milestone].breakdown is not None
                   and c.milestone[x.milestone].breakdown.hazard is not None]
        if fragile:
            return self.result(None, f"'{c.words.name(fragile[0])}' (in the history) can break down by chance, so it "
                               "could break before the calendar starts if the calendar started earlier: not "
                               "comparable.", {})
        moved, k, entries = T.history_into_calendar(sc)
        c2 = compile_(moved)
        lay = Layout.of(c)
        if c2.slots != c.slots or c2.table.names != c.table.names or c2.n_steps != c.n_steps + k:
            return self.result(False, "Moving the history into the calendar changed the draw layout.", {})
        lent = Layout(c.table.names, c.slots, 0)
        lent.param = lay.param
        lent.step = np.concatenate([step_keys(c.slots, c.n_steps + k)[c.n_steps:], lay.step])  # keys unused by c
        c2.__dict__["_draw_layout"] = lent  # draws.Layout.of keeps a compiled scenario's layout under this key
        base, other = simulate(c, seed, runs), simulate(c2, seed, runs)
        from ..layout import entered

        skip = {entered(a) for a in entries}
        names = [n for n in base.column_names if n not in skip]
        failures = [f"'{col}' differs in {n} of {runs} runs"
                    for col, n in compare_tables(base.select(names), other.select(names))]
        numbers = {"steps_earlier": k, "events_moved": len(sc.history_only_events), "runs": runs,
                   "columns": len(names)}
        if failures:
            return self.result(False, "Moving the history into the calendar changed the answers: "
                               + "; ".join(failures[:3]) + ("; ..." if len(failures) > 3 else ""), numbers, failures)
        return self.result(True, f"With the calendar started {_plural(k, 'step')} earlier and "
                           f"{_plural(len(sc.history_only_events), 'history event')} in it, every answer was the same "
                           f"in all {runs} runs.", numbers)


# ----------------------------------------------------------------------------- the battery

CHEAP = tuple(name for name, cls in CHECKS.items() if cls.cheap)


def check_model(scenario, runs: int = 1000, seed: int = 0, only=None) -> list[PropertyResult]:
    """Run the properties named in ``only`` (default: all) on a scenario; one result each, in battery order."""
    names = list(CHECKS) if not only else list(only)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise ValueError(f"unknown property '{unknown[0]}' (choose from {', '.join(CHECKS)})")
    sc = as_scenario(scenario)
    return [CHECKS[n]().check(sc, runs=runs, seed=seed) for n in names]


def assert_properties(scenario, runs: int = 1000, seed: int = 0, only=None) -> list[PropertyResult]:
    """``check_model``, raising ``PropertyFailed`` with every failing property's sentence."""
    results = check_model(scenario, runs, seed, only)
    bad = [r for r in results if r.passed is False]
    if bad:
        raise PropertyFailed("\n".join(f"{r.name}: {r.sentence}" for r in bad))
    return results




def scenario_properties(scenario, runs: int = 1000, seed: int = 0, only=None):
    """A pytest test checking each property separately on a scenario (a path):
    ``test_my_scenario = scenario_properties("my_scenario.yaml")`` gives ``test_my_scenario[analytic]``, ... ."""
    import pytest

    names = list(only or CHECKS)

    @pytest.mark.parametrize("model_property", names)
    def test_model_property(model_property):
        assert_properties(scenario, runs=runs, seed=seed, only=[model_property])

    test_model_property.__name__ = f"test_{Path(str(scenario)).stem}_properties"
    return test_model_property
