"""The What-if tab: a slider per uncertain parameter, a switch per precondition and mediator.

Data flow (one direction, no callback loop): the URL builds the controls
(``sync_controls``), the controls run the Monte Carlo and write the URL back
(``run_whatif``). ``whatif-state`` holds the query the controls last wrote,
so the URL change made by ``run_whatif`` does not rebuild the controls.
A slider left at its starting position (the distribution's median) means
"drawn from the distribution"; moved, it fixes the parameter for every run.
"""

from __future__ import annotations

import time

from dash import ALL, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from .state import MAX_RUNS, WhatIf, parse_search
from .ui import difference, failure, interval, number, probabilities, problems, table

PARAM = "whatif-param"


def layout() -> html.Div:
    return html.Div([
        html.Div(id="whatif-problems"),
        html.Div(id="whatif-controls"),
        html.Div(id="whatif-status", className="status"),
        html.Div(id="whatif-numbers"),
        dcc.Loading(dcc.Graph(id="whatif-calendar"), delay_show=1500),
        dcc.Graph(id="whatif-diff"),
        dcc.Graph(id="whatif-questions"),
    ])


def slider_start(param) -> float:
    from simulator.scenario.params import quantile

    return float(quantile(param, 0.5))


def switches(compiled) -> list[tuple[str, str]]:
    """(parameter, label) for every precondition and mediator switch."""
    sc, w = compiled.scenario, compiled.words
    out = [(f"{p.id}.enabled", f"precondition {w.name(p.id)}: {w.name(p.held_by)} ({p.kind}) wants "
                               f"{p.requires.label(w)} before {w.name(p.before)}") for p in sc.preconditions]
    return out + [(f"{m.mediator}.active", f"mediator {w.name(m.mediator)} is active") for m in sc.mediation]


def controls(entry, state: WhatIf) -> list:
    from simulator.charts.scenario import describe

    table_ = entry.compiled.table
    rows = []
    for name in table_.uncertain:
        p = table_.params[name]
        lo, hi = p.bounds
        value = state.overrides.get(name, slider_start(p))
        fixed = f"fixed at {value:.3g} in this what-if" if name in state.overrides else "drawn from the distribution"
        rows.append(html.Div([
            html.Label(name),
            html.Div(f"{describe(p)}; {fixed}", className="dist"),
            dcc.Slider(id={"type": PARAM, "name": name}, min=lo, max=hi, step=(hi - lo) / 100, value=value,
                       marks={lo: f"{lo:.3g}", hi: f"{hi:.3g}"}, updatemode="mouseup", allow_direct_input=False,
                       tooltip={"placement": "bottom", "always_visible": False}),
        ], className="param"))
    toggles = switches(entry.compiled)
    on = [name for name, _ in toggles if state.overrides.get(name, 1.0) >= 0.5]
    shown = set(table_.uncertain) | {name for name, _ in toggles}
    extra = {k: v for k, v in state.overrides.items() if k not in shown}
    reset = WhatIf(state.scenario, state.runs, state.seed).to_search()
    return [
        dcc.Store(id="whatif-scenario", data=state.scenario),
        dcc.Store(id="whatif-extra", data=extra),
        html.Div([
            html.Label(["runs ", number("whatif-runs", state.runs, 1, MAX_RUNS, debounce=True)]),
            html.Label(["seed ", number("whatif-seed", state.seed, debounce=True)]),
            dcc.Link("reset to the scenario's distributions", href=reset, id="whatif-reset"),
            html.Span(f"also set from the URL: {', '.join(f'{k}={v:g}' for k, v in extra.items())}"
                      if extra else ""),
        ], className="row"),
        html.H4("Preconditions and mediators"),
        dcc.Checklist(id="whatif-toggles", options=[{"label": label, "value": name} for name, label in toggles],
                      value=on, inline=False),
        html.H4(f"Uncertain parameters ({len(rows)})"),
        html.Div(rows, className="controls"),
    ]


def overrides_from_controls(compiled, ids, values, toggled_on, extra) -> dict[str, float]:
    table_ = compiled.table
    out = {k: float(v) for k, v in (extra or {}).items()}
    for id_, value in zip(ids, values):
        name = id_["name"]
        if value is None or name not in table_.params:
            continue
        start = slider_start(table_.params[name])
        if abs(float(value) - start) > 1e-9 * max(1.0, abs(start)):
            out[name] = float(value)
    for name, _ in switches(compiled):
        if name not in (toggled_on or []):
            out[name] = 0.0
    return out


