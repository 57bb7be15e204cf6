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


def bin_mean(p) -> tuple[float, float, float]:
    """(mean, low, high) of the points' probabilities in a bin: the mean over points and its 95% t interval across
    points (the points differ in the other sampled parameters, so the spread between points counts, not only each
    point's runs); no interval (NaN) for a single point."""
    from scipy import stats

    p = np.asarray(p, dtype=float)
    mean = float(np.mean(p))
    if len(p) < 2:
        return mean, float("nan"), float("nan")
    low, high = stats.t.interval(0.95, len(p) - 1, loc=mean, scale=stats.sem(p)) if np.ptp(p) > 0 else (mean, mean)
    return mean, max(0.0, float(low)), min(1.0, float(high))


def _answers(runs, compiled, q, groups: list, answer_of) -> list:
    """The typed answer of question ``q`` over each group of runs (row numbers of ``runs``, an Arrow table or a
    frame): its summary entry (``summary.question_entries``) made an answer by ``answer_of``
    (``answers.Answer.of_entry``: the charts draw what the answer's class says its cell is, so no chart asks which
    kind of question it draws)."""
    import pyarrow as pa

    from .. import layout as L
    from ..summary import question_entries

    column = L.question(q.id)
    if isinstance(runs, pd.DataFrame):
        table = pa.table({column: pa.Array.from_pandas(runs[column])})
    else:
        table = runs.select([column])
    return [answer_of(question_entries(compiled, table.take(pa.array(np.asarray(g, dtype=np.int64))), [q])[0])
            for g in groups]


def _one_scale(answers: list):
    """The answer class of cells drawn on one axis; a chart of questions on different scales (probabilities and
    dates) is refused."""
    kinds = {type(a) for a in answers}
    if len({k.scale for k in kinds}) != 1:
        raise ValueError("these questions are drawn on different scales (probability, date): one chart each")
    return next(iter(kinds))


def _colorbar(scale: dict) -> dict:
    keys = ("tickformat", "tickvals", "ticktext")
    return dict(colorbar=dict(title=scale["title"], **{k: scale[k] for k in keys if k in scale}),
                zmin=scale["range"][0], zmax=scale["range"][1])


def _value_axis(scale: dict) -> dict:
    """A value axis (y of a line chart) on the cells' scale, with a little room at both ends."""
    lo, hi = scale["range"]
    pad = 0.03 * (hi - lo)
    axis = dict(title=scale["title"], range=[lo - pad, hi + pad], type=scale["type"])
    if "tickformat" in scale:
        axis["tickformat"] = scale["tickformat"]
    else:
        axis.update(tickvals=scale["tickvals"], ticktext=scale["ticktext"])
    return axis


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


def _by_point(runs, points):
    """(the runs as a frame, the points that have runs with their settings, each one's row numbers of the runs)."""
    df, pts = as_frame(runs), as_frame(points)
    rows = df.groupby("point").indices
    res = pts[pts["point"].isin(list(rows))].sort_values("point").reset_index(drop=True)
    return df, res, [rows[p] for p in res["point"]]


