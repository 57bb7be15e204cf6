"""Charts of the outside view: the reference classes counted from the dataset (``outside_view.curves``)."""

from __future__ import annotations

import plotly.graph_objects as go

from .palette import MILESTONE_PALETTE, translucent


def class_curves(curves) -> go.Figure:
    """The chance each class has happened by day since it became possible, a step line per class with its 95%
    interval as a band (``curves``: ClassCurve objects, or a dict of them); classes are named in words."""
    curves = list(curves.values()) if isinstance(curves, dict) else list(curves)
    fig = go.Figure()
    for i, c in enumerate(curves):
        color = MILESTONE_PALETTE[i % len(MILESTONE_PALETTE)]
        name = f"{c.label} ({c.spells} spells, {len(c.negotiations)} negotiations)"
        pct = [None if x is None else 100 * x for x in c.chance]
        low = [None if x is None else 100 * x for x in c.low]
        high = [None if x is None else 100 * x for x in c.high]
        fig.add_trace(go.Scatter(x=c.days, y=high, mode="lines", line={"width": 0, "shape": "hv"},
                                 legendgroup=c.name, showlegend=False, hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=c.days, y=low, mode="lines", line={"width": 0, "shape": "hv"},
                                 fill="tonexty", fillcolor=translucent(color, 0.15), legendgroup=c.name,
                                 showlegend=False, hoverinfo="skip"))
        custom = [[lo, hi] for lo, hi in zip(low, high)]
        fig.add_trace(go.Scatter(
            x=c.days, y=pct, mode="lines", name=name, legendgroup=c.name, line={"color": color, "shape": "hv"},
            customdata=custom,
            hovertemplate=f"{c.label}<br>within %{{x}} days: %{{y:.0f}}% (interval %{{customdata[0]:.0f}}% to "
                          "%{customdata[1]:.0f}%)<extra></extra>"))
    fig.update_layout(title="How soon steps of each kind happened once possible (past negotiations)",
                      xaxis_title="days since it became possible", yaxis_title="share that had happened (%)",
                      yaxis_range=[0, 100], legend={"title": "kind of step"})
    return fig
