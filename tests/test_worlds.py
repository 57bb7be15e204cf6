"""Worlds where it never happens (issue 22 item 2): a milestone, a track or a precondition live only in a share of
runs, a per-run odds factor with a stated spread, a mediator that puts several items on the table in a week.

Closed forms on both engines, record columns, parameters, one-line errors, the scenario view, the battery.
"""

import datetime as dt
import json
import math

import numpy as np
import pytest
from scipy import integrate, special, stats

from simulator import layout as L
from simulator.compiled import Compiled
from simulator.scenario.schema import Scenario
from tests.synthetic import A, NEVER, RUNS, START, days, fixed, mc_bound, meeting, party, run
from tests.synthetic import cli as _cli, one_error as _one_error, write_yaml as _write




SURE = {a: {"propose": fixed(1.0), "accept": fixed(1.0)} for a in ("a", "b")}


def doc(milestones, step_days=7, days=365, **parts):
    d = {
        "schema_version": 2,
        "metadata": {"title": "T", "description": "T", "as_of": START},
        "sources": [{"id": "s", "title": "t", "publisher": "p", "date": START}],
        "actors": [party("a"), party("b"), {"id": "m", "name": "M", "role": "mediator"}],
        "milestones": milestones,
        "calendar": {"start": START, "end": START + dt.timedelta(days=days), "step_days": step_days},
        "dynamics": {"pressure_decay": fixed(0.5), "sharpness": fixed(8.0)},
        "questions": [{"id": "when", "text": "When?", "date_of": milestones[0]["id"] if milestones else "x"}],
    }
    d.update(parts)
    return d


LIVE = {"share": 0.3, "assumption": "In about three worlds of ten this round is on the cards at all."}


# ----------------------------------------------------------------------------- closed forms

@pytest.mark.parametrize("step_days", [7, 1])
def test_a_step_live_in_a_share_of_runs_with_certain_action_happens_in_that_share(step_days):
    """Both propose and accept at once: the meeting happens on the first day of every live world and never in a
    dead one; the share of runs is 0.3 within Monte Carlo error, and the record column says which runs were live."""
    t = run(doc([meeting(pace=SURE, live=LIVE)], step_days))
    when = days(t, "talks")
    live = np.array(t.column(L.live("talks")).to_pylist())
    assert set(when[live]) == {0} and (when[~live] == NEVER).all()
    assert abs(live.mean() - 0.3) <= mc_bound(0.3)


def test_a_dead_track_has_none_of_its_levels_and_a_live_one_all():
    track = {"id": "round", "name": "Round", "live": LIVE,
             "levels": [{"id": "lo", "name": "Low", "attendees": ["a", "b"], "stakes": fixed(0.1), "pace": SURE,
                         "assumption": A},
                        {"id": "hi", "name": "High", "attendees": ["a", "b"], "stakes": fixed(0.1), "pace": SURE,
                         "assumption": A}]}
    d = doc([meeting(pace=SURE)], tracks=[track])
    t = run(d, runs=1000)
    live = np.array(t.column(L.live("round")).to_pylist())
    lo, hi = days(t, "lo"), days(t, "hi")
    assert (lo[live] < NEVER).all() and (hi[live] < NEVER).all()
    assert (lo[~live] == NEVER).all() and (hi[~live] == NEVER).all()
    assert (days(t, "talks") == 0).all()  # a milestone outside the track is untouched
    assert abs(live.mean() - 0.3) <= mc_bound(0.3, 1000)


def test_a_dead_concession_ladder_has_no_stage():
    ladder = {"id": "lad", "actor": "a", "name": "Ladder", "assumption": A, "live": {"share": 0.5, "assumption": A},
              "stages": [{"id": "s0", "name": "start"},
                         {"id": "s1", "name": "one", "cost": fixed(0.0), "pace": {"a": {"act": fixed(1.0)}}}]}
    t = run(doc([meeting(pace=SURE)], concessions=[ladder]), runs=1000)
    live = np.array(t.column(L.live("lad")).to_pylist())
    assert (days(t, "lad.s1")[live] == 0).all() and (days(t, "lad.s1")[~live] == NEVER).all()
    assert abs(live.mean() - 0.5) <= mc_bound(0.5, 1000)
    from simulator.charts.scenario import milestone_value

    c = Compiled(Scenario.model_validate(doc([meeting(pace=SURE)], concessions=[ladder])))
    assert "its ladder is live in 50% of runs" in milestone_value(c, c.milestone["lad.s1"])


