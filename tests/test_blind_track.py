"""The blind track record (issue 24): a scenario marked ``track: blind`` is called blind only when its frozen
forecast was made from this very scenario and committed before its outcomes; it is scored from that frozen
forecast as committed, and blind and sighted scenarios are scored apart, never pooled without saying so."""

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from simulator.scenario import load

from .synthetic import write
from .test_analysis import as_json, invoke

A = "Constructed for a test."
START = dt.date(2025, 8, 4)
RUNS = 400
CORPUS = Path(__file__).resolve().parents[1] / "scenarios"


def fixed(v):
    return {"value": v, "assumption": A}


def party(pid, hazard):
    return {"id": pid, "name": pid.upper(), "role": "party", "rule": "hazard",
            "params": {"hazard": fixed(hazard), "acceptance": fixed(0.6), "pressure_odds": fixed(1.0),
                       "stakes_odds": fixed(1.0), "election_odds": fixed(1.0), "election_weeks": fixed(0.0)}}


def scenario(track="blind", hazard=0.1):
    return {
        "schema_version": 2,
        "metadata": {"title": f"A {track} negotiation", "description": "T", "as_of": START, "track": track},
        "sources": [{"id": "s", "title": "t", "publisher": "p", "date": START}],
        "actors": [party("a", hazard), party("b", 0.0)],
        "milestones": [{"id": "talks", "kind": "meeting", "name": "Talks", "attendees": ["a", "b"],
                        "stakes": fixed(0.0), "assumption": A}],
        "calendar": {"start": START, "end": START + dt.timedelta(weeks=20)},
        "dynamics": {"pressure_decay": fixed(0.5), "sharpness": fixed(8.0)},
        "questions": [
            {"id": "held", "text": "Talks by 1 October 2025?", "when": {"held": "talks"}, "by": dt.date(2025, 10, 1),
             "prior": fixed(0.3)},
            {"id": "when", "text": "When do talks meet?", "date_of": "talks"}],
    }


def observed(name, digest, forecast="forecasts/x.json"):
    return (f"schema_version: 2\nkind: observed\nscenario: {name}\nscenario_hash: {digest}\n"
            f"forecast: {forecast}\nresolved_on: 2026-06-01\n"
            "sources:\n  - {id: r, title: Report, publisher: Wire, date: 2025-09-20}\n"
            "questions:\n"
            "  - {question: held, answer: true, evidence: [{source: r, note: The talks met.}]}\n"
            "  - {question: when, date: 2025-09-17, evidence: [{source: r, note: The talks met.}]}\n")


def git(folder, *args):
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin",
                        "GIT_COMMITTER_DATE": args[-1] if args[0] == "commit" else "",
                        "GIT_AUTHOR_DATE": args[-1] if args[0] == "commit" else ""})


def commit(folder, files, when):
    git(folder, "add", *files)
    git(folder, "commit", "-q", "-m", "c", "--date", when)


def blind_corpus(tmp_path, forecast_first=True, exposures_first=None):
    """A blind scenario with its frozen forecast and observed file, committed in the given order (with an
    exposures file committed between them when ``exposures_first`` gives its body)."""
    git(tmp_path, "init", "-q")
    path = write(tmp_path, scenario(), "x.yaml")
    (tmp_path / "forecasts").mkdir()
    out = invoke("forecast", path, "--runs", RUNS, "--seed", 1, "--out", tmp_path / "forecasts" / "x.json")
    assert out.exit_code == 0, out.output
    frozen = json.loads((tmp_path / "forecasts" / "x.json").read_text())
    frozen["created"] = "2025-08-05T09:00:00+00:00"  # as if made on that day, as the commits below are dated
    (tmp_path / "forecasts" / "x.json").write_text(json.dumps(frozen))
    (tmp_path / "x.observed.yaml").write_text(observed("x.yaml", load(path).digest))
    first, second = ["x.yaml", "none.txt", "forecasts/x.json"], ["x.observed.yaml"]
    if not forecast_first:
        first, second = second, first
    commit(tmp_path, first, "2025-08-05T10:00:00+00:00")
    if exposures_first is not None:
        exposures(tmp_path, exposures_first, "2025-08-06T10:00:00+00:00")
    commit(tmp_path, second, "2026-06-01T10:00:00+00:00")
    return tmp_path


