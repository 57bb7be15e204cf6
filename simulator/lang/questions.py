"""Questions a scenario asks, one class per kind: yes/no by a date, date of first occurrence, a count.

Each class holds its schema, its checks, its record column type, how it is
tracked step by step on the run state (arrays over runs, both engines) and
how a summary reads it (``tally`` and ``summarise``, on ``summary.SummaryAccumulator``;
``answer_kind``: probability, date or count), what it asks in words (``asks``), and how a
backtest reads and scores it: the form of its observed outcome (``outcome_fields``)
and the numbers a forecast and an outcome are compared on (``forecast_values``,
``observed_value``; ``scale`` None means a probability, scored by Brier and log
score, otherwise a distribution scored by CRPS in those units).
"""

from __future__ import annotations

import datetime as dt

from abc import abstractmethod
from typing import Annotated, ClassVar, Union

import numpy as np
from pydantic import Discriminator, Field, Tag, model_validator

from .base import DateRef, Id, MilestoneRef, Param, Strict, one_id
from .conditions import AnyCondition, Several, one_or_several
from .dates import NEVER, to_day, weeks_after
from .words import day_words


def date_weeks(column, c) -> np.ndarray:
    """Per run, weeks after the calendar start of a date32 record column; "not by the end" (null) is the
    point one week after the calendar end (``dates.weeks_after``)."""
    days = np.asarray(column.cast("int32").to_numpy(zero_copy_only=False), dtype=float)  # nulls -> NaN
    return weeks_after(days, c.min_day, c.max_day)


def observed_date_weeks(date, c) -> float:
    """An observed first date (None = did not happen by the end) on the scale of ``date_weeks``.

    Runs date what happens in a step by the step's first day, so an observed date is moved back to the
    first day of the step that contains it (a date after the calendar end is "not by the end")."""
    if date is None:
        return float(weeks_after([None], c.min_day, c.max_day)[0])
    day = to_day(date)
    if c.min_day <= day <= c.max_day:
        day = int(c.days[max(int(np.searchsorted(c.days, day, side="right")) - 1, 0)])
    return float(weeks_after([day], c.min_day, c.max_day)[0])


def frozen_date_weeks(entry: dict, c) -> np.ndarray:
    """Per run of a frozen forecast's first-date entry (``analysis.forecast.dated_entry``), weeks on the scale of
    ``date_weeks``: its distribution by date, and its runs not by the end."""
    days = [to_day(dt.date.fromisoformat(d)) for d, n in entry["distribution"].items() for _ in range(n)]
    days += [None] * int(entry["not_by_end_runs"])
    return weeks_after(np.array(days, dtype=float), c.min_day, c.max_day)


