"""Stalls and suspensions (issue 22 item 4): a freeze for a random number of days; closed forms at 1-, 7- and
14-day steps on both engines, parameters, words, one-line errors."""

import datetime as dt
import json
import math

import numpy as np
import pytest

from simulator.compiled import Compiled
from simulator.scenario.schema import Scenario
from tests.test_worlds import A, NEVER, RUNS, START, SURE, _cli, _one_error, _write, days, doc, fixed, meeting, run


def frozen_doc(freeze, step_days=7, span=200):
    shock = {"id": "incident", "name": "Border incident", "hazard": fixed(1.0), "freezes": ["talks"], "assumption": A,
             **freeze}
    d = doc([meeting(pace=SURE)], step_days, span,
            calendar={"start": START, "end": START + dt.timedelta(days=span), "step_days": step_days,
                      "shocks": [shock]})
    d["schema_version"] = 3
    return d


@pytest.mark.parametrize("step_days", [1, 7, 14])
@pytest.mark.parametrize("n_days", [0, 1, 10, 14, 30])
def test_a_fixed_freeze_in_days_holds_the_rest_of_the_step_then_those_days(step_days, n_days):
    t = run(frozen_doc({"freeze_days": fixed(n_days)}, step_days), runs=20)
    expect = step_days * (math.ceil(n_days / step_days) + 1)  # the step after the last frozen one
    assert (days(t, "talks") == expect).all(), (days(t, "talks")[:3], expect)


