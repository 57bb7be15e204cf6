"""Typed results of the Python API's analysis functions (issue 26): ``simulator.params`` gives ``Parameters``,
``summarize`` a ``Summary``, ``explain`` an ``Explanation``, ``backtest`` a ``Backtest``.

Each is a frozen dataclass with named attributes and says itself in every form a user reads:
- ``as_json()`` is exactly what the command's ``--json`` prints (``to_json()``: that text);
- ``words()`` (and ``str()``) is what the command prints (``print(console)`` prints it on a rich console);
- ``to_pandas()`` / ``to_arrow()``: a table.
For one release, ``result["key"]`` (and ``in``, ``get``) still read the dict these functions returned before."""

from __future__ import annotations

import dataclasses
import io
import json


class TypedResult:
    """What every typed result has: its JSON, its words, its table."""

    def as_json(self):
        """The plain data ``--json`` prints (dicts, lists, numbers, strings)."""
        raise NotImplementedError

    def to_json(self) -> str:
        """The text the command's ``--json`` prints."""
        return json.dumps(self.as_json(), indent=2)

    def print(self, console) -> None:
        """Print the words on a rich console (what the command prints)."""
        raise NotImplementedError

    def words(self, width: int = 140) -> str:
        """What the command prints (piped, at ``width`` columns)."""
        from rich.console import Console

        out = io.StringIO()
        self.print(Console(file=out, width=width, emoji=False, force_terminal=False, color_system=None))
        return out.getvalue()

    def __str__(self) -> str:
        return self.words()

    def to_pandas(self):
        raise NotImplementedError

    def to_arrow(self):
        """``to_pandas`` as a ``pyarrow.Table``."""
        import pyarrow as pa

        return pa.Table.from_pandas(self.to_pandas(), preserve_index=False)

    # ---- the plain dict these functions returned before: kept for one release
    def as_dict(self) -> dict:
        return self.as_json()

    def __getitem__(self, key):
        return self.as_dict()[key]

    def __contains__(self, key) -> bool:
        return key in self.as_dict()

    def get(self, key, default=None):
        return self.as_dict().get(key, default)


class NamedRows(TypedResult):
    """A typed result that is a sequence of rows (the field ``ROWS`` names), each also found by its name (the row's
    attribute ``KEY``; ``WHAT`` says what a row is in the error): iterate, ``len``, ``result[i]``, ``result[name]``,
    ``name in result``; its JSON is the rows' list."""

    ROWS = KEY = WHAT = ""

    def _rows(self) -> tuple:
        return getattr(self, self.ROWS)

    def as_json(self) -> list[dict]:
        return [r.as_json() for r in self._rows()]

    def as_dict(self) -> dict:
        return {getattr(r, self.KEY): r.as_json() for r in self._rows()}

    def __iter__(self):
        return iter(self._rows())

    def __len__(self) -> int:
        return len(self._rows())

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._rows()[key]
        for r in self._rows():
            if getattr(r, self.KEY) == key:
                return r
        known = ", ".join(getattr(r, self.KEY) for r in self._rows())
        raise KeyError(f"unknown {self.WHAT} '{key}' (known: {known})")

    def __contains__(self, key) -> bool:
        return any(getattr(r, self.KEY) == key for r in self._rows())


# ------------------------------------------------------------------ params
@dataclasses.dataclass(frozen=True)
class Parameter:
    """One parameter of a scenario: dotted ``name``, distribution, range in model units, provenance, where the
    number comes from (``source``), ``unit``, the form it is stated in, its estimable equivalent, and the
    reference class it comes from (id, title, kind, rate, adjustment) or None."""

    name: str
    dist: str
    low: float
    high: float
    provenance: str
    source: str
    unit: str
    stated_as: str
    estimable: str | None
    reference: dict | None = None

    def as_json(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "reference"}
        if self.reference is not None:
            out["reference"] = self.reference
        return out

    def __getitem__(self, key):  # a row was a dict before: kept for one release
        return self.as_json()[key]