def test_a_blind_forecast_committed_before_its_outcomes_is_scored_as_committed(tmp_path):
    corpus = blind_corpus(tmp_path)
    frozen = json.loads((corpus / "forecasts" / "x.json").read_text())
    res = as_json("backtest", corpus, "--runs", 50, "--seed", 9)  # another seed and size: the frozen one counts
    (e,) = res["scenarios"]
    assert e["track"] == "blind" and e["blind_check"]["blind"] and e["scored_from"] == "frozen forecast"
    assert e["blind_check"]["forecast_committed"] < e["blind_check"]["outcomes_committed"]
    held = next(q for q in e["yes_no"] if q["id"] == "held")
    assert held["forecast"] == next(q["p"] for q in frozen["questions"] if q["id"] == "held")
    assert held["prior"] == 0.3 and held["prior_brier"] == pytest.approx(0.49)
    assert list(res["tracks"]) == ["blind"] and res["pooled_covers"] == ["blind"]
    when = next(d for d in e["distributions"] if d["id"] == "when")
    assert when["crps"] >= 0 and 0 <= when["pit"] <= 1
    assert any(n.startswith("retrospective: the forecast was made after the first dated outcome (2025-09-17)")
               for n in e["blind_check"]["notes"]) is False  # made 2025-08-05, before the talks met
    text = invoke("backtest", corpus, "--runs", 50).stdout
    assert "Blind track record" in text and "blind: scored from its frozen forecast as committed" in text
    assert "All tracks together" not in text  # one track: nothing pooled across tracks


def test_outcomes_committed_before_the_forecast_are_not_called_blind(tmp_path):
    corpus = blind_corpus(tmp_path, forecast_first=False)
    (e,) = as_json("backtest", corpus, "--runs", 50)["scenarios"]
    assert not e["blind_check"]["blind"] and e["scored_from"] == "new runs"
    assert any("after its outcomes" in r for r in e["blind_check"]["reasons"])
    text = invoke("backtest", corpus, "--runs", 50).stdout
    assert "marked blind but not called blind" in text and "Marked blind, but the checks do not confirm it" in text


def test_an_edited_scenario_or_a_missing_forecast_is_not_called_blind(tmp_path):
    corpus = blind_corpus(tmp_path)
    (corpus / "x.yaml").write_text((corpus / "x.yaml").read_text().replace("value: 0.1", "value: 0.2", 1))
    (e,) = as_json("backtest", corpus, "--runs", 50)["scenarios"]
    assert not e["blind_check"]["blind"]
    assert any("another version of the scenario" in r for r in e["blind_check"]["reasons"])
    (corpus / "forecasts" / "x.json").unlink()
    (e,) = as_json("backtest", corpus, "--runs", 50)["scenarios"]
    assert any("does not exist" in r for r in e["blind_check"]["reasons"])


def test_a_forecast_made_after_an_outcome_is_said_to_be_retrospective(tmp_path):
    corpus = blind_corpus(tmp_path)
    forecast = corpus / "forecasts" / "x.json"
    forecast.write_text(forecast.read_text().replace("2025-08-05T09:00:00+00:00", "2025-09-20T09:00:00+00:00"))
    (e,) = as_json("backtest", corpus, "--runs", 50)["scenarios"]
    assert e["blind_check"]["blind"]  # still blind: the writer's protocol, not the calendar, makes it so
    assert "retrospective: the forecast was made after the first dated outcome (2025-09-17)" in " ".join(
        e["blind_check"]["notes"])


def test_without_git_history_the_hashes_are_checked_and_the_order_is_said_unchecked(tmp_path):
    (tmp_path / "repo").mkdir()
    corpus = blind_corpus(tmp_path / "repo")
    plain = tmp_path / "plain"
    shutil.copytree(corpus, plain, ignore=shutil.ignore_patterns(".git"))
    (e,) = as_json("backtest", plain, "--runs", 50)["scenarios"]
    assert e["blind_check"]["blind"]
    assert any("order of commits was not checked" in n for n in e["blind_check"]["notes"])


