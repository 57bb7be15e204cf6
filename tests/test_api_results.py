"""The API's typed results (``simulator.api_results``, issue 26): ``params``, ``summarize``, ``explain`` and
``backtest`` give frozen dataclasses whose fields are what the command's ``--json`` prints for the same input,
whose words are what the command prints, and which make tables (``to_pandas``/``to_arrow``)."""

import dataclasses
import json

import pytest
from typer.testing import CliRunner

import simulator
from simulator.api_results import Backtest, Explanation, Parameter, Parameters, Summary
from simulator.cli import app

from .conftest import ROOT, SEED_SCENARIO

OBSERVED = ROOT / "scenarios" / "cyprus_2026.observed.yaml"


def printed(*args) -> str:
    """What ``diplosim ARGS`` prints, piped (140 columns, as ``cli.render.output_console`` sets it)."""
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "140"})
    assert result.exit_code == 0, result.output
    return result.output


def same_as_the_command(result, *args) -> dict:
    """The typed result against the command for the same input: its JSON is the ``--json`` (as text and as data),
    its words what the command prints. Returns the command's JSON."""
    text = printed(*args, "--json")
    assert result.to_json() + "\n" == text
    data = json.loads(text)
    assert json.loads(result.to_json()) == data
    assert result.words() == str(result) == printed(*args)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(result, dataclasses.fields(result)[0].name, None)
    return data


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("typed") / "sw"
    simulator.run_sweep(SEED_SCENARIO, out, vary=["iran.active=0,1"], runs=8, seed=2)
    return out


def test_params_are_typed_parameters():
    result = simulator.params(SEED_SCENARIO)
    assert isinstance(result, Parameters) and all(isinstance(p, Parameter) for p in result)
    data = same_as_the_command(result, "params", SEED_SCENARIO)
    assert [p.name for p in result] == [r["name"] for r in data] and len(result) == len(data) > 0
    for p, row in zip(result, data):
        assert (p.dist, p.low, p.high, p.provenance, p.source, p.unit, p.stated_as, p.estimable) == (
            row["dist"], row["low"], row["high"], row["provenance"], row["source"], row["unit"], row["stated_as"],
            row["estimable"])
        assert p.reference == row.get("reference")
    first = data[0]["name"]
    assert result[first] == result[0] and result[0]["dist"] == data[0]["dist"]  # old row-as-dict reading kept
    frame = result.to_pandas()
    assert frame.shape == (len(data), 10) and list(frame.columns) == [f.name for f in dataclasses.fields(Parameter)]
    assert result.to_arrow().num_rows == len(data)
    with pytest.raises(KeyError, match="unknown parameter 'nope'"):
        result["nope"]


def test_summarize_is_a_typed_summary(results_dir):
    result = simulator.summarize(results_dir)
    assert isinstance(result, Summary)
    data = same_as_the_command(result, "summarize", results_dir)
    assert (result.scenario, result.runs_expected, result.parameters) == (data["scenario"], data["runs_expected"],
                                                                         data["parameters"])
    assert result.overall == data["overall"] and result.per_point == data["per_point"] and result["seed"] == 2
    assert list(result.answers) == [q["id"] for q in data["overall"]["questions"]]
    n_questions = len(data["overall"]["questions"])
    frame = result.to_pandas()
    assert len(frame) == 2 * n_questions and list(frame.columns[:4]) == ["point", "iran.active", "id", "text"]
    assert sorted(frame["point"].unique().tolist()) == [0, 1]
    probability = frame[frame["id"] == data["per_point"][1]["questions"][0]["id"]].set_index("point")
    assert probability.loc[1, "p"] == pytest.approx(data["per_point"][1]["questions"][0]["p"])
    assert simulator.summarize(results_dir, max_points=1).words() == printed("summarize", results_dir,
                                                                            "--max-points", "1")


def test_explain_is_a_typed_explanation(results_dir):
    result = simulator.explain(simulator.open_results(results_dir))
    assert isinstance(result, Explanation) and result.question is None
    data = same_as_the_command(result, "explain", results_dir)
    assert result.levels == data["levels"] and [lv["name"] for lv in result.levels]
    frame = result.to_pandas()
    assert len(frame) == sum(len(lv["blocked_by"]) for lv in data["levels"])
    assert list(frame.columns) == ["milestone", "held_share", "runs", "actor", "reason", "runs_share",
                                   "steps_blocked_mean"]
    one = simulator.explain(simulator.open_results(results_dir), "fm_before_round1")
    data = same_as_the_command(one, "explain", results_dir, "--question", "fm_before_round1")
    assert one.question == data["question"] and one["question"]["text"] == data["question"]["text"]


