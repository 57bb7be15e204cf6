"""The Python API: what the command line does, from Python (a notebook, a script).

    import simulator
    scenario = simulator.load("scenarios/syria_turkey_2023.yaml")
    forecast = simulator.run(scenario, runs=1000, seed=4)
    print(forecast["fm_before_round1"].words())
    forecast.to_pandas()

``load`` gives a validated scenario (bad input: ``ScenarioError``, one line per problem with file, line and
column); ``run`` a ``Forecast`` with a typed answer per question (``simulator.answers``); ``compare``, ``explain``,
``backtest``, ``sweep`` and ``open_results`` call what ``diplosim compare``, ``explain``, ``backtest``, ``sweep`` and
``report`` call. ``diplosim run`` itself runs its Monte Carlo through ``MonteCarlo`` here.

Everything heavy (numpy, pyarrow, pandas, plotly) is imported inside the functions, so ``import simulator``
stays quick.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path

from .api_results import Adjustments, FragileScreen, PriorsGap, TypedResult  # light (dataclasses, json)

__all__ = ["Forecast", "Comparison", "MonteCarlo", "adjustment_effects", "backtest", "compare", "discover", "events",
           "check_model", "explain", "explain_gap", "fragile_screen", "html_report", "load", "open_results", "params", "run", "run_sweep",
           "sensitivity", "validate",
           "summarize"]


def load(path, *, check_sources: bool = True):
    """Load and validate a scenario file (a ``LoadedScenario``); raise ``ScenarioError`` naming file, line and
    column of every problem."""
    from .scenario import load as load_scenario

    return load_scenario(path, check_sources=check_sources)


def _loaded(scenario):
    """A loaded scenario from a path or a loaded scenario."""
    return load(scenario) if isinstance(scenario, (str, os.PathLike)) else scenario


def _set_texts(sets) -> list[str]:
    if sets is None:
        return []
    if isinstance(sets, Mapping):
        return [f"{k}={v}" for k, v in sets.items()]
    if isinstance(sets, str):
        return [sets]
    return list(sets)


def with_sets(loaded, sets, where: str = "sets"):
    """(the scenario with its rule switches, its ``Compiled``, the numeric overrides) for ``sets``: a mapping
    ``{name: value}`` or ``name=value`` texts; ``actor.rule: NAME`` switches an actor's rule. Raise ValueError with
    one line naming ``where`` for an unknown name or a bad value."""
    from .compiled import Compiled
    from .scenario.switch import split_rule_sets, switch_rules
    from .scenario.params import parse_assignment

    choices, rest = split_rule_sets(_set_texts(sets), loaded.scenario)
    if choices:
        loaded = dataclasses.replace(loaded, scenario=switch_rules(loaded.scenario, choices, where))
    compiled = Compiled(loaded.scenario)
    overrides = dict(parse_assignment(text, compiled.table, where) for text in rest)
    return loaded, compiled, overrides


def screen_of(loaded, compiled, seed: int, overrides: dict, runs: int, replications: int):
    """(the fragile-forecast screen, ``analysis.fragile.Screen``, or None; why it cannot run, or None). It runs
    on the batch engine whichever engine runs the Monte Carlo (both give identical runs), so the summary does
    not depend on it."""
    from .analysis.fragile import Screen
    from .batch.engine import supports

    if not supports(compiled):
        return None, {"skipped": "the screen needs the batch engine, and a rule here (a plug-in) has no array form"}
    return Screen(loaded, compiled, seed, overrides, runs, replications=replications), None


class MonteCarlo:
    """One Monte Carlo of a scenario (a sweep of one point: the same chunks, executors and part names), its exact
    summary accumulated chunk by chunk (memory stays flat in ``runs``), and the fragile-forecast screen, whose
    copies ride along the first chunk when they fit. ``diplosim run`` and ``simulator.run`` both run it."""

    def __init__(self, loaded, compiled, overrides: dict, runs: int, seed: int, engine: str, jobs: int = 1,
                 events: int | None = 0, fragile: bool = False, fragile_runs: int = 100):
        from .summary import SummaryAccumulator
        from .sweep import DEFAULT_CHUNK
        from .sweep.execution import SweepContext

        self.loaded, self.compiled, self.overrides = loaded, compiled, overrides
        self.runs, self.seed, self.engine, self.jobs, self.fragile = runs, seed, engine, jobs, fragile
        self.acc = SummaryAccumulator(compiled)
        self.ctx = SweepContext(compiled, seed, runs, [overrides], engine, events)
        self.chunk = DEFAULT_CHUNK[engine]
        screen, self.skipped = (screen_of(loaded, compiled, seed, overrides, runs, fragile_runs) if fragile
                                else (None, None))
        self.screen = screen
        self.screened = screen.cached() if screen is not None else None  # an identical run's screen, from the cache
        self.reused = self.screened is not None
        if (screen is not None and not self.reused and engine == "batch" and screen.copies is not None
                and screen.n <= min(self.chunk, runs)):  # the copies ride along the first chunk: no pass of their own
            self.ctx.copies = screen.copies
        self.first_runs: list = []
        self.interrupted = False
        self.seconds = self.screen_seconds = 0.0

    @property
    def copies(self) -> int:
        """The fragile screen's copies stepped in the Monte Carlo's own pass."""
        return self.first_runs[0][1].num_rows if self.first_runs else 0

    def execute(self, on_part=None) -> int:
        """Run every chunk, calling ``on_part(span, table, events)`` after each is summed; Ctrl-C stops early
        (``interrupted``), a rule's error (``RuleError``) is raised. Returns the number of runs done."""
        from .sweep.execution import execute, open_executor, spans

        def part(span, table, events, copies=None):
            if copies is not None:
                self.first_runs.append((table, copies))
            self.acc.add(table)
            if on_part is not None:
                on_part(span, table, events)

        started = time.perf_counter()
        try:
            try:
                with open_executor(self.ctx, self.jobs) as executor:
                    execute(*executor, spans(self.runs, self.chunk), part, window=2 * self.jobs + 2)
            except KeyboardInterrupt:
                self.interrupted = True
        finally:
            self.seconds = time.perf_counter() - started
        return self.acc.n

    def summary(self) -> dict:
        """The summary (``diplosim run --json``): each question's answer, the milestones, concessions and
        elections, and the fragile screen's flags unless the run was interrupted."""
        loaded = self.loaded
        summary = self.acc.result()
        summary.update({"scenario": loaded.scenario.metadata.title, "scenario_hash": loaded.digest, "seed": self.seed,
                        "overrides": self.overrides, "engine": self.engine, "interrupted": self.interrupted})
        if self.fragile and not self.interrupted:
            from .summary import with_fragile

            started = time.perf_counter()
            screened = self.screened
            try:
                if self.skipped is not None:
                    screened = self.skipped
                elif screened is None:  # from the copies that rode along, else in a pass of its own
                    screened = self.screen.result(*self.first_runs[0]) if self.first_runs else self.screen.run_alone()
            except KeyboardInterrupt:  # the Monte Carlo is done; only the screen is dropped
                screened = {"skipped": "interrupted"}
            with_fragile(summary, screened)
            self.screen_seconds = time.perf_counter() - started
        return summary


