"""The outside view beside every forecast (``simulator.run(..., outside_view=True)``, ``diplosim run``) and the
table of the author's adjustments with how far each moves each question (``simulator.adjustment_effects``)."""

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import simulator
from simulator.cli import app
from simulator.outside_view import views
from simulator.outside_view.forecast import has_classes, own_exclusions

from .test_language import doc, fixed, joint

ROOT = Path(__file__).resolve().parents[1]
START = dt.date(2024, 1, 1)
D = lambda days: START + dt.timedelta(days=days)
A = "Constructed for a test."


def scenario(tmp_path, *, classed=True, pace=True, adjust=None, name="sc.yaml") -> Path:
    """Talks (classed talks_opened when ``classed``), with the author's own pace (nearly certain within 30 days)
    when ``pace``, else the class curve with ``adjust``; a yes/no question on the talks by day 60 with a prior."""
    talks = joint("talks")
    if classed:
        talks["class"] = "talks_opened"
    if pace:
        talks["pace"] = {"a": {"propose": fixed(1.0), "accept": {"chance_within": {"p": 0.99, "days": 30},
                                                                 "assumption": A}},
                         "b": {"accept": fixed(1.0)}}
    if adjust is not None:
        talks["adjust"] = adjust
    d = doc(milestones=[talks],
            questions=[{"id": "talks_soon", "text": "Talks within 60 days?", "when": {"held": "talks"}, "by": D(60),
                        "prior": fixed(0.4)}])
    path = tmp_path / name
    path.write_text(yaml.safe_dump(d, sort_keys=False))
    return path


def test_run_gives_the_outside_view_as_a_second_forecast_on_the_same_runs(tmp_path):
    path = scenario(tmp_path)
    f = simulator.run(path, runs=400, seed=5, outside_view=True)
    done = CliRunner().invoke(app, ["run", str(path), "-n", "400", "-s", "5", "--no-fragile", "--json"])
    assert json.loads(done.stdout) == json.loads(json.dumps(f.summary))  # the API's summary is the command's
    assert f["talks_soon"].p > 0.95  # the author's own pace
    ov = f.outside_view
    assert ov is not None and ov.n_runs == 400 and ov.seed == 5
    # the outside view is the class curve only: the author's pace is gone, the structure kept
    seen = views.outside_view(simulator.load(path))
    (talks,) = seen.scenario.milestones
    assert "class_curve" in json.dumps(talks.pace.model_dump(mode="json"))
    assert ov["talks_soon"].p == simulator.run(seen, runs=400, seed=5)["talks_soon"].p
    assert ov["talks_soon"].p < f["talks_soon"].p - 0.2  # talks opened within 60 days: far from certain
    assert simulator.run(path, runs=50, seed=5, outside_view=False).outside_view is None
    # by default too, as the command line: the summary carries it as `diplosim run --json` does
    plain = simulator.run(path, runs=400, seed=5)
    assert plain.outside_view["talks_soon"].p == ov["talks_soon"].p
    assert plain.summary["outside_view"]["questions"] == ov.summary["questions"]


def test_a_scenario_without_classes_has_no_outside_view(tmp_path):
    path = scenario(tmp_path, classed=False)
    assert not has_classes(simulator.load(path))
    assert simulator.run(path, runs=50, seed=1, outside_view=True).outside_view is None
    res = CliRunner().invoke(app, ["run", str(path), "-n", "50", "--no-fragile", "--json"])
    assert res.exit_code == 0 and "outside_view" not in json.loads(res.stdout)


def test_a_corpus_scenarios_outside_view_leaves_its_own_spells_out(tmp_path):
    corpus = simulator.load(ROOT / "scenarios" / "israel_uae_2020.yaml")
    assert own_exclusions(corpus) == ["israel_uae_2020"]
    copy = tmp_path / "israel_uae_2020.yaml"
    shutil.copy(ROOT / "scenarios" / "israel_uae_2020.yaml", copy)
    moved = dataclasses.replace(corpus, path=copy)  # outside the corpus folder: not a replayed negotiation
    assert own_exclusions(moved) == []