def test_backtest_is_a_typed_backtest():
    result = simulator.backtest(OBSERVED, runs=40, seed=1)
    assert isinstance(result, Backtest) and result.outside_view is None
    data = same_as_the_command(result, "backtest", OBSERVED, "--runs", "40", "--seed", "1")
    assert (result.runs, result.seed, result.scenarios, result.pooled, result.variants) == (
        data["runs"], data["seed"], data["scenarios"], data["pooled"], data["variants"])
    frame = result.to_pandas()
    yes_no = [q for e in data["scenarios"] for q in e["yes_no"]]
    assert len(frame) == len(yes_no) > 0 and frame["brier"].tolist() == [q["brier"] for q in yes_no]
    assert result.to_arrow().num_rows == len(yes_no)
    assert [t for _, t, _ in result.figures()]


def test_compare_is_a_typed_comparison():
    result = simulator.compare(SEED_SCENARIO, sets_b=["iran.active=0"], runs=60, seed=1)
    assert isinstance(result, simulator.api.Comparison)
    text = printed("compare", SEED_SCENARIO, "--set-b", "iran.active=0", "--runs", "60", "--seed", "1", "--json")
    data = json.loads(text)
    # the same paired differences; the API names the what-if as it was given (its texts), the command as numbers
    assert {k: v for k, v in result.as_json().items() if k not in "ab"} == {k: v for k, v in data.items()
                                                                          if k not in "ab"}
    assert (data["b"]["set"], result.as_json()["b"]["set"]) == ({"iran.active": 0.0}, ["iran.active=0"])
    assert result.words() == str(result) == printed("compare", SEED_SCENARIO, "--set-b", "iran.active=0",
                                                    "--runs", "60", "--seed", "1")
    assert result["runs"] == 60 and result.to_pandas().shape[0] == len(data["questions"])
    assert result.to_arrow().num_rows == len(data["questions"])


def test_sensitivity_and_discover_are_typed(tmp_path):
    from simulator.api_results import Discovery, Sensitivity

    sobol = tmp_path / "sobol"
    simulator.run_sweep(SEED_SCENARIO, sobol, sample="sobol", points=8, runs=10, seed=3)
    result = simulator.sensitivity(sobol, seed=2)
    assert isinstance(result, Sensitivity)
    data = same_as_the_command(result, "sensitivity", sobol, "--seed", "2")
    assert result.questions == data["questions"]
    frame = result.to_pandas()
    assert len(frame) == sum(len(q["indices"]) for q in data["questions"]) > 0
    assert list(frame.columns) == ["question", "name", "S1", "S1_conf", "ST", "ST_conf"]
    assert result.figure(data["questions"][0]["id"]).data
    boxes = simulator.discover(sobol, "fm_before_round1", threshold=0.2)
    assert isinstance(boxes, Discovery)
    data = same_as_the_command(boxes, "discover", sobol, "--question", "fm_before_round1", "--threshold", "0.2")
    assert boxes.boxes == data["boxes"] and list(boxes.to_pandas().columns) == ["rule", "coverage", "density",
                                                                                "points", "mean_probability"]
    assert len(boxes.to_pandas()) == len(data["boxes"])


def test_check_model_and_events_are_typed(results_dir):
    from simulator.api_results import ModelChecks

    args = ("--runs", "40", "--seed", "1", "--only", "no_op_what_if")
    checks = simulator.check_model(SEED_SCENARIO, runs=40, seed=1, only=["no_op_what_if"])
    assert isinstance(checks, ModelChecks) and checks.passed and len(checks) == 1
    data = json.loads(printed("check-model", SEED_SCENARIO, *args, "--json"))
    assert checks.to_json() + "\n" == printed("check-model", SEED_SCENARIO, *args, "--json")
    assert [r.to_dict() for r in checks] == data["results"] and (checks.runs, checks.seed) == (data["runs"], data["seed"])
    done = CliRunner().invoke(app, ["check-model", str(SEED_SCENARIO), *args], env={"COLUMNS": "140"})
    assert (done.stdout, done.stderr) == (checks.words(), checks.verdict() + "\n")
    assert list(checks.to_pandas().columns) == ["property", "title", "status", "sentence"]
    log = simulator.events(results_dir, 3, point=1)
    rows = json.loads(printed("events", results_dir, "-p", "1", "-r", "3", "--json"))
    assert log.to_json() + "\n" == printed("events", results_dir, "-p", "1", "-r", "3", "--json")
    assert len(rows) == len(log.rows) == len(log.to_pandas()) and rows[0]["kind"] == log.to_dicts()[0]["kind"]
    assert log.words() == printed("events", results_dir, "-p", "1", "-r", "3")


# ------------------------------------------------------------------ what `diplosim run` prints beside its questions
CYPRUS = ROOT / "scenarios" / "cyprus_2026.yaml"  # records its writer's priors; some part from the forecast
PER_STEP = ROOT / "examples" / "per_step" / "syria_turkey_2023_per_step.yaml"  # classed, with one adjustment


def run_json_and_text(scenario, *args) -> tuple[dict, str]:
    """``diplosim run SCENARIO ARGS``: its ``--json`` (as data) and what it prints."""
    return json.loads(printed("run", scenario, *args, "--json")), printed("run", scenario, *args)


