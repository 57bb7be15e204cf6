"""Elections as they are (issue 22 item 10): an election's influence on the actors it concerns only
(`concerns`), and a parliamentary election whose winner takes power after a government-formation delay with its
own distribution (`formation_days`), the incumbent staying on as caretaker until then.

Closed forms on both engines, engine equality of records and event logs, words, and one-line errors.
"""

import datetime as dt

import numpy as np
import pytest

from simulator import layout as L
from simulator.compiled import Compiled
from simulator.lang.words import election_sentence
from simulator.runner import run_replications
from simulator.scenario.schema import Scenario
from simulator.scenario.semantics import check
from tests.test_pace import A, START, doc, fixed, mc_bound
from tests.test_params_words import one_problem

NEVER_DAYS = 10 ** 9


def hazard_party(pid, hazard=0.05, odds=20.0, weeks=104.0):
    return {"id": pid, "name": pid.upper(), "role": "party", "rule": "hazard",
            "params": {"hazard": fixed(hazard), "acceptance": fixed(0.0), "pressure_odds": fixed(1.0),
                       "stakes_odds": fixed(1.0), "election_odds": fixed(odds), "election_weeks": fixed(weeks)}}


def act(mid, actor):
    return {"id": mid, "kind": "unilateral", "name": mid.title(), "actor": actor, "stakes": fixed(0.0),
            "assumption": A}


QUESTIONS = [{"id": "when_one", "text": "When does A act?", "date_of": "one"},
             {"id": "when_two", "text": "When does B act?", "date_of": "two"}]


def election(**kw):
    return {"id": "vote", "name": "General election", "incumbent": "a", "challenger": "b",
            "round1": START + dt.timedelta(days=kw.pop("day", 200)), "base_win": fixed(kw.pop("base_win", 0.5)),
            "progress_effect": fixed(0.0), "assumption": A, **kw}


def scenario(el, hazards=(0.05, 0.05), days=365, step_days=7, version=3):
    d = doc(step_days, [act("one", "a"), act("two", "b")], actors=[hazard_party("a", hazards[0]),
            hazard_party("b", hazards[1])], days=days, questions=QUESTIONS, calendar={"elections": [el]})
    d["schema_version"] = version
    return d


def valid(d):
    sc = Scenario.model_validate(d)
    assert check(sc, None, check_sources=False) == []
    return sc


def run(sc, runs=4000, engine="batch", events_for=0):
    return run_replications(Compiled(sc), 5, list(range(runs)), engine=engine, events_for=events_for)


def days(table, column):
    return np.array([NEVER_DAYS if x is None else (x - START).days for x in table.column(column).to_pylist()])


def weekly(hazard, odds):
    o = hazard / (1 - hazard) * odds
    return o / (1 + o)


# ---------------------------------------------------------------- concerns: influence only on those it concerns
@pytest.mark.parametrize("concerns,boosted", [(None, {"one", "two"}), (["a"], {"one"}), (["b"], {"two"})])
def test_an_election_moves_only_the_actors_it_concerns(concerns, boosted):
    """Both actors act with 5% a week, multiplied in odds by 20 while an election that concerns them is within
    104 weeks: by week 4 an actor concerned has acted with 1 - (1 - p)^4, p = odds 20 x 5%; one not concerned with
    1 - 0.95^4 (without `concerns` the election concerns both, as before)."""
    el = election(**({} if concerns is None else {"concerns": concerns}))
    table, _ = run(valid(scenario(el)))
    for mid in ("one", "two"):
        p = weekly(0.05, 20.0) if mid in boosted else 0.05
        want = 1 - (1 - p) ** 4
        got = (days(table, L.first(mid)) < 28).mean()
        assert abs(got - want) < mc_bound(want), (mid, got, want)


def test_weeks_to_election_is_per_actor():
    sc = valid(scenario(election(concerns=["a"])))
    c = Compiled(sc)
    assert c.weeks_to_election(START, "a") == pytest.approx(200 / 7)
    assert c.weeks_to_election(START, "b") is None
    assert c.weeks_to_election(START) == pytest.approx(200 / 7)  # no actor named: every election


