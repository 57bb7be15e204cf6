"""Checks that need the whole scenario: ids, references, rules and their parameters, dates, evidence, cycles.

Each concept class checks itself (``check(ctx, path)``); this module builds
the context (every id by kind, the fixed dates) and checks what spans
concepts. Every problem is (document path, one-line message).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..lang.base import walk_models
from ..lang.calendar import fixed_window
from ..lang.timeshape import chance_numbers, chance_ranges, check_hazard
from ..lang.context import CheckContext
from . import files
from .files import FileRefError, Folder
from .schema import Scenario

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
                         "\u2013": "-", "\u2014": "-", "\u00a0": " "})
RESERVED = ("election", "dynamics", "start", "end")
SOURCE_SEPARATOR = re.compile(r"^-{3,}[ \t]*\r?$", re.M)  # a line of three or more dashes


def normalise_text(text: str) -> str:
    """Fold typographic quotes and dashes, and collapse whitespace, for quote matching."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip()


def source_body(text: str) -> str | None:
    """The body of a local source text: what follows the first line of three or more dashes below a header (the
    header is attribution, never quoted; a dash line with nothing above it opens a header, as in front matter);
    None when the text has no such line."""
    for m in SOURCE_SEPARATOR.finditer(text):
        if text[:m.start()].strip(" \t\r\n-"):
            return text[m.end():]
    return None


def fixed_dates(sc: Scenario) -> dict:
    out = {"start": sc.calendar.start, "end": sc.calendar.end}
    for el in sc.calendar.elections:
        out[f"election.{el.id}.round1"] = el.round1
        out[f"election.{el.id}.runoff"] = el.runoff
    for ev in sc.calendar.events:
        out[ev.id] = ev.date
    for occ in sc.calendar.occasions:
        if occ.date is not None:
            out[occ.id] = occ.date
    return out


def context(sc: Scenario) -> CheckContext:
    milestones = {m.id: m for m, _ in sc.all_milestones}
    events = {e.id: e for e in sc.calendar.events}
    events.update({s.id: s for s in sc.calendar.shocks})
    events.update({o.id: o for o in sc.calendar.occasions if o.date is None})
    events.update({o.id: o for o in sc.calendar.occasions if o.date is not None})
    events.update({h.event: h for h in sc.history_only_events})
    events.update({r: m for m in milestones.values() if m.outcome is not None for r in m.outcome.event_ids(m.id)})
    dynamic = {s.id for s in sc.calendar.shocks} | {o.id for o in sc.calendar.occasions if o.date is None}
    dynamic |= set(milestones) | {h.event for h in sc.history_only_events}  # the day it happens, per run
    dynamic |= {r for m in milestones.values() if m.outcome is not None for r in m.outcome.event_ids(m.id)}
    pools = {
        "actor": {a.id: a for a in sc.actors},
        "milestone": milestones,
        "event": events,
        "election": {e.id: e for e in sc.calendar.elections},
        "ladder": {lad.id: lad for lad in sc.concessions},
        "freezable": {**milestones, **{t.id: t for t in sc.tracks}, **{c.id: c for c in sc.concessions}},
        "dated": {**milestones, **events},
    }
    return CheckContext(pools, {lad.id: [s.id for s in lad.stages] for lad in sc.concessions},
                        {e.id: e.candidates() for e in sc.calendar.elections},
                        fixed_dates(sc), dynamic)


def check(sc: Scenario, base_dir: Path, *, check_sources: bool = True,
          folder: Folder | None = None) -> list[tuple[tuple, str]]:
    """Every problem of the scenario; source texts are read inside ``folder`` (by default ``base_dir``'s tree)."""
    ctx = _checked(sc, base_dir, check_sources=check_sources, folder=folder)
    _remember_ranges(sc, base_dir, ctx.ranges)
    return ctx.errors


_RANGES: dict[tuple[int, str], tuple[Scenario, dict]] = {}  # (id of a checked scenario, folder) -> its ranges