def test_the_priors_gap_is_typed():
    from simulator.api_results import PriorsGap

    data, text = run_json_and_text(CYPRUS, "--runs", "200", "--seed", "1", "--no-fragile")
    forecast = simulator.run(CYPRUS, runs=200, seed=1)
    gap = simulator.explain_gap(forecast)
    assert isinstance(gap, PriorsGap) and gap == forecast.priors_gap
    assert gap.as_json() == data["priors_gap"] and json.loads(gap.to_json()) == data["priors_gap"]
    assert (gap.threshold, gap.unit, gap.questions) == (data["priors_gap"]["threshold"], data["priors_gap"]["unit"],
                                                        data["priors_gap"]["questions"])
    assert gap.parted == [q for q in data["priors_gap"]["questions"] if q["explained"]] != []
    assert gap.words() == str(gap) and gap.words() in text  # what `diplosim run` prints of it
    assert gap.words().startswith("Where the forecast and the writer's priors part by more than 15 points")
    assert gap["threshold"] == 0.15 and "questions" in gap  # the old dict reading, kept for one release
    frame = gap.to_pandas()
    assert list(frame.columns) == ["id", "text", "forecast", "prior", "gap", "explained"]
    assert frame["id"].tolist() == [q["id"] for q in gap.questions] and frame["explained"].sum() == len(gap.parted)
    assert gap.to_arrow().num_rows == len(gap.questions)
    with pytest.raises(dataclasses.FrozenInstanceError):
        gap.data = {}


def test_the_adjustments_are_typed():
    from simulator.api_results import Adjustment, Adjustments
    from simulator.outside_view.forecast import ADJUSTMENT_HEAD

    data, text = run_json_and_text(PER_STEP, "--runs", "200", "--seed", "1", "--no-fragile")
    effects = simulator.adjustment_effects(PER_STEP, runs=200, seed=1)
    assert isinstance(effects, Adjustments) and all(isinstance(a, Adjustment) for a in effects) and len(effects) == 1
    assert effects.as_json() == data["adjustments"] and json.loads(effects.to_json()) == data["adjustments"]
    (a,) = effects
    row = data["adjustments"][0]
    assert (a.milestone, a.what, a.value, a.reason, a.parameter, a.neutral, a.label, a.runs, a.seed) == (
        row["milestone"], row["what"], row["value"], row["reason"], row["parameter"], row["neutral"], row["label"],
        200, 1)
    assert list(a.questions) == row["questions"]
    assert effects[0] is a and effects[a.parameter] is a and a.parameter in effects and a["label"] == row["label"]
    assert effects.words() == str(effects) and effects.words() in text  # the table `diplosim run` prints
    assert effects.words().startswith("The author's adjustments of class curves") and a.label[:30] in effects.words()
    rows = effects.rows()  # the table the report and the dashboard show
    assert len(rows) == len(a.questions) and all(len(r) == len(ADJUSTMENT_HEAD) for r in rows)
    assert [r[0] for r in rows] == [a.label] + [""] * (len(rows) - 1) and [r[1] for r in rows] == [
        q["text"] for q in a.questions]
    frame = effects.to_pandas()
    assert frame.shape == (len(a.questions), 12) and frame["moves"].tolist() == [q["moves"] for q in a.questions]
    assert effects.to_arrow().num_rows == len(a.questions)
    with pytest.raises(KeyError, match="unknown adjustment 'nope'"):
        effects["nope"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.value = 1.0


def test_the_fragile_screen_is_typed():
    from simulator.api_results import FragileScreen

    data, text = run_json_and_text(SEED_SCENARIO, "--runs", "120", "--seed", "3", "--no-outside-view")
    screen = simulator.fragile_screen(SEED_SCENARIO, runs=120, seed=3)
    assert isinstance(screen, FragileScreen) and screen.skipped is None
    assert screen.as_json() == data["fragile"] and json.loads(screen.to_json()) == data["fragile"]
    assert screen == simulator.run(SEED_SCENARIO, runs=120, seed=3, fragile=True, outside_view=False).fragile
    assert (screen.threshold, screen.replications, screen.screened, screen.questions) == (
        data["fragile"]["threshold"], data["fragile"]["replications"], data["fragile"]["screened"],
        data["fragile"]["questions"])
    assert screen.fragile == [q["id"] for q in data["fragile"]["questions"] if q["flags"]]
    assert screen.words() == str(screen) and screen.words() in text  # what `diplosim run` prints under its questions
    assert screen.words().startswith("Fragile forecasts: ")
    frame = screen.to_pandas()
    moves = [(q["id"], f["name"]) for q in screen.questions for key in ("flags", "borderline") for f in q[key]]
    assert list(zip(frame["id"], frame["name"])) == moves and len(frame.columns) == 11
    assert set(frame["status"]) <= {"fragile", "borderline"}
    assert screen["replications"] == screen.replications  # the old dict reading, kept for one release