class QuestionBase(Strict):
    answer_kind: ClassVar[str]
    arrow_type: ClassVar[str]  # 'bool', 'date32' or 'int32'
    kind_label: ClassVar[str]  # words: 'yes/no', 'date' or 'count'
    key_hint: ClassVar[str]  # what its key asks, for the error naming every kind: 'a date', 'a number'
    outcome_fields: ClassVar[tuple[str, ...]]  # the fields an observed outcome of this kind gives
    outcome_hint: ClassVar[str]
    scale: ClassVar[str | None] = None  # None: a probability; else the unit of a distribution's CRPS
    per_run_is_share: ClassVar[bool] = True  # per_run() is 1/0, so its mean is a probability (the fragile screen)

    id: Id
    text: str

    def check(self, ctx, path) -> None:
        pass

    def start(self, st) -> np.ndarray:
        """The per-run tracking array at the start of a run."""
        raise NotImplementedError

    def update(self, st, k: int, acc: np.ndarray) -> None:
        """Fold step k (just finished) into ``acc``."""

    def value(self, st, acc: np.ndarray) -> np.ndarray:
        return acc

    @property
    def is_date(self) -> bool:
        return self.answer_kind == "date"

    def per_run(self, column) -> np.ndarray:
        """The number each run contributes to this question's estimate, from its record column
        (1/0 for yes/no; for a date, 1 if it happened within the calendar; for a count, the count)."""
        from .columns import to_numpy  # reads Arrow buffers directly (pyarrow's own to_numpy imports pandas)

        return to_numpy(column)[0].astype(float)

    def asks(self, w) -> str:
        """What the question asks, in the scenario's words (``w``: ``context.Words``)."""
        raise NotImplementedError

    def window(self, c) -> tuple[int, int]:
        """The first and last day the answer looks at (by default the whole calendar)."""
        return c.min_day, c.max_day

    @abstractmethod
    def subjects(self, c) -> list[tuple[str, bool]]:
        """(milestone, wanted) for each milestone the answer depends on, most telling first; wanted False: the
        answer is 'yes' only while it has not happened (under ``not:``). ``explain`` explains them; a chart
        colours the question by the first (``charts.palette.question_color``). Every kind must answer (none: [])."""

    def actors(self, c) -> list[str]:
        """Actors the answer wants to win an election (a question naming no milestone takes the first one's
        colour); none by default."""
        return []

    def answer_words(self, entry: dict) -> str:
        """This question's entry of a summary (``summarise``) in words."""
        raise NotImplementedError

    # ---- summaries (``summary.SummaryAccumulator``)
    def tally(self, acc, runs) -> None:
        """Fold a chunk of runs into the summary accumulator ``acc``."""
        raise NotImplementedError

    def summarise(self, acc) -> dict:
        """This question's entry of the summary (besides id, text and kind)."""
        raise NotImplementedError

    def happened(self, column) -> np.ndarray:
        """Per run, did the question come true (a date within the calendar; a count at least once)?"""
        return self.per_run(column) > 0

    # ---- backtests
    def outcome_problem(self, given: list[str]) -> tuple[str, str] | None:
        """(field, message) when an observed outcome giving the fields ``given`` does not fit this kind."""
        wrong = [f for f in given if f not in self.outcome_fields]
        if wrong or not given:
            return (wrong[0] if wrong else "question",
                    f"'{self.id}' is a {self.kind_label} question: give {self.outcome_hint}")
        return None

    def forecast_entry(self, entries, column, dates) -> dict:
        """This question's entry of a frozen forecast from its record column, made by the right one of
        ``entries`` (``analysis.forecast.Entries``); ``dates``: (date, what) pairs at which a date question
        also gives its share so far."""
        raise NotImplementedError

    def forecast_values(self, column, c) -> np.ndarray:
        """Per run, the number scored against the outcome (1/0 for yes/no)."""
        return self.per_run(column)

    def frozen_values(self, entry: dict, c) -> np.ndarray:
        """Per run, the number ``forecast_values`` gives, rebuilt from this question's entry of a frozen forecast
        (the inverse of ``forecast_entry``): a blind forecast is scored as it was committed."""
        raise NotImplementedError

    def observed_value(self, outcome, c) -> float:
        """The observed outcome on the scale of ``forecast_values``."""
        raise NotImplementedError

    def observed_words(self, outcome) -> str:
        """The outcome in words, for tables."""
        raise NotImplementedError