@dataclasses.dataclass(frozen=True)
class Parameters(NamedRows):
    """A scenario's parameters (``simulator.params``, ``diplosim params``): iterate for each ``Parameter``;
    ``parameters[name]`` (or an index) gives one."""

    scenario: str
    parameters: tuple[Parameter, ...]

    ROWS, KEY, WHAT = "parameters", "name", "parameter"

    def print(self, console) -> None:
        from .api_words import render_params

        render_params(self.as_json(), f"Parameters of {self.scenario}", console)

    def to_pandas(self):
        """One row per parameter; ``reference`` is the reference class's id (empty: none)."""
        import pandas as pd

        cols = [f.name for f in dataclasses.fields(Parameter)]
        rows = [{**p.as_json(), "reference": p.reference["id"] if p.reference else None} for p in self.parameters]
        return pd.DataFrame(rows, columns=cols)


# ------------------------------------------------------------------ summarize
@dataclasses.dataclass(frozen=True)
class Summary(TypedResult):
    """Each question's answer and each milestone's dates of a results directory, pooled over its points and per
    point (``simulator.summarize``, ``diplosim summarize``). ``data`` is the ``--json``; ``step_days`` the
    scenario's step (the words say weeks or days); ``max_points`` the points the words list."""

    data: dict
    step_days: int = 7
    max_points: int = 10

    def as_json(self) -> dict:
        return self.data

    @property
    def scenario(self) -> str:
        return self.data["scenario"]

    @property
    def runs_expected(self) -> int:
        return self.data["runs_expected"]

    @property
    def complete(self) -> bool:
        return self.data["complete"]

    @property
    def parameters(self) -> list[str]:
        """The names varied by the sweep (none for a single Monte Carlo)."""
        return self.data["parameters"]

    @property
    def overall(self) -> dict:
        return self.data["overall"]

    @property
    def per_point(self) -> list[dict]:
        return self.data["per_point"]

    @property
    def answers(self) -> dict:
        """Question id -> its typed answer (``answers.Answer``), pooled over every point."""
        from .answers import Answer

        return {q["id"]: Answer.of_entry(q) for q in self.overall["questions"]}

    def print(self, console) -> None:
        from .api_words import render_sweep_summary

        render_sweep_summary(self.data, console, self.max_points, self.step_days)

    def to_arrow(self):
        """One row per point and question: ``point``, each varied parameter, then the answer's row (id, text,
        kind, runs, words and each kind's typed columns, ``answers.table_columns``)."""
        import pyarrow as pa

        from .answers import Answer, table_columns

        rows = [{"point": pt["point"], **{n: pt["parameters"].get(n) for n in self.parameters},
                 **Answer.of_entry(q).row()} for pt in self.per_point for q in pt["questions"]]
        columns = {"point": pa.int64(), **{n: pa.float64() for n in self.parameters},
                   **{n: getattr(pa, k)() for n, k in table_columns().items()}}
        return pa.table({n: pa.array([r.get(n) for r in rows], type=t) for n, t in columns.items()})

    def to_pandas(self):
        """``to_arrow`` as a pandas DataFrame (strings as ``string``, whole numbers as nullable ``Int64``)."""
        import pandas as pd
        import pyarrow as pa

        mapping = {pa.string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype()}
        return self.to_arrow().to_pandas(types_mapper=mapping.get, date_as_object=False)


# ------------------------------------------------------------------ explain
@dataclasses.dataclass(frozen=True)
class Explanation(TypedResult):
    """Why milestones happened or not (``simulator.explain``, ``diplosim explain``): for each milestone
    (``levels``) who and what held it up and what preceded success; with a question, ``question`` (its window
    and answer) and the milestones its condition names. ``unit``: the scenario's steps ('weeks', 'days')."""

    data: dict
    unit: str = "weeks"

    def as_json(self) -> dict:
        return self.data

    @property
    def levels(self) -> list[dict]:
        return self.data["levels"]

    @property
    def question(self) -> dict | None:
        return self.data.get("question")

    def print(self, console) -> None:
        from .api_words import render_explanation

        render_explanation(self.data, self.unit, console)

    def to_pandas(self):
        """One row per milestone and blocker: milestone, its share held, the blocker's actor and reason, the share
        of runs it affected and the mean steps it blocked."""
        import pandas as pd

        cols = ["milestone", "held_share", "runs", "actor", "reason", "runs_share", "steps_blocked_mean"]
        rows = [{"milestone": lv["name"], "held_share": lv["held_share"], "runs": lv["runs"], "actor": b["actor"],
                 "reason": b["text"], "runs_share": b["runs_share"], "steps_blocked_mean": b["steps_blocked_mean"]}
                for lv in self.levels for b in lv["blocked_by"]]
        return pd.DataFrame(rows, columns=cols)

    def figure(self):
        """The blockers chart (``diplosim explain --html``)."""
        from .charts.analysis import blockers

        return blockers(self.data)


