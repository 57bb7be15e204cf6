"""Small helpers shared by the chart modules: input coercion, dates, labels, calendar markers."""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go


def as_frame(table) -> pd.DataFrame:
    """Accept an Arrow table or a pandas DataFrame (the dashboard may hand either)."""
    if isinstance(table, pd.DataFrame):
        return table
    return table.to_pandas()


def to_dates(column) -> pd.Series:
    """A column of dates (datetime.date, datetime64 or None) as datetime64 with NaT for 'never'."""
    return pd.to_datetime(pd.Series(column), errors="raise")


def day(d: dt.date) -> str:
    """Dates as people read them: 14 May 2023."""
    return f"{d.day} {d:%b %Y}"


def wrap(text: str, width: int = 55) -> str:
    return "<br>".join(textwrap.wrap(text, width)) or text


def level_names(compiled) -> dict[str, str]:
    return {lv.id: lv.name for tr in compiled.scenario.tracks for lv in tr.levels}


def question_yes(runs: pd.DataFrame, q) -> np.ndarray:
    """Per run: did the question come true? Date questions count 'happened within the calendar'."""
    col = runs[f"q.{q.id}"]
    if q.is_date:
        return to_dates(col).notna().to_numpy()
    return col.fillna(False).astype(bool).to_numpy()


@dataclass(frozen=True)
class Marker:
    name: str  # stable id: election.round1, election.runoff, scheduled.<id>
    date: dt.date
    label: str
    dash: str


def calendar_markers(compiled) -> list[Marker]:
    """Election rounds and scheduled talks inside the calendar, in date order."""
    sc = compiled.scenario
    start, end = sc.calendar.start, sc.calendar.end
    out = []
    el = sc.calendar.election
    if el is not None:
        out.append(Marker("election.round1", el.round1, f"Election round 1 ({day(el.round1)})", "solid"))
        if el.runoff is not None:
            out.append(Marker("election.runoff", el.runoff, f"Run-off if needed ({day(el.runoff)})", "dash"))
    for ev in sc.calendar.scheduled:
        if ev.track is not None:
            name = ev.name if len(ev.name) <= 40 else ev.name[:39] + "…"
            out.append(Marker(f"scheduled.{ev.id}", ev.date, f"{name} ({day(ev.date)})", "dot"))
    return sorted((m for m in out if start <= m.date <= end), key=lambda m: m.date)


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
    """One line explaining unlabelled marker lines: 'solid: Election round 1 (14 May 2023); ...'."""
    style = {"solid": "solid line", "dash": "dashed line", "dot": "dotted line"}
    return "; ".join(f"{style[m.dash]}: {m.label}" for m in markers)
