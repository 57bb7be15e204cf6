"""The Dash app: a header with the scenario upload, five tabs, and the callbacks of each tab's module."""

from __future__ import annotations

from pathlib import Path

from dash import Dash, Input, Output, State, dcc, html, no_update
from werkzeug.serving import WSGIRequestHandler

from . import compare, onerun, sweep, whatif
from .context import MAIN, MAX_BUNDLE_BYTES, MAX_BUNDLE_FILES, MAX_UPLOAD_BYTES, Context, UploadError
from .state import WhatIf
from .ui import CSS, problems

TABS = [("scenario", "Scenario"), ("whatif", "What-if"), ("sweep", "Sweep explorer"),
        ("onerun", "One run, week by week"), ("compare", "Compare")]

PAGE = """<!DOCTYPE html>
<html lang="en"><head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}<style>""" + CSS + """</style></head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body></html>"""

# Checked in the browser before anything is sent, so a file too large for the server gets this message (the
# server checks again: a request that skipped this check is refused by decode_upload or, far larger, by Flask).
UPLOAD_GATE_JS = """
function(contents, names) {
    const keep = dash_clientside.no_update;
    if (!contents) { return [keep, keep, keep, keep]; }
    const list = Array.isArray(contents) ? contents : [contents];
    const files = Array.isArray(names) ? names : [names];
    const mb = b => (b / 1048576).toFixed(1) + " MB";
    let total = 0, problem = null;
    if (list.length > %(files)d) {
        problem = "upload: " + list.length + " files; at most %(files)d (a scenario and its source texts); nothing was uploaded";
    }
    for (let i = 0; i < list.length && !problem; i++) {
        const c = list[i] || "";
        const bytes = Math.floor((c.length - c.indexOf(",") - 1) * 3 / 4);
        const name = files[i] || "upload";
        total += bytes;
        if (/\\.ya?ml$/i.test(name) && bytes > %(yaml)d) {
            problem = name + ": " + mb(bytes) + ", larger than the %(yaml_kb)d KB limit for a scenario; nothing was uploaded";
        }
    }
    if (!problem && total > %(total)d) {
        problem = "upload: " + mb(total) + " in all, larger than the %(total_mb)d MB limit for a scenario with its source texts; nothing was uploaded";
    }
    if (problem) { return [keep, problem, "problems", null]; }
    return [{contents: list, filename: files, at: Date.now()}, "", "hidden", null];
}
""" % {"files": MAX_BUNDLE_FILES, "yaml": MAX_UPLOAD_BYTES, "yaml_kb": MAX_UPLOAD_BYTES // 1024,
       "total": MAX_BUNDLE_BYTES, "total_mb": MAX_BUNDLE_BYTES // 2**20}

SHOWN_TAB = {"display": "block"}
HIDDEN_TAB = {"visibility": "hidden", "height": 0, "overflow": "hidden"}
UNCHECKED = ("Evidence quotes were NOT checked against their sources: this scenario was uploaded without its source "
             "texts. Upload it together with them (several files, or one .zip) to check them as `diplosim validate` "
             "does.")


class RequestHandler(WSGIRequestHandler):
    """The development server's handler, with a page that says what went wrong when an address is too long
    (the standard library refuses request lines over 64 KiB with a bare "414" before the app sees them)."""

    error_message_format = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>diplosim dashboard: %(message)s</title>'
        '</head><body style="font-family:system-ui,sans-serif;margin:2em;max-width:50em"><h1>%(message)s</h1>'
        '<p id="explain">%(explain)s</p><p><a href="/">Open the dashboard without these settings</a></p>'
        '<p style="color:#777">HTTP error %(code)d</p></body></html>')

    def send_error(self, code, message=None, explain=None):
        if code == 414:
            message = "This dashboard address is too long"
            explain = ("The address is longer than 65,536 characters, far more than any what-if needs: a value in it "
                       "was probably pasted by mistake. Open the dashboard and set the values in the page.")
            self._drain()
        super().send_error(code, message, explain)

    def _drain(self, limit: int = 4 * 2**20) -> None:
        """Read the rest of the refused request (bounded), so closing the connection does not reset it before
        the browser has read the answer."""
        try:
            self.connection.settimeout(2)
            line, read = self.raw_requestline, 0
            while not line.endswith(b"\n") and read < limit:
                line = self.rfile.readline(65537)
                read += len(line)
                if not line:
                    return
            for _ in range(200):  # the headers, up to the blank line
                line = self.rfile.readline(65537)
                if line in (b"\r\n", b"\n", b""):
                    return
        except OSError:
            return


