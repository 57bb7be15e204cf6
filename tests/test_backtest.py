"""Track record: scores on constructed cases with known answers, observed-outcomes files, forecast, backtest CLI."""

import json
import math
import shutil

import numpy as np
import pytest

from simulator.analysis import scores as S

from .synthetic import coin_flip, write
from .test_analysis import as_json, invoke

RUNS = 300


# ---------------------------------------------------------------- scores on constructed cases

def test_brier_and_log_score_by_hand():
    assert S.brier(0.7, True) == pytest.approx(0.09) and S.brier(0.7, False) == pytest.approx(0.49)
    assert S.log_score(0.7, True, 100) == pytest.approx(math.log(0.7))
    assert S.log_score(0.0, True, 100) == pytest.approx(math.log(0.005))  # clipped by half a run
    assert S.log_score(1.0, False, 100) == pytest.approx(math.log(0.005))


def test_a_perfectly_calibrated_forecaster_has_reliability_near_zero():
    rng = np.random.default_rng(1)
    p = rng.random(200_000)
    o = rng.random(200_000) < p
    m = S.murphy(p, o)
    assert m["reliability"] < 2e-4  # sampling noise only: about bins / (6 N)
    assert m["resolution"] == pytest.approx(1 / 12, abs=3e-3)  # variance of a uniform forecast
    assert m["uncertainty"] == pytest.approx(0.25, abs=1e-3)
    bins = S.reliability_bins(p, o)
    assert len(bins) == 10 and all(b["low"] <= b["mean_forecast"] <= b["high"] for b in bins)


def test_a_constant_forecaster_has_no_resolution():
    rng = np.random.default_rng(2)
    o = rng.random(1000) < 0.4
    p = np.full(1000, 0.3)
    m = S.murphy(p, o)
    assert m["resolution"] == 0.0
    assert m["within_bin_variance"] == pytest.approx(0, abs=1e-30) == m["within_bin_covariance"]
    assert m["reliability"] == pytest.approx((0.3 - o.mean()) ** 2, abs=1e-15)
    assert m["brier"] == pytest.approx(m["reliability"] + m["uncertainty"], abs=1e-15)
    s = S.binary_summary(p, o, runs=1000)
    assert s["skill_vs_base_rate"] == pytest.approx(1 - m["brier"] / (o.mean() * (1 - o.mean())))
    assert s["skill_vs_50"] == pytest.approx(1 - m["brier"] / 0.25)


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_murphy_identity_holds_exactly(seed):
    rng = np.random.default_rng(seed)
    p = rng.random(500)
    o = rng.random(500) < p ** 2
    m = S.murphy(p, o)
    rebuilt = (m["reliability"] - m["resolution"] + m["uncertainty"] + m["within_bin_variance"]
               - 2 * m["within_bin_covariance"])
    assert m["brier"] == pytest.approx(rebuilt, abs=1e-14)
    # forecasts that take one value per bin: Murphy's three terms alone, exactly
    q = (S.bin_index(p) + 0.5) / 10
    m = S.murphy(q, o)
    assert m["within_bin_variance"] == pytest.approx(0, abs=1e-28) == m["within_bin_covariance"]
    assert m["brier"] == pytest.approx(m["reliability"] - m["resolution"] + m["uncertainty"], abs=1e-14)


def test_bins_are_equal_width_and_the_last_is_closed():
    assert S.bin_index([0.0, 0.0999, 0.1, 0.95, 1.0]).tolist() == [0, 0, 1, 9, 9]


def test_crps_of_a_date_distribution_by_hand():
    # half the runs in week 0, half "not by the end" of a 10-week calendar (the point at week 11)
    never = S.weeks_after([None], 0, 70)[0]
    assert never == 11.0
    x = np.array([0.0] * 50 + [never] * 50)
    # F = 0.5 on [0, 11): (0.5 - 1)^2 * 11 if it happened in week 0, (0.5 - 0)^2 * 11 if never
    assert S.crps_sample(x, 0.0) == pytest.approx(2.75)
    assert S.crps_sample(x, never) == pytest.approx(2.75)
    assert S.crps_sample(x, 4.0) == pytest.approx(0.25 * 4 + 0.25 * 7)
    assert S.crps_sample([2.0] * 10, 5.0) == pytest.approx(3.0)  # a sure forecast: the distance
    rng = np.random.default_rng(6)
    sample = rng.integers(0, 12, 400)
    values, counts = np.unique(sample, return_counts=True)
    for y in (-1.5, 0.0, 3.0, 3.5, 20.0):
        assert S.crps_counts(values, counts, y) == pytest.approx(S.crps_sample(sample, y), abs=1e-12)


