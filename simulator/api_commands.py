"""The Python API of the remaining commands (``simulator.api`` has the runs, sweeps and results): calibration,
replays, the decision rules, the scenario schema and migration, the outside view's reference classes and dataset,
and frozen forecasts. Each ``diplosim`` command here parses its options, calls one of these functions and prints
what it returns; each function returns a typed result (a dataclass, a table), never a dict the caller must
switch on.

Errors are as the command line's: ``ScenarioError`` (one line per problem, file:line:col: field: message) for a
bad file, ``ValueError`` in one line naming the option as the command line spells it (``--fit``, ``--exclude``)
for a bad value. Heavy parts are imported inside the functions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["Calibration", "ClassCurves", "ClassCurveDetail", "FrozenForecast", "Migration", "RuleInfo", "RuleParam",
           "Rules", "ShippedCurves", "TimelinesCheck", "calibrate", "decision_rules", "freeze_forecast", "migrate",
           "reference_build", "reference_ship", "reference_show", "replay", "schema", "timelines_validate"]


def _plural(k: int, what: str) -> str:
    return f"{k} {what}{'' if k == 1 else 's'}"


# ------------------------------------------------------------------ calibrate
@dataclasses.dataclass
class Calibration:
    """Global constants fitted to a corpus (``calibrate``): ``fitted`` (the names fitted), ``constants`` (every
    constant, 1 = as written), ``intervals`` (bootstrap 5th-95th percentiles), ``scores()`` before and after,
    in-sample and out-of-sample (leave one negotiation out), and the search's own result (``result``:
    ``analysis.calibrate.Calibration``, with the folds)."""

    corpus: Path
    negotiations: list  # analysis.calibrate.Negotiation
    result: object  # analysis.calibrate.Calibration
    runs: int
    seed: int
    bootstrap: int

    @property
    def fitted(self) -> list[str]:
        return self.result.fit

    @property
    def constants(self) -> dict[str, float]:
        return self.result.constants

    @property
    def intervals(self) -> dict[str, list[float]]:
        return self.result.intervals

    def scores(self) -> list[tuple[str, object]]:
        """(label, ``analysis.calibrate.Stats``) of the four scores, in the order the command prints them."""
        r = self.result
        return [("before, in-sample", r.before_in), ("after, in-sample", r.after_in),
                ("before, out-of-sample", r.before_out), ("after, out-of-sample (leave one out)", r.after_out)]

    def to_dict(self) -> dict:
        """The calibration document (what ``write`` writes and ``diplosim calibrate --json`` prints)."""
        r = self.result
        scores = {"before": {"in_sample": r.before_in.as_dict(), "out_of_sample": r.before_out.as_dict()},
                  "after": {"in_sample": r.after_in.as_dict(), "out_of_sample": r.after_out.as_dict()},
                  "folds": r.folds}
        return {
            "constants": self.constants, "fitted": self.fitted, "intervals": self.intervals,
            "score": "pooled mean Brier of yes/no questions + pooled mean CRPS of dates (fraction of the calendar)",
            "corpus": {"path": str(self.corpus), "negotiations": [
                {"name": n.name, "scenario_hash": n.scenario_hash, "observed_sha256": n.observed_sha256}
                for n in self.negotiations]},
            "runs": self.runs, "seed": self.seed, "scores": scores,
            "method": {"search": "coordinate search on a log2 lattice (best neighbour), steps 1 and 1/2, from the "
                                 "neutral constants",
                       "cross_validation": "leave one negotiation out",
                       "intervals": f"5th-95th percentile of {self.bootstrap} bootstrap refits over negotiations",
                       "candidates_run": r.evaluations},
        }

    def write(self, path) -> Path:
        """Write the calibration file (``.json`` or YAML), checked by reading it back (``defaults: FILE``)."""
        from .analysis.calibrate import write_calibration

        return write_calibration(path, self.to_dict())


def calibrate(corpus, *, fit: Iterable[str] = (), runs: int = 200, seed: int = 1, bootstrap: int = 30,
              progress=None) -> Calibration:
    """Fit the model's global constants (``fit``; default every one acting on some parameter of the corpus) to the
    corpus folder's scenarios with observed outcomes, by mean Brier + CRPS with leave-one-negotiation-out
    cross-validation (``diplosim calibrate``); ``progress(message)`` hears each step. ``write`` the result to
    name it in a scenario (``defaults: FILE``)."""
    from .analysis.calibrate import calibrate as run_calibration
    from .analysis.calibrate import load_corpus, relevant_constants
    from .scenario.constants import CONSTANTS

    corpus = Path(corpus)
    if not corpus.is_dir():
        raise ValueError(f"{corpus}: not a directory")
    negs = load_corpus(corpus)
    names = [n.strip() for n in fit if n.strip()] or relevant_constants(negs)
    for n in names:
        if n not in CONSTANTS:
            raise ValueError(f"--fit: unknown constant '{n}' (known: {', '.join(CONSTANTS)})")
    if not names:
        raise ValueError("no constant acts on any parameter of the corpus")
    if progress:
        progress(f"{len(negs)} negotiations, fitting {', '.join(names)} with {runs} runs each (seed {seed})")
    cal = run_calibration(negs, names, runs=runs, seed=seed, bootstrap=bootstrap, progress=progress)
    return Calibration(corpus, negs, cal, runs, seed, bootstrap)


# ------------------------------------------------------------------ replay
def replay(scenario, observed=None):
    """The observed history stepped through the scenario's own gates (``diplosim replay``): an
    ``outside_view.replay.Replay`` (``milestones``, ``spells``, ``warnings``, ``as_dict()``, ``to_arrow()``: the
    outside-view dataset's columns). ``ScenarioError`` for a bad file, ``ValueError`` (one line) without an
    observed-outcomes file."""
    from .outside_view.replay import ReplayInputError, load_for_replay
    from .outside_view.replay import replay as run_replay

    scenario = Path(scenario)
    if not scenario.is_file():
        raise ReplayInputError(f"{scenario}: no such scenario file")
    return run_replay(load_for_replay(scenario, None if observed is None else Path(observed)))


# ------------------------------------------------------------------ rules
@dataclasses.dataclass(frozen=True)
class RuleParam:
    """A rule parameter's range, default and meaning."""

    low: float
    high: float
    default: float | None
    doc: str


@dataclasses.dataclass(frozen=True)
class RuleInfo:
    """A decision rule (``decision_rules``): its name, role (party or mediator), where it comes from, a summary, the
    properties it declares, its parameters."""

    name: str
    role: str
    source: str
    summary: str
    properties: dict
    params: dict  # name -> RuleParam

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "source": self.source, "summary": self.summary,
                "properties": self.properties,
                "params": {p: dataclasses.asdict(s) for p, s in self.params.items()}}


