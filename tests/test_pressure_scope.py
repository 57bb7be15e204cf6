"""A mediator's pressure acts on the steps it is about (issue 22 item 1).

Pressing for talks (the mediator's goal and the steps on its way there) makes the pressed parties likelier to take
those steps only; a step on no path of that mediator (a border reopening) is decided without it.
"""

import datetime as dt

import numpy as np
import pytest

from simulator import layout as L
from simulator.compiled import Compiled
from simulator.runner import run_replications
from simulator.scenario.schema import Scenario
from simulator.scenario.semantics import check

A = "Constructed for a test."
START = dt.date(2024, 1, 1)


def fixed(v):
    return {"value": v, "assumption": A}


def party(pid, sensitivity=2.0):
    return {"id": pid, "name": pid.upper(), "role": "party", "rule": "threshold",
            "params": {"initiative": fixed(0.3), "flexibility": fixed(0.2), "resolve": fixed(1.0),
                       "pressure_sensitivity": fixed(sensitivity), "concession_rate": fixed(0.2)}}


def doc(pushes=("talks",), leverage=1.0, days=300, step_days=7):
    med = {"id": "m", "name": "M", "role": "mediator", "leverage": {"a": fixed(leverage), "b": fixed(leverage)}}
    return {
        "schema_version": 3,
        "metadata": {"title": "T", "description": "T", "as_of": START},
        "sources": [{"id": "s", "title": "t", "publisher": "p", "date": START}],
        "actors": [party("a"), party("b"), med],
        "milestones": [
            {"id": "prep", "kind": "joint", "name": "Preparations", "attendees": ["a", "b"], "stakes": fixed(0.8),
             "assumption": A},
            {"id": "talks", "kind": "meeting", "name": "Talks", "attendees": ["a", "b"], "stakes": fixed(0.9),
             "requires": {"held": "prep"}, "assumption": A},
            {"id": "border", "kind": "unilateral", "name": "Border reopened", "actor": "a", "stakes": fixed(0.9),
             "assumption": A},
        ],
        "mediation": [{"mediator": "m", "rule": "even_handed", "pushes": [{"milestone": p} for p in pushes],
                       "params": {"urgency.base": fixed(0.6), "urgency.after_deadline": fixed(0.6)},
                       "assumption": A}],
        "calendar": {"start": START, "end": START + dt.timedelta(days=days), "step_days": step_days},
        "dynamics": {"pressure_decay": fixed(0.8), "sharpness": fixed(8.0)},
        "questions": [{"id": "when", "text": "When?", "date_of": "talks"}],
    }


def first_days(d, milestone, runs=400, engine="batch", overrides=None):
    sc = Scenario.model_validate(d)
    assert check(sc, None, check_sources=False) == []
    table, _ = run_replications(Compiled(sc), 11, list(range(runs)), engine=engine, overrides=overrides)
    return np.array([10 ** 9 if x is None else (x - START).days for x in table.column(L.first(milestone)).to_pylist()])


def test_pressing_for_talks_does_not_move_a_border_step_off_its_path():
    """Same draws with and without the mediator's leverage: the border step (on no path to the talks) comes on the
    same day in every run; the talks and their preparations come sooner with leverage."""
    d = doc()
    off = {"m.leverage.a": 0.0, "m.leverage.b": 0.0}
    border_on, border_off = first_days(d, "border"), first_days(d, "border", overrides=off)
    assert (border_on == border_off).all()
    prep_on, prep_off = first_days(d, "prep"), first_days(d, "prep", overrides=off)
    assert np.median(prep_on) < np.median(prep_off)
    assert (first_days(d, "talks") < 10 ** 9).mean() > (first_days(d, "talks", overrides=off) < 10 ** 9).mean()


def test_a_push_for_the_border_presses_on_the_border():
    """When the border is one of the mediator's goals, pressure makes it come sooner."""
    d = doc(pushes=("border",))
    on = first_days(d, "border")
    off = first_days(d, "border", overrides={"m.leverage.a": 0.0, "m.leverage.b": 0.0})
    assert np.median(on) < np.median(off)


