"""Corpus scenarios picked from a list (issue 25 item 16): the scenario files of the server's --scenario-root
folders (``Context.corpus``: by name, only files directly in those folders), opened in every tab like an upload
but without one. Picking one loads and checks it (``Context.add_corpus``: as ``diplosim validate`` does, quotes
included) and opens its What-if through the URL (``scenario=corpus-<name>``), so the address reproduces it."""

from __future__ import annotations

from dash import Input, Output, State, dcc, html, no_update

from .context import browser_session
from .ui import problems


def layout(ctx) -> html.Div | None:
    options = ctx.corpus_options()
    if not options:
        return None
    return html.Div(dcc.Dropdown(id="corpus-pick", options=options, placeholder="Open a corpus scenario…",
                                 clearable=False), id="corpus-picker", style={"minWidth": "24em", "color": "#222"})


def register(app, ctx) -> None:
    from .state import WhatIf

    if not ctx.scenario_roots:
        return

    @app.callback(Output("url", "search", allow_duplicate=True), Output("upload-problems", "children",
                                                                        allow_duplicate=True),
                  Input("corpus-pick", "value"), State("session", "data"), prevent_initial_call=True)
    def pick(key, session):
        if not key:
            return no_update, no_update
        try:
            entry = ctx.add_corpus(key)
        except ValueError as exc:
            return no_update, problems([str(exc)])
        ctx.session(browser_session(session))  # touched: the page's session is in use
        return WhatIf(entry.key, ctx.runs, ctx.seed).to_search(), None
