"""Why they differ (issue 25 item 14 on the Compare tab): under the Compare tab's numbers, for the pair compared
(two scenarios, or a scenario and a what-if of it), what the What-if tab's "why it moved" says of one variant:

- what differs between A and B: each variant's scenario and settings in words;
- for each question whose answer differs by more than its interval, the sentences of why
  (``analysis.differ.explain_difference``: the milestones on its way, how often they happened, their gates, the
  chance they were taken in a step on the table, who held them up);
- the milestones and gates that differ, in a table;
- for the question chosen, who blocked the milestones it reads in A and in B (``why.blockers_figure``: rows side
  by side) and why they were postponed in each (``why.postponed_figure``: two charts side by side).

Nothing is simulated again: the runs are the comparison's (``Context.outcomes``).
"""

from __future__ import annotations

import json

from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from .context import LRU, browser_session
from .ui import failure, graph, pct, table
from .why import EMPTY, blockers_figure, named_milestones, postponed_figure

_EXPLAINED = LRU(8)  # per comparison shown (its charts ask for it again when another question is chosen)


def layout() -> html.Details:
    """The Compare tab's "why they differ" section (filled by ``register``'s ``compare_why`` callbacks)."""
    return html.Details([
        html.Summary("Why they differ: which milestones and gates differ, who blocked what, why it was postponed"),
        html.P(id="compare-why-settings", className="status"),
        html.Div(id="compare-why-questions"),
        html.Div(id="compare-why-milestones"),
        html.Div([html.Label(["question ", dcc.Dropdown(id="compare-why-question", clearable=False)],
                             style={"flex": "1 1 100%"})], className="row"),
        graph(id="compare-why-blockers", figure=EMPTY),
        html.Div([html.Div(graph(id="compare-why-postponed-a", figure=EMPTY), className="half"),
                  html.Div(graph(id="compare-why-postponed-b", figure=EMPTY), className="half")], className="row"),
    ], open=True, id="compare-why-section")


def settings_words(entry, sets: dict) -> str:
    """A variant in words: its scenario's title and the settings it changes ('as written' without any)."""
    from simulator.charts.words import human_label

    from .whatif import _shown

    title = entry.compiled.scenario.metadata.title
    changed = "; ".join(f"{human_label(k, entry.compiled)} = {_shown(k, v)}" for k, v in sorted(sets.items()))
    return f"{title}, " + (f"with {changed}" if changed else "as written")


def differing_questions(explained: dict) -> html.Div:
    """Each question whose answer differs by more than its interval, with the sentences of why; then how many do
    not."""
    differ = [q for q in explained["questions"] if q["differs"]]
    same = [q for q in explained["questions"] if not q["differs"]]
    blocks = [html.Div([html.H4(q["text"], style={"fontSize": "1em", "margin": ".6em 0 .2em"}),
                        html.Ul([html.Li(s) for s in q["sentences"]], style={"fontSize": ".9em", "margin": 0})],
                       className="why-question", id=f"compare-why-q-{q['id']}") for q in differ]
    a, b = explained["names"]
    tail = (f"{len(same)} question{'s' * (len(same) != 1)} do{'es' * (len(same) == 1)} not differ by more than "
            f"{'its' if len(same) == 1 else 'their'} 95% interval: " + "; ".join(q["text"] for q in same)
            if same else "")
    head = (f"{len(differ)} of {len(explained['questions'])} questions differ between {a} and {b} by more than "
            "their 95% interval:" if differ else
            f"No question's answer differs between {a} and {b} by more than its 95% interval.")
    return html.Div([html.P(head, className="status")] + blocks
                    + ([html.P(tail, className="status", id="compare-why-same")] if tail else []))


def differing_milestones(explained: dict) -> html.Div:
    """The milestones that differ (how often they happened, their median dates, their gates) in a table."""
    from simulator.charts.frames import day
    from simulator.lang.words import points

    a, b = explained["names"]
    rows = []
    for m in explained["milestones"]:
        if not m["differs"]:
            continue
        gate = (m["gate_a"] or "none") if m["gate_a"] == m["gate_b"] else \
            f"{a}: {m['gate_a'] or 'none'}; {b}: {m['gate_b'] or 'none'}"
        change = points(m["diff"], m["low"], m["high"]) if m["diff"] is not None else f"in {m['only_in']} only"
        rows.append([m["name"], pct(m["a"]), pct(m["b"]), change,
                     *("-" if m[f"{s}_median"] is None and m[s] is None else
                       "after the calendar ends" if m[f"{s}_median"] is None else day(m[f"{s}_median"])
                       for s in ("a", "b")), gate])
    same = sum(not m["differs"] for m in explained["milestones"])
    note = (f"{len(rows)} milestone{'s' * (len(rows) != 1)} differ{'s' * (len(rows) == 1)} (how often {'it' if len(rows) == 1 else 'they'} "
            f"happened, by more than the 95% interval, or the gate); {same} do{'es' * (same == 1)} not."
            if rows else "No milestone differs: each happened as often in both, with the same gate.")
    return html.Div([html.P(note, className="status"),
                     table(["milestone", f"{a}: happened", f"{b}: happened", f"{b} - {a} (paired 95%)",
                            f"{a}: median date", f"{b}: median date", "gate"], rows, id="compare-why-table")
                     if rows else None])


