"""Observed-outcomes files (version 2): what actually happened, for backtests. Validated like scenarios.

``scenarios/<name>.observed.yaml`` sits beside ``scenarios/<name>.yaml`` and is
committed after it:

```yaml
schema_version: 2
kind: observed
scenario: syria_turkey_2023.yaml       # relative to this file
scenario_hash: 3f1a77ca88415600        # `diplosim validate SCENARIO` when the outcomes were recorded
forecast: null                         # optional: a frozen forecast (`diplosim forecast`), relative
resolved_on: 2025-01-15
sources: [...]                         # bibliographic records, as in scenarios
questions:
  - {question: fm_before_round1, answer: true, evidence: [{source: r, note: "..."}]}
  - {question: fm_meeting_date, date: 2023-05-10, evidence: [...]}   # or happened: false
  - {question: n_rounds, count: 3, evidence: [...]}
milestones:
  - {milestone: fm_meeting, date: 2023-05-10, evidence: [...]}       # or happened: false
```

Checks, one line per problem: the scenario exists and loads; every question and
milestone exists in it; the answer's form fits the question's kind (the question
class says which fields it takes); sources and evidence as in scenarios; every
outcome date is after the scenario's ``as_of`` and not after ``resolved_on``;
nothing is resolved twice. A ``scenario_hash`` that differs from the scenario's
is not an error: backtests report it (``edited_after_outcomes``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from ..lang.base import Evidence, Id, MilestoneRef, Strict
from ..scenario.loader import LoadedScenario, Problem, ScenarioError, load_document, problems_at, read_yaml
from ..scenario.schema import Source

SUFFIX = ".observed.yaml"


class ObservedSource(Source):
    """A source of an observed-outcomes file: a scenario source, with an optional ``author`` (the agreed format).

    Not added to scenario sources: a new field would change every scenario's hash."""

    author: str | None = None


class Resolved(Strict):
    """Common part of a resolved outcome: the evidence for it."""

    evidence: list[Evidence] = Field(min_length=1)


class DatedOutcome(Resolved):
    """A first date, or ``happened: false`` (not by the end)."""

    date: dt.date | None = None
    happened: bool | None = None

    @model_validator(mode="after")
    def _date_or_not(self):
        if self.date is None and self.happened is True:
            raise ValueError("'happened: true' needs the 'date' it first happened")
        if self.date is not None and self.happened is False:
            raise ValueError("give 'date' or 'happened: false', not both")
        return self


class QuestionOutcome(DatedOutcome):
    """The resolved answer of one scenario question: ``answer`` (yes/no), ``date``/``happened`` or ``count``;
    or ``unresolved: REASON`` for a question the reporting cannot settle (kept, said, and not scored)."""

    question: Id
    answer: bool | None = None
    count: int | None = Field(default=None, ge=0)
    unresolved: str | None = Field(default=None, min_length=3, description="why the question cannot be resolved")
    evidence: list[Evidence] = []

    @model_validator(mode="after")
    def _evidence_unless_unresolved(self):
        if self.unresolved is None and not self.evidence:
            raise ValueError("give 'evidence' (at least one source and note) for the answer, or 'unresolved: "
                             "REASON' for a question the reporting cannot settle")
        return self

    def given(self) -> list[str]:
        """The answer fields this outcome gives (to check against the question's kind)."""
        return [f for f in ("answer", "date", "happened", "count") if getattr(self, f) is not None]


class MilestoneOutcome(DatedOutcome):
    """The first date a scenario milestone happened, or ``happened: false``."""

    milestone: MilestoneRef

    @model_validator(mode="after")
    def _something(self):
        if self.date is None and self.happened is None:
            raise ValueError("give 'date' (the first date it happened) or 'happened: false'")
        return self


class Observed(Strict):
    schema_version: Literal[2]
    kind: Literal["observed"]
    scenario: str = Field(description="the scenario file, relative to this file")
    scenario_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{16}$",
                                      description="the scenario's hash when the outcomes were recorded")
    forecast: str | None = Field(default=None, description="a frozen forecast JSON, relative to this file")
    resolved_on: dt.date = Field(description="when the outcomes were looked up")
    sources: list[ObservedSource] = Field(min_length=1)
    questions: list[QuestionOutcome] = []
    milestones: list[MilestoneOutcome] = []

    @classmethod
    def declared_by(cls, data: dict) -> bool:
        """Does a YAML mapping declare itself this kind of file (its ``kind``, as this class names it)?"""
        from typing import get_args

        return data.get("kind") in get_args(cls.model_fields["kind"].annotation)


