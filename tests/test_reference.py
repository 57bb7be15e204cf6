"""Reference classes: the library validates; a parameter can take its numbers from one (with an adjustment and
its reason); every bad case is one line file:line:col: field: message with exit status 2."""

import json
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from simulator.cli import app

from .conftest import ROOT
from .synthetic import coin_flip, write

LIBRARY = ROOT / "scenarios" / "reference"

PROBABILITY = {
    "reference_version": 1, "id": "talks_soon", "title": "Talks within a month (constructed)",
    "kind": "probability", "event": "talks are held within 30 days of being announced",
    "window": {"start_day": 0, "end_day": 30},
    "counted": "Constructed for a test: 6 of 10 made-up announcements were followed by talks within 30 days.",
    "rate": {"successes": 6, "trials": 10},
    "uncertainty": "Ten made-up cases; a Jeffreys beta carries the width.",
    "sources": [{"id": "made_up", "authors": "Nobody", "title": "Nothing", "year": 2024, "publisher": "None"}],
}
DELAY = {
    "reference_version": 1, "id": "slip_days", "title": "Slip of an announced date (constructed)",
    "kind": "delay", "event": "days from an announced date to the meeting",
    "counted": "Constructed for a test: the middle half of made-up delays lies between 2 and 30 days.",
    "rate": {"median": 7, "low": 2, "high": 30, "quantiles": [0.25, 0.75]},
    "uncertainty": "Made-up cases; the quartiles are the interval.",
    "sources": [{"id": "made_up", "authors": "Nobody", "title": "Nothing", "year": 2024, "publisher": "None"}],
}


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def dump(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as f:
        YAML().dump(data, f)
    return path


def scenario_with(tmp_path, param: dict, where: str = "flexibility") -> Path:
    """The coin flip with party a's ``where`` taken from ``param``, and the two constructed references beside it."""
    dump(tmp_path / "reference" / "talks_soon.yaml", PROBABILITY)
    dump(tmp_path / "reference" / "slip_days.yaml", DELAY)
    sc = coin_flip()
    if where == "stakes":
        sc["tracks"][0]["levels"][0]["stakes"] = param
    else:
        sc["actors"][0]["params"][where] = param
    return write(tmp_path, sc)


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_every_library_reference_validates_and_cites_sources():
    files = sorted(LIBRARY.glob("*.yaml"))
    assert len(files) >= 4
    res = invoke("validate", *files)
    assert res.exit_code == 0, res.output
    assert res.stdout.count(": ok (reference class, ") == len(files)


def test_no_library_reference_uses_a_reserved_negotiation():
    reserved = re.compile(r"saudi|tigray|tplf|ethiopia|armenia|azerbaijan|karabakh|pretoria", re.I)
    for f in LIBRARY.glob("*.yaml"):
        assert not reserved.search(f.read_text(encoding="utf-8")), f.name


def test_a_parameter_takes_its_numbers_from_a_reference(tmp_path):
    from simulator.scenario import load

    path = scenario_with(tmp_path, {"from_reference": "talks_soon"})
    p = load(path).scenario.actors[0].params["flexibility"]
    assert (p.dist, p.a, p.b) == ("beta", 6.5, 4.5)  # Jeffreys: successes + 1/2, failures + 1/2
    assert p.provenance == "reference"


def test_an_odds_adjustment_moves_the_mean_and_keeps_the_concentration(tmp_path):
    from simulator.scenario import load

    path = scenario_with(tmp_path, {"from_reference": "talks_soon",
                                    "adjust": {"odds": 1.5, "reason": "A mediator presses for the talks."}})
    p = load(path).scenario.actors[0].params["flexibility"]
    mean = 6.5 / 11
    odds = mean / (1 - mean) * 1.5
    assert p.a + p.b == pytest.approx(11)
    assert p.a / (p.a + p.b) == pytest.approx(odds / (1 + odds))


def test_params_shows_where_each_number_comes_from(tmp_path):
    path = scenario_with(tmp_path, {"from_reference": "talks_soon",
                                    "adjust": {"shift": -0.1, "reason": "The parties are further apart here."}})
    res = invoke("params", path, "--json")
    assert res.exit_code == 0, res.output
    rows = {r["name"]: r for r in json.loads(res.stdout)}
    flex = rows["a.flexibility"]
    assert flex["provenance"] == "reference" and flex["reference"]["rate"] == "6 of 10 within 30 days"
    assert flex["source"] == ("reference class 'talks_soon', adjusted (shift -0.1): "
                              "The parties are further apart here.")
    assert rows["a.resolve"]["provenance"] == "assumption"
    assert rows["a.resolve"]["source"] == "Constructed for a test."
    table = invoke("params", path)
    assert table.exit_code == 0 and "reference" in table.stdout


def test_a_weekly_chance_takes_a_delay_or_a_windowed_probability_converted(tmp_path):
    """A delay (median and range in days) and a probability within 30 days become weekly chances by the
    formulas of lang/estimable.py: h = 1 - 0.5^(7/days) (longer delay, smaller chance), h = 1 - (1-p)^(7/30)."""
    path = scenario_with(tmp_path, {"from_reference": "slip_days"}, "concession_rate")
    res = invoke("params", path, "--json")
    assert res.exit_code == 0, res.output
    row = {r["name"]: r for r in json.loads(res.stdout)}["a.concession_rate"]
    assert row["dist"] == "triangular" and row["provenance"] == "reference"
    assert (row["low"], row["high"]) == (pytest.approx(1 - 0.5 ** (7 / 30)), pytest.approx(1 - 0.5 ** (7 / 2)))
    path = scenario_with(tmp_path, {"from_reference": "talks_soon"}, "concession_rate")
    row = {r["name"]: r for r in json.loads(invoke("params", path, "--json").stdout)}["a.concession_rate"]
    mean, sd = 6.5 / 11, (6.5 * 4.5 / (11 ** 2 * 12)) ** 0.5  # the Jeffreys beta of 6 of 10
    weekly = lambda p: 1 - (1 - p) ** (7 / 30)  # noqa: E731
    assert (row["low"], row["high"]) == (pytest.approx(weekly(mean - 1.645 * sd)),
                                         pytest.approx(weekly(mean + 1.645 * sd)))


@pytest.mark.parametrize("param,where,field,message", [
    ({"from_reference": "talks_later"}, "flexibility", "actors[0].params.flexibility.from_reference",
     "unknown reference 'talks_later' (known: "),
    ({"from_reference": "talks_soon", "adjust": {"shift": 0.6, "reason": "Much more likely in this case."}},
     "flexibility", "actors[0].params.flexibility.adjust", "the adjusted probability 1.19 lies outside [0, 1]"),
    ({"from_reference": "talks_soon", "adjust": {"odds": 2}}, "flexibility",
     "actors[0].params.flexibility.adjust.reason", "required field missing"),
    ({"from_reference": "talks_soon", "adjust": {"factor": 2, "reason": "Twice as slow as usual."}}, "flexibility",
     "actors[0].params.flexibility.adjust", "adjust.factor scales a delay; a probability is adjusted by 'odds' or "
     "'shift'"),
    ({"from_reference": "talks_soon"}, "stakes", "tracks[0].levels[0].stakes.from_reference",
     "reference 'talks_soon' is a probability; this number is not one (it lies within [0, 2])"),
    ({"from_reference": "slip_days"}, "flexibility", "actors[0].params.flexibility.from_reference",
     "reference 'slip_days' is a delay in days; only a weekly chance"),
    ({"from_reference": "talks_soon", "value": 0.5}, "flexibility", "actors[0].params.flexibility",
     "'from_reference' gives the numbers: remove dist, value, low, high, ... (or drop from_reference)"),
    ({"from_reference": "talks_soon", "assumption": "Both at once."}, "flexibility", "actors[0].params.flexibility",
     "give exactly one of 'evidence' (source + quote or note), 'assumption' or 'from_reference'"),
])
def test_a_bad_reference_is_one_line_with_status_2(tmp_path, param, where, field, message):
    path = scenario_with(tmp_path, param, where)
    res = invoke("validate", path)
    assert res.exit_code == 2, res.output
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in res.output
    m = re.match(rf"^{re.escape(str(path))}:(\d+):(\d+): (\S+): (.*)$", lines[0])
    assert m, lines[0]
    assert m.group(3) == field and m.group(4).startswith(message), lines[0]
    key = "stakes:" if where == "stakes" else f"{where}:"
    assert int(m.group(1)) >= line_of(path, key)  # at the parameter (or inside it), not elsewhere


@pytest.mark.parametrize("change,field,message", [
    ({"window": {"start_day": 30, "end_day": 10}}, "window", "the window ends (day 10) before it starts (day 30)"),
    ({"rate": {"value": 1.3}}, "rate.value", "a probability must lie in [0, 1] (got 1.3)"),
    ({"kind": "delay", "window": None, "rate": {"median": 9, "low": 10, "high": 20}}, "rate",
     "a delay needs 0 <= low <= median <= high (days)"),
    ({"rate": {"successes": 12, "trials": 10}}, "rate", "successes (12) exceed trials (10)"),
    ({"sources": []}, "sources", "List should have at least 1 item after validation"),
    ({"id": "other_name"}, "id", "'other_name' must match the file name ('talks_soon')"),
    ({"counted": "short"}, "counted", "String should have at least 40 characters"),
])
def test_a_bad_reference_file_is_one_line_with_status_2(tmp_path, change, field, message):
    path = dump(tmp_path / "talks_soon.yaml", {**PROBABILITY, **change})
    res = invoke("validate", path)
    assert res.exit_code == 2, res.output
    lines = res.stderr.splitlines()
    assert len(lines) == 1, lines
    m = re.match(rf"^{re.escape(str(path))}:(\d+):(\d+): (\S+): (.*)$", lines[0])
    assert m and m.group(3) == field and m.group(4).startswith(message), lines[0]


def test_a_reference_built_after_the_scenario_as_of_is_hindsight(tmp_path):
    dump(tmp_path / "reference" / "later.yaml", {**PROBABILITY, "id": "later", "sources": [
        {"id": "made_up", "authors": "Nobody", "title": "Nothing", "year": 2025, "publisher": "None"}]})
    path = scenario_with(tmp_path, {"from_reference": "later"})  # the coin flip's as_of is 2024-01-01
    res = invoke("validate", path)
    assert res.exit_code == 2
    assert res.stderr.strip().endswith("actors[0].params.flexibility.from_reference: reference 'later' rests on a "
                                       "source from 2025, after the scenario's as_of (2024-01-01); no hindsight")


def test_a_rate_counted_from_cases_must_be_what_the_cases_give(tmp_path):
    case = lambda name, end: {"name": name, "start": "2020-01-01", "end": end, "sources": ["made_up"]}  # noqa: E731
    cases = [case("one", "2020-01-05"), case("two", "2020-03-01"), case("three", "2020-01-01")]
    good = dump(tmp_path / "talks_soon.yaml", {**PROBABILITY, "rate": {"successes": 2, "trials": 3}, "cases": cases})
    assert invoke("validate", good).exit_code == 0
    bad = dump(tmp_path / "talks_soon.yaml", {**PROBABILITY, "rate": {"successes": 3, "trials": 3}, "cases": cases})
    res = invoke("validate", bad)
    assert res.exit_code == 2 and res.stderr.strip().endswith("rate: the listed cases give 2 of 3, not 3 of 3")
    cases[1]["sources"] = ["elsewhere"]
    res = invoke("validate", dump(tmp_path / "talks_soon.yaml", {**PROBABILITY, "rate": {"successes": 2, "trials": 3},
                                                               "cases": cases}))
    assert res.exit_code == 2 and "cases[1].sources[0]: unknown source 'elsewhere' (known: made_up)" in res.stderr


def test_a_delay_reference_gives_a_triangular_in_days(tmp_path):
    from simulator.scenario.loader import read_reference

    ref = read_reference(dump(tmp_path / "slip_days.yaml", DELAY))
    assert ref.distribution() == {"dist": "triangular", "low": 2, "mode": 7, "high": 30}
    assert ref.summary() == "median 7 days (25%-75% range 2-30)"


def test_a_resolved_scenario_reads_back_without_the_library(tmp_path):
    from simulator.scenario import load
    from simulator.scenario.schema import Scenario

    path = scenario_with(tmp_path, {"from_reference": "talks_soon"})
    loaded = load(path)
    again = Scenario.model_validate(loaded.scenario.model_dump(mode="json"))
    assert again == loaded.scenario


def test_numbers_that_are_not_plain_probabilities_refuse_a_reference(tmp_path):
    dump(tmp_path / "reference" / "talks_soon.yaml", PROBABILITY)
    sc = coin_flip()
    sc["dynamics"]["sharpness"] = {"from_reference": "talks_soon"}
    sc["questions"][0]["prior"] = {"from_reference": "talks_soon"}
    path = write(tmp_path, sc)
    res = invoke("validate", path)
    assert res.exit_code == 2
    assert len(res.stderr.splitlines()) == 1 and "'prior' is a fixed probability between 0 and 1" in res.stderr
    del sc["questions"][0]["prior"]
    res = invoke("validate", write(tmp_path, sc))
    assert res.exit_code == 2
    assert res.stderr.strip().endswith("dynamics.sharpness.from_reference: reference 'talks_soon' is a probability; "
                                       "this number is not one (it lies within [0, 1e+06])")
