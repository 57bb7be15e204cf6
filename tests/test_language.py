"""The version-2 language: each construct does what docs/scenarios.md says, on constructed scenarios.

Actors here are made certain (willing, no resolve, a steep logistic), so what happens is decided by the
construct under test, not by chance; each test checks both engines through ``run``.
"""

import copy
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import layout as L
from simulator.compiled import Compiled
from simulator.lang.conditions import KINDS as CONDITION_KINDS
from simulator.lang.milestones import KINDS as MILESTONE_KINDS
from simulator.lang.questions import KINDS as QUESTION_KINDS
from simulator.runner import run_replications
from simulator.scenario.schema import Scenario
from simulator.scenario.semantics import check
from simulator.testing.scenarios import scenario_dicts

A = "Constructed for a test."
START = dt.date(2024, 1, 1)  # a Monday; weekly steps start on Mondays


def fixed(v):
    return {"value": v, "assumption": A}


def willing():
    return {"flexibility": fixed(1.0), "resolve": fixed(0.0), "pressure_sensitivity": fixed(0.0),
            "concession_rate": fixed(1.0), "initiative": fixed(1.0)}


def doc(**parts):
    base = {
        "schema_version": 2,
        "metadata": {"title": "T", "description": "T", "as_of": START},
        "sources": [{"id": "s", "title": "t", "publisher": "p", "date": START}],
        "actors": [{"id": "a", "name": "A", "role": "party", "params": willing()},
                   {"id": "b", "name": "B", "role": "party", "params": willing()}],
        "calendar": {"start": START, "end": START + dt.timedelta(weeks=20)},
        "dynamics": {"pressure_decay": fixed(0.5), "sharpness": fixed(60.0)},
        "questions": [{"id": "q", "text": "?", "when": {"before": "end"}}],
    }
    for key, value in parts.items():
        if key == "calendar":
            base["calendar"].update(value)
        else:
            base[key] = value
    return base


def run(d, runs=20, engine="auto"):
    sc = Scenario.model_validate(d)
    problems = check(sc, None, check_sources=False)
    assert problems == []
    c = Compiled(sc)
    table, events = run_replications(c, 1, list(range(runs)), engine=engine, events_for=runs)
    mesa, mesa_events = run_replications(c, 1, list(range(runs)), engine="mesa", events_for=runs)
    assert table.equals(mesa) and events == mesa_events  # one semantics
    return table.to_pylist(), events


def joint(mid, **kw):
    return {"id": mid, "kind": "joint", "name": mid.capitalize(), "attendees": ["a", "b"], "stakes": fixed(0.0),
            "assumption": A, **kw}


def test_a_dated_event_keeps_its_exact_date_and_by_means_on_or_before():
    wednesday = START + dt.timedelta(days=16)
    d = doc(milestones=[joint("deal", requires={"event": "talks"})],
            calendar={"events": [{"id": "talks", "name": "Talks", "date": wednesday,
                                  "proposes": {"milestone": "deal"}, "assumption": A}]},
            questions=[{"id": "by_day", "text": "?", "when": {"held": "deal"}, "by": wednesday},
                       {"id": "before_day", "text": "?", "when": {"held": "deal"}, "before": wednesday},
                       {"id": "when", "text": "?", "date_of": "deal"}])
    rows, events = run(d)
    for r in rows:
        assert r[L.first("deal")] == wednesday and r[L.question("when")] == wednesday
        assert r[L.question("by_day")] is True and r[L.question("before_day")] is False
    assert {e[3] for e in events if e[4] == "held"} == {wednesday}  # the log carries the exact date too


def test_history_counts_and_a_calendar_that_starts_before_as_of():
    d = doc(milestones=[{"id": "round", "kind": "meeting", "name": "Round", "attendees": ["a", "b"],
                         "stakes": fixed(2.0), "repeat": True, "assumption": A}],
            history={"through": START + dt.timedelta(days=3),
                     "milestones": [{"milestone": "round", "date": START - dt.timedelta(days=40), "count": 5,
                                     "assumption": A}],
                     "events": [{"event": "summit_2023", "name": "Earlier summit", "date": START - dt.timedelta(5),
                                 "assumption": A}]},
            questions=[{"id": "n", "text": "?", "count": "round"},
                       {"id": "sixth", "text": "?", "when": {"count": {"of": "round", "at_least": 5}}, "by": START},
                       {"id": "was", "text": "?", "when": {"event": "summit_2023"}, "by": START}])
    d["metadata"]["as_of"] = START + dt.timedelta(days=3)
    for actor in d["actors"]:
        actor["params"]["resolve"] = fixed(1.0)
    rows, _ = run(d)
    for r in rows:  # stakes 2 against willingness 1 on a steep logistic: no new round is ever accepted
        assert r[L.question("n")] == 5 and r[L.count("round")] == 5
        assert r[L.question("sixth")] is True and r[L.question("was")] is True
        assert r[L.first("round")] == START - dt.timedelta(days=40)


