"""The Dash app: a header with the scenario upload, five tabs, and the callbacks of each tab's module."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from dash import Dash, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate
from werkzeug.serving import WSGIRequestHandler

from . import compare, compare_why, corpus, downloads, onerun, sweep, sweep_run, tabstate, track, whatif, why
from .context import (MAIN, MAX_BUNDLE_BYTES, MAX_BUNDLE_FILES, MAX_UPLOAD_BYTES, NO_SESSION, Context, UploadError,
                      browser_session, new_session_id)
from .state import WhatIf, parse_search
from .ui import CSS, TABS, problems


def onerun_label(entry) -> str:
    """The One run tab's name in the scenario's step: 'One run, week by week', 'One run, day by day'."""
    from simulator.charts.words import step_words

    return "One run, step by step" if entry is None else f"One run, {step_words(entry.compiled).by_step}"

PAGE = """<!DOCTYPE html>
<html lang="en"><head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}<style>""" + CSS + "FIRST_SCREEN_CSS" + """</style>
<link rel="preload" href="PLOTLY_URL" as="script"></head>
<body>{%app_entry%}<footer>{%config%}<script>""" + "PLOTLY_EARLY" + """</script>{%scripts%}{%renderer%}</footer>
</body></html>"""
# plotly.js is 4.8 MB of script (1.5 MB for the cartesian bundle `make setup` installs, which has every trace
# the dashboard draws): running it takes the browser a good part of the first chart's time. dcc.Graph
# fetches and runs it only once the layout has arrived and a graph is drawn. Here it is downloaded with the page
# (preload) and run as soon as the page has asked the server for its layout, so it runs while the server builds
# the layout. Until it has run, window.Plotly is a promise of it: dcc.Graph waits for that (it loads plotly.js
# itself only when window.Plotly is unset), and plotly.js replaces it with itself. Same address, same server.
PLOTLY_EARLY = """
(function () {
    var url = "PLOTLY_URL", fetch0 = window.fetch, started = null;
    function load() {
        if (!started) {
            started = new Promise(function (ok, fail) {
                var s = document.createElement("script");
                s.src = url;
                s.onload = function () { ok(); };
                s.onerror = function () { fail(new Error("plotly.js did not load from " + url)); };
                document.head.appendChild(s);
            });
        }
        return started;
    }
    if (!window.Plotly) {
        window.Plotly = {then: function (done, failed) { return load().then(done, failed); }};
    }
    window.fetch = function (resource) {
        var answer = fetch0.apply(this, arguments);
        if (String((resource && resource.url) || resource).indexOf("_dash-layout") >= 0) {
            window.fetch = fetch0;
            load();
        }
        return answer;
    };
})();
"""
PLOTLY_PATH = "_dash-component-suites/plotly/package_data/plotly.min.js"  # where dcc.Graph would load it from
CARTESIAN_PATH = "_diplosim/plotly-cartesian.min.js"
# the trace types of plotly.js's cartesian bundle; every chart the dashboard draws uses only these (a test checks)
CARTESIAN_TRACES = frozenset({"bar", "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour",
                              "image", "pie", "scatter", "scatterternary", "violin"})


def cartesian_bundle() -> Path | None:
    """plotly.js's cartesian bundle (1.5 MB instead of 4.8 MB: a third of the time to run it in the browser), if
    `make setup` installed it from the npm registry for the plotly.js version of the installed plotly; else None
    and the dashboard uses the full plotly.js that comes with plotly."""
    import sys

    from plotly.offline import get_plotlyjs_version

    path = Path(sys.prefix) / "share" / "diplosim" / f"plotly-cartesian-{get_plotlyjs_version()}.min.js"
    return path if path.is_file() else None


# The first screen (issue 25 item 13): at 1280x720 the header, the tabs, the short help, the headline answers and
# the calendar chart fit without scrolling (cards beside the chart on a wide screen, above it on a narrow one);
# nothing is wider than a phone's screen (390 px): long words wrap, tables and charts scroll inside their box.
FIRST_SCREEN_CSS = """
header{padding:.3em 1.5em;gap:.4em 1.5em}header h1{font-size:1.1em}#scenario-name{font-size:.95em}
header .upload{font-size:.8em;padding:.15em .6em}
#tabs .tab{padding:.35em .6em;line-height:1.25;white-space:nowrap}
.help{font-size:.84em;color:#333;margin:.3em 0;max-width:80em}
.firstscreen{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr);gap:.6em;align-items:start}
.firstscreen .headlines{grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:.4em;margin:.2em 0}
.firstscreen .card{padding:.3em .6em}.firstscreen .card .q{min-height:0;font-size:.8em}
.firstscreen .card .big{font-size:1.5em}.firstscreen .card .small{font-size:.8em}
@media (max-width:1000px){.firstscreen{grid-template-columns:minmax(0,1fr)}}
main{overflow-wrap:anywhere}main input,main .dash-input-container,main label{max-width:100%;box-sizing:border-box}
.grid{display:block;max-width:100%;overflow-x:auto}
@media (max-width:600px){main{padding:.3em .5em}header{padding:.3em .5em}.controls{grid-template-columns:minmax(0,1fr)}
#tabs{flex-wrap:wrap}#tabs .tab{flex:1 1 30%;min-width:0;white-space:normal}.headlines{grid-template-columns:minmax(0,1fr)}}
"""


def page_template(prefix: str, bundle: Path | None) -> str:
    url = prefix + (PLOTLY_PATH if bundle is None else CARTESIAN_PATH)
    return PAGE.replace("PLOTLY_EARLY", PLOTLY_EARLY).replace("PLOTLY_URL", url).replace("FIRST_SCREEN_CSS",
                                                                                         FIRST_SCREEN_CSS)


def serve_bundle(app: Dash, bundle: Path) -> None:
    from flask import send_file

    def plotly_js():
        return send_file(bundle, mimetype="text/javascript", max_age=3600)

    app.server.add_url_rule(app.config.routes_pathname_prefix + CARTESIAN_PATH, "diplosim_plotly_js", plotly_js)


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

FIRST_TAB = "whatif"
SHOWN_TAB = {"display": "block"}
HIDDEN_TAB = {"visibility": "hidden", "height": 0, "overflow": "hidden"}
UNCHECKED = ("This scenario's {n} were NOT checked against their sources: it was uploaded without its source "
             "texts. Upload it together with them (several files, or one .zip) to check them as `diplosim validate` "
             "does.")
QUOTE_MISSING = "quote does not occur in the text of source '"
MAX_QUOTES_LISTED = 3  # failed quotes named before the rest are counted


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


def warm_baseline(ctx: Context, key: str) -> None:
    """The first page's What-if view (its baseline simulated, its charts drawn: ``whatif.whatif_view`` keeps it),
    made while the browser is still on its way, so the page's layout only has to send it."""
    try:
        whatif.whatif_view(ctx, WhatIf(key, ctx.runs, ctx.seed))
    except Exception:  # noqa: BLE001 - the page load computes it again and shows the failure in one line
        pass


def create_app(scenario=None, results_dir: str | Path | None = None, *, runs: int = 500, seed: int = 1,
               engine: str = "auto", warm: bool = True, results_roots=(), token: str | None = None,
               scenario_roots=()) -> Dash:
    """The dashboard for a scenario (a path or a loaded scenario; raises ScenarioError if invalid).

    ``results_dir`` pre-opens a sweep results directory in the Sweep explorer. The explorer opens only that
    folder and folders under ``results_roots`` (``sweep.allowed_results_path``).
    With a ``token`` every request must carry it (``access.require_token``: the password of HTTP Basic
    authentication, or a Bearer token); the command line requires one when the server is reachable from other
    machines. Simulations run in this process, off the request threads (``jobs.Scheduler``: a small worker pool, fair
    between browser sessions, bounded); uploads are kept per session in a private temporary folder.
    """
    roots = tuple(str(Path(p).expanduser().resolve()) for p in ([results_dir] if results_dir else [])
                  + list(results_roots))
    ctx = Context(runs=runs, seed=seed, engine=engine, results_dir=str(results_dir) if results_dir else None,
                  results_roots=roots, scenario_roots=tuple(Path(p).expanduser().resolve() for p in scenario_roots))
    if scenario is not None:
        from simulator.runner import resolve_engine
        from simulator.scenario import load

        loaded = load(scenario) if isinstance(scenario, (str, Path)) else scenario
        entry = ctx.add(MAIN, f"{Path(loaded.path).name}", loaded)
        resolve_engine(entry.compiled, engine)  # ValueError with a one-line message if this engine cannot run it
        if warm:  # the baseline every first page shows, computed while the browser is still on its way
            threading.Thread(target=warm_baseline, args=(ctx, entry.key), daemon=True,
                             name="diplosim-baseline").start()
    app = DashboardApp(__name__, title="diplosim dashboard", suppress_callback_exceptions=True, update_title=None)
    if token:
        from .access import require_token

        require_token(app.server, token)
    bundle = cartesian_bundle()
    if bundle is not None:
        serve_bundle(app, bundle)
    app.index_string = page_template(app.config.requests_pathname_prefix, bundle)
    # above the upload limits (base64 adds a third), so a too-large upload that skipped the browser's check still
    # reaches decode_upload and gets its one-line message; only a far larger request is refused by Flask itself
    app.server.config["MAX_CONTENT_LENGTH"] = 4 * MAX_BUNDLE_BYTES
    app.layout = lambda: layout(ctx)  # built per page load: menus list the uploads made since the server started
    whatif.register(app, ctx)
    sweep.register(app, ctx)
    onerun.register(app, ctx)
    compare.register(app, ctx)
    track.register(app, ctx)
    why.register(app, ctx)
    compare_why.register(app, ctx)
    downloads.register(app, ctx)
    tabstate.register(app, ctx)
    corpus.register(app, ctx)
    sweep_run.register(app, ctx)
    register(app, ctx)
    app.diplosim_context = ctx  # for tests and benchmarks that call the views directly
    return app


def page_search() -> str:
    """The query of the page being built: the layout is fetched by the page itself, so its address (with the
    query) is the request's Referer; '' outside a request or when the browser sent none (then the controls are
    rebuilt from the URL by a callback, as for any later change of the address)."""
    from urllib.parse import urlsplit

    from flask import has_request_context, request

    if not has_request_context():
        return ""
    if not request.path.endswith("_dash-layout"):  # the page itself (Dash builds the layout once to check it)
        query = request.query_string.decode("latin-1")
    else:
        query = urlsplit(request.referrer or "").query
    return f"?{query}" if query else ""


def layout(ctx: Context, search: str | None = None) -> html.Div:
    """The whole page for the address with query ``search`` (by default the requesting page's): the What-if tab
    comes filled in, so the first chart arrives with the page; the other tabs fill in when first opened."""
    search = page_search() if search is None else search
    main = ctx.get(None, NO_SESSION)  # the page's session is not known yet: it sees the server's own scenario
    state, found = (None, []) if main is None else parse_search(search, main.key, ctx.table_for(NO_SESSION),
                                                                ctx.runs, ctx.seed)
    name, note = scenario_heading(ctx, None if state is None else state.scenario)
    return html.Div([
        dcc.Location(id="url", refresh=False),
        # this browser tab's session: a new id with each page, replaced by the tab's own one if it has one already
        # (the browser keeps it in the tab's session storage); uploads belong to it (``Context.sessions``)
        dcc.Store(id="session", storage_type="session", data=new_session_id()),
        # the query the controls were built for: the URL callback skips it (see whatif.sync_controls)
        dcc.Store(id="whatif-state", data=search if main is not None else None),
        dcc.Store(id="active-scenario", data=None if state is None else state.scenario),
        dcc.Store(id="upload-payload"), dcc.Store(id="scenario-panel-key"),
        html.Header([
            html.H1("diplosim dashboard"),
            html.Span(name, id="scenario-name"),
            corpus.layout(ctx),  # the --scenario-root folders' scenarios, picked by name (corpus.py)
            dcc.Upload(id="upload",
                       children=html.Span(f"Upload a scenario (YAML, up to {MAX_UPLOAD_BYTES // 1024} KB), alone or "
                                          f"with its source texts (several files or a .zip, up to "
                                          f"{MAX_BUNDLE_BYTES // 2**20} MB)"),
                       className="upload", multiple=True),
        ]),
        html.Main([
            html.Div(id="upload-size-problem", className="hidden", role="alert"),
            html.Div(id="upload-problems"),
            html.Div(note, id="quotes-note"),
            *tabstate.stores(),  # the other tabs' state in the URL's fragment (tabstate.py)
            dcc.Tabs(id="tabs", value=FIRST_TAB,
                     children=[dcc.Tab(label=onerun_label(ctx.get(None if state is None else state.scenario,
                                                                       NO_SESSION))
                                       if v == "onerun" else label, value=v, id=f"tab-button-{v}")
                               for v, label in TABS]),
            html.Div(html.Div(id="scenario-panel"), id="tab-scenario", style=tab_style("scenario")),
            html.Div(whatif.layout(ctx, state, found), id="tab-whatif", style=tab_style("whatif")),
            html.Div(sweep.layout(ctx), id="tab-sweep", style=tab_style("sweep")),
            html.Div(onerun.layout(ctx, None if state is None else state.scenario), id="tab-onerun",
                     style=tab_style("onerun")),
            html.Div(compare.layout(ctx), id="tab-compare", style=tab_style("compare")),
            html.Div(track.layout(ctx), id="tab-track", style=tab_style("track")),
        ]),
    ])


def tab_style(tab: str, chosen: str = FIRST_TAB) -> dict:
    # every tab stays in the page (hidden, not removed), so switching never re-runs a simulation; a hidden tab
    # keeps its width (no display:none), so a chart drawn while hidden is drawn at its real size, not squeezed
    return SHOWN_TAB if tab == chosen else HIDDEN_TAB


def scenario_heading(ctx: Context, key: str | None, session: str = NO_SESSION) -> tuple[str, html.Div | None]:
    """(the scenario's title beside the page title, the note that its quotes were not checked, if so)."""
    entry = ctx.get(key, session)
    if entry is None:
        return "", None
    unchecked = entry.unchecked_quotes  # a scenario that quotes nothing has nothing left unchecked
    note = None if not unchecked else html.Div(UNCHECKED.format(n=quotes(unchecked)), className="note",
                                               id="quotes-unchecked")
    return f"{entry.loaded.scenario.metadata.title} ({entry.label})", note


def quotes(n: int) -> str:
    return "1 evidence quote" if n == 1 else f"{n:,} evidence quotes"


def summarise_quote_failures(lines: list[str]) -> list[str]:
    """A refused upload's problems with its failed quotes in one line ('29 evidence quotes do not occur in the
    texts of their sources (...)': where the first few are, and how many more), the other problems as they are."""
    failed = [line for line in lines if QUOTE_MISSING in line]
    if len(failed) <= 1:
        return list(lines)
    where = [line.split(": ")[0] for line in failed[:MAX_QUOTES_LISTED]]
    sources = sorted({line.split(QUOTE_MISSING, 1)[1].rstrip("'") for line in failed})
    more = len(failed) - len(where)
    summary = (f"{quotes(len(failed))} do not occur in the texts of their sources ({', '.join(sources)}): at "
               f"{', '.join(where)}" + (f" and {more:,} more" if more else "")
               + "; check the quotes or upload the right source texts")
    return [line for line in lines if QUOTE_MISSING not in line] + [summary]


SHOW_TAB_JS = """
function(chosen) {
    const shown = %s, hidden = %s;
    return %s.map(v => v === chosen ? shown : hidden);
}
""" % (json.dumps(SHOWN_TAB), json.dumps(HIDDEN_TAB), json.dumps([v for v, _ in TABS]))


def register(app: Dash, ctx: Context) -> None:
    from .scenario_view import scenario_panel

    # switching tabs is done in the browser (no server round trip)
    app.clientside_callback(SHOW_TAB_JS, *[Output(f"tab-{v}", "style") for v, _ in TABS], Input("tabs", "value"),
                            prevent_initial_call=True)

    @app.callback(Output("scenario-name", "children"), Output("quotes-note", "children"),
                  Output("tab-button-onerun", "label"), Input("active-scenario", "data"), State("session", "data"),
                  prevent_initial_call=True)
    def scenario_name(key, session):
        session = browser_session(session)
        return (*scenario_heading(ctx, key, session), onerun_label(ctx.get(key, session)))

    @app.callback(Output("scenario-panel", "children"), Output("scenario-panel-key", "data"),
                  Input("tabs", "value"), Input("active-scenario", "data"), State("scenario-panel-key", "data"),
                  State("session", "data"), prevent_initial_call=True)
    def fill_scenario_panel(tab, key, shown, session):
        # built when the tab is first opened (or opened after another scenario became the active one), so a
        # page load does not wait for tables and a network chart nobody has asked to see yet
        entry = ctx.get(key, browser_session(session))
        if tab != "scenario" or key == shown or entry is None:
            raise PreventUpdate
        from .outside import outside_view_block

        return scenario_panel(entry) + outside_view_block(ctx, entry, browser_session(session)), key

    @app.callback(Output("compare-a-scenario", "options", allow_duplicate=True),
                  Output("compare-b-scenario", "options", allow_duplicate=True),
                  Input("session", "data"), prevent_initial_call="initial_duplicate")
    def session_menus(session):
        # the page is built before its session is known; this session's uploads join the menus when it is
        options = ctx.options(browser_session(session))
        return options, options

    app.clientside_callback(
        UPLOAD_GATE_JS, Output("upload-payload", "data"), Output("upload-size-problem", "children"),
        Output("upload-size-problem", "className"), Output("upload-problems", "children", allow_duplicate=True),
        Input("upload", "contents"), State("upload", "filename"), prevent_initial_call=True)

    @app.callback(Output("upload-problems", "children"), Output("url", "search", allow_duplicate=True),
                  Output("compare-a-scenario", "options"), Output("compare-b-scenario", "options"),
                  Input("upload-payload", "data"), State("session", "data"), prevent_initial_call=True)
    def upload(payload, session):
        if not payload:
            return no_update, no_update, no_update, no_update
        session = browser_session(session)
        try:
            entry = ctx.add_upload(payload.get("filename"), payload.get("contents"), session)
        except UploadError as exc:
            found = summarise_quote_failures(exc.lines)
            lines = [f"The upload was refused; nothing changed. {len(found)} problem(s):", *found]
            return problems(lines), no_update, no_update, no_update
        options = ctx.options(session)
        unchecked = entry.unchecked_quotes
        checked = (f"{quotes(unchecked)} NOT checked (no source texts uploaded)" if unchecked else
                   "evidence quotes checked against the source texts" if entry.quotes_checked else
                   "no evidence quotes to check")
        note = html.Div(f"Loaded {entry.label}: {entry.loaded.scenario.metadata.title}; {checked}",
                        className="status", id="upload-ok")
        return note, WhatIf(entry.key, ctx.runs, ctx.seed).to_search(), options, options
