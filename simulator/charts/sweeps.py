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


def is_grid(points) -> bool:
    """Whether the points are a full grid: every combination of the varied parameters' values, as
    ``--sample grid`` makes (one varied parameter is a grid too). Points of equal settings can then be pooled and
    drawn as lines and cells. A random sample (``--sample lhs`` or ``sobol``) is not: its points differ in every
    sampled parameter, so joining them into a line or pooling them by one parameter's value says nothing true."""
    import math

    df = as_frame(points)
    varied = varied_parameters(df)
    if len(varied) <= 1:
        return True
    return len(df[varied].drop_duplicates()) == math.prod(int(df[c].nunique()) for c in varied)


def axis_title(param: str, compiled) -> str:
    """A parameter's label for people, as axis title: 'Russia's peak urgency' (the name `--vary` takes is in the
    hover of the sweep tab's menus, never on the chart)."""
    from .words import human_label

    return human_label(param, compiled)


def _title(text: str, width: int = 90) -> tuple[dict, int]:
    """(title hung from the top of the chart in lines of at most ``width`` characters, top margin that holds all its
    lines above the plot)."""
    wrapped = wrap(text, width)
    lines = len(wrapped.split("<br>"))
    return (dict(text=wrapped, x=0.01, xanchor="left", yref="container", y=1, yanchor="top", pad=dict(t=10),
                 font=dict(size=15)), 36 + 22 * lines)


def _hover(*lines: str, width: int = 66) -> str:
    """A hover text of short lines (a long one would run out of the chart)."""
    return "<br>".join(wrap(line, width) for line in lines if line)


