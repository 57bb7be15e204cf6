"""Every tab's state in the URL (issue 25 item 16): the What-if's in the query (``state.py``), the others in the
fragment after '#', so neither writer touches the other's part:

    #tab=compare&compare.a=main&compare.b=main&compare.b.set=russia.active%3D0&compare.runs=500&compare.seed=1
    &sweep.path=/results/grid&sweep.question=fm_before_round1&sweep.x=syria.flexibility&sweep.y=...
    &onerun.seed=1&onerun.run=3&onerun.whatif=1&onerun.step=7

A clientside callback writes it and a server callback reads it, once, when a page opens with it (so the two
never loop): a finished comparison, an opened sweep and its menus, a simulated run and the step shown, and the tab
chosen each rewrite their own keys and leave the others; an address opened (or pasted) rebuilds the tabs from
it: the Compare controls and a new comparison, the sweep and its menus, the run and its step. (Going back and
forward in the browser's history moves the address, not the tabs: open the address to rebuild them.) Values are
checked where the tab checks typed ones (the comparison's settings, runs and seed, the sweep's folder, the run's
numbers), so a hostile fragment gets the same one-line refusals; an unknown tab or a malformed number is one line.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from .context import browser_session
from .ui import TABS, problems

MAX_HASH_CHARS = 20_000
# which part of the fragment each input writes (WRITE_JS)
PARTS = {"tabs": "tab", "compare-shown": "compare", "sweep-loaded": "sweep", "sweep-question": "sweep",
         "sweep-x": "sweep", "sweep-y": "sweep", "onerun-trace": "onerun", "onerun-drawn": "onerun"}


def stores() -> list:
    return [dcc.Store(id="tabstate-written"), dcc.Store(id="tabstate-restored"), dcc.Store(id="tabstate-tab"),
            dcc.Store(id="sweep-wanted"),
            dcc.Store(id="onerun-wanted"),
            html.Div(id="tabstate-problems")]


def parse(fragment: str | None) -> dict[str, list[str]]:
    return parse_qs((fragment or "").lstrip("#"), keep_blank_values=True)


def last(query: dict, key: str) -> str | None:
    values = query.get(key)
    return values[-1] if values else None


def split_settings(entry, texts: list[str]) -> tuple[dict[str, float], list[str]]:
    """A side's settings from the URL: (those its sliders and switches show, the others as lines for its box).
    Every one of them goes into the box too when a slider could not show it (a value at the slider's median
    reads as 'drawn'), so the comparison run is exactly the one the URL names."""
    from .state import check_assignment, is_switch
    from .whatif import slider_start

    table_ = entry.compiled.table
    shown, lines = {}, []
    for text in texts:
        try:
            name, value = check_assignment(text, table_, "URL")
        except ValueError:
            lines.append(text)  # refused by the comparison itself, in one line, when it runs
            continue
        uncertain = name in table_.uncertain and abs(value - slider_start(table_.params[name])) > 1e-12
        if uncertain or (is_switch(table_, name) and value < 0.5):
            shown[name] = value
        else:
            lines.append(text)
    return shown, lines


WRITE_JS = """
function(tab, shown, sweepPath, question, x, y, trace, drawn) {
    const trigger = dash_clientside.callback_context.triggered_id;
    const parts = %s;
    const part = parts[trigger];
    if (!part) { return dash_clientside.no_update; }
    const query = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    for (const key of Array.from(query.keys())) {
        if (key === part || key.startsWith(part + ".")) { query.delete(key); }
    }
    const fmt = v => String(Number(v.toPrecision(12)));
    if (part === "tab") { query.set("tab", tab); }
    if (part === "compare" && shown) {
        query.set("compare.a", shown.a);
        shown.sets_a.forEach(([k, v]) => query.append("compare.a.set", k + "=" + fmt(v)));
        query.set("compare.b", shown.b);
        shown.sets_b.forEach(([k, v]) => query.append("compare.b.set", k + "=" + fmt(v)));
        query.set("compare.runs", shown.runs); query.set("compare.seed", shown.seed);
    }
    if (part === "sweep" && sweepPath) {
        query.set("sweep.path", sweepPath); query.set("sweep.question", question || "");
        query.set("sweep.x", x || ""); query.set("sweep.y", y || "");
    }
    if (part === "onerun" && trace) {
        query.set("onerun.seed", trace.seed); query.set("onerun.run", trace.replication);
        query.set("onerun.whatif", Object.keys(trace.overrides || {}).length ? "1" : "0");
        query.set("onerun.step", (drawn || 0) + 1);
    }
    const text = query.toString();
    const hash = text ? "#" + text : "";
    if (hash === window.location.hash) { return dash_clientside.no_update; }
    dash_clientside.set_props("tabstate-restored", {data: true});  // what it writes is never read back
    dash_clientside.set_props("url", {hash: hash});
    return hash;
}
""" % json.dumps(PARTS)


def register(app, ctx) -> None:
    # written in the browser from what each tab shows (no server round trip, and no callback loop: the reader
    # below reads an address once, when the page opens with it)
    app.clientside_callback(WRITE_JS, Output("tabstate-written", "data"), Input("tabs", "value"),
                            Input("compare-shown", "data"), Input("sweep-loaded", "data"),
                            Input("sweep-question", "value"), Input("sweep-x", "value"), Input("sweep-y", "value"),
                            Input("onerun-trace", "data"), Input("onerun-drawn", "data"), prevent_initial_call=True)

    # the tab an address names goes through a store to the tabs (below), never straight from the reader: the reader
    # answers every address change, the page's own writes included, and while a server callback that may set the
    # tabs is on its way, Dash holds back the browser's own tab switch (SHOW_TAB_JS), for a minute on a busy server
    app.clientside_callback("function(tab) { return tab || dash_clientside.no_update; }", Output("tabs", "value"),
                            Input("tabstate-tab", "data"), prevent_initial_call=True)

    outputs = [Output("tabstate-restored", "data"), Output("tabstate-tab", "data"),
               Output("tabstate-problems", "children"),
               Output("compare-a-scenario", "value"), Output("compare-b-scenario", "value"),
               Output("compare-a-sets", "value"), Output("compare-b-sets", "value"),
               Output("compare-runs", "value"), Output("compare-seed", "value"), Output("compare-restore", "data"),
               Output("sweep-path", "value"), Output("sweep-wanted", "data"),
               Output("onerun-seed", "value"), Output("onerun-rep", "value"), Output("onerun-whatif", "value"),
               Output("onerun-wanted", "data")]

    @app.callback(*outputs, Input("url", "hash"), State("tabstate-restored", "data"), State("session", "data"))
    def read(fragment, restored, session):
        if restored or not fragment or fragment == "#":
            raise PreventUpdate  # read once, when the page opens with an address that has one
        return (True, *restore(ctx, fragment, browser_session(session)))

    @app.callback(Output("sweep-question", "value", allow_duplicate=True), Output("sweep-x", "value",
                                                                                  allow_duplicate=True),
                  Output("sweep-y", "value", allow_duplicate=True), Output("sweep-wanted", "data",
                                                                           allow_duplicate=True),
                  Input("sweep-loaded", "data"), State("sweep-wanted", "data"), State("sweep-question", "options"),
                  State("sweep-x", "options"), State("sweep-y", "options"), prevent_initial_call=True)
    def sweep_menus(path, wanted, questions, xs, ys):
        if not path or not wanted or wanted.get("path") != path:
            raise PreventUpdate

        def pick(value, options):
            return value if value in {o["value"] for o in options or []} else no_update

        return (pick(wanted.get("question"), questions), pick(wanted.get("x"), xs), pick(wanted.get("y"), ys),
                None)

    @app.callback(Output("onerun-week", "value", allow_duplicate=True),
                  Output("onerun-wanted", "data", allow_duplicate=True),
                  Input("onerun-trace", "data"), State("onerun-wanted", "data"), State("onerun-week", "max"),
                  prevent_initial_call=True)
    def onerun_step(trace, wanted, last_step):
        if not trace or not wanted:
            raise PreventUpdate
        return min(max(int(wanted["step"]) - 1, 0), len(trace["weeks"]) - 1), None


def restore(ctx, fragment: str, session: str) -> tuple:
    """The outputs of ``sync`` after (tabstate-written) for an address's fragment: each tab it names rebuilt."""

    found: list[str] = []
    out = {}
    if len(fragment) > MAX_HASH_CHARS:
        return (no_update, problems([f"URL: the part after '#' is {len(fragment):,} characters long, more than the "
                                     f"{MAX_HASH_CHARS:,} the tabs can need; it was ignored"]), *[no_update] * 13)
    query = parse(fragment)
    tab = last(query, "tab")
    tabs = {v for v, _ in TABS}
    if tab is not None and tab not in tabs:
        found.append(f"URL: tab: '{tab[:40]}' is not a tab ({', '.join(sorted(tabs))})")
        tab = None
    a, b = last(query, "compare.a"), last(query, "compare.b")
    if a is not None or b is not None:
        runs, seed = _number(query, "compare.runs", found), _number(query, "compare.seed", found)
        ea, eb = ctx.get(a, session), ctx.get(b, session)
        for side, key, entry in (("A", a, ea), ("B", b, eb)):
            if entry is None:
                found.append(f"URL: compare.{side.lower()}: unknown scenario '{str(key)[:60]}'")
        if ea is not None and eb is not None:
            shown_a, lines_a = split_settings(ea, query.get("compare.a.set", []))
            shown_b, lines_b = split_settings(eb, query.get("compare.b.set", []))
            out.update({"a": a, "b": b, "a_sets": "\n".join(lines_a), "b_sets": "\n".join(lines_b),
                        "runs": runs, "seed": seed,
                        "restore": {"a": a, "b": b, "sets_a": sorted(shown_a.items()),
                                    "sets_b": sorted(shown_b.items()), "go": True}})
    path = last(query, "sweep.path")
    if path:
        out["sweep_path"] = path
        out["sweep_wanted"] = {"path": path, "question": last(query, "sweep.question"), "x": last(query, "sweep.x"),
                               "y": last(query, "sweep.y")}
    if last(query, "onerun.seed") is not None or last(query, "onerun.run") is not None:
        out["onerun_seed"] = _number(query, "onerun.seed", found)
        out["onerun_rep"] = _number(query, "onerun.run", found)
        out["onerun_whatif"] = ["yes"] if last(query, "onerun.whatif") != "0" else []
        step = _number(query, "onerun.step", found)
        out["onerun_wanted"] = {"step": step} if isinstance(step, int) and step >= 1 else None
    get = lambda k: out.get(k, no_update)  # noqa: E731
    return (tab or no_update, problems(found),
            get("a"), get("b"), get("a_sets"), get("b_sets"), get("runs"), get("seed"), get("restore"),
            get("sweep_path"), get("sweep_wanted"),
            get("onerun_seed"), get("onerun_rep"), get("onerun_whatif"), get("onerun_wanted"))


def _number(query: dict, key: str, found: list[str]):
    """A whole number of the fragment (checked again where the tab uses it); a malformed one is one line and is
    left to the tab's default."""
    raw = last(query, key)
    if raw is None:
        return no_update
    try:
        return int(raw) if len(raw) <= 25 else int("x")
    except ValueError:
        found.append(f"URL: {key}: '{raw[:25]}' is not a whole number")
        return no_update
