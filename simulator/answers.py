"""Typed answers of a forecast: one small class per kind of answer, each rendering itself.

A question class says which kind of answer it gives (``QuestionBase.answer_kind``: probability, date or count);
the answer is built from what the question already produces: its entry of the run summary
(``QuestionBase.summarise``, the numbers ``diplosim run --json`` prints), its words (``answer_words``) and its entry
of a frozen forecast (``forecast_entry``: quantiles, shares by dates of interest, the whole distribution). Each
answer renders itself as words (the console), a row (a table: ``Forecast.to_pandas``) and a plotly figure
(a chart), so no renderer asks which kind it holds. A new kind of answer is one subclass here, registered by its
``kind``.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

#: columns every answer's row has (name -> Arrow type name)
BASE_COLUMNS = {"id": "string", "text": "string", "kind": "string", "runs": "int64", "words": "string"}
ANSWERS: dict[str, type[Answer]] = {}


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


class Answer:
    """One question's answer. ``entry``: its entry of the run summary; ``frozen``: its frozen-forecast entry."""

    kind: ClassVar[str]  # the ``answer_kind`` of the questions it answers
    columns: ClassVar[dict[str, str]]  # its own columns of a table row (name -> Arrow type name)

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        ANSWERS[cls.kind] = cls

    def __init__(self, question, entry: dict, frozen: dict, compiled):
        self.question, self.entry, self.frozen, self._compiled = question, entry, frozen, compiled
        self.id, self.text = question.id, question.text
        self.runs = int(frozen["runs"])

    @staticmethod
    def of(question, entry: dict, frozen: dict, compiled) -> Answer:
        """The answer of ``question``'s kind."""
        return ANSWERS[question.answer_kind](question, entry, frozen, compiled)

    # ---- the three renderings
    def words(self) -> str:
        """The answer in words, as the console prints it (the question class's ``answer_words``)."""
        return self.question.answer_words(self.entry)

    def row(self) -> dict:
        """One row of a table: the columns every answer has, then this kind's own (``columns``)."""
        return {"id": self.id, "text": self.text, "kind": self.question.kind_label, "runs": self.runs,
                "words": self.words(), **self._own_row()}

    def figure(self):
        """A plotly figure of the answer."""
        raise NotImplementedError

    def _own_row(self) -> dict:
        raise NotImplementedError

    def _layout(self, fig, **kw):
        from .charts.frames import wrap

        fig.update_layout(title=wrap(self.text, 80), template="plotly_white", height=360, **kw)
        return fig

    def _color(self) -> str:
        from .charts.palette import question_color

        return question_color(self.question, self._compiled)

    def __str__(self) -> str:
        return f"{self.text}: {self.words()}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id!r}: {self.words()}>"


class Probability(Answer):
    """A yes/no question: the share of runs in which it comes true, with its 95% Wilson interval."""

    kind = "probability"
    columns = {"p": "float64", "low": "float64", "high": "float64"}

    def __init__(self, question, entry, frozen, compiled):
        super().__init__(question, entry, frozen, compiled)
        self.p, self.low, self.high = entry["p"], entry["low"], entry["high"]
        self.yes = entry["yes"]

    def _own_row(self):
        return {"p": self.p, "low": self.low, "high": self.high}

    def figure(self):
        from .charts.questions import question_summary

        return question_summary({"runs": self.runs, "questions": [{**self.entry, "id": self.id, "text": self.text,
                                                                   "kind": self.question.kind_label}]},
                                self._compiled)


