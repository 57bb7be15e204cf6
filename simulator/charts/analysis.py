"""Charts of the analysis commands: explanations, comparisons, Sobol indices (calibration: ``charts.track``)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .calendar import probability_over_calendar
from .frames import wrap


def _explained_rows(explained: dict) -> list[tuple[str, list[dict]]]:
    """(name, blocked_by) per explained milestone; accepts ``milestones`` (each ``name`` or ``milestone``) or the
    older ``levels`` (each ``level``)."""
    items = explained.get("milestones", explained.get("levels", []))
    return [(it.get("name") or it.get("milestone") or it.get("level") or it.get("id"), it["blocked_by"])
            for it in items]


def _reason(b: dict) -> str:
    """A blocker in words: its sentence (``summary.reason_text``, as ``explain`` gives it) or 'actor: reason'."""
    return b.get("text") or f"{b['actor']}: {b['reason']}"


def blockers(explained: dict) -> go.Figure:
    """``explain``: for each milestone, the share of runs in which each actor and reason blocked it."""
    fig = go.Figure()
    rows = _explained_rows(explained)
    keys = []
    for _, blocked_by in rows:
        for b in blocked_by:
            key = _reason(b)
            if key not in keys:
                keys.append(key)
    names = [name for name, _ in rows]
    for key in keys:
        shares = [next((b["runs_share"] for b in blocked_by if _reason(b) == key), 0.0)
                  for _, blocked_by in rows]
        fig.add_trace(go.Bar(y=names, x=shares, orientation="h", name=key,
                             hovertemplate=f"{key}<br>%{{y}}: blocked in %{{x:.1%}} of runs<extra></extra>"))
    fig.update_layout(title="Who blocked each milestone, and why? (share of runs blocked at least once)",
                      barmode="group", xaxis=dict(title="Share of runs", tickformat=".0%", range=[0, 1]),
                      yaxis=dict(title="Milestone", autorange="reversed"), legend=dict(title="Blocked by"),
                      template="plotly_white", height=max(320, 90 * len(names)))
    return fig


def side_by_side_calendar(runs_a, compiled_a, runs_b, compiled_b, label_a: str = "A",
                          label_b: str = "B") -> go.Figure:
    """``compare``: the probability-over-calendar chart of each variant, side by side on one y axis."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=(label_a, label_b))
    for col, (runs, compiled) in enumerate(((runs_a, compiled_a), (runs_b, compiled_b)), start=1):
        single = probability_over_calendar(runs, compiled)
        for trace in single.data:
            if trace.legendgroup == "calendar-markers":  # the election lines are drawn per panel below
                continue
            trace.showlegend = trace.showlegend is not False and col == 1
            fig.add_trace(trace, row=1, col=col)
        for el in compiled.elections:
            for when, dash in ((el.round1, "solid"), (el.runoff, "dash")):
                if when is not None:
                    fig.add_vline(x=when.isoformat(), line=dict(color="grey", dash=dash, width=1), row=1, col=col)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    fig.update_yaxes(title_text="Share of runs, milestone reached by then", row=1, col=1)
    fig.update_layout(title="How likely is each milestone by a given date, in each variant? (same random numbers)",
                      template="plotly_white", height=520, legend=dict(title="Milestone"))
    return fig


def tornado(indices: dict, question: str | None = None) -> go.Figure:
    """``sensitivity``: first-order and total Sobol indices of one question, largest total effect on top."""
    q = next(q for q in indices["questions"] if question in (None, q["id"]))
    rows = sorted(q["indices"], key=lambda r: r["ST"])
    names = [r["name"] for r in rows]
    fig = go.Figure()
    for key, label in (("ST", "total effect ST"), ("S1", "first order S1")):
        fig.add_trace(go.Bar(y=names, x=[r[key] for r in rows], orientation="h", name=label,
                             error_x=dict(type="data", array=[r[f"{key}_conf"] for r in rows]),
                             hovertemplate=f"%{{y}}: {label} %{{x:.3f}}<extra></extra>"))
    fig.update_layout(title=wrap(f"Which parameters drive '{q['text']}'? (Sobol indices, 95% intervals)", 90),
                      barmode="group", xaxis=dict(title="Share of variance"), yaxis=dict(title="Parameter"),
                      template="plotly_white", height=max(320, 40 * len(names) + 160))
    return fig


def one_at_a_time(screen: dict, question: str, words, threshold: float, top: int = 12) -> go.Figure:
    """How far one question's probability moves when each number is moved on its own (the fragile-forecast screen,
    ``analysis.fragile``, run with threshold 0 so every move is kept): the largest moves, with 95% intervals, and
    the fragile threshold either side. ``words(row)`` says a row's move (``analysis.fragile.move_words``). A move
    whose whole interval lies beyond the threshold is a fragile flag."""
    entry = next(q for q in screen["questions"] if q["id"] == question)
    rows = sorted(entry["flags"] + entry["borderline"], key=lambda r: abs(r["delta"]))[-top:]
    names = [wrap(words(r), 60) for r in rows]
    fragile = [r["low"] > threshold or r["high"] < -threshold for r in rows]
    fig = go.Figure(go.Bar(
        y=names, x=[100 * r["delta"] for r in rows], orientation="h",
        marker=dict(color=["#b2261b" if f else "#7f9cc0" for f in fragile]),
        error_x=dict(type="data", symmetric=False, array=[100 * (r["high"] - r["delta"]) for r in rows],
                     arrayminus=[100 * (r["delta"] - r["low"]) for r in rows]),
        hovertemplate="%{y}<br>moves it %{x:+.1f} pts<extra></extra>"))
    for x in (-100 * threshold, 100 * threshold):
        fig.add_vline(x=x, line=dict(color="grey", dash="dot", width=1))
    fig.update_layout(
        title=wrap(f"What moves '{entry['text'].strip()}'? Each number moved on its own, on "
                   f"{screen['replications']} paired runs (red: fragile, beyond ±{100 * threshold:.0f} pts)", 90),
        xaxis=dict(title="Change of the probability (pts), 95% interval", zeroline=True),
        yaxis=dict(title=""), template="plotly_white", showlegend=False,
        height=max(300, 34 * len(rows) + 170), margin=dict(l=20))
    return fig