# ------------------------------------------------------------------ backtest
@dataclasses.dataclass(frozen=True)
class Backtest(TypedResult):
    """Forecasts scored against observed outcomes (``simulator.backtest``, ``diplosim backtest``): per scenario
    (``scenarios``), pooled per track (``tracks``) and all together (``pooled``), the variants asked for, and with
    ``outside_view=True`` the four forecasts side by side (``outside_view``)."""

    data: dict

    def as_json(self) -> dict:
        return self.data

    @property
    def runs(self) -> int:
        return self.data["runs"]

    @property
    def seed(self) -> int:
        return self.data["seed"]

    @property
    def scenarios(self) -> list[dict]:
        return self.data["scenarios"]

    @property
    def tracks(self) -> dict:
        return self.data.get("tracks") or {}

    @property
    def pooled(self) -> dict:
        return self.data["pooled"]

    @property
    def variants(self) -> list[dict]:
        return self.data["variants"]

    @property
    def outside_view(self) -> dict | None:
        return self.data.get("outside_view")

    @property
    def without_outcomes(self) -> list[str]:
        return self.data.get("without_outcomes", [])

    def print(self, console) -> None:
        from .api_words import render_backtest_result

        render_backtest_result(self.data, console)

    def to_pandas(self):
        """One row per scored yes/no question: scenario, question id and text, forecast with its 95% interval,
        what happened, Brier and log score, the writer's prior (empty: none)."""
        import pandas as pd

        cols = ["scenario", "id", "text", "forecast", "low", "high", "observed", "brier", "log_score", "prior"]
        rows = [{"scenario": e["scenario"], **{c: q.get(c) for c in cols[1:]}}
                for e in self.scenarios for q in e["yes_no"]]
        return pd.DataFrame(rows, columns=cols)

    def figures(self) -> list:
        """(id, title, figure) of the reliability diagram and PIT histogram (``diplosim backtest --html``)."""
        from .charts.track import backtest_figures

        return backtest_figures(self.data)


# ------------------------------------------------------------------ sensitivity, discover
@dataclasses.dataclass(frozen=True)
class Sensitivity(TypedResult):
    """First-order and total Sobol indices of each question's probability, with 95% intervals
    (``simulator.sensitivity``, ``diplosim sensitivity``)."""

    data: dict

    def as_json(self) -> dict:
        return self.data

    @property
    def questions(self) -> list[dict]:
        return self.data["questions"]

    def print(self, console) -> None:
        from .api_words import render_sensitivity

        render_sensitivity(self.data, console)

    def to_pandas(self):
        """One row per question and parameter: question id, parameter, S1 and ST with their interval half-widths."""
        import pandas as pd

        cols = ["question", "name", "S1", "S1_conf", "ST", "ST_conf"]
        rows = [{"question": q["id"], **{c: r[c] for c in cols[1:]}} for q in self.questions for r in q["indices"]]
        return pd.DataFrame(rows, columns=cols)

    def figure(self, question: str):
        """The tornado chart of one question (``diplosim sensitivity --html``)."""
        from .charts.analysis import tornado

        return tornado(self.data, question)


@dataclasses.dataclass(frozen=True)
class Discovery(TypedResult):
    """Parameter boxes of a sweep in which a question is likely (its yes-share reaches ``threshold``), as rules with
    coverage and density (``simulator.discover``, ``diplosim discover``)."""

    data: dict
    threshold: float = 0.5

    def as_json(self) -> dict:
        return self.data

    @property
    def boxes(self) -> list[dict]:
        return self.data["boxes"]

    def print(self, console) -> None:
        from .api_words import render_discovery

        render_discovery(self.data, self.threshold, console)

    def to_pandas(self):
        """One row per box: its rule, coverage, density, points and mean probability."""
        import pandas as pd

        cols = ["rule", "coverage", "density", "points", "mean_probability"]
        return pd.DataFrame([{c: b[c] for c in cols} for b in self.boxes], columns=cols)


