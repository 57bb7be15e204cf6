"""Issue 22's constructs in the Scenario tab (and the report's scenario tables): each construct's class says its own
sentence (``sentences(c, owner, describe)``), ``lang.words.construct_sentences`` asks every item of the scenario,
and the view shows them as a table "Per step, per world and over time". Tested on the per-step worked example, on
that example with every other construct added (``every_construct_doc``, also served by the browser test), and on
generated scenarios: each construct a generated scenario uses has its sentence.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from simulator.charts.scenario import describe, scenario_tables
from simulator.compiled import Compiled
from simulator.lang.words import construct_sentences, share_words
from simulator.scenario import load
from simulator.scenario.schema import Scenario
from simulator.testing.scenarios import scenario_dicts
from tests.synthetic import component_texts

ROOT = Path(__file__).resolve().parents[1]
PER_STEP = ROOT / "examples" / "per_step" / "syria_turkey_2023_per_step.yaml"
TITLE = "Per step, per world and over time"
A = "Added to show every construct in the Scenario tab."


def fixed(v):
    return {"value": v, "assumption": A}


def every_construct_doc() -> dict:
    """The per-step worked example with each of issue 22's constructs it lacks: live shares (a track, a ladder, a
    milestone, a precondition), a spread, a suspension (an actor's own step, resumed with a weekly chance), a freeze
    of a drawn number of days, a coercive act that pressure restrains, an actor outside the talks, a one-shot
    outcome, a binding commitment with a breach, a breakdown hazard that changes with time, a mediator with several
    items a step, a parliamentary election with blocs and concerns, and a term with a vacancy."""
    doc = yaml.safe_load(PER_STEP.read_text(encoding="utf-8"))
    doc["actors"].append({"id": "armed_group", "name": "Armed group", "role": "outside", "rule": "threshold"})
    doc["actors"].append({"id": "syrian_opposition", "name": "Syrian opposition", "role": "domestic"})
    doc["tracks"][0]["live"] = {"share": 1 / 3, "assumption": A}
    doc["concessions"][0]["live"] = {"share": 0.9, "assumption": A}
    doc["preconditions"][1]["live"] = {"share": 0.75, "assumption": A}
    fm = next(lv for lv in doc["tracks"][1]["levels"] if lv["id"] == "fm_meeting")
    fm["commits"] = [{"milestone": "turkey_presence.timetable", "within_days": 180,
                      "odds": {"odds_multiplier": 3, "assumption": A},
                      "on_breach": [{"param": "dynamics.pressure_decay", "op": "set", "value": 0.2, "assumption": A}]}]
    fm["breakdown"] = {"hazard": {"weibull": {"median_days": 200, "shape": 1.5}, "assumption": A}, "assumption": A}
    doc["milestones"] = [
        {"id": "suspension", "kind": "unilateral", "name": "Damascus suspends the talks", "actor": "syria",
         "stakes": fixed(0.5), "assumption": A, "live": {"share": 0.5, "assumption": A},
         "spread": {"odds_sd": 0.5, "assumption": A},
         "freezes": {"milestones": ["political"], "resume": fixed(0.3)}},
        {"id": "strike", "kind": "unilateral", "name": "Drone strike", "actor": "armed_group", "stakes": fixed(0.5),
         "assumption": A, "pressure_odds": fixed(-1.0), "repeat": True,
         "freezes": {"milestones": ["security"], "days": {"dist": "uniform", "low": 10, "high": 60,
                                                          "assumption": A}}},
        {"id": "ratification", "kind": "unilateral", "name": "Ratification vote", "actor": "turkey",
         "stakes": fixed(0.5), "assumption": A, "requires": {"held": "fm_meeting"},
         "outcome": {"success": fixed(0.6), "success_label": "the accord is ratified",
                     "failure_label": "parliament rejects it"}},
    ]
    doc["mediation"][0]["per_step"] = 2
    cal = doc["calendar"]
    cal["elections"].append({
        "id": "syria_vote", "name": "Syrian parliamentary election", "incumbent": "syria",
        "challenger": "syrian_opposition", "round1": "2024-07-15", "base_win": fixed(0.9),
        "progress_effect": fixed(0.0), "assumption": A, "concerns": ["syria"], "blocs": {"incumbent": ["iran"]},
        "formation_days": {"dist": "uniform", "low": 20, "high": 60, "assumption": A}})
    cal["terms"] = [{"id": "envoy_term", "name": "Russian envoy's mandate", "holder": "russia", "ends": "2024-03-01",
                     "vacancy_days": {"dist": "uniform", "low": 10, "high": 90, "assumption": A}, "assumption": A}]
    return doc


def every_construct_yaml(path: Path) -> Path:
    path.write_text(yaml.safe_dump(every_construct_doc(), sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def sentences_of(c) -> list[list[str]]:
    return next((rows for title, _, rows in scenario_tables(c) if title == TITLE), [])


def test_share_words_say_shares_as_people_do():
    assert share_words(1 / 3) == "in a third of worlds (33%)"
    assert share_words(0.33) == "in about a third of worlds (33%)"
    assert share_words(0.75) == "in three quarters of worlds (75%)"
    assert share_words(0.42) == "in 42% of worlds"
    assert share_words(0.2, 0.4) == "in 20% to 40% of worlds"
    assert share_words(0.0) == "in no world" and share_words(1.0) == "in every world"


def test_the_per_step_example_says_its_paces_shapes_proposers_and_resisting_demand():
    c = Compiled(load(PER_STEP).scenario)
    rows = sentences_of(c)
    said = {(about, text) for about, text in rows}
    assert ("Foreign ministers", "Foreign ministers is put on the table only by a mediator, never by a party.") in said
    assert ("Foreign ministers", "Syria (Damascus government) agrees once it is on the table: Weibull waiting time, "
            "median 120 days, shape 0.8 (20% within 30 days, 42% within 90 days, 82% within 365 days).") in said
    assert ("steps before fm", "Syria (Damascus government) holds out on steps before fm against pressure for a "
            "while, then drops the demand for good: once it blocks a step that is otherwise ready, 50% (35% to 65%) "
            "chance within 150 days.") in said
    assert all(text.endswith(".") and text[0].isupper() for _, text in rows)


def test_every_construct_says_its_own_sentence(tmp_path):
    sc = load(every_construct_yaml(tmp_path / "every.yaml")).scenario
    c = Compiled(sc)
    text = "\n".join(f"{about} | {s}" for about, s in sentences_of(c))
    expected = [
        "Security track | Security track is live in a third of worlds (33%), drawn once per run; in the other "
        "worlds it is dead all period: it never becomes possible.",
        "Turkey on its military presence in Syria | Turkey on its military presence in Syria is live in nine tenths "
        "of worlds (90%)",
        "timetable before summit | Timetable before summit is held in three quarters of worlds (75%), drawn once "
        "per run; in the other worlds it is not held: it blocks nothing.",
        "Damascus suspends the talks | Damascus suspends the talks is live in half of worlds (50%)",
        "Damascus suspends the talks | The chances of Damascus suspends the talks vary from world to world: each run "
        "draws a factor on the odds of every decision about it, whose log has a standard deviation of 0.5, so in "
        "about one world in six the odds are below 0.61 times their middle value and in one in six above 1.6 times.",
        "Damascus suspends the talks | When Damascus suspends the talks happens, Political track stays suspended "
        "until it resumes, with a weekly chance of 30% (a suspension: drawn afresh each time).",
        "Drone strike | When Drone strike happens, Security track is frozen for the rest of that week and then for "
        "uniform 10 to 60 days (drawn per run).",
        "Drone strike | Drone strike is a decision that pressure moves: pressure about it and about the steps it "
        "stands in the way of makes it less likely",
        "Armed group | Armed group is outside the talks: it sits at no table and consents to no joint act, but it "
        "holds conditions and takes steps of its own.",
        "Ratification vote | Ratification vote has a one-shot result: the accord is ratified with a chance of 60%, "
        "otherwise parliament rejects it.",
        "Foreign ministers | When Foreign ministers happens, it commits to Withdrawal timetable within 180 days: "
        "until Withdrawal timetable is due, the odds of every decision on it are multiplied by 3; if the due day "
        "passes without Withdrawal timetable, the commitment is breached (an event) and then",
        "Foreign ministers | Once Foreign ministers is in force it can break down: Weibull waiting time, median 200 "
        "days, shape 1.5",
        "Russia | Russia may put up to 2 items on the table in one week",
        "Syrian parliamentary election | Syrian parliamentary election is parliamentary: a government is formed "
        "uniform 20 to 60 days after the vote, and Syria (Damascus government) stays on as caretaker until then.",
        "Syrian parliamentary election | In Syrian parliamentary election, Iran wins or loses with Syria (Damascus "
        "government)'s bloc.",
        "Syrian parliamentary election | Only Syria (Damascus government) feel the approach of Syrian parliamentary "
        "election in their decisions",
        "Russian envoy's mandate | Russia's term ends on 1 Mar 2024: the office is then vacant for uniform 10 to "
        "90 days (drawn per run), and Russia is absent meanwhile.",
    ]
    missing = [e for e in expected if e not in text]
    assert not missing, "\n".join(["missing:", *missing, "said:", text])
    assert not re.search(r"\b(fm_meeting|armed_group|syria_vote|envoy_term|turkey_presence\.timetable)\b", text)


def test_the_corpus_says_none_of_it_where_it_uses_none():
    """A scenario without issue 22's constructs gets no new table (the corpus's scenario view is as it was)."""
    c = Compiled(load(ROOT / "scenarios" / "syria_turkey_2023.yaml").scenario)
    assert sentences_of(c) == [] and construct_sentences(c, describe) == []


def _uses(doc: dict) -> dict[str, list[str]]:
    """What a generated scenario document uses, read from the document itself (not from the classes): construct ->
    the ids of the items that use it (the names of elections and terms, which the table names by name)."""
    ms = doc["milestones"] + [lv for tr in doc["tracks"] for lv in tr["levels"]]
    uses = {
        "live": [m["id"] for m in doc["milestones"] + doc["tracks"] + doc["concessions"] + doc["preconditions"]
                 if "live" in m],
        "spread": [m["id"] for m in doc["milestones"] if "spread" in m],
        "suspension": [m["id"] for m in doc["milestones"] if "resume" in m.get("freezes", {})],
        "freeze": [m["id"] for m in doc["milestones"] if "days" in m.get("freezes", {})],
        "pressure": [m["id"] for m in doc["milestones"] if "pressure_odds" in m],
        "outcome": [m["id"] for m in doc["milestones"] if "outcome" in m],
        "binds": [m["id"] for m in ms for cm in m.get("commits", [])
                  if {"odds", "on_breach", "chance_within_due"} & set(cm)],
        "per_step": [med["mediator"] for med in doc["mediation"] if (med.get("per_step") or 1) > 1],
        "proposer": [m["id"] for m in ms if "proposed_by" in m],
        "election": [e["name"] for e in doc["calendar"]["elections"]
                     for f in ("concerns", "blocs", "formation_days") if f in e and (f != "blocs" or e[f]["incumbent"])],
        "term": [t["name"] for t in doc["calendar"].get("terms", [])],
        "outside": [a["id"] for a in doc["actors"] if a["role"] == "outside"],
        "resists": [p["id"] for p in doc["preconditions"] if "resists" in p.get("waiver", {})],
        "shape": [m["id"] for m in ms for ap in (m.get("pace") or {}).values() for v in ap.values()
                  if not ({"value", "dist", "chance_within", "median_delay_days"} & set(v))],
    }
    return {k: v for k, v in uses.items() if v}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(scenario_dicts(max_weeks=20))
def test_each_construct_a_generated_scenario_uses_is_said(doc):
    """Every item of a generated scenario that uses one of issue 22's constructs has a sentence about it, and each
    sentence is a sentence (a capital, a full stop, no braces left from a template)."""
    c = Compiled(Scenario.model_validate(copy.deepcopy(doc)))
    rows = sentences_of(c)
    about = {a for a, _ in rows}
    for construct, names in _uses(doc).items():
        for name in names:
            assert c.words.name(name) in about or name in about, (construct, name, rows)
    for _, text in rows:
        assert text[0].isupper() and text.endswith(".") and "{" not in text, text


def test_a_breakdown_hazard_that_changes_with_time_is_shown_not_a_crash():
    """The scenario tables and evidence rows described a breakdown hazard as a plain number (``describe``), so a
    hazard given as a shape in time (``weibull``, ``periods``) raised AttributeError and the Scenario tab and the
    report failed on it; it is now said in its shape's words."""
    from simulator.charts.scenario import evidence_rows

    doc = yaml.safe_load(PER_STEP.read_text(encoding="utf-8"))
    fm = next(lv for lv in doc["tracks"][1]["levels"] if lv["id"] == "fm_meeting")
    fm["breakdown"] = {"hazard": {"weibull": {"median_days": 200, "shape": 1.5}, "assumption": A}, "assumption": A}
    c = Compiled(Scenario.model_validate(doc))
    row = next(r for r in scenario_tables(c)[0][2] if r[1] == "Foreign ministers")
    assert "can break down: Weibull waiting time, median 200 days, shape 1.5" in row[-1]
    assert any(r["item"] == "breakdown of Foreign ministers" and r["value"].startswith("Weibull waiting time")
               for r in evidence_rows(c))


@pytest.mark.parametrize("which", ["per_step", "every"])
def test_the_scenario_tab_shows_the_sentences_in_their_own_section(which, tmp_path):
    """The dashboard's Scenario tab: a section of its own, after the calendar, whose rows are the sentences
    ``construct_sentences`` gives (no code names)."""
    pytest.importorskip("dash")
    from dashboards.context import Context
    from dashboards.scenario_view import scenario_panel

    path = PER_STEP if which == "per_step" else every_construct_yaml(tmp_path / "every.yaml")
    entry = Context(runs=10, seed=1).add("main", path.name, load(path))
    ids = [getattr(n, "id", None) for n in scenario_panel(entry)]
    section = "scenario-per-step--per-world-and-over-time"
    assert section in ids and ids.index(section) == ids.index("scenario-calendar") + 1
    shown = " | ".join(component_texts(scenario_panel(entry)[ids.index(section)]))
    said = construct_sentences(entry.compiled, describe)
    assert said and all(text in shown and about in shown for about, text in said)
