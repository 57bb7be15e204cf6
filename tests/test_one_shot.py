"""One-shot outcomes (issue 22 item 8): a step whose result is a success or a failure with a chance, its two
results events that gates and questions use; both engines, parameters, words, one-line errors."""

import datetime as dt
import math

import numpy as np
import pytest

from simulator import layout as L
from simulator.compiled import Compiled
from simulator.scenario.schema import Scenario
from tests.test_worlds import A, NEVER, RUNS, START, _cli, _one_error, _write, doc, fixed, meeting, party, run  # noqa

SURE_ACT = {"a": {"act": fixed(1.0)}}


def drill(p=0.6, **kw):
    return {"id": "drill", "kind": "unilateral", "name": "Exploration well drilled", "actor": "a",
            "stakes": fixed(0.0), "assumption": A, "pace": SURE_ACT,
            "outcome": {"success": fixed(p), "success_label": "gas is found", "failure_label": "the well is dry"},
            **kw}


def well_doc(p=0.6, step_days=7, days=140):
    export = {"id": "export", "kind": "unilateral", "name": "Export deal", "actor": "b", "stakes": fixed(0.0),
              "assumption": A, "pace": {"b": {"act": fixed(1.0)}}, "requires": {"event": "drill.success"}}
    d = doc([drill(p), export], step_days, days)
    d["schema_version"] = 3
    d["actors"][1]["params"] = dict(d["actors"][1]["params"])
    d["questions"] = [{"id": "dry", "text": "When is the well found dry?", "date_of": "drill.failure"},
                      {"id": "exported", "text": "Export deal by the end?", "date_of": "export"}]
    return d


def fired(table, ev):
    return np.array([NEVER if x is None else (x - START).days for x in table.column(L.fired(ev)).to_pylist()])


@pytest.mark.parametrize("step_days", [7, 1, 14])
def test_success_in_the_stated_share_and_the_gate_opens_only_on_success(step_days):
    t = run(well_doc(0.6, step_days))
    ok, ko = fired(t, "drill.success"), fired(t, "drill.failure")
    assert ((ok == 0) ^ (ko == 0)).all()  # exactly one result, on the day the well was drilled
    share = (ok == 0).mean()
    assert abs(share - 0.6) < 5 * math.sqrt(0.24 / RUNS), share
    export = np.array([NEVER if x is None else (x - START).days for x in t.column(L.first("export")).to_pylist()])
    assert ((export < NEVER) == (ok == 0)).all()  # the gate: only after a success
    assert (export[ok == 0] == step_days).all()  # the next step, as any gate opened by a step taken this step


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_a_sure_result(p):
    t = run(well_doc(p), runs=200)
    assert (fired(t, "drill.success") < NEVER).mean() == p and (fired(t, "drill.failure") < NEVER).mean() == 1 - p


def test_the_chance_is_a_parameter_listed_and_set():
    import json

    rows = {r["name"]: r for r in json.loads(_cli(["params", _write(well_doc()), "--json"]).stdout)}
    assert "drill.outcome.success" in rows
    t = run(well_doc(0.6), runs=300, overrides={"drill.outcome.success": 1.0})
    assert (fired(t, "drill.success") == 0).all()


@pytest.mark.parametrize("step_days", [7, 1])
def test_both_engines_give_the_same_records_and_logs(step_days):
    from simulator.batch.engine import BatchEngine
    from simulator.draws import run_seed
    from simulator.model import DiplomacyModel

    d = well_doc(0.5, step_days)
    d["milestones"][0]["repeat"] = True
    d["milestones"][0]["pace"] = {"a": {"act": fixed(0.3)}}
    c = Compiled(Scenario.model_validate(d))
    eng = BatchEngine(c)
    st = eng.run(3, range(30), events_for=30)
    batch = eng.table(st).to_pylist()
    kinds = set()
    for r in range(30):
        m = DiplomacyModel(c, run_seed(3, r))
        assert m.run() == batch[r]
        mine = [(k, kind, tr, ms, ac, det) for (p, rep, k, date, kind, tr, ms, ac, det) in eng.events if rep == r]
        assert [e[:6] for e in m.events] == mine
        kinds |= {e[1] for e in m.events}
    assert "outcome" in kinds


def test_words_sentence_and_scenario_view():
    from simulator.charts.scenario import milestone_value
    from simulator.eventlog import sentence as event_sentence

    c = Compiled(Scenario.model_validate(well_doc()))
    assert c.words.name("drill.success") == "Exploration well drilled: gas is found"
    text = milestone_value(c, c.milestones[0])
    assert "gas is found with chance 60%" in text and "the well is dry" in text, text
    said = event_sentence(c, "outcome", "drill", "", "drill.failure")
    assert said.startswith("Result of") and "the well is dry" in said, said


def test_without_an_outcome_the_dump_and_columns_keep():
    d = doc([meeting()])
    assert "outcome" not in Scenario.model_validate(d).model_dump(mode="json")["milestones"][0]
    assert not [n for n in run(d, runs=5).column_names if n.endswith((".success", ".failure"))]


def test_diplosim_schema_lists_the_outcome():
    text = _cli(["schema"]).stdout
    assert '"success_label"' in text and '"outcome"' in text


@pytest.mark.parametrize("where,field,words", [
    ("chance", "milestones[0].outcome.success", "must lie within [0, 1]"),
    ("missing", "milestones[0].outcome.success", "required"),
    ("no_reason", "milestones[0].outcome.success", "give exactly one of"),
    ("unknown_result", "milestones[1].requires.event", "unknown event 'drill.won'"),
    ("no_outcome", "milestones[1].requires.event", "unknown event 'export.success'"),
    ("key", "milestones[0].outcome.chance", "unknown field"),
])
def test_each_misuse_is_one_line(where, field, words):
    d = well_doc()
    o = d["milestones"][0]["outcome"]
    if where == "chance":
        o["success"] = fixed(1.4)
    elif where == "missing":
        del o["success"]
    elif where == "no_reason":
        o["success"] = {"value": 0.5}
    elif where == "unknown_result":
        d["milestones"][1]["requires"] = {"event": "drill.won"}
    elif where == "no_outcome":
        d["milestones"][1]["requires"] = {"event": "export.success"}
    elif where == "key":
        o["chance"] = 0.5
    _one_error(d, field, words)


def test_the_battery_holds():
    from simulator.testing.properties import check_model

    sc = Scenario.model_validate(well_doc())
    results = check_model(sc, runs=200, only=["renaming", "calendar_shift", "no_op_what_if", "step_invariance"])
    assert all(r.passed is not False for r in results), [r.sentence for r in results]
