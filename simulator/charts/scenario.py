"""Charts of the scenario itself: who is aligned with and has leverage over whom, and what every number rests on."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from ..scenario.params import TOGGLE, iter_parameters
from .frames import wrap
from .palette import NEGATIVE, POSITIVE, actor_colors

ROLE_SYMBOL = {"party": "circle", "mediator": "diamond", "domestic": "square", "host": "pentagon",
               "guarantor": "hexagon", "observer": "circle-open"}


def describe(p) -> str:
    """A parameter's distribution in words: 0.4, uniform 0.15-0.35, ..."""
    if p.dist == "fixed":
        return f"{p.value:g}"
    if p.dist == "uniform":
        return f"uniform {p.low:g} to {p.high:g}"
    if p.dist == "triangular":
        return f"triangular {p.low:g} / {p.mode:g} / {p.high:g}"
    lo, hi = p.bounds
    if p.dist == "beta":
        return f"beta(a={p.a:g}, b={p.b:g}) on {lo:g} to {hi:g}"
    return f"normal(mean={p.mean:g}, sd={p.sd:g}) within {lo:.3g} to {hi:.3g}"


def _mid(p) -> float:
    lo, hi = p.bounds
    return (lo + hi) / 2


def actor_network(compiled) -> go.Figure:
    """Actors on a circle; alignment as lines (green positive, red negative, width = strength), leverage as
    arrows from the actor who holds it (width = strength). Hover the small dots on the edges for values."""
    import networkx as nx

    sc = compiled.scenario
    w = compiled.words
    colors = actor_colors(compiled)
    graph = nx.DiGraph()
    graph.add_nodes_from(a.id for a in sc.actors)
    pos = nx.circular_layout(graph)  # deterministic; scenario order around the circle
    fig = go.Figure()
    hover_x, hover_y, hover_text = [], [], []
    for a in sc.actors:
        for other, p in a.alignment.items():
            (x0, y0), (x1, y1) = pos[a.id], pos[other]
            v = _mid(p)
            fig.add_trace(go.Scatter(x=[x0, x1], y=[y0, y1], mode="lines", hoverinfo="skip", showlegend=False,
                                     name=f"alignment {a.id}-{other}",
                                     line=dict(color=POSITIVE if v >= 0 else NEGATIVE, width=1 + 6 * abs(v))))
            hover_x.append((x0 + x1) / 2)
            hover_y.append((y0 + y1) / 2)
            hover_text.append(f"alignment of {w.name(a.id)} with {w.name(other)}: {describe(p)}")
    for a in sc.actors:
        for other, p in a.leverage.items():
            (x0, y0), (x1, y1) = pos[a.id], pos[other]
            # offset sideways so an arrow does not sit on top of the alignment line between the same pair
            dx, dy = x1 - x0, y1 - y0
            norm = math.hypot(dx, dy) or 1.0
            ox, oy = -dy / norm * 0.06, dx / norm * 0.06
            fig.add_annotation(x=x0 + 0.85 * dx + ox, y=y0 + 0.85 * dy + oy, ax=x0 + 0.15 * dx + ox,
                               ay=y0 + 0.15 * dy + oy, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                               arrowhead=2, arrowsize=1, arrowwidth=1 + 6 * _mid(p), arrowcolor=colors[a.id],
                               opacity=0.8, text="", name=f"leverage {a.id}->{other}")
            hover_x.append(x0 + 0.5 * dx + ox)
            hover_y.append(y0 + 0.5 * dy + oy)
            hover_text.append(f"leverage of {w.name(a.id)} over {w.name(other)}: {describe(p)}")
    fig.add_trace(go.Scatter(x=hover_x, y=hover_y, mode="markers", name="edge values (hover)",
                             marker=dict(size=7, color="#999"), text=hover_text, hoverinfo="text", showlegend=False))
    fig.add_trace(go.Scatter(
        x=[pos[a.id][0] for a in sc.actors], y=[pos[a.id][1] for a in sc.actors], mode="markers+text",
        name="actors", text=[wrap(w.name(a.id), 22) for a in sc.actors], textposition="bottom center",
        marker=dict(size=30, color=[colors[a.id] for a in sc.actors],
                    symbol=[ROLE_SYMBOL.get(a.role, "circle") for a in sc.actors], line=dict(color="#333", width=1)),
        customdata=[a.role for a in sc.actors], hovertemplate="%{text} (%{customdata})<extra></extra>",
        showlegend=False))
    axis = dict(visible=False, range=[-1.35, 1.35])
    fig.update_layout(
        title="Who is aligned with whom, and who has leverage over whom?<br><sup>lines: alignment (green aligned, "
              "red opposed); arrows: leverage, from the actor who holds it; width: strength;<br>circle: party, "
              "diamond: mediator, square: domestic actor, pentagon: host, hexagon: guarantor, open circle: "
              "observer; hover the grey dots for values</sup>",
        xaxis=axis, yaxis=dict(axis, scaleanchor="x"), height=560, template="plotly_white")
    return fig


