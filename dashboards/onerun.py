"""One run, step by step: the Mesa model stepped once per step (a week, a day: the scenario's
``calendar.step_days``, named by ``charts.words.step_words``), recording each actor's state.

The run is the same one ``run_one`` gives for (seed, point 0, replication):
the model gets the run's own generator, so stepping it here changes nothing.
Step or play through the weeks: pressure and concession stages
(``charts.onerun.actor_weeks``), the calendar of meetings so far
(``charts.run_timelines``) and what each actor did that week.
"""

from __future__ import annotations

from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from .context import NO_SESSION, browser_session
from .state import parse_search
from .ui import failure, graph, number, table

# what an actor did goes on its row of the week table, the rest on the calendar row (``simulator.eventlog``
# says which kind of event is whose), both as sentences


STEP_JS = """
function(prev, next, play, tick, week, last, paused, drawn) {
    const trigger = dash_clientside.callback_context.triggered_id;
    const keep = dash_clientside.no_update;
    week = week || 0;
    if (trigger === "onerun-play") {  // toggle; playing from the last week starts again at the first
        return [paused && week >= last ? 0 : week, !paused, paused ? "pause" : "play"];
    }
    if (trigger === "onerun-timer") {
        if (week >= last) { return [last, true, "play"]; }
        // playing waits for the week on screen: on a busy machine it slows down, it never skips weeks unseen
        return drawn === week ? [week + 1, keep, keep] : [keep, keep, keep];
    }
    const step = trigger === "onerun-prev" ? -1 : 1;
    return [Math.min(Math.max(week + step, 0), last), keep, keep];
}
"""


def trace_run(compiled, seed: int, replication: int, overrides: dict[str, float] | None = None) -> dict:
    """Step the reference model through one run; return JSON-ready weekly states, events and the run record."""
    from simulator import layout as L
    from simulator.draws import run_generator
    from simulator.model import DiplomacyModel
    from simulator.outcome import event_rows

    model = DiplomacyModel(compiled, rng=run_generator(seed, replication, 0), overrides=dict(overrides or {}),
                           replication=replication)
    st = model.state
    weeks = []
    while model.running:
        model.step()
        k = model.step_index - 1
        row = {"step": k, "date": compiled.dates[k].isoformat(), "held": int((st.count[0] > 0).sum())}
        pressure = model.kernel.pressure_scope  # the largest pressure on each party about any step
        row.update({f"pressure.{a}": float(pressure.largest(st, compiled.ai[a])[0]) for a in compiled.parties})
        row.update({f"stage.{lad}": _stage_index(compiled, st, lad) for lad in compiled.ladders})
        weeks.append(row)
    record = model.outcome()
    events = [[*ev[:3], ev[3].isoformat(), *ev[4:]] for ev in event_rows(model)]
    columns = [L.question(q.id) for q in compiled.questions]
    answers = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in record.items() if k in columns}
    return {"weeks": weeks, "events": events, "answers": answers, "seed": seed, "replication": replication,
            "overrides": dict(overrides or {})}


def _stage_index(compiled, st, ladder: str) -> int:
    """Index of the last stage reached on a concession ladder (0 = the starting stage), for the first run."""
    stages = compiled.ladders[ladder][1]
    reached = 0
    for i, s in enumerate(stages[1:], start=1):
        if st.count[0, compiled.mi[compiled.stage_milestone(ladder, s)]] > 0:
            reached = i
    return reached


def week_table(trace: dict, compiled, week: int) -> html.Table:
    from simulator.charts.words import event_sentence
    from simulator.eventlog import of
    from simulator.layout import EVENT_COLUMNS

    w = compiled.words

    def said(e: dict) -> str:
        return event_sentence(compiled, e["kind"], e["milestone"], e["actor"], e["detail"], e["step"])

    now = trace["weeks"][week]
    stage_of = {lad.actor: lad for lad in compiled.scenario.concessions}
    rows = []
    this_week = [dict(zip(EVENT_COLUMNS, ev)) for ev in trace["events"] if ev[2] == week]
    for actor in compiled.scenario.actors:
        did = [said(e) for e in this_week if e["actor"] == actor.id and of(e["kind"]).by_actor]
        pressure = now.get(f"pressure.{actor.id}")
        lad = stage_of.get(actor.id)
        stage = "-" if lad is None else w.name(f"{lad.id}.{lad.stages[now[f'stage.{lad.id}']].id}")
        rows.append([w.name(actor.id), actor.role, "-" if pressure is None else f"{pressure:.2f}", stage,
                     "; ".join(did) or "-"])
    calendar = [said(e) for e in this_week if of(e["kind"]).on_calendar(e["actor"])]
    rows.append(["(calendar)", "", "", "", "; ".join(calendar) or "-"])
    from simulator.charts.words import step_words

    this = f"this {step_words(compiled).one} ({now['date']})"  # 'this week', 'this day'
    return table(["actor", "role", "pressure", "concession stage", this], rows, id="onerun-week-table")


def step_buttons(entry) -> tuple[str, str]:
    """The labels of the back and forward buttons, in the scenario's step: '◀ week', 'day ▶'."""
    from simulator.charts.words import step_words

    short = "step" if entry is None else step_words(entry.compiled).short
    return f"◀ {short}", f"{short} ▶"