@dataclasses.dataclass
class Rules:
    """The decision rules available (``decision_rules``), by role then name, and the plugins that failed to load."""

    rules: list[RuleInfo]
    broken_plugins: dict[str, str]

    def __iter__(self):
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __getitem__(self, name: str) -> RuleInfo:
        for r in self.rules:
            if r.name == name:
                return r
        raise KeyError(f"unknown rule '{name}' (known: {', '.join(r.name for r in self.rules)})")

    def to_dict(self) -> dict:
        """What ``diplosim rules --json`` prints."""
        return {"rules": [r.to_dict() for r in self.rules], "broken_plugins": self.broken_plugins}


def decision_rules(plugins: Iterable[str] = ()) -> Rules:
    """The decision rules (built-in, installed plugins, and ``plugins``: ``module:Class`` texts registered first,
    as ``--plugin``; ``RulePluginError``, a one-line ValueError, if one cannot be loaded) with their properties
    and parameters (``diplosim rules``)."""
    from .rules import broken_plugins, load_plugin, registry, rule_source

    for spec in plugins:
        load_plugin(spec)
    out = [RuleInfo(name, cls.role, rule_source(name), cls.summary(), cls.properties(),
                    {p: RuleParam(s.low, s.high, s.default, s.doc) for p, s in cls.params.items()})
           for name, cls in sorted(registry().items(), key=lambda kv: (kv[1].role, kv[0]))]
    return Rules(out, broken_plugins())


# ------------------------------------------------------------------ schema and migrate
def schema() -> dict:
    """The JSON Schema of scenario files (``diplosim schema``), for editors' autocompletion."""
    from .scenario.schema import Scenario

    return Scenario.model_json_schema()


