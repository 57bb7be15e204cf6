"""Hypothesis strategies for valid scenarios and seeds.

``scenarios()`` draws version-2 scenarios that pass every check of
``diplosim validate``, with sizes bounded by its arguments, so property tests
range over every construct of the language: meetings on tracks, concession
ladders, joint acts and unilateral steps with per-actor costs, repeats,
breakdowns, commitments and effects; every kind of condition, nested;
preconditions held by parties and hosts, hard and soft; mediators of both
built-in rules; history; zero to two elections; dated events that propose,
shocks with windows and conditions, dated and random occasions; an actor who
enters and leaves (each hazard sometimes a chance that changes with time); triggered effects; yes/no, date and count questions; per-actor paces on
meetings, joint acts, unilateral steps and ladder stages (``pace``, every estimable form); meetings
and joint acts put on the table only by mediators or only at occasions (``proposed_by``); worlds: milestones,
tracks and preconditions live in a share of runs, per-run spreads, mediators with several items a step, effects
that fade.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from ..lang.base import HardOrSoft, Param
from ..lang.estimable import ChanceWithin, MedianDelay
from ..lang.milestones import KINDS as MILESTONE_KINDS
from ..rules import BUILTIN, get_rule
from ..rules.base import MediatorRule
from ..scenario.schema import Scenario

ASSUME = "Generated for a property test."
START = dt.date(2023, 1, 2)


def _fixed(value: float) -> dict:
    return {"value": value, "assumption": ASSUME}


@st.composite
def params(draw, low: float, high: float, uncertain: bool = True) -> dict:
    """A Param mapping: fixed, or uniform/triangular within [low, high] (``Param.example``)."""
    return Param.example(draw, low, high, ASSUME, uncertain)


def _plain_weekly_chance(draw, assumption: str) -> dict:
    return Param.example(draw, 0, 1, assumption)


#: The forms an analyst may state a weekly chance in (``lang/estimable.py``), each drawing its own example.
WEEKLY_CHANCE_FORMS = (ChanceWithin.example, ChanceWithin.ranged_example, MedianDelay.example, _plain_weekly_chance)


@st.composite
def weekly_chances(draw) -> dict:
    """A weekly chance in any form an analyst may state it (``lang/estimable.py``): chance within a window (with
    or without a range), median delay, or a plain value."""
    return draw(st.sampled_from(WEEKLY_CHANCE_FORMS))(draw, ASSUME)


@st.composite
def pace_values(draw) -> dict:
    """A pace number: a weekly chance (``weekly_chances``), or now and then a chance that changes with time, each
    shape drawing its own example (``lang/timeshape.py``)."""
    from ..lang.timeshape import AUTHORED

    if draw(st.integers(0, 3)):
        return draw(weekly_chances())
    return draw(st.sampled_from(AUTHORED)).example(draw, st, START)


@st.composite
def hazards(draw, low: float, high: float, end: dt.date) -> dict:
    """A hazard of the calendar or of an actor's entry (``lang.timeshape.Chance``): a weekly chance within [low,
    high], or now and then a chance that changes with time (each shape draws its own example; counted ``since`` a
    date by the calendar's ``end``)."""
    from ..lang.timeshape import AUTHORED

    if draw(st.integers(0, 3)):
        return draw(params(low, high))
    out = draw(st.sampled_from(AUTHORED)).example(draw, st, START)
    if out.get("since") is not None and out["since"] > end:
        out["since"] = end
    return out


@st.composite
def paces(draw, who: list[str], keys: tuple[str, ...]) -> dict | None:
    """A milestone's ``pace`` (lang/pace.py) for some of the actors it needs, or None."""
    if not draw(st.booleans()):
        return None
    out = {}
    for a in draw(st.lists(st.sampled_from(who), min_size=1, max_size=len(who), unique=True)):
        chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=len(keys), unique=True))
        out[a] = {k: draw(pace_values()) for k in chosen}
    return out


def seeds() -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=2**32 - 1)


