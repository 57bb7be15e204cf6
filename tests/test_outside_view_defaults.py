"""Class curves as the default pace (issue 23 item 4): a milestone with its own ``class:`` and no ``pace:`` follows its
reference class's curve since it became possible; ``adjust:`` moves it (odds, shift_days, each with a reason); the
outside-view scenarios (``outside_view/views.py``: ``outside_view``, ``with_defaults``, ``adjustments``); frozen
corpus scenarios, classed only through the side file, run as written."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from simulator import layout as L
from simulator.compiled import Compiled
from simulator.outside_view import views
from simulator.runner import run_replications
from simulator.scenario import load
from simulator.scenario.params import ParameterTable
from simulator.scenario.schema import Scenario
from simulator.scenario.semantics import check

from .test_pace import PUSH, START, A, _cli, _one_error, _write, doc, fixed, meeting

RUNS = 6000
NEVER = 10 ** 9
REASON = "This case differs: both sides said so in public."


def classed_step(klass="ceasefire", mid="step", actor="a", **kw):
    return {"id": mid, "kind": "unilateral", "name": mid.title(), "actor": actor, "stakes": fixed(0.5),
            "assumption": A, "class": klass, **kw}


def days_until(d, runs=RUNS, mid=None, overrides=None, engine="batch"):
    sc = Scenario.model_validate(d)
    assert check(sc, None, check_sources=False) == []
    table, _ = run_replications(Compiled(sc), 11, list(range(runs)), engine=engine, overrides=overrides)
    dates = table.column(L.first(mid or d["milestones"][0]["id"])).to_pylist()
    return np.array([NEVER if x is None else (x - START).days for x in dates])


def bound(p, n=RUNS):
    return 4.5 * math.sqrt(max(p * (1 - p), 1e-4) / n)


def curve(name):
    """The class's Kaplan–Meier chance by day, counted from the dataset (statsmodels), as a dict day -> chance."""
    from simulator.outside_view.curves import GRID, chance_within, counted_spells

    table, _ = counted_spells()
    rows = table[table["class"] == name]
    out = chance_within(rows["duration_days"].to_numpy(float), rows["event"].to_numpy(bool), np.array(GRID))
    return dict(zip(GRID, out))


# ----------------------------------------------------------------------------- the curve is the default pace

@pytest.mark.parametrize("klass", ["ceasefire", "talks_round"])
def test_a_classed_step_without_a_pace_follows_its_class_curve(klass):
    """Possible from day 0, at daily steps: its chance within 30, 90 and 365 days is its class's curve there (the
    actor's rule, which would never act with a concession rate of 0, is not asked)."""
    c = curve(klass)
    t = days_until(doc(1, [classed_step(klass)], days=400))
    for window in (30, 90, 365):
        assert abs((t < window).mean() - c[window]) <= bound(c[window]), (klass, window, (t < window).mean(),
                                                                           c[window])


@pytest.mark.parametrize("step_days", [7, 14])
def test_a_classed_meeting_follows_its_curve_at_longer_steps_and_a_mediator_does_not_speed_it_up(step_days):
    """A meeting classed as a round of talks, pushed by a mediator every step: its first actor puts it on the table,
    its acceptance follows the curve, so its chance by day 28, 84 and 364 is the curve's (weekly points)."""
    c = curve("talks_round")
    m = meeting(**{"class": "talks_round"})
    t = days_until(doc(step_days, [m], mediation=PUSH, days=400))
    for window in (28, 84, 364):
        assert abs((t < window).mean() - c[window]) <= bound(c[window]), (window, (t < window).mean(), c[window])


def test_a_stated_pace_wins_over_the_class_curve():
    m = classed_step(pace={"a": {"act": fixed(0.0)}})
    assert (days_until(doc(7, [m]), runs=300) == NEVER).all()


def test_adjust_odds_2_multiplies_the_odds_of_each_weeks_chance():
    c = curve("ceasefire")
    weeks = range(0, 364, 7)
    h = [1 - (1 - c[w + 7]) / (1 - c[w]) for w in weeks]  # the curve's chance in each week, given not before
    h2 = [2 * x / (1 - x) / (1 + 2 * x / (1 - x)) for x in h]
    expect = {w + 7: 1 - np.prod([1 - x for x in h2[: i + 1]]) for i, w in enumerate(weeks)}
    d = doc(7, [classed_step(adjust={"odds": 2, "reason": REASON})], days=400)
    t = days_until(d)
    for window in (28, 91, 364):
        got = (t < window).mean()
        assert abs(got - expect[window]) <= bound(expect[window]), (window, got, expect[window])
        assert got > c[window] + 0.03  # and it moved up from the curve
    # the odds are a parameter: --set back to 1 gives the curve
    t1 = days_until(d, overrides={"step.adjust.odds": 1.0})
    assert abs((t1 < 91).mean() - c[91]) <= bound(c[91])


