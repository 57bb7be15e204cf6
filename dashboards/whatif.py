"""The What-if tab: a slider per uncertain parameter, a switch per precondition and mediator.

Data flow (one direction, no callback loop): the URL builds the controls
(``sync_controls``), the controls run the Monte Carlo and write the URL back
(``run_whatif``). ``whatif-state`` holds the query the controls last wrote,
so the URL change made by ``run_whatif`` does not rebuild the controls.
A slider starts at its distribution's median and means "drawn from the
distribution" until it is moved; once moved, the parameter is fixed for every
run, at whatever value, the median included (``whatif-sliders`` remembers
which sliders were moved and their last values). Each parameter's
"use the distribution again" link drops it from the URL.

The page comes with the tab already filled in for its URL (``layout``): the
controls and the first chart are in the page's layout, so the first chart
needs no callback round trip. ``whatif-shown`` holds the state the view
shows; ``run_whatif`` recomputes only when the controls ask for another one.
"""

from __future__ import annotations

import threading
import time

from dash import ALL, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from .context import NO_SESSION, browser_session
from .jobs import Busy, Superseded
from .state import MAX_RUNS, MAX_SEED, WhatIf, parse_search, whole_number
from .downloads import layout as downloads_layout
from .why import layout as why_layout
from .ui import difference, failure, graph, headlines, interval, label, number, probabilities, problems, table

PARAM = "whatif-param"
VALUE = "whatif-value"  # the value shown beside a slider
DIST = "whatif-dist"  # the distribution line under a parameter's label
FREE = "whatif-free"  # "use the distribution again" link
HIDE, SHOW = {"display": "none"}, {}
EMPTY = {"data": [], "layout": {}}


def layout(ctx, state: WhatIf | None = None, found: list[str] | tuple = ()) -> html.Div:
    """The tab, filled in for ``state`` (the page's URL): controls, numbers and charts come with the page.

    Without a state (no scenario loaded) the controls say so and the charts are empty until an upload.
    """
    entry = None if state is None else ctx.get(state.scenario, NO_SESSION)  # the page's session is not known yet
    view, shown, failed = {}, None, None
    if entry is not None:
        try:
            view, shown = whatif_view(ctx, state, NO_SESSION), state.to_search()
        except Exception as exc:  # noqa: BLE001 - shown in the page, never a traceback
            failed = failure("this what-if", exc)
    figs = view.get("figures", {})
    return html.Div([
        dcc.Store(id="whatif-shown", data=shown),
        html.Div(problems(list(found)), id="whatif-problems"),
        # the first screen (1280x720 without scrolling): what the page shows, the answers and the calendar chart;
        # the controls follow them
        help_line(ctx, state),
        html.Div(failed or view.get("status"), id="whatif-status", className="status"),
        # while this page's what-if waits for the server's workers: where it stands ('busy: 2 requests ahead')
        html.Div(id="whatif-busy", className="status busy", role="status"),
        dcc.Interval(id="whatif-busy-timer", interval=300, disabled=True),
        html.Div([
            html.Div([html.Div(view.get("headlines"), id="whatif-headlines"),
                      # the forecast against what happened, for a scenario with outcomes (track.py)
                      html.Div(id="whatif-observed")]),
            dcc.Loading(graph(id="whatif-calendar", figure=figs.get("calendar", EMPTY)), delay_show=1500),
        ], className="firstscreen"),
        html.Div(controls(entry, state) if entry is not None else [html.P("No scenario loaded: upload one (top right).")],
                 id="whatif-controls"),
        html.Details([html.Summary("All numbers (95% intervals)"),
                      html.Div(numbers(view["rows"], bool(state.overrides)) if view else None,
                               id="whatif-numbers")], open=True),
        downloads_layout("whatif"),  # the numbers and runs as CSV or Parquet, the report as HTML (downloads.py)
        why_layout(),  # why it moved: fragile flags, sensitivity, who blocked what (why.py)
        # only for a what-if: without one every change would be zero
        graph(id="whatif-diff", figure=figs.get("diff", EMPTY), style=SHOW if state and state.overrides else HIDE),
        graph(id="whatif-questions", figure=figs.get("questions", EMPTY)),
    ])


def slider_start(param) -> float:
    from simulator.scenario.params import quantile

    return float(quantile(param, 0.5))