@dataclasses.dataclass
class Migration:
    """An older scenario file said in the current schema version with the same meaning (``migrate``): ``data``
    (the document), ``yaml()`` (as ``diplosim migrate`` prints it; comments are not kept)."""

    path: Path
    from_version: int
    data: dict

    def yaml(self) -> str:
        import io

        from ruamel.yaml import YAML

        yaml = YAML()
        yaml.default_flow_style = False
        yaml.width = 120
        yaml.representer.ignore_aliases = lambda *_: True
        buf = io.StringIO()
        yaml.dump(self.data, buf)
        return buf.getvalue()


def migrate(path) -> Migration:
    """An older scenario file (schema version 1 or 2) in the current version, with its old defaults stated
    (``diplosim migrate``). ``ScenarioError`` for a file that is not an older valid scenario."""
    from .scenario import load
    from .scenario.loader import Problem, ScenarioError, read_yaml
    from .scenario.migrate import to_current

    path = Path(path)
    data, _, _ = read_yaml(path)
    version = data.get("schema_version") if isinstance(data, dict) else None
    if version not in (1, 2):
        raise ScenarioError([Problem(str(path), 1, 1, "schema_version",
                                     f"not an older scenario (version 1 or 2), got {version!r}")])
    load(path)  # every problem of the old file first, one line each
    return Migration(path, version, to_current(data))


# ------------------------------------------------------------------ reference build / ship / show
def _counted_curves(exclude, seed: int, resamples: int, corpus: bool):
    from .outside_view.curves import build_classes
    from .outside_view.published import load_published

    published = load_published()
    try:
        curves = build_classes(list(exclude), seed=seed, resamples=resamples, corpus=corpus)
    except ValueError as exc:  # an unknown negotiation (a bad dataset file is a ScenarioError)
        raise ValueError(f"--exclude: {exc}") from None
    return curves, published


@dataclasses.dataclass
class ClassCurves:
    """Every reference class counted from the outside-view dataset (``reference_build``): ``curves`` (class name
    -> ``outside_view.curves.ClassCurve``: chance within 7 to 365 days of becoming possible, with intervals, and
    what it rests on) and ``published`` (rates of published studies)."""

    curves: dict
    published: list
    corpus: bool

    def __getitem__(self, name: str):
        return self.curves[name]

    def __iter__(self):
        return iter(self.curves.values())

    def __len__(self) -> int:
        return len(self.curves)

    @property
    def spells(self) -> int:
        return sum(c.spells for c in self.curves.values())

    @property
    def corpus_spells(self) -> int:
        """The spells from the replays of the scenario corpus."""
        return sum(c.corpus_spells for c in self.curves.values())

    def document(self) -> dict:
        """The JSON document ``diplosim reference build --out`` writes."""
        from .outside_view.curves import curves_document

        return curves_document(self.curves, self.published)

    def to_arrow(self):
        """One row per class and stored day (``--parquet``)."""
        from .outside_view.curves import to_arrow

        return to_arrow(self.curves)

    def markdown(self) -> str:
        """The table as Markdown (``--markdown``)."""
        from .outside_view.curves import markdown_table

        return markdown_table(self.curves)

    def source_line(self) -> str:
        """Where the spells come from, in one line."""
        return (f"from the replays of the scenario corpus: {self.corpus_spells} of the {self.spells} spells"
                if self.corpus else "the replays of the scenario corpus are left out (--no-corpus)")


def reference_build(exclude: Iterable[str] = (), *, seed: int = 0, resamples: int = 1000,
                    corpus: bool = True) -> ClassCurves:
    """Count every class of the outside-view dataset (``diplosim reference build``): the timelines and, unless
    ``corpus`` is False, the corpus replays, leaving out the negotiations in ``exclude`` (timeline ids)."""
    curves, published = _counted_curves(exclude, seed, resamples, corpus)
    return ClassCurves(curves, published, corpus)