def test_weeks_after_puts_late_and_missing_dates_one_week_after_the_end():
    assert S.weeks_after([0, 7, 70, 71, np.nan], 0, 70).tolist() == [0.0, 1.0, 10.0, 11.0, 11.0]


def test_randomised_pit_is_uniform_for_outcomes_drawn_from_the_forecast():
    from scipy import stats

    rng = np.random.default_rng(7)
    # a discrete date forecast with a lump of "not by the end"
    x = np.concatenate([rng.integers(0, 8, 700).astype(float), np.full(300, 9.0)])
    ys = rng.choice(x, 4000)
    pits = np.array([S.randomised_pit(x, y, v) for y, v in zip(ys, rng.random(4000))])
    assert stats.kstest(pits, "uniform").pvalue > 0.01
    hist = S.pit_histogram(pits)
    assert sum(hist["counts"]) == 4000 and max(hist["counts"]) < 1.2 * 400 and min(hist["counts"]) > 0.8 * 400
    lo, hi = S.pit_bounds(x, 9.0)
    assert lo == pytest.approx(0.7) and hi == 1.0


def test_bootstrap_interval_is_fixed_by_its_seed():
    d = np.arange(20.0)
    a, b = S.bootstrap_mean(d, seed=1), S.bootstrap_mean(d, seed=1)
    assert a == b and a["low"] < a["mean"] == 9.5 < a["high"]
    c = S.bootstrap_mean(np.full(5, -0.2))
    assert c["low"] == pytest.approx(-0.2) and c["high"] == pytest.approx(-0.2)


# ---------------------------------------------------------------- observed files and the CLI

def observed_text(scenario="coin.yaml", digest=None, answer="true", date="2024-01-03", as_yes_no=True,
                  extra=""):
    text = (f"schema_version: 2\nkind: observed\nscenario: {scenario}\n"
            + (f"scenario_hash: {digest}\n" if digest else "")
            + "resolved_on: 2024-02-01\n"
              "sources:\n  - {id: r, title: Report, publisher: Wire, date: 2024-01-05, author: A. Writer}\n"
              "questions:\n")
    if as_yes_no:
        text += f"  - {{question: talks_held, answer: {answer}, evidence: [{{source: r, note: The talks met.}}]}}\n"
    text += f"  - {{question: talks_date, date: {date}, evidence: [{{source: r, note: The talks met.}}]}}\n"
    return text + extra


@pytest.fixture()
def corpus(tmp_path):
    from simulator.scenario import load

    coin = write(tmp_path, coin_flip(), "coin.yaml")
    blocked = write(tmp_path, coin_flip("hard"), "blocked.yaml")
    for path in (coin, blocked):
        digest = load(path).digest
        milestone = "milestones:\n  - {milestone: talks, date: 2024-01-03, evidence: [{source: r, note: The talks met.}]}\n"
        (tmp_path / f"{path.stem}.observed.yaml").write_text(observed_text(path.name, digest, extra=milestone))
    return tmp_path


def test_backtest_of_a_corpus_scores_each_scenario_and_pools_them(corpus):
    res = as_json("backtest", corpus, "--runs", RUNS, "--seed", 1)
    by_name = {e["title"] + e["scenario"][-12:]: e for e in res["scenarios"]}
    assert len(res["scenarios"]) == 2 and not any(e["edited_after_outcomes"] for e in res["scenarios"])
    blocked = next(e for e in res["scenarios"] if e["scenario"].endswith("blocked.yaml"))
    coin = next(e for e in res["scenarios"] if e["scenario"].endswith("coin.yaml"))
    assert by_name and blocked["yes_no"][0]["forecast"] == 0.0 and blocked["yes_no"][0]["brier"] == 1.0
    p = coin["yes_no"][0]["forecast"]
    assert abs(p - 0.5) < 4 * math.sqrt(0.25 / RUNS)
    assert coin["yes_no"][0]["brier"] == pytest.approx((1 - p) ** 2)
    assert coin["yes_no"][0]["log_score"] == pytest.approx(math.log(p))
    # the date: week 0 with probability p, else "not by the end" (one week after the 5-day calendar)
    never = 5 / 7 + 1
    for d in coin["distributions"]:
        assert d["scale"] == "weeks" and d["observed"] == "2024-01-03"
        assert d["crps"] == pytest.approx((1 - p) ** 2 * never)
        assert d["pit_low"] == 0.0 and d["pit_high"] == pytest.approx(p) and 0 <= d["pit"] <= p
    assert blocked["distributions"][0]["crps"] == pytest.approx(never) and blocked["distributions"][0]["pit"] == 0
    pooled = res["pooled"]
    assert pooled["scenarios"] == 2 and pooled["yes_no"]["n"] == 2 and pooled["dates"]["n"] == 4
    assert pooled["yes_no"]["brier"] == pytest.approx(((1 - p) ** 2 + 1) / 2)  # yes/no only: dates never folded in
    assert pooled["dates"]["crps"] == pytest.approx(((1 - p) ** 2 * never + never) / 2)
    assert pooled["yes_no"]["base_rate"] == 1.0 and pooled["yes_no"]["skill_vs_base_rate"] is None
    assert pooled["yes_no"]["skill_vs_50"] == pytest.approx(1 - pooled["yes_no"]["brier"] / 0.25)
    assert sum(b["n"] for b in pooled["reliability"]) == 2
    assert as_json("backtest", corpus, "--runs", RUNS, "--seed", 1) == res  # fixed seeds, same numbers


