"""`diplosim calibrate`: constants recovered from outcomes simulated with known constants; the calibration
file and `defaults: FILE` (applied, validated one line each); common random numbers across candidates."""

import datetime as dt
import json

import numpy as np
import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from simulator.cli import app

A = "Constructed for a test."
EV = [{"source": "sim", "note": "Drawn from the model with known constants."}]
START = dt.date(2024, 1, 1)


def fixed(v):
    return {"value": v, "assumption": A}


def scenario(initiative: float, weeks: int = 26) -> dict:
    """Two parties, one meeting that either may propose (weekly chance `initiative` when fully willing) and
    both accept with probability logistic(8 * (0.8 - 0.5)) = 0.92; no mediator, no shock."""
    def party(pid):
        return {"id": pid, "name": pid.upper(), "role": "party", "rule": "threshold",
                "params": {"flexibility": fixed(0.8), "resolve": fixed(1.0), "pressure_sensitivity": fixed(0.0),
                           "concession_rate": fixed(0.0), "initiative": fixed(initiative)}}
    return {
        "schema_version": 2,
        "metadata": {"title": "Synthetic", "description": "A meeting with a known weekly chance.",
                     "as_of": START - dt.timedelta(days=1)},
        "sources": [{"id": "none", "title": "none", "publisher": "none", "date": START - dt.timedelta(days=1)}],
        "actors": [party("a"), party("b")],
        "milestones": [{"id": "talks", "kind": "meeting", "name": "Talks", "attendees": ["a", "b"],
                        "stakes": fixed(0.5), "assumption": A}],
        "calendar": {"start": START, "end": START + dt.timedelta(weeks=weeks)},
        "dynamics": {"pressure_decay": fixed(0.5), "sharpness": fixed(8.0)},
        "questions": [
            {"id": "early", "text": "Talks within 8 weeks?", "when": {"held": "talks"},
             "by": START + dt.timedelta(weeks=8)},
            {"id": "talks_date", "text": "When?", "date_of": "talks"},
        ],
    }


def dump(path, data):
    yaml = YAML()
    yaml.default_flow_style = False
    with path.open("w") as fh:
        yaml.dump(data, fh)
    return path


def synthetic_corpus(tmp_path, true_constants: dict, n: int = 24, seed: int = 99):
    """n negotiations; each one's outcome is one run of the model with the true constants."""
    from simulator.batch.engine import engine_for
    from simulator.compiled import Compiled
    from simulator.scenario import load

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rng = np.random.default_rng(seed)
    for k in range(n):
        name = f"neg{k:02d}"
        dump(corpus / f"{name}.yaml", scenario(float(rng.uniform(0.01, 0.08))))
        c = Compiled(load(corpus / f"{name}.yaml").scenario)
        c.table.constants = dict(true_constants)
        eng = engine_for(c)
        row = eng.table(eng.run(seed, [k], 0, None, events_for=0)).to_pylist()[0]
        from simulator import layout as L

        early, when = row[L.question("early")], row[L.question("talks_date")]
        obs = {"schema_version": 2, "kind": "observed", "scenario": f"{name}.yaml", "resolved_on": "2025-01-01",
               "sources": [{"id": "sim", "title": "simulated", "publisher": "test", "date": "2025-01-01"}],
               "questions": [{"question": "early", "answer": bool(early), "evidence": EV},
                             ({"question": "talks_date", "date": when, "evidence": EV} if when else
                              {"question": "talks_date", "happened": False, "evidence": EV})]}
        dump(corpus / f"{name}.observed.yaml", obs)
    return corpus


def test_a_known_constant_is_recovered_within_its_interval(tmp_path):
    """Outcomes drawn with proposal_odds = 4: the fit lands near 4 and its bootstrap interval contains it."""
    from simulator.analysis.calibrate import calibrate, load_corpus

    corpus = synthetic_corpus(tmp_path, {"proposal_odds": 4.0})
    negs = load_corpus(corpus)
    cal = calibrate(negs, ["proposal_odds"], runs=120, seed=3, bootstrap=25)
    lo, hi = cal.intervals["proposal_odds"]
    assert lo <= 4.0 <= hi, cal.intervals
    assert 2.0 <= cal.constants["proposal_odds"] <= 8.0
    assert cal.after_in.total < cal.before_in.total  # the fit improves on the uncalibrated constants in-sample
    assert cal.after_out.n_yes_no == cal.before_in.n_yes_no == 24 and cal.after_out.n_dates == 24


