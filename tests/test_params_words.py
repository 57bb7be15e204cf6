"""`diplosim params` and validation speak plainly: full parameter names at any width, a single id asked for
where one is expected, items named by their id, and estimable equivalents only for numbers that have one."""

import datetime as dt
import json
import re

import yaml
from typer.testing import CliRunner

from simulator.cli import app

A = "Constructed for a test."
START = dt.date(2024, 1, 1)
LONG = "a_party_with_a_rather_long_identifier_as_some_authors_write_them"  # 64 characters, the most an id takes


def fixed(v):
    return {"value": v, "assumption": A}


def doc(actor="a", **changes):
    d = {
        "schema_version": 2,
        "metadata": {"title": "T", "description": "T", "as_of": START},
        "sources": [{"id": "s", "title": "t", "publisher": "p", "date": START}],
        "actors": [{"id": actor, "name": "A", "role": "party", "rule": "hazard",
                    "params": {"hazard": fixed(0.05), "acceptance": fixed(0.55)}},
                   {"id": "b", "name": "B", "role": "party", "rule": "hazard",
                    "params": {"hazard": fixed(0.05), "acceptance": fixed(0.55)}}],
        "milestones": [{"id": "talks", "name": "Talks", "kind": "meeting", "attendees": [actor, "b"],
                        "stakes": fixed(0.2), "assumption": A}],
        "calendar": {"start": START, "end": START + dt.timedelta(weeks=20),
                     "events": [{"id": "summit", "name": "Summit", "date": START + dt.timedelta(weeks=2),
                                 "assumption": A}]},
        "dynamics": {"pressure_decay": fixed(0.5), "sharpness": fixed(5.0)},
        "questions": [{"id": "q", "text": "?", "date_of": "talks"}],
    }
    d.update(changes)
    return d


def write(tmp_path, d):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")
    return path


def one_problem(tmp_path, d) -> str:
    path = write(tmp_path, d)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    m = re.fullmatch(rf"{re.escape(str(path))}:\d+:\d+: (.+)", lines[0])
    assert m, lines[0]
    return m[1]


def test_params_shows_full_names_on_a_wide_terminal(tmp_path):
    path = write(tmp_path, doc(actor=LONG))
    result = CliRunner().invoke(app, ["params", str(path)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    for short in ("hazard", "acceptance", "pressure_odds", "election_weeks"):
        assert f"{LONG}.{short} " in result.stdout
    assert "…" not in result.stdout


def test_params_never_cuts_a_name_on_a_narrow_terminal(tmp_path):
    path = write(tmp_path, doc(actor=LONG))
    result = CliRunner().invoke(app, ["params", str(path)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    first_cells = [line.split("│")[1].strip() for line in result.stdout.splitlines() if line.startswith("│")]
    assert f"{LONG}.acceptance" in "".join(first_cells)  # wrapped over lines, every character kept
    assert not any("…" in cell for cell in first_cells)


def test_a_date_question_on_several_milestones_names_the_wrong_member(tmp_path):
    d = doc(questions=[{"id": "q", "text": "?", "date_of": {"any": [{"held": "talks"}, "talks"]}}])
    assert one_problem(tmp_path, d) == "questions[0].date_of.any[0]: expected a single milestone id, not a mapping"


def test_a_count_of_a_list_says_how_to_name_several(tmp_path):
    d = doc(questions=[{"id": "q", "text": "?", "when": {"count": {"of": ["talks"], "at_least": 2}}}])
    assert one_problem(tmp_path, d) == ("questions[0].when.count.of: expected a single milestone id, or "
                                        "{any: [a, b]} for several")


def test_missing_provenance_names_the_item_by_its_id(tmp_path):
    d = doc()
    del d["calendar"]["events"][0]["assumption"]
    assert one_problem(tmp_path, d) == ("calendar.events[0]: give exactly one of 'evidence' (source + quote or "
                                        "note) or 'assumption' (for 'summit')")
    d = doc()
    del d["milestones"][0]["stakes"]["assumption"]
    assert one_problem(tmp_path, d) == ("milestones[0].stakes: give exactly one of 'evidence' (source + quote or "
                                        "note), 'assumption' or 'from_reference' (for 'talks.stakes')")
    d = doc()
    del d["actors"][1]["params"]["hazard"]["assumption"]
    assert one_problem(tmp_path, d) == ("actors[1].params.hazard: give exactly one of 'evidence' (source + quote "
                                        "or note), 'assumption' or 'from_reference' (for 'b.hazard')")


def test_a_chance_per_offer_has_no_waiting_time_equivalent(tmp_path):
    path = write(tmp_path, doc())
    rows = {r["name"]: r for r in json.loads(CliRunner().invoke(app, ["params", str(path), "--json"]).stdout)}
    assert rows["a.acceptance"]["unit"] == "chance_per_offer"
    assert rows["a.acceptance"]["estimable"] == ""  # not "100% within 90 days, median delay 6 days"
    assert rows["a.hazard"]["unit"] == "weekly_chance" and "within 90 days" in rows["a.hazard"]["estimable"]
    assert rows["a.pressure_odds"]["estimable"] == "odds x2"
    assert rows["talks.stakes"]["estimable"] == "" and rows["dynamics.sharpness"]["estimable"] == ""


def test_a_chance_per_offer_cannot_be_stated_as_a_chance_within_days(tmp_path):
    d = doc()
    d["actors"][0]["params"]["acceptance"] = {"chance_within": {"p": 0.5, "days": 30}, "assumption": A}
    assert one_problem(tmp_path, d) == (
        "actors[0].params.acceptance.chance_within: 'a.acceptance' is a chance per offer (each time a step is on "
        "the table), not a weekly chance: state it with 'value' (between 0 and 1)")


def test_a_chance_per_offer_is_still_a_chance_for_the_odds_constant_and_the_fragile_screen():
    from simulator.scenario.constants import columns
    from simulator.scenario.params import ParameterTable, chance_parameters, parameter_units
    from simulator.scenario.schema import Scenario

    sc = Scenario.model_validate(doc())
    table = ParameterTable(sc)
    cols = columns(table.names, parameter_units(sc), frozenset(a.id for a in sc.actors))
    assert {table.names[i] for i in cols["hazard_odds"]} == {"a.hazard", "a.acceptance", "b.hazard", "b.acceptance"}
    assert {"a.acceptance", "a.hazard"} <= chance_parameters(sc)
