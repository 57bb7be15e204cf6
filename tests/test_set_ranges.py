"""``--set`` (and ``--vary``, the API's ``sets=``, the dashboard's what-if) checks each value against its parameter's
allowed range, in one place (``ParameterTable.check``): a chance in [0, 1], an odds multiplier above 0, a rule's
declared range, a number of days in its range, a share in [0, 1], a switch in [0, 1]; a value that is no finite
number is refused too. The refusal is one line naming the parameter's label and dotted name, the value and the
allowed range; exit status 2, no traceback."""

import datetime as dt
from pathlib import Path

import pytest

from simulator.compiled import Compiled
from simulator.scenario.schema import Scenario
from tests.synthetic import A, START, cli, fixed, meeting, party, write_yaml

PER_STEP = str(Path(__file__).resolve().parents[1] / "examples" / "per_step" / "syria_turkey_2023_per_step.yaml")

SURE = {a: {"propose": fixed(1.0), "accept": fixed(1.0)} for a in ("a", "b")}
LIVE = {"share": 0.3, "assumption": "In about three worlds of ten this round is on the cards at all."}


def doc() -> dict:
    """Talks live in a share of runs, whose acceptance an event's odds multiplier changes."""
    strike = {"id": "strike", "name": "Strike", "date": START, "assumption": A,
              "effects": [{"param": "talks.pace.a.accept", "op": "odds", "value": {"odds_multiplier": 3},
                           "assumption": A}]}
    return {
        "schema_version": 3,
        "metadata": {"title": "T", "description": "T", "as_of": START},
        "sources": [{"id": "s", "title": "t", "publisher": "p", "date": START}],
        "actors": [party("a"), party("b")],
        "milestones": [meeting(pace=SURE, live=LIVE)],
        "calendar": {"start": START, "end": START + dt.timedelta(days=70), "step_days": 7, "events": [strike]},
        "dynamics": {"pressure_decay": fixed(0.5), "sharpness": fixed(8.0)},
        "questions": [{"id": "when", "text": "When?", "date_of": "talks"}],
    }


def refused(r, *words):
    """One line, exit status 2, no traceback, every word in it."""
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and len(lines) == 1, r.output
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


# (parameter, bad value, words of its label, words of its allowed range): each kind of range
PER_STEP_CASES = [
    ("intelligence_chiefs.pace.turkey.accept", "1.7", "Weekly chance", "0 to 1"),  # a weekly chance
    ("intelligence_chiefs.pace.turkey.accept", "-0.2", "Weekly chance", "0 to 1"),
    ("turkey.resolve", "2.5", "Turkey", "0 to 2"),  # a rule's declared range (ParamSpec)
    ("fm_meeting.pace.syria.accept.weibull.median_days", "-30", "foreign ministers meeting", "1e-09 to 1e+06"),  # days
    ("presidents.adjust.odds", "0", "presidents meeting", "above 0"),  # an odds multiplier: 0 is no multiplier
    ("presidents.adjust.odds", "-2", "presidents meeting", "above 0"),
    ("steps_before_fm.enabled", "2", "asks for", "0 to 1"),  # a switch
    ("russia.urgency.ramp_weeks", "0", "Russia", "1 to 520"),
    ("election.turkey.p_runoff", "1.01", "", "0 to 1"),  # a calendar item's chance
]


@pytest.mark.parametrize("name,value,label,allowed", PER_STEP_CASES)
def test_run_refuses_a_value_outside_its_parameters_range_in_one_line(name, value, label, allowed):
    r = cli(["run", PER_STEP, "-n", "10", "--no-fragile", "--no-outside-view", "--set", f"{name}={value}"])
    line = refused(r, "--set", f"({name})", value, allowed, label)
    assert "allowed" in line


@pytest.mark.parametrize("value,words", [("nan", "not a finite number"), ("inf", "not a finite number"),
                                         ("-inf", "not a finite number"), ("lots", "not a number")])
def test_run_refuses_a_value_that_is_no_finite_number_naming_the_range(value, words):
    r = cli(["run", PER_STEP, "-n", "10", "--no-fragile", "--no-outside-view",
             "--set", f"turkey.resolve={value}"])
    refused(r, "--set", "(turkey.resolve)", words, "0 to 2", value)


