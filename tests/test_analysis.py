"""compare and explain (backtests: test_backtest.py): exact expectations on constructed scenarios, one-line errors."""

import json
import math

import pytest
from typer.testing import CliRunner

from simulator.cli import app

from .conftest import SEED_SCENARIO
from .synthetic import coin_flip, write

RUNS = 400


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def as_json(*args):
    res = invoke(*args, "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.fixture()
def coin(tmp_path):
    return write(tmp_path, coin_flip(), "coin.yaml")


@pytest.fixture()
def blocked(tmp_path):
    return write(tmp_path, coin_flip("hard"), "blocked.yaml")


# ---------------------------------------------------------------- compare

def test_compare_a_scenario_with_itself_is_exactly_zero(coin):
    res = as_json("compare", coin, coin, "--runs", RUNS, "--seed", 1)
    assert all(res["common_random_numbers"].values())
    for q in res["questions"]:
        assert q["diff"] == 0 and q["low"] == q["high"] == 0 and q["runs_changed"] == 0


def test_compare_switching_off_a_blocking_precondition(blocked):
    res = as_json("compare", blocked, "--set-b", "needs_never.enabled=0", "--runs", RUNS, "--seed", 1)
    q = next(q for q in res["questions"] if q["id"] == "talks_held")
    assert q["a"] == 0.0 and q["b"] == q["diff"] == q["runs_changed"] / RUNS
    assert abs(q["b"] - 0.5) < 4 * math.sqrt(0.25 / RUNS)
    assert q["low"] < q["diff"] < q["high"]


def test_compare_seed_scenario_what_if():
    res = as_json("compare", SEED_SCENARIO, "--set-b", "steps_before_fm.enabled=0", "--runs", 300, "--seed", 2)
    fm = next(q for q in res["questions"] if q["id"] == "fm_before_round1")
    assert fm["diff"] > 0 and fm["low"] > 0


def test_compare_needs_a_difference_and_shared_questions(coin, tmp_path):
    res = invoke("compare", coin)
    assert res.exit_code == 2
    assert res.stderr == "error: compare: give SCENARIO_B or --set-a/--set-b to make the variants differ\n"
    other = coin_flip()
    for q in other["questions"]:
        q["id"] = "other_" + q["id"]
    res = invoke("compare", coin, write(tmp_path, other, "other.yaml"), "--runs", 10)
    assert res.exit_code == 2
    assert res.stderr == "error: the two scenarios share no question id: nothing to compare\n"


# ---------------------------------------------------------------- explain

def test_explain_names_the_blocking_precondition(blocked, tmp_path):
    out = tmp_path / "res"
    assert invoke("run", blocked, "--runs", 50, "--seed", 3, "--out", out).exit_code == 0
    res = as_json("explain", out)
    (level,) = res["levels"]
    assert level["held_share"] == 0.0
    assert level["blocked_by"] == [{"actor": "a", "reason": "precondition:needs_never",
                                    "text": "A held to its condition: Never happens has happened", "runs_share": 1.0,
                                    "steps_blocked_mean": 1.0, "when_10_50_90": ["2024-01-01"] * 3}]


def test_explain_coin_flip_declines_match_the_runs(coin, tmp_path):
    out = tmp_path / "res"
    assert invoke("run", coin, "--runs", RUNS, "--seed", 3, "--out", out).exit_code == 0
    (level,) = as_json("explain", out, "--question", "talks_held")["levels"]
    (declined,) = level["blocked_by"]
    assert declined["reason"] == "declined" and declined["runs_share"] == pytest.approx(1 - level["held_share"])


def test_explain_errors(coin, tmp_path):
    out = tmp_path / "res"
    assert invoke("run", coin, "--runs", 5, "--out", out).exit_code == 0
    res = invoke("explain", out, "--question", "nope")
    assert res.exit_code == 2
    assert res.stderr == "error: --question: unknown question 'nope' (known: talks_held, talks_date)\n"
    res = invoke("explain", tmp_path)
    assert res.exit_code == 2 and res.stderr.count("\n") == 1 and "manifest.json" in res.stderr


# ---------------------------------------------------------------- sensitivity and discovery

@pytest.fixture(scope="module")
def sobol_sweep(tmp_path_factory):
    from .synthetic import threshold_switch

    tmp = tmp_path_factory.mktemp("sobol")
    scenario = write(tmp, threshold_switch(), "switch.yaml")
    out = tmp / "sweep"
    res = invoke("sweep", scenario, "--out", out, "--sample", "sobol", "--points", 16, "--runs", 10, "--seed", 4)
    assert res.exit_code == 0, res.output
    return out


def test_sensitivity_finds_the_only_parameter_that_matters(sobol_sweep):
    res = as_json("sensitivity", sobol_sweep, "--question", "talks_held")
    (q,) = res["questions"]
    idx = {r["name"]: r for r in q["indices"]}
    assert idx["b.flexibility"]["S1"] == 0 and idx["b.flexibility"]["ST"] == 0  # exactly: b never matters
    assert idx["a.flexibility"]["ST"] > 0.8
    assert q["indices"][0]["name"] == "a.flexibility"


def test_sensitivity_gives_the_same_intervals_for_the_same_seed_and_others_for_another(sobol_sweep):
    """SALib's bootstrap of the intervals is seeded from --seed (SALib takes a seed of 0 as none: it was unseeded,
    so every run of the command gave other intervals)."""
    first = invoke("sensitivity", sobol_sweep, "--json")
    again = invoke("sensitivity", sobol_sweep, "--json")
    assert first.exit_code == 0, first.output
    assert first.stdout == again.stdout
    assert invoke("sensitivity", sobol_sweep, "--json", "--seed", 5).stdout == \
        invoke("sensitivity", sobol_sweep, "--json", "--seed", 5).stdout
    other = json.loads(invoke("sensitivity", sobol_sweep, "--json", "--seed", 1).stdout)
    base = json.loads(first.stdout)
    conf = lambda res: [(r["S1_conf"], r["ST_conf"]) for q in res["questions"] if not q.get("constant")  # noqa: E731
                        for r in q["indices"]]
    assert conf(base) and conf(other) != conf(base)  # the intervals are a bootstrap's: another seed, others
    est = lambda res: [(r["S1"], r["ST"]) for q in res["questions"] for r in q["indices"]]  # noqa: E731
    assert est(other) == est(base)  # the indices themselves do not depend on the seed


def test_the_api_sensitivity_takes_the_seed(sobol_sweep):
    import simulator

    assert simulator.sensitivity(sobol_sweep, seed=3) == simulator.sensitivity(sobol_sweep, seed=3)
    printed = json.loads(invoke("sensitivity", sobol_sweep, "--json").stdout)
    assert simulator.sensitivity(sobol_sweep).as_json() == printed
    assert simulator.sensitivity(sobol_sweep, seed=3) != simulator.sensitivity(sobol_sweep, seed=4)


def test_discover_finds_the_box(sobol_sweep):
    res = as_json("discover", sobol_sweep, "--question", "talks_held", "--threshold", 0.5)
    best = res["boxes"][0]
    assert best["rule"].startswith("a.flexibility > 0.") and " and " not in best["rule"]
    assert best["coverage"] == 1.0 and best["density"] == 1.0
    threshold = float(best["rule"].split(">")[1])
    assert abs(threshold - 0.5) < 0.1


def test_sensitivity_refuses_a_monte_carlo(coin, tmp_path):
    out = tmp_path / "mc"
    assert invoke("run", coin, "--runs", 5, "--out", out).exit_code == 0
    res = invoke("sensitivity", out)
    assert res.exit_code == 2
    assert res.stderr == ("error: sensitivity needs a Sobol-sampled sweep (`diplosim sweep --sample sobol`); "
                          "this results directory was made with 'montecarlo'\n")
    res = invoke("discover", out, "--question", "talks_held")
    assert res.exit_code == 2
    assert res.stderr == "error: discover needs a sweep over at least one parameter with at least 4 points\n"


def test_discover_rejects_unknown_question_and_bad_threshold(sobol_sweep):
    res = invoke("discover", sobol_sweep, "--question", "nope")
    assert res.exit_code == 2
    assert res.stderr == "error: --question: unknown question 'nope' (known: talks_held, talks_date)\n"
    res = invoke("discover", sobol_sweep, "--question", "talks_held", "--threshold", 1.5)
    assert res.exit_code == 2
    assert res.stderr == "error: --threshold: must lie strictly between 0 and 1 (got 1.5)\n"


def test_compare_prints_a_date_questions_median_shift_in_the_console_table():
    """Issue 25 item 9: the console table gives a date question's median dates and the median's shift in days with
    its interval (it gave them in --json only, and the console row said the chance by the end alone)."""
    from simulator.answers import DateDistribution, day_words

    args = ["compare", str(SEED_SCENARIO), "--set-b", "steps_before_fm.enabled=0", "--runs", "300", "--seed", "2"]
    res = json.loads(CliRunner().invoke(app, [*args, "--json"]).stdout)
    row = next(q for q in res["questions"] if q["kind"] == "date")
    out = CliRunner().invoke(app, args, env={"COLUMNS": "400"})
    assert out.exit_code == 0, out.output
    line = next(x for x in out.output.splitlines() if x.startswith("│ " + row["text"][:30]))
    shift, spread = DateDistribution._shift_parts(row)
    assert "days" in spread or "unchanged" in spread
    for words in (f"median {day_words(row['a_median'])}", f"median {day_words(row['b_median'])}", shift, spread):
        assert words in line, (words, line)