def test_the_command_shows_forecast_outside_view_and_priors_side_by_side(tmp_path):
    path = scenario(tmp_path)
    res = CliRunner().invoke(app, ["run", str(path), "-n", "200", "--no-fragile"])
    assert res.exit_code == 0, res.output
    header = next(ln for ln in res.output.splitlines() if "question" in ln and "probability" in ln)
    assert [w.strip() for w in header.strip("┃ \n").split("┃")][:4] == ["question", "probability", "outside view",
                                                                     "prior"]
    row = next(ln for ln in res.output.splitlines() if "Talks within 60 days?" in ln)
    forecast, outside, prior = [w.strip() for w in row.strip("│ \n").split("│")][1:4]
    got = json.loads(CliRunner().invoke(app, ["run", str(path), "-n", "200", "--no-fragile", "--json"]).stdout)
    assert forecast == f"{100 * got['questions'][0]['p']:.1f}%" and prior == "40.0%"
    assert outside == f"{100 * got['outside_view']['questions'][0]['p']:.1f}%" != forecast
    assert "outside view: the same scenario with class curves only" in res.output
    res = CliRunner().invoke(app, ["run", str(path), "-n", "200", "--no-fragile", "--json"])
    got = json.loads(res.stdout)
    assert got["outside_view"]["questions"][0]["id"] == "talks_soon" and got["outside_view"]["excluded"] == []
    res = CliRunner().invoke(app, ["run", str(path), "-n", "200", "--no-fragile", "--no-outside-view", "--json"])
    assert "outside_view" not in json.loads(res.stdout)


def test_each_adjustment_with_how_far_it_moves_each_question(tmp_path):
    adjust = {"odds": 4.0, "reason": "Both sides said in public they want talks soon."}
    path = scenario(tmp_path, pace=False, adjust=adjust)
    (effect,) = simulator.adjustment_effects(path, runs=600, seed=2)
    assert effect["parameter"] == "talks.adjust.odds" and effect["value"] == 4.0 and effect["neutral"] == 1.0
    assert "odds x4" in effect["label"] and "want talks soon" in effect["label"]
    (q,) = effect["questions"]
    assert q["moves"] == pytest.approx(q["with"] - q["without"]) and q["low"] <= q["moves"] <= q["high"]
    assert q["low"] > 0  # raising the odds raises the chance
    # 'without' is the scenario without that adjustment, 'with' the scenario with defaults as written
    loaded = simulator.load(path)
    (adj,) = views.adjustments(loaded)
    assert q["without"] == simulator.run(views.with_defaults(views.without(loaded, adj)), runs=600,
                                         seed=2)["talks_soon"].p
    assert q["with"] == simulator.run(views.with_defaults(loaded), runs=600, seed=2)["talks_soon"].p
    res = CliRunner().invoke(app, ["run", str(path), "-n", "200", "--no-fragile"])
    assert res.exit_code == 0, res.output
    assert "The author's adjustments of class curves" in res.output and "pts [" in res.output


def test_no_adjustments_no_table(tmp_path):
    path = scenario(tmp_path)
    none = simulator.adjustment_effects(path, runs=50)
    assert not none and len(none) == 0 and none.as_json() == [] and none.words() == ""
    res = CliRunner().invoke(app, ["run", str(path), "-n", "50", "--no-fragile", "--json"])
    assert "adjustments" not in json.loads(res.stdout)


