"""A per-run odds factor on all of one actor's decisions (issue 22 item 2): ``spread: {odds_sd}`` on an actor, drawn
once per run, multiplies the odds of every decision it takes on a step (proposing, accepting, taking a step),
whether its rule or its own stated chance (``pace``) decides. Closed forms (the logit-normal mixture, by
quadrature), odds_sd 0 identical to no spread, both engines, parameters, words, schema, one-line errors."""

import json
import math

import numpy as np
import pytest
from scipy import integrate, special, stats

from simulator import layout as L
from simulator.compiled import Compiled
from simulator.scenario.params import ParameterTable
from simulator.scenario.schema import Scenario

from .test_batch_engine import assert_same_records
from .test_pace import _cli, _one_error, _write
from .test_worlds import PUSH2, START, A, doc, fixed, meeting, party, run

RUNS = 6000


def act(mid, actor, p, **kw):
    """A unilateral step its actor takes with its own weekly chance ``p``."""
    return {"id": mid, "kind": "unilateral", "name": mid.title(), "actor": actor, "stakes": fixed(0.0),
            "assumption": A, "pace": {actor: {"act": fixed(p)}}, **kw}


def spread_actor(pid, sd):
    return {**party(pid), "spread": {"odds_sd": sd, "assumption": A}}


def moments(p, sd):
    """E[q] and E[q^2] for q = logistic(logit p + sd z), z standard normal (the logit-normal's integral)."""
    lo = math.log(p / (1 - p))
    m1 = integrate.quad(lambda z: special.expit(lo + sd * z) * stats.norm.pdf(z), -12, 12)[0]
    m2 = integrate.quad(lambda z: special.expit(lo + sd * z) ** 2 * stats.norm.pdf(z), -12, 12)[0]
    return m1, m2


def taken_first_week(table, mid):
    return np.array([x is not None and x == START for x in table.column(L.first(mid)).to_pylist()])


def with_actors(milestones, a_sd=None, **parts):
    d = doc(milestones, **parts)
    if a_sd is not None:
        d["actors"] = [spread_actor("a", a_sd), party("b"), {"id": "m", "name": "M", "role": "mediator"}]
    return d


# ----------------------------------------------------------------------------- closed forms


@pytest.mark.parametrize("sd", [1.0, 2.0])
def test_the_chance_per_run_varies_and_its_mean_is_the_logit_normal_integral(sd):
    """Two steps of one actor, each with its own weekly chance 0.3: with a spread on the actor, the chance that it
    takes each in the first week is E[q] (the logit-normal's integral), and both are taken together with E[q^2] >
    E[q]^2: one factor per run moves all its decisions alike. Without the spread they are independent."""
    t = run(with_actors([act("one", "a", 0.3), act("two", "a", 0.3)], a_sd=sd), runs=RUNS)
    one, two = taken_first_week(t, "one"), taken_first_week(t, "two")
    m1, m2 = moments(0.3, sd)
    for x in (one, two):
        assert abs(x.mean() - m1) <= 5 * math.sqrt(m1 * (1 - m1) / RUNS), (x.mean(), m1)
    both = (one & two).mean()
    assert abs(both - m2) <= 5 * math.sqrt(m2 * (1 - m2) / RUNS), (both, m2)
    assert m2 - m1 ** 2 > 0.03  # the dependence is visible, not a rounding
    plain = run(with_actors([act("one", "a", 0.3), act("two", "a", 0.3)]), runs=RUNS)
    both0 = (taken_first_week(plain, "one") & taken_first_week(plain, "two")).mean()
    assert abs(both0 - 0.09) <= 5 * math.sqrt(0.09 * 0.91 / RUNS), both0