def switches(compiled) -> list[tuple[str, str]]:
    """(parameter, human label) for every precondition and mediator switch (``charts.words.human_label``)."""
    sc = compiled.scenario
    names = [f"{p.id}.enabled" for p in sc.preconditions] + [f"{m.mediator}.active" for m in sc.mediation]
    return [(name, label(name, compiled)) for name in names]


def toggle_options(compiled, overrides: dict[str, float]) -> list[dict]:
    """Each switch with its label and its current state in words beside it."""
    out = []
    for name, words in switches(compiled):
        on = overrides.get(name, 1.0) >= 0.5
        state = "on, as in the scenario" if on else "OFF in this what-if"
        # words for people; the switch's name in URLs and on the command line is the tooltip
        out.append({"label": html.Span([f"{words}: ", html.Span(state, className="param state", title=name)]),
                    "value": name})
    return out


def describe_param(p, name: str, value: float | None) -> tuple[str, str]:
    """(value beside the slider, line under the label) for a parameter fixed at ``value`` or drawn (None)."""
    from simulator.charts.scenario import describe

    spread = describe(p)
    spread = spread[:1].upper() + spread[1:]  # 'Uniform 0.15 to 0.35' (the parameter's name is its label's tooltip)
    if value is None:
        return "drawn", f"{spread}, drawn from this distribution in every run"
    return f"fixed at {value:.3g}", f"{spread} in the scenario; fixed at {value:.3g} in this what-if"


def controls(entry, state: WhatIf) -> list:
    c = entry.compiled
    table_ = c.table
    rows, values = [], {}
    for name in table_.uncertain:
        p = table_.params[name]
        lo, hi = p.bounds
        fixed = name in state.overrides
        value = state.overrides.get(name, slider_start(p))
        values[name] = value
        shown, line = describe_param(p, name, value if fixed else None)
        free = WhatIf(state.scenario, state.runs, state.seed,
                      {k: v for k, v in state.overrides.items() if k != name}).to_search()
        rows.append(html.Div([
            html.Div([html.Label(label(name, c), title=f"{name} (its name in URLs and on the command line)"),
                      html.Span(shown, id={"type": VALUE, "name": name}, className="value fixed" if fixed else "value")],
                     className="head"),
            html.Div(line, id={"type": DIST, "name": name}, className="dist"),
            dcc.Slider(id={"type": PARAM, "name": name}, min=lo, max=hi, step=(hi - lo) / 100, value=value,
                       marks={lo: f"{lo:.3g}", hi: f"{hi:.3g}"}, updatemode="mouseup", allow_direct_input=False,
                       tooltip={"placement": "bottom", "always_visible": False}),
            dcc.Link("use the distribution again", href=free, id={"type": FREE, "name": name},
                     style=SHOW if fixed else HIDE),
        ], className="param"))
    toggles = switches(entry.compiled)
    on = [name for name, _ in toggles if state.overrides.get(name, 1.0) >= 0.5]
    shown_names = set(table_.uncertain) | {name for name, _ in toggles}
    extra = {k: v for k, v in state.overrides.items() if k not in shown_names}
    reset = WhatIf(state.scenario, state.runs, state.seed).to_search()
    return [
        dcc.Store(id="whatif-scenario", data=state.scenario),
        dcc.Store(id="whatif-extra", data=extra),
        dcc.Store(id="whatif-sliders", data={"values": values,
                                             "fixed": sorted(n for n in table_.uncertain if n in state.overrides),
                                             "off": sorted(n for n, _ in toggles if n not in on)}),
        html.Div([
            html.Label(["runs ", number("whatif-runs", state.runs, 1, MAX_RUNS, debounce=True)]),
            html.Label(["seed ", number("whatif-seed", state.seed, 0, MAX_SEED, debounce=True)]),
            dcc.Link("reset to the scenario's distributions", href=reset, id="whatif-reset"),
            html.Span(f"also set from the URL: {', '.join(f'{label(k, c)} = {v:g}' for k, v in extra.items())}"
                      if extra else "", id="whatif-extra-note"),
        ], className="row"),
        html.H4("Preconditions and mediators"),
        dcc.Checklist(id="whatif-toggles", options=toggle_options(entry.compiled, state.overrides), value=on,
                      inline=False),
        html.H4(f"Uncertain parameters ({len(rows)}): move a slider to fix that parameter in every run"),
        html.Div(rows, className="controls"),
    ]


