"""Hypothesis strategies for valid scenarios and seeds.

``scenarios()`` draws scenarios that pass every check of ``diplosim validate``
(sources aside: generated scenarios carry assumptions, not quotes), with sizes
and features bounded by its arguments, so property tests can range over the
whole format: several tracks with cross-track prerequisites, concession
ladders, hard and soft preconditions on meetings, concessions and events,
mediators, an election with or without a run-off, scheduled talks and shocks.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from ..scenario.schema import Scenario

ASSUME = "Generated for a property test."
START = dt.date(2023, 1, 2)


def _fixed(value: float) -> dict:
    return {"value": value, "assumption": ASSUME}


@st.composite
def params(draw, low: float, high: float, uncertain: bool = True) -> dict:
    """A Param mapping: fixed, or uniform/triangular within [low, high]."""
    a = draw(st.floats(low, high, allow_nan=False))
    kinds = ["fixed", "uniform", "triangular"] if uncertain else ["fixed"]
    kind = draw(st.sampled_from(kinds))
    b = draw(st.floats(low, high, allow_nan=False))
    lo, hi = min(a, b), max(a, b)
    if kind == "fixed" or hi - lo < 1e-3:
        return _fixed(round(a, 4))
    if kind == "uniform":
        return {"dist": "uniform", "low": lo, "high": hi, "assumption": ASSUME}
    return {"dist": "triangular", "low": lo, "mode": (lo + hi) / 2, "high": hi, "assumption": ASSUME}


def seeds() -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=2**32 - 1)


@st.composite
def scenario_dicts(draw, *, max_parties: int = 3, max_mediators: int = 2, max_tracks: int = 2,
                   max_levels: int = 3, max_ladders: int = 2, max_preconditions: int = 3,
                   min_weeks: int = 4, max_weeks: int = 60, election: bool | None = None,
                   shocks: bool = True, scheduled: bool = True) -> dict:
    n_parties = draw(st.integers(2, max(2, max_parties)))
    parties = [f"p{i}" for i in range(n_parties)]
    mediators = [f"m{i}" for i in range(draw(st.integers(0, max_mediators)))]
    weeks = draw(st.integers(min_weeks, max_weeks))
    end = START + dt.timedelta(weeks=weeks)
    has_election = draw(st.booleans()) if election is None else election

    actors = []
    for p in parties:
        actors.append({
            "id": p, "name": p.upper(), "role": "party", "rule": "threshold",
            "params": {
                "flexibility": draw(params(0, 1)), "resolve": draw(params(0, 2)),
                "pressure_sensitivity": draw(params(0, 2)), "concession_rate": draw(params(0, 1)),
                "initiative": draw(params(0, 1)),
            },
        })
    for m in mediators:
        actors.append({"id": m, "name": m.upper(), "role": "mediator",
                       "leverage": {p: draw(params(0, 1)) for p in parties if draw(st.booleans())}})
    if has_election:
        actors.append({"id": "d0", "name": "Opposition", "role": "domestic"})

    tracks, all_levels = [], []
    for t in range(draw(st.integers(1, max_tracks))):
        levels = []
        for j in range(draw(st.integers(1, max_levels))):
            lid = f"t{t}l{j}"
            attendees = draw(st.lists(st.sampled_from(parties), min_size=1, max_size=n_parties, unique=True))
            earlier = [lv for lv in all_levels if not lv.startswith(f"t{t}")]
            requires = draw(st.lists(st.sampled_from(earlier), max_size=1, unique=True)) if earlier else []
            levels.append({"id": lid, "name": f"Level {lid}", "attendees": attendees, "requires": requires,
                           "stakes": draw(params(0, 2)), "assumption": ASSUME})
        all_levels += [lv["id"] for lv in levels]
        tracks.append({"id": f"t{t}", "name": f"Track {t}", "levels": levels})
    level_attendees = {lv["id"]: lv["attendees"] for tr in tracks for lv in tr["levels"]}

    ladders = []
    for c in range(draw(st.integers(0, max_ladders))):
        n_stages = draw(st.integers(2, 4))
        stages = [{"id": "s0", "name": "start"}] + [
            {"id": f"s{k}", "name": f"stage {k}", "cost": draw(params(0, 2))} for k in range(1, n_stages)]
        ladders.append({"id": f"c{c}", "actor": draw(st.sampled_from(parties)), "name": f"Ladder {c}",
                        "stages": stages, "assumption": ASSUME})

    cal_scheduled = []
    if scheduled:
        for k in range(draw(st.integers(0, 2))):
            day = START + dt.timedelta(days=draw(st.integers(0, weeks * 7)))
            ev = {"id": f"e{k}", "name": f"Event {k}", "date": day, "assumption": ASSUME}
            if draw(st.booleans()):
                ev["track"] = draw(st.sampled_from([tr["id"] for tr in tracks]))
            cal_scheduled.append(ev)
    cal_shocks = []
    if shocks:
        for k in range(draw(st.integers(0, 2))):
            cal_shocks.append({
                "id": f"x{k}", "name": f"Shock {k}", "hazard": draw(params(0, 0.3)), "once": draw(st.booleans()),
                "effect": {"freeze_tracks": draw(st.lists(st.sampled_from([tr["id"] for tr in tracks]),
                                                          max_size=2, unique=True)),
                           "weeks": draw(st.integers(0, 6))},
                "assumption": ASSUME,
            })
    events = [e["id"] for e in cal_scheduled] + [s["id"] for s in cal_shocks] + (["election"] if has_election else [])

    preconditions = []
    for k in range(draw(st.integers(0, max_preconditions))):
        before = draw(st.sampled_from(all_levels))
        options = []
        if ladders:
            options.append("concession")
        earlier = [lv for lv in all_levels if lv[:2] < before[:2]]  # levels of earlier tracks: stays acyclic
        if earlier:
            options.append("meeting")
        if events:
            options.append("event")
        if not options:
            continue
        kind = draw(st.sampled_from(options))
        if kind == "concession":
            lad = draw(st.sampled_from(ladders))
            requires = {"concession": lad["id"], "stage": draw(st.sampled_from([s["id"] for s in lad["stages"]]))}
        elif kind == "meeting":
            requires = {"meeting": draw(st.sampled_from(earlier))}
        else:
            requires = {"event": draw(st.sampled_from(events))}
        pre = {"id": f"pc{k}", "demanded_by": draw(st.sampled_from(level_attendees[before])), "before": before,
               "requires": requires, "kind": draw(st.sampled_from(["hard", "soft"])), "assumption": ASSUME}
        if pre["kind"] == "soft":
            pre["waiver"] = {"threshold": draw(params(0, 2)), "assumption": ASSUME}
        preconditions.append(pre)

    deadline_options = ["start", "end"] + (["election.round1"] if has_election else [])
    mediation = []
    for m in mediators:
        pushes = [{"level": lv} for lv in draw(st.lists(st.sampled_from(all_levels), min_size=1, max_size=2,
                                                        unique=True))]
        if len(pushes) > 1 and draw(st.booleans()):
            pushes[1]["after"] = pushes[0]["level"]
        mediation.append({
            "mediator": m, "pushes": pushes, "assumption": ASSUME,
            "urgency": {"base": draw(params(0, 1)), "peak": draw(params(0, 1)), "ramp_weeks": draw(params(1, 30)),
                        "after_deadline": draw(params(0, 1)), "deadline": draw(st.sampled_from(deadline_options))},
        })

    calendar = {"start": START, "end": end, "scheduled": cal_scheduled, "shocks": cal_shocks}
    if has_election:
        round1 = START + dt.timedelta(days=draw(st.integers(0, weeks * 7 - 1)))
        election = {"name": "Election", "incumbent": parties[0], "challenger": "d0", "round1": round1,
                    "p_runoff": draw(params(0, 1)), "base_win": draw(params(0, 1)),
                    "progress_effect": draw(params(-0.2, 0.2)), "assumption": ASSUME}
        gap = draw(st.integers(1, 21))
        if round1 + dt.timedelta(days=gap) <= end and draw(st.booleans()):
            election["runoff"] = round1 + dt.timedelta(days=gap)
        if draw(st.booleans()):
            election["after_win"] = [{"param": f"{parties[0]}.flexibility", "op": "add", "value": 0.1,
                                      "assumption": ASSUME}]
        calendar["election"] = election

    questions = [{"id": f"q_{lv}", "text": f"Is {lv} held?", "meeting": lv, "before": "end"} for lv in all_levels]
    questions.append({"id": "q_date", "text": "When is the first rung held?", "meeting": all_levels[0]})
    if ladders:
        questions.append({"id": "q_concession", "text": "Concession?", "concession": ladders[0]["id"],
                          "stage": ladders[0]["stages"][-1]["id"], "before": "end"})
    if has_election:
        questions.append({"id": "q_incumbent", "text": "Incumbent wins?", "election": "incumbent_wins"})

    return {
        "schema_version": 1,
        "metadata": {"title": "Generated", "description": "Generated by hypothesis", "as_of": START},
        "sources": [{"id": "gen", "title": "none", "publisher": "none", "date": START, "file": "none.txt"}],
        "actors": actors, "tracks": tracks, "concessions": ladders, "preconditions": preconditions,
        "mediation": mediation, "calendar": calendar,
        "dynamics": {"pressure_decay": draw(params(0, 1)), "sharpness": draw(params(1, 12))},
        "questions": questions,
    }


def scenarios(**bounds) -> st.SearchStrategy[Scenario]:
    """Valid ``Scenario`` objects; keyword arguments bound sizes and features (see ``scenario_dicts``)."""
    return scenario_dicts(**bounds).map(Scenario.model_validate)