class YesNo(QuestionBase):
    """Yes if the condition holds on some day within the window [from, by] (by default, the whole calendar)."""

    answer_kind: ClassVar[str] = "probability"
    arrow_type: ClassVar[str] = "bool"
    kind_label: ClassVar[str] = "yes/no"
    key_hint: ClassVar[str] = "yes/no"
    outcome_fields: ClassVar[tuple[str, ...]] = ("answer",)
    outcome_hint: ClassVar[str] = "'answer: true' or 'answer: false'"
    when: AnyCondition
    by: DateRef | None = Field(default=None, description="on or before this date (default: the calendar end)")
    before: DateRef | None = Field(default=None, description="strictly before this date (instead of 'by')")
    from_: DateRef | None = Field(default=None, alias="from", description="on or after this date")
    prior: Param | None = Field(default=None, description="the analyst's probability before modelling; "
                                "backtests score the model against it")

    model_config = Strict.model_config | {"populate_by_name": True}

    @model_validator(mode="after")
    def _window(self):
        if self.by is not None and self.before is not None:
            raise ValueError("give 'by' (on or before) or 'before' (strictly before), not both")
        if self.prior is not None and self.prior.from_reference is not None:
            raise ValueError("'prior' is a fixed probability between 0 and 1: give its 'value' (a reference class "
                             "can be named in its assumption)")
        if self.prior is not None and (self.prior.dist != "fixed" or not 0 <= self.prior.value <= 1):
            raise ValueError("'prior' is a fixed probability between 0 and 1")
        return self

    def check(self, ctx, path):
        self.when.check(ctx, (*path, "when"))
        for f in ("by", "before", "from_"):
            ref = getattr(self, f)
            if ref is not None and ctx.date((*path, f.rstrip("_")), ref) is None and f"{ref}" in ctx.dynamic_dates:
                ctx.error((*path, f.rstrip("_")), f"'{ref}' is not a fixed date: a question's window needs one "
                          "(ask about order with a condition, e.g. all: [held: A, not: held: B])")

    def asks(self, w) -> str:
        window = []
        if self.from_ is not None:
            window.append(f"from {w.date(self.from_)}")
        if self.before is not None:
            window.append(f"before {w.date(self.before)}")
        elif self.by is not None:
            window.append(f"by {w.date(self.by)}")
        return self.when.label(w) + (f" ({', '.join(window)})" if window else "")

    def tally(self, acc, runs):
        acc.tally_yes(self, runs)

    def subjects(self, c):
        return list(dict.fromkeys(self.when.mentions(c)))

    def actors(self, c):
        return list(dict.fromkeys(self.when.winners()))

    def answer_words(self, entry):
        if entry["p"] is None:
            return "no runs"
        return (f"yes in {100 * entry['p']:.1f}% of {entry['n']} runs "
                f"(95% interval {100 * entry['low']:.1f}% to {100 * entry['high']:.1f}%)")

    def summarise(self, acc):
        return acc.yes_share(self)

    def observed_value(self, outcome, c) -> float:
        return float(outcome.answer)

    def forecast_entry(self, entries, column, dates) -> dict:
        return entries.probability(column, dates)

    def frozen_values(self, entry, c) -> np.ndarray:
        runs = int(entry["runs"])
        yes = int(round(entry["p"] * runs))
        return np.arange(runs) < yes

    def observed_words(self, outcome) -> str:
        return "yes" if outcome.answer else "no"

    def window(self, c) -> tuple[int, int]:
        lo = c.min_day if self.from_ is None else c.static_day(self.from_)
        if self.before is not None:
            hi = c.static_day(self.before) - 1
        else:
            hi = c.max_day if self.by is None else c.static_day(self.by)
        return lo, hi

    def start(self, st):
        return np.zeros(st.n, bool)

    def update(self, st, k, acc):
        c = st.c
        lo, hi = self.window(c)
        if k and c.days[k - 1] <= hi < c.days[k] and lo <= hi and self.when.reads_the_past():
            # the window closed in the step before: a calendar item that came this step may be dated back into
            # it (``calendar.waited_for_day``), so the window's last day is looked at once more
            acc |= self.when.evaluate(st, hi)
        if c.days[k] > hi or c.ends[k] < lo:
            return
        acc |= self.when.evaluate(st, min(int(c.ends[k]), hi))