def overrides_from_controls(compiled, ids, values, toggled_on, extra, sliders) -> tuple[dict[str, float], dict]:
    """(overrides, new ``whatif-sliders`` data): a slider counts as fixed once moved, even back to its median."""
    table_ = compiled.table
    before = sliders or {"values": {}, "fixed": []}
    fixed = set(before.get("fixed", []))
    seen = {}
    out = {k: float(v) for k, v in (extra or {}).items()}
    for id_, value in zip(ids, values):
        name = id_["name"]
        if value is None or name not in table_.params:
            continue
        value = float(value)
        seen[name] = value
        last = before.get("values", {}).get(name)
        if last is None or abs(value - float(last)) > 1e-12 * max(1.0, abs(value)):
            fixed.add(name)  # moved since the controls were built or last ran
        if name in fixed:
            out[name] = value
    for name, _ in switches(compiled):
        if name not in (toggled_on or []):
            out[name] = 0.0
    return out, {"values": seen, "fixed": sorted(fixed & set(seen))}


def numbers(rows: list[dict], paired: bool = True) -> html.Table:
    """Every question's numbers: the baseline's alone when no what-if is set (no what-if column, no zero
    changes); else baseline, what-if, the paired change and the runs whose answer changed. Then, when the scenario
    has them, the outside view and the writer's prior beside them (a row's ``beside``: ``outside.beside_cells``)."""
    beside = list(rows[0].get("beside", {})) if rows else []
    if not paired:
        return table(["question", "estimate (95% interval)", *beside],
                     [[r["text"], interval(r["a"]), *r.get("beside", {}).values()] for r in rows], id="whatif-table")
    body = [[r["text"], interval(r["a"]), interval(r["b"]), difference(r), f"{r['runs_changed']:,}",
             *r.get("beside", {}).values()] for r in rows]
    return table(["question", "baseline (95% Wilson)", "what-if (95% Wilson)", "difference (paired 95%)",
                  "runs whose answer changed", *beside], body, id="whatif-table")


def help_line(ctx, state: WhatIf | None) -> html.Div:
    """What the tab shows, in two sentences: what runs and the seed are, and what the intervals are (Monte Carlo
    error, not the forecast's uncertainty)."""
    runs = ctx.runs if state is None else state.runs
    return html.Div([
        f"Each answer is the share of {runs:,} simulated runs of the negotiation (runs) in which it comes true; the "
        "seed fixes the random draws, so the same seed and settings give the same numbers. ",
        html.Strong("Brackets and bands are 95% intervals of Monte Carlo error"),
        " (more runs narrow them), not the forecast's uncertainty: that is the answer itself and its 10–90% "
        "range. Move a slider below to fix a parameter in every run (a what-if, compared run by run with the "
        "baseline)."], id="whatif-help", className="help")


def whatif_view(ctx, state: WhatIf, session: str | None = None, slot: str | None = None) -> dict:
    """Everything the What-if tab shows for one state (also called directly by tests and the latency benchmark).

    A state's numbers, cards and charts are kept (``Context.views``, by the scenario's content and the state's
    address): the page's first view is made while the server starts (``app.warm_baseline``) and a what-if
    shown again is not drawn again; only the status line is new."""
    start = time.perf_counter()
    entry = ctx.get(state.scenario, session)
    key = ("what-if view", entry.key, entry.loaded.digest, ctx.engine, state.to_search())
    seconds = None  # the what-if came from the cache
    # one drawing of a state at a time: the page's first layout, arriving while the server's start-up is still
    # drawing its view, waits for that one instead of drawing it again beside it
    flight = ctx.views.get(("drawing",) + key) or ctx.views.put(("drawing",) + key, threading.Lock())
    with flight:
        view = ctx.views.get(key)
        if view is None:
            view = ctx.views.put(key, _view(ctx, entry, state, session, slot))
            seconds = view["seconds"]
    c = entry.compiled
    changed = "; ".join(f"{label(k, c)} = {_shown(k, v)}"
                        for k, v in sorted(state.overrides.items())) or "none (baseline)"
    timing = (f"simulated {state.runs:,} runs in {seconds:.2f} s" if seconds is not None else "what-if from cache")
    status = (f"{state.runs:,} runs per variant, seed {state.seed}, common random numbers with the baseline; "
              f"changes: {changed}; {timing}; view ready in {time.perf_counter() - start:.2f} s")
    return {"rows": view["rows"], "figures": view["figures"], "status": status, "headlines": view["headlines"]}