def test_a_precondition_held_in_three_worlds_of_four_blocks_in_those():
    """A hard precondition that can never be met, held in 75% of runs: the meeting happens in the other 25%."""
    never = {"id": "never", "kind": "unilateral", "name": "Never", "actor": "b", "stakes": fixed(0.0),
             "assumption": A, "pace": {"b": {"act": fixed(0.0)}}}
    pre = [{"id": "disarm_first", "held_by": "a", "before": "talks", "requires": {"held": "never"}, "kind": "hard",
            "assumption": A, "live": {"share": 0.75, "assumption": A}}]
    t = run(doc([meeting(pace=SURE), never], preconditions=pre))
    held = np.array(t.column(L.live("disarm_first")).to_pylist())
    when = days(t, "talks")
    assert (when[~held] == 0).all() and (when[held] == NEVER).all()
    assert abs((when == 0).mean() - 0.25) <= mc_bound(0.25)


def _count_variance(p, sd, weeks):
    """Variance of a weekly-Bernoulli count over ``weeks`` when the weekly chance is logistic(logit p + sd z)."""
    lo = math.log(p / (1 - p))
    pr = lambda z: special.expit(lo + sd * z) * stats.norm.pdf(z)
    m1 = integrate.quad(pr, -10, 10)[0]
    m2 = integrate.quad(lambda z: special.expit(lo + sd * z) ** 2 * stats.norm.pdf(z), -10, 10)[0]
    # Var(N) = E[n p (1 - p)] + n^2 Var(p)
    return weeks * (m1 - m2) + weeks ** 2 * (m2 - m1 ** 2), weeks * m1


@pytest.mark.parametrize("sd", [0.0, 1.0])
def test_a_per_run_odds_factor_shows_in_the_between_run_variance(sd):
    """A repeatable step taken each week with chance 0.3: over 52 weeks its count has the binomial variance without
    a spread, and the mixed-binomial variance (closed form by quadrature) with a per-run odds factor exp(sd z)."""
    step = {"id": "visit", "kind": "unilateral", "name": "Visit", "actor": "a", "stakes": fixed(0.0), "repeat": True,
            "assumption": A, "pace": {"a": {"act": fixed(0.3)}}}
    if sd:
        step["spread"] = {"odds_sd": sd, "assumption": A}
    t = run(doc([step], days=52 * 7 - 1))
    counts = np.array(t.column(L.count("visit")).to_pylist())
    var, mean = _count_variance(0.3, sd, 52) if sd else (52 * 0.3 * 0.7, 52 * 0.3)
    assert abs(counts.mean() - mean) <= 5 * math.sqrt(var / RUNS)
    assert abs(counts.var() / var - 1) < 0.12, (counts.var(), var)
    if sd:
        assert var > 3 * 52 * 0.3 * 0.7  # the spread is visible, not a rounding


PUSH2 = [{"mediator": "m", "rule": "deadline_pressure", "deadline": "end", "assumption": A,
          "pushes": [{"milestone": "talks"}, {"milestone": "deal"}]}]
ACCEPT = {a: {"propose": fixed(0.0), "accept": fixed(1.0)} for a in ("a", "b")}


@pytest.mark.parametrize("per_step,expect_deal", [(None, 7), (2, 0)])
def test_several_items_per_week_both_proposed_in_the_first_week(per_step, expect_deal):
    """Two goals only the mediator puts on the table, each accepted at once: with per_step 2 both happen in the
    first week; with the default (one item a week) the second waits a week."""
    med = [dict(PUSH2[0], **({"per_step": per_step} if per_step else {}))]
    d = doc([meeting(pace=ACCEPT, proposed_by="mediators"),
             meeting("deal", pace=ACCEPT, proposed_by="mediators")], mediation=med, days=60)
    t = run(d, runs=50)
    assert (days(t, "talks") == 0).all() and (days(t, "deal") == expect_deal).all()