def test_neutral_constants_change_nothing_and_candidates_share_random_numbers():
    """Constants at 1 give the very same runs; any constant only changes values, never the draws."""
    from simulator.compiled import Compiled
    from simulator.scenario.schema import Scenario

    c = Compiled(Scenario.model_validate(scenario(0.05)))
    u = np.random.default_rng(0).random((50, len(c.table)))
    base = c.table.values_from_uniforms(u)
    c.table.constants = {"proposal_odds": 1.0, "sharpness_scale": 1.0}
    assert np.array_equal(c.table.values_from_uniforms(u), base)
    c.table.constants = {"proposal_odds": 3.0, "sharpness_scale": 0.5}
    moved = c.table.values_from_uniforms(u)
    i, k = c.table.index["a.initiative"], c.table.index["dynamics.sharpness"]
    odds = lambda p: p / (1 - p)  # noqa: E731
    assert odds(moved[0, i]) == pytest.approx(3 * odds(base[0, i])) and moved[0, k] == pytest.approx(4.0)
    untouched = [j for j in range(len(c.table)) if j not in (i, k, c.table.index["b.initiative"])]
    assert np.array_equal(moved[:, untouched], base[:, untouched])


def test_candidates_run_together_score_exactly_as_each_alone(tmp_path):
    """Several candidate constants in one batch-engine call: block k equals candidate k run alone."""
    from simulator.analysis.calibrate import load_corpus

    neg = load_corpus(synthetic_corpus(tmp_path, {"proposal_odds": 2.0}, n=2))[0]
    cands = [{"proposal_odds": 0.5}, {"proposal_odds": 3.0, "sharpness_scale": 2.0}, {}]
    together = neg.stats_many(cands, 30, 5)
    assert together == [neg.stats(c, 30, 5) for c in cands]
    assert together[0] != together[1]


def test_cli_writes_a_calibration_file_that_scenarios_can_name(tmp_path):
    corpus = synthetic_corpus(tmp_path, {"proposal_odds": 2.0}, n=6)
    out = tmp_path / "cal.yaml"
    result = CliRunner().invoke(app, ["calibrate", str(corpus), "--out", str(out), "--runs", "40",
                                      "--fit", "proposal_odds,sharpness_scale", "--bootstrap", "3", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["scores"]["after"]) == {"in_sample", "out_of_sample"}
    assert len(data["corpus"]["negotiations"]) == 6 and data["fitted"] == ["proposal_odds", "sharpness_scale"]
    sc = scenario(0.05)
    sc["defaults"] = "cal.yaml"
    path = dump(tmp_path / "uses.yaml", sc)
    from simulator.scenario import load

    loaded = load(path)
    assert loaded.scenario.defaults.constants == data["constants"]
    assert CliRunner().invoke(app, ["validate", str(path)]).exit_code == 0


@pytest.mark.parametrize("content,expected", [
    (None, "{scenario}:{line}:1: defaults: calibration file 'cal.yaml' not found (relative to the scenario)"),
    ("schema_version: 2\nconstants: {proposal_odds: 2}\n",
     "{cal}:1:1: schema_version: calibration file of schema version 2; this diplosim reads version 1 "
     "(run `diplosim calibrate` again) (got 2)"),
    ("schema_version: 1\nconstants: {proposal_odd: 2}\n",
     "{cal}:2:13: constants.proposal_odd: unknown constant 'proposal_odd' (known: proposal_odds, concession_odds, "
     "hazard_odds, shock_odds, sharpness_scale, stakes_scale, pressure_scale)"),
    ("schema_version: 1\nconstants: {proposal_odds: -2}\n",
     "{cal}:2:13: constants.proposal_odds: must lie within [0.05, 20] (got -2)"),
])
def test_bad_defaults_are_one_line_with_status_2(tmp_path, content, expected):
    cal = tmp_path / "cal.yaml"
    if content is not None:
        cal.write_text(content)
    sc = scenario(0.05)
    sc["defaults"] = "cal.yaml"
    path = dump(tmp_path / "s.yaml", sc)
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if t.startswith("defaults:"))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == expected.format(scenario=path, cal=cal, line=line) + "\n"


def test_calibrate_on_a_directory_without_outcomes_is_one_line(tmp_path):
    result = CliRunner().invoke(app, ["calibrate", str(tmp_path)])
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert "no '<name>.observed.yaml'" in result.stderr
