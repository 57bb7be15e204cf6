"""Effects are numbers (issue 22 item 5): a change's value stated as a distribution or an estimable form (an odds
multiplier, ``chance_within``), with its provenance, a parameter of its own (listed, ``--set``, swept, screened),
fading as any change. Closed forms at 1/7/14-day steps, both engines, words, one-line errors."""

import datetime as dt
import json

import numpy as np
import pytest
from scipy import integrate

from simulator import layout as L
from simulator.compiled import Compiled
from simulator.scenario.schema import Scenario
from tests.synthetic import A, NEVER, START, fixed, mc_bound, party, run
from tests.synthetic import cli as _cli, days as _days, one_error as _one_error, write_yaml as _write


def days(table, m="retaliate"):
    return _days(table, m)




def doc(value, op="set", step_days=7, days=140, base=0.0, fades=None, on=START):
    """A strike on ``on`` changes a's weekly chance of retaliating (``base`` before it) by ``op`` with ``value``."""
    step = {"id": "retaliate", "kind": "unilateral", "name": "Retaliation", "actor": "a", "stakes": fixed(0.0),
            "assumption": A, "pace": {"a": {"act": fixed(base)}}}
    change = {"param": "retaliate.pace.a.act", "op": op, "value": value, "assumption": A}
    if fades is not None:
        change["fades"] = {"half_life_days": fades}
    strike = {"id": "strike", "name": "Strike", "date": on, "effects": [change], "assumption": A}
    end = START + dt.timedelta(days=days)
    return {
        "schema_version": 3,
        "metadata": {"title": "T", "description": "T", "as_of": START},
        "sources": [{"id": "s", "title": "t", "publisher": "p", "date": START}],
        "actors": [party("a"), party("b")],
        "milestones": [step],
        "calendar": {"start": START, "end": end, "step_days": step_days, "events": [strike]},
        "dynamics": {"pressure_decay": fixed(0.5), "sharpness": fixed(8.0)},
        "questions": [{"id": "when", "text": "When?", "date_of": "retaliate"}],
    }


def within(t, window):
    return (days(t) < window).mean()


# ----------------------------------------------------------------------------- closed forms

@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_an_odds_multiplier_effect_multiplies_the_odds_of_the_weekly_chance(step_days):
    """0.2 a week, odds x3 from day 0: h = 0.6 / 1.4; the chance by day D is 1 - (1 - h)^(D / 7)."""
    t = run(doc({"odds_multiplier": 3}, op="odds", step_days=step_days, base=0.2))
    h = 3 * 0.25 / (1 + 3 * 0.25)
    for window in (14, 28, 84):
        expect = 1 - (1 - h) ** (window / 7)
        assert abs(within(t, window) - expect) <= mc_bound(expect), (step_days, window, expect)


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_a_distribution_of_the_value_is_drawn_once_per_run(step_days):
    """The weekly chance set to h ~ U(0.05, 0.45) per run: the chance by day D is the mean of 1 - (1 - h)^(D/7)
    over h (a single value 0.25 would give another number)."""
    t = run(doc({"dist": "uniform", "low": 0.05, "high": 0.45}, step_days=step_days))
    for window in (28, 84):
        expect = integrate.quad(lambda h: 1 - (1 - h) ** (window / 7), 0.05, 0.45)[0] / 0.4
        assert abs(within(t, window) - expect) <= mc_bound(expect), (step_days, window, expect)
    flat = 1 - 0.75 ** (84 / 7)
    assert abs(expect - flat) > 2 * mc_bound(expect)  # the test tells a distribution from its mean


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_a_chance_within_sets_the_chance_in_its_window(step_days):
    t = run(doc({"chance_within": {"p": 0.5, "days": 70}}, step_days=step_days))
    assert abs(within(t, 70) - 0.5) <= mc_bound(0.5)


@pytest.mark.parametrize("step_days", [1, 7])
def test_a_drawn_value_fades_like_any_change(step_days):
    """Add U(0.2, 0.6) to a chance of 0 on day 0, fading by half every 14 days: step k (day s k) asks a chance
    x 2^(-s k / 14), s/7 weeks' worth."""
    t = run(doc({"dist": "uniform", "low": 0.2, "high": 0.6}, op="add", step_days=step_days, fades=14),
            )
    window = 56
    ks = np.arange(0, window, step_days)

    def chance(x):
        return 1 - np.prod((1 - x * np.exp2(-ks / 14.0)) ** (step_days / 7))

    expect = integrate.quad(chance, 0.2, 0.6)[0] / 0.4
    assert abs(within(t, window) - expect) <= mc_bound(expect), (step_days, expect)


# ----------------------------------------------------------------------------- a parameter of its own