class DateAnswer:
    """What every question answered by a date shares: its record column (the date, null when not by the end), how
    a summary tallies and words it, and how a backtest reads and scores it (``DateOf``, ``DateAll``)."""

    answer_kind: ClassVar[str] = "date"
    arrow_type: ClassVar[str] = "date32"
    kind_label: ClassVar[str] = "date"
    outcome_fields: ClassVar[tuple[str, ...]] = ("date", "happened")
    outcome_hint: ClassVar[str] = "'date' (the first date it happened) or 'happened: false'"
    scale: ClassVar[str | None] = "weeks"

    def per_run(self, column) -> np.ndarray:
        from .columns import to_numpy

        values, null = to_numpy(column)
        return np.ones(len(values)) if null is None else (~null).astype(float)

    def tally(self, acc, runs):
        acc.tally_date_question(self, runs)

    def answer_words(self, entry):
        if entry["p"] is None:
            return "no runs"
        dates = " / ".join(day_words(d, "not by the end") for d in (entry["p10"], entry["median"], entry["p90"]))
        return f"by the end in {100 * entry['p']:.1f}% of {entry['n']} runs; 10% / 50% / 90%: {dates}"

    def summarise(self, acc):
        return acc.date_distribution(self)

    def forecast_values(self, column, c) -> np.ndarray:
        return date_weeks(column, c)

    def observed_value(self, outcome, c) -> float:
        return observed_date_weeks(outcome.date, c)

    def forecast_entry(self, entries, column, dates) -> dict:
        return entries.date(column, dates)

    def frozen_values(self, entry, c) -> np.ndarray:
        return frozen_date_weeks(entry, c)

    def observed_words(self, outcome) -> str:
        return outcome.date.isoformat() if outcome.date is not None else "not by the end"


class DateOf(DateAnswer, QuestionBase):
    """The date a milestone first happens, or an event fires (none if not within the calendar)."""

    key_hint: ClassVar[str] = "a date"

    date_of: one_or_several("milestone or event") = Field(
        description="a milestone or event, or {any: [...]}: the first date of any of several")

    @property
    def targets(self) -> list[str]:
        """The milestones or events whose first date is asked (the earliest of them when several)."""
        return self.date_of.ids() if isinstance(self.date_of, Several) else [self.date_of]

    def asks(self, w) -> str:
        if isinstance(self.date_of, Several):
            return f"date the first of {self.date_of.words(w)} happens"
        return f"date {w.name(self.date_of)} first happens"

    def subjects(self, c):
        return [(t, True) for t in self.targets if t in c.mi]

    def check(self, ctx, path):
        if isinstance(self.date_of, Several):
            for i, t in enumerate(self.date_of.any):
                ctx.ref((*path, "date_of", "any", i), t, "milestone or event", pool=ctx.pools["dated"])
        else:
            ctx.ref((*path, "date_of"), self.date_of, "milestone or event", pool=ctx.pools["dated"])

    def start(self, st):
        return np.zeros(0)

    def value(self, st, acc):
        c = st.c
        days = [st.first_day[:, c.mi[t]] if t in c.mi else st.fired_day[:, c.fi[t]] for t in self.targets]
        return days[0] if len(days) == 1 else np.minimum.reduce(days)


class DateAll(DateAnswer, QuestionBase):
    """The date by which every one of several milestones (or events) has happened at least once: the last of their
    first dates (none if one of them does not happen within the calendar). "When is the whole package done?" The
    worked example of a new question kind (docs/architecture.md): this class, its test and a docs line."""

    key_hint: ClassVar[str] = "the date all of several have happened"
    outcome_hint: ClassVar[str] = "'date' (the date the last of them first happened) or 'happened: false'"
    date_all: list[MilestoneRef] = Field(min_length=2, description="two or more different milestones (or events), "
                                         "every one of which must have happened")

    @model_validator(mode="after")
    def _distinct(self):
        twice = [t for t in dict.fromkeys(self.date_all) if self.date_all.count(t) > 1]
        if twice:
            raise ValueError(f"'{twice[0]}' is named twice: name each milestone once")
        return self

    def asks(self, w) -> str:
        names = [w.name(t) for t in self.date_all]
        return f"date by which all of {', '.join(names[:-1])} and {names[-1]} have happened"

    def subjects(self, c):
        return [(t, True) for t in self.date_all if t in c.mi]

    def check(self, ctx, path):
        for i, t in enumerate(self.date_all):
            ctx.ref((*path, "date_all", i), t, "milestone or event", pool=ctx.pools["dated"])

    def start(self, st):
        return np.zeros(0)

    def value(self, st, acc):
        c = st.c
        days = [st.first_day[:, c.mi[t]] if t in c.mi else st.fired_day[:, c.fi[t]] for t in self.date_all]
        return np.maximum.reduce(days)  # NEVER (not by the end) is later than any day