def test_per_step_with_the_even_handed_rule_and_no_deadline():
    med = [{"mediator": "m", "rule": "even_handed", "assumption": A, "per_step": 3,
            "pushes": [{"milestone": "talks"}, {"milestone": "deal"}]}]
    d = doc([meeting(pace=ACCEPT, proposed_by="mediators"),
             meeting("deal", pace=ACCEPT, proposed_by="mediators")], mediation=med, days=60)
    t = run(d, runs=50)
    assert (days(t, "talks") == 0).all() and (days(t, "deal") == 0).all()


# ----------------------------------------------------------------------------- effects that fade

def _strike(step_days, half_life=14.0, days_=140, op="set", value=0.5):
    """A strike on day 0 raises a's weekly chance of the step from 0 to 0.5; it fades by half every 14 days."""
    step = {"id": "retaliate", "kind": "unilateral", "name": "Retaliation", "actor": "a", "stakes": fixed(0.0),
            "assumption": A, "pace": {"a": {"act": fixed(0.0)}}}
    change = {"param": "retaliate.pace.a.act", "op": op, "value": value, "assumption": A}
    if half_life is not None:
        change["fades"] = {"half_life_days": half_life}
    strike = {"id": "strike", "name": "Strike", "date": START, "effects": [change], "assumption": A}
    return doc([step], step_days, days=days_, calendar={"start": START, "end": START + dt.timedelta(days=days_),
                                                         "step_days": step_days, "events": [strike]})


@pytest.mark.parametrize("step_days", [7, 1])
def test_a_risk_raised_by_a_strike_fades_by_its_half_life(step_days):
    """Closed form: on step k (day s*k) the weekly chance is 0.5 * 2^(-s*k/14), asked s/7 weeks' worth; the chance
    the step is taken by day D is 1 - prod (1 - p_k)^(s/7) over the steps before D."""
    t = days(run(_strike(step_days)), "retaliate")
    for window in (7, 28, 140):
        ks = np.arange(0, window, step_days)
        p = 0.5 * np.exp2(-ks / 14.0)
        expect = 1 - np.prod((1 - p) ** (step_days / 7))
        assert abs((t < window).mean() - expect) <= mc_bound(expect), (step_days, window, expect)
    assert (t < 140).mean() < 0.9  # without fading it would be 1 - 0.5^20, certain


def test_without_fades_the_strike_raises_the_risk_for_good_and_the_dump_keeps_no_fades():
    t = days(run(_strike(7, half_life=None), runs=500), "retaliate")
    assert (t < 140).all()
    dumped = Scenario.model_validate(_strike(7, half_life=None)).model_dump(mode="json")
    assert "fades" not in dumped["calendar"]["events"][0]["effects"][0]


def test_the_scenario_view_says_an_effect_fades():
    from simulator.charts.scenario import evidence_rows

    rows = evidence_rows(Compiled(Scenario.model_validate(_strike(7))))
    assert any("fading by half every 14 days" in r["value"] for r in rows), rows


# ----------------------------------------------------------------------------- both engines

def _everything(step_days):
    step = {"id": "visit", "kind": "unilateral", "name": "Visit", "actor": "a", "stakes": fixed(0.0), "repeat": True,
            "assumption": A, "spread": {"odds_sd": 0.8, "assumption": A}}
    never = {"id": "never", "kind": "unilateral", "name": "Never", "actor": "b", "stakes": fixed(0.9),
             "assumption": A, "live": {"share": 0.5, "low": 0.3, "high": 0.7, "dist": "uniform", "assumption": A}}
    pre = [{"id": "pc", "held_by": "a", "before": "deal", "requires": {"held": "never"}, "kind": "hard",
            "assumption": A, "live": {"share": 0.6, "assumption": A}}]
    med = [dict(PUSH2[0], per_step=2)]
    strike = {"id": "strike", "name": "Strike", "date": START + dt.timedelta(days=20), "assumption": A,
              "effects": [{"param": "a.flexibility", "op": "add", "value": 0.4, "assumption": A,
                           "fades": {"half_life_days": 10}}]}
    return doc([meeting(live=LIVE, spread={"odds_sd": 0.5, "assumption": A}), meeting("deal"), step, never],
               step_days, days=150, mediation=med, preconditions=pre,
               calendar={"start": START, "end": START + dt.timedelta(days=150), "step_days": step_days,
                         "events": [strike]})