def test_backtest_in_words_and_html(corpus, tmp_path):
    html = tmp_path / "bt.html"
    res = invoke("backtest", corpus / "coin.observed.yaml", "--runs", 50, "--html", html)
    assert res.exit_code == 0, res.output
    assert "Are talks held?" in res.stdout and "talks_held" not in res.stdout
    assert "mean Brier" in res.stdout and "mean CRPS (weeks)" in res.stdout
    page = html.read_text()
    assert page.count("plotly.js v") == 1 and page.count('class="plotly-graph-div"') == 3


def test_old_single_scenario_form_still_works(corpus):
    one = as_json("backtest", corpus / "coin.yaml", "--observed", corpus / "coin.observed.yaml", "--runs", 50)
    beside = as_json("backtest", corpus / "coin.yaml", "--runs", 50)  # finds coin.observed.yaml beside it
    assert one["scenarios"][0]["yes_no"] == beside["scenarios"][0]["yes_no"]


def test_scenarios_without_outcomes_are_listed(corpus):
    lonely = write(corpus, coin_flip(), "lonely.yaml")
    res = as_json("backtest", corpus, "--runs", 20)
    assert len(res["scenarios"]) == 2 and res["without_outcomes"] == [str(lonely)]
    out = invoke("backtest", corpus, "--runs", 20)
    assert f"not scored (no observed-outcomes file beside them): {lonely}" in out.stdout


def test_a_scenario_edited_after_its_outcomes_is_flagged(corpus, tmp_path):
    moved = tmp_path / "moved"
    moved.mkdir()
    for name in ("coin.yaml", "coin.observed.yaml", "none.txt"):
        shutil.copy(corpus / name, moved / name)
    path = moved / "coin.yaml"
    path.write_text(path.read_text().replace("value: 0.8", "value: 0.7"))  # the analyst's prior, edited
    res = as_json("backtest", moved, "--runs", 50)
    e = res["scenarios"][0]
    assert e["edited_after_outcomes"] is True and e["recorded_hash"] != e["scenario_hash"]
    assert res["pooled"]["edited_after_outcomes"] == [str(path)]
    out = invoke("backtest", moved, "--runs", 50)
    assert out.exit_code == 0
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("edited after outcomes"))
    assert e["recorded_hash"] in line and e["scenario_hash"] in line
    val = invoke("validate", moved / "coin.observed.yaml")
    assert val.exit_code == 0 and "edited after outcomes" in val.stdout


def test_validate_recognises_an_observed_file(corpus):
    res = invoke("validate", corpus / "coin.observed.yaml", corpus / "coin.yaml")
    assert res.exit_code == 0, res.output
    first, second = res.stdout.splitlines()
    assert first.startswith(f"{corpus / 'coin.observed.yaml'}: ok (observed outcomes of coin.yaml: 2 questions, "
                            "1 milestone")
    assert second.startswith(f"{corpus / 'coin.yaml'}: ok (schema 2")