class Exposure(Strict):
    """What a blind writer knew or saw of later events: ``known`` (saw or remembered the answer) or ``suspected``."""

    exposure: Literal["known", "suspected"]
    note: str = Field(min_length=3, description="what was seen or remembered, in our own words")


class QuestionExposure(Exposure):
    question: Id


class Exposures(Strict):
    """``forecasts/<name>.exposures.yaml`` beside a blind scenario's frozen forecast: what its writer saw or
    remembered of later events, recorded before its outcomes were looked up. The backtest scores the exposed
    questions apart, and does not call a scenario blind whose whole negotiation was exposed."""

    kind: Literal["exposures"]
    scenario: str = Field(description="the scenario file, relative to this file")
    writer: str
    declared_in: str | None = Field(default=None, pattern=r"^[0-9a-f]{7,40}$",
                                    description="the commit whose message declared these exposures before the "
                                    "outcomes (for a file written down after them)")
    whole_scenario: Exposure | None = None
    questions: list[QuestionExposure] = []


def exposures_beside(forecast: Path) -> Path:
    """``<name>.exposures.yaml`` beside the frozen forecast ``<name>.json``."""
    return forecast.with_name(forecast.stem + ".exposures.yaml")


def load_exposures(path: Path, scenario) -> Exposures:
    """Load and check an exposures file against the scenario it names; ScenarioError lists every problem."""
    exp, locs, _ = load_document(path, Exposures, "an exposures file")
    known = {q.id for q in scenario.questions}
    found = [(("questions", k, "question"), f"unknown question '{e.question}' (known: {', '.join(sorted(known))})")
             for k, e in enumerate(exp.questions) if e.question not in known]
    if found:
        raise problems_at(path, locs, found)
    return exp


@dataclass(frozen=True)
class LoadedObserved:
    observed: Observed
    path: Path
    loaded: LoadedScenario  # the scenario it resolves, as it is now

    @property
    def scenario_path(self) -> Path:
        return self.loaded.path

    @property
    def edited_after_outcomes(self) -> bool:
        """True when the scenario's hash differs from the one the outcomes were recorded against."""
        rec = self.observed.scenario_hash
        return rec is not None and rec != self.loaded.digest

    @property
    def forecast_path(self) -> Path | None:
        f = self.observed.forecast
        return None if f is None else self.path.parent / f


def is_observed(path: str | Path) -> bool:
    """Whether a YAML file declares itself an observed-outcomes file (``kind: observed``); False if unreadable."""
    try:
        data, _, _ = read_yaml(Path(path))
    except ScenarioError:
        return Path(path).name.endswith(SUFFIX)
    return isinstance(data, dict) and Observed.declared_by(data)


#: the side file classing a corpus's milestones for the outside view (read by ``outside_view.corpus_classes``)
CLASSES_FILE = "milestone_classes.yaml"


def corpus_scenarios(folder: str | Path) -> list[Path]:
    """The scenario files of a corpus folder: every ``*.yaml`` except observed-outcomes files beside them and the
    classes of their milestones (``CLASSES_FILE``)."""
    return sorted(p for p in Path(folder).glob("*.yaml") if not p.name.endswith(SUFFIX) and p.name != CLASSES_FILE)


def observed_beside(scenario: str | Path) -> Path:
    """``<name>.observed.yaml`` beside ``<name>.yaml``."""
    p = Path(scenario)
    return p.with_name(p.name.removesuffix(".yaml").removesuffix(".yml") + SUFFIX)


