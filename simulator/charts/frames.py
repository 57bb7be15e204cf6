"""Small helpers shared by the chart modules: input coercion, dates, labels, calendar markers."""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import layout as L


def as_frame(table) -> pd.DataFrame:
    """Accept an Arrow table or a pandas DataFrame (the dashboard may hand either)."""
    if isinstance(table, pd.DataFrame):
        return table
    return table.to_pandas()


def to_dates(column) -> pd.Series:
    """A column of dates (datetime.date, datetime64 or None) as datetime64 with NaT for 'never'."""
    return pd.to_datetime(pd.Series(column), errors="raise")


from ..lang.words import DATE_FORMAT, day  # noqa: E402,F401  (the one date format: '14 May 2023')


def wrap(text: str, width: int = 55) -> str:
    return "<br>".join(textwrap.wrap(text, width)) or text


def milestone_names(compiled) -> dict[str, str]:
    """Milestone id -> the scenario's name for it."""
    w = compiled.words
    return {m.id: w.name(m.id) for m in compiled.milestones}


from ..lang.words import verb  # noqa: E402,F401  (a milestone kind's verb: held, agreed, taken)


def track_name(compiled, m) -> str | None:
    """The name of the track (or concession ladder) a milestone belongs to, if any."""
    return None if m.track is None else compiled.words.name(m.track)


def question_yes(runs: pd.DataFrame, q) -> np.ndarray:
    """Per run: did the question come true? (the question's class says what that means for its kind)."""
    import pyarrow as pa

    return q.happened(pa.Array.from_pandas(runs[L.question(q.id)]))


def count_entry(entry: dict) -> dict:
    """A count question's summary entry with p/low/high/yes/n for "happens at least once" added."""
    from ..summary import proportion

    dist = {int(k): int(v) for k, v in (entry.get("distribution") or {}).items()}
    n = sum(dist.values())
    return {**entry, **proportion(n - dist.get(0, 0), n)}


@dataclass(frozen=True)
class Marker:
    name: str  # stable id: election.<id>.round1, election.<id>.runoff, event.<id>, occasion.<id>
    date: dt.date
    label: str
    dash: str


def calendar_markers(compiled) -> list[Marker]:
    """Election rounds, dated events that put something on the table and dated occasions, in date order."""
    sc = compiled.scenario
    cal = sc.calendar
    start, end = cal.start, cal.end
    several = len(cal.elections) > 1
    out = []
    for e in cal.elections:
        prefix = f"{e.name}: r" if several else "Election r"
        out.append(Marker(f"election.{e.id}.round1", e.round1, f"{prefix}ound 1 ({day(e.round1)})", "solid"))
        if e.runoff is not None:
            prefix = f"{e.name}: r" if several else "R"
            out.append(Marker(f"election.{e.id}.runoff", e.runoff, f"{prefix}un-off if needed ({day(e.runoff)})",
                              "dash"))
    for ev in cal.events:
        if ev.proposes is not None:
            out.append(Marker(f"event.{ev.id}", ev.date, f"{_short(compiled.words.name(ev.id))} ({day(ev.date)})",
                              "dot"))
    for oc in cal.occasions:
        if oc.date is not None:
            out.append(Marker(f"occasion.{oc.id}", oc.date,
                              f"{_short(compiled.words.name(oc.id))} ({day(oc.date)})", "dashdot"))
    return sorted((m for m in out if start <= m.date <= end), key=lambda m: m.date)


def _short(name: str) -> str:
    return name if len(name) <= 40 else name[:39] + "…"


def add_markers(fig, placed: list[tuple[Marker, object]], legend: bool = True) -> None:
    """Vertical lines across the plot (yref=paper) at each marker's x, each named in the legend.

    The legend says what each line style means (an empty trace with the same
    line), so no label sits on top of the curves or of another label when two
    markers are a week or two apart.
    """
    for m, x in placed:
        fig.add_shape(type="line", name=m.name, x0=x, x1=x, xref="x", y0=0, y1=1, yref="paper",
                      line=dict(color=MARKER_COLOR, width=1.2, dash=m.dash), layer="below")
    if not legend:
        return
    seen = set()
    for m, _ in placed:
        if m.name in seen:
            continue
        seen.add(m.name)
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=m.label, legendgroup="calendar-markers",
                                 legendrank=1000 + len(seen), hoverinfo="skip",
                                 line=dict(color=MARKER_COLOR, width=1.2, dash=m.dash)))


MARKER_COLOR = "#444"


def marker_key(markers: list[Marker]) -> str:
    """One line explaining unlabelled marker lines: 'solid line: Election round 1 (14 May 2023); ...'."""
    style = {"solid": "solid line", "dash": "dashed line", "dot": "dotted line", "dashdot": "dash-dot line"}
    return "; ".join(f"{style[m.dash]}: {m.label}" for m in markers)
