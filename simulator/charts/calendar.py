"""Charts over the calendar: when each meeting level first happens."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..stats import wilson
from .frames import add_markers, as_frame, calendar_markers, day, level_names, to_dates
from .palette import level_colors, translucent


def probability_over_calendar(runs, compiled, confidence: float = 0.95) -> go.Figure:
    """For each level: share of runs in which it has been held by each calendar date, with a Wilson band."""
    df = as_frame(runs)
    n = len(df)
    dates = pd.to_datetime(compiled.dates)
    colors, names = level_colors(compiled), level_names(compiled)
    fig = go.Figure()
    for level in compiled.level_order:
        first = to_dates(df[f"first.{level}"]).dropna().sort_values().to_numpy()
        yes = np.searchsorted(first, dates.to_numpy(), side="right")
        low, high = wilson(yes, np.full(len(yes), n), confidence)
        p = yes / max(n, 1)
        fig.add_trace(go.Scatter(
            x=np.concatenate([dates, dates[::-1]]), y=np.concatenate([high, low[::-1]]), mode="lines", fill="toself",
            fillcolor=translucent(colors[level], 0.15), line=dict(width=0), hoverinfo="skip",
            legendgroup=level, showlegend=False, name=f"{names[level]} ({confidence:.0%} band)"))
        fig.add_trace(go.Scatter(
            x=dates, y=p, mode="lines", name=names[level], legendgroup=level, line=dict(color=colors[level], width=2),
            customdata=np.column_stack([low, high, yes]),
            hovertemplate=(f"<b>{names[level]}</b> held by %{{x|%d %b %Y}}: %{{y:.1%}} "
                           f"[%{{customdata[0]:.1%}}, %{{customdata[1]:.1%}}], %{{customdata[2]:d}} of {n} runs"
                           "<extra></extra>")))
    add_markers(fig, [(m, m.date) for m in calendar_markers(compiled)])
    fig.update_layout(
        title=f"How likely is each meeting to have happened by a given date? ({n:,} runs, {confidence:.0%} bands)",
        xaxis=dict(title="Date", tickformat="%b %Y"), yaxis=dict(title="Share of runs, meeting held by then",
                                                               tickformat=".0%", range=[0, 1.02]),
        hovermode="closest", legend=dict(title="Meeting level"), height=520, template="plotly_white")
    return fig


def timing_vs_election(runs, compiled) -> go.Figure:
    """Distribution of each level's first-meeting date in weeks before (<0) or after (>0) round 1.

    Without an election the reference is the calendar start. Runs in which a
    level is never held are not in its distribution; the legend gives their share.
    """
    df = as_frame(runs)
    n = len(df)
    el = compiled.election
    ref = el.round1 if el is not None else compiled.scenario.calendar.start
    ref_ts = pd.Timestamp(ref)
    colors, names = level_colors(compiled), level_names(compiled)
    fig = go.Figure()
    for level in compiled.level_order:
        first = to_dates(df[f"first.{level}"]).dropna()
        weeks = ((first - ref_ts).dt.days / 7.0).to_numpy()
        share = len(weeks) / n if n else 0.0
        label = f"{names[level]} (held in {share:.0%})"
        fig.add_trace(go.Violin(
            x=weeks, y=[names[level]] * len(weeks), name=label, orientation="h", side="both", spanmode="hard",
            line=dict(color=colors[level]), fillcolor=translucent(colors[level], 0.35), points=False,
            box=dict(visible=True), meanline=dict(visible=False), legendgroup=level, hoveron="violins"))
    placed = [(m, (pd.Timestamp(m.date) - ref_ts).days / 7.0) for m in calendar_markers(compiled)]
    add_markers(fig, placed)
    if el is not None:
        title = f"When does each meeting first happen, relative to round 1 of the {el.name} ({day(el.round1)})?"
        axis = "Weeks from round 1 (negative = before the vote)"
    else:
        title = f"When does each meeting first happen? (weeks from {day(ref)})"
        axis = f"Weeks from {day(ref)}"
    fig.update_layout(title=title, xaxis=dict(title=axis, zeroline=False), yaxis=dict(title="Meeting level",
                                                                                     autorange="reversed"),
                      violinmode="overlay", legend=dict(title="Meeting level"), height=460, template="plotly_white")
    return fig