def test_pressure_on_the_way_to_a_goal_counts_for_every_step_on_that_way():
    """Pressure built while pushing the preparations still acts on the talks (the goal they lead to): the talks
    come sooner than if the stock were kept per step (a decision on the talks sees the pressure of the push toward
    them through their prerequisite)."""
    from simulator.engine.kernel import Kernel

    c = Compiled(Scenario.model_validate(doc()))
    k = Kernel(c, None)
    names = {c.milestones[j].id for j in k.pressure_scope.about[0][c.mi["prep"]]}
    assert names == {"prep", "talks"}


@pytest.mark.parametrize("step_days", [7, 1])
def test_both_engines_agree_with_scoped_pressure(step_days):
    d = doc(pushes=("talks", "border"), days=120, step_days=step_days)
    for m in ("prep", "talks", "border"):
        assert (first_days(d, m, runs=25, engine="mesa") == first_days(d, m, runs=25)).all()


def test_pressure_scope_actor_keeps_the_former_meaning():
    """``dynamics.pressure_scope: actor``: the border step feels the pressure of the push for talks again (the
    meaning before issue 22), and the new field stays out of dumps while unused."""
    d = doc()
    d["dynamics"]["pressure_scope"] = "actor"
    off = {"m.leverage.a": 0.0, "m.leverage.b": 0.0}
    assert np.median(first_days(d, "border")) < np.median(first_days(d, "border", overrides=off))
    assert "pressure_scope" not in Scenario.model_validate(doc()).model_dump(mode="json")["dynamics"]


def test_the_one_run_trace_shows_the_pressure_an_actor_is_under():
    """The dashboard's one-run trace shows, each week, the largest pressure on each party about any step (with
    scoped stocks ``RunState.P`` holds only the pressure of the last decision asked): it rises while the
    mediator presses and matches the stocks' largest value."""
    from dashboards.onerun import trace_run
    from simulator.engine.pressure import PressureScope  # noqa: F401 - the stocks the trace reads

    c = Compiled(Scenario.model_validate(doc(days=60)))
    weeks = trace_run(c, 3, 0)["weeks"]
    a = [w["pressure.a"] for w in weeks]
    assert a[0] > 0 and max(a) > 0.5
    d = doc(days=60)
    d["dynamics"]["pressure_scope"] = "actor"
    assert [w["pressure.a"] for w in trace_run(Compiled(Scenario.model_validate(d)), 3, 0)["weeks"]] == a


def test_params_gives_each_pace_number_its_chance_within_30_90_and_365_days():
    """`diplosim params --json` lists a pace number's weekly chance (a median delay of 30 days: 1 - 0.5^(7/30))
    and its chance within 30, 90 and 365 days: 50%, 1 - 0.5^(13 weeks * 7 / 30) = 88%, and 100%."""
    import json
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from test_pace import PUSH, _cli, _write
    from test_pace import doc as pace_doc
    from test_pace import meeting as pace_meeting

    m = pace_meeting(pace={"a": {"accept": {"median_delay_days": 30, "assumption": A}}})
    rows = {r["name"]: r for r in json.loads(_cli(["params", _write(pace_doc(7, [m], mediation=PUSH)),
                                                   "--json"]).stdout)}
    row = rows["talks.pace.a.accept"]
    assert row["unit"] == "weekly_chance" and row["low"] == row["high"] == pytest.approx(1 - 0.5 ** (7 / 30))
    assert row["estimable"].startswith("50% within 30 days, 88% within 90 days, 100% within 365 days")


def test_an_unknown_pressure_scope_is_one_line():
    import json
    import tempfile
    from pathlib import Path

    import yaml
    from typer.testing import CliRunner

    from simulator.cli import app

    d = doc()
    d["dynamics"]["pressure_scope"] = "everything"
    path = Path(tempfile.mkdtemp()) / "s.yaml"
    path.write_text(yaml.safe_dump(json.loads(json.dumps(d, default=str)), sort_keys=False))
    r = CliRunner().invoke(app, ["validate", str(path)])
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert r.exit_code == 2 and len(lines) == 1 and "Traceback" not in r.output, r.output
    assert ": dynamics.pressure_scope: " in lines[0] and "'steps'" in lines[0] and "'actor'" in lines[0], lines[0]