# ------------------------------------------------------------------ check-model
@dataclasses.dataclass(frozen=True)
class ModelChecks(TypedResult):
    """The model checks on a scenario (``simulator.check_model``, ``diplosim check-model``): one
    ``testing.properties.PropertyResult`` per property (iterate, or index); ``passed``: none fails."""

    scenario: str
    runs: int
    seed: int
    results: tuple

    def as_json(self) -> dict:
        return {"scenario": self.scenario, "runs": self.runs, "seed": self.seed,
                "results": [r.to_dict() for r in self.results]}

    def to_json(self) -> str:
        return json.dumps(self.as_json(), indent=2, default=str)

    @property
    def passed(self) -> bool:
        return not any(r.passed is False for r in self.results)

    def verdict(self) -> str:
        """The last line (the command prints it on standard error): how many properties hold, or fail."""
        n_bad = sum(r.passed is False for r in self.results)
        return (f"{len(self.results) - n_bad} of {len(self.results)} properties hold" if n_bad == 0 else
                f"{n_bad} of {len(self.results)} properties fail")

    def lines(self) -> list[str]:
        """One line per property: its status, title and sentence (what the command prints on standard output)."""
        return [f"{r.status:4}  {r.title}: {r.sentence}" for r in self.results]

    def print(self, console) -> None:
        for line in self.lines():
            console.print(line, markup=False, highlight=False, soft_wrap=True)

    def words(self, width: int = 140) -> str:
        return "".join(line + "\n" for line in self.lines())

    def __iter__(self):
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def __getitem__(self, key):
        return self.results[key] if isinstance(key, int) else self.as_json()[key]

    def to_pandas(self):
        """One row per property: property, title, status, sentence."""
        import pandas as pd

        cols = ["property", "title", "status", "sentence"]
        return pd.DataFrame([{c: d.get(c) for c in cols} for d in (r.to_dict() for r in self.results)], columns=cols)


# ------------------------------------------------------------------ the priors gap, the adjustments, the fragile screen
@dataclasses.dataclass(frozen=True)
class PriorsGap(TypedResult):
    """Where the forecast and its writer's priors part (``simulator.explain_gap``, ``analysis.gap``; ``diplosim run``
    prints it and its ``--json`` holds it as ``priors_gap``): each yes/no question with a prior (``questions``), those
    differing from it by more than ``threshold`` explained (``parted``: the paths and numbers that make the
    difference, ``sentences`` in words). ``unit``: the scenario's steps ('weeks', 'days')."""

    data: dict

    def as_json(self) -> dict:
        return self.data

    @property
    def threshold(self) -> float:
        return self.data["threshold"]

    @property
    def unit(self) -> str:
        return self.data["unit"]

    @property
    def questions(self) -> list[dict]:
        return self.data["questions"]

    @property
    def parted(self) -> list[dict]:
        """The questions whose forecast and prior differ by more than ``threshold`` (explained)."""
        return [q for q in self.questions if q["explained"]]

    def print(self, console) -> None:
        from .api_words import render_gap

        render_gap(self.data, console)

    def to_pandas(self):
        """One row per question with a prior: id, text, forecast, prior, gap (forecast - prior), explained."""
        import pandas as pd

        cols = ["id", "text", "forecast", "prior", "gap", "explained"]
        return pd.DataFrame([{c: q[c] for c in cols} for q in self.questions], columns=cols)


@dataclasses.dataclass(frozen=True)
class Adjustment:
    """One of the author's adjustments of a class curve (``adjust:``): the milestone and what it adjusts, its
    ``value`` and ``reason``, the ``parameter`` set to ``neutral`` to leave it out, its ``label`` in words, the
    paired ``runs`` and ``seed``, and per question (``questions``) the share without and with it, ``moves`` (with
    minus without) with its 95% interval (``low``, ``high``) and the runs it changed."""

    milestone: str
    what: str
    value: float
    reason: str
    parameter: str
    neutral: float
    label: str
    runs: int
    seed: int
    questions: tuple[dict, ...]

    def as_json(self) -> dict:
        return {**{f.name: getattr(self, f.name) for f in dataclasses.fields(self)}, "questions": list(self.questions)}

    def __getitem__(self, key):  # an adjustment was a dict before: kept for one release
        return self.as_json()[key]