def summary_extras(summary: dict, loaded, compiled, table, runs: int, seed: int, engine: str, jobs: int = 1,
                   outside_view: bool | None = None, *, reuse: bool = False) -> tuple[Forecast | None, bool]:
    """What ``diplosim run`` and ``run`` add to a run summary beside its questions: ``priors_gap`` when questions
    record the writer's priors (``analysis.gap``, from ``table``, the run table); and, unless ``outside_view`` is
    False (None: when a milestone has a class; True: the same), ``outside_view`` (the outside view's questions, from
    its own Monte Carlo of the same runs and seed, the negotiations its curves leave out, its scenario hash) and
    ``adjustments`` (each author's adjustment with how far it moves each question). Both are stored in the on-disk
    cache (``outside_view.forecast.cache_key``); with ``reuse``, an identical earlier run's are taken from there
    instead of running them again (the same numbers). Returns (the outside view's ``Forecast``: None when no
    milestone has a class, or when they came from the cache; whether they came from the cache). ValueError (one
    line) when a class is too thin for a curve."""
    from .outside_view.forecast import (adjustment_effects, cache_key, outside_view_of, own_exclusions, priors_of,
                                        remember, remembered)

    if priors_of(compiled):
        from .analysis.gap import explain_gap as gap

        summary["priors_gap"] = gap(compiled, table)
    if outside_view is False:
        return None, False
    seen = outside_view_of(loaded)
    if seen is None:
        return None, False
    key = cache_key(loaded, seen, compiled, runs, seed)
    hit = remembered(key) if reuse else None
    ov = None
    if hit is not None:
        questions, effects = hit
    else:
        ov = run(seen, runs=runs, seed=seed, engine=engine, jobs=jobs, events=0, outside_view=False)
        questions, effects = ov.summary["questions"], adjustment_effects(loaded, runs, seed, engine)
        remember(key, questions, effects)
    summary["outside_view"] = {"questions": questions, "excluded": own_exclusions(loaded),
                               "scenario_hash": seen.digest}
    if effects:
        summary["adjustments"] = effects
    return ov, hit is not None


def run(scenario, *, runs: int = 1000, seed: int = 0, sets=None, engine: str = "auto", jobs: int = 1,
        events: int | None = None, fragile: bool = False, fragile_runs: int = 100,
        outside_view: bool | None = None) -> Forecast:
    """A Monte Carlo of ``scenario`` (a path or ``load``'s result): ``runs`` runs from root ``seed``, with ``sets``
    (``{name: value}``, or ``"name=value"`` texts; ``"actor.rule": NAME`` switches a rule) on the ``engine``
    (auto, batch or mesa: identical runs) in ``jobs`` processes (identical results for any number). The event
    logs of the first ``events`` runs are kept (default: all with mesa, 50 with batch) for ``explain``;
    ``fragile`` adds the fragile-forecast screen (as ``diplosim run`` does by default). As ``diplosim run`` does,
    when a milestone has a class the outside view (class curves only, the author's paces and adjustments left out,
    structure kept; its curves counted without the scenario's own negotiation) also runs with the same runs and
    seed, as ``forecast.outside_view`` (a ``Forecast``; None when no milestone has a class, or when a class is too
    thin for a curve: with ``outside_view=True`` that is a ValueError; ``outside_view=False`` skips it); the summary
    carries it and the priors gap as ``diplosim run --json`` does (``summary_extras``)."""
    from .runner import resolve_engine

    if runs < 1:
        raise ValueError(f"runs: {runs} is not a number of runs (give 1 or more)")
    loaded, compiled, overrides = with_sets(_loaded(scenario), sets)
    engine = resolve_engine(compiled, engine)
    if events is None:
        events = None if engine == "mesa" else 50
    mc = MonteCarlo(loaded, compiled, overrides, runs, seed, engine, jobs, events, fragile, fragile_runs)
    parts, logs = [], []

    def keep(span, table, events):
        parts.append(table)
        logs.extend(events)

    mc.execute(keep)
    if not mc.acc.n:
        raise KeyboardInterrupt("interrupted before any run finished")
    forecast = Forecast(mc.summary(), loaded, compiled, parts, logs, runs=runs, seed=seed, engine=engine,
                        overrides=overrides, sets=_set_texts(sets))
    if not mc.interrupted:
        try:
            from .outside_view.forecast import priors_of

            table = forecast.runs if priors_of(compiled) else None  # Arrow only when the priors gap reads the runs
            forecast.outside_view, _ = summary_extras(forecast.summary, loaded, compiled, table, runs, seed, engine,
                                                      jobs, outside_view)
        except ValueError:  # a class too thin for a curve: asked for, that is an error; by default, none is shown
            if outside_view:
                raise
    return forecast


