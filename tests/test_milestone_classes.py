"""A milestone's class (``class:``), the corpus side file ``scenarios/milestone_classes.yaml``, and the corpus
replays' classed spells counted in the class curves (docs/outside-view.md, docs/scenarios.md)."""

import copy
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from simulator.analysis.observed import corpus_scenarios, observed_beside
from simulator.cli import app
from simulator.compiled import Compiled
from simulator.outside_view.classes import CLASSES
from simulator.outside_view.corpus import corpus_spells_table, counted_corpus_spells
from simulator.outside_view.corpus_classes import NAME, check_classes, read_classes
from simulator.outside_view.curves import build_classes, counted_spells
from simulator.outside_view.dataset import load_dataset, spells_table
from simulator.outside_view.replay import corpus_replays, load_for_replay, replay
from simulator.scenario import load

from .test_language import A, doc, fixed, joint
from .test_replay import D, observed, unilateral

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "scenarios"
SIDE = CORPUS / NAME


def level(lid, **kw):
    return {"id": lid, "name": lid.capitalize(), "attendees": ["a", "b"], "stakes": fixed(0.0), "assumption": A,
            **kw}


def classed(classes=True):
    """A scenario with every kind of milestone, a track and a concession ladder; with classes on each, or none."""
    c = (lambda name: {"class": name}) if classes else (lambda name: {})
    return doc(milestones=[{**joint("talks"), "kind": "meeting", **c("talks_opened")},
                           joint("deal", requires={"held": "talks"}, **c("framework_agreement")),
                           unilateral("step", requires={"held": "deal"}, **c("implementation_step"))],
               tracks=[{"id": "tr", "name": "Track", "levels": [level("l1", **c("talks_round")), level("l2")]}],
               concessions=[{"id": "lad", "actor": "a", "name": "Ladder", "assumption": A,
                             "stages": [{"id": "s0", "name": "S0"},
                                        {"id": "s1", "name": "S1", "cost": fixed(0.1), **c("extension")}]}])


def write(folder: Path, scenario, obs=None, name="sc") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False))
    if obs is not None:
        (folder / f"{name}.observed.yaml").write_text(yaml.safe_dump({**obs, "scenario": path.name},
                                                                     sort_keys=False))
    return path


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


# --------------------------------------------------------------------------- class: on a milestone


def test_every_kind_of_milestone_track_level_and_ladder_stage_may_say_its_class(tmp_path):
    sc = load(write(tmp_path, classed()), check_sources=False).scenario
    got = {m.id: m.class_ for m in Compiled(sc).milestones}
    assert got == {"talks": "talks_opened", "deal": "framework_agreement", "step": "implementation_step",
                   "l1": "talks_round", "l2": None, "lad.s1": "extension"}


def test_a_class_in_the_scenario_file_makes_its_curve_the_pace_of_a_step_without_one(tmp_path):
    """Issue 23 item 4: a class written in the scenario's own file gives a step whose pace is not stated its class
    curve (outside_view/views.py; tests/test_outside_view_defaults.py has the numbers); without classes the scenario
    runs as loaded."""
    plain = load(write(tmp_path, classed(False), name="plain"), check_sources=False).scenario
    assert Compiled(plain).scenario is plain
    sc = load(write(tmp_path, classed(True), name="classes"), check_sources=False).scenario
    paced = {m.id: m.pace for m, _ in Compiled(sc).scenario.all_milestones}
    assert {m for m, p in paced.items() if p is not None and p.follows_class()} == {"talks", "deal", "step", "l1",
                                                                                   "lad.s1"}
    assert paced["l2"] is None