def _remember_ranges(sc: Scenario, base_dir: Path, ranges: dict) -> None:
    if len(_RANGES) > 32:
        _RANGES.clear()
    _RANGES[(id(sc), str(base_dir))] = (sc, ranges)  # the scenario is kept, so its id is not reused


def _checked(sc: Scenario, base_dir: Path, *, check_sources: bool = True, folder: Folder | None = None) -> CheckContext:
    from ..rules import DEFAULT_RULE, registry

    ctx = context(sc)
    ctx.ranges = {}
    err = ctx.error
    rules = registry()

    # ---- unique ids: every id names one thing, so dotted parameter names are unambiguous
    seen: dict[str, tuple] = {}

    def claim(ident: str, path: tuple):
        if ident in RESERVED:
            err((*path, "id"), f"id '{ident}' is reserved")
        elif ident in seen:
            err((*path, "id"), f"id '{ident}' is already used at {_dotted(seen[ident])}")
        else:
            seen[ident] = path

    for i, a in enumerate(sc.actors):
        claim(a.id, ("actors", i))
    for m, path in sc.all_milestones:
        claim(m.id, path)
    for t, tr in enumerate(sc.tracks):
        claim(tr.id, ("tracks", t))
    for c, lad in enumerate(sc.concessions):
        claim(lad.id, ("concessions", c))
        ids = [s.id for s in lad.stages]
        for s, st in enumerate(lad.stages):
            if ids.index(st.id) != s:
                err(("concessions", c, "stages", s, "id"), f"stage '{st.id}' appears twice")
            if s == 0 and st.cost is not None:
                err(("concessions", c, "stages", s, "cost"), "the first stage is the starting state: no cost")
            if s > 0 and st.cost is None:
                err(("concessions", c, "stages", s), "required field missing: cost")
    for k, pre in enumerate(sc.preconditions):
        claim(pre.id, ("preconditions", k))
    cal = sc.calendar
    for group in ("events", "shocks", "occasions", "terms"):
        for k, item in enumerate(getattr(cal, group)):
            claim(item.id, ("calendar", group, k))
    eids = [e.id for e in cal.elections]
    for k, e in enumerate(cal.elections):
        if eids.index(e.id) != k:
            err(("calendar", "elections", k, "id"), f"election id '{e.id}' is already used")
    qids: list[str] = [q.id for q in sc.questions]
    for k, q in enumerate(sc.questions):
        if qids.index(q.id) != k:
            err(("questions", k, "id"), f"question id '{q.id}' is already used")

    # ---- actors and their rules
    from .params import deciders

    decide = set(deciders(sc))
    readers: dict[str, tuple[str, str]] = {}  # scenario number -> (rule, actor) of the first deciding actor reading it
    for i, a in enumerate(sc.actors):
        for field, lo, hi in (("leverage", 0, 1), ("alignment", -1, 1)):
            for other, p in getattr(a, field).items():
                if ctx.ref(("actors", i, field, other), other, "actor") and other == a.id:
                    err(("actors", i, field, other), f"an actor has no {field} over itself")
                _in_range(ctx, ("actors", i, field, other), p, lo, hi)
        name = a.rule or DEFAULT_RULE["party"]
        if name not in rules or rules[name].role != "party":
            known = sorted(n for n, r in rules.items() if r.role == "party")
            err(("actors", i, "rule"), f"unknown decision rule '{name}' (known: {', '.join(known)})")
            continue
        specs = rules[name].params
        if a.id in decide:
            for number in rules[name].scenario_numbers:
                readers.setdefault(number, (name, a.id))
            for pname, spec in specs.items():
                if pname not in a.params and spec.default is None:
                    err(("actors", i, "params"), f"rule '{name}' needs parameter '{pname}'")
        for pname, p in a.params.items():
            if pname not in specs:
                err(("actors", i, "params", pname), f"rule '{name}' has no parameter '{pname}' "
                    f"(it takes: {', '.join(specs)})")
            else:
                _in_range(ctx, ("actors", i, "params", pname), p, specs[pname].low, specs[pname].high)
        for field in ("enters", "leaves"):
            spec = getattr(a, field)
            if spec is None:
                continue
            if spec.date is not None and not cal.start <= spec.date <= cal.end:
                err(("actors", i, field, "date"), f"{spec.date} is outside the calendar ({cal.start} to {cal.end})")
            if spec.when is not None:
                spec.when.check(ctx, ("actors", i, field, "when"))
            if field == "enters":
                fixed_window(ctx, ("actors", i, field, "between"), spec.between)
                if spec.hazard is not None:  # a weekly chance, or a shape in time with its numbers' ranges
                    name = spec.hazard_name(a.id)
                    ranges = chance_ranges(name, spec.hazard)
                    for pname, p, ppath in chance_numbers(name, spec.hazard, ("actors", i, field, "hazard")):
                        _in_range(ctx, ppath, p, *ranges[pname])
                    check_hazard(ctx, ("actors", i, field, "hazard"), spec.hazard, cal)

    for number, (name, actor) in readers.items():  # e.g. dynamics.sharpness: optional unless a rule reads it
        head, _, field = number.partition(".")
        if head == "dynamics" and getattr(sc.dynamics, field, None) is None:
            err(("dynamics", field), f"required field missing (the rule '{name}' of actor '{actor}' reads it)")
    # the share of pressure left after a week (above 1 pressure would grow by itself); a logistic's slope
    for field, lo, hi in (("pressure_decay", 0.0, 1.0), ("sharpness", 0.0, 1e6)):
        if getattr(sc.dynamics, field, None) is not None:
            _in_range(ctx, ("dynamics", field), getattr(sc.dynamics, field), lo, hi)

    # ---- milestones
    for m, path in sc.all_milestones:
        m.check(ctx, path)
        m.check_proposers(ctx, path, sc)
        for name, p, ppath in m.parameters(path):
            _in_range(ctx, ppath, p, *m.parameter_range(name))

    # ---- preconditions: held by any actor, on any milestone
    for k, pre in enumerate(sc.preconditions):
        base = ("preconditions", k)
        ctx.ref((*base, "held_by"), pre.held_by, "actor")
        ctx.ref((*base, "before"), pre.before, "milestone")
        pre.requires.check(ctx, (*base, "requires"))
        if pre.waiver is not None:  # a threshold of pressure, or how long it resists: a weekly chance
            for _, p, ppath in pre.waiver.parameters(pre.id, (*base, "waiver")):
                _in_range(ctx, ppath, p, 0, 2 if ppath[-1] == "threshold" else 1)

    # ---- mediation
    mediators_seen = set()
    for m, med in enumerate(sc.mediation):
        base = ("mediation", m)
        if ctx.ref((*base, "mediator"), med.mediator, "actor"):
            if med.mediator in mediators_seen:
                err((*base, "mediator"), f"'{med.mediator}' already has a mediation entry")
            mediators_seen.add(med.mediator)
        name = med.rule or DEFAULT_RULE["mediator"]
        if name not in rules or rules[name].role != "mediator":
            known = sorted(n for n, r in rules.items() if r.role == "mediator")
            err((*base, "rule"), f"unknown mediator rule '{name}' (known: {', '.join(known)})")
        else:
            rule = rules[name]
            for pname, spec in rule.params.items():
                if pname not in med.params and spec.default is None:
                    err((*base, "params"), f"mediator rule '{name}' needs parameter '{pname}'")
            for pname, p in med.params.items():
                if pname not in rule.params:
                    err((*base, "params", pname), f"mediator rule '{name}' has no parameter '{pname}' "
                        f"(it takes: {', '.join(rule.params) or 'none'})")
                else:
                    _in_range(ctx, (*base, "params", pname), p, rule.params[pname].low, rule.params[pname].high)
            if rule.needs_deadline and med.deadline is None:
                free = sorted(n for n, r in rules.items() if r.role == "mediator" and not r.needs_deadline)
                err((*base, "deadline"), f"rule '{name}' works toward a deadline: give 'deadline' (a date, or a "
                    "name such as " + ", ".join(sorted(ctx.fixed_dates)) + ")"
                    + (f", or a rule that needs none ({', '.join(free)})" if free else ""))
        if med.deadline is not None and ctx.date((*base, "deadline"), med.deadline) is None \
                and med.deadline in ctx.dynamic_dates:
            err((*base, "deadline"), f"'{med.deadline}' has no fixed date: a deadline needs one")
        for n, push in enumerate(med.pushes):
            ctx.ref((*base, "pushes", n, "milestone"), push.milestone, "milestone")
            if push.when is not None:
                push.when.check(ctx, (*base, "pushes", n, "when"))

    from ..lang import worlds

    worlds.check(ctx, sc, _in_range)  # live shares and spreads

    # ---- calendar
    if not cal.start < cal.end:
        err(("calendar", "end"), f"end ({cal.end}) must be after start ({cal.start})")
    as_of = sc.metadata.as_of
    covered = sc.history.through if sc.history is not None else None
    if cal.start < as_of and (covered is None or covered < as_of):
        err(("calendar", "start"), f"the calendar starts ({cal.start}) before as_of ({as_of}): start on or after "
            "as_of, or record what happened up to as_of in 'history' (with 'through')")
    for e, el in enumerate(cal.elections):
        el.check(ctx, ("calendar", "elections", e), cal)
        for f in ("p_runoff", "base_win"):
            if getattr(el, f) is not None:
                _in_range(ctx, ("calendar", "elections", e, f), getattr(el, f), 0, 1)
        _in_range(ctx, ("calendar", "elections", e, "progress_effect"), el.progress_effect, -1, 1)
        if el.formation_days is not None:
            _in_range(ctx, ("calendar", "elections", e, "formation_days"), el.formation_days, 0, 3650)
    for k, term in enumerate(cal.terms):
        term.check(ctx, ("calendar", "terms", k), cal)
        _in_range(ctx, ("calendar", "terms", k, "vacancy_days"), term.vacancy_days, 0, 3650)
        if any(a.id == term.holder and a.enters is not None for a in sc.actors):
            err(("calendar", "terms", k, "holder"), f"'{term.holder}' has its own 'enters': an actor whose term "
                "ends comes back when the office is filled, not by 'enters'")
    for group in ("events", "shocks", "occasions"):
        for k, item in enumerate(getattr(cal, group)):
            item.check(ctx, ("calendar", group, k), cal)
            for name, p, ppath in getattr(item, "parameters", lambda path: [])(("calendar", group, k)):
                _in_range(ctx, ppath, p, *getattr(item, "parameter_range", lambda name: (0, 1))(name))
    for k, eff in enumerate(sc.effects):
        eff.check(ctx, ("effects", k))

    # ---- history
    if sc.history is not None:
        h = sc.history
        if h.through > as_of:
            err(("history", "through"), f"history runs to {h.through}, after as_of ({as_of}): no hindsight")
        for n, item in enumerate(h.milestones):
            ctx.ref(("history", "milestones", n, "milestone"), item.milestone, "milestone")
            if item.date > h.through:
                err(("history", "milestones", n, "date"), f"{item.date} is after history.through ({h.through})")
        for n, item in enumerate(h.events):
            if item in sc.history_only_events and item.name is None:
                ctx.error(("history", "events", n, "event"), f"'{item.event}' is not an event, shock or occasion of "
                          "the calendar: give it a 'name' to record it as an event of its own")
            if item.date > h.through:
                err(("history", "events", n, "date"), f"{item.date} is after history.through ({h.through})")

    # ---- every parameter change names a parameter
    from .params import ParameterTable

    table = ParameterTable(sc)
    names = table.index
    for path, change in _changes(sc):
        if change.param not in names:
            err((*path, "param"), f"unknown parameter '{change.param}' (see `diplosim params`)")
    check_changes_stay_in_range(sc, table, parameter_ranges(sc, table, ctx.ranges), err)
    from ..lang.effects import check as check_effects
    from .params import chance_parameters

    check_effects(sc, err, names, chance_parameters(sc))
    from ..lang import commitments

    commitments.check(sc, ctx, lambda path, p, lo, hi: _in_range(ctx, path, p, lo, hi))  # odds, chances, classes

    # ---- a parameter stated in estimable units must be one of that unit (lang/estimable.py)
    from ..lang.estimable import given_field
    from .params import iter_parameters, parameter_units

    units = parameter_units(sc)
    for name, p, ppath in iter_parameters(sc):
        form = p.estimable
        if form is not None and form.unit != units.get(name):
            field = given_field(p)
            unit = units.get(name)
            if unit is None:
                err((*ppath, field), f"'{name}' is not a weekly chance or an odds multiplier: give 'value' or a "
                    "distribution (see `diplosim params`)")
            else:
                how = {"weekly_chance": ("a weekly chance", "'chance_within' or 'median_delay_days' or 'value'"),
                       "chance_per_offer": ("a chance per offer (each time a step is on the table)",
                                            "'value' (between 0 and 1)"),
                       "odds_multiplier": ("an odds multiplier", "'odds_multiplier' or 'value'")}
                err((*ppath, field), f"'{name}' is {how[unit][0]}, not {how[form.unit][0]}: state it with "
                    f"{how[unit][1]}")

    # ---- questions
    for k, q in enumerate(sc.questions):
        q.check(ctx, ("questions", k))

    # ---- sources and evidence
    for k, s in enumerate(sc.sources):
        if s.date > as_of:
            err(("sources", k, "date"), f"source dated {s.date} is after the scenario's as_of date "
                f"({as_of}): no hindsight")
    check_sources_and_evidence(sc.sources, _evidence(sc), folder or base_dir, err, check_sources=check_sources)

    # ---- cycles among milestone prerequisites (requires, preconditions)
    if not ctx.errors:
        cycle = find_cycle(sc)
        if cycle is not None:
            path, names_ = cycle
            err(path, "prerequisite cycle (each must come before the next): " + " -> ".join(names_))
    return ctx