def _change(c, ch) -> str:
    """A parameter change in words: "Turkey's flexibility rises by 0.05", "Russia's urgency after the deadline
    becomes 0.1" (the parameter's label, ``human_label``; never its dotted name or '+ -0.05')."""
    return c.words.change(ch, c)  # a value stated in any form: its range or form (lang/effects.py), its fading


def _changes(c, changes) -> str:
    return "; ".join(_change(c, ch) for ch in changes) or "-"


def rule_label(name: str | None) -> str:
    """A decision rule's name for people (``Rule.label``: 'Deadline pressure'); 'Default rule' for none."""
    from ..rules import registry

    if not name:
        return "Default rule"
    cls = registry().get(name)
    return cls.label() if cls is not None else name.replace("_", " ").capitalize()


def _when(w, cond) -> str:
    return "-" if cond is None else cond.label(w)


def _window(w, between) -> str:
    lo, hi = between
    return f"between {w.date(lo)} and {w.date(hi)}"


from ..lang import worlds  # noqa: E402 - words of live shares, spreads and several items a step
from ..lang.commitments import words as binds_words  # noqa: E402 - a commitment that binds
from ..lang.stalls import freeze_words, pressure_odds_words  # noqa: E402 - how long a freeze lasts; coercion
from ..lang.words import construct_sentences, mid_sentence  # noqa: E402 - issue 22's constructs, each said by its class
from ..lang.timeshape import chance_words  # noqa: E402 - a weekly hazard, or a shape in time


def milestone_value(compiled, m) -> str:
    """What a milestone is, who must agree, and what gates it, in words."""
    w = compiled.words
    parts = [m.describe(w)]
    present = [w.name(a) for a in m.others_present()]
    if present:
        parts.append(f"also present: {', '.join(present)}")
    if m.requires is not None:
        parts.append(f"requires: {m.requires.label(w)}")
    parts.extend(m.table_words(w))
    if m.freezes is not None:
        parts.append(m.freezes.words(w, describe))
    if m.pressure_odds is not None:
        parts.append(pressure_odds_words(m.pressure_odds, describe, compiled.scenario.pressure_scope != "actor"))
    parts.extend(worlds.milestone_words(compiled.scenario, m))  # live in a share of runs, a per-run spread
    if m.repeat:
        parts.append("can repeat")
    if m.breakdown is not None:
        parts.append("can break down: " + breakdown_value(compiled, m.breakdown))
    for cm in m.commits:
        parts.append(f"commits to {w.name(cm.milestone)} within {cm.within_days} days{binds_words(cm, describe)}")
    if m.effects:
        parts.append(f"then {_changes(compiled, m.effects)}")
    return "; ".join(parts)


def breakdown_value(compiled, b) -> str:
    w = compiled.words
    how = []
    if b.hazard is not None:  # a weekly hazard, or one that changes with the time in force: its shape's words
        how.append(chance_words(b.hazard, describe))
    if b.when is not None:
        how.append(f"at once when {b.when.label(w)}")
    return ", ".join(how)


def precondition_value(compiled, pre) -> str:
    w = compiled.words
    waiver = f"; {pre.waiver.words(describe)}" if pre.waiver is not None else ""
    return (f"{pre.kind}: {w.name(pre.held_by)} wants ({pre.requires.label(w)}) before "
            f"{mid_sentence(compiled, w.name(pre.before))}{waiver}{worlds.precondition_words(pre)}")