def layout(ctx, key: str | None = None) -> html.Div:
    back, forward = step_buttons(ctx.get(key, NO_SESSION))  # the page's layout: its session is not known yet
    return html.Div([
        html.Div([
            html.Label(["seed ", number("onerun-seed", ctx.seed)]),
            html.Label(["run (replication) ", number("onerun-rep", 0)]),
            dcc.Checklist(id="onerun-whatif", options=[{"label": "with the What-if tab's settings", "value": "yes"}],
                          value=["yes"]),
            html.Button("Simulate this run", id="onerun-go"),
        ], className="row"),
        html.Div(id="onerun-info", className="status"),
        html.Div([html.Button(back, id="onerun-prev"), html.Button("play", id="onerun-play"),
                  html.Button(forward, id="onerun-next"),
                  html.Div(dcc.Slider(id="onerun-week", min=0, max=1, step=1, value=0, marks=None,
                                      allow_direct_input=False, tooltip={"placement": "bottom"}),
                           style={"flex": "1 1 500px"})], className="row"),
        dcc.Interval(id="onerun-timer", interval=700, disabled=True),
        dcc.Store(id="onerun-trace"), dcc.Store(id="onerun-drawn"),  # the week the charts and table show
        graph(id="onerun-state"),
        html.Div(id="onerun-week-info"),
        graph(id="onerun-timeline"),
    ])


def register(app, ctx) -> None:
    @app.callback(Output("onerun-trace", "data"), Output("onerun-info", "children"), Output("onerun-week", "max"),
                  Output("onerun-week", "value"), Output("onerun-prev", "children"), Output("onerun-next", "children"),
                  Input("onerun-go", "n_clicks"), Input("tabs", "value"), State("onerun-seed", "value"),
                  State("onerun-rep", "value"), State("onerun-whatif", "value"), State("whatif-state", "data"),
                  State("onerun-trace", "data"), State("session", "data"), prevent_initial_call=True)
    def simulate(_, tab, seed, rep, use_whatif, written, shown, session):
        from dash import ctx as dash_ctx

        session = browser_session(session)
        main = ctx.get(None, session)
        if main is None:
            raise PreventUpdate
        if dash_ctx.triggered_id == "tabs" and (tab != "onerun" or shown):
            raise PreventUpdate  # the first run is simulated when the tab is first opened, not with the page
        if seed is None or rep is None or int(seed) < 0 or int(rep) < 0:
            return no_update, "seed and run: whole numbers >= 0", no_update, no_update, no_update, no_update
        state, _ = parse_search(written, main.key, ctx.table_for(session), ctx.runs, ctx.seed)
        entry = ctx.get(state.scenario, session)
        overrides = state.overrides if use_whatif else {}
        try:
            trace = trace_run(entry.compiled, int(seed), int(rep), overrides)
        except Exception as exc:  # noqa: BLE001 - e.g. a rule raising: shown in the page, never a traceback
            return no_update, failure(f"run {rep} of seed {seed}", exc), no_update, no_update, no_update, no_update
        trace["scenario"] = entry.key
        from simulator.charts.words import human_label

        changes = "; ".join(f"{human_label(k, entry.compiled)} ({k}) = {v:g}"
                            for k, v in sorted(overrides.items())) or "none"
        info = (f"{entry.loaded.scenario.metadata.title}: run {rep} of seed {seed} (the same run as "
                f"`diplosim run` keeps for that seed and replication); what-if settings: {changes}")
        return trace, info, len(trace["weeks"]) - 1, 0, *step_buttons(entry)

    # stepping runs in the browser: quick clicks never race each other, and playing costs no server round trip
    app.clientside_callback(
        STEP_JS, Output("onerun-week", "value", allow_duplicate=True), Output("onerun-timer", "disabled"),
        Output("onerun-play", "children"),
        Input("onerun-prev", "n_clicks"), Input("onerun-next", "n_clicks"), Input("onerun-play", "n_clicks"),
        Input("onerun-timer", "n_intervals"), State("onerun-week", "value"), State("onerun-week", "max"),
        State("onerun-timer", "disabled"), State("onerun-drawn", "data"), prevent_initial_call=True)

    @app.callback(Output("onerun-state", "figure"), Output("onerun-week-info", "children"),
                  Output("onerun-timeline", "figure"), Output("onerun-drawn", "data"),
                  Input("onerun-week", "value"), Input("onerun-trace", "data"), State("session", "data"))
    def draw(week, trace, session):
        import pandas as pd

        from simulator import charts
        from simulator.charts.onerun import actor_weeks
        from simulator.layout import EVENT_COLUMNS

        session = browser_session(session)
        if not trace or ctx.get(trace.get("scenario"), session) is None:
            raise PreventUpdate
        c = ctx.get(trace["scenario"], session).compiled
        week = min(int(week or 0), len(trace["weeks"]) - 1)
        events = pd.DataFrame([ev for ev in trace["events"] if ev[2] <= week], columns=list(EVENT_COLUMNS))
        from simulator.charts.words import step_words

        sample = [(0, trace["replication"], f"seed {trace['seed']}, up to {step_words(c).short} {week + 1}")]
        return (actor_weeks(pd.DataFrame(trace["weeks"]), c, week), week_table(trace, c, week),
                charts.run_timelines(events, c, sample), week)
