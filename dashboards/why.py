"""Why it moved (issue 25 item 14): under the What-if tab's numbers, for the question chosen, what the charts of
``simulator/charts`` say about its number:

- the fragile-forecast flags (``analysis.fragile``: the numbers that move it by more than 15 points on their own),
  in the words ``diplosim run`` prints, and the one-at-a-time sensitivity chart of every number's move
  (``charts.analysis.one_at_a_time``) from the same screen, run with threshold 0 so every move is kept; the screen
  runs on the server's background thread (``jobs.Tasks``) and is cached (``simulator.cache``);
- who blocked the milestones the question reads, and why (``charts.analysis.blockers``: share of runs blocked
  at least once), baseline and what-if side by side when a what-if is set;
- why those milestones were postponed (``charts.postponement_reasons``: share of blocks by actor and reason).

The Compare tab says the same for its pair (``compare_why``), with these figures.
"""

from __future__ import annotations

from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from .context import browser_session
from .ui import graph, problems

EMPTY = {"data": [], "layout": {}}
SCREEN_RUNS = 100  # paired runs of the screen, as `diplosim run` (its --fragile-runs default)
# the screen (a second or more of the server's time) starts once the what-if has stayed put this long; a newer
# what-if's screen replaces one still waiting (``jobs.Tasks``)
SCREEN_SETTLE = 1.0


def layout() -> html.Details:
    return html.Details([
        html.Summary("Why it moved: what each number rests on (fragile flags, sensitivity, who blocked what)"),
        html.Div([html.Label(["question ", dcc.Dropdown(id="why-question", clearable=False)],
                             style={"flex": "1 1 100%"})], className="row"),
        html.Div(id="why-flags"),
        html.Div(id="why-status", className="status", role="status"),
        dcc.Interval(id="why-timer", interval=500, disabled=True),
        graph(id="why-sensitivity", figure=EMPTY),
        graph(id="why-blockers", figure=EMPTY),
        graph(id="why-postponed", figure=EMPTY),
    ], open=True, id="why-section")


def named_milestones(compiled, question_id: str) -> list[str]:
    """The milestones a question's answer reads (``QuestionBase.subjects``), in the scenario's order."""
    q = next(q for q in compiled.questions if q.id == question_id)
    wanted = {m for m, _ in q.subjects(compiled)}
    return [m.id for m in compiled.milestones if m.id in wanted]


def blockers_figure(summaries: list[tuple[str, dict]], ids: list[str]):
    """Who blocked each of ``ids``, per variant (rows 'Name (what-if)' beside 'Name (baseline)')."""
    from simulator.charts.analysis import blockers

    items = []
    for m_id in ids:
        for label, summary in summaries:
            entry = next((e for e in summary["milestones"] if e["id"] == m_id), None)
            if entry is not None:
                items.append({"name": entry["name"] + (f" ({label})" if label else ""),
                              "blocked_by": entry["blockers"]})
    return blockers({"milestones": items})


def postponed_figure(summary: dict, ids: list[str], compiled):
    from simulator import charts

    part = dict(summary, milestones=[e for e in summary["milestones"] if e["id"] in ids])
    return charts.postponement_reasons(part, compiled)


def blocked_view(ctx, entry, state, question: str, session: str | None = None) -> tuple:
    """(who blocked, why postponed) for a question of a what-if state: kept with the What-if's views, so a state
    shown again (another page, the question picked again) is not drawn again."""
    from .compute import simulate_many

    key = ("why blocked", entry.key, entry.loaded.digest, ctx.engine, state.to_search(), question)
    hit = ctx.views.get(key)
    if hit is not None:
        return hit
    wanted = [(state.scenario, state.seed, state.runs, {})]
    if state.overrides:
        wanted.append((state.scenario, state.seed, state.runs, state.overrides))
    got = simulate_many(ctx, wanted, session, None)
    ids = named_milestones(entry.compiled, question)
    summaries = ([("baseline", got[0][0].summary), ("what-if", got[1][0].summary)] if state.overrides
                 else [("", got[0][0].summary)])
    return ctx.views.put(key, (blockers_figure(summaries, ids), postponed_figure(summaries[-1][1], ids,
                                                                                  entry.compiled)))


