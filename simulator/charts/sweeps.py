"""Charts of a parameter sweep: how question probabilities move with the varied parameters.

Inputs are the sweep's runs table and its points table (``point`` plus one
column per parameter set at that point); several points with equal values
are pooled.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..stats import wilson
from .frames import as_frame, question_yes, wrap
from .palette import question_color, translucent


def varied_parameters(points) -> list[str]:
    """Parameters that take more than one value across the points."""
    df = as_frame(points)
    return [c for c in df.columns if c != "point" and df[c].nunique(dropna=True) > 1]


def point_outcomes(runs, points, compiled, by: list[str] | None = None) -> pd.DataFrame:
    """One row per distinct setting of ``by`` (default: per point): runs, and p/low/high per question."""
    df, pts = as_frame(runs), as_frame(points)
    yes = pd.DataFrame({q.id: question_yes(df, q) for q in compiled.questions})
    yes["point"] = df["point"].to_numpy()
    merged = yes.merge(pts, on="point", how="left")
    keys = by or ["point"]
    grouped = merged.groupby(keys, sort=True)
    out = grouped[[q.id for q in compiled.questions]].sum().rename(columns=lambda c: f"yes.{c}")
    out["n"] = grouped.size()
    for q in compiled.questions:
        k = out[f"yes.{q.id}"].to_numpy()
        low, high = wilson(k, out["n"].to_numpy())
        out[f"p.{q.id}"], out[f"low.{q.id}"], out[f"high.{q.id}"] = k / out["n"].to_numpy(), low, high
    out = out.reset_index()
    if by is None:
        out = out.merge(pts, on="point", how="left")
    return out


def axis_title(param: str, compiled) -> str:
    """'Russia's peak urgency (russia.urgency.peak)': the words and the name `--set` and `--vary` take."""
    from .words import human_label

    return f"{human_label(param, compiled)} ({param})"


def sweep_line(runs, points, compiled, param: str, questions: list[str] | None = None) -> go.Figure:
    """Probability of each question (line, Wilson band) against one varied parameter.

    Points with the same value of ``param`` are pooled (over whatever else varies); the hover and the title
    say how many points each value pools and which other parameters vary among them.
    """
    res = point_outcomes(runs, points, compiled, by=[param])
    pts = as_frame(points)
    per_value = pts.groupby(param)["point"].nunique().reindex(res[param]).to_numpy()
    others = [p for p in varied_parameters(pts) if p != param]
    pooled = (f"pooled over {', '.join(others)}" if others else "one point per value")
    chosen = [q for q in compiled.questions if questions is None or q.id in questions]
    fig = go.Figure()
    for i, q in enumerate(chosen):
        color = question_color(q, compiled)
        x = res[param].to_numpy()
        fig.add_trace(go.Scatter(
            x=np.concatenate([x, x[::-1]]), y=np.concatenate([res[f"high.{q.id}"], res[f"low.{q.id}"][::-1]]),
            mode="lines", fill="toself", fillcolor=translucent(color, 0.1), line=dict(width=0), hoverinfo="skip",
            legendgroup=q.id, showlegend=False))
        fig.add_trace(go.Scatter(
            x=x, y=res[f"p.{q.id}"], mode="lines+markers", name=wrap(q.text, 50), legendgroup=q.id,
            line=dict(color=color, dash=("solid", "dash", "dot", "dashdot")[i % 4]),
            customdata=np.column_stack([res[f"low.{q.id}"], res[f"high.{q.id}"], res["n"], per_value]),
            hovertemplate=(f"{param} = %{{x:.3g}}: %{{y:.1%}} [%{{customdata[0]:.1%}}, %{{customdata[1]:.1%}}], "
                           "%{customdata[2]:,} runs of %{customdata[3]} point(s)"
                           + (f", {pooled}" if others else "") + "<extra></extra>")))
    fig.update_layout(title=wrap(f"How do the questions' probabilities change with {param}? (95% Wilson bands; "
                                 f"{pooled})", 110),
                      xaxis=dict(title=axis_title(param, compiled), tickformat=".3g",
                                 tickvals=sorted(res[param].unique()) if res[param].nunique() <= 12 else None),
                      yaxis=dict(title="Probability", tickformat=".0%", range=[0, 1.02]),
                      legend=dict(title="Question"), height=520, template="plotly_white")
    return fig


