"""Every condition kind says which milestones it requires (``Condition.milestones``, abstract): mediators route
toward them and prerequisite cycles are found through them, `within` included; a milestone kind says which rule
method its actors decide with (``MilestoneBase.decision``), and the step asks that one."""

import datetime as dt

import pytest
import yaml
from typer.testing import CliRunner

from simulator.cli import app
from simulator.compiled import Compiled
from simulator.lang.conditions import KINDS, Condition
from simulator.lang.milestones import Unilateral
from simulator.runner import run_replications
from simulator.scenario.schema import Scenario

A = "Constructed for a test."
START = dt.date(2024, 1, 1)


def fixed(v):
    return {"value": v, "assumption": A}


def party(ident, **params):
    willing = {"flexibility": fixed(1.0), "resolve": fixed(0.0), "pressure_sensitivity": fixed(0.0),
               "concession_rate": fixed(1.0), "initiative": fixed(0.0)}  # accepts anything, proposes nothing
    willing.update({k: fixed(v) for k, v in params.items()})
    return {"id": ident, "name": ident.upper(), "role": "party", "params": willing}


def meeting(ident, **extra):
    return {"id": ident, "name": ident, "kind": "meeting", "attendees": ["a", "b"], "stakes": fixed(0.0),
            "assumption": A, **extra}


def doc(milestones, *, mediation=True, actors=None):
    d = {
        "schema_version": 2,
        "metadata": {"title": "T", "description": "T", "as_of": START},
        "sources": [{"id": "s", "title": "t", "publisher": "p", "date": START}],
        "actors": actors or [party("a"), party("b"),
                             {"id": "m", "name": "M", "role": "mediator",
                              "leverage": {"a": fixed(0.5), "b": fixed(0.5)}}],
        "milestones": milestones,
        "calendar": {"start": START, "end": START + dt.timedelta(weeks=12)},
        "dynamics": {"pressure_decay": fixed(0.5), "sharpness": fixed(60.0)},
        "questions": [{"id": "q", "text": "?", "date_of": milestones[-1]["id"]}],
    }
    if mediation:
        d["mediation"] = [{"mediator": "m", "deadline": "end", "pushes": [{"milestone": milestones[-1]["id"]}],
                           "assumption": A}]
    return d


def test_every_condition_kind_says_which_milestones_it_requires():
    assert "milestones" in Condition.__abstractmethods__
    for key, cls in KINDS.items():
        assert "milestones" in vars(cls), f"condition kind '{key}' does not say which milestones it names"

    class Forgetful(Condition):  # a new kind that forgets to answer cannot be made
        key = "forgetful"
        forgetful: str

    with pytest.raises(TypeError, match="milestones"):
        Forgetful(forgetful="x")


def test_a_mediator_routes_toward_a_milestone_named_only_inside_within():
    d = doc([meeting("x"), meeting("goal", requires={"within": {"of": "x", "days": 60}})])
    c = Compiled(Scenario.model_validate(d))
    assert c.prereqs["goal"] == ["x"]
    for engine in ("batch", "mesa"):
        rows = run_replications(c, 1, list(range(20)), engine=engine)[0].to_pylist()
        # nobody proposes: x is held only because the mediator puts it on the table on the way to the goal
        assert all(r["first.x"] == START for r in rows), engine
        assert all(r["first.goal"] == START + dt.timedelta(weeks=1) for r in rows), engine


def test_a_prerequisite_cycle_through_within_is_reported(tmp_path):
    d = doc([meeting("x", requires={"within": {"of": "goal", "days": 30}}),
             meeting("goal", requires={"held": "x"})], mediation=False)
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "prerequisite cycle (each must come before the next): " in lines[0], result.stderr
    assert lines[0].split(": prerequisite cycle")[0].endswith("milestones[0].requires") or \
        lines[0].split(": prerequisite cycle")[0].endswith("milestones[1].requires")


def test_the_step_asks_a_milestone_kind_s_own_decision(monkeypatch):
    """A unilateral step is decided by the rule's `concede` (concession_rate 0 here: never); told to decide with
    `accept` instead (certain here), the step asks that method."""
    step = {"id": "step", "name": "Step", "kind": "unilateral", "actor": "a", "stakes": fixed(0.0),
            "assumption": A}
    d = doc([step], mediation=False, actors=[party("a", concession_rate=0.0), party("b")])
    c = Compiled(Scenario.model_validate(d))
    for engine in ("batch", "mesa"):
        assert all(r["first.step"] is None for r in run_replications(c, 1, range(10), engine=engine)[0].to_pylist())
    monkeypatch.setattr(Unilateral, "decision", "accept")
    for engine in ("batch", "mesa"):
        rows = run_replications(c, 1, list(range(10)), engine=engine)[0].to_pylist()
        assert all(r["first.step"] == START for r in rows), engine