def screen_task(ctx, entry, state, session: str):
    """The one-at-a-time screen of this what-if (every move kept: threshold 0), as a background task."""
    from simulator.api import screen_of
    from simulator.api_results import FragileScreen

    screen, skipped = screen_of(entry.loaded, entry.compiled, state.seed, state.overrides, state.runs,
                                     SCREEN_RUNS)
    if screen is None:
        return None, skipped["skipped"]
    screen.threshold = 0.0

    def work(task):
        task.report(0, 0)
        cached = screen.cached()
        return FragileScreen(cached if cached is not None else screen.run_alone())

    key = ("sensitivity", entry.key, entry.loaded.digest, state.seed, min(state.runs, SCREEN_RUNS),
           tuple(sorted(state.overrides.items())))
    return ctx.tasks.start(key, session, "the sensitivity screen", work, slot="sensitivity",
                           settle=SCREEN_SETTLE), None


def flags_view(screen, question: str) -> html.Div:
    """The fragile flags of one question (the moves whose whole interval lies beyond 15 points), in words."""
    from simulator.analysis.fragile import THRESHOLD, describe

    entry = next(q for q in screen.questions if q["id"] == question)  # screen: a ``FragileScreen``
    rows = entry["flags"] + entry["borderline"]
    flagged = [r for r in rows if r["low"] > THRESHOLD or r["high"] < -THRESHOLD]
    if not flagged:
        return html.P(f"Not fragile: no number moved on its own moves this question by more than "
                      f"{100 * THRESHOLD:.0f} points for sure ({screen.screened} numbers and switches screened on "
                      f"{screen.replications} paired runs).", id="why-fragile", className="status")
    return html.Div([html.P(f"Fragile: this question hangs on {len(flagged)} number{'s' if len(flagged) > 1 else ''} "
                            f"(moved on its own, it moves the answer by more than {100 * THRESHOLD:.0f} points): "
                            "check how well it is known.", className="note"),
                     html.Ul([html.Li(describe(r)) for r in sorted(flagged, key=lambda r: -abs(r["delta"]))])],
                    id="why-fragile")


def register(app, ctx) -> None:
    @app.callback(Output("why-question", "options"), Output("why-question", "value"),
                  Input("whatif-state", "data"), Input("session", "data"), State("why-question", "value"))
    def questions(search, session, chosen):
        entry, _ = _entry_state(ctx, search, session)
        if entry is None:
            return [], None
        ids = [q.id for q in entry.compiled.questions]
        options = [{"label": q.text.strip(), "value": q.id} for q in entry.compiled.questions]
        return options, chosen if chosen in ids else (ids[0] if ids else None)

    @app.callback(Output("why-blockers", "figure"), Output("why-postponed", "figure"),
                  Input("why-question", "value"), Input("whatif-state", "data"), Input("session", "data"))
    def blocked(question, search, session):
        from .jobs import Busy, Superseded

        entry, state = _entry_state(ctx, search, session)
        if entry is None or question is None or question not in {q.id for q in entry.compiled.questions}:
            raise PreventUpdate
        try:
            return blocked_view(ctx, entry, state, question, browser_session(session))
        except (Busy, Superseded):
            raise PreventUpdate from None

    @app.callback(Output("why-flags", "children"), Output("why-sensitivity", "figure"),
                  Output("why-status", "children"), Output("why-timer", "disabled"),
                  Input("why-question", "value"), Input("whatif-state", "data"), Input("why-timer", "n_intervals"),
                  State("session", "data"))
    def sensitivity(question, search, _, session):
        from simulator.charts.analysis import one_at_a_time

        entry, state = _entry_state(ctx, search, session)
        if entry is None or question is None:
            raise PreventUpdate
        try:
            task, skipped = screen_task(ctx, entry, state, browser_session(session))
        except Exception as exc:  # noqa: BLE001 - Busy: one line
            return problems([str(exc)]), EMPTY, "", True
        if task is None:
            return html.P(f"Not screened: {skipped}.", className="status"), EMPTY, "", True
        if not task.done.is_set():
            return no_update, no_update, ctx.tasks.words(task), False
        if task.result is None:
            return problems([ctx.tasks.words(task)]), EMPTY, "", True
        screened = {q["id"] for q in task.result.questions}  # a ``FragileScreen``
        if question not in screened:
            return (html.P("Not screened: a count question (the screen compares chances).", className="status"),
                    EMPTY, "", True)
        from simulator.analysis.fragile import THRESHOLD, move_words

        figure = one_at_a_time(task.result.as_json(), question, move_words, task.result.threshold or THRESHOLD)
        return flags_view(task.result, question), figure, "", True


def _entry_state(ctx, search, session):
    from .state import parse_search

    session = browser_session(session)
    main = ctx.get(None, session)
    if main is None:
        return None, None
    state, _ = parse_search(search, main.key, ctx.table_for(session), ctx.runs, ctx.seed)
    return ctx.get(state.scenario, session), state
