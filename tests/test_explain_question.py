"""``diplosim explain --question Q`` explains the question itself: its window, its answer (the run summary's),
every milestone its condition names with its polarity and gate, and what held each up within the window."""

import datetime as dt
import json

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from simulator.cli import app

from .conftest import ROOT, SEED_SCENARIO
from .test_language import START, A, doc, joint

NOT_SCENARIO = ROOT / "scenarios" / "nordic_nato_turkey_2022.yaml"  # asks 'Finland ratified and not Sweden'


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def as_json(*args):
    res = invoke(*args, "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


_RUNS: dict = {}


def _results(path, tmp_path_factory):
    """A results directory of ``path`` (300 runs, seed 4) and its run summary, made once per test session."""
    if path not in _RUNS:
        out = tmp_path_factory.mktemp("explain") / "res"
        _RUNS[path] = (path, out, as_json("run", path, "--runs", 300, "--seed", 4, "--out", out))
    return _RUNS[path]


@pytest.fixture(params=[SEED_SCENARIO, NOT_SCENARIO], ids=["seed", "not"])
def results(request, tmp_path_factory):
    return _results(request.param, tmp_path_factory)


def test_the_explained_answer_is_the_run_summary_answer_for_every_question(results, tmp_path):
    path, out, summary = results
    frozen = tmp_path / "forecast.json"
    assert invoke("forecast", path, "--runs", 300, "--seed", 4, "--out", frozen).exit_code == 0
    forecast = {q["id"]: q for q in json.loads(frozen.read_text())["questions"]}
    for q in summary["questions"]:
        ex = as_json("explain", out, "--question", q["id"])["question"]
        expected = {k: v for k, v in q.items() if k not in ("id", "text", "kind", "fragile")}
        assert ex["id"] == q["id"] and ex["answer"] == expected
        f = forecast[q["id"]]  # the frozen forecast of the same seed and runs gives the same answer
        if q["kind"] == "yes/no":
            assert ex["answer"]["p"] == f["p"]
        elif q["kind"] == "date":
            assert ex["answer"]["p"] == f["by_end"]["share"] and ex["answer"]["median"] == f["quantiles"]["50%"]
        else:
            assert ex["answer"]["mean"] == pytest.approx(f["mean"])
        text = invoke("explain", out, "--question", q["id"])
        assert text.exit_code == 0 and q["text"] in text.stdout.replace("\n", " ")


def test_a_milestone_under_not_is_explained_as_unwanted(tmp_path_factory):
    _, out, _ = _results(NOT_SCENARIO, tmp_path_factory)
    ex = as_json("explain", out, "--question", "finland_first")
    polarity = {lv["milestone"]: lv["wanted"] for lv in ex["levels"]}
    assert polarity == {"turkey_ratifies_finland": True, "turkey_ratifies_sweden": False}
    text = invoke("explain", out, "--question", "finland_first").stdout
    assert "unwanted" in text


def test_a_question_with_a_by_date_explains_only_its_window(tmp_path):
    by = START + dt.timedelta(weeks=4, days=3)  # within week 4 (weeks 0 to 4 count)
    d = doc(milestones=[joint("talks"), joint("deal", requires={"held": "talks"})],
            preconditions=[{"id": "later", "held_by": "b", "before": "talks", "kind": "hard",
                            "requires": {"after": START + dt.timedelta(weeks=8)}, "assumption": A}],
            questions=[{"id": "talks_only", "text": "Talks but no deal by then?", "by": by,
                        "when": {"all": [{"held": "talks"}, {"not": {"held": "deal"}}]}}])
    path = tmp_path / "window.yaml"
    with path.open("w") as f:
        YAML().dump(d, f)
    out = tmp_path / "res"
    assert invoke("run", path, "--runs", 20, "--seed", 1, "--out", out).exit_code == 0
    ex = as_json("explain", out, "--question", "talks_only")
    q = ex["question"]
    assert q["window"] == {"from": START.isoformat(), "to": by.isoformat()}
    assert q["answer"]["p"] == 0.0
    talks, deal = ex["levels"]
    assert (talks["milestone"], talks["wanted"], deal["milestone"], deal["wanted"]) == ("talks", True, "deal", False)
    assert talks["held_share"] == 0.0  # talks come in week 8, after the window
    (block,) = talks["blocked_by"]
    assert block["reason"] == "precondition:later" and block["runs_share"] == 1.0
    assert block["steps_blocked_mean"] == 5.0  # weeks 0 to 4, not the 8 weeks of the whole calendar
    assert talks["gate"] is None and deal["gate"] == "Talks has happened"
    assert deal["gate_wait"] == {"steps_mean": 5.0, "runs_share": 1.0}  # waiting for the talks all window long
    text = invoke("explain", out, "--question", "talks_only").stdout
    assert "5.0" in text and "8.0" not in text and "weeks" in text
