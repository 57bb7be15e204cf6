"""A number nothing uses is not asked for; a number something uses is, in one line naming file, line and field.

``dynamics.sharpness`` is read by the rules that declare it (``Rule.scenario_numbers``: the logistic rules; not
the hazard rule); an election's ``p_runoff`` only by an election with a run-off date.
"""

from __future__ import annotations

import copy
import datetime as dt

import yaml
from typer.testing import CliRunner

from simulator import layout as L
from simulator.cli import app

from .test_language import START, doc, fixed, joint, run

HAZARD = {"hazard": fixed(1.0), "acceptance": fixed(1.0)}  # certain: act and accept at once


def hazard_doc(**parts):
    d = doc(milestones=[joint("deal")], **parts)
    for a in d["actors"]:
        a["rule"], a["params"] = "hazard", copy.deepcopy(HAZARD)
    return d


def without_sharpness(d):
    d = copy.deepcopy(d)
    del d["dynamics"]["sharpness"]
    return d


def validate(tmp_path, d, *extra):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path), *extra])
    return path, result.exit_code, result.stderr.splitlines()


def line_of(path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(text))


# ------------------------------------------------------------------ dynamics.sharpness
def test_sharpness_is_not_asked_for_when_no_rule_reads_it(tmp_path):
    d = hazard_doc()
    _, status, lines = validate(tmp_path, without_sharpness(d))
    assert (status, lines) == (0, [])
    rows, _ = run(without_sharpness(d))  # both engines, one semantics
    assert rows == run(d)[0]  # the same runs as with any sharpness: nothing read it
    assert all(r[L.first("deal")] == START for r in rows)


def test_sharpness_is_asked_for_when_a_deciding_actors_rule_reads_it(tmp_path):
    d = hazard_doc()
    d["actors"][1]["rule"] = "threshold"
    d["actors"][1]["params"] = {"flexibility": fixed(1.0), "resolve": fixed(0.0)}
    path, status, lines = validate(tmp_path, without_sharpness(d))
    assert status == 2
    assert lines == [f"{path}:{line_of(path, 'dynamics:')}:1: dynamics.sharpness: required field missing (the rule "
                     "'threshold' of actor 'b' reads it)"]


def test_an_actor_who_decides_nothing_does_not_need_it(tmp_path):
    d = hazard_doc()
    d["actors"].append({"id": "c", "name": "C", "role": "observer", "rule": "threshold"})  # consents to nothing
    _, status, lines = validate(tmp_path, without_sharpness(d))
    assert (status, lines) == (0, [])


def test_switching_a_rule_that_reads_it_in_a_what_if_is_refused_in_one_line(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(without_sharpness(hazard_doc()), sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(path), "--runs", "5", "--set", "a.rule=threshold"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["error: --set: after switching rules, dynamics.sharpness: required field "
                                          "missing (the rule 'threshold' of actor 'a' reads it)"]


# ------------------------------------------------------------------ an election's p_runoff
def election(**kw):
    return {"id": "vote", "name": "Vote", "incumbent": "a", "challenger": "b",
            "round1": START + dt.timedelta(weeks=4), "base_win": fixed(0.5), "progress_effect": fixed(0.0),
            "assumption": "Constructed for a test.", **kw}


def test_p_runoff_is_not_asked_for_an_election_without_a_run_off(tmp_path):
    d = hazard_doc(calendar={"elections": [election()]},
                   questions=[{"id": "won", "text": "?", "when": {"winner": {"election": "vote", "is": "a"}}}])
    _, status, lines = validate(tmp_path, d)
    assert (status, lines) == (0, [])
    with_it = copy.deepcopy(d)
    with_it["calendar"]["elections"][0]["p_runoff"] = fixed(0.9)
    assert run(d, runs=50)[0] == run(with_it, runs=50)[0]  # unused when there is no run-off date


def test_p_runoff_is_asked_for_an_election_with_a_run_off(tmp_path):
    d = hazard_doc(calendar={"elections": [election(runoff=START + dt.timedelta(weeks=6))]})
    path, status, lines = validate(tmp_path, d)
    assert status == 2
    assert lines == [f"{path}:{line_of(path, '  - id: vote')}:5: calendar.elections[0].p_runoff: required field "
                     "missing (the election has a run-off date: the chance that round 1 is not decisive)"]
    d["calendar"]["elections"][0]["p_runoff"] = fixed(0.5)
    assert validate(tmp_path, d)[1:] == (0, [])