def test_adjust_shift_days_moves_the_curve_later():
    c = curve("ceasefire")
    t = days_until(doc(7, [classed_step(adjust={"shift_days": 28, "reason": REASON})], days=400))
    assert t.min() >= 28
    for window in (56, 119, 364):
        expect = c[window - 28]
        assert abs((t < window).mean() - expect) <= bound(expect), (window, (t < window).mean(), expect)


def test_both_engines_agree_on_class_curves_and_adjustments():
    ms = [classed_step(adjust={"odds": 0.5, "shift_days": -14, "reason": REASON}),
          meeting(**{"class": "talks_round", "requires": {"held": "step"}})]
    d = doc(7, ms, mediation=PUSH, days=300)
    for mid in ("step", "talks"):
        assert (days_until(d, runs=40, mid=mid, engine="mesa") == days_until(d, runs=40, mid=mid)).all()


# ----------------------------------------------------------------------------- parameters and errors

def test_adjustments_are_parameters_listed_by_params():
    d = doc(7, [classed_step(adjust={"odds": 2, "shift_days": 10, "reason": REASON})])
    table = ParameterTable(Scenario.model_validate(d))
    assert table.params["step.adjust.odds"].value == 2 and table.params["step.adjust.shift_days"].value == 10
    rows = {r["name"]: r for r in json.loads(_cli(["params", _write(d), "--json"]).stdout)}
    assert rows["step.adjust.odds"]["source"] == REASON


@pytest.mark.parametrize("extra,field,words", [
    ({"adjust": {"odds": 2, "reason": REASON}, "class": None}, "milestones[0].adjust",
     "'step' has no class: 'adjust' moves a class curve"),
    ({"adjust": {"odds": 2}}, "milestones[0].adjust.reason", "required field missing"),
    ({"adjust": {"reason": REASON}}, "milestones[0].adjust", "give 'odds' (a multiplier of the odds) or 'shift_days'"),
    ({"adjust": {"odds": 0, "reason": REASON}}, "milestones[0].adjust", "adjust.odds must be a number > 0"),
    ({"adjust": {"odds": 2, "reason": REASON}, "pace": {"a": {"act": fixed(0.1)}}}, "milestones[0].adjust",
     "states its own pace, so its class curve does not apply"),
    ({"adjust": {"factor": 2, "reason": REASON}}, "milestones[0].adjust.factor", "unknown field"),
    ({"class": "cease"}, "milestones[0].class", "unknown class (known: talks_opened"),
])
def test_each_misuse_of_class_defaults_is_one_line(extra, field, words):
    m = classed_step()
    m.update(extra)
    if m.get("class") is None:
        m.pop("class")
    _one_error(doc(7, [m]), field, words)


# ----------------------------------------------------------------------------- the outside-view scenarios

def _folder(tmp_path, d, side=None):
    path = tmp_path / "sc.yaml"
    path.write_text(yaml.safe_dump(json.loads(json.dumps(d, default=str)), sort_keys=False))
    if side is not None:
        (tmp_path / "milestone_classes.yaml").write_text(yaml.safe_dump({"sc.yaml": side}))
    return load(path, check_sources=False)


def test_a_milestone_classed_only_by_the_side_file_runs_as_written_unless_asked(tmp_path):
    """Like a frozen corpus scenario: its classes are in the side file, so a plain run keeps its rule; the views
    give it the class curve."""
    plain = {"id": "step", "kind": "unilateral", "name": "Step", "actor": "a", "stakes": fixed(0.5), "assumption": A}
    loaded = _folder(tmp_path, doc(7, [plain], days=400), side={"step": "ceasefire"})
    assert Compiled(loaded.scenario).scenario is loaded.scenario
    table, _ = run_replications(Compiled(loaded.scenario), 11, list(range(300)), engine="batch")
    assert table.column(L.first("step")).null_count == 300  # its rule never acts (concession rate 0)
    for view in (views.outside_view(loaded), views.with_defaults(loaded)):
        pace = view.scenario.milestones[0].pace
        assert pace is not None and pace.follows_class()
        table, _ = run_replications(Compiled(view.scenario), 11, list(range(2000)), engine="batch")
        assert 0.3 < 1 - table.column(L.first("step")).null_count / 2000 < 0.95