@dataclasses.dataclass
class ClassCurveDetail:
    """One class (``reference_show``): its ``curve``, the published rates speaking to it, and its spells (a pandas
    table, one row per spell)."""

    curve: object
    published: list
    spells: object

    def to_dict(self) -> dict:
        """What ``diplosim reference show --json`` prints."""
        doc = self.curve.model_dump(mode="json")
        doc["published"] = [p.model_dump(mode="json", by_alias=True) for p in self.published]
        return doc

    def figure(self):
        """The curve as a chart (plotly)."""
        from .charts.outside_view import class_curves

        return class_curves([self.curve])

    def render(self, console) -> None:
        """In words and tables on a rich console."""
        self.curve.render(console, self.spells, self.published)


def reference_show(name: str, *, exclude: Iterable[str] = (), seed: int = 0, resamples: int = 1000,
                   corpus: bool = True) -> ClassCurveDetail:
    """One class of the outside-view dataset (``diplosim reference show``); ValueError (one line) for an unknown
    class."""
    from .outside_view.classes import CLASSES
    from .outside_view.curves import counted_spells

    if name not in CLASSES:
        raise ValueError(f"reference show: unknown class '{name}' (classes: {', '.join(CLASSES)})")
    curves, published = _counted_curves(exclude, seed, resamples, corpus)
    table, _ = counted_spells(list(exclude), corpus=corpus)
    return ClassCurveDetail(curves[name], [p for p in published if p.class_ == name],
                            table[table["class"] == name])


@dataclasses.dataclass
class ShippedCurves:
    """The class curves a run reads, counted and written (``reference_ship``): where, and the document."""

    path: Path
    document: dict

    @property
    def sets(self) -> int:
        """Left-out sets counted (the whole dataset is one)."""
        return len(self.document["curves"])

    @property
    def scenarios(self) -> int:
        """Corpus scenarios with their own exclusions."""
        return len(self.document["exclusions"])

    def line(self) -> str:
        return f"class curves: {self.path} ({self.sets} left-out sets, {self.scenarios} corpus scenarios)"


def reference_ship(path=None) -> ShippedCurves:
    """Count the class curves a run reads (the whole dataset, and without each corpus scenario's own negotiation)
    and write them (default: into the package, ``simulator/lang/class_curves.json``; ``diplosim reference
    ship``)."""
    from .lang import class_curves
    from .outside_view.forecast import write_shipped

    doc = write_shipped(None if path is None else Path(path))
    return ShippedCurves(class_curves.SHIPPED if path is None else Path(path), doc)


# ------------------------------------------------------------------ timelines validate
@dataclasses.dataclass
class TimelinesCheck:
    """The outside-view dataset checked (``timelines_validate``): the negotiations read, each problem (file:line:
    col), and the corpus's side file of milestone classes with its problems when there is one."""

    folder: Path
    negotiations: list
    problems: list
    classes_file: Path | None
    classes_problems: list
    classed: int  # corpus milestones classed (when the side file is valid)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.classes_problems

    def lines(self) -> list[str]:
        """What ``diplosim timelines validate`` prints on its standard output (the problems go to stderr)."""
        from .outside_view.dataset import summary_lines

        bad_files = len({p.file for p in self.problems})
        out = [f"{self.folder}: {len(self.negotiations)} files valid, {bad_files} with problems",
               *summary_lines(self.negotiations)]
        if self.classes_file is not None:
            n = len(self.classes_problems)
            out.append(f"{self.classes_file}: " + (f"{n} problem(s)" if n else
                                                   f"valid ({self.classed} corpus milestones classed)"))
        return out


def timelines_validate(folder=None) -> TimelinesCheck:
    """Check every timeline file of ``folder`` (default: the dataset shipped with diplosim) and the classes of the
    corpus scenarios' milestones (``diplosim timelines validate``)."""
    from .outside_view.corpus_classes import NAME, check_classes, read_classes
    from .outside_view.dataset import CORPUS, TIMELINES, check_folder

    good, problems = check_folder(folder)
    side = CORPUS / NAME  # the classes of the corpus scenarios' milestones (in a source checkout)
    side_problems, classed = [], 0
    if side.is_file():
        side_problems = check_classes(side)
        if not side_problems:
            classed = sum(map(len, read_classes(side).values()))
    return TimelinesCheck(Path(folder) if folder is not None else TIMELINES, good, problems,
                          side if side.is_file() else None, side_problems, classed)


