"""Where the forecast and its writer's priors part (``analysis.gap``, ``simulator.explain_gap``, ``diplosim run``):
the milestones the yes-runs pass through, each gate and repeated chance on the way with how many steps it was
drawn, on a constructed scenario whose numbers are known."""

import datetime as dt
import json
import math

import pytest
import yaml
from typer.testing import CliRunner

import simulator
from simulator.cli import app

A = "Constructed for a test."
START = dt.date(2024, 1, 1)
WEEKLY = 0.1  # the first step's stated weekly chance
RUNS = 3000


def fixed(v):
    return {"value": v, "assumption": A}


def party(pid):
    return {"id": pid, "name": pid.upper(), "role": "party", "rule": "threshold",
            "params": {"initiative": fixed(0.0), "flexibility": fixed(0.5), "resolve": fixed(1.0),
                       "pressure_sensitivity": fixed(0.0), "concession_rate": fixed(0.0)}}


def step(sid, name, weekly, **kw):
    return {"id": sid, "kind": "unilateral", "name": name, "actor": "a", "stakes": fixed(2.0), "assumption": A,
            "pace": {"a": {"act": fixed(weekly)}}, **kw}


def scenario(tmp_path, prior_second=0.05, prior_first=None):
    """`first` comes with a weekly chance of 10%; `second`, gated on `first`, comes the week after it (its gate holds
    from the next step; chance 1): the question on `second` by week 10 is yes in 1 - 0.9^9 = 61% of runs."""
    by = START + dt.timedelta(days=7 * 10 - 1)
    d = {
        "schema_version": 2,
        "metadata": {"title": "Gap", "description": "Two steps, the second gated on the first.", "as_of": START},
        "sources": [{"id": "s", "title": "t", "publisher": "p", "date": START}],
        "actors": [party("a"), party("b")],
        "milestones": [step("first", "The first step", WEEKLY),
                       step("second", "The second step", 1.0, requires={"held": "first"})],
        "calendar": {"start": START, "end": START + dt.timedelta(days=200), "step_days": 7},
        "dynamics": {"pressure_decay": fixed(0.5), "sharpness": fixed(8.0)},
        "questions": [
            {"id": "second_by", "text": "Is the second step taken by week 10?", "when": {"held": "second"}, "by": by,
             "prior": fixed(prior_second)},
            {"id": "first_by", "text": "Is the first step taken by week 10?", "when": {"held": "first"}, "by": by,
             **({"prior": fixed(prior_first)} if prior_first is not None else {})}],
    }
    path = tmp_path / "gap.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")
    return path


def test_the_gap_names_the_path_the_gate_and_the_repeated_chance_with_its_draws(tmp_path):
    forecast = simulator.run(scenario(tmp_path, prior_first=0.65), runs=RUNS, seed=3)
    gap = simulator.explain_gap(forecast)
    by_id = {q["id"]: q for q in gap["questions"]}
    expect = 1 - (1 - WEEKLY) ** 9
    q = by_id["second_by"]
    assert abs(q["forecast"] - expect) < 5 * math.sqrt(expect * (1 - expect) / RUNS)
    assert q["prior"] == 0.05 and q["explained"] and q["gap"] == pytest.approx(q["forecast"] - 0.05)
    # within 15 points of its prior: not explained (no paths, no chances)
    assert not by_id["first_by"]["explained"] and "paths" not in by_id["first_by"]
    paths = {r["milestone"]: r for r in q["paths"]}
    assert paths["first"]["share_of_yes"] == 1.0 and paths["second"]["share_of_no"] == 0.0
    chances = {c["milestone"]: c for c in q["chances"]}
    assert list(chances) == ["second", "first"]  # the question's milestone, then what its gate requires
    first, second = chances["first"], chances["second"]
    # the repeated weekly chance, counted from the runs: happened / weeks on the table, about the stated 10%
    assert abs(first["chance_per_step"] - WEEKLY) < 0.01
    assert first["gate"] is None and first["steps_open_mean"] == 10  # no gate: on the table every week of the window
    assert first["compounded"] == pytest.approx(1 - (1 - first["chance_per_step"]) ** 10)
    # the first step's draws: the weeks before it came (all 10 where it never came)
    assert abs(first["steps_on_table_mean"] - sum((1 - WEEKLY) ** k for k in range(10))) < 0.2
    assert first["stated"][0].startswith("A takes it: 36% within 30 days")  # the writer's own words: 1 - 0.9^(30/7)
    # the gated step: its gate held in the runs where the first step came, and it then came at once
    assert second["gate"] == "The first step has happened"
    assert second["gate_held_share"] == pytest.approx(q["forecast"])
    assert second["chance_per_step"] == 1.0
    words = " ".join(q["sentences"])
    assert f"The forecast ({100 * q['forecast']:.0f}%) is" in words
    assert "The first step" in words and "week on the table" in words and "points above" in words


def test_without_priors_nothing_is_explained_and_a_forecast_below_its_prior_says_below(tmp_path):
    gap = simulator.explain_gap(scenario(tmp_path, prior_second=0.99), runs=400, seed=1)
    q = next(q for q in gap["questions"] if q["id"] == "second_by")
    assert q["explained"] and q["gap"] < 0 and "points below" in q["sentences"][0]
    assert [q["id"] for q in gap["questions"]] == ["second_by"]  # only questions with a prior


def test_run_prints_the_gap_and_puts_it_in_the_json(tmp_path):
    path = scenario(tmp_path)
    res = CliRunner().invoke(app, ["run", str(path), "-n", "300", "--no-fragile"])
    assert res.exit_code == 0, res.output
    assert "Where the forecast and the writer's priors part by more than 15 points" in res.output
    assert "in a week on the table it happened" in res.output
    res = CliRunner().invoke(app, ["run", str(path), "-n", "300", "--no-fragile", "--json"])
    gap = json.loads(res.stdout)["priors_gap"]
    assert gap["questions"][0]["id"] == "second_by" and gap["questions"][0]["explained"]


@pytest.mark.parametrize("threshold", [0, 1, -0.1, 15])
def test_a_threshold_that_is_not_a_share_is_one_line(tmp_path, threshold):
    with pytest.raises(ValueError, match=r"^threshold: .* is not a share between 0 and 1 \(0.15 is 15 points\)$"):
        simulator.explain_gap(scenario(tmp_path), runs=20, threshold=threshold)


def test_a_milestone_that_came_before_the_window_is_counted_apart(tmp_path):
    """A question on the second step from week 5: in the runs where the first step came before week 5, nothing of
    it was drawn within the window; the repeated chance is counted over the other runs only."""
    import numpy as np

    from simulator import layout as L

    path = scenario(tmp_path)
    d = yaml.safe_load(path.read_text())
    d["questions"][0]["from"] = (START + dt.timedelta(days=35)).isoformat()
    path.write_text(yaml.safe_dump(d, sort_keys=False))
    forecast = simulator.run(path, runs=RUNS, seed=4)
    q = next(q for q in simulator.explain_gap(forecast)["questions"] if q["id"] == "second_by")
    first = next(c for c in q["chances"] if c["milestone"] == "first")
    dates = forecast.runs.column(L.first("first")).to_pylist()
    before = np.mean([x is not None and x < START + dt.timedelta(days=35) for x in dates])
    assert first["before_share"] == pytest.approx(before) and 0.2 < before < 0.6
    assert abs(first["chance_per_step"] - WEEKLY) < 0.015  # the same weekly chance, over the runs still waiting
    words = " ".join(q["sentences"])
    assert f"it had happened before the question's window in {100 * before:.0f}% of runs; in the other runs" in words
