"""Typed answers of a forecast: one small class per kind of answer, each rendering itself.

A question class says which kind of answer it gives (``QuestionBase.answer_kind``: probability, date or count);
the answer is built from what the question already produces: its entry of the run summary
(``QuestionBase.summarise``, the numbers ``diplosim run --json`` prints), its words (``answer_words``) and its entry
of a frozen forecast (``forecast_entry``: quantiles, shares by dates of interest, the whole distribution). Each
answer renders itself as words (the console), a row (a table: ``Forecast.to_pandas``) and a plotly figure
(a chart), so no renderer asks which kind it holds. A new kind of answer is one subclass here, registered by its
``kind``.

An answer is also made from a summary entry alone (``Answer.of_entry``: a results directory's summary, a sweep
point's, the dashboard's): the entry's ``kind`` (the question class's ``kind_label``) picks its class. From an
entry it renders the cells of the console's question table (``cells``), the report's 'date or count' column
(``when_words``), its probability for the questions chart (``as_probability``, ``hover``, ``symbol``,
``legend``), a sweep point's cell (``point_cell``), a sweep chart's cell, bin and axis (``sweep_cell``,
``sweep_bin``, ``sweep_scale``: a date question's median date on a date axis, never its chance by the end; the
questions chart draws with them too), the dashboard's level (``level_words``) and card
(``card``); a paired difference of two variants (a row of ``analysis.compare.paired_differences``) is rendered
by its class (``Answer.class_of(row).paired_cells(row)``, ``difference_words``, ``in_probability``).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

#: columns every answer's row has (name -> Arrow type name)
BASE_COLUMNS = {"id": "string", "text": "string", "kind": "string", "runs": "int64", "words": "string"}
ANSWERS: dict[str, type[Answer]] = {}


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _ms(d: dt.date) -> int:
    """A date as plotly reads a number on a date axis: milliseconds since 1970."""
    return (d - dt.date(1970, 1, 1)).days * 86_400_000


# ---- words shared by the renderings
def pct(x) -> str:
    """A probability in percent with one decimal ('-' for none): a level, never a change."""
    return "-" if x is None else f"{100 * x:.1f}%"


def interval(entry) -> str:
    """'[59.3%, 67.7%]' from an entry's low and high ('-' for none)."""
    return "-" if entry.get("low") is None else f"[{pct(entry['low'])}, {pct(entry['high'])}]"


def whole_pct(x: float) -> str:
    """A headline probability: whole percent, one decimal where rounding would say 0% or 100% wrongly."""
    v = 100 * x
    text = f"{v:.0f}%"
    if text in ("0%", "100%") and 0 < x < 1:
        text = f"{v:.1f}%"
    return text


def pts(diff: float, low: float, high: float) -> str:
    """A paired change in percentage points with its interval: '+17 pts [+13, +20]' (one decimal below 10)."""
    from .lang.words import points

    return points(diff, low, high, 0 if max(abs(diff), abs(low), abs(high)) >= 0.095 else 1)


from .lang.words import day_words  # noqa: E402  (a summary's date in words: '3 May 2023')


def date_range(entry: dict) -> tuple[str, str]:
    """(the median date, '10–90%: <date> to <date>') of a date entry, in words."""
    fmt = day_words
    if entry.get("p10") is None:  # fewer than one run in ten by the end: there is no range to give
        spread = "in fewer than 1 run in 10 by the end of the calendar"
    else:
        spread = f"10–90%: {fmt(entry.get('p10'))} to {fmt(entry.get('p90'))}"
    return fmt(entry.get("median")), spread


def _question_class(entry: dict):
    """The question class whose summary entry this is (by the entry's ``kind``: the class's ``kind_label``);
    KeyError for a kind no question class gives."""
    from .lang.questions import KINDS

    return {q.kind_label: q for q in KINDS.values()}[entry["kind"]]