def _bins(values: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(``k + 1`` equal-width edges over the values' range, the bin of each value; the top edge is in the last)."""
    lo, hi = float(np.min(values)), float(np.max(values))
    if hi <= lo:
        hi = lo + 1e-9
    edges = np.linspace(lo, hi, k + 1)
    return edges, np.clip(np.searchsorted(edges, values, side="right") - 1, 0, k - 1)


def _bin_mean(p: np.ndarray) -> tuple[float, float, float]:
    """(mean, low, high) of the points' probabilities in a bin: the mean over points and its 95% t interval across
    points (the points differ in the other sampled parameters, so the spread between points counts, not only each
    point's runs); no interval (NaN) for a single point."""
    from scipy import stats

    mean = float(np.mean(p))
    if len(p) < 2:
        return mean, float("nan"), float("nan")
    low, high = stats.t.interval(0.95, len(p) - 1, loc=mean, scale=stats.sem(p)) if np.ptp(p) > 0 else (mean, mean)
    return mean, max(0.0, float(low)), min(1.0, float(high))


def _ids(points) -> str:
    return " ".join(str(int(p)) for p in points)


def _cells_per_side(n_points: int) -> int:
    """Bins per parameter of a sampled sweep's heatmap: about four points a bin, 2 to 10 a side."""
    return int(max(2, min(10, round(np.sqrt(n_points / 4)))))


def clicked_points(hit: dict, points=None, x: str | None = None, y: str | None = None) -> list[int] | None:
    """The points a click on a sampled sweep's chart picks: a dot, its point; a bin, the points in it. Read from
    the clicked element's ``customdata`` (hover text, point numbers) where the click carries it; a heatmap cell's
    click does not (Dash keeps only its x, y and z), so its bin is found again from ``points`` and the axes
    ``x``, ``y``. None for a chart of pooled settings (a grid)."""
    data = hit.get("customdata")
    if isinstance(data, (list, tuple)) and len(data) == 2 and isinstance(data[1], str):
        return [int(p) for p in data[1].split()]
    if points is None or x is None or y is None or "z" not in hit or is_grid(points):
        return None
    df = as_frame(points)
    k = _cells_per_side(len(df))
    xe, xb = _bins(df[x].to_numpy(dtype=float), k)
    ye, yb = _bins(df[y].to_numpy(dtype=float), k)
    cx = int(np.clip(np.searchsorted(xe, float(hit["x"]), side="right") - 1, 0, k - 1))
    cy = int(np.clip(np.searchsorted(ye, float(hit["y"]), side="right") - 1, 0, k - 1))
    return [int(p) for p in df["point"].to_numpy()[(xb == cx) & (yb == cy)]] or None


def _sampled_line(runs, points, compiled, param: str, questions) -> go.Figure:
    """A random sample against one parameter: each point as a dot (its own runs' Wilson interval) and the mean of
    the points in each equal-width bin of ``param`` with its interval across points; empty bins are not drawn."""
    from .words import human_label

    res = point_outcomes(runs, points, compiled)
    label = human_label(param, compiled)
    others = len(varied_parameters(points)) - 1
    x = res[param].to_numpy(dtype=float)
    k = int(max(2, min(12, len(res) // 5)))
    edges, which = _bins(x, k)
    fig = go.Figure()
    for i, q in enumerate(questions):
        color = question_color(q, compiled)
        p, lo, hi = (res[f"{s}.{q.id}"].to_numpy(dtype=float) for s in ("p", "low", "high"))
        fig.add_trace(go.Scatter(
            x=x.tolist(), y=p.tolist(), mode="markers", name=wrap(f"{q.text} (each sampled point)", 50), legendgroup=q.id,
            marker=dict(color=translucent(color, 0.55), size=7, symbol=("circle", "square", "diamond", "cross")[i % 4]),
            error_y=dict(type="data", array=hi - p, arrayminus=p - lo, color=translucent(color, 0.3), thickness=1,
                         width=0),
            customdata=[[_hover(f"point {int(pt)}: {label} = {xv:.3g}",
                                f"{pv:.1%} [{lv:.1%}, {hv:.1%}] over {int(n):,} runs",
                                f"the other {others} sampled parameters take this point's own values"), str(int(pt))]
                        for pt, xv, pv, lv, hv, n in zip(res["point"], x, p, lo, hi, res["n"])],
            hovertemplate="%{customdata[0]}<extra></extra>"))
        bx, by, blo, bhi, cd, text = [], [], [], [], [], []
        for b in range(k):
            inside = np.flatnonzero(which == b)
            if not len(inside):
                continue  # an empty bin stays empty
            mean, low, high = _bin_mean(p[inside])
            runs_in = int(res["n"].to_numpy()[inside].sum())
            bx.append((edges[b] + edges[b + 1]) / 2)
            by.append(mean)
            blo.append(mean - low if low == low else 0.0)
            bhi.append(high - mean if high == high else 0.0)
            spread = (f"95% interval across points [{low:.1%}, {high:.1%}]" if low == low
                      else "one point: no interval across points")
            cd.append([_hover(f"{label} from {edges[b]:.3g} to {edges[b + 1]:.3g}",
                              f"mean {mean:.1%} of {len(inside)} point{'s' if len(inside) > 1 else ''} "
                              f"({runs_in:,} runs); {spread}"), _ids(res["point"].to_numpy()[inside])])
            text.append(f"{len(inside)}")
        fig.add_trace(go.Scatter(
            x=bx, y=by, mode="markers+text", name=wrap(f"{q.text} (mean of the points in each bin)", 50),
            legendgroup=q.id, text=text, textposition="top right", textfont=dict(size=10, color=color),
            marker=dict(color=color, size=13, symbol="line-ew-open", line=dict(width=3, color=color)),
            error_y=dict(type="data", array=bhi, arrayminus=blo, color=color, thickness=2, width=6),
            error_x=dict(type="constant", value=(edges[1] - edges[0]) / 2, color=color, thickness=2, width=0),
            customdata=cd, hovertemplate="%{customdata[0]}<extra></extra>"))
    title, top = _title(f"How do the probabilities change with {label}? Dots: the {len(res)} sampled points, "
                        f"which differ in all {others + 1} sampled parameters (so neighbouring dots need not "
                        f"agree); bars: the mean of the points in each of {k} bins, with its 95% interval across "
                        "points and the number of points beside it")
    fig.update_layout(title=title, margin=dict(t=top), xaxis=dict(title=axis_title(param, compiled),
                                                                    tickformat=".3g"),
                      yaxis=dict(title="Probability", tickformat=".0%", range=[-0.02, 1.05]),
                      legend=dict(title="Question"), height=520 + top - 100, template="plotly_white",
                      hoverlabel=dict(align="left"))
    return fig


def _sampled_heatmap(runs, points, compiled, x: str, y: str, q) -> go.Figure:
    """A random sample over two parameters: the mean of the points falling in each bin (equal-width bins, about
    four points a bin), with the number of points written in it; an empty bin has no colour and no hover. The
    points themselves are drawn on top."""
    from .words import human_label

    res = point_outcomes(runs, points, compiled)
    xl, yl = human_label(x, compiled), human_label(y, compiled)
    k = _cells_per_side(len(res))
    xe, xb = _bins(res[x].to_numpy(dtype=float), k)
    ye, yb = _bins(res[y].to_numpy(dtype=float), k)
    p = res[f"p.{q.id}"].to_numpy(dtype=float)
    n = res["n"].to_numpy()
    ids = res["point"].to_numpy()
    z = np.full((k, k), np.nan)
    text = np.full((k, k), "", dtype=object)
    cd = np.empty((k, k), dtype=object)
    for i in range(k):
        for j in range(k):
            inside = np.flatnonzero((yb == i) & (xb == j))
            cd[i, j] = ["", ""]
            if not len(inside):
                continue
            mean, low, high = _bin_mean(p[inside])
            z[i, j] = mean
            many = len(inside) > 1
            text[i, j] = f"{mean:.0%}<br>{len(inside)} pt{'s' if many else ''}"
            spread = f"95% interval across points [{low:.1%}, {high:.1%}]" if many else "one point: no interval"
            cd[i, j] = [_hover(f"{xl}: {xe[j]:.3g} to {xe[j + 1]:.3g}", f"{yl}: {ye[i]:.3g} to {ye[i + 1]:.3g}",
                               f"mean {mean:.1%} of {len(inside)} point{'s' if many else ''} "
                               f"({int(n[inside].sum()):,} runs); {spread}"), _ids(ids[inside])]
    cells = go.Heatmap(x=xe.tolist(), y=ye.tolist(), z=[[None if v != v else v for v in row] for row in z.tolist()],
                       zmin=0, zmax=1, colorscale="Viridis", hoverongaps=False,
                       colorbar=dict(title="Probability", tickformat=".0%"), text=text, texttemplate="%{text}",
                       textfont=dict(size=12), customdata=cd.tolist(), hovertemplate="%{customdata[0]}<extra></extra>")
    others = len(varied_parameters(points)) - 2
    dots = go.Scatter(
        x=res[x].tolist(), y=res[y].tolist(), mode="markers", name="sampled points", showlegend=False,
        marker=dict(size=6, color="rgba(255,255,255,0.85)", line=dict(color="#333", width=1)),
        customdata=[[_hover(f"point {int(pt)}: {xl} = {xv:.3g}, {yl} = {yv:.3g}",
                            f"{pv:.1%} [{lv:.1%}, {hv:.1%}] over {int(m):,} runs",
                            f"the other {others} sampled parameters take this point's own values" if others else ""),
                     str(int(pt))]
                    for pt, xv, yv, pv, lv, hv, m in zip(ids, res[x], res[y], p, res[f"low.{q.id}"],
                                                          res[f"high.{q.id}"], n)],
        hovertemplate="%{customdata[0]}<extra></extra>")
    fig = go.Figure([cells, dots])
    title, top = _title(f"{q.text} Mean probability of the sampled points in each bin of {xl} and {yl} "
                        "(number of points in the bin; empty bins hold no point; dots: the points)")
    fig.update_layout(title=title, margin=dict(t=top), height=520 + top - 100, template="plotly_white",
                      xaxis=dict(title=xl, tickvals=list(xe), ticktext=[f"{v:.3g}" for v in xe], showgrid=False),
                      yaxis=dict(title=yl, tickvals=list(ye), ticktext=[f"{v:.3g}" for v in ye], showgrid=False),
                      hoverlabel=dict(align="left"))
    return fig


def sweep_line(runs, points, compiled, param: str, questions: list[str] | None = None) -> go.Figure:
    """Probability of each question against one varied parameter, as the design supports: on a grid, a line
    through the settings with its Wilson band, points of the same value of ``param`` pooled (the hover and the
    title say over which other parameters); on a random sample, the points and binned means (``_sampled_line``).
    """
    from .words import human_label

    chosen = [q for q in compiled.questions if questions is None or q.id in questions]
    if not is_grid(points):
        return _sampled_line(runs, points, compiled, param, chosen)
    res = point_outcomes(runs, points, compiled, by=[param])
    pts = as_frame(points)
    per_value = pts.groupby(param)["point"].nunique().reindex(res[param]).to_numpy()
    label = human_label(param, compiled)
    others = [human_label(p, compiled) for p in varied_parameters(pts) if p != param]
    pooled = (f"pooled over {', '.join(others)}" if others else "one point per value")
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
            hovertemplate=(_hover(f"{label} = %{{x:.3g}}: %{{y:.1%}} [%{{customdata[0]:.1%}}, %{{customdata[1]:.1%}}]",
                                  "%{customdata[2]:,} runs of %{customdata[3]} point(s)" + (f", {pooled}" if others
                                                                                            else ""), width=90)
                           + "<extra></extra>")))
    title, top = _title(f"How do the questions' probabilities change with {label}? (95% Wilson bands; {pooled})")
    fig.update_layout(title=title, margin=dict(t=top),
                      xaxis=dict(title=axis_title(param, compiled), tickformat=".3g",
                                 tickvals=sorted(res[param].unique()) if res[param].nunique() <= 12 else None),
                      yaxis=dict(title="Probability", tickformat=".0%", range=[0, 1.02]),
                      legend=dict(title="Question"), height=520 + top - 100, template="plotly_white")
    return fig


def sweep_heatmap(runs, points, compiled, x: str, y: str, question: str) -> go.Figure:
    """A question's probability over two parameters, as the design supports: on a grid, one cell per setting
    (settings that differ only in other parameters pooled; a setting without runs left empty); on a random sample,
    binned means with their counts, empty bins empty (``_sampled_heatmap``)."""
    from .words import human_label

    q = next(q for q in compiled.questions if q.id == question)
    if not is_grid(points):
        return _sampled_heatmap(runs, points, compiled, x, y, q)
    res = point_outcomes(runs, points, compiled, by=[x, y])
    xl, yl = human_label(x, compiled), human_label(y, compiled)
    colorbar = dict(title="Probability", tickformat=".0%")
    full = pd.MultiIndex.from_product([sorted(as_frame(points)[y].unique()), sorted(as_frame(points)[x].unique())])
    grid = res.set_index([y, x]).reindex(full).unstack()  # a setting without runs: an empty cell, never 0%
    trace = go.Heatmap(
        x=list(grid[f"p.{question}"].columns), y=list(grid.index),
        z=[[None if v != v else v for v in row] for row in grid[f"p.{question}"].to_numpy().tolist()], zmin=0, zmax=1,
        colorscale="Viridis", colorbar=colorbar, texttemplate="%{z:.0%}", textfont=dict(size=13), hoverongaps=False,
        customdata=np.dstack([grid[f"low.{question}"].to_numpy(), grid[f"high.{question}"].to_numpy(),
                              grid["n"].to_numpy()]),
        hovertemplate=(_hover(f"{xl} = %{{x:.3g}}", f"{yl} = %{{y:.3g}}", width=90) + "<br>%{z:.1%} "
                       "[%{customdata[0]:.1%}, %{customdata[1]:.1%}], %{customdata[2]:,} runs<extra></extra>"))
    fig = go.Figure(trace)
    xaxis = dict(title=xl, tickvals=list(trace.x), ticktext=[f"{v:.3g}" for v in trace.x])
    yaxis = dict(title=yl, tickvals=list(trace.y), ticktext=[f"{v:.3g}" for v in trace.y])
    title, top = _title(f"{q.text} Probability over {xl} and {yl}")
    fig.update_layout(title=title, margin=dict(t=top), xaxis=xaxis, yaxis=yaxis, height=520 + top - 100,
                      template="plotly_white")
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