def _view(ctx, entry, state: WhatIf, session: str | None, slot: str | None) -> dict:
    """A state's rows, charts and cards, and how long its what-if took to simulate (None: it came from the cache)."""
    from simulator import charts
    from simulator.answers import question_chart
    from simulator.charts.whatif import difference_from_baseline

    from .compute import paired_differences, simulate_many
    from .outside import beside_cells

    c = entry.compiled
    wanted = [(state.scenario, state.seed, state.runs, {})]
    if state.overrides:
        wanted.append((state.scenario, state.seed, state.runs, state.overrides))
    got = simulate_many(ctx, wanted, session, slot)  # off this thread; a newer what-if of the page supersedes it
    (base, _), (alt, alt_hit) = got[0], got[-1]
    rows = paired_differences(base, alt, c, c)
    beside = beside_cells(ctx, entry, state.seed, state.runs, session)  # the outside view and the priors, if any
    for r in rows:
        r["beside"] = beside.get(r["id"], {})
    label_ = "what-if" if state.overrides else "baseline"
    variants = [("baseline", base.table), ("what-if", alt.table)] if state.overrides else [("", base.table)]
    figures = {"calendar": charts.calendar_variants(variants, c),
               "questions": question_chart(alt.summary, c, f"; {label_}"),
               "diff": difference_from_baseline(probabilities(rows), state.runs)}
    return {"rows": rows, "figures": figures, "seconds": None if alt_hit else alt.seconds,
            "headlines": headlines(rows, paired=bool(state.overrides), id_="whatif-headlines-cards")}


def names_an_upload(search: str | None) -> bool:
    """Whether an address's ``scenario=`` is an upload (seen only by the session that made it)."""
    from urllib.parse import parse_qs

    return any(v != "main" for v in parse_qs((search or "").lstrip("?")).get("scenario", []))


def _shown(name: str, value: float) -> str:
    if name.endswith((".enabled", ".active")):
        return "on" if value >= 0.5 else "off"
    return f"{value:g}"


def register(app, ctx) -> None:
    register_busy(app, ctx, "whatif")

    @app.callback(Output("whatif-controls", "children"), Output("whatif-problems", "children"),
                  Output("active-scenario", "data"),
                  Input("url", "search"), Input("session", "data"), State("whatif-state", "data"))
    def sync_controls(search, session, written):
        from dash import ctx as dash_ctx

        session = browser_session(session)
        if written is not None and written == search and not (
                dash_ctx.triggered_id == "session" and names_an_upload(search)):
            # the controls wrote this URL themselves, or the page was built for it; but a page whose address names
            # an upload is built before its session is known: the session's arrival builds it again
            raise PreventUpdate
        main = ctx.get(None, session)
        if main is None:
            return [html.P("No scenario loaded: upload one (top right).")], None, None
        state, found = parse_search(search, main.key, ctx.table_for(session), ctx.runs, ctx.seed)
        return controls(ctx.get(state.scenario, session), state), problems(found), state.scenario

    @app.callback(Output("url", "search", allow_duplicate=True), Output("whatif-state", "data"),
                  Output("whatif-status", "children"), Output("whatif-numbers", "children"),
                  Output("whatif-calendar", "figure"), Output("whatif-diff", "figure"),
                  Output("whatif-questions", "figure"), Output("whatif-headlines", "children"),
                  Output("whatif-sliders", "data"), Output({"type": VALUE, "name": ALL}, "children"),
                  Output({"type": VALUE, "name": ALL}, "className"), Output({"type": DIST, "name": ALL}, "children"),
                  Output({"type": FREE, "name": ALL}, "style"), Output({"type": FREE, "name": ALL}, "href"),
                  Output("whatif-toggles", "options"), Output("whatif-shown", "data"),
                  Output("whatif-diff", "style"), Output("whatif-help", "children"),
                  Input({"type": PARAM, "name": ALL}, "value"), Input("whatif-toggles", "value"),
                  Input("whatif-runs", "value"), Input("whatif-seed", "value"),
                  State({"type": PARAM, "name": ALL}, "id"), State("whatif-scenario", "data"),
                  State("whatif-extra", "data"), State("whatif-sliders", "data"), State("url", "search"),
                  State("whatif-shown", "data"), State("session", "data"), prevent_initial_call="initial_duplicate",
                  running=[(Output("whatif-busy-timer", "disabled"), False, True)])
    def run_whatif(values, toggled_on, runs, seed, ids, key, extra, sliders, search, shown, session):
        session = browser_session(session)
        entry = ctx.get(key, session)
        if entry is None:
            raise PreventUpdate
        runs, runs_problem = whole_number("runs", runs, 1, MAX_RUNS)
        seed, seed_problem = whole_number("seed", seed, 0, MAX_SEED)
        if runs_problem or seed_problem:  # one line each; the last results go, as they answer another input
            return cleared(ids, problems([p for p in (runs_problem, seed_problem) if p]))
        overrides, new_sliders = overrides_from_controls(entry.compiled, ids, values, toggled_on, extra, sliders)
        state = WhatIf(key, runs, seed, overrides)
        new_search = state.to_search()
        if new_search == shown:
            raise PreventUpdate  # the page already shows this what-if (the page load, or controls rebuilt for it)
        try:
            view = whatif_view(ctx, state, session, "whatif")
        except Superseded:
            raise PreventUpdate from None  # a newer what-if of this page replaced it: that one answers
        except Busy as exc:
            return cleared(ids, problems([str(exc)]))
        except Exception as exc:  # noqa: BLE001 - shown in the page, never a traceback
            return cleared(ids, failure("this what-if", exc))
        figs = view["figures"]
        labels = _label_updates(entry.compiled, key, state, ids, sliders, new_sliders)
        before_off = sorted((sliders or {}).get("off", []))
        new_sliders["off"] = sorted(n for n, _ in switches(entry.compiled) if overrides.get(n, 1.0) < 0.5)
        options = (toggle_options(entry.compiled, overrides) if new_sliders["off"] != before_off or sliders is None
                   or "off" not in sliders else no_update)
        return (new_search if new_search != search else no_update, new_search, view["status"],
                numbers(view["rows"], bool(overrides)), figs["calendar"], figs["diff"], figs["questions"],
                view["headlines"], new_sliders, *labels, options, new_search, SHOW if overrides else HIDE,
                help_line(ctx, state).children)