def numbers(rows: list[dict]) -> html.Table:
    body = [[r["text"], interval(r["a"]), interval(r["b"]), difference(r), f"{r['runs_changed']:,}"] for r in rows]
    return table(["question", "baseline (95% Wilson)", "what-if (95% Wilson)", "difference (paired 95%)",
                  "runs whose answer changed"], body, id="whatif-table")


def whatif_view(ctx, state: WhatIf) -> dict:
    """Everything the What-if tab shows for one state (also called directly by tests and the latency benchmark)."""
    from simulator import charts
    from simulator.charts.whatif import difference_from_baseline

    from .compute import cached_simulate, paired_differences

    start = time.perf_counter()
    entry = ctx.get(state.scenario)
    c = entry.compiled
    base, base_hit = cached_simulate(ctx, state.scenario, state.seed, state.runs, {})
    alt, alt_hit = (base, base_hit) if not state.overrides else cached_simulate(
        ctx, state.scenario, state.seed, state.runs, state.overrides)
    rows = paired_differences(base, alt, c, c)
    label = "what-if" if state.overrides else "baseline"
    figures = {"calendar": charts.probability_over_calendar(alt.table, c),
               "questions": charts.question_summary(alt.summary, c, f"; {label}"),
               "diff": difference_from_baseline(probabilities(rows), state.runs)}
    changed = ", ".join(f"{k}={v:g}" for k, v in sorted(state.overrides.items())) or "none (baseline)"
    timing = (f"simulated {state.runs:,} runs in {alt.seconds:.2f} s" if not alt_hit else "what-if from cache")
    status = (f"{state.runs:,} runs per variant, seed {state.seed}, common random numbers with the baseline; "
              f"changes: {changed}; {timing}; view ready in {time.perf_counter() - start:.2f} s")
    return {"rows": rows, "figures": figures, "status": status}


def register(app, ctx) -> None:
    from .scenario_view import scenario_panel

    @app.callback(Output("whatif-controls", "children"), Output("whatif-problems", "children"),
                  Output("scenario-panel", "children"), Output("active-scenario", "data"),
                  Input("url", "search"), State("whatif-state", "data"), State("active-scenario", "data"))
    def sync_controls(search, written, active):
        if ctx.get(None) is None:
            return [html.P("No scenario loaded: upload one (top right).")], None, no_update, None
        state, found = parse_search(search, ctx.get(None).key, ctx.table, ctx.runs, ctx.seed)
        if written is not None and written == search:
            raise PreventUpdate  # the controls wrote this URL themselves
        panel = scenario_panel(ctx.get(state.scenario)) if state.scenario != active else no_update
        return controls(ctx.get(state.scenario), state), problems(found), panel, state.scenario

    @app.callback(Output("url", "search", allow_duplicate=True), Output("whatif-state", "data"),
                  Output("whatif-status", "children"), Output("whatif-numbers", "children"),
                  Output("whatif-calendar", "figure"), Output("whatif-diff", "figure"),
                  Output("whatif-questions", "figure"),
                  Input({"type": PARAM, "name": ALL}, "value"), Input("whatif-toggles", "value"),
                  Input("whatif-runs", "value"), Input("whatif-seed", "value"),
                  State({"type": PARAM, "name": ALL}, "id"), State("whatif-scenario", "data"),
                  State("whatif-extra", "data"), State("url", "search"),
                  prevent_initial_call="initial_duplicate")
    def run_whatif(values, toggled_on, runs, seed, ids, key, extra, search):
        entry = ctx.get(key)
        if entry is None:
            raise PreventUpdate
        if runs is None or seed is None or not 1 <= int(runs) <= MAX_RUNS or int(seed) < 0:
            message = f"runs: a whole number from 1 to {MAX_RUNS:,}; seed: a whole number >= 0"
            return (no_update, no_update, problems([message]), no_update, no_update, no_update, no_update)
        overrides = overrides_from_controls(entry.compiled, ids, values, toggled_on, extra)
        state = WhatIf(key, int(runs), int(seed), overrides)
        try:
            view = whatif_view(ctx, state)
        except Exception as exc:  # noqa: BLE001 - shown in the page, never a traceback
            return (no_update, no_update, failure("this what-if", exc), no_update, no_update, no_update, no_update)
        new_search = state.to_search()
        figs = view["figures"]
        return (new_search if new_search != search else no_update, new_search, view["status"],
                numbers(view["rows"]), figs["calendar"], figs["diff"], figs["questions"])