def _sampled_line(runs, points, compiled, param: str, questions, answer_of) -> go.Figure:
    """A random sample against one parameter: each point as a dot (its own runs' interval) and the mean of the
    points in each equal-width bin of ``param`` with its interval across points (each as its answer's class draws
    a cell: ``sweep_cell``, ``sweep_bin``); empty bins are not drawn."""
    from .words import human_label

    df, res, rows = _by_point(runs, points)
    label = human_label(param, compiled)
    others = len(varied_parameters(points)) - 1
    x = res[param].to_numpy(dtype=float)
    k = int(max(2, min(12, len(res) // 5)))
    edges, which = _bins(x, k)
    fig = go.Figure()
    scale = None
    for i, q in enumerate(questions):
        color = question_color(q, compiled)
        answers = _answers(runs, compiled, q, rows, answer_of)
        cls = _one_scale(answers)
        scale = scale or cls.sweep_scale(compiled)
        cells = [a.sweep_cell(compiled) for a in answers]
        y = np.array([c["z"] for c in cells], dtype=float)
        lo = np.array([np.nan if c["low"] is None else c["low"] for c in cells], dtype=float)
        hi = np.array([np.nan if c["high"] is None else c["high"] for c in cells], dtype=float)
        fig.add_trace(go.Scatter(
            x=x.tolist(), y=y.tolist(), mode="markers", name=wrap(f"{q.text} (each sampled point)", 50),
            legendgroup=q.id,
            marker=dict(color=translucent(color, 0.55), size=7, symbol=("circle", "square", "diamond", "cross")[i % 4]),
            error_y=dict(type="data", array=np.nan_to_num(hi - y).tolist(), arrayminus=np.nan_to_num(y - lo).tolist(),
                         color=translucent(color, 0.3), thickness=1, width=0),
            customdata=[[_hover(f"point {int(pt)}: {label} = {xv:.3g}", *c["hover"],
                                f"the other {others} sampled parameters take this point's own values"), str(int(pt))]
                        for pt, xv, c in zip(res["point"], x, cells)],
            hovertemplate="%{customdata[0]}<extra></extra>"))
        bx, by, blo, bhi, cd, text = [], [], [], [], [], []
        for b in range(k):
            inside = np.flatnonzero(which == b)
            if not len(inside):
                continue  # an empty bin stays empty
            pooled = _answers(runs, compiled, q, [np.concatenate([rows[j] for j in inside])], answer_of)[0]
            cell = cls.sweep_bin([answers[j] for j in inside], pooled, compiled)
            bx.append((edges[b] + edges[b + 1]) / 2)
            by.append(cell["z"])
            blo.append(0.0 if cell["low"] is None else cell["z"] - cell["low"])
            bhi.append(0.0 if cell["high"] is None else cell["high"] - cell["z"])
            cd.append([_hover(f"{label} from {edges[b]:.3g} to {edges[b + 1]:.3g}", *cell["hover"]),
                       _ids(res["point"].to_numpy()[inside])])
            text.append(f"{len(inside)}")
        fig.add_trace(go.Scatter(
            x=bx, y=by, mode="markers+text", name=wrap(f"{q.text} ({scale['bin']})", 50),
            legendgroup=q.id, text=text, textposition="top right", textfont=dict(size=10, color=color),
            marker=dict(color=color, size=13, symbol="line-ew-open", line=dict(width=3, color=color)),
            error_y=dict(type="data", array=bhi, arrayminus=blo, color=color, thickness=2, width=6),
            error_x=dict(type="constant", value=(edges[1] - edges[0]) / 2, color=color, thickness=2, width=0),
            customdata=cd, hovertemplate="%{customdata[0]}<extra></extra>"))
    title, top = _title(f"How {scale['what']} change with {label}? Dots: the {len(res)} sampled points, "
                        f"which differ in all {others + 1} sampled parameters (so neighbouring dots need not "
                        f"agree); bars: the {scale['bin']} ({k} bins), with its interval and the number of "
                        "points beside it")
    fig.update_layout(title=title, margin=dict(t=top), xaxis=dict(title=axis_title(param, compiled),
                                                                    tickformat=".3g"),
                      yaxis=_value_axis(scale), legend=dict(title="Question"), height=520 + top - 100,
                      template="plotly_white", hoverlabel=dict(align="left"))
    return fig


def _sampled_heatmap(runs, points, compiled, x: str, y: str, q, answer_of) -> go.Figure:
    """A random sample over two parameters: each equal-width bin (about four points a bin) as its answer's class
    draws a bin of points (``sweep_bin``: the mean probability, the median date), with the number of points
    written in it; an empty bin has no colour and no hover. The points themselves are drawn on top."""
    from .words import human_label

    df, res, rows = _by_point(runs, points)
    xl, yl = human_label(x, compiled), human_label(y, compiled)
    k = _cells_per_side(len(res))
    xe, xb = _bins(res[x].to_numpy(dtype=float), k)
    ye, yb = _bins(res[y].to_numpy(dtype=float), k)
    answers = _answers(runs, compiled, q, rows, answer_of)
    cls = _one_scale(answers)
    scale = cls.sweep_scale(compiled)
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
            pooled = _answers(runs, compiled, q, [np.concatenate([rows[m] for m in inside])], answer_of)[0]
            cell = cls.sweep_bin([answers[m] for m in inside], pooled, compiled)
            z[i, j] = cell["z"]
            many = len(inside) > 1
            text[i, j] = f"{cell['text']}<br>{len(inside)} pt{'s' if many else ''}"
            cd[i, j] = [_hover(f"{xl}: {xe[j]:.3g} to {xe[j + 1]:.3g}", f"{yl}: {ye[i]:.3g} to {ye[i + 1]:.3g}",
                               *cell["hover"]), _ids(ids[inside])]
    cells = go.Heatmap(x=xe.tolist(), y=ye.tolist(), z=[[None if v != v else v for v in row] for row in z.tolist()],
                       colorscale="Viridis", hoverongaps=False, text=text, texttemplate="%{text}",
                       textfont=dict(size=12), customdata=cd.tolist(), hovertemplate="%{customdata[0]}<extra></extra>",
                       **_colorbar(scale))
    others = len(varied_parameters(points)) - 2
    point_cells = [a.sweep_cell(compiled) for a in answers]
    dots = go.Scatter(
        x=res[x].tolist(), y=res[y].tolist(), mode="markers", name="sampled points", showlegend=False,
        marker=dict(size=6, color="rgba(255,255,255,0.85)", line=dict(color="#333", width=1)),
        customdata=[[_hover(f"point {int(pt)}: {xl} = {xv:.3g}, {yl} = {yv:.3g}", *c["hover"],
                            f"the other {others} sampled parameters take this point's own values" if others else ""),
                     str(int(pt))]
                    for pt, xv, yv, c in zip(ids, res[x], res[y], point_cells)],
        hovertemplate="%{customdata[0]}<extra></extra>")
    fig = go.Figure([cells, dots])
    title, top = _title(f"{q.text} {scale['bins']} of {xl} and {yl} "
                        "(number of points in the bin; empty bins hold no point; dots: the points)")
    fig.update_layout(title=title, margin=dict(t=top), height=520 + top - 100, template="plotly_white",
                      xaxis=dict(title=xl, tickvals=list(xe), ticktext=[f"{v:.3g}" for v in xe], showgrid=False),
                      yaxis=dict(title=yl, tickvals=list(ye), ticktext=[f"{v:.3g}" for v in ye], showgrid=False),
                      hoverlabel=dict(align="left"))
    return fig


def sweep_line(runs, points, compiled, param: str, questions: list[str] | None = None, *,
               answer_of) -> go.Figure:
    """Each question against one varied parameter, as the design supports and as its typed answer draws a cell
    (``answer_of``: ``answers.Answer.of_entry``; a probability with its Wilson band, a date question's median date
    with its 10–90% band; the questions must share a scale): on a grid, a line through the settings, points of the
    same value of ``param`` pooled (the hover and the title say over which other parameters); on a random sample,
    the points and binned means (``_sampled_line``)."""
    from .words import human_label

    chosen = [q for q in compiled.questions if questions is None or q.id in questions]
    if not is_grid(points):
        return _sampled_line(runs, points, compiled, param, chosen, answer_of)
    df, pts = as_frame(runs), as_frame(points)
    merged = df[["point"]].merge(pts[["point", param]], on="point", how="left")
    groups = merged.groupby(param).indices
    values = sorted(groups)
    per_value = pts.groupby(param)["point"].nunique().reindex(values).to_numpy()
    label = human_label(param, compiled)
    others = [human_label(p, compiled) for p in varied_parameters(pts) if p != param]
    pooled = (f"pooled over {', '.join(others)}" if others else "one point per value")
    fig = go.Figure()
    scale = None
    x = np.asarray(values, dtype=float)
    for i, q in enumerate(chosen):
        color = question_color(q, compiled)
        answers = _answers(runs, compiled, q, [groups[v] for v in values], answer_of)
        scale = scale or _one_scale(answers).sweep_scale(compiled)
        cells = [a.sweep_cell(compiled) for a in answers]
        y = [c["z"] for c in cells]
        fig.add_trace(go.Scatter(
            x=np.concatenate([x, x[::-1]]), y=[c["high"] for c in cells] + [c["low"] for c in cells][::-1],
            mode="lines", fill="toself", fillcolor=translucent(color, 0.1), line=dict(width=0), hoverinfo="skip",
            legendgroup=q.id, showlegend=False))
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines+markers", name=wrap(q.text, 50), legendgroup=q.id,
            line=dict(color=color, dash=("solid", "dash", "dot", "dashdot")[i % 4]),
            customdata=[[_hover(f"{label} = {v:.3g}", *c["hover"],
                                f"{n} point(s)" + (f", {pooled}" if others else ""), width=90)]
                        for v, c, n in zip(x, cells, per_value)],
            hovertemplate="%{customdata[0]}<extra></extra>"))
    band = "95% Wilson bands" if scale["type"] != "date" else "bands: 10–90% of the runs"
    title, top = _title(f"How {scale['what']} change with {label}? ({band}; {pooled})")
    fig.update_layout(title=title, margin=dict(t=top),
                      xaxis=dict(title=axis_title(param, compiled), tickformat=".3g",
                                 tickvals=values if len(values) <= 12 else None),
                      yaxis=_value_axis(scale), legend=dict(title="Question"), height=520 + top - 100,
                      template="plotly_white")
    return fig


def sweep_heatmap(runs, points, compiled, x: str, y: str, question: str, *, answer_of) -> go.Figure:
    """A question over two parameters, as the design supports and as its typed answer draws a cell (``answer_of``:
    ``answers.Answer.of_entry``; a probability, a date question's median date): on a grid, one cell per setting
    (settings that differ only in other parameters pooled; a setting without runs left empty); on a random sample,
    binned cells with their counts, empty bins empty (``_sampled_heatmap``)."""
    from .words import human_label

    q = next(q for q in compiled.questions if q.id == question)
    if not is_grid(points):
        return _sampled_heatmap(runs, points, compiled, x, y, q, answer_of)
    df, pts = as_frame(runs), as_frame(points)
    merged = df[["point"]].merge(pts[["point", x, y]], on="point", how="left")
    groups = merged.groupby([y, x]).indices
    xs, ys = sorted(pts[x].unique()), sorted(pts[y].unique())
    keys = list(groups)
    answers = dict(zip(keys, _answers(runs, compiled, q, [groups[k] for k in keys], answer_of)))
    scale = _one_scale(list(answers.values())).sweep_scale(compiled)
    xl, yl = human_label(x, compiled), human_label(y, compiled)
    z, text, hover = [], [], []
    for yv in ys:  # a setting without runs: an empty cell, never 0%
        cells = [answers[(yv, xv)].sweep_cell(compiled) if (yv, xv) in answers else None for xv in xs]
        z.append([None if c is None else c["z"] for c in cells])
        text.append(["" if c is None else c["text"] for c in cells])
        hover.append([[_hover(f"{xl} = {xv:.3g}", f"{yl} = {yv:.3g}", *([] if c is None else c["hover"]), width=90)]
                      for xv, c in zip(xs, cells)])
    trace = go.Heatmap(x=xs, y=ys, z=z, colorscale="Viridis", text=text, texttemplate="%{text}",
                       textfont=dict(size=13), hoverongaps=False, customdata=hover,
                       hovertemplate="%{customdata[0]}<extra></extra>", **_colorbar(scale))
    fig = go.Figure(trace)
    xaxis = dict(title=xl, tickvals=list(trace.x), ticktext=[f"{v:.3g}" for v in trace.x])
    yaxis = dict(title=yl, tickvals=list(trace.y), ticktext=[f"{v:.3g}" for v in trace.y])
    title, top = _title(f"{q.text} {scale['title']} over {xl} and {yl}")
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