class CountOf(QuestionBase):
    """How many times a milestone has happened by a date (by default, the calendar end)."""

    answer_kind: ClassVar[str] = "count"
    arrow_type: ClassVar[str] = "int32"
    kind_label: ClassVar[str] = "count"
    key_hint: ClassVar[str] = "a number"
    outcome_fields: ClassVar[tuple[str, ...]] = ("count",)
    outcome_hint: ClassVar[str] = "'count' (how many times)"
    scale: ClassVar[str | None] = "times"
    per_run_is_share: ClassVar[bool] = False
    count: one_or_several("milestone") = Field(description="a milestone, or {any: [...]}: the times any of "
                                               "several happen, added up")
    by: DateRef | None = None

    @property
    def targets(self) -> list[str]:
        """The milestones whose times are counted (added up when several)."""
        return self.count.ids() if isinstance(self.count, Several) else [self.count]

    def asks(self, w) -> str:
        what = (f"times any of {self.count.words(w)} happens (added up)" if isinstance(self.count, Several)
                else f"times {w.name(self.count)} happens")
        return what + (f" by {w.date(self.by)}" if self.by is not None else "")

    def tally(self, acc, runs):
        acc.tally_counts(self, runs)

    def window(self, c):
        return c.min_day, c.max_day if self.by is None else c.static_day(self.by)

    def subjects(self, c):
        return [(t, True) for t in self.targets]

    def answer_words(self, entry):
        if entry["mean"] is None:
            return "no runs"
        return (f"mean {entry['mean']:.2f} times over {entry['n']} runs; 10% / 50% / 90%: "
                f"{entry['p10']} / {entry['median']} / {entry['p90']}")

    def summarise(self, acc):
        return acc.count_distribution(self)

    def observed_value(self, outcome, c) -> float:
        return float(outcome.count)

    def forecast_entry(self, entries, column, dates) -> dict:
        return entries.count(column, dates)

    def frozen_values(self, entry, c) -> np.ndarray:
        return np.array([int(v) for v, n in entry["distribution"].items() for _ in range(n)], dtype=float)

    def observed_words(self, outcome) -> str:
        return f"{outcome.count} time{'s' if outcome.count != 1 else ''}"

    def check(self, ctx, path):
        if isinstance(self.count, Several):
            for i, t in enumerate(self.count.any):
                ctx.ref((*path, "count", "any", i), t, "milestone")
        else:
            ctx.ref((*path, "count"), self.count, "milestone")
        if self.by is not None and ctx.date((*path, "by"), self.by) is None and self.by in ctx.dynamic_dates:
            ctx.error((*path, "by"), f"'{self.by}' is not a fixed date: a count is taken on a fixed date")

    def start(self, st):
        return np.zeros(st.n, np.int32)

    def update(self, st, k, acc):
        c = st.c
        hi = self.window(c)[1]
        if c.days[k] > hi:
            return
        acc[:] = 0
        for t in self.targets:
            j = c.mi[t]
            last = st.last_day[:, j]
            acc += st.count[:, j] - ((last > hi) & (last < NEVER))  # at most one holding per step: the last one


KINDS = {"when": YesNo, "date_of": DateOf, "count": CountOf, "date_all": DateAll}


def _kind_of(v):
    if isinstance(v, dict):
        keys = [k for k in KINDS if k in v]
        return KINDS[keys[0]].__name__ if len(keys) == 1 else None
    return type(v).__name__ if isinstance(v, QuestionBase) else None


_hints = [f"'{key}' ({cls.key_hint})" for key, cls in KINDS.items()]
Question = Annotated[
    Union[tuple(Annotated[cls, Tag(cls.__name__)] for cls in KINDS.values())],
    Discriminator(_kind_of, custom_error_type="question",
                  custom_error_message="a question has exactly one of " + ", ".join(_hints[:-1]) + " or " + _hints[-1]),
]