def register_busy(app, ctx, prefix: str) -> None:
    """``<prefix>-busy`` says where the page's request stands while ``<prefix>-busy-timer`` runs (it runs while
    the tab's simulation callback does: its ``running=``); empty once it is done."""
    @app.callback(Output(f"{prefix}-busy", "children"), Input(f"{prefix}-busy-timer", "n_intervals"),
                  Input(f"{prefix}-busy-timer", "disabled"), State("session", "data"), prevent_initial_call=True)
    def busy(_, disabled, session):
        return "" if disabled else ctx.scheduler.describe(browser_session(session))


def cleared(ids, message) -> tuple:
    """``run_whatif``'s answer when it shows no result: ``message`` in the status line, no numbers, cards or charts
    (they answered the previous input), the address left at the last what-if that ran, and ``whatif-shown``
    emptied so that input, typed again, is shown again. A pattern output takes one value per slider."""
    each = [no_update] * len(ids or [])
    return (no_update, no_update, message, None, EMPTY, EMPTY, EMPTY, None, no_update,
            each, each, each, each, each, no_update, None, HIDE, no_update)


def _label_updates(compiled, key: str, state: WhatIf, ids, before, after) -> list[list]:
    """The texts beside and under each slider, and its "use the distribution again" link: only those that
    changed are sent (the others are no_update), so a slider move redraws one label, not all of them."""
    table_ = compiled.table
    before = before or {"values": {}, "fixed": []}
    was_fixed, now_fixed = set(before.get("fixed", [])), set(after["fixed"])
    out = [[], [], [], [], []]  # value text, its class, distribution line, link style, link href
    for id_ in ids:
        name = id_["name"]
        fixed = name in now_fixed
        value = after["values"].get(name)
        same = (fixed == (name in was_fixed)) and (not fixed or before.get("values", {}).get(name) == value)
        if same and "off" in before:
            for column in out[:4]:
                column.append(no_update)
        else:
            shown, line = describe_param(table_.params[name], name, value if fixed else None)
            out[0].append(shown)
            out[1].append("value fixed" if fixed else "value")
            out[2].append(line)
            out[3].append(SHOW if fixed else HIDE)
        # a visible link must drop only its own parameter from the current what-if
        out[4].append(WhatIf(key, state.runs, state.seed, {k: v for k, v in state.overrides.items() if k != name})
                      .to_search() if fixed else no_update)
    return out