@pytest.mark.parametrize("step_days", [7, 1])
def test_both_engines_give_the_same_records_and_logs(step_days):
    from simulator.batch.engine import BatchEngine
    from simulator.model import DiplomacyModel

    d = _everything(step_days)
    c = Compiled(Scenario.model_validate(d))
    eng = BatchEngine(c)
    st = eng.run(3, range(20), events_for=20)
    batch = eng.table(st).to_pylist()
    for r in range(20):
        from simulator.draws import run_seed

        m = DiplomacyModel(c, run_seed(3, r))
        assert m.run() == batch[r]
        mine = [(k, kind, tr, ms, ac, det) for (p, rep, k, date, kind, tr, ms, ac, det) in eng.events if rep == r]
        assert [e[:6] for e in m.events] == mine


# ----------------------------------------------------------------------------- parameters and words

def test_shares_and_spreads_are_parameters_listed_set_and_screened():
    from pathlib import Path
    from types import SimpleNamespace

    from simulator.analysis.fragile import parameters

    d = _everything(7)
    rows = {r["name"]: r for r in json.loads(_cli(["params", _write(d), "--json"]).stdout)}
    assert {"talks.live", "never.live", "pc.live", "talks.spread.odds_sd", "visit.spread.odds_sd"} <= set(rows)
    sc = Scenario.model_validate(d)
    screened = {p.name: p for p in parameters(SimpleNamespace(scenario=sc, path=Path("s.yaml")), Compiled(sc))}
    assert screened["talks.live"].move == "odds" and screened["talks.spread.odds_sd"].move == "relative"
    assert screened["talks.live"].label == "Share of runs in which the talks meeting is live"
    assert screened["pc.live"].label == "Share of runs in which pc is held"
    assert screened["visit.spread.odds_sd"].label.startswith("Spread between runs of the odds of")
    t = run(doc([meeting(pace=SURE, live=LIVE)]), runs=200, overrides={"talks.live": 1.0})
    assert (days(t, "talks") == 0).all()
    # each run's own draws are parameters too: --set picks a world; the screen leaves them alone
    assert {"talks.live.draw", "talks.spread.z"} <= set(rows) and not {"talks.live.draw", "talks.spread.z"} & set(
        screened)
    t = run(doc([meeting(pace=SURE, live=LIVE)]), runs=200, overrides={"talks.live.draw": 0.9})
    assert (days(t, "talks") == NEVER).all()


def test_a_runs_world_does_not_depend_on_its_calendar_steps():
    """The history moved into a calendar that starts earlier draws the same worlds (the battery's history
    property, which found a draw tied to the first step's slot), and so does a calendar shifted by weeks."""
    from simulator.testing.properties import check_model

    d = _everything(7)
    d["history"] = {"through": START, "events": [{"event": "talk", "name": "Talk", "date": START - dt.timedelta(days=20),
                                                  "assumption": A}]}
    sc = Scenario.model_validate(d)
    results = check_model(sc, runs=100, only=["history", "calendar_shift"])
    assert [r.passed for r in results] == [True, True], [r.sentence for r in results]


def test_diplosim_schema_lists_the_new_fields():
    text = _cli(["schema"]).stdout
    for field in ("share", "odds_sd", "per_step", "half_life_days", "pressure_scope"):
        assert f'"{field}"' in text, field


def test_a_share_round_trips_through_a_dump():
    sc = Scenario.model_validate(doc([meeting(pace=SURE, live=LIVE)]))
    dumped = sc.model_dump(mode="json")["milestones"][0]["live"]
    assert dumped["value"] == 0.3 and "share" not in dumped
    assert Scenario.model_validate(sc.model_dump(mode="json")).milestones[0].live.value == 0.3