# ------------------------------------------------------------------ forecast (frozen)
def check_forecast_out(out, overwrite: bool = False) -> Path:
    """``out`` as a frozen forecast's file, or ValueError (one line): it exists (and not ``overwrite``), or its
    folder does not."""
    out = Path(out)
    if out.exists() and not overwrite:
        raise ValueError(f"--out: '{out}' exists (a frozen forecast is not overwritten; pass --overwrite to "
                         "replace it)")
    if out.is_dir() or not out.parent.is_dir():
        raise ValueError(f"--out: cannot write '{out}' (give a file name in an existing directory)")
    return out


@dataclasses.dataclass
class FrozenForecast:
    """A frozen forecast (``freeze_forecast``): ``document`` (each question's probability with its interval, each
    dated milestone's distribution, hash, seed, runs, engine, package versions; the outside view's answers beside
    it when frozen), and why the outside view was not frozen (``outside_view_note``)."""

    scenario: Path
    document: dict
    runs: int
    seed: int
    engine: str
    outside_view_note: str | None = None

    @property
    def scenario_hash(self) -> str:
        return self.document["scenario_hash"]

    @property
    def has_outside_view(self) -> bool:
        return "outside_view" in self.document

    def write(self, out, overwrite: bool = False) -> Path:
        """Write the frozen forecast as JSON; ValueError (one line) if ``out`` exists and not ``overwrite``."""
        out = check_forecast_out(out, overwrite)
        out.write_text(json.dumps(self.document, indent=2) + "\n", encoding="utf-8")
        return out

    def line(self, out) -> str:
        """The line ``diplosim forecast`` prints once written to ``out``."""
        return (f"forecast of {self.scenario} ({self.runs} runs, seed {self.seed}, {self.engine} engine, hash "
                f"{self.scenario_hash}): {out}"
                + ("; the outside view's answers beside it (class curves only)" if self.has_outside_view else ""))


def freeze_forecast(scenario, *, runs: int = 2000, seed: int = 0, dates: Iterable = (), sets=None,
                    engine: str = "auto", outside_view: bool = True) -> FrozenForecast:
    """A frozen forecast of ``scenario`` (a path; ``diplosim forecast``): ``runs`` runs from ``seed`` with the
    what-if ``sets`` (recorded), the share of runs by each of ``dates`` (dates or YYYY-MM-DD) beside the
    scenario's fixed dates; and when a milestone has a class, the outside view's answers (class curves only,
    counted without this negotiation; same runs and seed, no sets) unless ``outside_view`` is False. ``write`` it
    to register it. ValueError (one line) for a bad date, set or engine."""
    from .analysis.forecast import frozen_forecast
    from .api import _loaded, _set_texts, with_sets
    from .compiled import Compiled
    from .runner import resolve_engine

    extra = []
    for d in dates:
        if isinstance(d, dt.date):
            extra.append(d)
            continue
        try:
            extra.append(dt.date.fromisoformat(str(d)))
        except ValueError:
            raise ValueError(f"--date: '{d}' is not a date (YYYY-MM-DD)") from None
    written = _loaded(scenario)
    loaded, compiled, overrides = with_sets(written, sets, "--set")
    eng = resolve_engine(compiled, engine)
    texts = _set_texts(sets)
    result = frozen_forecast(loaded, compiled, runs, seed, eng, overrides=overrides, sets=texts,
                             extra_dates=extra, written_hash=written.digest)
    seen, note = None, None
    if outside_view:
        from .outside_view.forecast import outside_view_of, own_exclusions

        try:
            seen = outside_view_of(written)
        except ValueError as exc:  # a class too thin for a curve: the forecast stands
            note = f"outside view not frozen: {exc}"
    if seen is not None:
        oc = Compiled(seen.scenario)
        frozen_ov = frozen_forecast(seen, oc, runs, seed, resolve_engine(oc, engine), extra_dates=extra)
        result["outside_view"] = {"excluded": own_exclusions(written), "scenario_hash": frozen_ov["scenario_hash"],
                                  "questions": frozen_ov["questions"], "milestones": frozen_ov["milestones"]}
    path = Path(scenario) if isinstance(scenario, (str, os.PathLike)) else written.path
    return FrozenForecast(path, result, runs, seed, eng, note)