class Answer:
    """One question's answer. ``entry``: its entry of the run summary; ``frozen``: its frozen-forecast entry."""

    kind: ClassVar[str]  # the ``answer_kind`` of the questions it answers
    columns: ClassVar[dict[str, str]]  # its own columns of a table row (name -> Arrow type name)

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        ANSWERS[cls.kind] = cls

    symbol: ClassVar[str]  # its mark on the questions chart (a plotly marker symbol)
    legend: ClassVar[str]  # that mark's legend
    in_probability: ClassVar[bool] = True  # its paired difference is a difference of probabilities

    def __init__(self, question, entry: dict, frozen: dict | None = None, compiled=None):
        """``question``: the question object; ``entry``: its summary entry; ``frozen``: its frozen-forecast entry
        (None: made from the summary entry alone, ``of_entry``); ``compiled``: the scenario (for a figure)."""
        self.question, self.entry, self.frozen, self._compiled = question, entry, frozen, compiled
        self.id, self.text = question.id, question.text
        self.runs = int(frozen["runs"]) if frozen is not None else entry.get("n")

    @staticmethod
    def of(question, entry: dict, frozen: dict, compiled) -> Answer:
        """The answer of ``question``'s kind."""
        return ANSWERS[question.answer_kind](question, entry, frozen, compiled)

    @staticmethod
    def class_of(entry: dict) -> type[Answer]:
        """The answer class of a summary entry, or of a paired-difference row (by its ``kind``, the question
        class's ``kind_label``)."""
        return ANSWERS[_question_class(entry).answer_kind]

    @staticmethod
    def of_entry(entry: dict) -> Answer:
        """The answer from a summary entry alone (no frozen forecast; the question is its class's, with the entry's
        id and text)."""
        question = _question_class(entry).model_construct(id=entry.get("id"), text=entry.get("text"))
        return ANSWERS[question.answer_kind](question, entry)

    # ---- renderings from the summary entry
    def cells(self) -> tuple[str, str, str]:
        """The console's question table: (probability, 95% Wilson, 'date 10% / 50% / 90%') cells."""
        raise NotImplementedError

    def when_words(self) -> str:
        """The report's 'date or count' cell."""
        raise NotImplementedError

    def as_probability(self) -> dict:
        """The entry with a probability (p/low/high/yes/n), as the questions chart plots it."""
        return self.entry

    def hover(self) -> str:
        """What the questions chart's hover adds to the probability (HTML)."""
        return ""

    def point_cell(self) -> tuple[dict, str | None] | None:
        """A sweep point's row: (entry with p/low/high, its median date or '') or None if it has no
        probability to show there."""
        raise NotImplementedError

    def number(self) -> float | None:
        """The one number a table of answers gives: the probability (a date: by the end; a count: its mean)."""
        return self.entry.get("p")

    def level_words(self) -> str:
        """The dashboard's level: '63.6% [59.3%, 67.7%]'."""
        return f"{pct(self.entry['p'])} [{pct(self.entry['low'])}, {pct(self.entry['high'])}]"

    def card(self, base: Answer | None, row: dict | None, base_name: str, alt_name: str) -> dict:
        """The dashboard's headline card of this answer (a variant), beside ``base`` (the baseline's answer) and
        the paired ``row`` when there are two variants: {'big': text, 'label': text, 'small': [(text, css
        class or None) or None for a line break]}."""
        raise NotImplementedError

    # ---- a sweep's cells (a point, a setting of a grid, a bin of sampled points: ``charts.sweeps``)
    scale: ClassVar[str] = "probability"  # what its sweep cells are drawn on: cells of one scale share an axis

    @classmethod
    def sweep_scale(cls, compiled) -> dict:
        """The axis (or colour bar) its sweep cells are drawn on: plotly axis settings (title, tickformat or
        tickvals/ticktext, range, type)."""
        return {"title": "Probability", "tickformat": ".0%", "range": [0, 1], "type": "linear",
                "what": "do the probabilities", "bins": "Mean probability of the sampled points in each bin",
                "bin": "mean of the points in each bin"}

    def sweep_cell(self, compiled) -> dict:
        """This answer as a sweep's cell: {'z': the value drawn (a colour, a height), 'low'/'high': its interval
        on the same scale, 'text': the few characters written in a heatmap cell, 'hover': its lines}."""
        e = self.as_probability()
        if e["p"] is None:  # no runs: nothing to draw
            return {"z": None, "low": None, "high": None, "text": "", "hover": ["no runs"]}
        return {"z": e["p"], "low": e["low"], "high": e["high"], "text": f"{e['p']:.0%}",
                "hover": [f"{pct(e['p'])} {interval(e)} over {e['n']:,} runs"]}

    @classmethod
    def sweep_bin(cls, points: list[Answer], pooled: Answer, compiled) -> dict:
        """A bin of a random sample's points as a cell (``points``: each point's answer; ``pooled``: the answer
        over all their runs): the mean of the points' probabilities with its 95% interval across points (the
        points differ in the other sampled parameters, so the spread between them counts)."""
        from .charts.sweeps import bin_mean

        p = [a.as_probability()["p"] for a in points]
        mean, low, high = bin_mean(p)
        many = len(points) > 1
        spread = f"95% interval across points [{low:.1%}, {high:.1%}]" if many else "one point: no interval"
        return {"z": mean, "low": low if many else None, "high": high if many else None, "text": f"{mean:.0%}",
                "hover": [f"mean {mean:.1%} of {len(points)} point{'s' * many} ({pooled.entry['n']:,} runs); "
                          f"{spread}"]}

    # ---- a paired difference of two variants (a row of ``analysis.compare.paired_differences``)
    @classmethod
    def paired_cells(cls, row: dict) -> list[str]:
        """The compare table's A, B, B - A and 95% interval cells."""
        from .lang.words import signed  # changes never read '-0.0'

        return [pct(row["a"]), pct(row["b"]), f"{signed(100 * row['diff'])} pts",
                f"[{signed(100 * row['low'])}, {signed(100 * row['high'])}]"]

    @classmethod
    def difference_words(cls, row: dict) -> str:
        """The paired difference with its interval, in percentage points."""
        from .lang.words import points

        return points(row["diff"], row["low"], row["high"])

    @classmethod
    def paired_extra(cls, column_a, column_b) -> dict:
        """What a paired difference of this kind adds to its row, from both variants' record columns (the same
        replications in the same order): nothing, unless the kind has more to say (a date: its median's shift)."""
        return {}

    @staticmethod
    def _tone(row: dict) -> str:
        return "up" if row["low"] > 0 else "down" if row["high"] < 0 else "flat"

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
    symbol, legend = "circle", "yes/no question"

    def __init__(self, question, entry, frozen=None, compiled=None):
        super().__init__(question, entry, frozen, compiled)
        self.p, self.low, self.high = entry["p"], entry["low"], entry["high"]
        self.yes = entry["yes"]

    def _own_row(self):
        return {"p": self.p, "low": self.low, "high": self.high}

    def cells(self):
        return pct(self.p), interval(self.entry), ""

    def when_words(self):
        return ""

    def point_cell(self):
        return self.entry, ""

    def card(self, base, row, base_name, alt_name):
        if row is None:
            return {"big": whole_pct(self.p), "label": base_name,
                    "small": [(f"95% interval {whole_pct(self.low)} to {whole_pct(self.high)}", "base")]}
        return {"big": whole_pct(self.p), "label": alt_name,
                "small": [(f"({base_name} {whole_pct(base.p)}) ", "base"),
                          (pts(row["diff"], row["low"], row["high"]), f"change {self._tone(row)}")]}

    def figure(self):
        return question_chart({"runs": self.runs, "questions": [{**self.entry, "id": self.id, "text": self.text,
                                                                 "kind": self.question.kind_label}]},
                              self._compiled)