@st.composite
def conditions(draw, milestones: list[str], events: list[str], elections: dict, actors: list[str],
               ladders: dict, depth: int = 2) -> dict:
    """A condition over the given ids: any registered kind (each kind draws its own examples), nested up to
    ``depth``."""
    from ..lang.conditions import KINDS, Pool

    day = lambda: START + dt.timedelta(days=draw(st.integers(0, 400)))  # noqa: E731
    pool = Pool(milestones, events, elections, actors, ladders, day, depth > 0)
    sub = lambda: draw(conditions(milestones, events, elections, actors, ladders, depth - 1))  # noqa: E731
    while True:
        cls = KINDS[draw(st.sampled_from(sorted(KINDS)))]
        example = cls.example(draw, pool, sub)
        if example is not None:
            return example


@st.composite
def scenario_dicts(draw, *, max_parties: int = 3, max_mediators: int = 2, max_tracks: int = 2,
                   max_levels: int = 3, max_ladders: int = 2, max_preconditions: int = 3,
                   min_weeks: int = 4, max_weeks: int = 60, election: bool | None = None,
                   shocks: bool = True, scheduled: bool = True, rules: tuple[str, ...] = ("threshold",),
                   step_days: tuple[int, ...] = (7, 1, 14)) -> dict:
    """A version-2 scenario document that uses every construct of the language, sized by the bounds; its step
    is drawn from ``step_days`` (weekly first, so shrinking ends at weekly steps)."""
    n_parties = draw(st.integers(2, max(2, max_parties)))
    parties = [f"p{i}" for i in range(n_parties)]
    mediators = [f"m{i}" for i in range(draw(st.integers(0, max_mediators)))]
    step = draw(st.sampled_from(step_days))
    weeks = draw(st.integers(min_weeks, max_weeks if step >= 7 else max(min_weeks, max_weeks // 4)))  # steps, not weeks, cost
    end = START + dt.timedelta(weeks=weeks)
    has_election = draw(st.booleans()) if election is None else election
    has_host = draw(st.booleans())

    def party_params(rule):
        # each within the range its rule's ParamSpec gives for tests; some left out: the rule's defaults fill them in
        return {n: draw(params(*spec.drawn)) for n, spec in get_rule(rule).params.items()
                if draw(st.integers(0, 4)) > 0}

    actors = []
    for p in parties:
        rule = draw(st.sampled_from(list(rules)))
        actors.append({"id": p, "name": p.upper(), "role": "party", "rule": rule, "params": party_params(rule)})
    for m in mediators:
        actors.append({"id": m, "name": m.upper(), "role": "mediator",
                       "leverage": {p: draw(params(0, 1)) for p in parties + (["h0"] if has_host else [])
                                    if draw(st.booleans())}})
    if has_host:
        host = {"id": "h0", "name": "Host", "role": "host", "rule": "threshold"}  # its rule's defaults
        if draw(st.booleans()):  # the host arrives later: on a date, or with a weekly hazard
            if draw(st.booleans()):
                host["enters"] = {"date": START + dt.timedelta(days=draw(st.integers(0, weeks * 7))),
                                  "assumption": ASSUME}
            else:
                host["enters"] = {"hazard": draw(hazards(0, 0.5, end)), "assumption": ASSUME}
        actors.append(host)
    if has_election:
        actors.append({"id": "d0", "name": "Opposition", "role": "domestic"})
    everyone = parties + (["h0"] if has_host else [])
    # an actor outside the talks (role: outside, lang issue 22 item 11): it sits at no table, takes a unilateral
    # step of its own and may hold a precondition
    outside = ["g0"] if draw(st.integers(0, 3)) == 0 else []  # an id of its own (x0, x1 are shocks)
    for x in outside:
        rule = draw(st.sampled_from(list(rules)))
        actors.append({"id": x, "name": "Armed group", "role": "outside", "rule": rule, "params": party_params(rule)})

    # ---- events first (conditions may name them)
    cal_events, cal_shocks, cal_occasions = [], [], []
    if scheduled:
        for k in range(draw(st.integers(0, 2))):
            day = START + dt.timedelta(days=draw(st.integers(0, weeks * 7)))
            cal_events.append({"id": f"e{k}", "name": f"Event {k}", "date": day, "assumption": ASSUME})
    if shocks:
        for k in range(draw(st.integers(0, 2))):
            cal_shocks.append({"id": f"x{k}", "name": f"Shock {k}", "hazard": draw(hazards(0, 0.3, end)),
                               "once": draw(st.booleans()), "weeks": draw(st.integers(0, 6)), "assumption": ASSUME})
    for k in range(draw(st.integers(0, 2))):
        occ = {"id": f"o{k}", "name": f"Summit {k}", "actors": everyone, "assumption": ASSUME}
        if draw(st.booleans()):
            occ["date"] = START + dt.timedelta(days=draw(st.integers(0, weeks * 7)))
        else:
            occ["hazard"] = draw(hazards(0, 0.3, end))
        cal_occasions.append(occ)
    events = [e["id"] for e in cal_events + cal_shocks + cal_occasions]
    elections = {}
    if has_election:
        elections["v0"] = [parties[0], "d0"]
        if draw(st.booleans()):
            elections["v1"] = [parties[1], "d0"]
    ladders_ids: dict[str, list[str]] = {}

    # ---- milestones: tracks (meetings), concession ladders, joint acts and unilateral steps
    tracks, all_levels, milestones, seen = [], [], [], []
    def cond(pool, depth=1):  # a stage condition only on ladders whose stages are all in the pool: no cycles
        lads = {lad: stages for lad, stages in ladders_ids.items()
                if all(f"{lad}.{x}" in pool for x in stages[1:])}
        return draw(conditions(pool, events, elections, everyone, lads, depth))
    for t in range(draw(st.integers(1, max_tracks))):
        levels = []
        for j in range(draw(st.integers(1, max_levels))):
            lid = f"t{t}l{j}"
            attendees = parties if (t, j) == (0, 0) else \
                draw(st.lists(st.sampled_from(parties), min_size=1, max_size=n_parties, unique=True))
            lv = {"id": lid, "name": f"Level {lid}", "attendees": attendees, "stakes": draw(params(0, 2)),
                  "assumption": ASSUME}
            earlier = [m for m in seen if not m.startswith(f"t{t}")]
            if earlier and draw(st.booleans()):
                lv["requires"] = cond(earlier)
            if draw(st.integers(0, 3)) == 0:
                lv["repeat"] = True
            if draw(st.booleans()):
                lv["costs"] = {attendees[0]: draw(params(0, 2))}
            if has_host and draw(st.booleans()):
                lv["host"] = "h0"
            pace = draw(paces(attendees, ("propose", "accept")))
            if pace is not None:
                lv["pace"] = pace
            levels.append(lv)
            seen.append(lid)
        all_levels += [lv["id"] for lv in levels]
        tracks.append({"id": f"t{t}", "name": f"Track {t}", "levels": levels})
    ladders = []
    for c in range(draw(st.integers(0, max_ladders))):
        n_stages = draw(st.integers(2, 4))
        stages = [{"id": "s0", "name": "start"}] + [
            {"id": f"s{k}", "name": f"stage {k}", "cost": draw(params(0, 2))} for k in range(1, n_stages)]
        who = draw(st.sampled_from(parties))
        for stage in stages[1:]:
            pace = draw(paces([who], ("act",)))
            if pace is not None:
                stage["pace"] = pace
        ladders.append({"id": f"c{c}", "actor": who, "name": f"Ladder {c}",
                        "stages": stages, "assumption": ASSUME})
        ladders_ids[f"c{c}"] = [s["id"] for s in stages]
        seen += [f"c{c}.s{k}" for k in range(1, n_stages)]
    results = []  # the one-shot results of the steps drawn so far (lang/outcomes.py)
    for k in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from([k for k in MILESTONE_KINDS if k != "meeting"]))  # meetings: on tracks
        mid = f"a{k}"
        m = {"id": mid, "kind": kind, "name": f"Act {k}", "stakes": draw(params(0, 2)), "assumption": ASSUME}
        who = MILESTONE_KINDS[kind].example(draw, everyone)  # the kind's own fields: who takes part
        m.update(who)
        pace = draw(paces(MILESTONE_KINDS[kind].model_construct(**who).consenters(),
                          ("propose", "accept") if MILESTONE_KINDS[kind].proposable else ("act",)))
        if pace is not None:
            m["pace"] = pace
        if draw(st.integers(0, 3)) == 0:  # classed: without a pace, its class curve is its pace (maybe adjusted)
            from ..lang.spell_classes import CLASSES

            m["class"] = draw(st.sampled_from(sorted(CLASSES)))
            if pace is None and draw(st.booleans()):
                m["adjust"] = {"odds": round(draw(st.floats(0.2, 5.0)), 2), "reason": ASSUME}
                if draw(st.booleans()):
                    m["adjust"]["shift_days"] = draw(st.integers(-60, 90))
        if seen and draw(st.booleans()):
            m["requires"] = cond(list(seen))
        elif results and draw(st.booleans()):  # waits for an earlier step's one-shot result
            m["requires"] = {"event": draw(st.sampled_from(results))}
        if draw(st.integers(0, 3)) == 0:  # a one-shot result: a success with a chance, else a failure
            from ..lang.outcomes import Outcome

            m["outcome"] = Outcome.example(draw)
            results += Outcome.event_ids(mid)
        if seen and draw(st.integers(0, 3)) == 0:  # when it happens it freezes earlier steps (lang/stalls.py)
            from ..lang.stalls import Freezes

            m["freezes"] = Freezes.example(draw, seen, draw(params(0, 60)))
        if draw(st.integers(0, 3)) == 0:  # a coercive act that pressure restrains or provokes (lang/stalls.py)
            m["pressure_odds"] = draw(params(-3, 3))
        if draw(st.booleans()):
            brk = {"assumption": ASSUME}
            if draw(st.booleans()):
                brk["hazard"] = draw(params(0, 0.3)) if draw(st.integers(0, 3)) else draw(pace_values())
            if "hazard" not in brk or draw(st.booleans()):
                brk["when"] = cond(list(seen) + [mid], 0)
            m["breakdown"] = brk
        if draw(st.integers(0, 3)) == 0:
            m["repeat"] = True
        if seen and draw(st.booleans()):
            m["commits"] = [{"milestone": draw(st.sampled_from(seen)), "within_days": draw(st.integers(1, 90))}]
            if draw(st.booleans()):  # it binds: odds until due, changes on a breach (lang/commitments.py)
                m["commits"][0]["odds"] = {"odds_multiplier": draw(st.sampled_from([0.5, 3.0])), "assumption": ASSUME}
                m["commits"][0]["on_breach"] = [{"param": "dynamics.pressure_decay", "op": "set", "value": 0.2,
                                                 "assumption": ASSUME}]
                if draw(st.booleans()):  # or as a chance within its due window, stated or from a class curve
                    del m["commits"][0]["odds"]
                    m["commits"][0]["chance_within_due"] = draw(st.one_of(
                        params(0, 1), st.just({"class": draw(st.sampled_from(["implementation_step", "exchange"]))})))
        if draw(st.booleans()):
            m["effects"] = [{"param": "dynamics.pressure_decay", "op": "set", "value": 0.3, "assumption": ASSUME}]
        milestones.append(m)
        seen.append(mid)

    for x in outside:  # the outsider's own step, maybe waiting for steps of the talks
        own = {"id": f"{x}_step", "kind": "unilateral", "name": "Ceasefire declared", "actor": x,
                "stakes": draw(params(0, 2)), "assumption": ASSUME}
        pace = draw(paces([x], ("act",)))
        if pace is not None:
            own["pace"] = pace
        if seen and draw(st.booleans()):
            own["requires"] = cond(list(seen))
        milestones.append(own)
        seen.append(own["id"])

    for sh in cal_shocks:
        sh["freezes"] = draw(st.lists(st.sampled_from([tr["id"] for tr in tracks] + seen), max_size=2, unique=True))
        if sh["freezes"] and draw(st.integers(0, 2)) == 0:  # a freeze of a number of days, maybe drawn (lang/stalls.py)
            sh["weeks"] = 0
            sh["freeze_days"] = draw(params(0, 60))
        if draw(st.booleans()):
            a, b = sorted(draw(st.lists(st.integers(0, weeks * 7), min_size=2, max_size=2)))
            sh["between"] = [START + dt.timedelta(days=a), START + dt.timedelta(days=b)]
        if draw(st.booleans()):
            sh["when"] = cond(seen, 0)
    for occ in cal_occasions:
        occ["milestones"] = draw(st.lists(st.sampled_from(seen), max_size=2, unique=True))
    for ev in cal_events:
        if draw(st.booleans()):
            target = draw(st.sampled_from(seen))
            ev["proposes"] = {draw(st.sampled_from(["milestone", "toward"])): target}
    if has_host and draw(st.booleans()):
        next(a for a in actors if a["id"] == "h0")["leaves"] = {"when": cond(seen, 0), "assumption": ASSUME}

    preconditions = []
    for k in range(draw(st.integers(0, max_preconditions))):
        before = draw(st.sampled_from(seen))
        earlier = seen[:seen.index(before)]
        pre = {"id": f"pc{k}", "held_by": draw(st.sampled_from(everyone + outside)), "before": before,
               "requires": cond(earlier), **HardOrSoft.example(draw, lambda lo, hi: draw(params(lo, hi)), ASSUME),
               "assumption": ASSUME}
        preconditions.append(pre)

    deadline_options = ["start", "end"] + [f"election.{e}.round1" for e in elections]
    mediation = []
    for m in mediators:
        pushes = [{"milestone": lv} for lv in draw(st.lists(st.sampled_from(seen), min_size=1, max_size=3,
                                                            unique=True))]
        if len(pushes) > 1 and draw(st.booleans()):
            pushes[1]["when"] = {"held": pushes[0]["milestone"]}
        rule = draw(st.sampled_from([n for n, r in BUILTIN.items() if issubclass(r, MediatorRule)]))
        entry = {"mediator": m, "rule": rule, "pushes": pushes, "assumption": ASSUME,
                 "params": {n: draw(params(*spec.drawn)) for n, spec in BUILTIN[rule].params.items()}}
        if BUILTIN[rule].needs_deadline or draw(st.booleans()):
            entry["deadline"] = draw(st.sampled_from(deadline_options))
        mediation.append(entry)

    # ---- who may put a meeting or joint act on the table: only its mediators (a push's goal, listed by no occasion
    # or dated event), or only at occasions (one that lists it), on some of them
    listed = {m for o in cal_occasions for m in o["milestones"]}
    listed |= {ev["proposes"]["milestone"] for ev in cal_events if "milestone" in ev.get("proposes", {})}
    goals = {p["milestone"] for med in mediation for p in med["pushes"]}
    proposable = {lv["id"]: lv for tr in tracks for lv in tr["levels"]}
    proposable.update({m["id"]: m for m in milestones if MILESTONE_KINDS[m["kind"]].proposable})
    for mid, m in proposable.items():
        options = (["mediators"] if mid in goals and mid not in listed else []) + (["occasions"] if mid in listed
                                                                                   else [])
        if options and draw(st.booleans()):
            m["proposed_by"] = draw(st.sampled_from(options))

    calendar = {"start": START, "end": end, "events": cal_events, "shocks": cal_shocks, "occasions": cal_occasions,
                "step_days": step}
    cal_elections = []
    for e, (inc, chal) in elections.items():
        round1 = START + dt.timedelta(days=draw(st.integers(0, weeks * 7 - 1)))
        el = {"id": e, "name": f"Election {e}", "incumbent": inc, "challenger": chal, "round1": round1,
              "p_runoff": draw(params(0, 1)), "base_win": draw(params(0, 1)),
              "progress_effect": draw(params(-0.2, 0.2)), "assumption": ASSUME}
        gap = draw(st.integers(1, 21))
        if round1 + dt.timedelta(days=gap) <= end and draw(st.booleans()):
            el["runoff"] = round1 + dt.timedelta(days=gap)
        if draw(st.booleans()):
            el["progress"] = draw(st.lists(st.sampled_from(seen), min_size=1, max_size=2, unique=True))
        if draw(st.booleans()):  # an election that moves only some actors' rules
            el["concerns"] = draw(st.lists(st.sampled_from([a["id"] for a in actors]), min_size=1, max_size=2,
                                           unique=True))
        others = [a["id"] for a in actors if a["id"] not in (inc, chal)]
        if others and draw(st.booleans()):  # blocs: other members win or lose with their leader
            el["blocs"] = {"incumbent": draw(st.lists(st.sampled_from(others), max_size=1, unique=True))}
        if "runoff" not in el and draw(st.booleans()):  # parliamentary: power passes when a government is formed
            el["formation_days"] = draw(params(0, 90))
        flex = next(a for a in actors if a["id"] == inc)["params"].get("flexibility")
        if draw(st.booleans()) and "flexibility" in actors[0]["params"] and flex is not None:
            top = flex.get("high", flex.get("value"))  # a change keeps every drawn value within [0, 1]
            el["after_win"] = [{"param": f"{inc}.flexibility", "op": "add", "value": min(0.1, 1.0 - top),
                                "assumption": ASSUME}]
        cal_elections.append(el)
    calendar["elections"] = cal_elections
    holders = [a["id"] for a in actors if "enters" not in a]
    if holders and draw(st.booleans()):  # a term that ends in a vacancy of uncertain length
        calendar["terms"] = [{"id": "term0", "name": "Term 0", "holder": draw(st.sampled_from(holders)),
                              "ends": START + dt.timedelta(days=draw(st.integers(0, weeks * 7 - 1))),
                              "vacancy_days": draw(params(0, 120)), "assumption": ASSUME}]

    history = None
    if draw(st.booleans()):
        history = {"through": START, "milestones": [], "events": []}
        for m in draw(st.lists(st.sampled_from(seen), max_size=2, unique=True)):
            history["milestones"].append({"milestone": m, "date": START - dt.timedelta(days=draw(st.integers(1, 60))),
                                          "count": draw(st.integers(1, 3)), "assumption": ASSUME})
        if events and draw(st.booleans()):
            history["events"].append({"event": draw(st.sampled_from(events)),
                                      "date": START - dt.timedelta(days=3), "assumption": ASSUME})

    worlds(draw, milestones, tracks, preconditions, mediation, history, ladders, actors)

    effects = []
    for k in range(draw(st.integers(0, 2))):
        effects.append({"id": f"fx{k}", "when": cond(seen),
                        "changes": [{"param": "dynamics.sharpness", "op": "add", "value": 1.0, "assumption": ASSUME}],
                        "assumption": ASSUME})

    questions = [{"id": f"q_{m.replace('.', '_')}", "text": f"Does {m} happen?", "when": {"held": m}}
                 for m in seen]
    for k in range(draw(st.integers(1, 3))):
        q = {"id": f"q_cond{k}", "text": "A combination?", "when": cond(seen, 2)}
        day = START + dt.timedelta(days=draw(st.integers(0, weeks * 7)))
        window = draw(st.sampled_from(["by", "before", "from", "none"]))
        if window != "none":
            q[window] = day
        questions.append(q)
    questions.append({"id": "q_date", "text": "When is the first milestone?", "date_of": seen[0]})
    questions.append({"id": "q_count", "text": "How many times?", "count": draw(st.sampled_from(seen))})
    if len(set(seen)) >= 2:  # the date by which all of several have happened
        questions.append({"id": "q_date_all", "text": "When have all of several happened?",
                          "date_all": list(dict.fromkeys(seen))[-3:]})
    if len(set(seen)) >= 2:  # questions over several milestones: the first of them, their times added up
        several = {"any": list(dict.fromkeys(seen))[:3]}
        questions.append({"id": "q_date_any", "text": "When is the first of several?", "date_of": several})
        questions.append({"id": "q_count_any", "text": "How many times in all?", "count": several})
    for e in elections:
        questions.append({"id": f"q_win_{e}", "text": "Incumbent wins?",
                          "when": {"winner": {"election": e, "is": elections[e][0]}}})

    doc = {
        "schema_version": draw(st.sampled_from([3, 2])),  # each version's defaults (pressure on steps / on actors)
        "metadata": {"title": "Generated", "description": "Generated by hypothesis", "as_of": START},
        "sources": [{"id": "gen", "title": "none", "publisher": "none", "date": START}],
        "actors": actors, "milestones": milestones, "tracks": tracks, "concessions": ladders,
        "preconditions": preconditions, "mediation": mediation, "calendar": calendar, "effects": effects,
        "dynamics": {"pressure_decay": draw(params(0, 1)), "sharpness": draw(params(1, 12))},
        "questions": questions,
    }
    if history is not None:
        doc["history"] = history
    return doc


def worlds(draw, milestones, tracks, preconditions, mediation, history, ladders=(), actors=()) -> None:
    """Worlds (lang/worlds.py) on some items: ``live`` shares on milestones, tracks and preconditions (not on a
    milestone the history has), a per-run ``spread`` on milestones and on parties (all of a party's decisions),
    several items a step for a mediator."""
    done = {h["milestone"] for h in history["milestones"]} if history is not None else set()
    share = st.sampled_from([0.0, 0.3, 0.7, 1.0])
    for a in actors:
        if a["role"] == "party" and draw(st.integers(0, 3)) == 0:  # every party attends the first level: decides
            a["spread"] = {"odds_sd": draw(st.sampled_from([0.0, 0.5, 2.0])), "assumption": ASSUME}
    for m in milestones:
        if m["id"] not in done and draw(st.integers(0, 3)) == 0:
            m["live"] = {"share": draw(share), "assumption": ASSUME}
        if draw(st.integers(0, 3)) == 0:
            m["spread"] = {"odds_sd": draw(st.sampled_from([0.0, 0.5, 2.0])), "assumption": ASSUME}
        for ch in m.get("effects", []):
            if draw(st.integers(0, 2)) == 0:  # its value as a number in any form, a parameter (lang/effects.py)
                from ..lang.effects import example_value

                ch["value"] = example_value(draw, ch["value"])
            if draw(st.booleans()):
                ch["fades"] = {"half_life_days": draw(st.sampled_from([3.0, 30.0]))}  # lang/fades.py
    for tr in tracks:
        if not done & {lv["id"] for lv in tr["levels"]} and draw(st.integers(0, 3)) == 0:
            tr["live"] = {"share": draw(share), "assumption": ASSUME}
    for lad in ladders:
        if not done & {f"{lad['id']}.{s['id']}" for s in lad["stages"]} and draw(st.integers(0, 3)) == 0:
            lad["live"] = {"share": draw(share), "assumption": ASSUME}
    for pre in preconditions:
        if draw(st.integers(0, 3)) == 0:
            pre["live"] = {"share": draw(share), "assumption": ASSUME}
    for med in mediation:
        if draw(st.integers(0, 3)) == 0:
            med["per_step"] = draw(st.integers(1, 3))


def scenarios(**bounds) -> st.SearchStrategy[Scenario]:
    """Valid ``Scenario`` objects; keyword arguments bound sizes and features (see ``scenario_dicts``)."""
    return scenario_dicts(**bounds).map(Scenario.model_validate)
