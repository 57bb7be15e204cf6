"""Frozen forecasts: what a forecaster registers before the outcomes are known (``diplosim forecast``).

A forecast is a JSON document: the scenario's hash, seed, runs, engine and
package versions; each yes/no question's probability with its 95% Wilson
interval; each date question and each milestone's first-date distribution
(quantiles, "not by the end", the share of runs by each date of interest with
its interval, and the whole distribution by date, so that the forecast can be
scored later without re-running); each count question's distribution.
Everything but ``created`` is a function of the scenario, seed, runs and what-ifs.
"""

from __future__ import annotations

import datetime as dt
import platform
from collections import Counter

import numpy as np

from .. import layout as L
from ..lang.dates import from_day, to_day
from ..stats import wilson

FORMAT = 1
QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
PACKAGES = ("diplosim", "numpy", "pyarrow", "pydantic", "mesa", "scipy")


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def _share(hits: int, n: int) -> dict:
    low, high = wilson([hits], [n])
    return {"share": hits / n, "low": float(low[0]), "high": float(high[0])}


def dates_of_interest(loaded, words, extra=()) -> list[tuple[dt.date, str]]:
    """The scenario's fixed dates within its calendar (start, end, elections, dated events), plus ``extra``,
    each with what it is in words."""
    from ..scenario.semantics import fixed_dates

    sc = loaded.scenario
    cal = sc.calendar
    named: dict[dt.date, str] = {}
    for name, day in fixed_dates(sc).items():
        if day is not None and cal.start <= day <= cal.end:
            named.setdefault(day, words.date(name))
    for day in extra:
        named.setdefault(day, "asked for (--date)")
    return sorted(named.items())


def dated_entry(column, dates: list[tuple[dt.date, str]]) -> dict:
    """First-date distribution of a date32 column: quantiles (None = not by the end), share by each date."""
    days = column.cast("int32").to_numpy(zero_copy_only=False)
    days = np.asarray(days, dtype=float)
    n = len(days)
    happened = np.isfinite(days)
    keyed = np.where(happened, days, np.inf)
    qs = np.quantile(keyed, QUANTILES, method="inverted_cdf")
    dist = Counter(int(d) for d in days[happened])
    return {
        "runs": n, "by_end": _share(int(happened.sum()), n), "not_by_end": float(1 - happened.mean()),
        "quantiles": {f"{int(round(100 * q))}%": (None if not np.isfinite(v) else from_day(int(v)).isoformat())
                      for q, v in zip(QUANTILES, qs)},
        "by_date": [{"date": d.isoformat(), "what": what, **_share(int((days[happened] <= to_day(d)).sum()), n)}
                    for d, what in dates],
        "distribution": {from_day(k).isoformat(): dist[k] for k in sorted(dist)},
        "not_by_end_runs": int((~happened).sum()),
    }


def milestone_entry(table, m, history: dict | None, dates) -> dict:
    """A milestone's first date within the calendar (``dated_entry``). One that happened in the scenario's
    history says so (``history``) and is no forecast: its share is of runs in which it happens again within the
    calendar, whose dates the record does not keep."""
    if history is None:
        return {**dated_entry(table.column(L.first(m.id)), dates), "history": None}
    counts = np.asarray(table.column(L.count(m.id)).to_numpy(zero_copy_only=False), dtype=int)
    again = counts > history["times"]
    n = len(counts)
    return {"runs": n, "history": history, "by_end": _share(int(again.sum()), n),
            "not_by_end": float(1 - again.mean()) if n else None,
            "quantiles": {f"{int(round(100 * q))}%": None for q in QUANTILES}, "by_date": [], "distribution": {},
            "not_by_end_runs": int((~again).sum())}


def probability_entry(column, dates) -> dict:
    yes = int(np.asarray(column.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool).sum())
    n = len(column)
    s = _share(yes, n)
    return {"runs": n, "p": s["share"], "low": s["low"], "high": s["high"]}


def count_entry(column, dates) -> dict:
    v = np.asarray(column.fill_null(0).to_numpy(zero_copy_only=False), dtype=int)
    values, freq = np.unique(v, return_counts=True)
    qs = np.quantile(v, QUANTILES, method="inverted_cdf")
    return {"runs": len(v), "mean": float(v.mean()),
            "quantiles": {f"{int(round(100 * q))}%": int(x) for q, x in zip(QUANTILES, qs)},
            "distribution": {str(int(a)): int(b) for a, b in zip(values, freq)}}


class Entries:
    """The forecast entry of each kind of answer; a question picks its own (``QuestionBase.forecast_entry``)."""

    probability = staticmethod(probability_entry)
    date = staticmethod(dated_entry)
    count = staticmethod(count_entry)


def frozen_forecast(loaded, compiled, runs: int, seed: int, engine: str, *, overrides=None, sets=(),
                    extra_dates=(), written_hash: str | None = None) -> dict:
    """The frozen forecast of ``loaded`` (after any rule switches) run with ``overrides``.

    ``scenario_hash`` is the hash of the scenario file as written (``written_hash``, default ``loaded``'s),
    so an observed file can match it; ``sets`` says whether the forecast is of a what-if instead."""
    from .backtest import simulate

    from ..summary import history_records

    table = simulate(compiled, runs, seed, engine, overrides)
    history = history_records(compiled)
    sc = loaded.scenario
    w = compiled.words
    dates = dates_of_interest(loaded, w, extra_dates)
    return {
        "kind": "forecast", "format": FORMAT,
        "scenario": str(loaded.path), "title": sc.metadata.title, "scenario_hash": written_hash or loaded.digest,
        "as_of": sc.metadata.as_of.isoformat(),
        "calendar": {"start": sc.calendar.start.isoformat(), "end": sc.calendar.end.isoformat(),
                     "step_days": sc.calendar.step_days},
        "seed": seed, "runs": runs, "engine": engine, "sets": list(sets), "overrides": dict(overrides or {}),
        "versions": versions(),
        "created": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "dates_of_interest": [{"date": d.isoformat(), "what": what} for d, what in dates],
        "questions": [{"id": q.id, "text": q.text, "kind": q.kind_label,
                       **q.forecast_entry(Entries, table.column(L.question(q.id)), dates)} for q in compiled.questions],
        "milestones": [{"id": m.id, "name": w.name(m.id), **milestone_entry(table, m, history.get(m.id), dates)}
                       for m in compiled.milestones],
    }