def test_the_value_is_a_parameter_listed_set_and_screened():
    from pathlib import Path
    from types import SimpleNamespace

    from simulator.analysis.fragile import parameters

    d = doc({"dist": "triangular", "low": 2, "mode": 3, "high": 4}, op="odds", base=0.2)
    d["calendar"]["events"][0]["effects"][0].pop("assumption")
    d["calendar"]["events"][0]["effects"][0]["evidence"] = {"source": "s", "note": "The strike's effect, in words."}
    rows = {r["name"]: r for r in json.loads(_cli(["params", _write(d), "--json"]).stdout)}
    assert "strike.effects.0" in rows, sorted(rows)
    assert rows["strike.effects.0"]["provenance"] == "evidence", rows["strike.effects.0"]
    sc = Scenario.model_validate(d)
    screened = {p.name: p for p in parameters(SimpleNamespace(scenario=sc, path=Path("s.yaml")), Compiled(sc))}
    assert screened["strike.effects.0"].move == "relative"
    assert screened["strike.effects.0"].label == "Odds factor on Weekly chance that A takes retaliation (Strike, effects)"
    # --set changes it: odds x1 leaves the chance at 0.2 a week; x0 makes it impossible
    t = run(d, runs=2000, overrides={"strike.effects.0": 1.0})
    assert abs(within(t, 28) - (1 - 0.8 ** 4)) <= mc_bound(1 - 0.8 ** 4, 2000)
    assert (days(run(d, runs=300, overrides={"strike.effects.0": 0.0})) == NEVER).all()


def test_a_set_chance_is_screened_by_its_odds_and_a_sweep_moves_it():
    from pathlib import Path
    from types import SimpleNamespace

    from simulator.analysis.fragile import parameters

    d = doc({"chance_within": {"p": 0.5, "days": 70}})
    sc = Scenario.model_validate(d)
    screened = {p.name: p for p in parameters(SimpleNamespace(scenario=sc, path=Path("s.yaml")), Compiled(sc))}
    assert screened["strike.effects.0"].move == "odds"
    import pyarrow.parquet as pq
    from pathlib import Path

    out = Path(_write(d)).parent / "out"
    r = _cli(["sweep", _write(d), "--vary", "strike.effects.0=0.0,1.0", "--runs", "50", "--out", str(out)])
    assert r.exit_code == 0, r.output
    runs = pq.read_table(out / "runs").to_pandas()
    by_point = runs.groupby("point")[L.first("retaliate")].apply(lambda s: s.notna().mean())
    assert sorted(by_point.tolist()) == [0.0, 1.0], by_point  # chance 0 a week: never; chance 1: at once


def test_a_plain_number_adds_no_parameter_and_keeps_its_dump():
    d = doc(0.5)
    sc = Scenario.model_validate(d)
    assert not [n for n in Compiled(sc).table.names if ".effects." in n]
    assert sc.model_dump(mode="json")["calendar"]["events"][0]["effects"][0]["value"] == 0.5


def test_both_engines_give_the_same_records_and_logs():
    from simulator.batch.engine import BatchEngine
    from simulator.draws import run_seed
    from simulator.model import DiplomacyModel

    for d in (doc({"dist": "uniform", "low": 0.05, "high": 0.45}, fades=10, on=START + dt.timedelta(days=20)),
              doc({"odds_multiplier": 3}, op="odds", base=0.2, step_days=1)):
        c = Compiled(Scenario.model_validate(d))
        eng = BatchEngine(c)
        st = eng.run(3, range(20), events_for=20)
        batch = eng.table(st).to_pylist()
        for r in range(20):
            m = DiplomacyModel(c, run_seed(3, r))
            assert m.run() == batch[r]
            mine = [(k, kind, tr, ms, ac, det) for (p, rep, k, date, kind, tr, ms, ac, det) in eng.events if rep == r]
            assert [e[:6] for e in m.events] == mine


def test_the_scenario_view_says_the_effect_in_words():
    from simulator.charts.scenario import evidence_rows

    values = " | ".join(r["value"] for r in evidence_rows(Compiled(Scenario.model_validate(
        doc({"odds_multiplier": 3}, op="odds", base=0.2)))))
    assert "odds of" in values and "multiplied by 3" in values, values
    values = " | ".join(r["value"] for r in evidence_rows(Compiled(Scenario.model_validate(
        doc({"dist": "uniform", "low": 0.05, "high": 0.45}, fades=14)))))
    assert "becomes 0.05 to 0.45, fading by half every 14 days" in values, values


# ----------------------------------------------------------------------------- one-line errors

F = "calendar.events[0].effects[0]"


@pytest.mark.parametrize("value,op,field,words", [
    ({"odds_multiplier": 0.1}, "add", F + ".value.odds_multiplier", "is not a weekly chance or an odds multiplier"),
    (2.0, "odds", F + ".op", "is not a chance"),
    ({"dist": "uniform", "low": 0.1}, "set", F + ".value", "needs high"),
    ({"dist": "uniform", "low": 0.1, "high": 1.5}, "set", F + ".value", "outside its allowed range"),
    ("often", "set", F + ".value", "expected a number or a mapping"),
    (-1.0, "odds", F + ".value", "cannot be negative"),
])
def test_each_misuse_is_one_line(value, op, field, words):
    d = doc(value, op=op, base=0.2)
    if op == "odds" and value == 2.0:
        d["calendar"]["events"][0]["effects"][0]["param"] = "a.flexibility"
    _one_error(d, field, words)
