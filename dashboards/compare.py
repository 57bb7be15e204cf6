"""The Compare tab: two scenarios, or two what-if settings of one, side by side on common random numbers."""

from __future__ import annotations

from dash import ALL, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from .compare_why import layout as why_layout
from .context import MAIN, NO_SESSION, browser_session
from .downloads import layout as downloads_layout
from .jobs import Busy, Superseded
from .state import MAX_RUNS, MAX_SEED, whole_number
from .ui import difference, failure, graph, headlines, interval, number, probabilities, problems, table

HIDE, SHOW = {"display": "none"}, {"display": "block"}
EMPTY = {"data": [], "layout": {}}


CPARAM = "compare-param"  # a Compare side's slider: {"type": CPARAM, "side": "a", "name": parameter}


def _side(ctx, side: str) -> html.Div:
    return html.Div([
        html.H4(f"Variant {side.upper()}"),
        # the page is built before its session is known: its uploads join the menus then (app.session_menus)
        dcc.Dropdown(id=f"compare-{side}-scenario", options=ctx.options(NO_SESSION),
                     value=MAIN if ctx.get(MAIN) else None,
                     clearable=False),
        # the same sliders and switches as the What-if tab, for this side's scenario (``side_controls``)
        html.Button("sliders and switches", id=f"compare-{side}-more", className="more"),
        html.Div(id=f"compare-{side}-controls"),
        dcc.Textarea(id=f"compare-{side}-sets", rows=3,
                     placeholder="other settings, one per line: name=value (e.g. turkey.flexibility=0.5, "
                                 "russia.active=0)"),
    ], className="half")


def side_controls(entry, side: str, overrides: dict | None = None) -> list:
    """A slider per uncertain parameter and a switch per precondition and mediator, as in the What-if tab: a
    slider left at its distribution's median means "drawn from the distribution"; moved, it fixes the parameter
    in every run of this side."""
    from simulator.charts.words import human_label

    from .whatif import slider_start, switches

    overrides = overrides or {}
    c = entry.compiled
    rows = []
    for name in c.table.uncertain:
        p = c.table.params[name]
        lo, hi = p.bounds
        rows.append(html.Div([
            html.Label(human_label(name, c)),
            dcc.Slider(id={"type": CPARAM, "side": side, "name": name}, min=lo, max=hi, step=(hi - lo) / 100,
                       value=overrides.get(name, slider_start(p)), marks={lo: f"{lo:.3g}", hi: f"{hi:.3g}"},
                       updatemode="mouseup", allow_direct_input=False,
                       tooltip={"placement": "bottom", "always_visible": False}),
        ], className="param"))
    toggles = switches(c)
    return [dcc.Checklist(id={"type": "compare-toggles", "side": side, "name": "switches"},
                          options=[{"label": label, "value": name} for name, label in toggles],
                          value=[n for n, _ in toggles if overrides.get(n, 1.0) >= 0.5]),
            html.Div(rows, className="controls")]


def controls_overrides(entry, ids, values, toggled_on) -> dict[str, float]:
    """A side's settings from its sliders (those moved off the median) and switches (those turned off)."""
    from .whatif import slider_start, switches

    table_ = entry.compiled.table
    out = {}
    for id_, value in zip(ids or [], values or []):
        # a side whose controls went with a change of its scenario still sends one None per removed slider
        name = id_["name"] if id_ is not None else None
        if value is None or name not in table_.params:
            continue
        if abs(float(value) - slider_start(table_.params[name])) > 1e-12 * max(1.0, abs(float(value))):
            out[name] = float(value)
    if toggled_on is not None:
        for name, _ in switches(entry.compiled):
            if name not in toggled_on:
                out[name] = 0.0
    return out


def layout(ctx) -> html.Div:
    return html.Div([
        html.P("Both variants run the same replications with the same seed, so their runs share random draws "
               "wherever the scenarios' draw layouts agree; differences are paired (B minus A). Settings are "
               "checked as in the What-if tab: known names, numbers within each parameter's range, switches 0 or 1."),
        html.Div([_side(ctx, "a"), _side(ctx, "b")], className="row"),
        html.Div([html.Label(["runs ", number("compare-runs", ctx.runs, 1, MAX_RUNS)]),
                  html.Label(["seed ", number("compare-seed", ctx.seed, 0, MAX_SEED)]),
                  html.Button("Compare", id="compare-go")], className="row"),
        html.Div(id="compare-problems"),
        dcc.Store(id="compare-shown"),  # what the result shows: {a, sets_a, b, sets_b, runs, seed} (URL, downloads)
        dcc.Store(id="compare-restore"),  # the comparison the URL asks for (``tabstate``): controls, then a run
        html.Div(id="compare-busy", className="status busy", role="status"),
        dcc.Interval(id="compare-busy-timer", interval=300, disabled=True),
        html.Div([
            html.Div(id="compare-status", className="status"),
            html.Div(id="compare-headlines"),
            graph(id="compare-calendar"),
            html.Div(id="compare-table"),
            graph(id="compare-diff"),
            downloads_layout("compare"),
            why_layout(),  # why they differ: the questions, milestones and gates that differ, who blocked what
        ], id="compare-result", style=HIDE),
    ])


