"""The Compare tab: two scenarios, or two what-if settings of one, side by side on common random numbers."""

from __future__ import annotations

from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from .context import MAIN, NO_SESSION, browser_session
from .jobs import Busy, Superseded
from .state import MAX_RUNS, MAX_SEED, whole_number
from .ui import difference, failure, graph, headlines, interval, number, probabilities, problems, table

HIDE, SHOW = {"display": "none"}, {"display": "block"}
EMPTY = {"data": [], "layout": {}}


def _side(ctx, side: str) -> html.Div:
    return html.Div([
        html.H4(f"Variant {side.upper()}"),
        # the page is built before its session is known: its uploads join the menus then (app.session_menus)
        dcc.Dropdown(id=f"compare-{side}-scenario", options=ctx.options(NO_SESSION),
                     value=MAIN if ctx.get(MAIN) else None,
                     clearable=False),
        dcc.Textarea(id=f"compare-{side}-sets", rows=4,
                     placeholder="settings, one per line: name=value (e.g. turkey.flexibility=0.5, russia.active=0)"),
    ], className="half")


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
        html.Div(id="compare-busy", className="status busy", role="status"),
        dcc.Interval(id="compare-busy-timer", interval=300, disabled=True),
        html.Div([
            html.Div(id="compare-status", className="status"),
            html.Div(id="compare-headlines"),
            graph(id="compare-calendar"),
            html.Div(id="compare-table"),
            graph(id="compare-diff"),
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

    ea, eb = ctx.get(key_a, session), ctx.get(key_b, session)
    (a, _), (b, _) = simulate_many(ctx, [(key_a, seed, runs, sets_a), (key_b, seed, runs, sets_b)], session, slot)
    rows = paired_differences(a, b, ea.compiled, eb.compiled)
    if not rows:
        raise ValueError("compare: the two scenarios share no question id, so there is nothing to compare")
    same = layouts(ea.compiled, eb.compiled)
    crn = ("exact common random numbers (same draw layout)" if all(same.values()) else
           "partly common random numbers: the draw layouts differ in " + ", ".join(k for k, v in same.items() if not v))
    body = [[r["text"], interval(r["a"]), interval(r["b"]), difference(r)] for r in rows]
    if key_a == key_b or [m.id for m in ea.compiled.milestones] == [m.id for m in eb.compiled.milestones]:
        calendar = charts.calendar_variants([("A", a.table), ("B", b.table)], eb.compiled)
    else:  # different milestones: B's calendar alone, A's numbers stay in the table
        calendar = _labelled(charts.probability_over_calendar(b.table, eb.compiled), "B")
    return {"status": f"{runs:,} runs each, seed {seed}; {crn}; A in {a.seconds:.2f} s, B in {b.seconds:.2f} s",
            "headlines": headlines(rows, base="A", alt="B", id_="compare-headlines-cards"),
            "table": table(["question", "A (95% Wilson)", "B (95% Wilson)", "B - A (paired 95%)"], body,
                           id="compare-numbers"),
            "diff": difference_from_baseline(probabilities(rows), runs, "A", "B"),
            "calendar": calendar}


def _labelled(fig, side: str):
    return fig.update_layout(title=dict(text=f"<b>{side}</b>: {fig.layout.title.text}"))


def register(app, ctx) -> None:
    from .whatif import register_busy

    register_busy(app, ctx, "compare")

    @app.callback(Output("compare-problems", "children"), Output("compare-result", "style"),
                  Output("compare-status", "children"), Output("compare-headlines", "children"),
                  Output("compare-table", "children"), Output("compare-diff", "figure"),
                  Output("compare-calendar", "figure"),
                  Input("compare-go", "n_clicks"), State("compare-a-scenario", "value"),
                  State("compare-a-sets", "value"), State("compare-b-scenario", "value"),
                  State("compare-b-sets", "value"), State("compare-runs", "value"), State("compare-seed", "value"),
                  State("session", "data"), prevent_initial_call=True,
                  running=[(Output("compare-busy-timer", "disabled"), False, True)])
    def run_compare(_, key_a, text_a, key_b, text_b, runs, seed, session):
        session = browser_session(session)
        cleared = (HIDE, "", None, None, EMPTY, EMPTY)  # an invalid compare never leaves the last result on screen
        if ctx.get(key_a, session) is None or ctx.get(key_b, session) is None:
            return (problems(["compare: choose a scenario for A and for B (uploads last while this page's session "
                              "is used)"]), *cleared)
        sets_a, found_a = parse_settings(text_a, ctx.table(key_a, session), "compare A")
        sets_b, found_b = parse_settings(text_b, ctx.table(key_b, session), "compare B")
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
        return None, SHOW, view["status"], view["headlines"], view["table"], view["diff"], view["calendar"]