def mediation_value(compiled, med) -> str:
    w = compiled.words
    pushes = "; ".join(w.name(p.milestone) + (f" when {p.when.label(w)}" if p.when is not None else "")
                       for p in med.pushes)
    deadline = f", deadline {w.date(med.deadline)}" if med.deadline is not None else ""
    rule = rule_label(med.rule)
    return f"{rule}{deadline}; pushes: {pushes}{worlds.mediation_words(med)}"


def election_value(compiled, e) -> str:
    w = compiled.words
    runoff = f", run-off {w.date(e.runoff)} if needed" if e.runoff is not None else ""
    progress = ", ".join(w.name(m) for m in e.progress) if e.progress is not None else "every meeting"
    return (f"{w.name(e.incumbent)} (incumbent) against {w.name(e.challenger)}; round 1 {w.date(e.round1)}"
            f"{runoff}; progress counted: {progress}{e.kind_words(w, describe)}")


def event_value(compiled, ev) -> str:
    w = compiled.words
    parts = [w.date(ev.date)]
    if ev.proposes is not None:
        verb = "puts on the table" if ev.proposes.milestone else "puts on the table the next step toward"
        parts.append(f"{verb} {w.name(ev.proposes.target)}")
    if ev.effects:
        parts.append(_changes(compiled, ev.effects))
    return "; ".join(parts)


def shock_value(compiled, s) -> str:
    w = compiled.words
    parts = [f"{chance_words(s.hazard, describe)}, {_window(w, s.between)}"]
    if s.when is not None:
        parts.append(f"while {s.when.label(w)}")
    if s.freezes:
        parts.append(f"freezes {', '.join(w.name(f) for f in s.freezes)} for "
                     f"{freeze_words(s.weeks, s.freeze_days, describe)}")
    if s.effects:
        parts.append(_changes(compiled, s.effects))
    parts.append("at most once" if s.once else "can recur")
    return "; ".join(parts)


def occasion_value(compiled, o) -> str:
    w = compiled.words
    when = w.date(o.date) if o.date is not None else f"{chance_words(o.hazard, describe)}, {_window(w, o.between)}"
    held = f"; may hold {', '.join(w.name(m) for m in o.milestones)}" if o.milestones else ""
    return f"{when}; together: {', '.join(w.name(a) for a in o.actors)}{held}"


def entry_value(compiled, e) -> str:
    w = compiled.words
    if e.date is not None:
        text = f"on {w.date(e.date)}"
    else:
        text = f"{chance_words(e.hazard, describe)}, {_window(w, e.between)}"
    return text + (f", while {e.when.label(w)}" if getattr(e, "when", None) is not None else "")


def exit_value(compiled, e) -> str:
    w = compiled.words
    return f"on {w.date(e.date)}" if e.date is not None else f"when {e.when.label(w)}"


