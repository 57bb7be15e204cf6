"""The Sweep explorer: open a results directory, chart a question over one or two parameters, click a point.

A clicked point shows its own question summary and probability over the
calendar, and a few sample runs. Sweeps keep no event logs by default: the
sample runs' logs are re-created on demand from (seed, point, replication)
and the point's overrides (``runner.recreate_runs``, as ``diplosim events``
does), which gives the same runs; the page says so, and says if a re-created
record ever differed from the stored one.
"""

from __future__ import annotations

from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from .sweep_run import layout as sweep_run_layout
from .ui import failure, graph, problems

NONE = "(none: line chart)"
MAX_PATH_CHARS = 4096  # the longest path Linux takes (PATH_MAX); a longer one is refused before the file system
EMPTY = {"data": [], "layout": {}}
HIDDEN, SHOWN = {"display": "none"}, {"display": "block"}


def layout(ctx) -> html.Div:
    return html.Div([
        sweep_run_layout(),  # a sweep started from the page, with progress and cancel (sweep_run.py)
        html.Div([
            html.Label(["results directory ", dcc.Input(id="sweep-path", type="text", value=ctx.results_dir or "",
                                                        placeholder="path of a `diplosim sweep` --out directory",
                                                        style={"width": "34em"})]),
            html.Button("Open", id="sweep-open"),
        ], className="row"),
        html.Div(id="sweep-problems"),
        html.Div(id="sweep-info", className="status"),
        html.Div([
            html.Label(["question ", dcc.Dropdown(id="sweep-question", clearable=False)],
                       style={"flex": "1 1 100%"}),
            html.Label(["x ", dcc.Dropdown(id="sweep-x", clearable=False)], style={"flex": "1 1 22em"}),
            html.Label(["y ", dcc.Dropdown(id="sweep-y", clearable=False)], style={"flex": "1 1 22em"}),
        ], className="row"),
        dcc.Store(id="sweep-loaded"),
        graph(id="sweep-graph"),
        html.Div(id="sweep-point-info", className="status"),
        html.Div([graph(id="sweep-point-questions"), graph(id="sweep-point-calendar"),
                  graph(id="sweep-point-runs")], id="sweep-point-box", style=HIDDEN),
    ])


def allowed_results_path(ctx, path: str) -> str:
    """``path`` when it lies, links followed, at or below a folder this server may open (``ctx.results_roots``:
    the --results folder and the --results-root folders); else ReportError with one line that is the same
    whether the path exists or not, so the box cannot probe the server's folders."""
    from pathlib import Path

    from simulator.report import ReportError

    refused = ReportError(f"sweep: '{str(path)[:200]}' is not a results folder this server may open (it opens the "
                          "--results folder it was started with and folders under --results-root)")
    if not isinstance(path, str) or not path.strip() or "\0" in path or len(path) > MAX_PATH_CHARS:
        raise refused
    try:
        resolved = Path(path).resolve()
    except (OSError, RuntimeError, ValueError):
        raise refused from None
    roots = [Path(r) for r in ctx.results_roots]
    if not any(resolved == r or r in resolved.parents for r in roots):
        raise refused
    return str(resolved)


def open_results(ctx, path: str):
    """Load (cached) a sweep's results; raise ReportError with one line if it cannot be explored (or may not:
    ``allowed_results_path``)."""
    from simulator.charts import varied_parameters
    from simulator.report import ReportError, load_results

    allowed_results_path(ctx, path)
    cached = ctx.sweeps.get(path)
    if cached is not None:
        return cached
    try:
        res = load_results(path)
    except OSError as exc:  # a name too long for the file system, a folder that cannot be read: one line
        raise ReportError(f"sweep: '{str(path)[:200]}' cannot be opened ({exc.strerror or type(exc).__name__})"
                          ) from None
    if res.points is None or not varied_parameters(res.points):
        raise ReportError(f"RESULTS_DIR: '{path}' varies no parameter (a Monte Carlo); the What-if tab explores those")
    return ctx.sweeps.put(path, res)


