"""`diplosim validate`: every kind of bad input gives exact one-line messages and exit status 2."""

import shutil

import pytest
from typer.testing import CliRunner

from simulator.cli import app

from .conftest import ROOT, SEED_SCENARIO

SOURCE_TEXT = SEED_SCENARIO.read_text(encoding="utf-8")

# name: (text in the seed scenario, replacement, expected stderr after "<file>:")
CASES = {
    "malformed_yaml": ("  - id: syria\n", "  - id: syria: x\n",
                       "23:14: yaml: mapping values are not allowed here"),
    "duplicate_key": ("  as_of: 2023-02-04\n", "  as_of: 2023-02-04\n  as_of: 2023-02-05\n",
                      '12:3: yaml: found duplicate key "as_of" with value "2023-02-05" (original value: "2023-02-04")'),
    "unknown_key": ("    name: Syria (Damascus government)\n",
                    "    name: Syria (Damascus government)\n    colour: red\n",
                    "25:5: actors[0].colour: unknown field"),
    "wrong_type": ("  step_days: 7\n", "  step_days: weekly\n",
                   "283:3: calendar.step_days: Input should be a valid integer, unable to parse string as an integer"),
    "dangling_actor": ("    demanded_by: syria\n    before: fm_meeting\n", "    demanded_by: syrai\n    before: fm_meeting\n",
                       "215:5: preconditions[0].demanded_by: unknown actor 'syrai' "
                       "(known: iran, russia, syria, turkey, turkish_opposition)"),
    "dangling_level": ("        requires: [defence_ministers]\n", "        requires: [defense_ministers]\n",
                       "183:20: tracks[1].levels[2].requires[0]: unknown meeting level 'defense_ministers' "
                       "(known: defence_ministers, deputy_fm, fm_meeting, intelligence_chiefs, presidents)"),
    "cycle": ("      - id: intelligence_chiefs\n        name: Intelligence chiefs\n",
              "      - id: intelligence_chiefs\n        name: Intelligence chiefs\n        requires: [presidents]\n",
              "153:9: tracks[0].levels[1].id: prerequisite cycle (each must come before the next): "
              "intelligence_chiefs -> defence_ministers -> presidents -> intelligence_chiefs"),
    "self_cycle_via_precondition": ("    requires: {concession: turkey_presence, stage: timetable}\n",
                                    "    requires: {meeting: presidents}\n",
                                    "230:16: preconditions[1].requires.meeting: prerequisite cycle "
                                    "(each must come before the next): presidents -> presidents"),
    "dates_out_of_order": ("    runoff: 2023-05-28\n", "    runoff: 2023-05-01\n",
                           "289:5: calendar.election.runoff: run-off (2023-05-01) must fall after round 1 "
                           "(2023-05-14) and by the calendar end"),
    "quote_not_in_source": (
        '        value: 0.8\n        evidence: {source: alwatan, quote: "Moscow, an ally of Damascus"}',
        '        value: 0.8\n        evidence: {source: alwatan, quote: "Moscow, a close ally of Damascus"}',
        "105:37: actors[2].alignment.syria.evidence.quote: quote does not occur in source 'alwatan'"),
    "code_execution_tag": ("  title: Syria-Turkey",
                           '  title: !!python/object/apply:os.system ["echo pwned"]\n  subtitle: Syria-Turkey',
                           "6:3: metadata.title: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' "
                           "is not allowed"),
    "missing_provenance": (
        "        assumption: Damascus sets conditions first, so its unpressed willingness is put low and uncertain.\n",
        "", "31:7: actors[0].params.flexibility: give exactly one of 'evidence' (source + quote) or 'assumption'"),
    "hindsight_source": ("    date: 2023-02-03\n", "    date: 2023-06-03\n",
                         "18:5: sources[0].date: source dated 2023-06-03 is after the scenario's as_of date "
                         "(2023-02-04): no hindsight"),
    "bad_distribution": ("        low: 0.15\n        high: 0.35\n", "        low: 0.35\n        high: 0.15\n",
                         "31:7: actors[0].params.flexibility: low (0.35) must be below high (0.15)"),
    "out_of_range": ("      pressure_sensitivity:\n        value: 0.5\n", "      pressure_sensitivity:\n        value: 5\n",
                     "73:7: actors[1].params.pressure_sensitivity: must lie within [0.0, 2.0] (got 5)"),
}


def _write(tmp_path, text):
    (tmp_path / "sources").mkdir(exist_ok=True)
    shutil.copy(ROOT / "scenarios" / "sources" / "alwatan_2023-02_quartet.txt", tmp_path / "sources")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_exact_line_with_status_2(case, tmp_path):
    old, new, expected = CASES[case]
    assert SOURCE_TEXT.count(old) >= 1, "fixture drifted from the seed scenario"
    path = _write(tmp_path, SOURCE_TEXT.replace(old, new, 1))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"{path}:{expected}\n"
    assert "Traceback" not in result.output


def test_seed_scenario_is_valid():
    result = CliRunner().invoke(app, ["validate", str(SEED_SCENARIO)])
    assert result.exit_code == 0, result.output
    assert "ok (5 actors, 5 meeting levels, 7 questions" in result.stdout


def test_several_problems_are_all_reported(tmp_path):
    text = SOURCE_TEXT.replace("  step_days: 7\n", "  step_days: weekly\n").replace(
        "    name: Syria (Damascus government)\n", "    name: Syria (Damascus government)\n    colour: red\n")
    path = _write(tmp_path, text)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"{path}:") for line in lines)


def test_missing_and_empty_files(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    result = CliRunner().invoke(app, ["validate", str(tmp_path / "nope.yaml"), str(empty)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"{tmp_path / 'nope.yaml'}:0:0: file: no such file",
                                          f"{empty}:1:1: (document): a scenario is a YAML mapping"]


def test_quotes_match_despite_typographic_quotes_and_whitespace(tmp_path):
    # The source has a typographic apostrophe in "Syria’s"; a straight one and a line break must still match.
    old = 'quote: "Russia understands Syria’s position on calling for Turkish steps before any development in relations"'
    new = 'quote: "Russia understands Syria\'s position on calling for Turkish steps before any\n          development in relations"'
    assert old in SOURCE_TEXT
    path = _write(tmp_path, SOURCE_TEXT.replace(old, new, 1))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output


def test_schema_command_prints_json_schema():
    import json

    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert "actors" in schema["properties"] and "calendar" in schema["properties"]
