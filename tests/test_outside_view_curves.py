"""Reference classes counted from the outside-view dataset (simulator/outside_view/curves.py): the Kaplan–Meier
chance by day, censoring, the cluster-bootstrap intervals, leave-one-negotiation-out, the published rates, the
``diplosim reference`` commands and the chart."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.outside_view import CLASSES, load_dataset, spells_table
from simulator.outside_view.curves import HORIZONS, build_classes, chance_within, count_class, counted_spells
from simulator.outside_view.published import PUBLISHED, load_published
from simulator.scenario.loader import ScenarioError

ROOT = Path(__file__).resolve().parents[1]


def synthetic(rng, draw, n_neg=60, censor_max=600.0):
    """A spells table of ``n_neg`` negotiations with 1 to 4 spells each: durations from ``draw(rng, n)`` (days,
    continuous, rounded up to whole days so that 'within t days' means T <= t), censored at a uniform day."""
    rows = []
    for k in range(n_neg):
        m = int(rng.integers(1, 5))
        t = np.ceil(draw(rng, m))
        c = np.ceil(rng.uniform(0, censor_max, m))
        for ti, ci in zip(t, c):
            rows.append({"negotiation": f"n{k:03d}", "duration_days": int(min(ti, ci)), "event": bool(ti <= ci),
                         "approx": None})
    return pd.DataFrame(rows)


EXP_RATE = np.log(2) / 90  # median 90 days
WEIBULL_K, WEIBULL_SCALE = 0.7, 150.0


def exp_draw(rng, n):
    return rng.exponential(1 / EXP_RATE, n)


def exp_truth(t):
    return 1 - np.exp(-EXP_RATE * np.asarray(t, dtype=float))


def weibull_draw(rng, n):
    return WEIBULL_SCALE * rng.weibull(WEIBULL_K, n)


def weibull_truth(t):
    return 1 - np.exp(-(np.asarray(t, dtype=float) / WEIBULL_SCALE) ** WEIBULL_K)


# --------------------------------------------------------------------------- the estimator


def test_kaplan_meier_by_hand():
    """Spells 0 (event), 0 (event), 3 (censored), 5 (event), 8 (censored): S drops to 3/5 at day 0 (events on the
    day a step became possible count at day 0), to 3/5 * 1/2 at day 5, and is unknown past day 8 (censored)."""
    got = chance_within([0, 0, 3, 5, 8], [1, 1, 0, 1, 0], [0, 4, 5, 7, 8, 9])
    assert np.allclose(got[:5], [0.4, 0.4, 0.7, 0.7, 0.7])
    assert np.isnan(got[5])
    # the same spells with the last one an event: the curve reaches 1 and stays known beyond
    done = chance_within([0, 0, 3, 5, 8], [1, 1, 0, 1, 1], [8, 400])
    assert np.allclose(done, [1.0, 1.0])
    assert np.isnan(chance_within([], [], [7])).all()


@pytest.mark.parametrize("draw,truth", [(exp_draw, exp_truth), (weibull_draw, weibull_truth)],
                         ids=["exponential", "weibull"])
def test_known_curve_is_estimated_back_within_its_interval(draw, truth):
    """Spells drawn from a known curve, with random censoring, are estimated back within their 95% interval at
    every horizon, and close to it."""
    rng = np.random.default_rng(7)
    table = synthetic(rng, draw)
    assert 0.15 < (~table["event"]).mean() < 0.6  # censoring really happens
    curve = count_class("ceasefire", table, seed=3, resamples=1000)
    for h in curve.horizons():
        true = float(truth(h["days"]))
        assert h["low"] <= true <= h["high"], (h, true)
        assert abs(h["chance"] - true) < 0.1, (h, true)
        assert h["low"] <= h["chance"] <= h["high"]


def test_intervals_cover_the_truth_about_as_often_as_they_say():
    """Over 60 datasets drawn from a known curve, the 95% interval at 30 and 90 days covers the true chance in at
    least 85% of them (a coverage check of the cluster bootstrap, not of one lucky draw)."""
    rng = np.random.default_rng(11)
    hits = {30: 0, 90: 0}
    n = 60
    for i in range(n):
        curve = count_class("ceasefire", synthetic(rng, exp_draw, n_neg=40), seed=i, resamples=300)
        for d in hits:
            _, lo, hi = curve.at(d)
            hits[d] += lo <= exp_truth(d) <= hi
    assert all(h / n >= 0.85 for h in hits.values()), hits


def test_censored_spells_are_not_counted_as_failures():
    """Most spells are censored early (within 100 days) while the true median is a year: counting a censored spell
    as 'happened' would put the 90-day chance far above the truth; the estimate keeps the truth in its interval
    and the naive share outside it."""
    rate = np.log(2) / 365
    rng = np.random.default_rng(5)
    table = synthetic(rng, lambda r, n: r.exponential(1 / rate, n), n_neg=80, censor_max=100.0)
    assert (~table["event"]).mean() > 0.7
    curve = count_class("breakdown", table, seed=1, resamples=1000)
    chance, low, high = curve.at(90)
    true = 1 - np.exp(-rate * 90)
    naive = float((table["duration_days"] <= 90).mean())  # every spell as if it had happened
    assert low <= true <= high
    assert naive > high + 0.3, (naive, high)
    assert curve.censored == int((~table["event"]).sum())


def test_same_seed_same_numbers_and_the_seed_matters():
    table = synthetic(np.random.default_rng(2), exp_draw, n_neg=30)
    a = count_class("exchange", table, seed=4, resamples=200)
    b = count_class("exchange", table, seed=4, resamples=200)
    c = count_class("exchange", table, seed=5, resamples=200)
    assert a == b
    assert a.chance == c.chance and a.low != c.low


def test_thinness_in_words():
    table = synthetic(np.random.default_rng(3), exp_draw, n_neg=5)
    curve = count_class("extension", table, seed=0, resamples=50)
    n = len(table)
    assert curve.thinness().startswith(f"thin: {n} spells from 5 negotiations")
    empty = count_class("extension", table.iloc[0:0], seed=0, resamples=50)
    assert empty.thinness() == "empty: no spells in the dataset"
    assert all(x is None for x in empty.chance + empty.low + empty.high)


# --------------------------------------------------------------------------- the shipped dataset


@pytest.fixture(scope="module")
def shipped():
    return build_classes(resamples=200)


def test_every_shipped_class_is_computed(shipped):
    table, scenarios = counted_spells()  # the timelines' spells and the corpus replays' classed ones
    assert list(shipped) == list(CLASSES)
    for name, c in shipped.items():
        rows = table[table["class"] == name]
        assert c.spells == len(rows) > 0
        assert c.corpus_spells == int(rows["negotiation"].isin(list(scenarios)).sum())
        assert c.events == int(rows["event"].sum()) and c.censored == c.spells - c.events
        assert c.negotiations == sorted(rows["negotiation"].unique())
        assert c.label == CLASSES[name].label
        chances = [h["chance"] for h in c.horizons()]
        assert all(x is not None and 0 <= x <= 1 for x in chances), (name, chances)
        assert chances == sorted(chances)
        for h in c.horizons():
            assert h["low"] is not None and h["low"] <= h["chance"] <= h["high"], (name, h)


def test_leave_one_out_drops_exactly_that_negotiation(shipped):
    negs = load_dataset()
    table = spells_table(negs)
    left = "colombia_farc_2012"
    assert left in set(table["negotiation"])
    without = build_classes([left], negotiations=negs, resamples=200)
    rebuilt = build_classes(negotiations=[n for n in negs if n.id != left], resamples=200)
    mine = table[table["negotiation"] == left]
    for name in CLASSES:
        dropped = int((mine["class"] == name).sum())
        assert without[name].spells == shipped[name].spells - dropped
        assert left not in without[name].negotiations
        assert without[name].excluded == [left]
        # the same numbers as a dataset that never held the negotiation
        assert (without[name].chance, without[name].low, without[name].high) == \
               (rebuilt[name].chance, rebuilt[name].low, rebuilt[name].high)
        if dropped == 0:
            assert without[name].chance == shipped[name].chance
    with pytest.raises(ValueError, match="unknown negotiation 'colombia_farc'.*colombia_farc_2012"):
        build_classes(["colombia_farc"], negotiations=negs, resamples=10)


# --------------------------------------------------------------------------- published rates


def test_published_rates_load_and_name_known_classes():
    rates = load_published()
    assert rates
    for r in rates:
        assert r.class_ in CLASSES and 0 <= r.rate <= 1
        assert r.source.year and r.source.title and (r.source.doi or r.source.url)
    assert PUBLISHED.name in " ".join(
        __import__("tomllib").loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
        ["simulator.outside_view"])


@pytest.mark.parametrize("edit,where", [
    (("class: ceasefire", "class: truce"), ":8:5: rates[0].class: unknown class"),
    (("rate: 0.21", "rate: 21"), ":9:5: rates[0].rate: "),
    (("doi: 10.1177/00220027221129195", "doi: see the journal"), "rates[0].source.doi: "),
])
def test_bad_published_file_is_one_line(tmp_path, edit, where):
    text = PUBLISHED.read_text(encoding="utf-8")
    assert text.count(edit[0]) == 1
    bad = tmp_path / "published.yaml"
    bad.write_text(text.replace(*edit), encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_published(bad)
    lines = str(exc.value).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(str(bad)) and where in lines[0], lines


# --------------------------------------------------------------------------- the commands and the chart


def diplosim(*args):
    return subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True, text=True,
                          env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})


def test_cli_build_writes_json_and_parquet(tmp_path):
    out, pq_out = tmp_path / "classes.json", tmp_path / "classes.parquet"
    res = diplosim("reference", "build", "--out", str(out), "--parquet", str(pq_out), "--resamples", "50",
                   "--exclude", "colombia_farc_2012")
    assert res.returncode == 0, res.stderr
    doc = json.loads(out.read_text())
    assert [c["name"] for c in doc["classes"]] == list(CLASSES)
    assert doc["excluded"] == ["colombia_farc_2012"] and doc["resamples"] == 50
    assert doc["published"] and doc["horizons"] == list(HORIZONS)
    import pyarrow.parquet as pq

    t = pq.read_table(pq_out).to_pandas()
    assert set(t["class"]) == set(CLASSES) and {"day", "chance", "low", "high"} <= set(t.columns)
    assert "ceasefire agreed" in res.stdout and "365 days" in res.stdout


def test_cli_show(tmp_path):
    res = diplosim("reference", "show", "ceasefire", "--resamples", "50", "--html", str(tmp_path / "c.html"))
    assert res.returncode == 0, res.stderr
    assert "ceasefire agreed (ceasefire):" in res.stdout and "365 days" in res.stdout
    assert "The spells it rests on" in res.stdout and "Published" in res.stdout
    assert (tmp_path / "c.html").read_text().count("plotly") > 1
    js = diplosim("reference", "show", "talks_round", "--json", "--resamples", "50")
    assert js.returncode == 0, js.stderr
    doc = json.loads(js.stdout)
    assert doc["name"] == "talks_round" and len(doc["chance"]) == len(doc["days"])


@pytest.mark.parametrize("args,message", [
    (("show", "peace_deal"), "error: reference show: unknown class 'peace_deal' (classes: talks_opened, "),
    (("build", "--exclude", "nowhere_1999"), "error: --exclude: unknown negotiation 'nowhere_1999'"),
    (("show", "ceasefire", "--exclude", "nowhere_1999"), "error: --exclude: unknown negotiation 'nowhere_1999'"),
    (("build", "--out", "/nonexistent/dir/x.json"), "error: --out: directory '/nonexistent/dir' does not exist"),
])
def test_cli_bad_input_is_one_line_exit_2(args, message):
    res = diplosim("reference", *args, "--resamples", "10")
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), lines


def test_chart_one_trace_per_class_in_words(shipped):
    from simulator.charts import class_curves

    fig = class_curves(shipped)
    named = [t for t in fig.data if t.showlegend is not False]
    assert len(named) == len(CLASSES)
    for t, c in zip(named, shipped.values()):
        assert t.name.startswith(c.label) and "_" not in t.name  # words, not codes
        assert list(t.x) == c.days
    assert len(fig.data) == 3 * len(CLASSES)  # a band (two edges) and a line per class


def test_docs_table_is_what_the_command_prints():
    """docs/outside-view.md shows the shipped classes' chances as `diplosim reference build --markdown` prints them
    (seed 0, 1000 resamples): regenerate it when the dataset changes."""
    from simulator.outside_view.curves import markdown_table

    doc = (ROOT / "docs" / "outside-view.md").read_text(encoding="utf-8")
    assert markdown_table(build_classes()) in doc