@pytest.mark.parametrize("text, expected", [
    (observed_text().replace("question: talks_held", "question: talks_happen"),
     "8:6: questions[0].question: unknown question 'talks_happen' (known: talks_held, talks_date)"),
    (observed_text(date="2023-12-30"),
     "9:28: questions[1].date: 2023-12-30 is not after the scenario's as_of (2024-01-01): an outcome known by then "
     "is history, not a forecast"),
    (observed_text(date="2024-03-01"), "9:28: questions[1].date: 2024-03-01 is after resolved_on (2024-02-01)"),
    (observed_text(answer="3").replace("answer: 3", "count: 3"),
     "8:28: questions[0].count: 'talks_held' is a yes/no question: give 'answer: true' or 'answer: false'"),
    (observed_text().replace("date: 2024-01-03", "happened: false, date: 2024-01-03"),
     "9:5: questions[1]: give 'date' or 'happened: false', not both"),
    (observed_text().replace("source: r, note: The talks met.}]}\n  -", "source: x, note: The talks met.}]}\n  -"),
     "8:54: questions[0].evidence[0].source: unknown source 'x' (known: r)"),
    (observed_text(scenario="gone.yaml"), "3:1: scenario: scenario file 'gone.yaml' not found"),
    (observed_text().replace("schema_version: 2", "schema_version: 1"),
     "1:1: schema_version: version-1 observed files are no longer read"),
    (observed_text() + "  - {question: talks_held, answer: false, evidence: [{source: r, note: The talks met.}]}\n",
     "10:6: questions[2].question: question 'talks_held' is resolved twice (also questions[0])"),
])
def test_bad_observed_files_get_one_line_each(corpus, text, expected):
    path = corpus / "bad.observed.yaml"
    path.write_text(text)
    for cmd in (("validate", path), ("backtest", path, "--runs", 10)):
        res = invoke(*cmd)
        assert res.exit_code == 2, res.output
        lines = res.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"{path}:{expected}"), lines
        assert "Traceback" not in res.output


def test_a_corpus_reports_every_bad_file_before_running(corpus):
    (corpus / "bad.observed.yaml").write_text(observed_text(scenario="gone.yaml"))
    res = invoke("backtest", corpus, "--runs", 10)
    assert res.exit_code == 2 and res.stderr.splitlines() == [
        f"{corpus / 'bad.observed.yaml'}:3:1: scenario: scenario file 'gone.yaml' not found "
        f"(looked for {corpus / 'gone.yaml'})"]