class Forecast:
    """A Monte Carlo's answers: ``forecast[question_id]`` (or iterate) gives each question's typed answer
    (``answers.Probability``, ``DateDistribution``, ``CountDistribution``); ``summary`` is the dict ``diplosim run
    --json`` prints; ``runs`` the run table (Arrow, one row per run), ``events`` the kept event logs;
    ``to_pandas``/``to_arrow`` one row per question."""

    def __init__(self, summary: dict, loaded, compiled, parts, events, *, runs: int, seed: int, engine: str,
                 overrides: dict, sets: list[str]):
        self.summary, self.loaded, self.compiled = summary, loaded, compiled
        self._parts, self._events = parts, events
        self.n_runs, self.seed, self.engine, self.overrides, self.sets = runs, seed, engine, overrides, sets
        self.outside_view: Forecast | None = None  # the outside view's forecast (``run``, ``summary_extras``)

    @property
    def title(self) -> str:
        return self.loaded.scenario.metadata.title

    @property
    def fragile(self) -> FragileScreen | None:
        """The fragile-forecast screen (``run(..., fragile=True)``; None without it)."""
        return FragileScreen(self.summary["fragile"]) if self.summary.get("fragile") else None

    @property
    def priors_gap(self) -> PriorsGap | None:
        """Where the forecast and the writer's priors part (None when no question records a prior)."""
        return PriorsGap(self.summary["priors_gap"]) if self.summary.get("priors_gap") else None

    @property
    def adjustments(self) -> Adjustments:
        """The author's adjustments of class curves with how far each moves each question (empty: none)."""
        return Adjustments.of(self.summary.get("adjustments"))

    @cached_property
    def runs(self):
        """The run table (``pyarrow.Table``): one row per run, the columns of ``layout``."""
        import pyarrow as pa

        from .layout import as_arrow

        return pa.concat_tables([as_arrow(p) for p in self._parts]).combine_chunks()

    @cached_property
    def events(self):
        """The event logs kept (``pyarrow.Table``)."""
        from .store import events_table

        return events_table(self._events)

    @cached_property
    def answers(self) -> dict:
        """Question id -> its answer, in the scenario's order."""
        from . import layout as L
        from .analysis.forecast import Entries, dates_of_interest
        from .answers import Answer

        dates = dates_of_interest(self.loaded, self.compiled.words)
        entries = {e["id"]: e for e in self.summary["questions"]}
        return {q.id: Answer.of(q, entries[q.id], q.forecast_entry(Entries, self.runs.column(L.question(q.id)), dates),
                                self.compiled)
                for q in self.compiled.questions}

    def __getitem__(self, question: str):
        try:
            return self.answers[question]
        except KeyError:
            raise KeyError(f"unknown question '{question}' (known: {', '.join(self.answers)})") from None

    def __iter__(self):
        return iter(self.answers.values())

    def __len__(self) -> int:
        return len(self.answers)

    def words(self) -> str:
        """Every answer in words, one line each."""
        return "\n".join(str(a) for a in self)

    def __repr__(self) -> str:
        return (f"<Forecast of {self.title!r}: {self.summary['runs']} runs, seed {self.seed}"
                f"{', ' + ', '.join(self.sets) if self.sets else ''}>\n{self.words()}")

    def to_arrow(self):
        """One row per question (``pyarrow.Table``): id, text, kind, runs, words, then each kind's typed columns
        (``answers.table_columns``), empty where a kind has no such number."""
        import pyarrow as pa

        from .answers import table_columns

        rows = [a.row() for a in self]
        return pa.table({name: pa.array([r.get(name) for r in rows], type=getattr(pa, kind)())
                         for name, kind in table_columns().items()})

    def to_pandas(self):
        """``to_arrow`` as a pandas DataFrame: strings as ``string``, whole numbers as nullable ``Int64``, dates as
        ``datetime64``, shares as ``float64``."""
        import pandas as pd
        import pyarrow as pa

        mapping = {pa.string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype()}
        return self.to_arrow().to_pandas(types_mapper=mapping.get, date_as_object=False)

    def figure(self):
        """Every question's probability with its interval (dates: by the end; counts: at least once)."""
        from .answers import question_chart

        return question_chart(self.summary, self.compiled)


# ------------------------------------------------------------------ analysis


@dataclasses.dataclass
class Comparison(TypedResult):
    """Paired differences B - A on common random numbers (``analysis.compare``): ``result`` is the dict ``diplosim
    compare --json`` prints (``as_json()``; ``words()``: what it prints); ``tables`` the two run tables."""

    result: dict
    tables: tuple
    compiled: tuple
    labels: tuple[str, str]

    def to_pandas(self):
        """One row per shared question: A, B, B - A with its 95% interval, runs changed."""
        import pandas as pd

        return pd.DataFrame(self.result["questions"])

    def as_json(self) -> dict:
        return self.result

    def print(self, console) -> None:
        from .api_words import render_comparison

        render_comparison(self.result, console)

    def why(self) -> dict:
        """Why B's answers differ from A's (``analysis.differ.explain_difference``): the milestones and gates that
        differ, and for each question whose answer differs by more than its interval, sentences of why."""
        from .analysis.differ import explain_difference

        return explain_difference(*self.compiled, *self.tables)

    def figure(self):
        """The two calendars side by side."""
        from .charts.analysis import side_by_side_calendar

        return side_by_side_calendar(self.tables[0], self.compiled[0], self.tables[1], self.compiled[1], *self.labels)