def parse_settings(text: str | None, table_, where: str) -> tuple[dict[str, float], list[str]]:
    """One setting per line (or comma-separated), checked exactly like the What-if tab's URL settings."""
    from .state import check_assignments

    lines = [line.strip() for line in (text or "").replace(",", "\n").splitlines() if line.strip()]
    return check_assignments(lines, table_, where)


def compare_view(ctx, key_a: str, sets_a: dict, key_b: str, sets_b: dict, runs: int, seed: int,
                 session: str | None = None, slot: str | None = None) -> dict:
    from simulator import charts
    from simulator.analysis.compare import layouts
    from simulator.charts.whatif import difference_from_baseline

    from .compute import paired_differences, simulate_many
    from .outside import compare_columns

    ea, eb = ctx.get(key_a, session), ctx.get(key_b, session)
    (a, _), (b, _) = simulate_many(ctx, [(key_a, seed, runs, sets_a), (key_b, seed, runs, sets_b)], session, slot)
    rows = paired_differences(a, b, ea.compiled, eb.compiled)
    if not rows:
        raise ValueError("compare: the two scenarios share no question id, so there is nothing to compare")
    same = layouts(ea.compiled, eb.compiled)
    crn = ("exact common random numbers (same draw layout)" if all(same.values()) else
           "partly common random numbers: the draw layouts differ in " + ", ".join(k for k, v in same.items() if not v))
    # each variant's outside view beside the forecasts (as the What-if tab shows it), or a line saying it has none
    outside, columns, notes = compare_columns(ctx, [("A", ea), ("B", eb)], seed, runs, session)
    body = [[r["text"], interval(r["a"]), interval(r["b"]), difference(r), *(col.get(r["id"], "-") for col in columns)]
            for r in rows]
    if key_a == key_b or [m.id for m in ea.compiled.milestones] == [m.id for m in eb.compiled.milestones]:
        calendar = charts.calendar_variants([("A", a.table), ("B", b.table)], eb.compiled)
    else:  # different milestones: B's calendar alone, A's numbers stay in the table
        calendar = _labelled(charts.probability_over_calendar(b.table, eb.compiled), "B")
    return {"status": f"{runs:,} runs each, seed {seed}; {crn}; A in {a.seconds:.2f} s, B in {b.seconds:.2f} s",
            "headlines": headlines(rows, base="A", alt="B", id_="compare-headlines-cards"),
            "table": html.Div([table(["question", "A (95% Wilson)", "B (95% Wilson)", "B - A (paired 95%)",
                                      *outside], body, id="compare-numbers"),
                               *(html.P(n, className="note compare-outside-none") for n in notes)],
                              id="compare-outside-view"),
            "diff": difference_from_baseline(probabilities(rows), runs, "A", "B"),
            "calendar": calendar}


def _labelled(fig, side: str):
    return fig.update_layout(title=dict(text=f"<b>{side}</b>: {fig.layout.title.text}"))


