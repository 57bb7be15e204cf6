"""A sweep started from the page (issue 25 item 16), with its progress and a cancel button.

A grid over one or two of the active scenario's uncertain parameters (each over its range), ``runs`` runs per
point, bounded (``MAX_SWEEP_RUNS`` in all; one sweep per browser session at a time). It runs on the server's
background thread (``jobs.Tasks``), never a request thread, in parts of ``CHUNK`` runs with the same machinery
as ``diplosim sweep`` (``sweep.execution.run_span``, ``store.ResultsWriter``; the same records), into a private
folder of the server that the Sweep explorer may open; it is opened there when done. Cancel stops it at its
next part and removes its folder.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from .context import browser_session
from .ui import number, problems

MAX_SWEEP_RUNS = 20_000  # points x runs per point
MAX_POINTS_PER_AXIS = 11
CHUNK = 500  # runs per part: the progress and the cancel act at this grain


def layout() -> html.Details:
    return html.Details([
        html.Summary("Run a sweep from this page (a grid over one or two uncertain parameters of the scenario "
                     "shown in the What-if tab)"),
        html.Div([
            html.Label(["parameters (one or two) ", dcc.Dropdown(id="sweeprun-params", multi=True)],
                       style={"flex": "1 1 30em"}),
            html.Label(["values per parameter ", number("sweeprun-points", 3, 2, MAX_POINTS_PER_AXIS)]),
            html.Label(["runs per point ", number("sweeprun-runs", 100, 1, MAX_SWEEP_RUNS)]),
            html.Button("Run the sweep", id="sweeprun-go"), html.Button("Cancel", id="sweeprun-cancel"),
        ], className="row"),
        html.Div(id="sweeprun-status", className="status", role="status"),
        dcc.Interval(id="sweeprun-timer", interval=400, disabled=True),
        dcc.Store(id="sweeprun-key"),
    ], id="sweeprun", open=False)


def check(entry, names, points, runs) -> tuple[list[str], list[str]]:
    """(the --vary texts of the grid, one-line problems)."""
    from .state import whole_number

    found = []
    table_ = entry.compiled.table
    names = [n for n in (names or []) if isinstance(n, str)]
    if not 1 <= len(names) <= 2:
        found.append("sweep: choose one or two parameters to vary")
    unknown = [n for n in names if n not in table_.uncertain]
    if unknown:
        found.append(f"sweep: '{unknown[0][:60]}' is not an uncertain parameter of this scenario")
    points, p_problem = whole_number("sweep: values per parameter", points, 2, MAX_POINTS_PER_AXIS)
    runs, r_problem = whole_number("sweep: runs per point", runs, 1, MAX_SWEEP_RUNS)
    found += [p for p in (p_problem, r_problem) if p]
    if not found and runs * points ** len(names) > MAX_SWEEP_RUNS:
        found.append(f"sweep: {points ** len(names):,} points x {runs:,} runs = {runs * points ** len(names):,} "
                     f"runs, more than the {MAX_SWEEP_RUNS:,} a sweep from the page may run (use `diplosim sweep`)")
    if found:
        return [], found
    varies = []
    for name in names:
        lo, hi = table_.params[name].bounds
        varies.append(f"{name}={lo!r}:{hi!r}:{points}")
    return varies, []


def folder(ctx) -> Path:
    """The server's folder of page sweeps (private, made once), which the Sweep explorer may open."""
    with ctx.lock:
        if ctx.sweeps_root is None:
            ctx.sweeps_root = Path(tempfile.mkdtemp(prefix="diplosim-page-sweeps-")).resolve()
            ctx.results_roots = tuple(ctx.results_roots) + (str(ctx.sweeps_root),)
        return ctx.sweeps_root