def _label(loaded, sets) -> str:
    return Path(loaded.path).name + (f" ({', '.join(sets)})" if sets else "")


def paired_comparison(ca, cb, overrides_a: dict, overrides_b: dict, runs: int, seed: int, engine: str,
                      labels: tuple[str, str]) -> Comparison:
    """Run both variants (compiled, with their numeric overrides) on the same replications and seed, on the
    ``engine`` already resolved for both, and compare them (``analysis.compare``); ValueError when they share
    no question."""
    from .analysis.compare import compare as paired
    from .analysis.compare import run_pair

    tables = run_pair(ca, cb, runs, seed, overrides_a, overrides_b, engine)
    return Comparison(paired(ca, cb, runs, seed, overrides_a, overrides_b, engine, tables=tables), tables, (ca, cb),
                      labels)


def compare(a, b=None, *, runs: int = 1000, seed: int = 0, sets_a=None, sets_b=None, engine: str = "auto"):
    """Paired comparison of two forecasts (same runs and seed: their run tables are paired run by run) or of two
    scenarios or what-ifs (paths or loaded scenarios, ``b`` default ``a``, with ``sets_a``/``sets_b``), run here
    on common random numbers. Returns a ``Comparison``."""
    from .analysis.compare import compare as paired
    from .runner import resolve_engine

    if isinstance(a, Forecast) or isinstance(b, Forecast):
        if not (isinstance(a, Forecast) and isinstance(b, Forecast)):
            raise ValueError("compare: give two forecasts, or two scenarios")
        if (a.n_runs, a.seed) != (b.n_runs, b.seed):
            raise ValueError(f"compare: the forecasts are not paired (runs {a.n_runs} and {b.n_runs}, seeds {a.seed} "
                             f"and {b.seed}): run both with the same runs and seed")
        tables = (a.runs, b.runs)
        res = paired(a.compiled, b.compiled, a.n_runs, a.seed, a.overrides, b.overrides, tables=tables)
        la, lb, sa, sb = a.loaded, b.loaded, a.sets, b.sets
        comparison = Comparison(res, tables, (a.compiled, b.compiled), (_label(la, sa), _label(lb, sb)))
    else:
        la = _loaded(a)
        lb = la if b is None else _loaded(b)
        if b is None and not sets_a and not sets_b:
            raise ValueError("compare: give B or sets_a/sets_b to make the variants differ")
        la, ca, oa = with_sets(la, sets_a, "sets_a")
        lb, cb, ob = with_sets(lb, sets_b, "sets_b")
        ea, eb = resolve_engine(ca, engine), resolve_engine(cb, engine)
        sa, sb = _set_texts(sets_a), _set_texts(sets_b)
        comparison = paired_comparison(ca, cb, oa, ob, runs, seed, ea if ea == eb else "mesa",
                                       (_label(la, sa), _label(lb, sb)))
    comparison.result.update({"a": {"scenario": str(la.path), "set": sa}, "b": {"scenario": str(lb.path), "set": sb}})
    return comparison


def explain(what, question: str | None = None, *, runs: int = 1000, seed: int = 0, sets=None):
    """Why milestones happened or not (``diplosim explain``), or one question explained (its window, its answer
    and what held up each milestone it names): of a ``Forecast``, of results opened with ``open_results``, or of
    a scenario (a path or loaded scenario, run here). Returns an ``Explanation`` (``api_results``: its ``as_json()``
    is the ``--json``, its ``words()`` what the command prints). Unknown question: ValueError."""
    from .analysis.explain import explain as run_explain
    from .analysis.explain import time_unit
    from .api_results import Explanation
    from .report import Results

    if not isinstance(what, Results):
        what = what if isinstance(what, Forecast) else run(what, runs=runs, seed=seed, sets=sets)
    return Explanation(run_explain(what.compiled, what.runs, what.events, question), time_unit(what.compiled))


def explain_gap(what, *, runs: int = 1000, seed: int = 0, sets=None, threshold: float | None = None) -> PriorsGap:
    """Where the forecast and its writer's priors part (``analysis.gap``): for each yes/no question with a prior
    whose forecast differs from it by more than ``threshold`` (default 0.15, 15 points), the milestones the
    runs answering "yes" passed through, and each gate and repeated chance on the way with how many steps it was
    drawn. Of a ``Forecast``, of results opened with ``open_results``, or of a scenario (run here). A
    ``PriorsGap`` (``api_results``: its ``as_json()`` is ``diplosim run --json``'s ``priors_gap``, ``words()`` what
    ``diplosim run`` prints of it)."""
    from .analysis.gap import THRESHOLD
    from .analysis.gap import explain_gap as gap
    from .report import Results

    threshold = THRESHOLD if threshold is None else threshold
    if not 0 < threshold < 1:
        raise ValueError(f"threshold: {threshold} is not a share between 0 and 1 (0.15 is 15 points)")
    if not isinstance(what, Results):
        what = what if isinstance(what, Forecast) else run(what, runs=runs, seed=seed, sets=sets, events=0)
    return PriorsGap(gap(what.compiled, what.runs, threshold))


