"""Charts over the calendar: when each milestone (meeting, joint act, unilateral step) first happens."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import layout as L
from ..stats import wilson
from .frames import add_markers, as_frame, calendar_markers, day, track_name, to_dates, verb
from .palette import milestone_colors, translucent

DASH = {"meeting": "solid", "joint": "dash", "unilateral": "dot"}  # line style says the kind of milestone


def _legend_name(compiled, m) -> str:
    return compiled.words.name(m.id)


def _hover_name(compiled, m) -> str:
    track = track_name(compiled, m)
    return compiled.words.name(m.id) + (f" ({track})" if track else "")


def reference_election(compiled):
    """The election the timing chart measures from: the first one to vote (None without elections)."""
    return min(compiled.elections, key=lambda e: e.round1) if compiled.elections else None


def probability_over_calendar(runs, compiled, confidence: float = 0.95) -> go.Figure:
    """For each milestone: share of runs in which it has happened by each calendar date, with a Wilson band.

    Line style gives the kind (meeting solid, joint act dashed, unilateral step dotted); milestones come in
    scenario order, so those of one track or concession ladder are next to each other.
    """
    df = as_frame(runs)
    n = len(df)
    dates = pd.to_datetime(compiled.dates)
    colors = milestone_colors(compiled)
    fig = go.Figure()
    for m in compiled.milestones:
        name, hover = _legend_name(compiled, m), _hover_name(compiled, m)
        first = to_dates(df[L.first(m.id)]).dropna().sort_values().to_numpy()
        yes = np.searchsorted(first, dates.to_numpy(), side="right")
        low, high = wilson(yes, np.full(len(yes), n), confidence)
        p = yes / max(n, 1)
        fig.add_trace(go.Scatter(
            x=np.concatenate([dates, dates[::-1]]), y=np.concatenate([high, low[::-1]]), mode="lines", fill="toself",
            fillcolor=translucent(colors[m.id], 0.15), line=dict(width=0), hoverinfo="skip",
            legendgroup=m.id, showlegend=False, name=f"{name} ({confidence:.0%} band)"))
        fig.add_trace(go.Scatter(
            x=dates, y=p, mode="lines", name=name, legendgroup=m.id,
            line=dict(color=colors[m.id], width=2, dash=DASH.get(m.kind, "solid")),
            customdata=np.column_stack([low, high, yes]),
            hovertemplate=(f"<b>{hover}</b> {verb(m)} by %{{x|%d %b %Y}}: %{{y:.1%}} "
                           f"[%{{customdata[0]:.1%}}, %{{customdata[1]:.1%}}], %{{customdata[2]:d}} of {n} runs"
                           "<extra></extra>")))
    add_markers(fig, [(mk, mk.date) for mk in calendar_markers(compiled)])
    fig.update_layout(
        title=f"How likely is each milestone to have happened by a given date? ({n:,} runs, {confidence:.0%} bands)",
        xaxis=dict(title="Date", tickformat="%b %Y"), yaxis=dict(title="Share of runs, milestone reached by then",
                                                               tickformat=".0%", range=[0, 1.02]),
        hovermode="closest", legend=dict(title="Milestone<br><sup>solid: meeting, dashed: joint act,<br>dotted: unilateral "
                                               "step</sup>"),
        height=520, template="plotly_white")
    return fig


def timing_vs_election(runs, compiled) -> go.Figure:
    """Distribution of each milestone's first date in weeks before (<0) or after (>0) round 1 of the election.

    With several elections the reference is the first to vote (the others are marked); without an
    election it is the calendar start. Runs in which a milestone never happens are not in its
    distribution; the legend gives their share.
    """
    df = as_frame(runs)
    n = len(df)
    el = reference_election(compiled)
    ref = el.round1 if el is not None else compiled.scenario.calendar.start
    ref_ts = pd.Timestamp(ref)
    colors = milestone_colors(compiled)
    fig = go.Figure()
    for m in compiled.milestones:
        name = _legend_name(compiled, m)
        first = to_dates(df[L.first(m.id)]).dropna()
        weeks = ((first - ref_ts).dt.days / 7.0).to_numpy()
        share = len(weeks) / n if n else 0.0
        fig.add_trace(go.Violin(
            x=weeks, y=[name] * len(weeks), name=f"{name} ({verb(m)} in {share:.0%})", orientation="h",
            side="both", spanmode="hard", line=dict(color=colors[m.id]), fillcolor=translucent(colors[m.id], 0.35),
            points=False, box=dict(visible=True), meanline=dict(visible=False), legendgroup=m.id,
            hoveron="violins"))
    placed = [(mk, (pd.Timestamp(mk.date) - ref_ts).days / 7.0) for mk in calendar_markers(compiled)]
    add_markers(fig, placed)
    if el is not None:
        title = f"When does each milestone first happen, relative to round 1 of the {el.name} ({day(el.round1)})?"
        axis = "Weeks from round 1 (negative = before the vote)"
    else:
        title = f"When does each milestone first happen? (weeks from {day(ref)})"
        axis = f"Weeks from {day(ref)}"
    fig.update_layout(title=title, xaxis=dict(title=axis, zeroline=False),
                      yaxis=dict(title="Milestone", autorange="reversed"), violinmode="overlay",
                      legend=dict(title="Milestone"), height=max(460, 140 + 45 * len(compiled.milestones)),
                      template="plotly_white")
    return fig