class DashboardApp(Dash):
    def run(self, *args, **kwargs):
        kwargs.setdefault("request_handler", RequestHandler)
        return super().run(*args, **kwargs)


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
    app = DashboardApp(__name__, title="diplosim dashboard", suppress_callback_exceptions=True, update_title=None)
    app.index_string = PAGE
    # above the upload limits (base64 adds a third), so a too-large upload that skipped the browser's check still
    # reaches decode_upload and gets its one-line message; only a far larger request is refused by Flask itself
    app.server.config["MAX_CONTENT_LENGTH"] = 4 * MAX_BUNDLE_BYTES
    app.layout = lambda: layout(ctx)  # built per page load: menus list the uploads made since the server started
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
        dcc.Store(id="whatif-state"), dcc.Store(id="active-scenario"), dcc.Store(id="upload-payload"),
        html.Header([
            html.H1("diplosim dashboard"),
            html.Span(id="scenario-name"),
            dcc.Upload(id="upload",
                       children=html.Span(f"Upload a scenario (YAML, up to {MAX_UPLOAD_BYTES // 1024} KB), alone or "
                                          f"with its source texts (several files or a .zip, up to "
                                          f"{MAX_BUNDLE_BYTES // 2**20} MB)"),
                       className="upload", multiple=True),
        ]),
        html.Main([
            html.Div(id="upload-size-problem", className="hidden", role="alert"),
            html.Div(id="upload-problems"),
            html.Div(id="quotes-note"),
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
        # every tab stays in the page (hidden, not removed), so switching never re-runs a simulation; a hidden tab
        # keeps its width (no display:none), so a chart drawn while hidden is drawn at its real size, not squeezed
        return [SHOWN_TAB if v == chosen else HIDDEN_TAB for v, _ in TABS]

    @app.callback(Output("scenario-name", "children"), Output("quotes-note", "children"),
                  Input("active-scenario", "data"))
    def scenario_name(key):
        entry = ctx.get(key)
        if entry is None:
            return "", None
        note = None if entry.quotes_checked else html.Div(UNCHECKED, className="note", id="quotes-unchecked")
        return f"{entry.loaded.scenario.metadata.title} ({entry.label})", note

    app.clientside_callback(
        UPLOAD_GATE_JS, Output("upload-payload", "data"), Output("upload-size-problem", "children"),
        Output("upload-size-problem", "className"), Output("upload-problems", "children", allow_duplicate=True),
        Input("upload", "contents"), State("upload", "filename"), prevent_initial_call=True)

    @app.callback(Output("upload-problems", "children"), Output("url", "search", allow_duplicate=True),
                  Output("compare-a-scenario", "options"), Output("compare-b-scenario", "options"),
                  Input("upload-payload", "data"), prevent_initial_call=True)
    def upload(payload):
        if not payload:
            return no_update, no_update, no_update, no_update
        try:
            entry = ctx.add_upload(payload.get("filename"), payload.get("contents"))
        except UploadError as exc:
            lines = [f"The upload was refused; nothing changed. {len(exc.lines)} problem(s):", *exc.lines]
            return problems(lines), no_update, no_update, no_update
        options = ctx.options()
        checked = ("evidence quotes checked against the source texts" if entry.quotes_checked else
                   "evidence quotes NOT checked (no source texts uploaded)")
        note = html.Div(f"Loaded {entry.label}: {entry.loaded.scenario.metadata.title}; {checked}",
                        className="status", id="upload-ok")
        return note, WhatIf(entry.key, ctx.runs, ctx.seed).to_search(), options, options