def evidence_rows(compiled) -> list[dict]:
    """Every construct of the scenario with what it rests on: parameters, milestones (each kind, conditions in
    words), preconditions (with their holder), mediation, history, elections, dated events, shocks, occasions,
    actors entering or leaving, triggered effects and every parameter change.

    Each row: ``item`` (what), ``value`` (in words), ``basis`` (evidence or assumption), ``text`` (the
    quote, the note in the author's words, or the assumption) and ``source``.
    """
    sc = compiled.scenario
    w = compiled.words
    sources = {s.id: s for s in sc.sources}
    rows = []

    def add(item: str, value: str, sourced) -> None:
        ev = sourced.evidence
        if ev is not None:
            src = sources.get(ev.source)
            where = f"{src.id}: {src.publisher}, {src.date}" if src else ev.source
            if ev.locator:
                where += f", {ev.locator}"
            text = f"“{ev.quote}”" if ev.quote is not None else f"note: {ev.note}"
            rows.append({"item": item, "value": value, "basis": "evidence", "text": text, "source": where})
        else:
            rows.append({"item": item, "value": value, "basis": "assumption", "text": sourced.assumption or "",
                         "source": ""})

    def changes(where: str, items) -> None:
        for ch in items:
            add(f"change {where}", _change(compiled, ch), ch)

    from .words import human_label

    for name, p, _ in iter_parameters(sc):
        if p is not TOGGLE:  # implicit on/off switches carry no claim
            add(human_label(name, compiled), describe(p), p)
    for a in sc.actors:
        if a.spread is not None:  # one per-run odds factor on all its decisions (lang/worlds.py)
            add(f"{w.name(a.id)}'s decisions", worlds.actor_words(a), a.spread)
        if a.enters is not None:
            add(f"{w.name(a.id)} enters", entry_value(compiled, a.enters), a.enters)
        if a.leaves is not None:
            add(f"{w.name(a.id)} leaves", exit_value(compiled, a.leaves), a.leaves)
    for m in compiled.milestones:
        add(f"{m.noun()}: {w.name(m.id)}", milestone_value(compiled, m), m)
        if m.breakdown is not None:
            add(f"breakdown of {w.name(m.id)}", breakdown_value(compiled, m.breakdown), m.breakdown)
        changes(f"when {w.name(m.id)} happens", m.effects)
    for pre in sc.preconditions:
        add(f"precondition: {w.name(pre.id)}", precondition_value(compiled, pre), pre)
        if pre.waiver is not None:
            add(f"waiver of {w.name(pre.id)}", pre.waiver.words(describe), pre.waiver)
    for med in sc.mediation:
        add(f"mediation by {w.name(med.mediator)}", mediation_value(compiled, med), med)
    if sc.history is not None:
        for hm in sc.history.milestones:
            times = f", {hm.count} times" if hm.count > 1 else ""
            add(f"history: {w.name(hm.milestone)}", f"{w.date(hm.date)}{times}", hm)
        for he in sc.history.events:
            add(f"history: {w.name(he.event)}", w.date(he.date), he)
    cal = sc.calendar
    for e in cal.elections:
        add(f"election: {e.name}", election_value(compiled, e), e)
        changes(f"if {w.name(e.incumbent)} wins", e.after_win)
        changes(f"if {w.name(e.incumbent)} loses", e.after_loss)
    for t in cal.terms:
        add(f"term: {t.name}", t.words(w, describe), t)
    for ev in cal.events:
        add(f"event: {w.name(ev.id)}", event_value(compiled, ev), ev)
        changes(f"at {w.name(ev.id)}", ev.effects)
    for s in cal.shocks:
        add(f"shock: {w.name(s.id)}", shock_value(compiled, s), s)
        changes(f"after {w.name(s.id)}", s.effects)
    for o in cal.occasions:
        add(f"occasion: {w.name(o.id)}", occasion_value(compiled, o), o)
    for i, eff in enumerate(sc.effects):
        add(f"triggered effect {i + 1}", f"when {eff.when.label(w)}: {_changes(compiled, eff.changes)}", eff)
        changes(f"when {eff.when.label(w)}", eff.changes)
    return rows


