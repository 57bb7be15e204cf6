"""Fragile forecasts: a question that hangs on one assumed number is flagged by `diplosim run`; one that does
not is not; the screen's paired runs are the Monte Carlo's own runs (common random numbers)."""

import json

import numpy as np
from typer.testing import CliRunner

from simulator.cli import app

from .synthetic import coin_flip, threshold_switch, write


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


SOURCED = {"source": "none", "note": "Constructed for a test, as if a source said so."}


def dominated() -> dict:
    """Talks happen iff a.flexibility > a.resolve x stakes = 0.5 (a step response), and a.flexibility is assumed
    to be exactly 0.5: 10% more makes the talks certain, 10% less impossible. The other numbers on the knife
    edge (a's resolve, the stakes) rest on evidence, so they are not screened; b takes no decision."""
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
    both = engine.table(engine.run_keys(7, [(0, r) for r in reps], copies=Copies(30, ((col, 1.1, 0.0, 1.0),))))
    assert both.slice(0, 30).equals(plain)
    assert both.num_rows == 60  # one perturbed copy on the same draws
    # a chunk of more runs carries copies of its first ones: its own rows are unchanged, and so are the copies
    more = engine.table(engine.run_keys(7, [(0, r) for r in range(200)], copies=Copies(30, ((col, 1.1, 0.0, 1.0),))))
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
    assert {f["name"] for f in flags} == {"a.flexibility"}
    assert {round(f["change"], 2) for f in flags} == {-0.1, 0.1}
    up = next(f for f in flags if f["change"] > 0)
    down = next(f for f in flags if f["change"] < 0)
    assert up["delta"] > 0.15 and up["low"] > 0.15 and down["delta"] < -0.15 and down["high"] < -0.15
    assert up["label"] == "Party A's willingness" and up["provenance"] == "assumption"
    assert "b.flexibility" not in {f["name"] for q in fragile["questions"] for f in q["flags"] + q["borderline"]}
    # each question entry of the summary carries its own flags; the manifest keeps the screen for report/dashboard
    assert {f["name"] for f in next(q for q in summary["questions"] if q["id"] == "talks_held")["fragile"]} \
        == {"a.flexibility"}
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
    assert "no question moves by more than 15 points" in " ".join(table.stdout.split())


def test_the_screen_can_be_turned_off_and_does_not_change_the_runs(tmp_path):
    path = write(tmp_path, dominated())
    on = json.loads(invoke("run", path, "--runs", 200, "--json").stdout)
    off = json.loads(invoke("run", path, "--runs", 200, "--json", "--no-fragile").stdout)
    assert "fragile" not in off
    on.pop("fragile")
    for q in on["questions"]:
        q.pop("fragile", None)
    assert on == off


def test_evidence_backed_numbers_and_switches_are_not_screened(tmp_path):
    from simulator.analysis.fragile import screened
    from simulator.compiled import Compiled
    from simulator.scenario import load

    from .conftest import SEED_SCENARIO

    loaded = load(SEED_SCENARIO)
    c = Compiled(loaded.scenario)
    names = {s.name for s in screened(loaded, c)}
    assert names and not any(n.endswith((".enabled", ".active")) for n in names)
    for n in names:
        assert c.table.params[n].evidence is None
    ranges = {s.name: (s.low, s.high) for s in screened(loaded, c)}
    assert all(np.isfinite(lo) for lo, _ in ranges.values())


def test_the_report_of_a_run_shows_the_flags(tmp_path):
    path = write(tmp_path, dominated())
    res = invoke("run", path, "--runs", 200, "--out", tmp_path / "out", "--report", tmp_path / "r.html")
    assert res.exit_code == 0, res.output
    page = (tmp_path / "r.html").read_text()
    assert "hang on one assumed number" in page and "Party A&#x27;s willingness" in page
    res = invoke("run", path, "--runs", 200, "--report", tmp_path / "r2.html")  # no results directory
    assert res.exit_code == 0, res.output
    assert "hang on one assumed number" in (tmp_path / "r2.html").read_text()


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