def test_the_report_shows_the_outside_view_the_priors_the_gap_and_the_class_curves(tmp_path):
    from simulator.report import build_sections, load_results

    path = scenario(tmp_path)
    out = tmp_path / "results"
    res = CliRunner().invoke(app, ["run", str(path), "-n", "200", "--no-fragile", "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    sections = {s.id: s for s in build_sections(load_results(out))}
    body = sections["outside-view"].html
    assert "outside view (95%)" in body and "priors" in body and "40%" in body
    assert "Where the forecast and the writer's priors part by more than 15 points" in body
    curves = sections["class-curves"].figure
    names = [t.name for t in curves.data if t.name]
    assert len(names) == 1 and names[0].startswith("talks opened (")  # the scenario's one class, in words
    plain = tmp_path / "plain"
    CliRunner().invoke(app, ["run", str(scenario(tmp_path, classed=False, name="plain.yaml")), "-n", "50",
                             "--no-fragile", "--out", str(plain), "--json"])
    ids = [s.id for s in build_sections(load_results(plain))]
    assert "outside-view" in ids and "class-curves" not in ids  # priors only: no outside view, no curves


def test_the_dashboard_scenario_tab_shows_the_outside_view_and_the_class_curves(tmp_path):
    from dashboards.context import Context
    from dashboards.outside import outside_view_block

    ctx = Context(runs=200, seed=3)
    entry = ctx.add("main", "sc", simulator.load(scenario(tmp_path)))
    (block,) = outside_view_block(ctx, entry)
    text = str(block)
    assert "outside-view-table" in text and "class-curves" in text and "outside view (95%)" in text
    ov = simulator.run(views.outside_view(entry.loaded), runs=200, seed=3)["talks_soon"]
    assert f"{100 * ov.p:.1f}% [" in text  # the outside view's own Monte Carlo at the page's runs and seed
    plain = ctx.add("plain", "plain", simulator.load(scenario(tmp_path, classed=False, name="p.yaml")))
    assert "class-curves" not in str(outside_view_block(ctx, plain))


def test_a_frozen_forecast_freezes_the_outside_view_beside_it(tmp_path):
    path = scenario(tmp_path)
    out = tmp_path / "f.json"
    res = CliRunner().invoke(app, ["forecast", str(path), "-n", "300", "-o", str(out)])
    assert res.exit_code == 0, res.output
    frozen = json.loads(out.read_text())
    ov = frozen["outside_view"]
    assert ov["excluded"] == [] and [q["id"] for q in ov["questions"]] == ["talks_soon"]
    assert ov["questions"][0]["p"] == simulator.run(views.outside_view(simulator.load(path)), runs=300,
                                                    seed=0)["talks_soon"].p
    assert frozen["questions"][0]["p"] > ov["questions"][0]["p"]  # the author's pace, against the class curve
    out2 = tmp_path / "g.json"
    CliRunner().invoke(app, ["forecast", str(path), "-n", "50", "-o", str(out2), "--no-outside-view"])
    assert "outside_view" not in json.loads(out2.read_text())


def test_a_class_too_thin_for_a_curve_leaves_the_forecast_standing(tmp_path, monkeypatch):
    """With no spell counted for its class, a classed milestone has no curve: `diplosim run` says so in one line and
    prints the forecast; the API gives the forecast without an outside view, or, asked for one, a ValueError."""
    monkeypatch.setattr(views, "class_curves", lambda exclude=(), classes=None: {"talks_opened": ((), ())})
    path = scenario(tmp_path)
    f = simulator.run(path, runs=50, seed=1)
    assert f.outside_view is None and "outside_view" not in f.summary and f["talks_soon"].p > 0.9
    with pytest.raises(ValueError, match=r"^the reference class 'talks_opened' of 'talks' has too few counted "
                                         r"spells for a curve: state its pace$"):
        simulator.run(path, runs=50, seed=1, outside_view=True)
    res = CliRunner().invoke(app, ["run", str(path), "-n", "50", "--no-fragile"])
    assert res.exit_code == 0, res.output
    assert ("outside view not shown: the reference class 'talks_opened' of 'talks' has too few counted spells for a "
            "curve: state its pace") in " ".join(res.output.split())


def test_the_what_if_numbers_table_has_the_outside_view_and_the_priors(tmp_path):
    from dashboards.context import Context
    from dashboards.state import WhatIf
    from dashboards.whatif import numbers, whatif_view

    ctx = Context(runs=200, seed=3)
    ctx.add("main", "sc", simulator.load(scenario(tmp_path)))
    view = whatif_view(ctx, WhatIf("main", 150, 7, {}))
    text = str(numbers(view["rows"], False))
    assert "Th('outside view (95%)'), Th('prior')" in text and "Td('40%')" in text
    ov = simulator.run(views.outside_view(simulator.load(scenario(tmp_path))), runs=150, seed=7)["talks_soon"]
    assert f"{100 * ov.p:.1f}% [" in text  # at the tab's own runs and seed
    plain = tmp_path / "p"
    plain.mkdir()
    ctx.add("plain", "plain", simulator.load(scenario(plain, classed=False)))
    text = str(numbers(whatif_view(ctx, WhatIf("plain", 100, 1, {}))["rows"], False))
    assert "outside view" not in text and "Th('prior')" in text  # no class: no outside view; the prior stands


def test_an_identical_run_takes_the_outside_view_and_the_adjustments_from_the_cache(tmp_path, monkeypatch):
    """``diplosim run`` stores the outside view's questions and the adjustments' effects in the on-disk cache; the
    same command again reads them instead of running those Monte Carlos again (the same numbers), and says so.
    Another seed or number of runs is another entry."""
    import simulator.api as api
    import simulator.outside_view.forecast as forecast

    monkeypatch.setenv("DIPLOSIM_CACHE", str(tmp_path / "cache"))
    path = scenario(tmp_path, pace=False, adjust={"odds": 4.0, "reason": "Both sides said they want talks soon."})
    args = ["run", str(path), "-n", "300", "-s", "3", "--no-fragile"]
    first = CliRunner().invoke(app, [*args, "--json"])
    assert first.exit_code == 0, first.output
    got = json.loads(first.stdout)
    assert got["outside_view"]["questions"] and got["adjustments"]
    ran = []
    real_run, real_effects = api.run, forecast.adjustment_effects
    monkeypatch.setattr(api, "run", lambda *a, **k: ran.append("outside view") or real_run(*a, **k))
    monkeypatch.setattr(forecast, "adjustment_effects", lambda *a, **k: ran.append("adjustments") or real_effects(*a, **k))
    again = CliRunner().invoke(app, [*args, "--json"])
    assert again.exit_code == 0 and again.stdout == first.stdout and ran == []
    shown = CliRunner().invoke(app, args)
    assert shown.exit_code == 0 and "outside view reused from an earlier identical run (cache)" in " ".join(
        shown.output.split())
    other = CliRunner().invoke(app, ["run", str(path), "-n", "300", "-s", "4", "--no-fragile", "--json"])
    assert other.exit_code == 0 and ran == ["outside view", "adjustments"]
    monkeypatch.setenv("DIPLOSIM_CACHE", "off")  # no cache: run again, and nothing said
    ran.clear()
    off = CliRunner().invoke(app, args)
    assert ran == ["outside view", "adjustments"] and "reused from an earlier" not in " ".join(off.output.split())


def test_the_cached_outside_view_keeps_a_count_distributions_whole_numbers():
    """A count question's distribution is keyed by whole numbers, which plain JSON would turn into strings: what an
    identical run reads back from the cache equals what was computed, key types included."""
    from simulator import cache
    from simulator.api import summary_extras

    value = {"d": [{0: 0.25, 3: 0.75}, (1, 2.5, None, "x", True)], 2: [], "t": ()}
    back = cache.restored(json.loads(json.dumps(cache.exact(value))))
    assert back == value and type(back["d"][1]) is tuple and list(back["d"][0]) == [0, 3]
    with pytest.raises(TypeError):
        cache.exact({"a": object()})
    f = simulator.run(ROOT / "scenarios" / "black_sea_grain_2022.yaml", runs=60, seed=1)
    counts = [q for q in f.summary["outside_view"]["questions"] if isinstance(q.get("distribution"), dict)]
    assert counts and all(isinstance(k, int) for q in counts for k in q["distribution"])
    again = {k: v for k, v in f.summary.items() if k not in ("outside_view", "adjustments")}
    ov, reused = summary_extras(again, f.loaded, f.compiled, f.runs, 60, 1, "auto", reuse=True)
    assert reused and ov is None and again["outside_view"] == f.summary["outside_view"]