def check_sources_and_evidence(sources, evidence, base_dir: Path | Folder, err, *, check_sources: bool = True,
                               relative_to: str = "the scenario file") -> None:
    """Sources' local texts are readable and ids unique; each (path, Evidence) names a declared source, and a
    quote occurs in the body of that source's text. Shared by scenarios and observed-outcomes files. A text is
    read only inside ``base_dir``'s tree (``files.Folder``), only a regular file, only up to a size limit."""
    src_ids = [s.id for s in sources]
    for k, s in enumerate(sources):
        if src_ids.index(s.id) != k:
            err(("sources", k, "id"), f"source id '{s.id}' is already used")
    texts: dict[str, str | None] = {}
    folder = Folder.at(base_dir) if check_sources else None
    for k, s in enumerate(sources):
        if s.file is None or not check_sources:
            continue
        texts[s.id] = None
        try:
            body = source_body(folder.read_text(s.file, files.MAX_SOURCE_TEXT_BYTES, "a source text"))
        except FileRefError as exc:
            message = str(exc)
            if message.endswith(" not found"):
                message = f"cannot read source text '{s.file}' (relative to {relative_to})"
            err(("sources", k, "file"), message)
            continue
        if body is None:
            err(("sources", k, "file"), f"source text '{s.file}' has no line of dashes ('---') between its header "
                "and its body")
        else:
            texts[s.id] = normalise_text(body)
    by_id = {s.id: s for s in sources}
    for path, ev in evidence:
        if ev.source not in by_id:
            err((*path, "source"), f"unknown source '{ev.source}' (known: {', '.join(src_ids)})")
        elif ev.quote is not None:
            if by_id[ev.source].file is None:
                err((*path, "quote"), f"source '{ev.source}' has no local text to check a quote against: "
                    "give it a 'file', or write a 'note' in your own words")
            elif check_sources and texts.get(ev.source) is not None \
                    and normalise_text(ev.quote) not in texts[ev.source]:
                err((*path, "quote"), f"quote does not occur in the text of source '{ev.source}'")