def adjustment_effects(scenario, *, runs: int = 1000, seed: int = 0, engine: str = "auto") -> Adjustments:
    """The author's adjustments of class curves (``adjust:``), each with how far it moves each question: the
    scenario with outside-view defaults run as is and with that one number neutral (odds 1, shift 0 days) on the
    same runs and seed; per question the share answering yes (a date: by the end; a count: at least once) without
    and with it, the paired difference ``moves`` and its 95% interval (``outside_view.forecast.adjustment_effects``).
    ``Adjustments`` (``api_results``: iterate for each ``Adjustment``; empty when the scenario has none; its
    ``as_json()`` is ``diplosim run --json``'s ``adjustments``, ``words()`` the table ``diplosim run`` prints)."""
    from .outside_view.forecast import adjustment_effects as effects

    return Adjustments.of(effects(_loaded(scenario), runs, seed, engine))


def fragile_screen(scenario, *, runs: int = 1000, seed: int = 0, sets=None, replications: int = 100) -> FragileScreen:
    """The fragile-forecast screen ``diplosim run`` adds (``analysis.fragile``): each number and switch of the
    scenario moved on its own on the same first ``replications`` of ``runs`` runs from ``seed`` (with ``sets``), and
    per question the moves that shift its probability by more than 15 points. A ``FragileScreen`` (``api_results``:
    its ``as_json()`` is ``diplosim run --json``'s ``fragile``, ``words()`` what ``diplosim run`` prints of it;
    ``skipped`` says why a scenario with a plug-in rule is not screened)."""
    loaded, compiled, overrides = with_sets(_loaded(scenario), sets)
    screen, skipped = screen_of(loaded, compiled, seed, overrides, runs, replications)
    if screen is None:
        return FragileScreen(skipped)
    cached = screen.cached()
    return FragileScreen(cached if cached is not None else screen.run_alone())


def observed_files(target: Path, observed: Path | None = None) -> list[tuple]:
    """(observed file, scenario already loaded or None) pairs that a backtest of ``target`` (a corpus directory,
    an observed-outcomes file or a scenario file) scores; ValueError with one line if there are none."""
    from .analysis.backtest import find_observed
    from .analysis.observed import is_observed, observed_beside

    target = Path(target)
    if observed is not None:
        if target.is_dir():
            raise ValueError(f"--observed: give a scenario file, not the directory '{target}', with --observed")
        return [(Path(observed), load(target))]
    if target.is_dir():
        found = find_observed(target)
        if not found:
            raise ValueError(f"backtest: no observed-outcomes files (<name>.observed.yaml) in '{target}'")
        return [(p, None) for p in found]
    if not target.exists():
        raise ValueError(f"backtest: '{target}' not found")
    if is_observed(target):
        return [(target, None)]
    beside = observed_beside(target)
    if not beside.is_file():
        raise ValueError(f"backtest: '{target}' is a scenario with no observed file beside it ({beside.name}); "
                         "write one or give --observed FILE")
    return [(beside, None)]


def backtest(target, *, observed=None, runs: int = 2000, seed: int = 0, engine: str = "auto",
             variants: Iterable[str] = (), outside_view: bool = False, negotiations=None):
    """Score forecasts against observed outcomes (``diplosim backtest``): ``target`` a corpus directory, an
    observed-outcomes file or a scenario file; ``variants`` as ``--variant`` (``NAME:actor.rule=RULE``...);
    ``outside_view`` adds, under ``"outside_view"``, the four forecasts side by side (as written, outside view,
    with outside-view defaults, priors), the class curves counted without each scored negotiation
    (``outside_view.backtest``; ``negotiations``: the timelines, default the shipped dataset; a corpus directory's
    own replays are counted). Returns a ``Backtest`` (``api_results``: its ``as_json()`` is what ``diplosim backtest
    --json`` prints, its ``words()`` what the command prints). Bad files: ScenarioError; bad arguments: ValueError."""
    from .analysis.backtest import Variant
    from .analysis.backtest import backtest as run_backtest
    from .analysis.observed import corpus_scenarios, load_observed
    from .compiled import Compiled
    from .runner import resolve_engine

    from .scenario import ScenarioError

    parsed = [Variant.parse(text) for text in variants]
    names = [v.name for v in parsed]
    if len(set(names)) != len(names):
        raise ValueError(f"--variant: the name '{next(n for n in names if names.count(n) > 1)}' is used twice")
    items, problems = [], []
    for path, loaded in observed_files(Path(target), observed):
        try:
            lo = load_observed(path, scenario=loaded)
        except ScenarioError as exc:  # every file is read: all their problems are raised together
            problems.extend(exc.problems)
            continue
        items.append((lo, Compiled(lo.loaded.scenario)))
    if problems:
        raise ScenarioError(problems)
    for _, compiled in items:
        resolve_engine(compiled, engine)
    res = run_backtest(items, runs, seed, engine, parsed)
    target = Path(target)
    if outside_view:
        from .outside_view.backtest import outside_view_backtest

        res["outside_view"] = outside_view_backtest(items, res, runs, seed, engine, negotiations=negotiations,
                                                    corpus_folder=target if target.is_dir() else None)
    if target.is_dir() and observed is None:
        from .analysis.observed import observed_beside

        res["without_outcomes"] = [str(p) for p in corpus_scenarios(target) if not observed_beside(p).is_file()]
    from .api_results import Backtest

    return Backtest(res)


def open_results(path):
    """A results directory (``diplosim run --out``, ``diplosim sweep``) as tables: ``runs`` and ``events`` (Arrow),
    ``points`` (pandas), ``manifest`` (dict) and ``compiled``; ``ReportError`` (a ValueError, one line) when it is
    not one."""
    from .report import load_results

    return load_results(Path(path))