class DateDistribution(Answer):
    """A date question: the share of runs in which it happens by the calendar end (95% Wilson interval), the
    quantiles of its first date (None: not by the end), the share by each date of interest, and the whole
    distribution by date."""

    kind = "date"
    columns = {"p": "float64", "low": "float64", "high": "float64", "date_p10": "date32", "date_median": "date32",
               "date_p90": "date32"}

    def __init__(self, question, entry, frozen, compiled):
        super().__init__(question, entry, frozen, compiled)
        self.p, self.low, self.high = entry["p"], entry["low"], entry["high"]  # by the end
        self.p10, self.median, self.p90 = (_date(entry[k]) for k in ("p10", "median", "p90"))
        self.quantiles = {k: _date(v) for k, v in frozen["quantiles"].items()}
        self.by_date = [{**d, "date": _date(d["date"])} for d in frozen["by_date"]]
        self.distribution = {_date(d): n for d, n in frozen["distribution"].items()}

    def _own_row(self):
        return {"p": self.p, "low": self.low, "high": self.high, "date_p10": self.p10, "date_median": self.median,
                "date_p90": self.p90}

    def figure(self):
        """The share of runs in which it has happened, date by date (a step line), with the dates of interest."""
        import numpy as np
        import plotly.graph_objects as go

        days = list(self.distribution)
        share = np.cumsum(list(self.distribution.values())) / self.runs if days else []
        fig = go.Figure(go.Scatter(x=days, y=share, mode="lines", line=dict(shape="hv", color=self._color(), width=3),
                                   name="happened by then", hovertemplate="%{x}: %{y:.1%}<extra></extra>"))
        if self.by_date:
            fig.add_trace(go.Scatter(
                x=[d["date"] for d in self.by_date], y=[d["share"] for d in self.by_date], mode="markers",
                name="dates of interest", marker=dict(color="#333", size=8),
                error_y=dict(type="data", symmetric=False, array=[d["high"] - d["share"] for d in self.by_date],
                             arrayminus=[d["share"] - d["low"] for d in self.by_date]),
                customdata=[d["what"] for d in self.by_date],
                hovertemplate="%{customdata}, %{x}: %{y:.1%}<extra></extra>"))
        return self._layout(fig, xaxis=dict(title="date"),
                            yaxis=dict(title=f"share of {self.runs:,} runs", tickformat=".0%", range=[0, 1.02]))


class CountDistribution(Answer):
    """A count question: the mean number of times, the quantiles, the whole distribution, and the share of runs
    in which it happens at least once (95% Wilson interval)."""

    kind = "count"
    columns = {"p": "float64", "low": "float64", "high": "float64", "mean": "float64", "count_p10": "int64",
               "count_median": "int64", "count_p90": "int64"}

    def __init__(self, question, entry, frozen, compiled):
        from .summary import proportion

        super().__init__(question, entry, frozen, compiled)
        self.mean, self.p10, self.median, self.p90 = (entry[k] for k in ("mean", "p10", "median", "p90"))
        self.quantiles = dict(frozen["quantiles"])
        self.distribution = {int(k): int(v) for k, v in frozen["distribution"].items()}
        once = proportion(self.runs - self.distribution.get(0, 0), self.runs)  # happens at least once
        self.p, self.low, self.high = once["p"], once["low"], once["high"]

    def _own_row(self):
        return {"p": self.p, "low": self.low, "high": self.high, "mean": self.mean, "count_p10": self.p10,
                "count_median": self.median, "count_p90": self.p90}

    def figure(self):
        """The share of runs by number of times (bars)."""
        import plotly.graph_objects as go

        times = list(self.distribution)
        fig = go.Figure(go.Bar(x=times, y=[self.distribution[t] / self.runs for t in times], marker_color=self._color(),
                               hovertemplate="%{x} times: %{y:.1%} of runs<extra></extra>"))
        return self._layout(fig, xaxis=dict(title="times", dtick=1),
                            yaxis=dict(title=f"share of {self.runs:,} runs", tickformat=".0%"))


def table_columns() -> dict[str, str]:
    """Every answer row's columns: the common ones, then each kind's own (a column two kinds share keeps its
    place and type)."""
    out = dict(BASE_COLUMNS)
    for cls in ANSWERS.values():
        for name, kind in cls.columns.items():
            out.setdefault(name, kind)
    return out