def test_blind_and_sighted_are_scored_apart_and_pooled_only_when_said(tmp_path):
    corpus = blind_corpus(tmp_path)
    sighted = write(corpus, scenario("sighted", hazard=0.3), "y.yaml")
    (corpus / "y.observed.yaml").write_text(observed("y.yaml", load(sighted).digest, forecast="null"))
    res = as_json("backtest", corpus, "--runs", 100)
    assert set(res["tracks"]) == {"blind", "sighted"} and res["pooled_covers"] == ["blind", "sighted"]
    assert res["tracks"]["blind"]["scenarios"] == 1 == res["tracks"]["sighted"]["scenarios"]
    assert res["pooled"]["scenarios"] == 2
    text = invoke("backtest", corpus, "--runs", 100).stdout
    assert text.index("Blind track record") < text.index("Sighted corpus") < text.index("All tracks together")


def test_every_corpus_scenario_says_its_track_and_blind_ones_come_with_a_matching_frozen_forecast():
    from simulator.analysis.observed import corpus_scenarios

    for path in corpus_scenarios(CORPUS):  # not the observed files, nor the milestone classes beside them
        assert f"\n  track: {load(path).scenario.metadata.track}" in path.read_text(), path.name
        loaded = load(path)
        if loaded.scenario.metadata.track == "blind":
            frozen = json.loads((CORPUS / "forecasts" / f"{path.stem}.json").read_text())
            assert frozen["scenario_hash"] == loaded.digest and not frozen["sets"], path.name


def test_a_question_that_cannot_be_resolved_is_kept_and_said_not_dropped(tmp_path):
    corpus = blind_corpus(tmp_path)
    text = (corpus / "x.observed.yaml").read_text()
    (corpus / "x.observed.yaml").write_text(text.replace(
        "  - {question: held, answer: true, evidence: [{source: r, note: The talks met.}]}\n",
        "  - {question: held, unresolved: no report says whether the talks met before October}\n"))
    (e,) = as_json("backtest", corpus, "--runs", 50)["scenarios"]
    assert e["yes_no"] == [] and e["unresolved"] == [
        {"id": "held", "text": "Talks by 1 October 2025?", "reason": "no report says whether the talks met before October"}]
    assert "not scored, unresolved: Talks by 1 October 2025?" in invoke("backtest", corpus, "--runs", 50).stdout
    # an unresolved question gives no answer; a resolved one gives evidence
    (corpus / "x.observed.yaml").write_text(text.replace("answer: true, evidence", "answer: true, unresolved: unclear, evidence"))
    bad = invoke("validate", corpus / "x.observed.yaml")
    assert bad.exit_code == 2 and "questions[0].unresolved: an unresolved question gives no answer" in bad.stderr
    (corpus / "x.observed.yaml").write_text(text.replace(", evidence: [{source: r, note: The talks met.}]}\n", "}\n", 1))
    bad = invoke("validate", corpus / "x.observed.yaml")
    assert bad.exit_code == 2 and len(bad.stderr.splitlines()) == 1 and "give 'evidence'" in bad.stderr


def exposures(tmp_path, body, when):
    (tmp_path / "forecasts" / "x.exposures.yaml").write_text(
        "kind: exposures\nscenario: ../x.yaml\nwriter: w\n" + body)
    commit(tmp_path, ["forecasts/x.exposures.yaml"], when)


def test_exposures_recorded_after_the_outcomes_do_not_count(tmp_path):
    corpus = blind_corpus(tmp_path)
    exposures(corpus, "questions:\n  - {question: held, exposure: known, note: A later headline was seen.}\n",
              "2026-07-01T10:00:00+00:00")  # after the outcomes: cannot be used, and the scenario is not blind
    (e,) = as_json("backtest", corpus, "--runs", 50)["scenarios"]
    assert not e["blind_check"]["blind"]
    assert "its exposures were not recorded (committed) before its outcomes" in e["blind_check"]["reasons"]