def sweep_heatmap(runs, points, compiled, x: str, y: str, question: str) -> go.Figure:
    """A question's probability over two parameters: a heatmap on a grid, binned averages for scattered samples."""
    q = next(q for q in compiled.questions if q.id == question)
    res = point_outcomes(runs, points, compiled, by=[x, y])
    nx, ny = res[x].nunique(), res[y].nunique()
    colorbar = dict(title="Probability", tickformat=".0%")
    if nx * ny <= 2 * len(res) and max(nx, ny) <= 60:  # a grid (full or nearly): one cell per setting
        grid = res.pivot(index=y, columns=x)
        trace = go.Heatmap(
            x=grid[f"p.{question}"].columns, y=grid.index, z=grid[f"p.{question}"].to_numpy(), zmin=0, zmax=1,
            colorscale="Viridis", colorbar=colorbar, texttemplate="%{z:.0%}", textfont=dict(size=13),
            customdata=np.dstack([grid[f"low.{question}"].to_numpy(), grid[f"high.{question}"].to_numpy(),
                                  grid["n"].to_numpy()]),
            hovertemplate=(f"{x} = %{{x:.3g}}, {y} = %{{y:.3g}}<br>%{{z:.1%}} [%{{customdata[0]:.1%}}, "
                           "%{customdata[1]:.1%}], %{customdata[2]:,} runs<extra></extra>"))
    else:  # scattered samples (LHS, Sobol): average of the points falling in each bin
        trace = go.Histogram2d(x=res[x], y=res[y], z=res[f"p.{question}"], histfunc="avg", nbinsx=12, nbinsy=12,
                               zmin=0, zmax=1, colorscale="Viridis", colorbar=colorbar,
                               hovertemplate=f"{x} %{{x}}, {y} %{{y}}<br>mean %{{z:.1%}}<extra></extra>")
    fig = go.Figure(trace)
    xaxis, yaxis = dict(title=axis_title(x, compiled)), dict(title=axis_title(y, compiled))
    if isinstance(trace, go.Heatmap):  # ticks at the grid's values, one per cell
        xaxis.update(tickvals=list(trace.x), ticktext=[f"{v:.3g}" for v in trace.x])
        yaxis.update(tickvals=list(trace.y), ticktext=[f"{v:.3g}" for v in trace.y])
    fig.update_layout(title=wrap(f"{q.text} Probability over {x} and {y}", 100), xaxis=xaxis, yaxis=yaxis,
                      height=520, template="plotly_white")
    return fig


def sweep_parallel(runs, points, compiled, question: str, params: list[str] | None = None,
                   also: list[str] = ()) -> go.Figure:
    """Parallel coordinates of sampled points (LHS, Sobol): one axis per parameter, then the question's
    probability (and those of the ``also`` questions), lines coloured by the question's probability."""
    res = point_outcomes(runs, points, compiled)
    params = params or varied_parameters(points)
    dims = [dict(label=p, values=res[p], tickformat=".3g") for p in params]
    dims += [dict(label=f"P({q})", values=res[f"p.{q}"], range=[0, 1], tickformat=".0%") for q in [question, *also]]
    q = next(q for q in compiled.questions if q.id == question)
    fig = go.Figure(go.Parcoords(
        dimensions=dims, labelangle=-25, labelside="top", labelfont=dict(size=11),
        line=dict(color=res[f"p.{question}"], colorscale="Viridis", cmin=0, cmax=1, showscale=True,
                  colorbar=dict(title=f"P({question})", tickformat=".0%"))))
    fig.update_layout(title=wrap(f"Which parameter settings make it likely? {q.text} "
                                 f"(colour; {len(res):,} points, {int(res['n'].sum()):,} runs)", 110),
                      height=600, template="plotly_white", margin=dict(t=190, l=90, r=90, b=40))
    return fig