def _in_range(ctx, path, p, lo, hi):
    """Check a number lies within [lo, hi], and remember that range (``allowed_ranges``)."""
    ctx.ranges[tuple(path)] = (lo, hi)
    if p.awaits_reference:  # its numbers come from a reference class (checked when they are put in)
        return
    a, b = p.bounds
    if a < lo or b > hi:
        ctx.error(path, f"must lie within [{lo}, {hi}] (got {a:g}..{b:g})" if a != b else
                  f"must lie within [{lo}, {hi}] (got {a:g})")


def walk_params(sc: Scenario):
    """Every ``Param`` of the scenario with its document path."""
    from ..lang.base import Param

    return walk_models(sc, (), Param)


def allowed_ranges(sc: Scenario, base_dir: Path) -> dict[tuple, tuple[float, float]]:
    """The allowed range of each number, by its path in the scenario document (as ``check`` enforces it); those
    of a scenario just checked are not worked out again."""
    hit = _RANGES.get((id(sc), str(base_dir)))
    if hit is not None and hit[0] is sc:
        return hit[1]
    ranges = _checked(sc, base_dir, check_sources=False).ranges
    _remember_ranges(sc, base_dir, ranges)
    return ranges


def _dotted(path) -> str:
    return ".".join(str(p) for p in path)