def test_it_moves_only_its_own_actors_decisions():
    t = run(with_actors([act("one", "a", 0.3), act("other", "b", 0.3)], a_sd=1.5), runs=RUNS)
    one, other = taken_first_week(t, "one"), taken_first_week(t, "other")
    assert abs(other.mean() - 0.3) <= 5 * math.sqrt(0.21 / RUNS)
    assert abs((one & other).mean() - one.mean() * other.mean()) <= 5 * math.sqrt(0.1 / RUNS)


def test_a_steps_spread_and_its_actors_multiply():
    """A step with its own spread (sd 0.6) taken by an actor with a spread (sd 0.8): the odds factor is the product,
    so the chance is the logit-normal's with sd sqrt(0.6^2 + 0.8^2) = 1."""
    step = act("one", "a", 0.3, spread={"odds_sd": 0.6, "assumption": A})
    t = run(with_actors([step], a_sd=0.8), runs=RUNS)
    m1, _ = moments(0.3, 1.0)
    got = taken_first_week(t, "one").mean()
    assert abs(got - m1) <= 5 * math.sqrt(m1 * (1 - m1) / RUNS), (got, m1)


def test_decisions_its_rule_takes_are_moved_too():
    """A repeatable step that actor a takes by its rule (the 'hazard' rule, weekly chance 0.3, no stated pace): over
    52 weeks its count has the binomial variance without a spread, and with a spread on a (sd 1) the mixed-binomial
    variance of a per-run chance logistic(logit p + z) (closed form by quadrature)."""
    step = {"id": "visit", "kind": "unilateral", "name": "Visit", "actor": "a", "stakes": fixed(0.0), "repeat": True,
            "assumption": A}
    d = with_actors([step], days=52 * 7 - 1)
    d["actors"][0] = {"id": "a", "name": "A", "role": "party", "rule": "hazard", "params": {"hazard": fixed(0.3)}}
    base = np.array(run(d, runs=RUNS).column(L.count("visit")).to_pylist())
    p = base.mean() / 52
    assert abs(base.var() / (52 * p * (1 - p)) - 1) < 0.12
    d["actors"][0]["spread"] = {"odds_sd": 1.0, "assumption": A}
    moved = np.array(run(d, runs=RUNS).column(L.count("visit")).to_pylist())
    m1, m2 = moments(p, 1.0)
    var = 52 * (m1 - m2) + 52 ** 2 * (m2 - m1 ** 2)
    assert abs(moved.mean() - 52 * m1) <= 5 * math.sqrt(var / RUNS), (moved.mean(), 52 * m1)
    assert abs(moved.var() / var - 1) < 0.12, (moved.var(), var)
    assert var > 3 * 52 * p * (1 - p)


# ----------------------------------------------------------------------------- identity and engines


def test_odds_sd_zero_gives_byte_identical_records_and_event_logs():
    from simulator.batch.engine import BatchEngine

    m = meeting()
    med = [dict(PUSH2[0], pushes=[{"milestone": "talks"}])]
    out = []
    for sd in (None, 0.0):
        c = Compiled(Scenario.model_validate(with_actors([m, act("one", "a", 0.3, repeat=True)], a_sd=sd,
                                                         mediation=med)))
        eng = BatchEngine(c)
        st = eng.run(5, range(300), events_for=300)
        out.append((eng.table(st).to_pylist(), eng.events))
    assert out[0][0] == out[1][0]
    assert out[0][1] == out[1][1] and len(out[0][1]) > 100


@pytest.mark.parametrize("step_days", [7, 1])
def test_both_engines_give_the_same_records_and_logs(step_days):
    m = meeting(spread={"odds_sd": 0.5, "assumption": A})
    med = [dict(PUSH2[0], pushes=[{"milestone": "talks"}])]
    d = with_actors([m, act("one", "a", 0.3, repeat=True)], a_sd=1.2, mediation=med, step_days=step_days, days=120)
    d["actors"][1]["spread"] = {"odds_sd": 0.7, "assumption": A}
    assert_same_records(Compiled(Scenario.model_validate(d)), 3, list(range(30)))