def scenario_tables(compiled) -> list[tuple[str, list[str], list[list[str]]]]:
    """The scenario's structure in words, as (title, headers, rows) tables: milestones by track, concession
    ladders, preconditions, mediation, history, elections, dated events, shocks, occasions, triggered effects,
    the constructs that say themselves in sentences (per step, per world and over time: only when it uses some),
    questions. The dashboard's Scenario tab and the report both show these."""
    sc, w = compiled.scenario, compiled.words
    cal = sc.calendar
    out = []
    out.append(("Milestones", ["track or ladder", "milestone", "kind", "who must agree", "also present",
                               "requires", "repeats, breaks down, commits, effects"],
                [[w.name(m.track) if m.track else "-", w.name(m.id), m.noun(),
                  ", ".join(w.name(a) for a in m.consenters()),
                  ", ".join(w.name(a) for a in m.others_present()) or "-", _when(w, m.requires),
                  _extras(compiled, m)] for m in _by_track(compiled)]))
    if sc.concessions:
        out.append(("Concession ladders", ["ladder", "conceding actor", "stages, in order"],
                    [[w.name(lad.id), w.name(lad.actor), " → ".join(w.name(f"{lad.id}.{s.id}") for s in lad.stages)]
                     for lad in sc.concessions]))
    if sc.preconditions:
        out.append(("Preconditions", ["precondition", "held by", "kind", "requires", "before", "waiver threshold"],
                    [[w.name(p.id), w.name(p.held_by), p.kind, p.requires.label(w), w.name(p.before),
                      "-" if p.waiver is None else p.waiver.words(describe)] for p in sc.preconditions]))
    if sc.mediation:
        out.append(("Mediation", ["mediator", "rule", "deadline", "pushes for"],
                    [[w.name(m.mediator), rule_label(m.rule), "-" if m.deadline is None else w.date(m.deadline),
                      "; ".join(w.name(p.milestone) + (f" (when {p.when.label(w)})" if p.when else "")
                                for p in m.pushes)] for m in sc.mediation]))
    if sc.history is not None:
        dated = [(h.date, w.name(h.milestone), str(h.count)) for h in sc.history.milestones]
        dated += [(h.date, w.name(h.event), "event") for h in sc.history.events]
        rows = [[w.date(when), what, times] for when, what, times in sorted(dated, key=lambda r: r[0])]  # by date
        out.append((f"History (known up to {w.date(sc.history.through)})", ["date", "what", "times"],
                    rows or [[w.date(sc.history.through), "nothing recorded before the calendar", "-"]]))
    dates = [["calendar", f"{w.date(cal.start)} to {w.date(cal.end)}, one step = {cal.step_days} days "
                          f"({len(compiled.dates)} steps)"]]
    dates += [["election", f"{e.name}: {election_value(compiled, e)}"] for e in cal.elections]
    dates += [["term", f"{t.name}: {t.words(w, describe)}"] for t in cal.terms]
    dates += [["event", f"{w.name(ev.id)}: {event_value(compiled, ev)}"] for ev in cal.events]
    dates += [["shock", f"{w.name(s.id)}: {shock_value(compiled, s)}"] for s in cal.shocks]
    dates += [["occasion", f"{w.name(o.id)}: {occasion_value(compiled, o)}"] for o in cal.occasions]
    for a in sc.actors:
        if a.enters is not None:
            dates.append(["actor enters", f"{w.name(a.id)}: {entry_value(compiled, a.enters)}"])
        if a.leaves is not None:
            dates.append(["actor leaves", f"{w.name(a.id)}: {exit_value(compiled, a.leaves)}"])
    out.append(("Calendar", ["what", "when and what it does"], dates))
    if sc.effects:
        out.append(("Triggered effects", ["when", "changes"],
                    [[e.when.label(w), _changes(compiled, e.changes)] for e in sc.effects]))
    said = construct_sentences(compiled, describe)  # each construct's class says its own (lang/words.py)
    if said:
        out.append(("Per step, per world and over time", ["about", "in words"], [list(row) for row in said]))
    out.append(("Questions", ["question", "kind", "asks"], [[q.text, q.kind_label, q.asks(compiled.words)]
                                                              for q in compiled.questions]))
    return out


def _by_track(compiled) -> list:
    """Milestones grouped by track or ladder (in order of first appearance), untracked ones first."""
    order: dict = {}
    for m in compiled.milestones:
        order.setdefault(m.track, []).append(m)
    return [m for ms in order.values() for m in ms]


def _extras(compiled, m) -> str:
    text = milestone_value(compiled, m)
    parts = [p for p in text.split("; ")[1:] if not p.startswith(("also present", "requires:"))]
    return "; ".join(parts) or "-"


def evidence_table(compiled) -> go.Figure:
    rows = evidence_rows(compiled)
    fill = {"evidence": "#e5f5e0", "assumption": "#fff3d6"}
    # (header, key, characters per line); column widths follow the same proportions
    cols = [("What", "item", 30), ("Value", "value", 26), ("Basis", "basis", 11),
            ("Quote or assumption", "text", 85), ("Source", "source", 30)]
    lines = [max(len(wrap(r[key], width).split("<br>")) for _, key, width in cols) for r in rows]
    fig = go.Figure(go.Table(
        columnwidth=[w for *_, w in cols],
        header=dict(values=[f"<b>{c}</b>" for c, *_ in cols], fill_color="#d9d9d9", align="left"),
        cells=dict(values=[[wrap(r[key], width) for r in rows] for _, key, width in cols], align="left",
                   fill_color=[[fill[r["basis"]] for r in rows]], height=22, font=dict(size=11))))
    n_ev = sum(r["basis"] == "evidence" for r in rows)
    fig.update_layout(title=f"What does each number and construct rest on? {n_ev} of {len(rows)} items cite a "
                            "source; the rest are stated assumptions",
                      height=120 + sum(10 + 14 * k for k in lines), margin=dict(l=10, r=10, t=60, b=10))
    return fig