def sweep_figure(res, question: str, x: str, y: str | None):
    """The question over the chosen parameters, each cell as its typed answer draws it (a date question's median
    date; ``simulator.answers``)."""
    from simulator import answers

    if y and y != NONE:
        return answers.sweep_heatmap(res.runs, res.points, res.compiled, x, y, question)
    return answers.sweep_line(res.runs, res.points, res.compiled, x, question)


def nearest_points(points, x: str, y: str | None, cx: float, cy: float | None) -> list[int]:
    """The points whose setting of (x[, y]) is nearest the clicked place (the charts pool equal settings)."""
    import numpy as np

    cols = [(x, cx)] + ([(y, cy)] if y and y != NONE and cy is not None else [])
    dist = np.zeros(len(points))
    for col, value in cols:
        v = points[col].to_numpy(dtype=float)
        span = float(np.nanmax(v) - np.nanmin(v)) or 1.0
        dist += ((v - float(value)) / span) ** 2
    best = np.nanmin(dist)
    return [int(p) for p in points["point"][dist <= best + 1e-12]]


def pooled_label(points, chosen: list[int], compiled) -> str:
    """The setting of the chosen points in the scenario's words: parameters they share as 'label = value'; those
    that differ among them as 'pooled over label = a, b' (so a label never names one point's value for several);
    points of a random sample, which differ in many parameters, as 'differing in N sampled parameters'."""
    from simulator.charts.words import human_label

    rows = points[points["point"].isin(chosen)].drop(columns="point")
    same, differ = [], []
    for col in rows.columns:
        values = sorted(v for v in rows[col].unique() if v == v)  # v == v drops NaN
        if len(values) == 1:
            same.append(f"{human_label(col, compiled)} = {values[0]:.3g}")
        elif values:
            differ.append(f"{human_label(col, compiled)} = {', '.join(f'{v:.3g}' for v in values)}")
    if len(chosen) > 1 and len(differ) > 2:
        return f"{len(chosen)} sampled points differing in {len(differ)} parameters"
    return ", ".join(same + ([f"pooled over {'; '.join(differ)}"] if differ else []))