def _results(results):
    """Results opened with ``open_results``, from themselves or a path."""
    from .report import Results

    return results if isinstance(results, Results) else open_results(results)


def summarize(results, *, max_points: int = 10):
    """Each question's probability (95% Wilson interval) and each milestone's median date, per point and pooled
    (``diplosim summarize``), of a results directory (a path): a ``Summary`` (``api_results``: its ``as_json()`` is
    the ``--json``, its ``words()`` what the command prints, listing ``max_points`` points)."""
    from .api_results import Summary
    from .store import read_manifest
    from .sweep.aggregate import summarize_dir

    results = Path(results)
    if not (results / "manifest.json").is_file():
        raise ValueError(f"summarize: '{results}' has no manifest.json (not a results directory)")
    if not any((results / "runs").glob("part-*.parquet")):
        raise ValueError(f"summarize: '{results}' has no finished runs yet")
    calendar = read_manifest(results)["scenario"]["resolved"].get("calendar") or {}
    return Summary(summarize_dir(results), int(calendar.get("step_days") or 7), max_points)


def html_report(results, output=None):
    """The self-contained HTML report of results (a path or ``open_results``'s), as ``diplosim report`` writes it,
    written to ``output`` too when given: a ``Report`` (its ``page``, its ``sections``; ``export_pngs(folder)``
    writes one PNG per chart, which needs kaleido and a system Chromium)."""
    from .report import build_report, write_report

    page, sections = build_report(_results(results))
    if output is not None:
        write_report(page, Path(output))
    return Report(page, sections)


@dataclasses.dataclass
class Report:
    """A report (``html_report``): the HTML ``page`` and its ``sections`` (title, figure)."""

    page: str
    sections: list

    @property
    def charts(self) -> int:
        return len([s for s in self.sections if s.figure is not None])

    def export_pngs(self, folder) -> list:
        """One PNG per chart in ``folder``; ``ReportError`` (one line) when they cannot be made."""
        from .report import export_pngs

        return export_pngs(self.sections, Path(folder))


def sensitivity(results, question: str | None = None, seed: int = 0):
    """First-order and total Sobol indices of each question's probability (or one ``question``'s), with 95%
    intervals (``diplosim sensitivity``), of a Sobol-sampled sweep (a path or ``open_results``'s). The intervals
    are a bootstrap seeded from ``seed``: the same seed gives the same intervals. A ``Sensitivity``
    (``api_results``). ``AnalysisError`` (a ValueError, one line) otherwise."""
    from .analysis.sensitivity import sobol_indices
    from .api_results import Sensitivity

    res = _results(results)
    return Sensitivity(sobol_indices(res.runs, res.compiled, res.manifest, question, seed))


def discover(results, question: str, threshold: float = 0.5):
    """Parameter boxes of a sweep (a path or ``open_results``'s) in which ``question`` is likely (its yes-share
    reaches ``threshold``), as rules with coverage and density (``diplosim discover``): a ``Discovery``
    (``api_results``); ``AnalysisError`` (a ValueError, one line) for a bad question or results without points."""
    from .analysis.discover import discover as run_discover
    from .analysis.sensitivity import AnalysisError
    from .api_results import Discovery

    res = _results(results)
    if res.points is None:
        raise AnalysisError(f"discover: '{res.manifest.get('out', 'these results')}' has no points.parquet")
    return Discovery(run_discover(res.runs, res.points, res.compiled, res.manifest, question, threshold), threshold)


def params(scenario):
    """The scenario's parameters (``diplosim params``): ``Parameters`` (``api_results``), each a ``Parameter``
    with its dotted name, distribution, range, provenance, source, unit, the form it is stated in, its estimable
    equivalent and the reference class it comes from; ``as_json()`` is the ``--json``, ``words()`` the table."""
    from .api_results import Parameter, Parameters
    from .lang.estimable import equivalents
    from .lang.pace import shape_words
    from .scenario.loader import find_reference
    from .scenario.params import ParameterTable, parameter_units

    loaded = _loaded(scenario)
    table = ParameterTable(loaded.scenario)
    units = parameter_units(loaded.scenario)
    shaped = shape_words(loaded.scenario)  # a number of a chance that changes with time: the whole shape's chance
    from .lang.calendar import shape_words as hazard_shape_words

    shaped.update(hazard_shape_words(loaded.scenario))  # a shock's, an occasion's or an entry's shape in time
    from .lang.commitments import estimable_words

    shaped.update(estimable_words(loaded.scenario))  # a commitment's chance by its due day, and per week
    rows = []
    for name in table.names:
        p = table.params[name]
        lo, hi = p.bounds
        form = p.estimable
        row = {"name": name, "dist": p.dist, "low": lo, "high": hi, "provenance": p.provenance,
               "source": _param_source(p), "unit": units.get(name, ""),
               "stated_as": form.label() if form is not None else "",
               "estimable": shaped.get(name) or equivalents(lo, hi, units.get(name, ""))}
        if p.from_reference:
            ref = find_reference(p.from_reference, loaded.path.parent)
            row["reference"] = {"id": ref.id, "title": ref.title, "kind": ref.kind, "rate": ref.summary(),
                                "adjust": p.adjust.model_dump(exclude_none=True) if p.adjust else None}
        rows.append(Parameter(**row))
    return Parameters(str(loaded.path), tuple(rows))