def test_a_scenario_without_the_constructs_keeps_its_dump_and_columns():
    d = doc([meeting()], mediation=[dict(PUSH2[0], pushes=[{"milestone": "talks"}])], tracks=[])
    dumped = Scenario.model_validate(d).model_dump(mode="json")
    assert "live" not in dumped["milestones"][0] and "spread" not in dumped["milestones"][0]
    assert "per_step" not in dumped["mediation"][0]
    assert not [n for n in run(d, runs=5).column_names if n.startswith("live.")]


def test_the_scenario_view_says_which_worlds_are_live():
    from simulator.charts.scenario import milestone_value

    c = Compiled(Scenario.model_validate(_everything(7)))
    text = milestone_value(c, c.milestones[0])
    assert "live in 30% of runs" in text and "vary between runs" in text
    from simulator.charts.scenario import evidence_rows

    values = " | ".join(r["value"] for r in evidence_rows(c))
    assert "held in 60% of runs" in values and "puts up to 2 items on the table each step" in values


# ----------------------------------------------------------------------------- one-line errors

@pytest.mark.parametrize("where,field,words", [
    ("share", "milestones[0].live", "must lie within [0, 1]"),
    ("no_reason", "milestones[0].live", "give exactly one of"),
    ("both", "milestones[0].live", "give 'share' or 'value', not both"),
    ("spread", "milestones[0].spread", "must lie within [0.0, 3.0]"),
    ("track", "tracks[0].live", "must lie within [0, 1]"),
    ("pre", "preconditions[0].live", "must lie within [0, 1]"),
    ("per_step", "mediation[0].per_step", "greater than or equal to 1"),
    ("history", "milestones[0].live", "'talks' happened in the history"),
    ("half_life", "milestones[0].effects[0].fades.half_life_days", "greater than 0"),
    ("fades_key", "milestones[0].effects[0].fades.days", "unknown field"),
])
def test_each_misuse_is_one_line(where, field, words):
    med = [dict(PUSH2[0], pushes=[{"milestone": "talks"}])]
    m = meeting()
    parts = {"mediation": med}
    if where == "share":
        m["live"] = {"share": 1.5, "assumption": A}
    elif where == "no_reason":
        m["live"] = {"share": 0.5}
    elif where == "both":
        m["live"] = {"share": 0.5, "value": 0.5, "assumption": A}
    elif where == "spread":
        m["spread"] = {"odds_sd": 5, "assumption": A}
    elif where == "track":
        parts["tracks"] = [{"id": "tr", "name": "Tr", "live": {"share": -0.1, "assumption": A},
                            "levels": [{"id": "lo", "name": "Lo", "attendees": ["a"], "stakes": fixed(0.1),
                                        "assumption": A}]}]
    elif where == "pre":
        parts["preconditions"] = [{"id": "pc", "held_by": "a", "before": "talks", "requires": {"held": "talks"},
                                   "kind": "hard", "assumption": A, "live": {"share": 2, "assumption": A}}]
    elif where == "per_step":
        parts["mediation"] = [dict(med[0], per_step=0)]
    elif where == "history":
        m["live"] = LIVE
        parts["history"] = {"through": START, "milestones": [{"milestone": "talks", "date": START, "assumption": A}]}
    elif where in ("half_life", "fades_key"):
        m["effects"] = [{"param": "dynamics.pressure_decay", "op": "set", "value": 0.3, "assumption": A,
                         "fades": {"half_life_days": 0} if where == "half_life" else {"half_life_days": 9, "days": 3}}]
    _one_error(doc([m], **parts), field, words)


# ----------------------------------------------------------------------------- the property battery

def test_the_battery_holds_on_the_new_constructs():
    from simulator.testing.properties import check_model

    sc = Scenario.model_validate(_everything(7))
    results = check_model(sc, runs=200, only=["renaming", "calendar_shift", "no_op_what_if", "monotonicity",
                                              "step_invariance"])
    assert all(r.passed is not False for r in results), [r.sentence for r in results]