def test_outside_view_leaves_out_the_authors_paces_and_adjustments_and_keeps_the_structure(tmp_path):
    ms = [classed_step(adjust={"odds": 3, "reason": REASON}),
          classed_step("talks_round", mid="other", actor="b", pace={"b": {"act": fixed(0.0)}},
                       requires={"held": "step"}),
          {"id": "free", "kind": "unilateral", "name": "Free", "actor": "b", "stakes": fixed(0.5), "assumption": A,
           "pace": {"b": {"act": fixed(0.25)}}}]
    loaded = _folder(tmp_path, doc(7, ms))
    ov = views.outside_view(loaded)
    by = {m.id: m for m, _ in ov.scenario.all_milestones}
    assert by["step"].adjust is None and by["step"].pace.follows_class()
    assert by["other"].pace.follows_class() and by["other"].requires is not None  # the gate stays
    assert by["free"].pace.root["b"].act.value == 0.25  # not classed: as written
    wd = views.with_defaults(loaded)
    by = {m.id: m for m, _ in wd.scenario.all_milestones}
    assert by["step"].adjust.odds == 3 and by["step"].pace.follows_class()
    assert not by["other"].pace.follows_class()  # its author's pace stands
    assert isinstance(views.with_defaults(loaded.scenario), Scenario)  # a bare Scenario gives a Scenario back


def test_adjustments_list_each_number_and_without_removes_one(tmp_path):
    loaded = _folder(tmp_path, doc(7, [classed_step(adjust={"odds": 2, "shift_days": 14, "reason": REASON})]))
    rows = views.adjustments(loaded)
    assert [(a.milestone, a.actor, a.what, a.value, a.parameter, a.neutral) for a in rows] == [
        ("step", "a", "odds", 2.0, "step.adjust.odds", 1.0), ("step", "a", "shift_days", 14.0,
                                                              "step.adjust.shift_days", 0.0)]
    assert all(a.reason == REASON and "Step" in a.label for a in rows)
    left = views.without(loaded, rows[0]).scenario.milestones[0].adjust
    assert left.odds is None and left.shift_days == 14


def test_leave_one_out_counts_the_curves_without_a_negotiation(tmp_path):
    from simulator.outside_view.curves import counted_spells

    table, _ = counted_spells()
    neg = table[table["class"] == "ceasefire"]["negotiation"].iloc[0]
    full, without = views.class_curves()["ceasefire"], views.class_curves([neg])["ceasefire"]
    assert full != without
    loaded = _folder(tmp_path, doc(7, [classed_step()]))
    shape = views.outside_view(loaded, exclude=[neg]).scenario.milestones[0].pace.root["a"].act
    assert shape.class_curve.excluded == [neg] and tuple(shape.class_curve.chance) == without[1]
    with pytest.raises(ValueError, match="unknown negotiation"):
        views.outside_view(loaded, exclude=["no_such_negotiation"])


def test_a_view_runs_through_the_api(tmp_path):
    import simulator

    loaded = _folder(tmp_path, doc(7, [classed_step()], days=200))
    forecast = simulator.run(views.outside_view(loaded), runs=200, seed=1)
    by_end = forecast.to_pandas().set_index("id").loc["when", "p"]
    assert 0.5 < by_end < 0.9  # the ceasefire curve by day 203 (71%), not the rule's never


def test_corpus_scenarios_are_not_changed_by_a_plain_run():
    """Their milestones are classed through the side file only: the compiled scenario is the one loaded."""
    from simulator.analysis.observed import corpus_scenarios

    for path in corpus_scenarios(Path("scenarios")):
        sc = load(path).scenario
        assert Compiled(sc).scenario is sc, path.name


def test_the_counted_curves_are_kept_on_disk_and_read_back_without_counting(tmp_path, monkeypatch):
    import simulator.outside_view.curves as curves_module

    table, _ = curves_module.counted_spells()
    neg = str(table["negotiation"].iloc[0])
    monkeypatch.setenv("DIPLOSIM_CACHE", str(tmp_path / "cache"))
    views._counted.cache_clear()
    first = views.class_curves([neg])
    views._counted.cache_clear()

    def no_counting(*args, **kwargs):
        raise AssertionError("counted again")

    monkeypatch.setattr(curves_module, "counted_spells", no_counting)
    assert views.class_curves([neg]) == first
    views._counted.cache_clear()


def test_the_schema_shows_adjust_and_the_class_curve():
    r = _cli(["schema"])
    assert r.exit_code == 0
    for word in ("shift_days", "class_curve", "why this case differs from its reference class"):
        assert word in r.output, word


def test_the_scenario_view_says_a_step_follows_its_class_curve_and_how_it_is_adjusted():
    sc = Scenario.model_validate(doc(7, [classed_step(adjust={"odds": 2, "reason": REASON}),
                                         meeting(**{"class": "talks_round"})]))
    c = Compiled(sc)
    step, talks = (m.table_words(c.words) for m in c.milestones)
    assert step[0] == f"adjusted from its class curve: odds x2: {REASON}"
    assert step[1].startswith("follows the curve of the reference class 'ceasefire agreed' (ceasefire) (")
    assert step[1].endswith("within 365 days): A takes it")
    assert talks == [talks[0]] and "A puts it on the table whenever it can and its yes carries the curve" in talks[0]
