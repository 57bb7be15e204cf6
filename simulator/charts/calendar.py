"""Charts over the calendar: when each milestone (meeting, joint act, unilateral step) first happens."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import layout as L
from ..stats import wilson
from .dates import DATE_TICKS
from .frames import DATE_FORMAT, add_markers, as_frame, calendar_markers, day, track_name, to_dates, verb
from .palette import milestone_colors, translucent



def _legend_name(compiled, m) -> str:
    return compiled.words.name(m.id)


def _hover_name(compiled, m) -> str:
    track = track_name(compiled, m)
    return compiled.words.name(m.id) + (f" ({track})" if track else "")


def history_note(compiled) -> tuple[dict, str]:
    """The milestones that happened in the scenario's history (``summary.history_records``: these charts describe
    the calendar, so they are not drawn), and a line naming them for a chart's title ('' when there are none)."""
    from ..summary import history_records

    history = history_records(compiled)
    if not history:
        return history, ""
    named = "; ".join(f"{compiled.words.name(m)} {rec['text']}" for m, rec in history.items())
    return history, f"<br><sup>Not drawn: {named}</sup>"


def reference_election(compiled):
    """The election the timing chart measures from: the first one to vote (None without elections)."""
    return min(compiled.elections, key=lambda e: e.round1) if compiled.elections else None


def probability_over_calendar(runs, compiled, confidence: float = 0.95) -> go.Figure:
    """For each milestone: share of runs in which it has happened by each calendar date, with a Wilson band.

    Line style gives the kind (each kind's ``dash``: meeting solid, joint act dashed, unilateral step dotted);
    milestones come in scenario order, so those of one track or concession ladder are next to each other.
    """
    return calendar_variants([("", runs)], compiled, confidence)


# earlier variants (baseline, A) are drawn thinner and lighter, each a little lighter than the next; their line
# style stays the milestone kind's, so a line style has one meaning whatever the chart (issue 25 item 11)
VARIANT_SHADE = (0.55, 0.35, 0.25)
DASH_WORDS = {"solid": "solid", "dash": "dashed", "dot": "dotted", "dashdot": "dash-dotted"}


def kind_legend(compiled) -> str:
    """The legend's title when the line style gives the kind of milestone: the ``dash`` of each kind the scenario
    has, in words, two a line ('Milestone<br><sup>solid: meeting, dashed: joint act,<br>dotted: unilateral
    step</sup>')."""
    from ..lang.milestones import KINDS

    present = {type(m) for m in compiled.milestones}
    styles = [f"{DASH_WORDS.get(cls.dash, cls.dash)}: {cls.kind_name}" for cls in KINDS.values() if cls in present]
    lines = [", ".join(styles[i:i + 2]) for i in range(0, len(styles), 2)]
    return f"Milestone<br><sup>{',<br>'.join(lines)}</sup>" if styles else "Milestone"