def _evidence(sc: Scenario):
    """Every ``evidence`` block with its path, found by walking the model tree."""
    from ..lang.base import Evidence

    yield from walk_models(sc, (), Evidence)


def quote_count(sc: Scenario) -> int:
    """How many evidence quotes the scenario gives (each is checked against its source's text when the texts are
    there)."""
    return sum(1 for _, ev in _evidence(sc) if ev.quote is not None)


def _changes(sc: Scenario):
    from ..lang.base import ParamChange

    yield from walk_models(sc, (), ParamChange)


def parameter_ranges(sc: Scenario, table=None, ranges: dict | None = None) -> dict[str, tuple[float, float]]:
    """Dotted parameter name -> its allowed range: the range checked at its place in the document
    (``allowed_ranges``), or for a rule's parameter left at its default, the rule's declared range. A parameter
    with no declared range (``dynamics``) is absent."""
    from ..rules import DEFAULT_RULE, registry
    from .params import ParameterTable

    table = ParameterTable(sc) if table is None else table
    if ranges is None:
        hit = next((v for (i, _), v in list(_RANGES.items()) if i == id(sc) and v[0] is sc), None)
        ranges = hit[1] if hit is not None else allowed_ranges(sc, Path("."))
    out = {}
    for name in table.names:
        path = tuple(table.paths[name])
        if path in ranges:
            out[name] = ranges[path]
        elif len(path) == 3 and path[0] in ("actors", "mediation") and path[2] == "params":  # a rule's default
            item = sc.actors[path[1]] if path[0] == "actors" else sc.mediation[path[1]]
            owner = item.id if path[0] == "actors" else item.mediator
            rule = registry().get(item.rule or DEFAULT_RULE["party" if path[0] == "actors" else "mediator"])
            spec = rule.params.get(name[len(owner) + 1:]) if rule is not None else None
            if spec is not None:
                out[name] = (spec.low, spec.high)
    return out