def test_backtest_arguments_that_name_nothing_to_score(corpus, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    cases = [(("backtest", empty), f"error: backtest: no observed-outcomes files (<name>.observed.yaml) in '{empty}'"),
             (("backtest", tmp_path / "nope.yaml"), f"error: backtest: '{tmp_path / 'nope.yaml'}' not found"),
             (("backtest", corpus, "--observed", corpus / "coin.observed.yaml"),
              f"error: --observed: give a scenario file, not the directory '{corpus}', with --observed")]
    lonely = write(corpus, coin_flip(), "lonely.yaml")
    cases.append((("backtest", lonely), f"error: backtest: '{lonely}' is a scenario with no observed file beside it "
                                        "(lonely.observed.yaml); write one or give --observed FILE"))
    for args, message in cases:
        res = invoke(*args, "--runs", 10)
        assert res.exit_code == 2 and res.stderr == message + "\n", res.output


@pytest.mark.parametrize("spec, message", [
    ("novariant", "error: --variant 'novariant': expected NAME:actor.rule=RULE or NAME:name=value"),
    ("x:a.rule", "error: --variant 'x:a.rule': expected NAME:actor.rule=RULE or NAME:name=value"),
    ("x:a.rule=nonsense", "error: --variant x a.rule=nonsense: unknown party rule 'nonsense'"),
    ("x:*.rule=nonsense", "error: --variant x: unknown rule 'nonsense'"),
    ("x:zz.flexibility=0.2", "error: --variant x: 'zz.flexibility=0.2' applies to no scenario here"),
    ("x:a.flexibility=high", "error: --variant x: 'high' for A's flexibility (a.flexibility) is not a number (allowed: 0 to 1)"),
])
def test_bad_variants_get_one_line(corpus, spec, message):
    res = invoke("backtest", corpus, "--runs", 10, "--variant", spec)
    assert res.exit_code == 2, res.output
    assert len(res.stderr.splitlines()) == 1 and res.stderr.startswith(message), res.stderr


def test_variants_are_scored_on_the_same_runs(corpus):
    res = as_json("backtest", corpus, "--runs", RUNS, "--seed", 2, "--variant", "open:needs_never.enabled=0",
                  "--variant", "same:a.rule=threshold")
    base = {e["scenario"]: e for e in res["scenarios"]}
    coin_p = next(e for k, e in base.items() if k.endswith("coin.yaml"))["yes_no"][0]["forecast"]
    opened, same = res["variants"]
    assert [c["scenario"][-12:] for c in opened["changed"]] == ["blocked.yaml"]
    assert [(x["scenario"][-9:], x["reason"]) for x in opened["skipped"]] == [("coin.yaml", "no such actor or parameter")]
    # common random numbers: opening the blocked scenario gives exactly the coin's runs
    assert opened["pooled"]["yes_no"]["brier"] == pytest.approx((1 - coin_p) ** 2)
    assert opened["baseline_pooled"]["yes_no"]["brier"] == 1.0
    d = opened["vs_baseline"]["brier"]  # compared where the variant applies: the blocked scenario's question
    assert d["n"] == 1 and d["mean"] == pytest.approx((1 - coin_p) ** 2 - 1) == d["low"] == d["high"]
    c = opened["vs_baseline"]["crps_weeks"]
    assert c["n"] == 2 and c["mean"] == pytest.approx((1 - coin_p) ** 2 * (5 / 7 + 1) - (5 / 7 + 1))
    # switching to the rule already used changes nothing at all
    assert len(same["changed"]) == 2 and not same["skipped"]
    assert same["vs_baseline"]["brier"]["mean"] == 0 and same["vs_baseline"]["crps_weeks"]["high"] == 0
    out = invoke("backtest", corpus, "--runs", 50, "--variant", "open:needs_never.enabled=0")
    assert f"variant open left out {corpus / 'coin.yaml'}: no such actor or parameter" in out.stdout
    assert "Variants minus baseline on the same runs" in out.stdout


# ---------------------------------------------------------------- frozen forecasts

def test_forecast_is_frozen_and_deterministic(corpus, tmp_path):
    from simulator.scenario import load

    a, b, c = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    for out, seed in ((a, 4), (b, 4), (c, 5)):
        res = invoke("forecast", corpus / "coin.yaml", "--runs", RUNS, "--seed", seed, "--out", out,
                     "--date", "2024-01-03")
        assert res.exit_code == 0, res.output
    fa, fb, fc = (json.loads(p.read_text()) for p in (a, b, c))
    assert fa.pop("created") and fb.pop("created") and fc.pop("created")
    assert fa == fb and fa != fc
    assert fa["scenario_hash"] == load(corpus / "coin.yaml").digest and fa["seed"] == 4 and fa["runs"] == RUNS
    assert fa["versions"]["numpy"] == np.__version__ and fa["engine"] == "batch"
    run = as_json("run", corpus / "coin.yaml", "--runs", RUNS, "--seed", 4)
    held = next(q for q in fa["questions"] if q["id"] == "talks_held")
    assert held["p"] == next(q["p"] for q in run["questions"] if q["id"] == "talks_held")
    date = next(q for q in fa["questions"] if q["id"] == "talks_date")
    assert date["quantiles"]["5%"] == "2024-01-01" and date["not_by_end"] == pytest.approx(1 - held["p"])
    assert sum(date["distribution"].values()) + date["not_by_end_runs"] == RUNS
    assert [d["date"] for d in date["by_date"]] == ["2024-01-01", "2024-01-03", "2024-01-06"]
    assert [d["what"] for d in fa["dates_of_interest"]] == ["the start of the calendar", "asked for (--date)",
                                                           "the end of the calendar"]
    # a frozen forecast is not overwritten by accident, and an observed file can name it
    again = invoke("forecast", corpus / "coin.yaml", "--runs", 10, "--out", a)
    assert again.exit_code == 2 and again.stderr.startswith(f"error: --out: '{a}' exists")
    shutil.copy(a, corpus / "coin.forecast.json")
    obs = corpus / "coin.observed.yaml"
    obs.write_text(obs.read_text().replace("resolved_on:", "forecast: coin.forecast.json\nresolved_on:"))
    res = as_json("backtest", obs, "--runs", 10)
    assert res["scenarios"][0]["frozen_forecast"]["matches_scenario"] is True
    # a forecast of a what-if keeps the written scenario's hash but does not count as the scenario's forecast
    what_if = invoke("forecast", corpus / "coin.yaml", "--runs", 10, "--out", corpus / "coin.forecast.json",
                     "--overwrite", "--set", "a.flexibility=0.9")
    assert what_if.exit_code == 0, what_if.output
    ff = as_json("backtest", obs, "--runs", 10)["scenarios"][0]["frozen_forecast"]
    assert ff["scenario_hash"] == fa["scenario_hash"] and ff["what_ifs"] == ["a.flexibility=0.9"]
    assert ff["matches_scenario"] is False
    assert "was made with what-ifs" in " ".join(invoke("backtest", obs, "--runs", 10).stdout.split())