# ---------------------------------------------------------------- parliamentary: formation delay, caretaker
def parliamentary(formation, **kw):
    """Vote on day 70 (a step's first day at weekly steps); the challenger b always wins; b acts only once in power
    (after_loss sets its hazard to 1); a never acts."""
    return election(day=70, base_win=0.0, formation_days=formation,
                    after_loss=[{"param": "b.hazard", "op": "set", "value": 1.0, "assumption": A}], **kw)


def test_the_winner_takes_power_only_when_the_government_is_formed():
    """Formation takes uniform 0..70 days: b (hazard 0 until then) acts in the step after the one the government
    is formed in, never before the vote; P(acted by day 70 + 7(j + 1)) = P(formed in a step up to 10 + j - 1)
    = P(rint(x) <= 7j - 1) for x uniform on [0, 70]."""
    sc = valid(scenario(parliamentary({"dist": "uniform", "low": 0, "high": 70, "assumption": A}),
                        hazards=(0.0, 0.0)))
    table, _ = run(sc)
    two = days(table, L.first("two"))
    assert (two > 70).all()  # the caretaker keeps power until the government is formed
    for j in (1, 3, 5, 9):
        want = min(max((7 * j - 0.5) / 70, 0.0), 1.0)
        got = (two <= 70 + 7 * j).mean()
        assert abs(got - want) < mc_bound(want), (j, got, want)


def test_a_fixed_formation_delay_gives_a_government_event_on_its_day():
    sc = valid(scenario(parliamentary(fixed(40.0)), hazards=(0.0, 0.0)))
    table, events = run(sc, runs=20, events_for=20)
    gov = [e for e in events if e[4] == "election" and e[8] == "vote:government"]
    assert len(gov) == 20 and {e[3] for e in gov} == {START + dt.timedelta(days=110)}
    assert {e[7] for e in gov} == {"b"}
    votes = [e for e in events if e[4] == "election" and e[8] == "vote"]
    assert {e[3] for e in votes} == {START + dt.timedelta(days=70)}
    # b acts in the step after the one holding day 110 (days 105-111): day 112
    assert set(days(table, L.first("two"))) == {112}
    c = Compiled(sc)
    assert election_sentence(c, "b", "vote:government") == "B formed a government after the General election"


@pytest.mark.parametrize("step_days", [7, 1])
def test_both_engines_give_the_same_records_and_event_logs(step_days):
    el = parliamentary({"dist": "uniform", "low": 0, "high": 70, "assumption": A}, concerns=["a"])
    sc = valid(scenario(el, days=200, step_days=step_days))
    mesa = run(sc, 25, "mesa", events_for=25)
    batch = run(sc, 25, "batch", events_for=25)
    assert mesa[0].equals(batch[0])
    assert mesa[1] == batch[1]
    assert any(e[8] == "vote:government" for e in batch[1])


# ---------------------------------------------------------------- misuse: one line each
@pytest.mark.parametrize("change,message", [
    ({"concerns": ["nobody"]}, "concerns[0]: unknown actor 'nobody'"),
    ({"concerns": []}, "concerns: an empty list"),
    ({"concerns": ["a", "a"]}, "concerns[1]: 'a' is listed twice"),
    ({"formation_days": fixed(-3.0)}, "formation_days: must lie within [0, 3650]"),
    ({"formation_days": fixed(30.0), "runoff": START + dt.timedelta(days=210), "p_runoff": fixed(0.3)},
     "formation_days: a parliamentary election (with a government-formation delay) has no run-off"),
])
def test_each_misuse_is_one_line(tmp_path, change, message):
    problem = one_problem(tmp_path, scenario(election(**change)))
    assert message in problem, problem


# ---------------------------------------------------------------- the generator draws them; both engines agree
def test_the_generator_draws_concerns_and_formation_delays():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from simulator.testing.scenarios import scenario_dicts
    from tests.test_batch_engine import assert_same_records

    seen = set()

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(scenario_dicts(election=True, rules=("hazard",)), st.integers(0, 2 ** 31))
    def draw_one(d, seed):
        for el in d["calendar"]["elections"]:
            seen.update(f for f in ("concerns", "formation_days", "blocs") if f in el)
        seen.update(["terms"] if d["calendar"].get("terms") else [])
        sc = Scenario.model_validate(d)
        if sc.calendar.terms or any(e.formation_days is not None or e.concerns is not None or e.blocs is not None
                                    for e in sc.calendar.elections):
            assert_same_records(Compiled(sc), seed, list(range(8)))

    draw_one()
    assert seen == {"concerns", "formation_days", "terms", "blocs"}


