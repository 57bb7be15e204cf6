"""The Scenario tab: actors, tracks and ladders, preconditions, calendar, and what every number rests on."""

from __future__ import annotations

from dash import dcc, html

from .ui import section, table


def _requirement(r) -> str:
    if hasattr(r, "meeting"):
        return f"meeting {r.meeting} held"
    if hasattr(r, "concession"):
        return f"{r.concession} at stage {r.stage}"
    return f"event {r.event} happened"


def scenario_panel(entry) -> list:
    from simulator import charts
    from simulator.charts.frames import day
    from simulator.charts.scenario import evidence_rows

    sc, c = entry.loaded.scenario, entry.compiled
    cal = sc.calendar
    actors = table(["actor", "name", "role", "rule", "interests"],
                   [[a.id, a.name, a.role, c.rules[a.id].name if a.id in c.rules else "-",
                     "; ".join(i.text for i in a.interests)] for a in sc.actors])
    tracks = table(["track", "rung", "level", "attendees", "also requires"],
                   [[tr.name if i == 0 else "", str(i + 1), f"{lv.name} ({lv.id})", ", ".join(lv.attendees),
                     ", ".join(lv.requires) or "-"] for tr in sc.tracks for i, lv in enumerate(tr.levels)])
    ladders = table(["ladder", "conceding actor", "stages, in order"],
                    [[lad.name, lad.actor, " → ".join(s.name for s in lad.stages)] for lad in sc.concessions])
    pre = table(["precondition", "demanded by", "kind", "requires", "before", "waiver threshold"],
                [[p.id, p.demanded_by, p.kind, _requirement(p.requires), p.before,
                  "-" if p.waiver is None else charts.scenario.describe(p.waiver.threshold)] for p in sc.preconditions])
    dates = [["calendar", f"{day(cal.start)} to {day(cal.end)}, one step = {cal.step_days} days "
                          f"({len(c.dates)} steps)"]]
    if cal.election is not None:
        el = cal.election
        dates.append(["election", f"{el.name}: round 1 {day(el.round1)}"
                                  + (f", run-off {day(el.runoff)}" if el.runoff else "")])
    dates += [["scheduled", f"{ev.name} ({day(ev.date)})"] for ev in cal.scheduled]
    dates += [["shock", f"{s.name}: weekly hazard {charts.scenario.describe(s.hazard)}"] for s in cal.shocks]
    evidence = table(["parameter or precondition", "value", "basis", "quote or assumption", "source"],
                     [[r["item"], r["value"], r["basis"], r["text"], r["source"]] for r in evidence_rows(c)],
                     id="evidence-table")
    return [
        html.H2(sc.metadata.title),
        html.P([sc.metadata.description, " ", html.B(f"Uses only what was known on {sc.metadata.as_of}.")]),
        section("Actors", actors, dcc.Graph(figure=charts.actor_network(c), id="scenario-network")),
        section("Tracks and meeting ladders", tracks),
        section("Concession ladders", ladders),
        section("Preconditions", pre),
        section("Calendar", table(["what", "when"], dates)),
        section("Questions", table(["question", "kind"], [[q.text, "date" if q.is_date else "yes/no"]
                                                          for q in c.questions])),
        section("What every number rests on",
                *([] if entry.quotes_checked else [html.Div(
                    "These quotes were not checked against their sources: the scenario was uploaded without its "
                    "source texts (upload it with them, as several files or a .zip, to check them as "
                    "`diplosim validate` does).", className="note", id="evidence-unchecked")]),
                evidence),
    ]