def test_a_held_act_breaks_down_when_its_condition_holds_and_stays_in_force_otherwise():
    d = doc(milestones=[joint("truce"),
                        {"id": "raid", "kind": "unilateral", "name": "Raid", "actor": "a", "stakes": fixed(0.0),
                         "requires": {"after": START + dt.timedelta(weeks=6)}, "assumption": A},
                        ],
            questions=[{"id": "week", "text": "?", "when": {"in_force": {"of": "truce", "for_days": 7}},
                        "by": START + dt.timedelta(weeks=3)},
                       {"id": "late", "text": "?", "when": {"in_force": "truce"},
                        "from": START + dt.timedelta(weeks=8)}])
    d["milestones"][0]["breakdown"] = {"when": {"held": "raid"}, "assumption": A}
    rows, events = run(d)
    for r in rows:
        assert r[L.first("truce")] == START
        assert r[L.broken("truce")] is not None and r[L.broken("truce")] >= r[L.first("raid")]
        assert r[L.question("week")] is True and r[L.question("late")] is False
    assert any(e[4] == "broke" for e in events)


def test_commitments_fall_due_and_are_scored_on_time_or_not():
    d = doc(milestones=[joint("deal", commits=[{"milestone": "embassy", "within_days": 30}]),
                        {"id": "embassy", "kind": "unilateral", "name": "Embassy", "actor": "b",
                         "stakes": fixed(0.0), "requires": {"held": "deal"}, "assumption": A},
                        {"id": "late_step", "kind": "unilateral", "name": "Late", "actor": "b",
                         "stakes": fixed(0.0), "requires": {"after": START + dt.timedelta(weeks=10)},
                         "assumption": A}])
    d["milestones"][0]["commits"].append({"milestone": "late_step", "within_days": 14})
    rows, _ = run(d)
    for r in rows:
        assert r[L.due("embassy")] == START + dt.timedelta(days=30) and r[L.on_time("embassy")] is True
        assert r[L.on_time("late_step")] is False


def test_an_occasion_brings_actors_together_on_its_date():
    summit = START + dt.timedelta(days=45)
    d = doc(milestones=[{"id": "leaders", "kind": "meeting", "name": "Leaders", "attendees": ["a", "b"],
                         "stakes": fixed(0.0), "requires": {"event": "summit"}, "assumption": A}],
            calendar={"occasions": [{"id": "summit", "name": "Summit", "date": summit, "actors": ["a", "b"],
                                     "milestones": ["leaders"], "assumption": A}]})
    rows, _ = run(d)
    assert {r[L.first("leaders")] for r in rows} == {summit}


def test_an_actor_who_enters_later_holds_up_what_needs_it_and_a_mediator_can_hold_a_condition():
    enters = START + dt.timedelta(weeks=5)
    d = doc(milestones=[{"id": "talks", "kind": "meeting", "name": "Talks", "attendees": ["a", "b"], "host": "h",
                         "stakes": fixed(0.0), "assumption": A},
                        {"id": "signing", "kind": "joint", "name": "Signing", "attendees": ["a", "b", "h"],
                         "stakes": fixed(0.0), "assumption": A}],
            preconditions=[{"id": "invite", "held_by": "m", "before": "talks", "kind": "hard",
                            "requires": {"present": "h"}, "assumption": A}])
    d["actors"] += [{"id": "h", "name": "Host", "role": "host", "params": willing(),
                     "enters": {"date": enters, "assumption": A}},
                    {"id": "m", "name": "Mediator", "role": "mediator"}]
    rows, _ = run(d)
    for r in rows:
        assert r[L.first("signing")] == enters and r[L.first("talks")] == enters
        assert r[L.entered("h")] == enters
        assert r[L.blocked("talks", "m", "precondition:invite")] == 5  # the mediator held it up for 5 weeks


def test_effects_fire_once_on_any_condition_and_questions_combine_conditions():
    d = doc(milestones=[joint("first"), joint("second", requires={"held": "first"}, stakes=fixed(1.0))],
            effects=[{"when": {"held": "first"}, "changes": [{"param": "a.resolve", "op": "set", "value": 2.0,
                                                             "assumption": A}], "assumption": A}],
            questions=[{"id": "order", "text": "?", "when": {"all": [{"held": "first"}, {"not": {"held": "second"}}]}},
                       {"id": "either", "text": "?", "when": {"any": [{"held": "second"}, {"held": "first"}]}}])
    rows, _ = run(d)
    for r in rows:  # after 'first', A is unwilling: 'second' never comes
        assert r[L.first("first")] == START and r[L.first("second")] is None
        assert r[L.question("order")] is True and r[L.question("either")] is True


