"""Fragile forecasts: a question that hangs on one number or switch is flagged by `diplosim run`; one that does
not is not; the screen's paired runs are the Monte Carlo's own runs (common random numbers); what it does not
screen, it names."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from simulator.cli import app

from .synthetic import coin_flip, fixed, threshold_switch, write


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


SOURCED = {"source": "none", "note": "Constructed for a test, as if a source said so."}


def dominated() -> dict:
    """Talks happen iff a.flexibility > a.resolve x stakes = 0.5 (a step response), and a.flexibility is assumed
    to be exactly 0.5: 10% more makes the talks certain, 10% less impossible. The other numbers on the knife
    edge (a's resolve, the stakes) rest on evidence, and are screened too; b takes no decision."""
    sc = threshold_switch()
    sc["actors"][0]["params"]["flexibility"] = {"value": 0.5, "label": "Party A's willingness",
                                                "assumption": "Constructed for a test."}
    sc["actors"][0]["params"]["resolve"] = {"value": 1.0, "evidence": SOURCED}
    sc["tracks"][0]["levels"][0]["stakes"] = {"value": 0.5, "evidence": SOURCED}
    sc["actors"][1]["params"]["flexibility"] = {"value": 0.5, "assumption": "Constructed for a test."}
    return sc


def test_the_unchanged_copy_is_the_monte_carlo_itself(tmp_path):
    from simulator.batch.engine import Copies, engine_for
    from simulator.compiled import Compiled
    from simulator.scenario import load

    from .conftest import SEED_SCENARIO

    c = Compiled(load(SEED_SCENARIO).scenario)
    engine = engine_for(c)
    reps = list(range(30))
    plain = engine.table(engine.run(7, reps))
    col = c.table.index["turkey.flexibility"]
    copies = Copies(30, (col,), np.full((1, 30), 0.7))
    both = engine.table(engine.run_keys(7, [(0, r) for r in reps], copies=copies))
    assert both.slice(0, 30).equals(plain)
    assert both.num_rows == 60  # one perturbed copy on the same draws
    # a chunk of more runs carries copies of its first ones: its own rows are unchanged, and so are the copies
    more = engine.table(engine.run_keys(7, [(0, r) for r in range(200)], copies=copies))
    assert more.slice(0, 200).equals(engine.table(engine.run(7, range(200))))
    assert more.slice(200).equals(both.slice(30))


def test_a_question_that_hangs_on_one_assumption_is_flagged(tmp_path):
    path = write(tmp_path, dominated())
    res = invoke("run", path, "--runs", 300, "--seed", 3, "--json", "--out", tmp_path / "out")
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    fragile = summary["fragile"]
    by_q = {q["id"]: q for q in fragile["questions"]}
    flags = by_q["talks_held"]["flags"]
    # the numbers backed by evidence are screened as well: the question hangs on them just as much
    assert {f["name"] for f in flags} == {"a.flexibility", "a.resolve", "talks.stakes"}
    assert {f["provenance"] for f in flags if f["name"] != "a.flexibility"} == {"evidence"}
    flags = [f for f in flags if f["name"] == "a.flexibility"]
    assert {round(f["change"], 2) for f in flags} == {-0.1, 0.1}
    up = next(f for f in flags if f["change"] > 0)
    down = next(f for f in flags if f["change"] < 0)
    assert up["delta"] > 0.15 and up["low"] > 0.15 and down["delta"] < -0.15 and down["high"] < -0.15
    assert up["label"] == "Party A's willingness" and up["provenance"] == "assumption"
    assert "b.flexibility" not in {f["name"] for q in fragile["questions"] for f in q["flags"] + q["borderline"]}
    # each question entry of the summary carries its own flags; the manifest keeps the screen for report/dashboard
    assert {f["name"] for f in next(q for q in summary["questions"] if q["id"] == "talks_held")["fragile"]} \
        == {"a.flexibility", "a.resolve", "talks.stakes"}
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["fragile"]["questions"] == fragile["questions"]

    table = invoke("run", path, "--runs", 300, "--seed", 3)
    assert table.exit_code == 0, table.output
    text = " ".join(table.stdout.split())
    assert "fragile Are talks held?: raising 'Party A's willingness' (assumption) by 10% moves it +" in text
    assert "lowering 'Party A's willingness' (assumption) by 10% moves it -" in text


def test_a_question_that_no_single_number_moves_is_not_flagged(tmp_path):
    path = write(tmp_path, coin_flip())  # logistic at its midpoint, gentle slope: 10% moves it ~10 points
    res = invoke("run", path, "--runs", 400, "--seed", 1, "--json")
    assert res.exit_code == 0, res.output
    fragile = json.loads(res.stdout)["fragile"]
    assert fragile["screened"] > 0
    assert all(q["flags"] == [] for q in fragile["questions"])
    table = invoke("run", path, "--runs", 400, "--seed", 1)
    assert "no question screened moves by more than 15 points" in " ".join(table.stdout.split())


def test_the_screen_can_be_turned_off_and_does_not_change_the_runs(tmp_path):
    path = write(tmp_path, dominated())
    on = json.loads(invoke("run", path, "--runs", 200, "--json").stdout)
    off = json.loads(invoke("run", path, "--runs", 200, "--json", "--no-fragile").stdout)
    assert "fragile" not in off
    on.pop("fragile")
    for q in on["questions"]:
        q.pop("fragile", None)
    assert on == off


def test_every_number_and_switch_an_author_chose_is_screened_or_named_with_a_reason(tmp_path):
    """Numbers backed by evidence and the on/off switches of preconditions and mediators are screened too; every
    parameter of the table is either screened or listed as not screened, with its reason."""
    from simulator.analysis.fragile import Screen
    from simulator.compiled import Compiled
    from simulator.scenario import load

    from .conftest import SEED_SCENARIO

    loaded = load(SEED_SCENARIO)
    c = Compiled(loaded.scenario)
    screen = Screen(loaded, c, 0, {"turkey.resolve": 1.0})
    names = {s.name for s in screen.items}
    assert any(n.endswith(".enabled") for n in names) and any(n.endswith(".active") for n in names)
    assert any(c.table.params[n].evidence is not None for n in names)
    skipped = {row["name"] for row in screen.not_screened if row.get("change") is None}
    assert names.isdisjoint(skipped) and names | skipped == set(c.table.names)
    assert {row["name"]: row["reason"] for row in screen.not_screened}["turkey.resolve"] == "fixed with --set"
    assert all(np.isfinite(s.low) for s in screen.items)


def test_a_chance_is_moved_on_its_odds_and_never_to_certainty(tmp_path):
    """A weekly chance of 0.95 becomes 0.95 with its odds x1.1 and /1.1, never 1.0 (a certainty) nor 0.855; a
    number that is not a chance moves by 10% of its value, never beyond its allowed range: the move that would
    take it there is not made, and the output says so."""
    from simulator.analysis.fragile import Screen
    from simulator.batch.engine import engine_for
    from simulator.compiled import Compiled
    from simulator.scenario import load

    sc = coin_flip()
    sc["actors"][0]["params"]["initiative"] = fixed(0.95)  # a weekly chance
    sc["actors"][0]["params"]["flexibility"] = fixed(0.95)  # not a chance, allowed 0 to 1
    loaded = load(write(tmp_path, sc))
    c = Compiled(loaded.scenario)
    screen = Screen(loaded, c, 0, runs=20)
    st = engine_for(c).run_keys(0, [(0, r) for r in range(20)], copies=screen.copies)
    odds = 0.95 / 0.05
    chance = np.unique(st.V[20:, c.table.index["a.initiative"]])
    assert chance.tolist() == pytest.approx(sorted([odds / 1.1 / (1 + odds / 1.1), 0.95, odds * 1.1 / (1 + odds * 1.1)]))
    assert 1.0 not in chance
    assert np.unique(st.V[20:, c.table.index["a.flexibility"]]).tolist() == pytest.approx([0.855, 0.95])
    assert [(row["name"], row["change"]) for row in screen.not_screened if row["name"] == "a.flexibility"] \
        == [("a.flexibility", 0.1)]


def test_a_switch_is_screened_by_turning_it_off(tmp_path):
    """Talks need an event that never happens (a hard precondition): turning that precondition off lets them
    happen half the time, a move of 50 points that the screen flags."""
    path = write(tmp_path, coin_flip(precondition="hard"))
    summary = json.loads(invoke("run", path, "--runs", 200, "--seed", 2, "--json").stdout)
    flags = next(q for q in summary["fragile"]["questions"] if q["id"] == "talks_held")["flags"]
    switch = next(f for f in flags if f["name"] == "needs_never.enabled")
    assert switch["move"] == "switch" and switch["change"] == -1 and switch["low"] > 0.15
    assert summary["fragile"]["switches"] == 1
    text = " ".join(invoke("run", path, "--runs", 200, "--seed", 2).stdout.split())
    assert "fragile Are talks held?: turning off 'A insists on " in text and "moves it +5" in text


def test_the_output_names_what_was_not_screened(tmp_path):
    """The console, --json, the manifest and the report name each number not screened and why (a number of 0, a
    number fixed with --set, a move beyond the allowed range), and the headline says how many numbers and
    switches were screened."""
    sc = coin_flip()
    sc["actors"][0]["params"]["flexibility"] = fixed(0.95)
    path = write(tmp_path, sc)
    res = invoke("run", path, "--runs", 100, "--seed", 1, "--json", "--set", "b.resolve=1", "--out", tmp_path / "o")
    assert res.exit_code == 0, res.output
    fragile = json.loads(res.stdout)["fragile"]
    reasons = {(row["name"], row.get("change")): row["reason"] for row in fragile["not_screened"]}
    assert reasons[("b.resolve", None)] == "fixed with --set"
    assert "0" in reasons[("never.hazard", None)] and "a.concession_rate" in {n for n, _ in reasons}
    assert "allowed range" in reasons[("a.flexibility", 0.1)] and ("a.flexibility", -0.1) not in reasons
    assert fragile["questions_not_screened"] == []
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert manifest["fragile"]["not_screened"] == fragile["not_screened"]
    n, m = fragile["numbers"], fragile["switches"]
    assert n == len([p for p in fragile["parameters"] if p["move"] != "switch"]) > 0 and m == 0

    res = invoke("run", path, "--runs", 100, "--seed", 1, "--set", "b.resolve=1", "--report", tmp_path / "r.html")
    assert res.exit_code == 0, res.output
    text = " ".join(res.stdout.split())
    assert f"Fragile forecasts: {n} numbers and no switches screened" in text
    assert "no question screened moves by more than 15 points" in text
    assert "Not screened: 'A's flexibility' (assumption): raising it by 10% would take it above 1, the top of its " \
        "allowed range 'A's sensitivity to pressure' (assumption): it is 0 in every run" in text
    assert "'B's resolve' (assumption): fixed with --set" in text
    assert "'Weekly chance of 'Never happens'' (assumption): it is a chance of 0 in every run" in text
    page = " ".join((tmp_path / "r.html").read_text().split())
    assert "Not screened" in page and "fixed with --set" in page and "allowed range" in page


def test_count_questions_are_named_as_not_screened(tmp_path, monkeypatch):
    from rich.console import Console

    from simulator.analysis.fragile import Screen
    from simulator.cli.render import render_fragile
    from simulator.compiled import Compiled
    from simulator.scenario import load

    from .conftest import ROOT

    monkeypatch.setenv("DIPLOSIM_CACHE", "off")
    loaded = load(ROOT / "scenarios" / "black_sea_grain_2022.yaml")
    c = Compiled(loaded.scenario)
    counts = [q for q in c.questions if q.answer_kind == "count"]
    assert counts
    result = Screen(loaded, c, 0, runs=10).run_alone()
    assert [q["id"] for q in result["questions_not_screened"]] == [q.id for q in counts]
    assert {q["id"] for q in result["questions"]}.isdisjoint(q.id for q in counts)
    console = Console(width=300, record=True)
    render_fragile(result, console)
    assert f"question '{counts[0].text}': a count question" in " ".join(console.export_text().split())
def test_the_report_of_a_run_shows_the_flags(tmp_path):
    path = write(tmp_path, dominated())
    res = invoke("run", path, "--runs", 200, "--out", tmp_path / "out", "--report", tmp_path / "r.html")
    assert res.exit_code == 0, res.output
    page = (tmp_path / "r.html").read_text()
    assert "hang on one number" in page and "Party A&#x27;s willingness" in page
    res = invoke("run", path, "--runs", 200, "--report", tmp_path / "r2.html")  # no results directory
    assert res.exit_code == 0, res.output
    assert "hang on one number" in (tmp_path / "r2.html").read_text()


def _screen_of(res) -> dict:
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)["fragile"]