# ----------------------------------------------------------------------------- parameters, words, schema


def test_the_spread_is_a_parameter_listed_set_and_screened():
    from pathlib import Path
    from types import SimpleNamespace

    from simulator.analysis.fragile import parameters
    from simulator.lang.words import human_label

    d = with_actors([act("one", "a", 0.3)], a_sd=0.5)
    sc = Scenario.model_validate(d)
    table = ParameterTable(sc)
    assert table.params["a.spread.odds_sd"].value == 0.5
    assert "a.spread.z" in table.index
    rows = {r["name"]: r for r in json.loads(_cli(["params", _write(d), "--json"]).stdout)}
    assert {"a.spread.odds_sd", "a.spread.z"} <= set(rows)
    c = Compiled(sc)
    assert human_label("a.spread.odds_sd", c) == "Spread between runs of the odds of all of A's decisions"
    screened = {p.name: p for p in parameters(SimpleNamespace(scenario=sc, path=Path("s.yaml")), c)}
    assert "a.spread.odds_sd" in screened and "a.spread.z" not in screened
    # --set picks a world: a factor of e^(2 * 1) on the odds of 0.3
    t = run(d, runs=500, overrides={"a.spread.odds_sd": 2.0, "a.spread.z": 1.0})
    o = math.exp(2.0) * 0.3 / 0.7
    expect = o / (1 + o)
    got = taken_first_week(t, "one").mean()
    assert abs(got - expect) <= 5 * math.sqrt(expect * (1 - expect) / 500), (got, expect)


def test_words_and_schema_and_dumps():
    from simulator.charts.scenario import evidence_rows

    d = with_actors([act("one", "a", 0.3)], a_sd=0.5)
    rows = evidence_rows(Compiled(Scenario.model_validate(d)))
    row = next(r for r in rows if r["item"] == "A's decisions")
    assert row["value"].startswith("the chances of all its decisions (proposing, accepting, taking steps) vary "
                                   "between runs by a per-run odds factor (sd of the log odds 0.5)")
    assert "a per-run odds factor on all of its decisions" in _cli(["schema"]).output
    plain = Scenario.model_validate(with_actors([act("one", "a", 0.3)])).model_dump(mode="json")
    assert all("spread" not in a for a in plain["actors"])


# ----------------------------------------------------------------------------- one-line errors


@pytest.mark.parametrize("where,field,words", [
    ("range", "actors[0].spread", "must lie within [0.0, 3.0]"),
    ("no_reason", "actors[0].spread", "give exactly one of"),
    ("both", "actors[0].spread", "give 'odds_sd' or 'value', not both"),
    ("mediator", "actors[2].spread", "'m' proposes, accepts or takes no step"),
    ("key", "actors[0].spread.odds_std", "unknown field"),
])
def test_each_misuse_of_an_actor_spread_is_one_line(where, field, words):
    d = with_actors([act("one", "a", 0.3)], a_sd=0.5)
    spread = {"range": {"odds_sd": 4, "assumption": A}, "no_reason": {"odds_sd": 0.5},
              "both": {"odds_sd": 0.5, "value": 0.5, "assumption": A}, "key": {"odds_std": 0.5, "assumption": A},
              "mediator": None}[where]
    if where == "mediator":
        d["actors"][2]["spread"] = {"odds_sd": 0.5, "assumption": A}
    else:
        d["actors"][0]["spread"] = spread
    _one_error(d, field, words)


def test_the_scenario_tab_says_an_actors_spread_about_its_decisions():
    from simulator.charts.scenario import describe
    from simulator.lang.words import construct_sentences

    said = dict(construct_sentences(Compiled(Scenario.model_validate(with_actors([act("one", "a", 0.3)], a_sd=0.5))),
                                    describe))
    assert said["A"].startswith("The chances of A vary from world to world: each run draws a factor on the odds of "
                                "every decision it takes on a step (proposing, accepting, taking steps)")