def test_values_at_the_ends_of_the_range_and_inside_it_still_run():
    r = cli(["run", PER_STEP, "-n", "5", "--no-fragile", "--no-outside-view", "--json",
             "--set", "intelligence_chiefs.pace.turkey.accept=1", "--set", "turkey.resolve=0",
             "--set", "presidents.adjust.odds=0.001", "--set", "steps_before_fm.enabled=0"])
    assert r.exit_code == 0, r.output


def test_an_unknown_parameter_is_still_refused():
    r = cli(["run", PER_STEP, "-n", "5", "--set", "nobody.flexibility=0.5"])
    refused(r, "unknown parameter 'nobody.flexibility'")


@pytest.mark.parametrize("name,value,allowed", [
    ("strike.effects.0", "0", "above 0"),  # an effect's odds multiplier (no range stated in the document)
    ("strike.effects.0", "-1", "above 0"),
    ("talks.live", "1.5", "0 to 1"),  # a share of live worlds
    ("talks.live.draw", "-0.1", "0 to 1"),  # a run's own uniform draw of its world
    ("talks.pace.a.propose", "2", "0 to 1"),
])
def test_kinds_without_a_stated_range_have_one(name, value, allowed):
    r = cli(["run", write_yaml(doc()), "-n", "5", "--no-fragile", "--set", f"{name}={value}"])
    refused(r, f"({name})", allowed, value)


def test_compare_refuses_either_side():
    path = write_yaml(doc())
    refused(cli(["compare", path, "-n", "5", "--set-b", "talks.pace.a.accept=1.7"]), "--set", "(talks.pace.a.accept)",
            "0 to 1", "1.7")
    refused(cli(["compare", path, "-n", "5", "--set-a", "strike.effects.0=0", "--set-b", "talks.live=0.2"]),
            "(strike.effects.0)", "above 0")


@pytest.mark.parametrize("vary,words", [("talks.pace.a.accept=0.5:1.5:3", "1.5"),  # a grid leaving the range
                                        ("talks.live=-0.2,0.5", "-0.2"),  # a list
                                        ("strike.effects.0=0:4", "above 0")])  # a range to sample
def test_sweep_refuses_varied_values_outside_the_range(tmp_path, vary, words):
    sample = ["--sample", "lhs", "--points", "4"] if vary.count(":") == 1 else []
    r = cli(["sweep", write_yaml(doc()), "--out", str(tmp_path / "out"), "-n", "2", "--vary", vary, *sample])
    refused(r, "--vary", f"({vary.partition('=')[0]})", words)
    assert not (tmp_path / "out" / "runs").exists()


def test_the_api_refuses_with_a_value_error_naming_the_parameter():
    import simulator

    loaded = simulator.load(write_yaml(doc()))
    for sets in ({"talks.pace.a.accept": 1.7}, ["strike.effects.0=-3"], {"talks.live": float("nan")}):
        with pytest.raises(ValueError) as exc:
            simulator.run(loaded, runs=5, sets=sets)
        msg = str(exc.value)
        assert "\n" not in msg and "sets" in msg and f"({next(iter(sets)).partition('=')[0]})" in msg, msg
    with pytest.raises(ValueError, match=r"above 0"):
        simulator.compare(loaded, runs=5, sets_b={"strike.effects.0": 0})


def test_the_dashboard_what_if_refuses_a_fixed_chance_above_one():
    """A fixed chance of 0.9 had a what-if range of 0 to 1.8 (twice its value): 1.5 ran as a chance."""
    from dashboards.state import check_assignment

    table = Compiled(Scenario.model_validate(doc())).table
    with pytest.raises(ValueError) as exc:
        check_assignment("talks.pace.a.accept=1.5", table, "set")
    assert "(talks.pace.a.accept)" in str(exc.value) and "0 to 1" in str(exc.value)
    with pytest.raises(ValueError, match="above 0"):
        check_assignment("strike.effects.0=0", table, "set")
    assert check_assignment("talks.pace.a.accept=0.5", table, "set") == ("talks.pace.a.accept", 0.5)


def test_the_table_is_the_one_place():
    table = Compiled(Scenario.model_validate(doc())).table
    assert table.allowed("talks.pace.a.accept").admits(1.0) and not table.allowed("talks.pace.a.accept").admits(1.1)
    assert not table.allowed("strike.effects.0").admits(0.0) and table.allowed("strike.effects.0").admits(1e9)
    with pytest.raises(ValueError, match=r"^--set: .*\(talks\.stakes\).*0 to 2"):
        table.check("talks.stakes", 3.0, "--set")