@pytest.mark.parametrize("where, edit", [
    ("milestones[1].class", lambda d: d["milestones"][1].__setitem__("class", "summit")),
    ("tracks[0].levels[1].class", lambda d: d["tracks"][0]["levels"][1].__setitem__("class", "summit")),
    ("concessions[0].stages[1].class", lambda d: d["concessions"][0]["stages"][1].__setitem__("class", "summit")),
])
def test_an_unknown_class_is_one_line_naming_file_line_and_field(tmp_path, where, edit):
    d = copy.deepcopy(classed())
    edit(d)
    path = write(tmp_path, d)
    res = invoke("validate", path)
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    file, line, col, rest = lines[0].split(":", 3)
    assert file == str(path) and int(line) > 1 and int(col) >= 1
    assert rest.startswith(f" {where}: unknown class (known: {', '.join(CLASSES)})"), rest


def test_corpus_scenarios_keep_the_hash_their_observed_outcomes_recorded():
    """The new field, unused, is not in the content hash: every corpus scenario's hash is the one its observed file
    recorded (and the frozen forecasts of the blind track were made against)."""
    for path in corpus_scenarios(CORPUS):
        recorded = yaml.safe_load(observed_beside(path).read_text())["scenario_hash"]
        assert load(path).digest == recorded, path.name


def test_a_scenario_without_classes_hashes_as_before_and_one_with_a_class_differently(tmp_path):
    plain = load(write(tmp_path, classed(False), name="plain"), check_sources=False)
    d = classed(False)
    d["milestones"][0]["class"] = "talks_opened"
    with_one = load(write(tmp_path, d, name="one"), check_sources=False)
    assert "class" not in str(plain.scenario.model_dump(mode="json"))
    assert plain.digest != with_one.digest


# --------------------------------------------------------------------------- the side file


def test_the_shipped_side_file_validates_and_lists_every_scenario_with_observed_milestones():
    assert check_classes(SIDE) == []
    replays, _ = corpus_replays(CORPUS)
    assert sorted(read_classes(SIDE)) == sorted(Path(r.scenario).name for r in replays)
    res = invoke("validate", SIDE)
    assert res.exit_code == 0 and "ok (milestone classes:" in res.stdout
    res = invoke("timelines", "validate")
    assert res.exit_code == 0 and f"{NAME}: valid" in res.stdout


@pytest.mark.parametrize("text, where, message", [
    ("sc.yaml:\n  alpha: summit\n", "2:3: sc.yaml.alpha", "unknown class (known: talks_opened, "),
    ("sc.yaml:\n  omega: ceasefire\n", "2:3: sc.yaml.omega", "unknown milestone (milestones of sc.yaml: alpha, "),
    ("elsewhere.yaml:\n  alpha: ceasefire\n", "1:1: elsewhere.yaml", "unknown scenario (scenario files in "),
])
def test_a_bad_side_file_is_one_line_each(tmp_path, text, where, message):
    from .test_replay import chain_scenario

    write(tmp_path, chain_scenario())
    side = tmp_path / NAME
    side.write_text(text)
    problems = [str(p) for p in check_classes(side)]
    assert len(problems) == 1 and problems[0].startswith(f"{side}:{where}: {message}"), problems
    res = invoke("validate", side)
    assert res.exit_code == 2 and res.stderr.strip().splitlines() == problems


# --------------------------------------------------------------------------- the replay's classes


def test_a_replay_takes_the_milestones_own_class_else_the_side_file(tmp_path):
    from .test_replay import chain_scenario

    d = chain_scenario()
    d["milestones"][1]["class"] = "ceasefire"  # beta's own class
    write(tmp_path, d, observed({"alpha": {"date": D(10)}, "beta": {"date": D(40)}, "gamma": {"date": D(50)}}))
    (tmp_path / NAME).write_text("sc.yaml:\n  alpha: talks_opened\n  beta: talks_round\n")
    rows = {r["spell"]: r["class"] for r in replay(load_for_replay(tmp_path / "sc.yaml")).spell_rows()}
    assert rows == {"alpha": "talks_opened", "beta": "ceasefire", "gamma": None}


