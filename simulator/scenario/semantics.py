"""Checks that need the whole scenario: references, cycles, dates, rules, evidence quotes."""

from __future__ import annotations

import re
from pathlib import Path

from .schema import DateRef, Scenario

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
                         "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def normalise_text(text: str) -> str:
    """Fold typographic quotes and dashes, and collapse whitespace, for quote matching."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip()


def check(sc: Scenario, base_dir: Path, *, check_sources: bool = True) -> list[tuple[tuple, str]]:
    out: list[tuple[tuple, str]] = []
    err = lambda path, msg: out.append((path, msg))  # noqa: E731

    # ---- unique ids: every id names one thing, so dotted parameter names are unambiguous
    seen: dict[str, tuple] = {}
    def claim(ident: str, path: tuple):
        if ident in seen or ident in ("election", "dynamics", "start", "end"):
            err((*path, "id"), f"id '{ident}' is already used" + ("" if ident not in seen else
                f" at {'.'.join(map(str, seen[ident]))}"))
        else:
            seen[ident] = path
    for i, a in enumerate(sc.actors):
        claim(a.id, ("actors", i))
    for t, tr in enumerate(sc.tracks):
        claim(tr.id, ("tracks", t))
        for j, lv in enumerate(tr.levels):
            claim(lv.id, ("tracks", t, "levels", j))
    for c, lad in enumerate(sc.concessions):
        claim(lad.id, ("concessions", c))
        stage_ids = [s.id for s in lad.stages]
        for s, st in enumerate(lad.stages):
            if stage_ids.index(st.id) != s:
                err(("concessions", c, "stages", s, "id"), f"stage '{st.id}' appears twice")
            if s == 0 and st.cost is not None:
                err(("concessions", c, "stages", s, "cost"), "the first stage is the starting state: no cost")
            if s > 0 and st.cost is None:
                err(("concessions", c, "stages", s), "required field missing: cost")
    for k, pre in enumerate(sc.preconditions):
        claim(pre.id, ("preconditions", k))
    for k, ev in enumerate(sc.calendar.scheduled):
        claim(ev.id, ("calendar", "scheduled", k))
    for k, sh in enumerate(sc.calendar.shocks):
        claim(sh.id, ("calendar", "shocks", k))
    qids: set[str] = set()
    for k, q in enumerate(sc.questions):
        if q.id in qids:
            err(("questions", k, "id"), f"question id '{q.id}' is already used")
        qids.add(q.id)
    src_ids = [s.id for s in sc.sources]
    for k, s in enumerate(sc.sources):
        if src_ids.index(s.id) != k:
            err(("sources", k, "id"), f"source id '{s.id}' is already used")

    actors = {a.id: a for a in sc.actors}
    levels = sc.levels
    ladders = {lad.id: lad for lad in sc.concessions}
    tracks = {tr.id: tr for tr in sc.tracks}
    events = {e.id for e in sc.calendar.scheduled} | {s.id for s in sc.calendar.shocks} | {"election"}

    def ref(path, value, pool, what):
        if value not in pool:
            known = ", ".join(sorted(pool)) or "none declared"
            err(path, f"unknown {what} '{value}' (known: {known})")
            return False
        return True

    # ---- actors and their rules
    from ..rules import DEFAULT_RULE, registry

    rules = registry()
    for i, a in enumerate(sc.actors):
        for field in ("leverage", "alignment"):
            for other in getattr(a, field):
                if ref(("actors", i, field, other), other, actors, "actor") and other == a.id:
                    err(("actors", i, field, other), f"an actor has no {field} over itself")
        rule_name = a.rule or DEFAULT_RULE.get(a.role)
        if a.role == "domestic":
            if a.params:
                err(("actors", i, "params"), "a domestic actor takes no decisions and has no rule parameters")
            continue
        if a.role == "mediator" and a.rule is not None:
            err(("actors", i, "rule"), "a mediator's rule is set on its 'mediation' entry")
            continue
        if a.role == "mediator":
            continue
        if rule_name not in rules or rules[rule_name].role != "party":
            party_rules = sorted(n for n, r in rules.items() if r.role == "party")
            err(("actors", i, "rule"), f"unknown party rule '{rule_name}' (known: {', '.join(party_rules)})")
            continue
        specs = rules[rule_name].params
        for name in specs:
            if name not in a.params:
                err(("actors", i, "params"), f"rule '{rule_name}' needs parameter '{name}'")
        for name, p in a.params.items():
            if name not in specs:
                err(("actors", i, "params", name), f"rule '{rule_name}' has no parameter '{name}' "
                    f"(it takes: {', '.join(specs)})")
            else:
                _in_range(err, ("actors", i, "params", name), p, specs[name].low, specs[name].high)
        for field, lo, hi in (("leverage", 0, 1), ("alignment", -1, 1)):
            for other, p in getattr(a, field).items():
                _in_range(err, ("actors", i, field, other), p, lo, hi)

    # ---- tracks and levels
    for t, tr in enumerate(sc.tracks):
        for j, lv in enumerate(tr.levels):
            base = ("tracks", t, "levels", j)
            for n, who in enumerate(lv.attendees):
                if ref((*base, "attendees", n), who, actors, "actor") and actors[who].role != "party":
                    err((*base, "attendees", n), f"attendee '{who}' must be a party (it is a {actors[who].role})")
            if len(set(lv.attendees)) != len(lv.attendees):
                err((*base, "attendees"), "an attendee is listed twice")
            for n, who in enumerate(lv.present):
                ref((*base, "present", n), who, actors, "actor")
            for n, req in enumerate(lv.requires):
                if ref((*base, "requires", n), req, levels, "meeting level"):
                    if levels[req][0].id == tr.id:
                        err((*base, "requires", n), f"'{req}' is on the same track: ladder order already applies")
            _in_range(err, (*base, "stakes"), lv.stakes, 0, 2)

    for c, lad in enumerate(sc.concessions):
        if ref(("concessions", c, "actor"), lad.actor, actors, "actor") and actors[lad.actor].role != "party":
            err(("concessions", c, "actor"), f"'{lad.actor}' must be a party to concede")
        for s, st in enumerate(lad.stages):
            if st.cost is not None:
                _in_range(err, ("concessions", c, "stages", s, "cost"), st.cost, 0, 2)

    # ---- preconditions
    for k, pre in enumerate(sc.preconditions):
        base = ("preconditions", k)
        ok_actor = ref((*base, "demanded_by"), pre.demanded_by, actors, "actor")
        if ref((*base, "before"), pre.before, levels, "meeting level") and ok_actor:
            if pre.demanded_by not in levels[pre.before][2].attendees:
                err((*base, "demanded_by"), f"'{pre.demanded_by}' does not attend '{pre.before}', so cannot block it")
        r = pre.requires
        if hasattr(r, "meeting"):
            ref((*base, "requires", "meeting"), r.meeting, levels, "meeting level")
        elif hasattr(r, "concession"):
            if ref((*base, "requires", "concession"), r.concession, ladders, "concession ladder"):
                ref((*base, "requires", "stage"), r.stage, {s.id for s in ladders[r.concession].stages}, "stage")
        else:
            ref((*base, "requires", "event"), r.event, events, "event")
        if pre.waiver is not None:
            _in_range(err, (*base, "waiver", "threshold"), pre.waiver.threshold, 0, 2)

    # ---- mediation
    mediators_seen = set()
    for m, med in enumerate(sc.mediation):
        base = ("mediation", m)
        if ref((*base, "mediator"), med.mediator, actors, "actor"):
            if actors[med.mediator].role != "mediator":
                err((*base, "mediator"), f"'{med.mediator}' has role '{actors[med.mediator].role}', not mediator")
            if med.mediator in mediators_seen:
                err((*base, "mediator"), f"'{med.mediator}' already has a mediation entry")
            mediators_seen.add(med.mediator)
        if med.rule is not None and (med.rule not in rules or rules[med.rule].role != "mediator"):
            known = sorted(n for n, r in rules.items() if r.role == "mediator")
            err((*base, "rule"), f"unknown mediator rule '{med.rule}' (known: {', '.join(known)})")
        elif med.mediator in actors:
            _mediator_params(err, sc, med, rules[med.rule or DEFAULT_RULE["mediator"]])
        for n, push in enumerate(med.pushes):
            ref((*base, "pushes", n, "level"), push.level, levels, "meeting level")
            if push.after is not None:
                ref((*base, "pushes", n, "after"), push.after, levels, "meeting level")
        for field in ("base", "peak", "after_deadline"):
            _in_range(err, (*base, "urgency", field), getattr(med.urgency, field), 0, 1)
        _in_range(err, (*base, "urgency", "ramp_weeks"), med.urgency.ramp_weeks, 1, 520)

    # ---- calendar
    cal = sc.calendar
    if not cal.start < cal.end:
        err(("calendar", "end"), f"end ({cal.end}) must be after start ({cal.start})")
    el = cal.election
    if el is not None:
        for field in ("incumbent", "challenger"):
            ref(("calendar", "election", field), getattr(el, field), actors, "actor")
        if el.incumbent == el.challenger:
            err(("calendar", "election", "challenger"), "challenger and incumbent must differ")
        if not cal.start <= el.round1 <= cal.end:
            err(("calendar", "election", "round1"), f"round 1 ({el.round1}) is outside the calendar "
                f"({cal.start} to {cal.end})")
        if el.runoff is not None and not el.round1 < el.runoff <= cal.end:
            err(("calendar", "election", "runoff"), f"run-off ({el.runoff}) must fall after round 1 "
                f"({el.round1}) and by the calendar end")
        for field in ("p_runoff", "base_win"):
            _in_range(err, ("calendar", "election", field), getattr(el, field), 0, 1)
        _in_range(err, ("calendar", "election", "progress_effect"), el.progress_effect, -1, 1)
        for field in ("after_win", "after_loss"):
            for n, eff in enumerate(getattr(el, field)):
                _effect_target(err, ("calendar", "election", field, n, "param"), eff.param, sc)
    for k, ev in enumerate(cal.scheduled):
        base = ("calendar", "scheduled", k)
        if not cal.start <= ev.date <= cal.end:
            err((*base, "date"), f"{ev.date} is outside the calendar ({cal.start} to {cal.end})")
        if ev.track is None and ev.level is not None:
            err((*base, "level"), "'level' needs 'track'")
        if ev.track is not None and ref((*base, "track"), ev.track, tracks, "track") and ev.level is not None:
            ref((*base, "level"), ev.level, {lv.id for lv in tracks[ev.track].levels}, f"level of track '{ev.track}'")
        for n, eff in enumerate(ev.effects):
            _effect_target(err, (*base, "effects", n, "param"), eff.param, sc)
    for k, sh in enumerate(cal.shocks):
        base = ("calendar", "shocks", k)
        _in_range(err, (*base, "hazard"), sh.hazard, 0, 1)
        for n, tr in enumerate(sh.effect.freeze_tracks):
            ref((*base, "effect", "freeze_tracks", n), tr, tracks, "track")
        for n, eff in enumerate(sh.effect.params):
            _effect_target(err, (*base, "effect", "params", n, "param"), eff.param, sc)
        s, e = resolve_date(sh.start, sc), resolve_date(sh.end, sc)
        if s is not None and e is not None and s > e:
            err((*base, "end"), f"shock window ends ({e}) before it starts ({s})")
    for path, value in _date_refs(sc):
        if value in ("election.round1", "election.runoff") and (el is None or (value == "election.runoff"
                                                                               and el.runoff is None)):
            err(path, f"'{value}' is used but the calendar has no such date")

    # ---- questions
    for k, q in enumerate(sc.questions):
        base = ("questions", k)
        if q.meeting is not None:
            ref((*base, "meeting"), q.meeting, levels, "meeting level")
        if q.concession is not None and ref((*base, "concession"), q.concession, ladders, "concession ladder"):
            ref((*base, "stage"), q.stage, {s.id for s in ladders[q.concession].stages}, "stage")
        if q.election is not None and el is None:
            err((*base, "election"), "the calendar has no election")

    # ---- sources and evidence
    for k, s in enumerate(sc.sources):
        if s.date > sc.metadata.as_of:
            err(("sources", k, "date"), f"source dated {s.date} is after the scenario's as_of date "
                f"({sc.metadata.as_of}): no hindsight")
    texts: dict[str, str | None] = {}
    if check_sources:
        for k, s in enumerate(sc.sources):
            file = (base_dir / s.file)
            try:
                texts[s.id] = normalise_text(file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                err(("sources", k, "file"), f"cannot read source text '{s.file}' (relative to the scenario file)")
                texts[s.id] = None
    for path, ev in _evidence(sc):
        if ev.source not in src_ids:
            err((*path, "source"), f"unknown source '{ev.source}' (known: {', '.join(src_ids)})")
        elif check_sources and texts.get(ev.source) is not None:
            if normalise_text(ev.quote) not in texts[ev.source]:
                err((*path, "quote"), f"quote does not occur in source '{ev.source}'")

    # ---- cycles among meeting prerequisites (ladder order, cross-track requires, meeting preconditions)
    if not out:
        cycle = _find_cycle(sc)
        if cycle is not None:
            path, names = cycle
            err(path, "prerequisite cycle (each must come before the next): " + " -> ".join(names))
    return out


def _mediator_params(err, sc: Scenario, med, rule) -> None:
    """A mediator rule's own parameters (beyond urgency.*) live in the mediator actor's ``params``."""
    i = next(k for k, a in enumerate(sc.actors) if a.id == med.mediator)
    actor = sc.actors[i]
    specs = {n: s for n, s in rule.params.items() if not n.startswith("urgency.")}
    for name in specs:
        if name not in actor.params:
            err(("actors", i, "params"), f"mediator rule '{rule.name}' needs parameter '{name}'")
    for name, p in actor.params.items():
        if name not in specs:
            err(("actors", i, "params", name), f"mediator rule '{rule.name}' has no parameter '{name}'"
                f" (it takes: {', '.join(specs) or 'none'})")
        else:
            _in_range(err, ("actors", i, "params", name), p, specs[name].low, specs[name].high)


def _in_range(err, path, p, lo, hi):
    a, b = p.bounds
    if a < lo or b > hi:
        err(path, f"must lie within [{lo}, {hi}] (got {a:g}..{b:g})" if a != b else
            f"must lie within [{lo}, {hi}] (got {a:g})")


def _effect_target(err, path, name, sc):
    from .params import ParameterTable

    names = ParameterTable(sc).index
    if name not in names:
        err(path, f"unknown parameter '{name}'")


def resolve_date(ref: DateRef, sc: Scenario):
    import datetime as dt

    if isinstance(ref, dt.date):
        return ref
    el = sc.calendar.election
    return {"start": sc.calendar.start, "end": sc.calendar.end,
            "election.round1": el.round1 if el else None,
            "election.runoff": el.runoff if el else None}[ref]


def _date_refs(sc: Scenario):
    for m, med in enumerate(sc.mediation):
        yield ("mediation", m, "urgency", "deadline"), med.urgency.deadline
    for k, sh in enumerate(sc.calendar.shocks):
        yield ("calendar", "shocks", k, "start"), sh.start
        yield ("calendar", "shocks", k, "end"), sh.end
    for k, q in enumerate(sc.questions):
        if q.before is not None:
            yield ("questions", k, "before"), q.before


def _evidence(sc: Scenario):
    """Every ``evidence`` block with its path, found by walking the model tree."""
    from pydantic import BaseModel

    from .schema import Evidence

    def walk(obj, path):
        if isinstance(obj, Evidence):
            yield path, obj
        elif isinstance(obj, BaseModel):
            for name in type(obj).model_fields:
                yield from walk(getattr(obj, name), (*path, name))
        elif isinstance(obj, list):
            for i, item in enumerate(obj):
                yield from walk(item, (*path, i))
        elif isinstance(obj, dict):
            for key, item in obj.items():
                yield from walk(item, (*path, key))
    yield from walk(sc, ())


def prerequisite_edges(sc: Scenario) -> dict[str, list[tuple[str, tuple]]]:
    """level -> [(level that must come first, path of the declaration)]."""
    edges: dict[str, list[tuple[str, tuple]]] = {}
    for t, tr in enumerate(sc.tracks):
        for j, lv in enumerate(tr.levels):
            deps = edges.setdefault(lv.id, [])
            if j > 0:
                deps.append((tr.levels[j - 1].id, ("tracks", t, "levels", j, "id")))
            for n, req in enumerate(lv.requires):
                deps.append((req, ("tracks", t, "levels", j, "requires", n)))
    for k, pre in enumerate(sc.preconditions):
        if hasattr(pre.requires, "meeting"):
            edges.setdefault(pre.before, []).append((pre.requires.meeting, ("preconditions", k, "requires", "meeting")))
    return edges


def _find_cycle(sc: Scenario):
    """First cycle found by depth-first search: (path of the closing declaration, level ids)."""
    edges = prerequisite_edges(sc)
    done: set[str] = set()
    on_stack: list[str] = []

    def visit(node):
        on_stack.append(node)
        for dep, path in edges.get(node, []):
            if dep in on_stack:
                cycle = on_stack[on_stack.index(dep):] + [dep]
                return path, list(reversed(cycle))
            if dep not in done:
                found = visit(dep)
                if found:
                    return found
        on_stack.pop()
        done.add(node)
        return None

    for node in edges:
        if node not in done:
            found = visit(node)
            if found:
                return found
    return None