def check_changes_stay_in_range(sc: Scenario, table, ranges: dict, err) -> None:
    """Every parameter change keeps its parameter within the parameter's allowed range, for every value a run
    can draw: a ``set`` value lies in the range; an ``add`` moves the parameter's whole support (its lowest and
    highest drawn value) to within the range; and all the changes of one parameter, each applied once, keep it
    there too (the two outcomes of an election are alternatives). A change applied again (a repeated milestone,
    a shock that recurs) can still leave the range by arithmetic: it is clipped to it when applied (the kernel's
    ``apply``, docs/scenarios.md)."""
    from ..lang.effects import bounds as effect_bounds

    eps = 1e-9
    by_param: dict[str, list] = {}
    for path, change in _changes(sc):
        if change.param in ranges and not table.params[change.param].awaits_reference:
            by_param.setdefault(change.param, []).append((path, change))
    for name, changes in by_param.items():
        lo, hi = ranges[name]
        a, b = table.params[name].bounds
        if a < lo - eps or b > hi + eps:
            continue  # the parameter itself leaves its range: reported where it is given
        drawn = f"{a:g}" if a == b else f"{a:g} to {b:g}"
        alone_ok = True
        for path, ch in changes:
            vlo, vhi = effect_bounds(ch)  # a plain number, or the support of a value stated in any form
            shown = f"{vlo:g}" if vlo == vhi else f"{vlo:g} to {vhi:g}"
            if ch.op == "set" and not (lo - eps <= vlo and vhi <= hi + eps):
                err((*path, "value"), f"sets '{name}' to {shown}, outside its allowed range [{lo:g}, {hi:g}]")
                alone_ok = False
            elif ch.op == "add" and not (a + vlo >= lo - eps and b + vhi <= hi + eps):
                reach = f"{a + vlo:g}" if a == b and vlo == vhi else f"{a + vlo:g} to {b + vhi:g}"
                err((*path, "value"), f"adding {shown} to '{name}' (drawn {drawn}) gives {reach}, outside its "
                    f"allowed range [{lo:g}, {hi:g}]")
                alone_ok = False
        if not alone_ok or len(changes) < 2:
            continue
        # several changes: the highest reachable value is the highest start (drawn or set) plus every rise, once
        # each (of an election's two outcomes, the larger); the lowest likewise
        sets = [v for _, ch in changes if ch.op == "set" for v in effect_bounds(ch)]
        groups: dict[tuple, dict[str, list[float]]] = {}
        for path, ch in changes:
            if ch.op == "add":
                alt = path[-2] if path[-2] in ("after_win", "after_loss") else ""
                groups.setdefault(path[:-2] if alt else path, {}).setdefault(alt, []).append(effect_bounds(ch))
        rise = sum(max(sum(max(v, 0.0) for _, v in vs) for vs in g.values()) for g in groups.values())
        fall = sum(min(sum(min(v, 0.0) for v, _ in vs) for vs in g.values()) for g in groups.values())
        top, bottom = max([b, *sets]) + rise, min([a, *sets]) + fall
        if top > hi + eps or bottom < lo - eps:
            reach = top if top > hi + eps else bottom
            last = [p for p, ch in changes if ch.op == "add" and (effect_bounds(ch)[reach == top] > 0) == (reach == top)][-1]
            others = ", ".join(_place(p) for p, _ in changes if p != last)
            err((*last, "value"), f"with the other changes of '{name}' ({others}) it can reach {reach:g} in a run "
                f"(drawn {drawn}), outside its allowed range [{lo:g}, {hi:g}]")


