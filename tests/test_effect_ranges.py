"""Parameter changes (effects) keep each parameter within its allowed range: checked for every value a run can
draw, and for several changes stacked; what still leaves the range by arithmetic at run time (a change applied
again) is clipped to it, the same on both engines (docs/scenarios.md, "Effects")."""

import copy
import datetime as dt

import pytest
import yaml
from typer.testing import CliRunner

from simulator.cli import app
from simulator.compiled import Compiled
from simulator.runner import run_replications
from simulator.scenario.schema import Scenario

A = "Constructed for a test."
START = dt.date(2024, 1, 1)


def fixed(v):
    return {"value": v, "assumption": A}


def doc(effects, *, hazard=None, extra_milestones=(), calendar_events=()):
    """Party a (hazard rule) takes `step` once `start_talks` (b, at once) has happened; `start_talks` carries
    ``effects`` on a's weekly chance."""
    return {
        "schema_version": 2,
        "metadata": {"title": "T", "description": "T", "as_of": START},
        "sources": [{"id": "s", "title": "t", "publisher": "p", "date": START}],
        "actors": [
            {"id": "a", "name": "A", "role": "party", "rule": "hazard",
             "params": {"hazard": hazard or fixed(0.001)}},
            {"id": "b", "name": "B", "role": "party", "rule": "hazard", "params": {"hazard": fixed(1.0)}},
        ],
        "milestones": [
            {"id": "start_talks", "name": "Start", "kind": "unilateral", "actor": "b", "stakes": fixed(0.0),
             "effects": effects, "assumption": A},
            {"id": "step", "name": "Step", "kind": "unilateral", "actor": "a", "stakes": fixed(0.0),
             "requires": {"held": "start_talks"}, "assumption": A},
            *extra_milestones,
        ],
        "calendar": {"start": START, "end": START + dt.timedelta(weeks=30), "events": list(calendar_events)},
        "dynamics": {"pressure_decay": fixed(0.5), "sharpness": fixed(5.0)},
        "questions": [{"id": "q", "text": "?", "date_of": "step"}],
    }


def change(op, value, param="a.hazard"):
    return {"param": param, "op": op, "value": value, "assumption": A}


def validate(tmp_path, d):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")
    return path, CliRunner().invoke(app, ["validate", str(path)])


@pytest.mark.parametrize("effects,hazard,message", [
    ([change("set", 1.7)], None, "sets 'a.hazard' to 1.7, outside its allowed range [0, 1]"),
    ([change("set", -0.1)], None, "sets 'a.hazard' to -0.1, outside its allowed range [0, 1]"),
    ([change("add", -0.2)], {"dist": "uniform", "low": 0.1, "high": 0.5, "assumption": A},
     "adding -0.2 to 'a.hazard' (drawn 0.1 to 0.5) gives -0.1 to 0.3, outside its allowed range [0, 1]"),
    # the median (0.3) plus 0.6 is within range; the highest drawn value is not
    ([change("add", 0.6)], {"dist": "triangular", "low": 0.1, "mode": 0.3, "high": 0.5, "assumption": A},
     "adding 0.6 to 'a.hazard' (drawn 0.1 to 0.5) gives 0.7 to 1.1, outside its allowed range [0, 1]"),
])
def test_a_change_that_leaves_the_range_for_some_drawn_value_is_one_line(effects, hazard, message, tmp_path):
    path, result = validate(tmp_path, doc(effects, hazard=hazard))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].endswith(f": milestones[0].effects[0].value: {message}"), result.stderr
    assert lines[0].startswith(f"{path}:")


def test_changes_that_leave_the_range_only_together_are_refused(tmp_path):
    extra = {"id": "later", "name": "Later", "kind": "unilateral", "actor": "b", "stakes": fixed(0.0),
             "requires": {"held": "start_talks"}, "effects": [change("add", 0.6)], "assumption": A}
    alone, result = validate(tmp_path, doc([change("add", 0.6)], hazard=fixed(0.1)))
    assert result.exit_code == 0, result.output
    path, result = validate(tmp_path, doc([change("add", 0.6)], hazard=fixed(0.1), extra_milestones=[extra]))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].endswith(
        ": milestones[2].effects[0].value: with the other changes of 'a.hazard' (milestones[0].effects[0]) it can "
        "reach 1.3 in a run (drawn 0.1), outside its allowed range [0, 1]"), result.stderr


def test_an_election_s_two_outcomes_do_not_stack(tmp_path):
    d = doc([], hazard=fixed(0.1))
    d["calendar"]["elections"] = [{
        "name": "E", "incumbent": "a", "challenger": "b", "round1": START + dt.timedelta(weeks=3),
        "p_runoff": fixed(0.0), "base_win": fixed(0.5), "progress_effect": fixed(0.0), "assumption": A,
        "after_win": [change("add", 0.6)], "after_loss": [change("add", 0.6)]}]
    _, result = validate(tmp_path, d)
    assert result.exit_code == 0, result.output


def records(d, engine, runs=300):
    table, _ = run_replications(Compiled(Scenario.model_validate(d)), 7, list(range(runs)), engine=engine)
    return table.to_pylist()


def test_a_weekly_chance_set_to_0_999_makes_the_step_happen_the_first_week_it_can_on_both_engines():
    d = doc([change("set", 0.999)])
    for engine in ("batch", "mesa"):
        rows = records(d, engine)
        gaps = [(r["first.step"] - r["first.start_talks"]).days for r in rows]
        assert sum(g == 7 for g in gaps) >= 0.99 * len(rows), (engine, sorted(set(gaps)))


def test_a_change_that_goes_below_zero_at_run_time_is_clipped_at_zero_on_both_engines():
    """A repeated milestone takes 0.3 off a's chance each week (0.5, 0.2, then -0.1: clipped to 0), and a dated
    event adds 0.2 later. With the clip, a's chance is 0 after the second repetition and 0.2 after the event,
    exactly as when the repetition sets it to 0; without it, the event would leave it at 0.1 or below."""
    tick = {"id": "tick", "name": "Tick", "kind": "unilateral", "actor": "b", "stakes": fixed(0.0), "repeat": True,
            "effects": [change("add", -0.3)], "assumption": A}
    lift = {"id": "lift", "name": "Lift", "date": START + dt.timedelta(weeks=8), "effects": [change("add", 0.2)],
            "assumption": A}
    clipped = doc([], hazard=fixed(0.5), extra_milestones=[tick], calendar_events=[lift])
    clipped["milestones"][1]["requires"] = {"count": {"of": "tick", "at_least": 3}}
    as_if_zero = copy.deepcopy(clipped)
    as_if_zero["milestones"][2]["effects"] = [change("set", 0.0)]
    ours = records(clipped, "batch")
    assert ours == records(as_if_zero, "batch")
    assert ours == records(clipped, "mesa")
    happened = [r["first.step"] for r in ours if r["first.step"] is not None]
    assert happened and min(happened) >= lift["date"]  # the chance was 0 until the event, then 0.2