def compare_why_view(ctx, shown: dict, session: str | None) -> dict:
    """The "why they differ" of the comparison ``shown`` (``compare-shown``): settings in words, the questions
    and milestones that differ; the runs from the comparison's outcomes (cached: nothing runs again)."""
    from simulator.analysis.differ import explain_difference

    from .compute import simulate_many

    ea, eb = ctx.get(shown["a"], session), ctx.get(shown["b"], session)
    sets_a, sets_b = dict(shown["sets_a"]), dict(shown["sets_b"])
    key = ("compare-why", session, json.dumps(shown, sort_keys=True))
    hit = _EXPLAINED.get(key)
    if hit is None:
        got = simulate_many(ctx, [(shown["a"], shown["seed"], shown["runs"], sets_a),
                                  (shown["b"], shown["seed"], shown["runs"], sets_b)], session, None)
        (a, _), (b, _) = got
        hit = _EXPLAINED.put(key, {"explained": explain_difference(ea.compiled, eb.compiled, a.table, b.table),
                                   "summaries": (a.summary, b.summary)})
    return {**hit, "entries": (ea, eb),
            "settings": f"A: {settings_words(ea, sets_a)}. B: {settings_words(eb, sets_b)}."}


def compare_charts(view: dict, question: str) -> tuple:
    """Who blocked the milestones ``question`` reads, in A and in B (rows side by side), and why they were
    postponed in each (two charts)."""
    (ea, eb), (sa, sb) = view["entries"], view["summaries"]
    ids = named_milestones(ea.compiled, question) if question in {q.id for q in ea.compiled.questions} else []
    if question in {q.id for q in eb.compiled.questions}:
        ids += [m for m in named_milestones(eb.compiled, question) if m not in ids]
    blockers = blockers_figure([("A", sa), ("B", sb)], ids)
    postponed = []
    for side, summary, entry in (("A", sa, ea), ("B", sb, eb)):
        fig = postponed_figure(summary, ids, entry.compiled)
        postponed.append(fig.update_layout(title=dict(text=f"<b>{side}</b>: {fig.layout.title.text}")))
    return blockers, *postponed


def register(app, ctx) -> None:
    @app.callback(Output("compare-why-settings", "children"), Output("compare-why-questions", "children"),
                  Output("compare-why-milestones", "children"), Output("compare-why-question", "options"),
                  Output("compare-why-question", "value"),
                  Input("compare-shown", "data"), State("compare-why-question", "value"), State("session", "data"))
    def compare_why(shown, chosen, session):
        from .jobs import Busy, Superseded

        if not shown:
            return None, None, None, [], None
        session = browser_session(session)
        try:
            view = compare_why_view(ctx, shown, session)
        except (Busy, Superseded):
            raise PreventUpdate from None
        except Exception as exc:  # noqa: BLE001 - one line in the page, never a traceback
            return None, failure("why they differ", exc), None, [], None
        explained = view["explained"]
        options = [{"label": q["text"], "value": q["id"]} for q in explained["questions"]]
        ids = [q["id"] for q in explained["questions"]]
        first = next((q["id"] for q in explained["questions"] if q["differs"]), ids[0] if ids else None)
        return (view["settings"], differing_questions(explained), differing_milestones(explained), options,
                chosen if chosen in ids else first)

    @app.callback(Output("compare-why-blockers", "figure"), Output("compare-why-postponed-a", "figure"),
                  Output("compare-why-postponed-b", "figure"),
                  Input("compare-why-question", "value"), Input("compare-shown", "data"), State("session", "data"))
    def compare_why_charts(question, shown, session):
        from .jobs import Busy, Superseded

        if not shown or question is None:
            return EMPTY, EMPTY, EMPTY
        try:
            return compare_charts(compare_why_view(ctx, shown, browser_session(session)), question)
        except (Busy, Superseded):
            raise PreventUpdate from None
        except Exception:  # noqa: BLE001 - the sentences above say what failed; the charts stay empty
            return EMPTY, EMPTY, EMPTY