def test_exposures_recorded_before_the_outcomes_move_questions_out_of_the_blind_pool(tmp_path):
    corpus = blind_corpus(tmp_path, exposures_first="questions:\n  - {question: held, exposure: known, "
                          "note: A later headline was seen.}\n")
    res = as_json("backtest", corpus, "--runs", 50)
    (e,) = res["scenarios"]
    assert e["blind_check"]["blind"] and e["yes_no"] == [] and [q["id"] for q in e["exposed"]] == ["held"]
    assert res["tracks"]["blind"]["yes_no"]["n"] == 0
    assert "Scored apart: questions whose answer the writer saw" in invoke("backtest", corpus, "--runs", 50).stdout


def test_a_writer_who_knew_the_whole_outcome_is_not_called_blind(tmp_path):
    corpus = blind_corpus(tmp_path, exposures_first="whole_scenario: {exposure: known, note: Remembered it.}\n")
    (e,) = as_json("backtest", corpus, "--runs", 50)["scenarios"]
    assert not e["blind_check"]["blind"] and any("whole negotiation" in r for r in e["blind_check"]["reasons"])
    bad = corpus / "forecasts" / "x.exposures.yaml"
    bad.write_text(bad.read_text() + "questions:\n  - {question: nope, exposure: known, note: Saw it.}\n")
    (e,) = as_json("backtest", corpus, "--runs", 50)["scenarios"]
    assert any("unknown question 'nope'" in r for r in e["blind_check"]["reasons"])


def test_exposures_written_down_late_count_only_when_a_commit_before_the_outcomes_declared_them(tmp_path):
    corpus = blind_corpus(tmp_path)
    (corpus / "notes.txt").write_text("declared")
    git(corpus, "add", "notes.txt")
    git(corpus, "commit", "-q", "-m", "Memory: held is suspected exposure", "--date", "2025-08-05T11:00:00+00:00")
    declared = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=corpus, capture_output=True,
                              text=True).stdout.strip()
    # the declaring commit is dated before the outcomes' commit (its committer date is what counts)
    exposures(corpus, f"declared_in: {declared}\nquestions:\n  - {{question: held, exposure: suspected, "
              "note: Remembered faintly.}\n", "2026-07-01T10:00:00+00:00")
    (e,) = as_json("backtest", corpus, "--runs", 50)["scenarios"]
    assert e["blind_check"]["blind"] and [q["id"] for q in e["exposed"]] == ["held"]
    assert any("from the message of commit" in n for n in e["blind_check"]["notes"])
    # a late file naming a question its declaring commit does not name is not accepted
    exposures(corpus, f"declared_in: {declared}\nquestions:\n  - {{question: when, exposure: suspected, "
              "note: Remembered faintly.}\n", "2026-07-02T10:00:00+00:00")
    (e,) = as_json("backtest", corpus, "--runs", 50)["scenarios"]
    assert not e["blind_check"]["blind"]


def test_the_blind_corpus_was_committed_in_order_and_every_blind_forecast_matches_its_scenario():
    """On this repository: every blind scenario's frozen forecast matches its scenario's hash, and where its
    outcomes are recorded, the backtest's checks (hash, commit order from git history when it is here, the
    forecast made before the outcomes were looked up) hold, unless its exposures say its writer knew the whole
    negotiation."""
    from simulator.analysis.backtest import blind_check, frozen_forecast_check, has_git_history, read_frozen
    from simulator.analysis.observed import corpus_scenarios, load_observed, observed_beside

    blind = [p for p in corpus_scenarios(CORPUS) if load(p).scenario.metadata.track == "blind"]
    assert len(blind) >= 8
    resolved = 0
    for path in blind:
        obs = observed_beside(path)
        if not obs.is_file():
            continue
        lo = load_observed(obs)
        check = blind_check(lo, read_frozen(lo), frozen_forecast_check(lo))
        allowed = [r for r in check["reasons"] if "whole negotiation" not in r]
        assert allowed == [], (path.name, check)
        if has_git_history(CORPUS):
            assert check["forecast_committed"] < check["outcomes_committed"], path.name
        resolved += 1
    assert resolved >= 1
