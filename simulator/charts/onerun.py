"""One run, step by step: each party's pressure and each concession ladder's stage up to a chosen step (a week,
a day: the scenario's step, ``words.step_words``)."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .dates import DATE_TICKS
from .frames import DATE_FORMAT, add_markers, as_frame, calendar_markers, day, to_dates
from .palette import actor_colors
from .words import short


def actor_weeks(weeks, compiled, week: int) -> go.Figure:
    """Pressure received by each party (top) and concession stage of each ladder (bottom) through ``week``.

    ``weeks`` has one row per step: ``step``, ``date``, ``pressure.<party>`` and
    ``stage.<ladder>`` (index of the stage reached, 0 = the starting stage).
    The rest of the calendar stays on the axis, so stepping through a run keeps the frame still.
    """
    from .words import step_words

    steps = step_words(compiled)
    df = as_frame(weeks)
    shown = df[df["step"] <= week]
    dates = to_dates(shown["date"])
    sc = compiled.scenario
    w = compiled.words
    colors = actor_colors(compiled)
    who = {a.id: short(compiled, a.id) for a in sc.actors}
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12, row_heights=[0.55, 0.45],
                        subplot_titles=[f"Pressure on each party (after decay and this {steps.one}'s mediation)",
                                        "Concessions: stage reached on each ladder"])
    for party in compiled.parties:
        fig.add_trace(go.Scatter(x=dates, y=shown[f"pressure.{party}"], mode="lines+markers",
                                 name=f"pressure on {who[party]}",
                                 line=dict(color=colors[party], width=2), marker=dict(size=4),
                                 hovertemplate=(f"{w.name(party)}: pressure %{{y:.2f}}, %{{x|{DATE_FORMAT}}}"
                                                "<extra></extra>")),
                      row=1, col=1)
    for lad in sc.concessions:
        names = [w.name(f"{lad.id}.{s.id}") for s in lad.stages]
        fig.add_trace(go.Scatter(x=dates, y=shown[f"stage.{lad.id}"], mode="lines", line_shape="hv",
                                 name=f"{w.name(lad.id)} ({who.get(lad.actor, w.name(lad.actor))})",
                                 line=dict(color=colors[lad.actor], width=3),
                                 text=[names[i] for i in shown[f"stage.{lad.id}"]],
                                 hovertemplate=f"%{{text}}, %{{x|{DATE_FORMAT}}}<extra></extra>"), row=2, col=1)
    current = compiled.dates[min(max(week, 0), len(compiled.dates) - 1)]
    for row in (1, 2):
        fig.add_vline(x=current.isoformat(), line=dict(color="#000", width=2), row=row, col=1)
    markers = calendar_markers(compiled)
    add_markers(fig, [(m, m.date) for m in markers])
    pad = dt.timedelta(days=10)
    fig.update_xaxes(type="date", range=[compiled.dates[0] - pad, compiled.dates[-1] + pad], **DATE_TICKS)
    fig.update_yaxes(title="pressure", rangemode="tozero", row=1, col=1)
    ladder_ticks = list(range(max((len(lad.stages) for lad in sc.concessions), default=1)))
    # one ladder: its stage names on the axis; several: stage numbers (the hover names each stage)
    names = ([w.name(f"{sc.concessions[0].id}.{s.id}") for s in sc.concessions[0].stages]
             if len(sc.concessions) == 1 else None)
    fig.update_yaxes(title="stage", tickvals=ladder_ticks, ticktext=names,
                     range=[-0.3, max(ladder_ticks) + 0.3], row=2, col=1)
    fig.update_yaxes(automargin=True)
    fig.update_xaxes(automargin=True)
    fig.update_layout(title=dict(text=f"{steps.counter(week + 1, len(compiled.dates))}: {day(current)} "
                                      f"(thick black line: this {steps.one})"),
                      height=560, template="plotly_white", margin=dict(l=20, r=20, t=70, b=50),
                      legend=dict(title="Lines", x=1.02, xanchor="left", y=1, yanchor="top"))
    return fig