def field_path(path) -> str:
    """A field's path as errors name it: ``actors[0].params.flexibility`` (``(document)`` for the root)."""
    parts = []
    for p in path:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        else:
            parts.append(("." if parts else "") + str(p))
    return "".join(parts) or "(document)"


_place = field_path


def prerequisite_edges(sc: Scenario) -> dict[str, list[tuple[str, tuple]]]:
    """milestone -> [(milestone that must come first, path of the declaration)], from each milestone's
    ``requires`` and each hard precondition (what their conditions require: ``Condition.milestones``)."""
    known = {m.id for m, _ in sc.all_milestones}

    def needed(cond, path):
        return [(m, path) for m in cond.milestones() if m in known]

    edges: dict[str, list[tuple[str, tuple]]] = {}
    for m, path in sc.all_milestones:
        deps = edges.setdefault(m.id, [])
        if m.requires is not None:
            deps.extend(needed(m.requires, (*path, "requires")))
    for k, pre in enumerate(sc.preconditions):
        if pre.hard:
            edges.setdefault(pre.before, []).extend(needed(pre.requires, ("preconditions", k, "requires")))
    return edges


def find_cycle(sc: Scenario):
    """First cycle found by depth-first search: (path of the closing declaration, milestone ids)."""
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

    for node in list(edges):
        if node not in done:
            found = visit(node)
            if found:
                return found
    return None