def start(ctx, entry, varies: list[str], runs: int, seed: int, session: str):
    import datetime as dt
    import secrets

    from simulator.api import sweep_manifest
    from simulator.runner import resolve_engine
    from simulator.store import ResultsWriter
    from simulator.sweep.execution import SweepContext, part_id, run_span, spans
    from simulator.sweep.sampling import make_design
    from simulator.sweep.specs import parse_varies

    c = entry.compiled
    engine = resolve_engine(c, ctx.engine)
    design = make_design("grid", parse_varies(varies, c.table.names, c.table), c.table, None, seed, True)
    out = folder(ctx) / f"{Path(entry.label.split(' ')[0]).stem}-{secrets.token_hex(4)}"

    def work(task):
        sctx = SweepContext(c, seed, runs, design.points, engine, None if engine == "mesa" else 0)
        manifest = sweep_manifest(entry.loaded, c, seed, design, runs, CHUNK, engine, sctx.events_for)
        session_info = {"command": ["diplosim dashboard (a sweep from the page)"], "executor": "in process",
                        "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        manifest["sessions"].append(session_info)
        out.mkdir(parents=True)
        try:
            writer = ResultsWriter(out, c, manifest)
            writer.write_points(dict(enumerate(design.points)))
            todo = spans(sctx.total, CHUNK)
            started = time.perf_counter()
            for i, span in enumerate(todo):
                task.report(i * CHUNK, sctx.total)
                runs_table, events_table, *_ = run_span(sctx, *span)
                writer.write_tables(part_id(span), runs_table, events_table)
            task.report(sctx.total, sctx.total)
            seconds = round(time.perf_counter() - started, 3)
            session_info.update(seconds=seconds, runs=sctx.total, outcome="finished")
            writer.finish(complete=True, seconds=seconds)
        except BaseException:
            shutil.rmtree(out, ignore_errors=True)  # cancelled or failed: nothing half-written is left to open
            raise
        return str(out)

    what = f"the sweep of {len(design.points)} points x {runs:,} runs"
    key = ("page sweep", session, str(out))
    return key, ctx.tasks.start(key, session, what, work)


def newest(ctx, session: str):
    """The session's newest sweep from the page (queued, running or done), or None."""
    with ctx.tasks.cond:
        mine = [t for k, t in ctx.tasks.known.items() if k[0] == "page sweep" and k[1] == session]
    return mine[-1] if mine else None


def register(app, ctx) -> None:
    from .state import parse_search

    @app.callback(Output("sweeprun-params", "options"), Input("whatif-state", "data"), Input("session", "data"))
    def parameters(search, session):
        from .ui import label

        session = browser_session(session)
        main = ctx.get(None, session)
        if main is None:
            return []
        state, _ = parse_search(search, main.key, ctx.table_for(session), ctx.runs, ctx.seed)
        c = ctx.get(state.scenario, session).compiled
        return [{"label": label(n, c), "value": n} for n in c.table.uncertain]

    @app.callback(Output("sweeprun-status", "children"), Output("sweeprun-timer", "disabled"),
                  Output("sweeprun-key", "data"), Output("sweep-path", "value", allow_duplicate=True),
                  Output("sweep-open", "n_clicks"),
                  Input("sweeprun-go", "n_clicks"), Input("sweeprun-cancel", "n_clicks"),
                  Input("sweeprun-timer", "n_intervals"),
                  State("sweeprun-params", "value"), State("sweeprun-points", "value"),
                  State("sweeprun-runs", "value"), State("sweeprun-key", "data"), State("whatif-state", "data"),
                  State("sweep-open", "n_clicks"), State("session", "data"), prevent_initial_call=True)
    def run(_, __, ___, names, points, runs, key, search, opened, session):
        from dash import ctx as dash_ctx

        session = browser_session(session)
        trigger = dash_ctx.triggered_id
        # the session's newest page sweep, as the server knows it: a late answer to an older poll never shows (or
        # stops polling for) a sweep the page has since replaced
        task = newest(ctx, session)
        if trigger == "sweeprun-cancel":
            if task is None or not ctx.tasks.cancel(task.key, session):
                raise PreventUpdate
            return ctx.tasks.words(task), False, key, no_update, no_update
        if trigger == "sweeprun-go":
            if task is not None and not task.done.is_set():
                return (problems([f"{task.what} of this page is still running: cancel it first"]), False, key,
                        no_update, no_update)
            main = ctx.get(None, session)
            if main is None:
                raise PreventUpdate
            state, _ = parse_search(search, main.key, ctx.table_for(session), ctx.runs, ctx.seed)
            entry = ctx.get(state.scenario, session)
            varies, found = check(entry, names, points, runs)
            if found:
                return problems(found), True, key, no_update, no_update
            try:
                new_key, task = start(ctx, entry, varies, int(runs), state.seed, session)
            except Exception as exc:  # noqa: BLE001 - Busy, or a design that cannot be made: one line
                return problems([str(exc)]), True, key, no_update, no_update
            return ctx.tasks.words(task), False, list(new_key), no_update, no_update
        if task is None:
            return no_update, no_update, key, no_update, no_update
        if not task.done.is_set():
            return ctx.tasks.words(task), False, key, no_update, no_update
        if task.result is None:
            line = ctx.tasks.words(task)
            return (line if task.cancelled else problems([line])), True, key, no_update, no_update
        # done: opened in the explorer above
        return ctx.tasks.words(task) + "; opened below", True, key, task.result, (opened or 0) + 1