def point_view(res, chosen: list[int], k: int = 3) -> dict:
    """Question summary, calendar and sample runs of the chosen points (runs of equal settings pooled)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from simulator import charts
    from simulator.answers import question_chart
    from simulator import layout as L
    from simulator.runner import recreate_runs
    from simulator.store import events_table
    from simulator.summary import summarize

    c = res.compiled
    runs = res.runs.filter(pc.is_in(res.runs.column("point"), value_set=pa.array(chosen, pa.int32())))
    summary = summarize(runs, None, c)
    sample = charts.pick_sample_runs(runs, c, k=k)
    seed = int(res.manifest["seed"])
    keys = [(int(pt), int(rep)) for pt, rep, _ in sample]
    stored = {(r["point"], r["replication"]): r for r in runs.to_pylist() if (r["point"], r["replication"]) in keys}
    overrides = {}
    for pt, _ in keys:
        row = res.points[res.points["point"] == pt].iloc[0]
        overrides[pt] = {k: float(v) for k, v in row.items() if k != "point" and v == v}  # v == v drops NaN
    # the event logs are re-created on demand, exactly as `diplosim events` does: sweeps need not store them
    events, differ = [], 0
    for key, (record, ev) in zip(keys, recreate_runs(c, seed, keys, overrides)):
        differ += any(record[col] != stored[key][col] for col in map(L.question, (q.id for q in c.questions)))
        events.extend(ev)
    label = pooled_label(res.points, chosen, c)
    what = "Point" if len(chosen) == 1 else "Points"
    note = (f"{what} {', '.join(map(str, chosen))} ({label}): {runs.num_rows:,} runs. Sample runs' event logs "
            f"re-created from seed {seed} (as `diplosim events` does)" +
            (f"; {differ} of them DIFFER from the stored record" if differ else "; identical to the stored records"))
    return {"info": note,
            "questions": question_chart(summary, c, f"; {label}"),
            "calendar": charts.probability_over_calendar(runs, c),
            "runs": charts.run_timelines(events_table(events), c, sample)}


def register(app, ctx) -> None:
    @app.callback(Output("sweep-problems", "children"), Output("sweep-info", "children"),
                  Output("sweep-loaded", "data"), Output("sweep-question", "options"),
                  Output("sweep-question", "value"), Output("sweep-x", "options"), Output("sweep-x", "value"),
                  Output("sweep-y", "options"), Output("sweep-y", "value"),
                  Output("sweep-point-box", "style"), Output("sweep-point-info", "children"),
                  Output("sweep-graph", "figure", allow_duplicate=True),
                  Input("sweep-open", "n_clicks"), Input("tabs", "value"), State("sweep-path", "value"),
                  State("sweep-loaded", "data"), prevent_initial_call=True)
    def open_sweep(_, tab, path, loaded):
        from dash import ctx as dash_ctx

        from simulator.charts import varied_parameters
        from simulator.charts.sweeps import is_grid
        from simulator.charts.words import human_label
        from simulator.report import ReportError

        if not path or (dash_ctx.triggered_id == "tabs" and (tab != "sweep" or loaded)):
            raise PreventUpdate  # a --results directory opens when the tab is first opened, not with the page
        try:
            res = open_results(ctx, path.strip())
        except ReportError as exc:
            # the last sweep's info, menus and chart go: what is on screen never belongs to another path
            return (problems([str(exc)]), "", None, [], None, [], None, [], None, HIDDEN, "", EMPTY)
        c = res.compiled
        varied = varied_parameters(res.points)
        questions = [{"label": q.text, "value": q.id} for q in c.questions]
        design = ("a grid" if is_grid(res.points) else
                  "a random sample (each point differs in every sampled parameter: drawn as points and binned means)")
        info = (f"{c.scenario.metadata.title}: {len(res.points)} points, {res.runs.num_rows:,} runs, seed "
                f"{res.manifest.get('seed')}, {design}; varied: {'; '.join(human_label(v, c) for v in varied)}. "
                "Click a point or a cell for its distributions.")
        # a label for people; the name `--vary` and `--set` take is the option's tooltip
        named = [{"label": human_label(v, c), "value": v, "title": f"{v} (its name on the command line)"}
                 for v in varied]
        y_options = [{"label": "none: a line chart over x", "value": NONE}] + named
        return (None, info, path.strip(), questions, c.questions[0].id, named, varied[0], y_options,
                varied[1] if len(varied) > 1 else NONE, HIDDEN, "", no_update)

    @app.callback(Output("sweep-graph", "figure"), Input("sweep-question", "value"), Input("sweep-x", "value"),
                  Input("sweep-y", "value"), State("sweep-loaded", "data"), prevent_initial_call=True)
    def draw(question, x, y, path):
        if not (path and question and x):
            raise PreventUpdate
        if y == x:
            y = NONE
        return sweep_figure(open_results(ctx, path), question, x, y)

    @app.callback(Output("sweep-point-info", "children", allow_duplicate=True),
                  Output("sweep-point-box", "style", allow_duplicate=True), Output("sweep-point-questions", "figure"),
                  Output("sweep-point-calendar", "figure"), Output("sweep-point-runs", "figure"),
                  Input("sweep-graph", "clickData"), State("sweep-x", "value"), State("sweep-y", "value"),
                  State("sweep-loaded", "data"), prevent_initial_call=True)
    def click(data, x, y, path):
        if not (data and data.get("points") and path):
            raise PreventUpdate
        from simulator.charts.sweeps import clicked_points

        res = open_results(ctx, path)
        hit = data["points"][0]
        y = None if y in (None, NONE, x) else y
        # a sampled sweep's dot is its point, a bin the points in it; a grid's cell or line point its setting
        chosen = (clicked_points(hit, res.points, x, y)
                  or nearest_points(res.points, x, y, hit["x"], hit.get("y") if y else None))
        try:
            view = point_view(res, chosen)
        except Exception as exc:  # noqa: BLE001 - shown in the page, never a traceback
            return failure(f"point {chosen}", exc), HIDDEN, no_update, no_update, no_update
        return view["info"], SHOWN, view["questions"], view["calendar"], view["runs"]