class DateDistribution(Answer):
    """A date question: the share of runs in which it happens by the calendar end (95% Wilson interval), the
    quantiles of its first date (None: not by the end), the share by each date of interest, and the whole
    distribution by date."""

    kind = "date"
    columns = {"p": "float64", "low": "float64", "high": "float64", "date_p10": "date32", "date_median": "date32",
               "date_p90": "date32"}
    symbol, legend = "diamond", "date question: median date, 10–90% of runs"

    def __init__(self, question, entry, frozen=None, compiled=None):
        super().__init__(question, entry, frozen, compiled)
        self.p, self.low, self.high = entry["p"], entry["low"], entry["high"]  # by the end
        self.p10, self.median, self.p90 = (_date(entry.get(k)) for k in ("p10", "median", "p90"))
        frozen = frozen or {"quantiles": {}, "by_date": [], "distribution": {}}
        self.quantiles = {k: _date(v) for k, v in frozen["quantiles"].items()}
        self.by_date = [{**d, "date": _date(d["date"])} for d in frozen["by_date"]]
        self.distribution = {_date(d): n for d, n in frozen["distribution"].items()}

    def _own_row(self):
        return {"p": self.p, "low": self.low, "high": self.high, "date_p10": self.p10, "date_median": self.median,
                "date_p90": self.p90}

    def cells(self):
        e = self.entry
        dates = " / ".join(day_words(d, "not by end") for d in (e["p10"], e["median"], e["p90"]))
        return f"{pct(self.p)} by end", interval(e), dates

    def when_words(self):
        return f"median {day_words(self.entry['median'], 'not by end')}"

    def hover(self):
        return ""  # its cell (``sweep_cell``) gives the median date, the range and the share within the calendar

    def point_cell(self):
        return self.entry, self.entry["median"]

    def level_words(self):
        """A date, as dates: 'median 3 May 2023 (10–90%: 15 Mar 2023 to after the calendar ends); by the end
        84.0% [80.6%, 87.1%]'."""
        median, spread = date_range(self.entry)
        return f"median {median} ({spread}); by the end {super().level_words()}"

    scale = "date"

    @classmethod
    def sweep_scale(cls, compiled):
        """A date axis over the calendar (a colour bar: dates at five evenly spaced ticks)."""
        from .lang.words import day

        start, end = compiled.scenario.calendar.start, compiled.scenario.calendar.end
        ticks = [start + dt.timedelta(days=round(i * (end - start).days / 4)) for i in range(5)]
        return {"title": "Median date", "range": [_ms(start), _ms(end)], "type": "date",
                "tickvals": [_ms(d) for d in ticks], "ticktext": [day(d) for d in ticks],
                "what": "does the median date", "bins": "Median date of the runs of the sampled points in each bin",
                "bin": "median of the runs of the points in each bin"}

    def sweep_cell(self, compiled):
        """The median date (a colour, a height: ms since 1970; one after the calendar's end at its end), the
        10–90% range as its interval, and in the hover the share of runs in which it happens within the calendar."""
        e, end = self.entry, compiled.scenario.calendar.end
        median, spread = date_range(e)
        at = lambda k: _ms(_date(e.get(k)) or end)  # noqa: E731  (not within the calendar: its end)
        return {"z": at("median"), "low": at("p10"), "high": at("p90"),
                "text": "after the end" if e.get("median") is None else median,
                "hover": [f"median {median} ({spread})",
                          f"within the calendar in {pct(self.p)} {interval(e)} of {e['n']:,} runs"]}

    @classmethod
    def sweep_bin(cls, points, pooled, compiled):
        """The median date of all the bin's points' runs together, with its 10–90% range and the share within the
        calendar."""
        cell = pooled.sweep_cell(compiled)
        whose = f"the {len(points)} points' runs together" if len(points) > 1 else "one point"
        return {**cell, "hover": [f"{whose}: {cell['hover'][0]}", *cell["hover"][1:]]}

    @classmethod
    def paired_extra(cls, column_a, column_b):
        """The shift of the median date in days with its 95% interval (``stats.median_shift_days``)."""
        import numpy as np

        from . import layout as L
        from .stats import median_shift_days

        def days(column):
            values, null = L.to_numpy(column)
            out = values.astype(float)
            if null is not None:
                out[null] = np.inf  # not by the calendar's end: later than any date in it
            return out

        return median_shift_days(days(column_a), days(column_b))

    @classmethod
    def paired_cells(cls, row):
        """The compare table's cells: each variant's median date and its share by the end; the median's shift in
        days and the share's change in points; their 95% intervals ('[5 to 19 days later]; [+1.0, +5.0] pts')."""
        a, b, diff, spread = super().paired_cells(row)
        shift, shift_spread = cls._shift_parts(row)
        return [f"median {day_words(row.get('a_median'))}; by the end {a}",
                f"median {day_words(row.get('b_median'))}; by the end {b}",
                f"{shift}; by the end {diff}", f"{shift_spread}; {spread} pts"]

    @staticmethod
    def shift_words(row: dict) -> str:
        """The median's shift with its 95% interval, in days: 'median 12 days later [5 to 19 days later]',
        'median unchanged [3 days earlier to 4 days later]', '... to after the calendar ends]' (a paired row of
        ``analysis.compare.paired_differences``)."""
        shift, spread = DateDistribution._shift_parts(row)
        return f"{shift} {spread}"  # in brackets, as every paired 95% interval on the page

    @staticmethod
    def _shift_parts(row: dict) -> tuple[str, str]:
        """('median 12 days later', '[5 to 19 days later]'): the shift and its 95% interval (``shift_words``)."""
        shift, low, high = row.get("shift_days"), row.get("shift_low"), row.get("shift_high")
        if shift is None:
            return "median after the calendar ends in one of the two", "[no interval]"

        def said(x, far="", unit=True):
            if x is None:
                return far
            n = round(abs(x))
            days = f" day{'s' * (n != 1)}" if unit else ""
            return "unchanged" if n == 0 else f"{n}{days} {'later' if x > 0 else 'earlier'}"

        if low is not None and high is not None and round(low) == round(high):
            spread = said(low)  # a point: 'unchanged', '7 days later'
        elif low is not None and high is not None and (low > 0) == (high > 0) and round(low) and round(high):
            near, far = sorted((low, high), key=abs)  # both on one side: '5 to 19 days later', '1 to 14 days earlier'
            spread = said(far) if round(abs(near)) == round(abs(far)) else f"{round(abs(near))} to {said(far)}"
        else:
            spread = f"{said(low, 'before the calendar starts')} to {said(high, 'after the calendar ends')}"
        return f"median {said(shift)}", f"[{spread}]"

    @classmethod
    def difference_words(cls, row):
        """The median's shift in days with its interval, then the change in the share by the end in points."""
        return f"{cls.shift_words(row)}; by the end {super().difference_words(row)}"

    def card(self, base, row, base_name, alt_name):
        median, spread = date_range(self.entry)
        if row is None:
            small = [(spread, "spread"), None, (f"happens by the end: {whole_pct(self.p)}", None)]
        else:
            base_median, _ = date_range(base.entry)
            shift = [(self.shift_words(row), "change flat")] if "shift_days" in row else []
            small = [(f"({base_name} {base_median}) ", "base"), *shift, None, (spread, "spread"), None,
                     (f"happens by the end: {whole_pct(self.p)} ({base_name} {whole_pct(base.p)}) ", None),
                     (pts(row["diff"], row["low"], row["high"]), f"change {self._tone(row)}")]
        return {"big": median, "label": "median date", "small": small}

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
    symbol, legend = "square", "count question: happens at least once (by its date)"
    in_probability = False  # its paired difference is in times

    def __init__(self, question, entry, frozen=None, compiled=None):
        from .summary import proportion

        super().__init__(question, entry, frozen, compiled)
        self.mean, self.p10, self.median, self.p90 = (entry.get(k) for k in ("mean", "p10", "median", "p90"))
        self.quantiles = dict(frozen["quantiles"]) if frozen is not None else {}
        dist = frozen["distribution"] if frozen is not None else entry.get("distribution") or {}
        self.distribution = {int(k): int(v) for k, v in dist.items()}
        n = self.runs if frozen is not None else sum(self.distribution.values())
        once = proportion(n - self.distribution.get(0, 0), n)  # happens at least once
        self.p, self.low, self.high = once["p"], once["low"], once["high"]
        self._once = once

    def _own_row(self):
        return {"p": self.p, "low": self.low, "high": self.high, "mean": self.mean, "count_p10": self.p10,
                "count_median": self.median, "count_p90": self.p90}

    def cells(self):
        return (f"mean {self.mean:.2f}" if self.mean is not None else "-", "",
                f"{self.p10} / {self.median} / {self.p90} times")

    def when_words(self):
        return "-" if self.mean is None else f"mean {self.mean:.2f} times, median {self.median}"

    def as_probability(self):
        return {**self.entry, **self._once}

    def hover(self):
        return "" if self.mean is None else f"<br>mean {self.mean:.2f} times, median {self.median}"

    def point_cell(self):
        return None  # a number of times has no probability to show beside the others

    def number(self):
        return self.mean

    def level_words(self):
        return "-" if self.mean is None else f"mean {self.mean:.2f} (median {self.median})"

    def card(self, base, row, base_name, alt_name):
        big = "-" if self.mean is None else f"{self.mean:.2f}"
        spread = (f"10–90%: {self.p10} to {self.p90} times", "spread")
        if row is None:
            return {"big": big, "label": f"times on average ({base_name})", "small": [spread]}
        base_mean = "-" if base.mean is None else f"{base.mean:.2f}"
        return {"big": big, "label": f"times on average ({alt_name})",
                "small": [(f"({base_name} {base_mean}) ", "base"), (self.difference_words(row), f"change {self._tone(row)}"),
                          None, spread]}

    @classmethod
    def paired_cells(cls, row):
        from .lang.words import signed

        return [f"{row['a']:.2f}", f"{row['b']:.2f}", f"{signed(row['diff'], 2)} times",
                f"[{signed(row['low'], 2)}, {signed(row['high'], 2)}]"]

    @classmethod
    def difference_words(cls, row):
        from .lang.words import signed

        return f"{signed(row['diff'], 2)} [{signed(row['low'], 2)}, {signed(row['high'], 2)}] times"

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