@pytest.mark.parametrize("step_days", [1, 7, 14])
@pytest.mark.parametrize("weeks", [1, 3])
def test_days_of_whole_weeks_mean_what_weeks_mean(step_days, weeks):
    a = run(frozen_doc({"weeks": weeks}, step_days), runs=20)
    b = run(frozen_doc({"freeze_days": fixed(7 * weeks)}, step_days), runs=20)
    assert (days(a, "talks") == days(b, "talks")).all()


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_a_random_freeze_ends_as_its_distribution_says(step_days):
    """Uniform 0-60 days: the talks come by the step after the first one whose first day is past the freeze, so
    P(first day <= s (m + 1)) = P(D <= s m) = s m / 60."""
    t = run(frozen_doc({"freeze_days": {"dist": "uniform", "low": 0, "high": 60, "assumption": A}}, step_days))
    first = days(t, "talks")
    assert (first < NEVER).all()
    for m in range(1, 60 // step_days + 1):
        p = min(step_days * m / 60, 1.0)
        share = (first <= step_days * (m + 1)).mean()
        assert abs(share - p) <= 5 * math.sqrt(max(p * (1 - p), 1e-4) / RUNS), (m, share, p)


def test_the_length_is_a_parameter_listed_and_set_and_in_words():
    from simulator.charts.scenario import shock_value

    d = frozen_doc({"freeze_days": {"dist": "triangular", "low": 10, "mode": 20, "high": 60, "assumption": A}})
    rows = {r["name"]: r for r in json.loads(_cli(["params", _write(d), "--json"]).stdout)}
    assert "incident.freeze_days" in rows
    t = run(d, runs=100, overrides={"incident.freeze_days": 21.0})
    assert (days(t, "talks") == 28).all()
    c = Compiled(Scenario.model_validate(d))
    text = shock_value(c, c.scenario.calendar.shocks[0])
    assert "for triangular 10 / 20 / 60 days (drawn per run)" in text, text


@pytest.mark.parametrize("step_days", [7, 1])
def test_both_engines_give_the_same_records_and_logs(step_days):
    from simulator.batch.engine import BatchEngine
    from simulator.draws import run_seed
    from simulator.model import DiplomacyModel

    d = frozen_doc({"freeze_days": {"dist": "uniform", "low": 0, "high": 40, "assumption": A}}, step_days, 120)
    d["calendar"]["shocks"][0]["hazard"] = fixed(0.2)
    d["calendar"]["shocks"][0]["once"] = False
    c = Compiled(Scenario.model_validate(d))
    eng = BatchEngine(c)
    st = eng.run(3, range(20), events_for=20)
    batch = eng.table(st).to_pylist()
    for r in range(20):
        m = DiplomacyModel(c, run_seed(3, r))
        assert m.run() == batch[r]
        mine = [(k, kind, tr, ms, ac, det) for (p, rep, k, date, kind, tr, ms, ac, det) in eng.events if rep == r]
        assert [e[:6] for e in m.events] == mine


def test_diplosim_schema_lists_freeze_days():
    text = _cli(["schema"]).stdout
    for field in ("freeze_days", "freezes", "resume", "pressure_odds"):
        assert f'"{field}"' in text, field


@pytest.mark.parametrize("where,field,words", [
    ("both", "calendar.shocks[0].freeze_days", "give 'weeks' or 'freeze_days', not both"),
    ("nothing", "calendar.shocks[0].freeze_days", "it freezes nothing"),
    ("negative", "calendar.shocks[0].freeze_days", "must lie within [0, 3650]"),
    ("no_reason", "calendar.shocks[0].freeze_days", "give exactly one of"),
])
def test_each_misuse_is_one_line(where, field, words):
    freeze = {"freeze_days": fixed(10)}
    if where == "both":
        freeze["weeks"] = 2
    elif where == "negative":
        freeze["freeze_days"] = {"dist": "uniform", "low": -5, "high": 10, "assumption": A}
    elif where == "no_reason":
        freeze["freeze_days"] = {"value": 10}
    d = frozen_doc(freeze)
    if where == "nothing":
        d["calendar"]["shocks"][0]["freezes"] = []
    _one_error(d, field, words)


def test_the_battery_holds():
    from simulator.testing.properties import check_model

    sc = Scenario.model_validate(frozen_doc({"freeze_days": {"dist": "uniform", "low": 0, "high": 40,
                                                             "assumption": A}}))
    results = check_model(sc, runs=200, only=["renaming", "calendar_shift", "no_op_what_if", "step_invariance"])
    assert all(r.passed is not False for r in results), [r.sentence for r in results]


# ----------------------------------------------------------------------------- any milestone can freeze others

def breach_doc(n_days, step_days=7, span=200):
    """A breach (a unilateral step taken at once) freezes the talks for ``n_days`` days."""
    breach = {"id": "breach", "kind": "unilateral", "name": "Ceasefire breach", "actor": "b", "stakes": fixed(0.0),
              "assumption": A, "pace": {"b": {"act": fixed(1.0)}},
              "freezes": {"milestones": ["talks"], "days": n_days if isinstance(n_days, dict) else fixed(n_days)}}
    d = doc([meeting(pace=SURE), breach], step_days, span)
    d["schema_version"] = 3
    return d


@pytest.mark.parametrize("step_days", [1, 7, 14])
@pytest.mark.parametrize("n_days", [0, 10, 14, 30])
def test_a_milestone_freezes_others_as_a_shock_does(step_days, n_days):
    """The breach comes in step 0 (unilateral steps are decided before proposals), so the talks wait as they
    would for a shock in step 0 with the same days."""
    t = run(breach_doc(n_days, step_days), runs=20)
    expect = step_days * (math.ceil(n_days / step_days) + 1)
    assert (days(t, "talks") == expect).all(), (days(t, "talks")[:3], expect)
    assert (np.array(t.column("blocked.talks.-.freeze:breach").to_pylist()) > 0).all()


def test_a_random_freeze_by_a_milestone_and_its_words():
    from simulator.charts.scenario import milestone_value
    from simulator.lang.words import reason_text

    d = breach_doc({"dist": "uniform", "low": 0, "high": 60, "assumption": A}, 1)
    first = days(run(d), "talks")
    for x in (10, 30, 50):
        p = x / 60
        assert abs((first <= x + 1).mean() - p) <= 5 * math.sqrt(p * (1 - p) / RUNS)
    c = Compiled(Scenario.model_validate(d))
    assert "freezes Talks for uniform 0 to 60 days (drawn per run)" in milestone_value(c, c.milestones[1])
    assert reason_text(c, "-", "freeze:breach") == "frozen by Ceasefire breach"


@pytest.mark.parametrize("step_days", [7, 1])
def test_both_engines_agree_on_a_milestone_that_freezes(step_days):
    from simulator.batch.engine import BatchEngine
    from simulator.draws import run_seed
    from simulator.model import DiplomacyModel

    d = breach_doc({"dist": "uniform", "low": 0, "high": 30, "assumption": A}, step_days, 120)
    d["milestones"][1]["pace"] = {"b": {"act": fixed(0.1)}}
    d["milestones"][1]["repeat"] = True
    d["milestones"][0]["pace"] = {a: {"propose": fixed(0.2), "accept": fixed(0.5)} for a in ("a", "b")}
    d["milestones"][0]["repeat"] = True
    c = Compiled(Scenario.model_validate(d))
    eng = BatchEngine(c)
    st = eng.run(3, range(20), events_for=20)
    batch = eng.table(st).to_pylist()
    for r in range(20):
        m = DiplomacyModel(c, run_seed(3, r))
        assert m.run() == batch[r]
        mine = [(k, kind, tr, ms, ac, det) for (p, rep, k, date, kind, tr, ms, ac, det) in eng.events if rep == r]
        assert [e[:6] for e in m.events] == mine


@pytest.mark.parametrize("where,field,words", [
    ("itself", "milestones[1].freezes.milestones[0]", "'breach' cannot freeze itself"),
    ("unknown", "milestones[1].freezes.milestones[0]", "unknown milestone or track 'nope'"),
    ("empty", "milestones[1].freezes.milestones", "at least 1 item"),
    ("no_days", "milestones[1].freezes", "exactly one"),
    ("negative", "milestones[1].freezes.days", "must lie within [0, 3650]"),
])
def test_each_misuse_of_a_milestone_freeze_is_one_line(where, field, words):
    d = breach_doc(10)
    f = d["milestones"][1]["freezes"]
    if where == "itself":
        f["milestones"] = ["breach"]
    elif where == "unknown":
        f["milestones"] = ["nope"]
    elif where == "empty":
        f["milestones"] = []
    elif where == "no_days":
        del f["days"]
    elif where == "negative":
        f["days"] = fixed(-3)
    _one_error(d, field, words)


def test_the_battery_holds_on_a_milestone_freeze():
    from simulator.testing.properties import check_model

    sc = Scenario.model_validate(breach_doc({"dist": "uniform", "low": 0, "high": 40, "assumption": A}))
    results = check_model(sc, runs=200, only=["renaming", "calendar_shift", "no_op_what_if", "step_invariance"])
    assert all(r.passed is not False for r in results), [r.sentence for r in results]


# ----------------------------------------------------------------------------- an actor suspends, then resumes

def suspend_doc(resume, step_days=7, span=300, when=None):
    """Party b suspends the talks (its own step, with its own chance, while ``when`` holds); they resume with a
    weekly chance."""
    suspend = {"id": "suspend", "kind": "unilateral", "name": "Talks suspended", "actor": "b", "stakes": fixed(0.0),
               "assumption": A, "pace": {"b": {"act": fixed(1.0)}},
               "freezes": {"milestones": ["talks"], "resume": fixed(resume)}}
    if when is not None:
        suspend["requires"] = when
    d = doc([meeting(pace=SURE), suspend], step_days, span)
    d["schema_version"] = 3
    return d


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_a_suspension_resumes_with_its_weekly_chance(step_days):
    """Suspended in step 0; it lasts W whole weeks, P(W = n) = 0.25 * 0.75 ** n, and the talks come the step after
    the rest of step 0 and those weeks: on day s (ceil(7 W / s) + 1)."""
    first = days(run(suspend_doc(0.25, step_days)), "talks")
    on = lambda n: step_days * (math.ceil(7 * n / step_days) + 1)  # noqa: E731
    for w in range(0, 6):
        expect = on(w)
        p = sum(0.25 * 0.75 ** n for n in range(2000) if on(n) > expect)  # still waiting past that day
        share = (first > expect).mean()
        assert abs(share - p) <= 5 * math.sqrt(p * (1 - p) / RUNS), (w, share, p)


def test_a_sure_resumption_and_a_suspension_that_never_ends():
    assert (days(run(suspend_doc(1.0), runs=50), "talks") == 7).all()
    assert (days(run(suspend_doc(0.0), runs=50), "talks") == NEVER).all()


def test_a_suspension_only_under_its_conditions():
    """After a breach only: no breach, no suspension (the talks come at once)."""
    d = suspend_doc(0.0, when={"held": "breach"})
    d["milestones"].append({"id": "breach", "kind": "unilateral", "name": "Breach", "actor": "a",
                            "stakes": fixed(0.0), "assumption": A, "pace": {"a": {"act": fixed(0.0)}}})
    assert (days(run(d, runs=50), "talks") == 0).all()


@pytest.mark.parametrize("step_days", [7, 1])
def test_both_engines_agree_on_suspensions(step_days):
    from simulator.batch.engine import BatchEngine
    from simulator.draws import run_seed
    from simulator.model import DiplomacyModel

    d = suspend_doc(0.3, step_days, 150)
    d["milestones"][1].update(repeat=True, pace={"b": {"act": fixed(0.15)}})
    d["milestones"][0].update(repeat=True, pace={a: {"propose": fixed(0.3), "accept": fixed(0.6)} for a in "ab"})
    c = Compiled(Scenario.model_validate(d))
    eng = BatchEngine(c)
    st = eng.run(3, range(20), events_for=20)
    batch = eng.table(st).to_pylist()
    for r in range(20):
        m = DiplomacyModel(c, run_seed(3, r))
        assert m.run() == batch[r]
        mine = [(k, kind, tr, ms, ac, det) for (p, rep, k, date, kind, tr, ms, ac, det) in eng.events if rep == r]
        assert [e[:6] for e in m.events] == mine


def test_resume_words_parameter_and_errors():
    import json as _json

    from simulator.charts.scenario import milestone_value

    d = suspend_doc(0.2)
    c = Compiled(Scenario.model_validate(d))
    assert "freezes Talks until they resume (weekly chance 0.2)" in milestone_value(c, c.milestones[1])
    rows = {r["name"] for r in _json.loads(_cli(["params", _write(d), "--json"]).stdout)}
    assert "suspend.freezes.resume" in rows
    d["milestones"][1]["freezes"]["days"] = fixed(3)
    _one_error(d, "milestones[1].freezes", "give 'days' (how long) or 'resume'")
    d = suspend_doc(1.5)
    _one_error(d, "milestones[1].freezes.resume", "must lie within [0, 1]")


def test_unused_freezes_are_left_out_of_dumps():
    assert "freezes" not in Scenario.model_validate(doc([meeting()])).model_dump(mode="json")["milestones"][0]


# ----------------------------------------------------------------------------- coercive acts that pressure moves
# (the pressure about the act: tests/test_pressure_about_acts.py)

def strike_doc(b=None, mediated=True, step_days=7, harms=True):
    """Party a strikes (a repeatable step, weekly chance 0.3) while a mediator presses both parties for talks that
    never come (no one proposes them); the strike freezes the talks for a week (``harms``: it stands in their way, so
    the pressure for them is about it)."""
    strike = {"id": "strike", "kind": "unilateral", "name": "Strike", "actor": "a", "stakes": fixed(0.0),
              "assumption": A, "repeat": True, "pace": {"a": {"act": fixed(0.3)}}}
    if harms:
        strike["freezes"] = {"milestones": ["talks"], "days": fixed(7.0)}
    if b is not None:
        strike["pressure_odds"] = fixed(b)
    talks = meeting(pace={x: {"propose": fixed(0.0), "accept": fixed(0.0)} for x in "ab"})
    med = [{"mediator": "m", "rule": "deadline_pressure", "deadline": "end", "assumption": A,
            "pushes": [{"milestone": "talks"}]}] if mediated else []
    d = doc([talks, strike], step_days, 140, mediation=med)
    d["schema_version"] = 3
    d["actors"][2]["leverage"] = {"a": fixed(1.0), "b": fixed(1.0)}
    return d


def strikes(d, runs=2000):
    return np.array(run(d, runs=runs).column("count.strike").to_pylist())


def test_pressure_restrains_or_provokes_a_coercive_act():
    none, zero = strikes(strike_doc()), strikes(strike_doc(0.0))
    assert (none == zero).all()  # no effect at 0: the same draws, the same records
    less, more = strikes(strike_doc(-3.0)), strikes(strike_doc(3.0))
    assert less.mean() < zero.mean() - 1 < more.mean() - 2, (less.mean(), zero.mean(), more.mean())


@pytest.mark.parametrize("b", [-3.0, 3.0])
def test_without_pressure_the_act_keeps_its_stated_chance(b):
    first = days(run(strike_doc(b, mediated=False)), "strike")
    p = (first == 0).mean()
    assert abs(p - 0.3) <= 5 * math.sqrt(0.21 / RUNS), p


@pytest.mark.parametrize("step_days", [7, 1])
def test_both_engines_agree_on_coercive_acts(step_days):
    from simulator.batch.engine import BatchEngine
    from simulator.draws import run_seed
    from simulator.model import DiplomacyModel

    c = Compiled(Scenario.model_validate(strike_doc(-2.0, step_days=step_days)))
    eng = BatchEngine(c)
    st = eng.run(3, range(20), events_for=20)
    batch = eng.table(st).to_pylist()
    for r in range(20):
        m = DiplomacyModel(c, run_seed(3, r))
        assert m.run() == batch[r]
        mine = [(k, kind, tr, ms, ac, det) for (p, rep, k, date, kind, tr, ms, ac, det) in eng.events if rep == r]
        assert [e[:6] for e in m.events] == mine


def test_pressure_odds_is_a_parameter_in_words_and_checked():
    import json as _json

    from simulator.charts.scenario import milestone_value

    d = strike_doc(-2.0)
    rows = {r["name"] for r in _json.loads(_cli(["params", _write(d), "--json"]).stdout)}
    assert "strike.pressure_odds" in rows
    c = Compiled(Scenario.model_validate(d))
    said = milestone_value(c, c.milestones[1])
    assert "pressure about it and the steps it stands in the way of makes it less likely" in said, said
    d["schema_version"] = 2  # pressure on the actor, felt on all it decides
    c = Compiled(Scenario.model_validate(d))
    assert "pressure on its actor makes it less likely" in milestone_value(c, c.milestones[1])
    assert "pressure_odds" not in Scenario.model_validate(doc([meeting()])).model_dump(mode="json")["milestones"][0]
    _one_error(strike_doc(9.0), "milestones[1].pressure_odds", "must lie within [-5, 5]")
    d = strike_doc(-1.0)
    d["milestones"][1]["pressure_odds"] = {"value": -1.0}
    _one_error(d, "milestones[1].pressure_odds", "give exactly one of")


def test_the_new_numbers_have_words_for_people():
    from simulator.lang.words import human_label
    from tests.test_one_shot import well_doc

    def label(d, name):
        return human_label(name, Compiled(Scenario.model_validate(d)))

    assert label(frozen_doc({"freeze_days": fixed(10)}), "incident.freeze_days") == \
        "Days 'Border incident' freezes what it freezes"
    assert label(breach_doc(10), "breach.freezes.days") == "Days ceasefire breach freezes other steps"
    assert label(suspend_doc(0.2), "suspend.freezes.resume") == \
        "Weekly chance that the steps talks suspended froze resume"
    assert label(strike_doc(-1.0), "strike.pressure_odds").startswith("Change of the log odds of strike")
    assert label(well_doc(), "drill.outcome.success") == "Chance that exploration well drilled succeeds"


def test_the_fragile_screen_moves_the_new_numbers():
    from pathlib import Path
    from types import SimpleNamespace

    from simulator.analysis.fragile import parameters
    from tests.test_one_shot import well_doc

    for d, name in ((frozen_doc({"freeze_days": fixed(10)}), "incident.freeze_days"),
                    (breach_doc(10), "breach.freezes.days"), (suspend_doc(0.2), "suspend.freezes.resume"),
                    (strike_doc(-1.0), "strike.pressure_odds"), (well_doc(), "drill.outcome.success")):
        sc = Scenario.model_validate(d)
        screened = {p.name for p in parameters(SimpleNamespace(scenario=sc, path=Path("s.yaml")), Compiled(sc))}
        assert name in screened, name


@pytest.mark.parametrize("which", ["suspend", "strike"])
def test_the_battery_holds_on_suspensions_and_coercive_acts(which):
    from simulator.testing.properties import check_model

    sc = Scenario.model_validate(suspend_doc(0.3) if which == "suspend" else strike_doc(-1.5))
    results = check_model(sc, runs=200, only=["renaming", "calendar_shift", "no_op_what_if", "step_invariance"])
    assert all(r.passed is not False for r in results), [r.sentence for r in results]


def test_a_chance_to_resume_may_be_stated_as_a_chance_within_days():
    """Resumed within 28 days with chance 0.5: the weekly chance 1 - 0.5 ** (7 / 28)."""
    d = suspend_doc(0.2)
    d["milestones"][1]["freezes"]["resume"] = {"chance_within": {"p": 0.5, "days": 28}, "assumption": A}
    c = Compiled(Scenario.model_validate(d))
    assert abs(c.table.params["suspend.freezes.resume"].value - (1 - 0.5 ** 0.25)) < 1e-9
    first = days(run(d), "talks")
    assert abs((first > 28).mean() - 0.5) <= 5 * math.sqrt(0.25 / RUNS)  # W >= 4 weeks: (1 - p) ** 4 = 0.5