def calendar_variants(variants: list[tuple[str, object]], compiled, confidence: float = 0.95) -> go.Figure:
    """Several variants of one scenario (baseline and what-if, or A and B) on one calendar chart.

    ``variants`` is ``[(name, runs), ...]``; the last is the one in focus: solid lines in the milestones'
    colours with their Wilson bands. Earlier ones are thinner, in lighter shades of the same colours, without
    bands. The line style always gives the kind of milestone (with one unnamed variant this is
    ``probability_over_calendar``); one legend entry per milestone shows and hides all its variants at once.
    Buttons above the plot zoom to the weeks before the election (or back to the whole calendar); dragging across the plot
    zooms to any window (the probability axis stays fixed, so a drag selects dates only).
    """
    dates = pd.to_datetime(compiled.dates)
    colors = milestone_colors(compiled)
    history, not_drawn = history_note(compiled)
    fig = go.Figure()
    last = len(variants) - 1
    sizes = []
    for k, (variant, runs) in enumerate(variants):
        df = as_frame(runs)
        n = len(df)
        sizes.append(n)
        focus = k == last
        suffix = f" ({variant})" if variant else ""
        for rank, m in enumerate(m for m in compiled.milestones if m.id not in history):
            name, hover = _legend_name(compiled, m), _hover_name(compiled, m)
            if len(variants) > 1:
                hover += f", {m.noun()}"
            first = to_dates(df[L.first(m.id)]).dropna().sort_values().to_numpy()
            yes = np.searchsorted(first, dates.to_numpy(), side="right")
            low, high = wilson(yes, np.full(len(yes), n), confidence)
            p = yes / max(n, 1)
            group = m.id  # a milestone's variants and band go together (the legend lists the one in focus)
            if focus:
                fig.add_trace(go.Scatter(
                    x=np.concatenate([dates, dates[::-1]]), y=np.concatenate([high, low[::-1]]), mode="lines",
                    fill="toself", fillcolor=translucent(colors[m.id], 0.15), line=dict(width=0), hoverinfo="skip",
                    legendgroup=group, showlegend=False, name=f"{name}{suffix} ({confidence:.0%} band)"))
            if len(variants) == 1:
                line = dict(color=colors[m.id], width=2, dash=m.dash)
            elif focus:
                line = dict(color=colors[m.id], width=2.5, dash=m.dash)
            else:
                shade = VARIANT_SHADE[min(last - 1 - k, len(VARIANT_SHADE) - 1)]
                line = dict(color=translucent(colors[m.id], shade), width=1.5, dash=m.dash)
            fig.add_trace(go.Scatter(
                x=dates, y=p, mode="lines", name=f"{name}{suffix}", legendgroup=group, line=line,
                showlegend=focus,
                legendrank=(0 if focus else 100 * (k + 1)) + rank + 1,
                customdata=np.column_stack([low, high, yes]),
                hovertemplate=(f"<b>{hover}</b>{suffix} {verb(m)} by %{{x|{DATE_FORMAT}}}: %{{y:.1%}} "
                               f"[%{{customdata[0]:.1%}}, %{{customdata[1]:.1%}}], %{{customdata[2]:d}} of {n} runs"
                               "<extra></extra>")))
    add_markers(fig, [(mk, mk.date) for mk in calendar_markers(compiled)])
    runs_text = f"{sizes[-1]:,} runs" + (" each" if len(variants) > 1 else "")
    which = "<br><sup>drag across the chart to zoom to any window; double-click to zoom out</sup>"
    legend = kind_legend(compiled)
    if len(variants) > 1:
        earlier = " and ".join(v for v, _ in variants[:-1])
        which = (f"<br><sup>{variants[-1][0]}: full colour with {confidence:.0%} bands; {earlier}: thin, lighter "
                 "lines of the same colour; drag across the chart to zoom to any window</sup>")
    fig.update_layout(
        title=dict(text=f"How likely is each milestone to have happened by a given date? ({runs_text}, "
                        f"{confidence:.0%} bands){which}{not_drawn}", y=0.97, yanchor="top"),
        xaxis=dict(title="Date", **DATE_TICKS),
        yaxis=dict(title="Share of runs, milestone reached by then", tickformat=".0%", range=[0, 1.02],
                   fixedrange=True),
        updatemenus=[window_buttons(compiled)], hovermode="closest",
        legend=dict(title=legend, groupclick="togglegroup", font=dict(size=11), tracegroupgap=2),
        height=legend_height(fig, 520, 140 if not_drawn else 120), margin=dict(t=140 if not_drawn else 120),
        template="plotly_white")
    return fig


def legend_height(fig: go.Figure, least: int, top: int) -> int:
    """A chart's height that holds its whole legend on the right (plotly scrolls a legend taller than the plot
    area, and cuts it in an exported PNG): ``least``, or more when the legend has many entries."""
    entries = sum(1 for t in fig.data if t.showlegend is not False)
    return max(least, top + 110 + 21 * entries)


def window_buttons(compiled) -> dict:
    """Buttons that set the date axis to a window: the whole calendar, the weeks before the (first) election."""
    start, end = compiled.dates[0], compiled.dates[-1]
    pad = dt.timedelta(days=7)

    def button(label: str, lo: dt.date, hi: dt.date) -> dict:
        lo, hi = max(lo, start - pad), min(hi, end + pad)
        return dict(label=label, method="relayout", args=[{"xaxis.range": [lo.isoformat(), hi.isoformat()]}])

    buttons = [button("Whole calendar", start - pad, end + pad)]
    el = reference_election(compiled)
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
    history, not_drawn = history_note(compiled)
    fig = go.Figure()
    for m in (m for m in compiled.milestones if m.id not in history):
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
    fig.update_layout(title=title + not_drawn, xaxis=dict(title=axis, zeroline=False),
                      yaxis=dict(title="Milestone", autorange="reversed"), violinmode="overlay",
                      legend=dict(title="Milestone"), height=max(460, 140 + 45 * len(compiled.milestones)),
                      template="plotly_white")
    return fig