def test_corpus_spells_carry_the_side_files_classes():
    side = read_classes(SIDE)
    table = corpus_spells_table(CORPUS)
    classed_rows = table[table["class"].notna()]
    assert len(classed_rows) >= 25
    for r in table.to_dict("records"):
        got = r["class"] if isinstance(r["class"], str) else None  # an unclassed spell: missing
        assert got == side[f"{r['negotiation']}.yaml"].get(r["spell"]), (r["negotiation"], r["spell"])


# --------------------------------------------------------------------------- the class curves


def test_the_curves_count_the_classed_corpus_spells_once_and_say_how_many(shipped_and_plain):
    shipped, plain = shipped_and_plain
    found = counted_corpus_spells(CORPUS)
    assert len(found.table) and found.table["class"].notna().all()
    for name in CLASSES:
        mine = int((found.table["class"] == name).sum())
        assert shipped[name].spells == plain[name].spells + mine
        assert shipped[name].corpus_spells == mine and plain[name].corpus_spells == 0
    timeline_ids = {n.id for n in load_dataset()}
    assert not timeline_ids & set(found.table["negotiation"])  # each negotiation once
    assert sum(c.spells for c in plain.values()) == len(spells_table())


@pytest.fixture(scope="module")
def shipped_and_plain():
    return build_classes(resamples=20), build_classes(corpus=False, resamples=20)


def test_leave_one_out_removes_that_scenarios_spells(shipped_and_plain):
    shipped, _ = shipped_and_plain
    left = "israel_uae_2020"
    table, _ = counted_spells()
    mine = table[table["negotiation"] == left]
    assert len(mine) >= 3
    without = build_classes([left], resamples=20)
    for name in CLASSES:
        assert without[name].spells == shipped[name].spells - int((mine["class"] == name).sum())
        assert left not in without[name].negotiations and without[name].excluded == [left]
    assert build_classes(["syria_turkey_2023"], resamples=10)  # a scenario without counted spells is known too


def test_blind_scenarios_spells_are_not_counted():
    every = corpus_spells_table(CORPUS)
    blind = [p.stem for p in corpus_scenarios(CORPUS) if load(p).scenario.metadata.track == "blind"]
    classed_blind = every[every["negotiation"].isin(blind) & every["class"].notna()]
    assert len(classed_blind) >= 1  # e.g. the 2025 Gaza truce deal: classed, but not counted
    table, _ = counted_spells()
    assert not set(table["negotiation"]) & set(blind)
    assert set(counted_corpus_spells(CORPUS).left_out) >= set(classed_blind["negotiation"])


@pytest.mark.parametrize("metadata, actors, counted", [
    ({}, None, True),
    ({"track": "blind"}, None, False),
    ({}, ("Russia", "Ukraine"), False),  # on the leave-out list kept for independent checks
    ({}, ("Israel", "Hamas"), True),  # on the list only to keep a corpus negotiation out of the timelines
])
def test_a_constructed_corpus_counts_sighted_scenarios_only_and_not_the_leave_out_list(tmp_path, metadata, actors,
                                                                                       counted):
    d = doc(milestones=[joint("alpha")])
    d["metadata"].update(metadata)
    if actors:
        d["actors"][0]["name"], d["actors"][1]["name"] = actors
    write(tmp_path, d, observed({"alpha": {"date": D(10)}}))
    (tmp_path / NAME).write_text("sc.yaml:\n  alpha: ceasefire\n")
    found = counted_corpus_spells(tmp_path)
    assert len(found.table) == (1 if counted else 0)
    assert ("sc" in found.left_out) == (not counted)


def test_reference_show_says_how_many_spells_come_from_the_corpus():
    res = invoke("reference", "show", "framework_agreement", "--resamples", "10")
    assert res.exit_code == 0, res.output
    assert "from the replays of the scenario corpus (diplosim replay): " in res.stdout
    assert "us_taliban_doha_2020" in res.stdout  # its spells are listed with the timelines'
    res = invoke("reference", "show", "framework_agreement", "--resamples", "10", "--no-corpus")
    assert "from the replays of the scenario corpus (diplosim replay): 0 of" in res.stdout
    assert "us_taliban_doha_2020" not in res.stdout