def test_an_identical_run_reuses_the_screen_and_any_change_of_input_computes_it_again(tmp_path, monkeypatch):
    """The screen is cached under everything it depends on (simulator/cache.py): the same scenario, seed and
    --set reuse it, with the same result key for key; another seed, another --set or an edited number does not."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("DIPLOSIM_CACHE", str(cache))
    path = write(tmp_path, dominated())
    first = _screen_of(invoke("run", path, "--runs", 300, "--seed", 3, "--json"))
    entries = list((cache / "fragile").glob("*.json"))
    assert len(entries) == 1
    again = invoke("run", path, "--runs", 300, "--seed", 3)
    assert again.exit_code == 0, again.output
    assert "fragile-forecast screen reused from an earlier identical run" in " ".join(again.stderr.split())
    assert _screen_of(invoke("run", path, "--runs", 300, "--seed", 3, "--json")) == first
    assert len(list((cache / "fragile").glob("*.json"))) == 1  # nothing new was stored

    # the entry holds exactly what a fresh screen computes
    monkeypatch.setenv("DIPLOSIM_CACHE", "off")
    assert _screen_of(invoke("run", path, "--runs", 300, "--seed", 3, "--json")) == first
    monkeypatch.setenv("DIPLOSIM_CACHE", str(cache))

    _screen_of(invoke("run", path, "--runs", 300, "--seed", 4, "--json"))
    _screen_of(invoke("run", path, "--runs", 300, "--seed", 3, "--json", "--set", "b.flexibility=0.4"))
    edited = dominated()
    edited["actors"][0]["params"]["flexibility"]["value"] = 0.3  # far from the knife edge: nothing flagged
    moved = _screen_of(invoke("run", write(tmp_path, edited, "edited.yaml"), "--runs", 300, "--seed", 3, "--json"))
    assert all(q["flags"] == [] for q in moved["questions"]) and first["questions"][0]["flags"]
    assert len(list((cache / "fragile").glob("*.json"))) == 4  # each change of input: a new entry


def test_a_damaged_or_unwritable_cache_never_fails_a_run(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("DIPLOSIM_CACHE", str(cache))
    path = write(tmp_path, dominated())
    first = _screen_of(invoke("run", path, "--runs", 300, "--json"))
    for entry in (cache / "fragile").glob("*.json"):
        entry.write_text("{not json")
    assert _screen_of(invoke("run", path, "--runs", 300, "--json")) == first  # computed again
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("DIPLOSIM_CACHE", str(blocked))
    assert _screen_of(invoke("run", path, "--runs", 300, "--json")) == first
    monkeypatch.setenv("DIPLOSIM_CACHE", "off")
    assert _screen_of(invoke("run", path, "--runs", 300, "--json")) == first


def test_the_screen_riding_along_the_monte_carlo_equals_the_screen_in_its_own_pass(tmp_path, monkeypatch):
    """`run` steps the screen's copies in the Monte Carlo's own first chunk; the result is the same, key for key,
    as the screen in a pass of its own, with any number of jobs and with the Mesa engine for the Monte Carlo."""
    from simulator.analysis.fragile import screen
    from simulator.compiled import Compiled
    from simulator.scenario import load

    monkeypatch.setenv("DIPLOSIM_CACHE", "off")
    path = write(tmp_path, dominated())
    loaded = load(path)
    alone = screen(loaded, Compiled(loaded.scenario), 3, {}, runs=300)
    assert alone["questions"][0]["flags"]  # something to compare
    riding = invoke("run", path, "--runs", 300, "--seed", 3, "--json", "--out", tmp_path / "one")
    assert _screen_of(riding) == alone
    manifest = json.loads((tmp_path / "one" / "manifest.json").read_text())
    assert manifest["fragile_in_monte_carlo_pass"] is True
    assert _screen_of(invoke("run", path, "--runs", 300, "--seed", 3, "--json", "--jobs", 2)) == alone
    assert _screen_of(invoke("run", path, "--runs", 60, "--seed", 3, "--json", "--engine", "mesa")) \
        == screen(loaded, Compiled(loaded.scenario), 3, {}, runs=60)


def test_the_number_of_paired_runs_is_the_users_choice(tmp_path, monkeypatch):
    monkeypatch.setenv("DIPLOSIM_CACHE", "off")
    path = write(tmp_path, dominated())
    wide = _screen_of(invoke("run", path, "--runs", 300, "--seed", 3, "--json", "--fragile-runs", 250))
    assert wide["replications"] == 250
    flag = wide["questions"][0]["flags"][0]
    assert flag["runs"] == 250
    few = _screen_of(invoke("run", path, "--runs", 40, "--seed", 3, "--json"))
    assert few["replications"] == 40  # never more than the Monte Carlo's runs
    res = invoke("run", path, "--runs", 40, "--fragile-runs", 1)
    assert res.exit_code == 2 and "--fragile-runs" in res.output


def test_a_screen_kept_by_an_older_version_is_described_by_its_own_method():
    """A results folder written before switches, odds and evidence were screened keeps its screen in the
    manifest: a report of it must not claim the new method."""
    from simulator.analysis.fragile import headline, not_screened_words

    old = {"threshold": 0.15, "step": 0.1, "replications": 100, "screened": 28, "parameters": [], "questions": []}
    assert headline(old).startswith("Fragile forecasts: 28 assumed or reference numbers moved by 10% each")
    assert "odds" not in headline(old) and "switch" not in headline(old)
    assert not_screened_words(old) == []