def validate(path):
    """Check one file as ``diplosim validate`` does: a scenario, an observed-outcomes file (``kind: observed``), a
    reference class (``reference_version``) or a corpus folder's ``milestone_classes.yaml``. Returns a
    ``Validation`` (``api_results``: ``path``, ``kind``, ``summary``: the one-line 'ok' summary, ``words()`` what
    the command prints); raises ``ScenarioError`` (one line per problem: file:line:col: field: message)."""
    from .analysis.observed import is_observed
    from .api_results import Validation
    from .outside_view.corpus_classes import NAME as CLASSES_FILE
    from .scenario.loader import is_reference_file

    path = Path(path)
    if is_observed(path):
        return Validation(str(path), "observed outcomes", _validate_observed(path))
    if is_reference_file(path):
        return Validation(str(path), "reference class", _validate_reference(path))
    if path.name == CLASSES_FILE:
        return Validation(str(path), "milestone classes", _validate_milestone_classes(path))
    return Validation(str(path), "scenario", _validate_scenario(path))


def _plural(k: int, what: str) -> str:
    return f"{k} {what}{'' if k == 1 else 's'}"


def _validate_scenario(path: Path) -> str:
    from .scenario import load

    loaded = load(path)
    sc = loaded.scenario
    kinds = {}
    for m, _ in sc.all_milestones:
        kinds[m.noun()] = kinds.get(m.noun(), 0) + 1
    what = ", ".join(_plural(n, k) for k, n in kinds.items())
    return (f"{path}: ok (schema {sc.schema_version}; {len(sc.actors)} actors; {what}; "
            f"{len(sc.questions)} questions; hash {loaded.digest})")


def _validate_observed(path: Path) -> str:
    from .analysis.observed import load_observed

    lo = load_observed(path)
    obs = lo.observed
    if obs.scenario_hash is None:
        hashed = "no scenario_hash recorded"
    elif lo.edited_after_outcomes:
        hashed = f"scenario hash {lo.loaded.digest} differs from the recorded {obs.scenario_hash}: edited after outcomes"
    else:
        hashed = f"scenario hash {lo.loaded.digest}"
    return (f"{path}: ok (observed outcomes of {obs.scenario}: {_plural(len(obs.questions), 'question')}, "
            f"{_plural(len(obs.milestones), 'milestone')}, resolved {obs.resolved_on}; {hashed})")


def _validate_reference(path: Path) -> str:
    from .scenario.loader import read_reference

    ref = read_reference(path)
    cases = f", {_plural(len(ref.cases), 'case')}" if ref.cases else ""
    return f"{path}: ok (reference class, {ref.kind}: {ref.summary()}; {_plural(len(ref.sources), 'source')}{cases})"


def _validate_milestone_classes(path: Path) -> str:
    """The classes of a corpus folder's milestones (``milestone_classes.yaml``), checked; ScenarioError if not."""
    from .outside_view.corpus_classes import check_classes, read_classes
    from .scenario import ScenarioError

    problems = check_classes(path)
    if problems:
        raise ScenarioError(problems)
    classes = read_classes(path)
    return (f"{path}: ok (milestone classes: {_plural(sum(map(len, classes.values())), 'milestone')} of "
            f"{_plural(len(classes), 'scenario')})")


def check_model(scenario, *, runs: int = 1000, seed: int = 0, only: Iterable[str] = ()):
    """The model checks on a scenario (``diplosim check-model``): stated chances come true, and moving dates,
    renaming ids, a what-if that changes nothing, a cheaper step and another step length change the answers only
    as they should. One result per property (``passed`` False: it fails; ``sentence``: in words); ``only`` names
    some of ``testing.properties.CHECKS``. A ``ModelChecks`` (``api_results``: iterate for the results; its
    ``as_json()`` is the ``--json``, ``words()`` and ``verdict()`` what the command prints). An unknown property:
    ValueError (one line)."""
    from .api_results import ModelChecks
    from .testing.properties import CHECKS
    from .testing.properties import check_model as run_checks

    only = list(only)
    unknown = [n for n in only if n not in CHECKS]
    if unknown:
        raise ValueError(f"--only: unknown property '{unknown[0]}' (choose from {', '.join(CHECKS)})")
    loaded = _loaded(scenario)
    return ModelChecks(str(loaded.path), runs, seed, tuple(run_checks(loaded.scenario, runs=runs, seed=seed, only=only or None)))


def _param_source(p) -> str:
    """Where a number comes from, in a few words: the source, the reference class (and its adjustment), or the
    assumption."""
    if p.from_reference:
        adj = p.adjust
        if adj is None:
            return f"reference class '{p.from_reference}'"
        how = (f"odds x{adj.odds:g}" if adj.odds is not None else f"shift {adj.shift:+g}" if adj.shift is not None
               else f"x{adj.factor:g}")
        return f"reference class '{p.from_reference}', adjusted ({how}): {adj.reason}"
    if p.evidence is not None:
        return f"source '{p.evidence.source}'" + (f" ({p.evidence.locator})" if p.evidence.locator else "")
    return p.assumption


def _recreate_inputs(results: Path, point: int, replication: int):
    """(compiled scenario, seed, overrides of the point) for one run of a results directory; ValueError (one
    line) when it cannot be re-created."""
    from pydantic import ValidationError

    from .compiled import Compiled
    from .draws import SCHEME
    from .scenario.schema import Scenario
    from .store import read_manifest

    if not (results / "manifest.json").is_file():
        raise ValueError(f"RESULTS: '{results}' has no manifest.json, so it is not a results directory")
    try:
        manifest = read_manifest(results)
        compiled = Compiled(Scenario.model_validate(manifest["scenario"]["resolved"]))
    except (ValueError, KeyError, TypeError, ValidationError) as exc:
        raise ValueError(f"{results / 'manifest.json'}: cannot read the resolved scenario "
                         f"({type(exc).__name__})") from None
    scheme = manifest.get("draw_layout", {}).get("scheme")
    if scheme != SCHEME:
        layout = scheme or "numpy SeedSequence"
        raise ValueError(f"{results / 'manifest.json'}: written with another random-draw layout ({layout}, "
                         f"this diplosim uses {SCHEME}), so its runs cannot be re-created; run them again")
    runs = manifest.get("sweep", {}).get("runs", manifest.get("runs"))
    points = {0: dict(manifest.get("overrides") or {})}
    if (results / "points.parquet").is_file():
        import pyarrow.parquet as pq

        table = pq.read_table(results / "points.parquet").to_pylist()
        points = {row.pop("point"): {k: v for k, v in row.items() if v is not None} for row in table}
    if point not in points:
        raise ValueError(f"--point: no point {point} in '{results}' (points 0 to {max(points)})")
    if runs is not None and not 0 <= replication < runs:
        raise ValueError(f"--replication: {replication} is not a replication of '{results}' (0 to {runs - 1})")
    return compiled, int(manifest["seed"]), points[point]


