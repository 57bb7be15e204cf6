"""The Dash app: a header with the scenario upload, five tabs, and the callbacks of each tab's module."""

from __future__ import annotations

from pathlib import Path

from dash import Dash, Input, Output, State, dcc, html, no_update

from . import compare, onerun, sweep, whatif
from .context import MAIN, MAX_UPLOAD_BYTES, Context, UploadError
from .state import WhatIf
from .ui import CSS, problems

TABS = [("scenario", "Scenario"), ("whatif", "What-if"), ("sweep", "Sweep explorer"),
        ("onerun", "One run, week by week"), ("compare", "Compare")]

PAGE = """<!DOCTYPE html>
<html lang="en"><head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}<style>""" + CSS + """</style></head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body></html>"""


def create_app(scenario=None, results_dir: str | Path | None = None, *, runs: int = 500, seed: int = 1,
               engine: str = "auto") -> Dash:
    """The dashboard for a scenario (a path or a loaded scenario; raises ScenarioError if invalid).

    ``results_dir`` pre-opens a sweep results directory in the Sweep explorer.
    Runs in this process (one simulation at a time per request thread), nothing is written to disk.
    """
    ctx = Context(runs=runs, seed=seed, engine=engine, results_dir=str(results_dir) if results_dir else None)
    if scenario is not None:
        from simulator.runner import resolve_engine
        from simulator.scenario import load

        loaded = load(scenario) if isinstance(scenario, (str, Path)) else scenario
        entry = ctx.add(MAIN, f"{Path(loaded.path).name}", loaded)
        resolve_engine(entry.compiled, engine)  # ValueError with a one-line message if this engine cannot run it
    app = Dash(__name__, title="diplosim dashboard", suppress_callback_exceptions=True, update_title=None)
    app.index_string = PAGE
    # a request larger than this is refused before it is read (uploads are checked again, more tightly, per file)
    app.server.config["MAX_CONTENT_LENGTH"] = 8 * MAX_UPLOAD_BYTES
    app.layout = layout(ctx)
    whatif.register(app, ctx)
    sweep.register(app, ctx)
    onerun.register(app, ctx)
    compare.register(app, ctx)
    register(app, ctx)
    app.diplosim_context = ctx  # for tests and benchmarks that call the views directly
    return app


def layout(ctx: Context) -> html.Div:
    return html.Div([
        dcc.Location(id="url", refresh=False),
        dcc.Store(id="whatif-state"), dcc.Store(id="active-scenario"),
        html.Header([
            html.H1("diplosim dashboard"),
            html.Span(id="scenario-name"),
            dcc.Upload(id="upload",
                       children=html.Span(f"Upload a scenario (YAML, up to {MAX_UPLOAD_BYTES // 1024} KB)"),
                       className="upload", accept=".yaml,.yml,text/yaml", multiple=False,
                       max_size=8 * MAX_UPLOAD_BYTES),
        ]),
        html.Main([
            html.Div(id="upload-problems"),
            dcc.Tabs(id="tabs", value="whatif",
                     children=[dcc.Tab(label=label, value=v, id=f"tab-button-{v}") for v, label in TABS]),
            html.Div(html.Div(id="scenario-panel"), id="tab-scenario"),
            html.Div(whatif.layout(), id="tab-whatif"),
            html.Div(sweep.layout(ctx), id="tab-sweep"),
            html.Div(onerun.layout(ctx), id="tab-onerun"),
            html.Div(compare.layout(ctx), id="tab-compare"),
        ]),
    ])


def register(app: Dash, ctx: Context) -> None:
    @app.callback(*[Output(f"tab-{v}", "style") for v, _ in TABS], Input("tabs", "value"))
    def show_tab(chosen):
        # every tab stays in the page (hidden, not removed), so switching never re-runs a simulation
        return [{"display": "block" if v == chosen else "none"} for v, _ in TABS]

    @app.callback(Output("scenario-name", "children"), Input("active-scenario", "data"))
    def scenario_name(key):
        entry = ctx.get(key)
        return "" if entry is None else f"{entry.loaded.scenario.metadata.title} ({entry.label})"

    @app.callback(Output("upload-problems", "children"), Output("url", "search", allow_duplicate=True),
                  Output("compare-a-scenario", "options"), Output("compare-b-scenario", "options"),
                  Input("upload", "contents"), State("upload", "filename"), prevent_initial_call=True)
    def upload(contents, filename):
        try:
            entry = ctx.add_upload(filename, contents)
        except UploadError as exc:
            lines = [f"The upload was refused; nothing changed. {len(exc.lines)} problem(s):", *exc.lines]
            return problems(lines), no_update, no_update, no_update
        options = ctx.options()
        note = html.Div(f"Loaded {entry.label}: {entry.loaded.scenario.metadata.title}", className="status",
                        id="upload-ok")
        return note, WhatIf(entry.key, ctx.runs, ctx.seed).to_search(), options, options