def test_the_scenario_view_says_what_sets_the_election_apart():
    from simulator.charts.scenario import election_value

    sc = valid(scenario(parliamentary(fixed(40.0), concerns=["a"])))
    c = Compiled(sc)
    text = election_value(c, sc.calendar.elections[0])
    assert "parliamentary: a government is formed 40 days after the vote" in text, text
    assert "caretaker" in text and text.endswith("its approach moves only A"), text
    plain = election_value(c, valid(scenario(election())).calendar.elections[0])
    assert "parliamentary" not in plain and "moves only" not in plain


# ---------------------------------------------------------------- a term that ends in a vacancy of uncertain length
def term_scenario(vacancy, step_days=7, **kw):
    """a's term ends on day 70; a, whose hazard is 1, acts as soon as it is back; b does nothing."""
    d = scenario(election(day=300), hazards=(0.0, 0.0), step_days=step_days)
    d["milestones"] = [{"id": "one", "kind": "meeting", "name": "One", "attendees": ["a", "b"], "stakes": fixed(0.0),
                        "assumption": A}, act("two", "b")]
    d["actors"][0]["params"]["acceptance"] = fixed(1.0)
    d["actors"][1]["params"]["acceptance"] = fixed(1.0)
    d["actors"][1]["params"]["hazard"] = fixed(0.0)
    d["calendar"]["elections"] = []
    d["calendar"]["terms"] = [{"id": "mandate", "name": "A's mandate", "holder": "a",
                               "ends": START + dt.timedelta(days=70), "vacancy_days": vacancy, "assumption": A, **kw}]
    return d


def test_the_holder_is_away_for_the_vacancy_then_back():
    """A meeting a and b would hold at once while a is present: with a's hazard 0 it never happens before the
    term ends either; the present/left columns say a left on day 70 and came back on day 70 + 40."""
    sc = valid(term_scenario(fixed(40.0)))
    table, events = run(sc, runs=20, events_for=20)
    left = [e for e in events if e[4] == "left"]
    back = [e for e in events if e[4] == "entered"]
    assert {e[3] for e in left} == {START + dt.timedelta(days=70)} and len(left) == 20
    assert {e[3] for e in back} == {START + dt.timedelta(days=110)} and len(back) == 20
    assert {e[7] for e in left + back} == {"a"}


def test_a_vacancy_stops_what_needs_the_holder_for_its_length():
    """b proposes a meeting every week and both accept at once while a is there: it happens on day 0, and the
    second time (a repeatable meeting) not in the vacancy: no meeting falls in a step from day 70 until the step
    a comes back in (at weekly steps, as an actor's entry does)."""
    d = term_scenario({"dist": "uniform", "low": 0, "high": 70, "assumption": A})
    d["milestones"][0]["repeat"] = True
    d["actors"][1]["params"]["hazard"] = fixed(1.0)
    d["actors"][0]["params"]["hazard"] = fixed(1.0)
    sc = valid(d)
    table, events = run(sc, runs=200, events_for=200)
    held = {}
    for e in events:
        if e[4] == "held":
            held.setdefault(e[1], []).append((e[3] - START).days)
    gone = {e[1]: (e[3] - START).days for e in events if e[4] == "entered"}
    assert len(gone) > 150  # most runs' vacancy ends within the calendar
    for run_id, back in gone.items():
        returns = back - back % 7  # at weekly steps the holder is back from the first day of the step it returns in
        assert not any(70 <= day < returns for day in held[run_id]), (run_id, back, held[run_id])
        assert any(day >= back for day in held[run_id])