def load_observed(path: str | Path, *, check_sources: bool = True,
                  scenario: LoadedScenario | None = None) -> LoadedObserved:
    """Load and check an observed-outcomes file and the scenario it names; ScenarioError lists every problem.

    ``scenario`` (already loaded) is used instead of reading the file the observed file names (the old
    ``backtest SCENARIO --observed FILE`` form).
    """
    from ..scenario import load
    from ..scenario.files import FileRefError, Folder
    from ..scenario.semantics import check_sources_and_evidence

    path = Path(path)
    data, locs, _ = read_yaml(path)
    if isinstance(data, dict) and data.get("schema_version") == 1:
        line, col = locs.get(("schema_version",), (1, 1))
        raise ScenarioError([Problem(str(path), line, col, "schema_version",
                                     "version-1 observed files are no longer read: write version 2 "
                                     "(kind: observed, scenario, questions, milestones; see docs/track-record.md)")])
    obs, locs, _ = load_document(path, Observed, "an observed-outcomes file")
    found: list[tuple[tuple, str]] = []
    folder = Folder.of(path)  # the files it names: inside its folder's tree (or DIPLOSIM_FILE_ROOTS)
    named = {}
    for field_ in ("scenario", "forecast"):
        if getattr(obs, field_) is not None and (field_ == "forecast" or scenario is None):
            try:
                named[field_] = folder.path(getattr(obs, field_))
            except FileRefError as exc:
                raise problems_at(path, locs, [((field_,), str(exc))]) from None
    if scenario is None:
        target = named["scenario"]
        if not target.is_file():
            raise problems_at(path, locs, [(("scenario",), f"scenario file '{obs.scenario}' not found "
                                            f"(looked for {target})")])
        try:
            scenario = load(target, check_sources=check_sources)
        except ScenarioError as exc:
            raise problems_at(path, locs, [(("scenario",), f"scenario '{obs.scenario}' does not load "
                                            f"({len(exc.problems)} problem{'s' if len(exc.problems) > 1 else ''}; "
                                            f"first: {exc.problems[0]})")]) from None
    sc = scenario.scenario
    as_of = sc.metadata.as_of
    err = lambda p, m: found.append((p, m))  # noqa: E731

    questions = {q.id: q for q in sc.questions}
    seen: dict[str, int] = {}
    for k, o in enumerate(obs.questions):
        here = ("questions", k)
        q = questions.get(o.question)
        if q is None:
            err((*here, "question"), f"unknown question '{o.question}' (known: {', '.join(questions)})")
        elif o.unresolved is not None:
            if o.given():
                err((*here, "unresolved"), f"an unresolved question gives no answer (it gives {', '.join(o.given())})")
        else:
            wrong = q.outcome_problem(o.given())
            if wrong is not None:
                err((*here, wrong[0]), wrong[1])
        if o.question in seen:
            err((*here, "question"), f"question '{o.question}' is resolved twice (also questions[{seen[o.question]}])")
        seen.setdefault(o.question, k)
    milestones = [m.id for m, _ in sc.all_milestones]
    seen = {}
    for k, m in enumerate(obs.milestones):
        here = ("milestones", k)
        if m.milestone not in milestones:
            err((*here, "milestone"), f"unknown milestone '{m.milestone}' (known: {', '.join(milestones)})")
        if m.milestone in seen:
            err((*here, "milestone"),
                f"milestone '{m.milestone}' is resolved twice (also milestones[{seen[m.milestone]}])")
        seen.setdefault(m.milestone, k)
    for group, items in (("questions", obs.questions), ("milestones", obs.milestones)):
        for k, o in enumerate(items):
            if o.date is None:
                continue
            if o.date <= as_of:
                err((group, k, "date"), f"{o.date} is not after the scenario's as_of ({as_of}): an outcome known "
                    "by then is history, not a forecast")
            elif o.date > obs.resolved_on:
                err((group, k, "date"), f"{o.date} is after resolved_on ({obs.resolved_on})")
    for k, s in enumerate(obs.sources):
        if s.date > obs.resolved_on:
            err(("sources", k, "date"), f"source dated {s.date} is after resolved_on ({obs.resolved_on})")
    evidence = [((group, k, "evidence", j), ev) for group, items in (("questions", obs.questions),
                                                                     ("milestones", obs.milestones))
                for k, o in enumerate(items) for j, ev in enumerate(o.evidence)]
    check_sources_and_evidence(obs.sources, evidence, path.parent, err, check_sources=check_sources,
                               relative_to="the observed file")
    if not obs.questions and not obs.milestones:
        err((), "no questions and no milestones resolved: nothing to score")
    if found:
        raise problems_at(path, locs, found)
    return LoadedObserved(obs, path, scenario)