def test_conditions_speak_the_scenarios_words():
    sc = Scenario.model_validate(doc(milestones=[joint("deal")]))
    c = Compiled(sc)
    cond = Scenario.model_validate(doc(milestones=[joint("deal")], questions=[
        {"id": "q", "text": "?", "when": {"all": [{"held": "deal"}, {"not": {"present": "b"}},
                                                   {"count": {"of": "deal", "at_least": 2}}]}}])).questions[0].when
    assert cond.label(c.words) == "Deal has happened and not (B is taking part) and Deal has happened at least 2 times"


def test_the_generator_behind_the_differential_test_uses_every_construct():
    """Over a few hundred generated scenarios, every kind of condition, milestone, question and calendar item
    appears: the differential property test (tests/test_batch_engine.py) then covers every construct. The
    scenarios are generated here, in one fixed sequence (coverage is not luck, nor test order)."""
    seen: set[str] = set()

    def walk(x):
        if isinstance(x, dict):
            for k, v in x.items():
                seen.add(k)
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    @settings(max_examples=300, deadline=None, derandomize=True, database=None)
    @given(st.data())
    def generate(data):
        d = data.draw(scenario_dicts(rules=("threshold", "time_dependent", "expected_utility")))
        walk(d)
        seen.update(m.get("kind", "meeting") for m in d["milestones"])
        if d["tracks"]:
            seen.add("meeting")
        seen.update(m["rule"] for m in d["mediation"])
        seen.update(f"role: {a['role']}" for a in d["actors"])

    generate()
    wanted = set(CONDITION_KINDS) | set(MILESTONE_KINDS) | set(QUESTION_KINDS) | {
        "repeat", "breakdown", "commits", "effects", "costs", "host", "history", "occasions", "shocks", "events",
        "elections", "enters", "leaves", "proposes", "freezes", "preconditions", "waiver", "deadline_pressure",
        "even_handed", "tracks", "concessions", "progress", "after_win", "from", "before", "by",
        "chance_within_due", "class", "role: outside"}
    assert len(seen) > len(wanted)
    assert wanted - seen == set()


def test_a_copy_of_a_document_is_not_changed_by_validation():
    d = doc(milestones=[joint("deal")])
    before = copy.deepcopy(d)
    Scenario.model_validate(d)
    assert d == before


def test_within_holds_for_the_given_days_after_the_last_time():
    d = doc(milestones=[joint("talks")],
            questions=[{"id": "fresh", "text": "?", "when": {"within": {"of": "talks", "days": 10}},
                        "from": START + dt.timedelta(days=9), "by": START + dt.timedelta(days=9)},
                       {"id": "stale", "text": "?", "when": {"within": {"of": "talks", "days": 10}},
                        "from": START + dt.timedelta(days=10)}])
    rows, _ = run(d)
    for r in rows:  # held once, on the first day
        assert r[L.question("fresh")] is True and r[L.question("stale")] is False


def test_a_milestone_is_a_date_in_before_and_after_and_windows_need_fixed_dates():
    d = doc(milestones=[joint("deal"), joint("follow_up", requires={"after": "deal"}, stakes=fixed(0.0))],
            questions=[{"id": "q", "text": "?", "when": {"before": "deal"}, "by": START}])
    rows, _ = run(d)
    for r in rows:  # 'after: deal' holds from the day of the deal; 'before: deal' is false on that day
        assert r[L.first("follow_up")] == r[L.first("deal")] + dt.timedelta(weeks=1)
        assert r[L.question("q")] is False
    bad = doc(milestones=[joint("deal")],
              calendar={"shocks": [{"id": "x", "name": "X", "hazard": fixed(0.1), "between": ["deal", "end"],
                                    "assumption": A}]})
    problems = check(Scenario.model_validate(bad), None, check_sources=False)
    assert problems == [(("calendar", "shocks", 0, "between", 0),
                         "'deal' has no fixed date: a window needs one (for a window that depends on what happens, "
                         "use when: {after: deal})")]


def test_a_repeatable_milestone_happens_again_once_a_week_at_most_and_counts_each_time():
    d = doc(milestones=[{"id": "round", "kind": "meeting", "name": "Round", "attendees": ["a", "b"],
                         "stakes": fixed(0.0), "repeat": True, "assumption": A}],
            questions=[{"id": "n", "text": "?", "count": "round", "by": START + dt.timedelta(weeks=4)},
                       {"id": "third", "text": "?", "when": {"count": {"of": "round", "at_least": 3}},
                        "by": START + dt.timedelta(weeks=1)}])
    rows, _ = run(d)
    for r in rows:  # certain actors: a round every week from the first (weeks 0 to 4 by the 29th of January)
        assert r[L.count("round")] == 21 and r[L.question("n")] == 5 and r[L.question("third")] is False