def register(app, ctx) -> None:
    from .whatif import register_busy

    register_busy(app, ctx, "compare")

    @app.callback(Output("compare-a-controls", "children"), Output("compare-b-controls", "children"),
                  Output("compare-go", "n_clicks"),
                  Input("compare-a-scenario", "value"), Input("compare-b-scenario", "value"),
                  Input("compare-restore", "data"), Input("compare-a-more", "n_clicks"),
                  Input("compare-b-more", "n_clicks"), State("compare-go", "n_clicks"), State("session", "data"))
    def fill_controls(key_a, key_b, restore, open_a, open_b, clicks, session):
        """Both sides' sliders and switches for their scenarios, built when a side's button asks for them; restored from
        the URL (``tabstate``), they take its settings and the comparison runs again (a click once the controls
        are in place)."""
        from dash import ctx as dash_ctx

        session = browser_session(session)
        out = []
        changed = dash_ctx.triggered_prop_ids
        restoring = "compare-restore.data" in changed and bool(restore)
        for side, key, shown in (("a", key_a, open_a), ("b", key_b, open_b)):
            entry = ctx.get(key, session)
            if not (restoring or f"compare-{side}-scenario.value" in changed or f"compare-{side}-more.n_clicks" in changed):
                out.append(no_update)  # the other side's controls keep what the user set
                continue
            if not shown and not (restoring and restore.get(f"sets_{side}")):
                out.append(None)  # built when its button is pressed (or the URL sets it)
                continue
            wanted = dict(restore.get(f"sets_{side}", [])) if restore and restore.get(side) == key else {}
            out.append(None if entry is None else side_controls(entry, side, wanted))
        # the URL's comparison runs once its controls are built (the scenarios may have changed with it)
        go = restoring and restore.get("go")
        return out[0], out[1], (clicks or 0) + 1 if go else no_update

    @app.callback(Output("compare-problems", "children"), Output("compare-result", "style"),
                  Output("compare-status", "children"), Output("compare-headlines", "children"),
                  Output("compare-table", "children"), Output("compare-diff", "figure"),
                  Output("compare-calendar", "figure"), Output("compare-shown", "data"),
                  Input("compare-go", "n_clicks"), State("compare-a-scenario", "value"),
                  State("compare-a-sets", "value"), State("compare-b-scenario", "value"),
                  State("compare-b-sets", "value"), State("compare-runs", "value"), State("compare-seed", "value"),
                  State({"type": CPARAM, "side": "a", "name": ALL}, "id"),
                  State({"type": CPARAM, "side": "a", "name": ALL}, "value"),
                  State({"type": "compare-toggles", "side": "a", "name": ALL}, "value"),
                  State({"type": CPARAM, "side": "b", "name": ALL}, "id"),
                  State({"type": CPARAM, "side": "b", "name": ALL}, "value"),
                  State({"type": "compare-toggles", "side": "b", "name": ALL}, "value"),
                  State("session", "data"), prevent_initial_call=True,
                  running=[(Output("compare-busy-timer", "disabled"), False, True)])
    def run_compare(_, key_a, text_a, key_b, text_b, runs, seed, ids_a, values_a, on_a, ids_b, values_b, on_b,
                    session):
        session = browser_session(session)
        # an invalid compare never leaves the last result on screen
        cleared = (HIDE, "", None, None, EMPTY, EMPTY, None)
        ea, eb = ctx.get(key_a, session), ctx.get(key_b, session)
        if ea is None or eb is None:
            return (problems(["compare: choose a scenario for A and for B (uploads last while this page's session "
                              "is used)"]), *cleared)
        sets_a, found_a = parse_settings(text_a, ctx.table(key_a, session), "compare A")
        sets_b, found_b = parse_settings(text_b, ctx.table(key_b, session), "compare B")
        # the sliders and switches, then the other settings typed (which win where both name a parameter)
        # (a side's switches are one checklist, or none before its controls are built: a list of 0 or 1 values)
        sets_a = {**controls_overrides(ea, ids_a, values_a, on_a[0] if on_a else None), **sets_a}
        sets_b = {**controls_overrides(eb, ids_b, values_b, on_b[0] if on_b else None), **sets_b}
        found = found_a + found_b
        runs, runs_problem = whole_number("compare: runs", runs, 1, MAX_RUNS)
        seed, seed_problem = whole_number("compare: seed", seed, 0, MAX_SEED)
        found += [p for p in (runs_problem, seed_problem) if p]
        if found:
            return (problems(found), *cleared)
        try:
            view = compare_view(ctx, key_a, sets_a, key_b, sets_b, runs, seed, session, "compare")
        except Superseded:
            raise PreventUpdate from None  # a newer compare of this page replaced it: that one answers
        except (Busy, ValueError) as exc:
            return (problems([str(exc)]), *cleared)
        except Exception as exc:  # noqa: BLE001 - shown in the page, never a traceback
            return (failure("compare", exc), *cleared)
        shown = {"a": key_a, "sets_a": sorted(sets_a.items()), "b": key_b, "sets_b": sorted(sets_b.items()),
                 "runs": runs, "seed": seed}
        return (None, SHOW, view["status"], view["headlines"], view["table"], view["diff"], view["calendar"],
                shown)