def _stored_record(results: Path, point: int, replication: int) -> dict | None:
    """The run's row as stored in the results directory (None if that part is not there)."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    if not (results / "runs").is_dir():
        return None
    data = ds.dataset(str(results / "runs"), format="parquet")
    rows = data.to_table(filter=(pc.field("point") == point) & (pc.field("replication") == replication)).to_pylist()
    return rows[0] if rows else None


def events(results, replication: int, point: int = 0):
    """The event log of one run of a results directory (a path), re-created exactly as it ran (``diplosim
    events``): a ``RunEvents`` with the rows (``layout.EVENT_COLUMNS`` order), the compiled scenario, the seed and
    whether the stored record differs from the re-created one (results of another diplosim version). ValueError
    (one line) for a directory, point or replication that cannot be re-created."""
    from .runner import recreate_runs

    results = Path(results)
    compiled, seed, overrides = _recreate_inputs(results, point, replication)
    ((record, rows),) = recreate_runs(compiled, seed, [(point, replication)], {point: overrides})
    stored = _stored_record(results, point, replication)
    differs = stored is not None and stored != {k: record[k] for k in stored}
    return RunEvents(rows, compiled, seed, point, replication, differs)


@dataclasses.dataclass
class RunEvents(TypedResult):
    """One run's event log (``events``): ``rows`` in ``layout.EVENT_COLUMNS`` order; ``sentences()`` in words;
    ``as_json()`` / ``to_json()`` what ``diplosim events --json`` prints, ``words()`` its table."""

    rows: list
    compiled: object
    seed: int
    point: int
    replication: int
    stored_differs: bool

    def to_dicts(self) -> list[dict]:
        from .layout import EVENT_COLUMNS

        return [dict(zip(EVENT_COLUMNS, r)) for r in self.rows]

    def to_arrow(self):
        from .store import events_table

        return events_table(self.rows)

    def to_pandas(self):
        return self.to_arrow().to_pandas()

    def as_json(self) -> list[dict]:
        return self.to_dicts()

    def to_json(self) -> str:
        import json

        return json.dumps(self.to_dicts(), indent=1, default=str)

    def print(self, console) -> None:
        from .api_words import render_events

        render_events(self.to_dicts(), self.sentences(), f"Run {self.replication} of point {self.point} (seed "
                      f"{self.seed}): {len(self.rows)} events", console)

    def sentences(self) -> list[str]:
        """Each event as a sentence in the scenario's words."""
        from .eventlog import sentence as event_sentence

        return [event_sentence(self.compiled, e["kind"], e["milestone"], e["actor"], e["detail"], e["step"])
                for e in self.to_dicts()]


def sweep_manifest(loaded, compiled, seed: int, design, runs: int, chunk: int, engine: str, events: int | None,
                   plugins=()) -> dict:
    """A new sweep's manifest (``sweep.session.sweep_manifest``)."""
    from .sweep.session import sweep_manifest as manifest

    return manifest(loaded, compiled, seed, design, runs, chunk, engine, events, plugins)


def run_sweep(scenario, out, *, vary: Iterable[str] = (), sample: str = "grid", points: int | None = None,
              runs: int = 100, seed: int = 0, jobs: int = 1, engine: str = "auto", events: int | None = None,
              second_order: bool = True, chunk: int | None = None, resume: bool = False,
              scheduler: str | None = None, dask_local: int | None = None, on_start=None, on_part=None):
    """A parameter sweep (``diplosim sweep``) into ``out``: ``vary`` as ``--vary`` (``name=lo:hi:n``,
    ``name=v1,v2``, or ``name=lo:hi`` for lhs/sobol); every point x ``runs`` replications, ``chunk`` runs per part,
    on ``jobs`` local processes or a Dask cluster (``scheduler`` 'tcp://HOST:PORT', or ``dask_local`` processes);
    ``resume`` continues an interrupted sweep in ``out`` (same plan: only the missing chunks run). Progress:
    ``on_start(total, already)``, then ``on_part(runs, rate)`` per part written. Returns the results
    (``open_results``), whose ``session`` says what this call did (new runs, seconds, runs already there,
    'finished' or 'interrupted' by Ctrl-C). Bad options or an unusable ``out``: ValueError, one line naming the
    option as the command line spells it."""
    from .sweep.session import SweepSession

    with SweepSession(_loaded(scenario), out, vary=vary, sample=sample, points=points, second_order=second_order,
                      runs=runs, seed=seed, jobs=jobs, scheduler=scheduler, dask_local=dask_local, chunk=chunk,
                      engine=engine, events=events, resume=resume, command=["simulator.run_sweep"]) as sweep:
        done = sweep.run(on_start, on_part)
    results = open_results(out)
    results.session = done
    return results