def as_probability(entry: dict) -> dict:
    """Any question's summary entry with a probability (p/low/high/yes/n): its answer's (``Answer.as_probability``)."""
    return Answer.of_entry(entry).as_probability()


def question_chart(summary: dict, compiled, title_note: str = ""):
    """The chart of every question's probability with its interval (``charts.questions.question_summary``), from
    a run summary: its entries as typed answers, one trace per kind of answer in the kinds' order."""
    from .charts.questions import question_summary

    order = {cls: i for i, cls in enumerate(ANSWERS.values())}
    answers = sorted((Answer.of_entry(e) for e in summary["questions"]), key=lambda a: order[type(a)])
    return question_summary(answers, summary["runs"], compiled, title_note)


def sweep_heatmap(runs, points, compiled, x: str, y: str, question: str):
    """A question over two swept parameters (``charts.sweep_heatmap``), each cell drawn by the question's typed
    answer: a probability, a date question's median date."""
    from .charts.sweeps import sweep_heatmap as draw

    return draw(runs, points, compiled, x, y, question, answer_of=Answer.of_entry)


def sweep_lines(runs, points, compiled, param: str, questions: list[str] | None = None) -> list:
    """The questions (default: all) against one swept parameter (``charts.sweep_line``), each point drawn by its
    typed answer: one chart for the questions on a probability's scale, one for each date question (a median
    date with its 10–90% band), in the questions' order."""
    from .charts.sweeps import sweep_line as draw

    chosen = [q for q in compiled.questions if questions is None or q.id in questions]
    charts: dict[str, list[str]] = {}
    for q in chosen:
        cls = ANSWERS[q.answer_kind]
        charts.setdefault(q.id if cls.scale != Answer.scale else Answer.scale, []).append(q.id)
    return [draw(runs, points, compiled, param, ids, answer_of=Answer.of_entry) for ids in charts.values()]


def sweep_line(runs, points, compiled, param: str, question: str):
    """One question against one swept parameter (``sweep_lines``)."""
    return sweep_lines(runs, points, compiled, param, [question])[0]
