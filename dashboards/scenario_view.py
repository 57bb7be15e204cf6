"""The Scenario tab: actors, milestones (by track), concession ladders, preconditions, mediation, history,
calendar (elections, events, shocks, occasions), triggered effects, questions, and what every number rests on.

Everything is in the scenario's words (``compiled.words``); the tables are the same ones the report shows
(``charts.scenario.scenario_tables``).
"""

from __future__ import annotations

from dash import html

from .ui import graph, section, table


def scenario_panel(entry) -> list:
    from simulator import charts
    from simulator.charts.scenario import evidence_rows, scenario_tables

    sc, c = entry.loaded.scenario, entry.compiled
    w = c.words
    actors = table(["actor", "role", "rule", "interests"],
                   [[w.name(a.id), a.role, c.rules[a.id].label() if a.id in c.rules else "-",
                     "; ".join(i.text for i in a.interests)] for a in sc.actors])
    sources = table(["source", "publisher", "date", "where"],
                    [[s.title, s.publisher, w.date(s.date),
                      [*link(s.url), "(local text)" if s.file else "(bibliographic record)"]]
                     for s in sc.sources])
    structure = [section(title, table(headers, rows), id=f"scenario-{_slug(title)}")
                 for title, headers, rows in scenario_tables(c)]
    evidence = table(["what", "value", "basis", "quote, note or assumption", "source"],
                     [[r["item"], r["value"], r["basis"], r["text"], r["source"]] for r in evidence_rows(c)],
                     id="evidence-table")
    return [
        html.H2(sc.metadata.title),
        html.P([sc.metadata.description, " ", html.B(f"Uses only what was known on {sc.metadata.as_of}.")]),
        section("Actors", actors, graph(figure=charts.actor_network(c), id="scenario-network")),
        section("Sources", sources),
        *structure,
        section("What every number and construct rests on",
                *([] if not entry.unchecked_quotes else [html.Div(
                    "These quotes were not checked against their sources: the scenario was uploaded without its "
                    "source texts (upload it with them, as several files or a .zip, to check them as "
                    "`diplosim validate` does).", className="note", id="evidence-unchecked")]),
                evidence),
    ]


def link(url: str | None) -> list:
    """A source's address as a link that opens in a new tab (only a web address: http or https), then a space;
    any other text as it is."""
    if not url:
        return []
    if url.lower().startswith(("https://", "http://")):
        return [html.A(url, href=url, target="_blank", rel="noopener noreferrer", className="source-url"), " "]
    return [url, " "]


def _slug(title: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in title.lower().split(" (")[0]).strip("-")