@dataclasses.dataclass(frozen=True)
class Adjustments(NamedRows):
    """The author's adjustments of class curves, each with how far it moves each question (``simulator
    .adjustment_effects``; ``diplosim run`` prints them and its ``--json`` holds them as ``adjustments``): iterate
    for each ``Adjustment`` (none: empty, false); ``adjustments[parameter]`` (``talks.adjust.odds``) or an index
    gives one."""

    adjustments: tuple[Adjustment, ...]

    ROWS, KEY, WHAT = "adjustments", "parameter", "adjustment"

    @classmethod
    def of(cls, effects) -> Adjustments:
        """From the plain list (``outside_view.forecast.adjustment_effects``, a summary's ``adjustments``)."""
        return cls(tuple(Adjustment(**{**e, "questions": tuple(e["questions"])}) for e in effects or ()))

    def print(self, console) -> None:
        from .api_words import render_adjustments

        render_adjustments(self.as_json(), console)

    def rows(self) -> list[list[str]]:
        """The table ``diplosim run``, the report and the dashboard show, in words (its columns:
        ``outside_view.forecast.ADJUSTMENT_HEAD``): adjustment (on its first question's row only), question, without
        it, with it, moves it by (95%)."""
        from .outside_view.forecast import adjustment_rows

        return adjustment_rows(self.as_json())

    def to_pandas(self):
        """One row per adjustment and question: parameter, label, value, neutral, question id and text, without,
        with, moves, low, high, runs changed."""
        import pandas as pd

        cols = ["parameter", "label", "value", "neutral", "id", "text", "without", "with", "moves", "low", "high",
                "runs_changed"]
        rows = [{"parameter": a.parameter, "label": a.label, "value": a.value, "neutral": a.neutral,
                 **{c: q[c] for c in cols[4:]}} for a in self.adjustments for q in a.questions]
        return pd.DataFrame(rows, columns=cols)


@dataclasses.dataclass(frozen=True)
class FragileScreen(TypedResult):
    """The fragile-forecast screen (``simulator.fragile_screen``, ``analysis.fragile``; ``diplosim run`` prints it
    under its questions and its ``--json`` holds it as ``fragile``): each number and switch moved on its own on the
    same paired runs; per question (``questions``) the moves beyond ``threshold`` for sure (``flags``) or not for
    sure (``borderline``); what was not screened and why. ``skipped``: why the screen did not run (None: it ran)."""

    data: dict

    def as_json(self) -> dict:
        return self.data

    @property
    def skipped(self) -> str | None:
        return self.data.get("skipped")

    @property
    def threshold(self) -> float:
        return self.data["threshold"]

    @property
    def replications(self) -> int:
        return self.data["replications"]

    @property
    def screened(self) -> int:
        """How many numbers and switches were moved."""
        return self.data["screened"]

    @property
    def questions(self) -> list[dict]:
        return self.data.get("questions", [])

    @property
    def fragile(self) -> list[str]:
        """The ids of the questions flagged fragile."""
        return [q["id"] for q in self.questions if q["flags"]]

    def print(self, console) -> None:
        from .api_words import render_fragile

        render_fragile(self.data, console)

    def to_pandas(self):
        """One row per question and move beyond the threshold: question id and text, status ('fragile' or
        'borderline'), the parameter's name, label and provenance, the move, the change of the probability
        (``delta``) with its 95% interval."""
        import pandas as pd

        cols = ["id", "text", "status", "name", "label", "provenance", "move", "change", "delta", "low", "high"]
        rows = [{"id": q["id"], "text": q["text"], "status": status, **{c: f.get(c) for c in cols[3:]}}
                for q in self.questions for status, key in (("fragile", "flags"), ("borderline", "borderline"))
                for f in q[key]]
        return pd.DataFrame(rows, columns=cols)


# ------------------------------------------------------------------ validate
@dataclasses.dataclass(frozen=True)
class Validation(TypedResult):
    """One file checked as ``diplosim validate`` checks it (``simulator.validate``; a file with problems raises
    ``ScenarioError`` instead): its ``path``, what ``kind`` of file it is ('scenario', 'observed outcomes',
    'reference class', 'milestone classes') and ``summary``, the 'ok' line the command prints for it."""

    path: str
    kind: str
    summary: str

    def as_json(self) -> dict:
        """The check as data (the command has no ``--json``): path, kind, ok (always true: a bad file raises)
        and the summary line."""
        return {"path": self.path, "kind": self.kind, "ok": True, "summary": self.summary}

    def print(self, console) -> None:
        console.print(self.summary, markup=False, highlight=False, soft_wrap=True)

    def words(self, width: int = 140) -> str:
        return self.summary + "\n"

    def to_pandas(self):
        """One row: path, kind, ok, summary."""
        import pandas as pd

        return pd.DataFrame([self.as_json()], columns=["path", "kind", "ok", "summary"])
