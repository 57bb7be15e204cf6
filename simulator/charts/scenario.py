"""Charts of the scenario itself: who is aligned with and has leverage over whom, and what every number rests on."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from ..scenario.params import TOGGLE, iter_parameters
from .frames import wrap
from .palette import NEGATIVE, POSITIVE, actor_colors

ROLE_SYMBOL = {"party": "circle", "mediator": "diamond", "domestic": "square"}


def describe(p) -> str:
    """A parameter's distribution in words: 0.4, uniform 0.15-0.35, ..."""
    if p.dist == "fixed":
        return f"{p.value:g}"
    if p.dist == "uniform":
        return f"uniform {p.low:g} to {p.high:g}"
    if p.dist == "triangular":
        return f"triangular {p.low:g} / {p.mode:g} / {p.high:g}"
    lo, hi = p.bounds
    if p.dist == "beta":
        return f"beta(a={p.a:g}, b={p.b:g}) on {lo:g} to {hi:g}"
    return f"normal(mean={p.mean:g}, sd={p.sd:g}) within {lo:.3g} to {hi:.3g}"


def _mid(p) -> float:
    lo, hi = p.bounds
    return (lo + hi) / 2


def actor_network(compiled) -> go.Figure:
    """Actors on a circle; alignment as lines (green positive, red negative, width = strength), leverage as
    arrows from the actor who holds it (width = strength). Hover the small dots on the edges for values."""
    import networkx as nx

    sc = compiled.scenario
    colors = actor_colors(compiled)
    graph = nx.DiGraph()
    graph.add_nodes_from(a.id for a in sc.actors)
    pos = nx.circular_layout(graph)  # deterministic; scenario order around the circle
    fig = go.Figure()
    hover_x, hover_y, hover_text = [], [], []
    for a in sc.actors:
        for other, p in a.alignment.items():
            (x0, y0), (x1, y1) = pos[a.id], pos[other]
            v = _mid(p)
            fig.add_trace(go.Scatter(x=[x0, x1], y=[y0, y1], mode="lines", hoverinfo="skip", showlegend=False,
                                     name=f"alignment {a.id}-{other}",
                                     line=dict(color=POSITIVE if v >= 0 else NEGATIVE, width=1 + 6 * abs(v))))
            hover_x.append((x0 + x1) / 2)
            hover_y.append((y0 + y1) / 2)
            hover_text.append(f"alignment {a.id} with {other}: {describe(p)}")
    for a in sc.actors:
        for other, p in a.leverage.items():
            (x0, y0), (x1, y1) = pos[a.id], pos[other]
            # offset sideways so an arrow does not sit on top of the alignment line between the same pair
            dx, dy = x1 - x0, y1 - y0
            norm = math.hypot(dx, dy) or 1.0
            ox, oy = -dy / norm * 0.06, dx / norm * 0.06
            fig.add_annotation(x=x0 + 0.85 * dx + ox, y=y0 + 0.85 * dy + oy, ax=x0 + 0.15 * dx + ox,
                               ay=y0 + 0.15 * dy + oy, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                               arrowhead=2, arrowsize=1, arrowwidth=1 + 6 * _mid(p), arrowcolor=colors[a.id],
                               opacity=0.8, text="", name=f"leverage {a.id}->{other}")
            hover_x.append(x0 + 0.5 * dx + ox)
            hover_y.append(y0 + 0.5 * dy + oy)
            hover_text.append(f"leverage of {a.id} over {other}: {describe(p)}")
    fig.add_trace(go.Scatter(x=hover_x, y=hover_y, mode="markers", name="edge values (hover)",
                             marker=dict(size=7, color="#999"), text=hover_text, hoverinfo="text", showlegend=False))
    fig.add_trace(go.Scatter(
        x=[pos[a.id][0] for a in sc.actors], y=[pos[a.id][1] for a in sc.actors], mode="markers+text",
        name="actors", text=[wrap(a.name, 22) for a in sc.actors], textposition="bottom center",
        marker=dict(size=30, color=[colors[a.id] for a in sc.actors],
                    symbol=[ROLE_SYMBOL[a.role] for a in sc.actors], line=dict(color="#333", width=1)),
        customdata=[a.role for a in sc.actors], hovertemplate="%{text} (%{customdata})<extra></extra>",
        showlegend=False))
    axis = dict(visible=False, range=[-1.35, 1.35])
    fig.update_layout(
        title="Who is aligned with whom, and who has leverage over whom?<br><sup>lines: alignment (green aligned, "
              "red opposed); arrows: leverage, from the actor who holds it; width: strength; circle: party, "
              "diamond: mediator, square: domestic actor; hover the grey dots for values</sup>",
        xaxis=axis, yaxis=dict(axis, scaleanchor="x"), height=560, template="plotly_white")
    return fig


def evidence_rows(compiled) -> list[dict]:
    """Every scenario parameter and precondition with its value, quote or assumption, and source."""
    sc = compiled.scenario
    sources = {s.id: s for s in sc.sources}
    rows = []

    def add(item: str, value: str, sourced) -> None:
        if sourced.evidence is not None:
            src = sources.get(sourced.evidence.source)
            where = f"{src.id}: {src.publisher}, {src.date}" if src else sourced.evidence.source
            rows.append({"item": item, "value": value, "basis": "evidence",
                         "text": f"“{sourced.evidence.quote}”", "source": where})
        else:
            rows.append({"item": item, "value": value, "basis": "assumption", "text": sourced.assumption,
                         "source": ""})

    for name, p, _ in iter_parameters(sc):
        if p is not TOGGLE:  # implicit on/off switches carry no claim
            add(name, describe(p), p)
    for pre in sc.preconditions:
        r = pre.requires
        need = (f"meeting {r.meeting}" if hasattr(r, "meeting") else
                f"{r.concession} at {r.stage}" if hasattr(r, "concession") else f"event {r.event}")
        add(f"precondition {pre.id}", f"{pre.kind}: {pre.demanded_by} wants {need} before {pre.before}", pre)
    return rows


def evidence_table(compiled) -> go.Figure:
    rows = evidence_rows(compiled)
    fill = {"evidence": "#e5f5e0", "assumption": "#fff3d6"}
    # (header, key, characters per line); column widths follow the same proportions
    cols = [("Parameter or precondition", "item", 30), ("Value", "value", 26), ("Basis", "basis", 11),
            ("Quote or assumption", "text", 85), ("Source", "source", 30)]
    lines = [max(len(wrap(r[key], width).split("<br>")) for _, key, width in cols) for r in rows]
    fig = go.Figure(go.Table(
        columnwidth=[w for *_, w in cols],
        header=dict(values=[f"<b>{c}</b>" for c, *_ in cols], fill_color="#d9d9d9", align="left"),
        cells=dict(values=[[wrap(r[key], width) for r in rows] for _, key, width in cols], align="left",
                   fill_color=[[fill[r["basis"]] for r in rows]], height=22, font=dict(size=11))))
    n_ev = sum(r["basis"] == "evidence" for r in rows)
    fig.update_layout(title=f"What does each number rest on? {n_ev} of {len(rows)} items cite a source quote; "
                            "the rest are stated assumptions",
                      height=120 + sum(10 + 14 * k for k in lines), margin=dict(l=10, r=10, t=60, b=10))
    return fig
