"""Charts over the calendar: when each meeting level first happens."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..stats import wilson
from .frames import add_markers, as_frame, calendar_markers, day, level_names, to_dates
from .palette import level_colors, translucent


def probability_over_calendar(runs, compiled, confidence: float = 0.95) -> go.Figure:
    """For each level: share of runs in which it has been held by each calendar date, with a Wilson band."""
    return calendar_variants([("", runs)], compiled, confidence)


VARIANT_DASH = ("dash", "dot", "dashdot")  # earlier variants (baseline, A); the last one is drawn solid
DASH_WORDS = {"dash": "dashed", "dot": "dotted", "dashdot": "dash-dotted"}


def calendar_variants(variants: list[tuple[str, object]], compiled, confidence: float = 0.95) -> go.Figure:
    """Several variants of one scenario (baseline and what-if, or A and B) on one calendar chart.

    ``variants`` is ``[(name, runs), ...]``; the last is the one in focus: solid lines in the levels' colours
    with their Wilson bands. Earlier ones are dashed, in lighter shades of the same colours, without bands.
    With one unnamed variant this is ``probability_over_calendar``. Buttons above the plot zoom to the weeks
    before the election (or back to the whole calendar); dragging across the plot zooms to any window (the
    probability axis stays fixed, so a drag selects dates only).
    """
    dates = pd.to_datetime(compiled.dates)
    colors, names = level_colors(compiled), level_names(compiled)
    fig = go.Figure()
    last = len(variants) - 1
    sizes = []
    for k, (variant, runs) in enumerate(variants):
        df = as_frame(runs)
        n = len(df)
        sizes.append(n)
        focus = k == last
        suffix = f" ({variant})" if variant else ""
        for rank, level in enumerate(compiled.level_order):
            first = to_dates(df[f"first.{level}"]).dropna().sort_values().to_numpy()
            yes = np.searchsorted(first, dates.to_numpy(), side="right")
            low, high = wilson(yes, np.full(len(yes), n), confidence)
            p = yes / max(n, 1)
            group = f"{variant}.{level}"
            if focus:
                fig.add_trace(go.Scatter(
                    x=np.concatenate([dates, dates[::-1]]), y=np.concatenate([high, low[::-1]]), mode="lines",
                    fill="toself", fillcolor=translucent(colors[level], 0.15), line=dict(width=0), hoverinfo="skip",
                    legendgroup=group, showlegend=False, name=f"{names[level]}{suffix} ({confidence:.0%} band)"))
            line = (dict(color=colors[level], width=2.5) if focus else
                    dict(color=translucent(colors[level], 0.6), width=1.8, dash=VARIANT_DASH[k % len(VARIANT_DASH)]))
            fig.add_trace(go.Scatter(
                x=dates, y=p, mode="lines", name=f"{names[level]}{suffix}", legendgroup=group, line=line,
                legendrank=(0 if focus else 100 * (k + 1)) + rank + 1,
                customdata=np.column_stack([low, high, yes]),
                hovertemplate=(f"<b>{names[level]}</b>{suffix} held by %{{x|%d %b %Y}}: %{{y:.1%}} "
                               f"[%{{customdata[0]:.1%}}, %{{customdata[1]:.1%}}], %{{customdata[2]:d}} of {n} runs"
                               "<extra></extra>")))
    add_markers(fig, [(m, m.date) for m in calendar_markers(compiled)])
    runs_text = f"{sizes[-1]:,} runs" + (" each" if len(variants) > 1 else "")
    which = "<br><sup>drag across the chart to zoom to any window; double-click to zoom out</sup>"
    if len(variants) > 1:
        styles = ", ".join(f"{v}: {DASH_WORDS[VARIANT_DASH[k % len(VARIANT_DASH)]]}, lighter"
                           for k, (v, _) in enumerate(variants[:-1]))
        which = (f"<br><sup>{variants[-1][0]}: solid lines with {confidence:.0%} bands; {styles}; drag across the "
                 "chart to zoom to any window</sup>")
    fig.update_layout(
        title=dict(text=f"How likely is each meeting to have happened by a given date? ({runs_text}, "
                        f"{confidence:.0%} bands){which}", y=0.97, yanchor="top"),
        xaxis=dict(title="Date", tickformat="%b %Y"),
        yaxis=dict(title="Share of runs, meeting held by then", tickformat=".0%", range=[0, 1.02], fixedrange=True),
        updatemenus=[window_buttons(compiled)], hovermode="closest",
        legend=dict(title="Meeting level", groupclick="toggleitem"), height=520, margin=dict(t=120),
        template="plotly_white")
    return fig


def window_buttons(compiled) -> dict:
    """Buttons that set the date axis to a window: the whole calendar, the weeks before the election."""
    start, end = compiled.dates[0], compiled.dates[-1]
    pad = dt.timedelta(days=7)

    def button(label: str, lo: dt.date, hi: dt.date) -> dict:
        lo, hi = max(lo, start - pad), min(hi, end + pad)
        return dict(label=label, method="relayout", args=[{"xaxis.range": [lo.isoformat(), hi.isoformat()]}])

    buttons = [button("Whole calendar", start - pad, end + pad)]
    el = compiled.election
    if el is not None:
        last = el.runoff or el.round1
        for weeks in (8, 16):
            if el.round1 - dt.timedelta(weeks=weeks) > start - pad:
                buttons.append(button(f"{weeks} weeks before round 1", el.round1 - dt.timedelta(weeks=weeks),
                                      last + dt.timedelta(weeks=1)))
        buttons.append(button("From round 1 on", el.round1 - dt.timedelta(weeks=1), end + pad))
    return dict(type="buttons", direction="left", buttons=buttons, showactive=False, x=0, xanchor="left",
                y=1.02, yanchor="bottom", pad=dict(r=4, t=0), font=dict(size=11), name="window")


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