@pytest.mark.parametrize("step_days", [7, 1])
def test_both_engines_agree_on_a_term_and_its_vacancy(step_days):
    d = term_scenario({"dist": "uniform", "low": 0, "high": 60, "assumption": A}, step_days=step_days)
    d["actors"][0]["params"]["hazard"] = fixed(0.3)
    sc = valid(d)
    mesa, batch = run(sc, 25, "mesa", events_for=25), run(sc, 25, "batch", events_for=25)
    assert mesa[0].equals(batch[0]) and mesa[1] == batch[1]


@pytest.mark.parametrize("change,message", [
    ({"holder": "nobody"}, "holder: unknown actor 'nobody'"),
    ({"ends": START + dt.timedelta(days=900)}, "ends: the term ends (2026-06-19) outside the calendar"),
    ({"vacancy_days": fixed(-1.0)}, "vacancy_days: must lie within [0, 3650]"),
])
def test_each_misuse_of_a_term_is_one_line(tmp_path, change, message):
    problem = one_problem(tmp_path, term_scenario(fixed(10.0), **change))
    assert message in problem, problem


def test_a_term_holder_with_its_own_entry_is_refused(tmp_path):
    d = term_scenario(fixed(10.0))
    d["actors"][0]["enters"] = {"date": START + dt.timedelta(days=10), "assumption": A}
    assert "holder: 'a' has its own 'enters'" in one_problem(tmp_path, d)


def test_the_scenario_view_shows_a_term():
    from simulator.charts.scenario import evidence_rows

    sc = valid(term_scenario(fixed(40.0)))
    text = str(evidence_rows(Compiled(sc)))
    assert "A's mandate" in text and "A's term ends" in text and "vacant for 40 days" in text, text


# ---------------------------------------------------------------- blocs: a member wins with its bloc's leader
def test_a_bloc_member_wins_when_its_bloc_does_run_by_run():
    """Three parties: a leads the incumbent bloc with c in it; `winner: {is: c}` holds exactly in the runs where a
    wins (the incumbent wins with 30%); and `winner: {is: b}` in the others."""
    d = scenario(election(base_win=0.3, day=100, blocs={"incumbent": ["c"]}))
    d["actors"].append(hazard_party("c", 0.0))
    d["questions"] = [{"id": "c_wins", "text": "Does c's bloc win?",
                       "when": {"winner": {"election": "vote", "is": "c"}}},
                      {"id": "b_wins", "text": "Does b win?", "when": {"winner": {"election": "vote", "is": "b"}}}]
    table, _ = run(valid(d))
    c_wins = np.array(table.column(L.question("c_wins")).to_pylist())
    b_wins = np.array(table.column(L.question("b_wins")).to_pylist())
    assert (c_wins == ~b_wins).all()
    assert abs(c_wins.mean() - 0.3) < mc_bound(0.3)
    sc = valid(d)
    from simulator.charts.scenario import election_value

    assert "A's bloc: C" in election_value(Compiled(sc), sc.calendar.elections[0])


@pytest.mark.parametrize("blocs,message", [
    ({"incumbent": ["nobody"]}, "blocs.incumbent[0]: unknown actor 'nobody'"),
    ({"challenger": ["a"]}, "blocs.challenger[0]: 'a' leads a side already"),
    ({"incumbent": ["c"], "challenger": ["c"]}, "blocs.challenger[0]: 'c' is listed twice"),
])
def test_each_misuse_of_blocs_is_one_line(tmp_path, blocs, message):
    d = scenario(election(blocs=blocs))
    d["actors"].append(hazard_party("c", 0.0))
    problem = one_problem(tmp_path, d)
    assert message in problem, problem


def test_the_scenario_tab_lists_the_term_and_the_parliamentary_election():
    from simulator.charts.scenario import scenario_tables

    d = term_scenario(fixed(40.0))
    d["calendar"]["elections"] = [parliamentary(fixed(30.0))]
    rows = [r for _, _, table in scenario_tables(Compiled(valid(d))) for r in table]
    assert any(r[0] == "term" and r[1].startswith("A's mandate: A's term ends") and "vacant for 40 days" in r[1]
               for r in rows), rows
    assert any(r[0] == "election" and "parliamentary: a government is formed 30 days after" in r[1] for r in rows)
