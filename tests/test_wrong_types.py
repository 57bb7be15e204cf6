"""A value of the wrong type where the loader picks a kind or looks a name up (milestone kinds, condition kinds,
question kinds, calendar items, rules by name, effect ops, distributions, ...): one line, exit 2, no traceback."""

import re
import shutil

import pytest
from typer.testing import CliRunner

from simulator.cli import app

from .conftest import ROOT, SEED_SCENARIO

SOURCE_TEXT = SEED_SCENARIO.read_text(encoding="utf-8")
EXTRA_MEETING = ("tracks:\n", "milestones:\n  - id: extra\n    name: Extra\n    kind: {}\n    attendees: [syria, turkey]\n"
                 "    stakes: {{value: 0.1, assumption: a small cost}}\n    assumption: an extra meeting\ntracks:\n")

# name: (text in the seed scenario, the same with {} where the wrong value goes, field the error must name)
PLACES = {
    "milestone kind": (*EXTRA_MEETING, "milestones[0]"),
    "condition kind": ("        requires: {held: defence_ministers}\n", "        requires: {}\n",
                       "tracks[1].levels[2].requires"),
    "condition inside all": ("    when: {winner: {election: turkey, is: turkey}}\n",
                             "    when: {{all: [{}]}}\n", "questions[5].when.all[0]"),
    "condition's milestone": ("        requires: {held: defence_ministers}\n", "        requires: {{held: {}}}\n",
                              "tracks[1].levels[2].requires.held"),
    "question kind (date_of)": ("    date_of: fm_meeting\n", "    date_of: {}\n", "questions[6].date_of"),
    "question": ("questions:\n", "questions:\n  - {}\n", "questions[0]"),
    "calendar item (shock)": ("  shocks:\n", "  occasions:\n    - {}\n  shocks:\n", "calendar.occasions[0]"),
    "calendar event date": ("      date: 2023-02-01\n", "      date: {}\n", "calendar.events[0].date"),
    "party rule by name": ("    rule: threshold\n", "    rule: {}\n", "actors[0].rule"),
    "mediator rule by name": ("    rule: deadline_pressure\n", "    rule: {}\n", "mediation[0].rule"),
    "effect op": ("        op: add\n        value: 0.05\n", "        op: {}\n        value: 0.05\n",
                  "calendar.elections[0].after_win[0].op"),
    "effect param": ("      - param: turkey.flexibility\n", "      - param: {}\n",
                     "calendar.elections[0].after_win[0].param"),
    "distribution": ("        dist: uniform\n", "        dist: {}\n", "actors[0].params.flexibility.dist"),
    "precondition kind": ("    kind: soft\n", "    kind: {}\n", "preconditions[0].kind"),
    "actor role": ("    role: party\n", "    role: {}\n", "actors[0].role"),
    "schema version": ("schema_version: 2\n", "schema_version: {}\n", "schema_version"),
    "date by name": ("    before: election.turkey.round1\n", "    before: {}\n", "questions[0].before"),
    "defaults file": ("questions:\n", "defaults: {}\nquestions:\n", "defaults"),
    "reference class": ("        dist: uniform\n", "        from_reference: {}\n        dist: uniform\n",
                        "actors[0].params.flexibility.from_reference"),
}
WRONG = {"mapping": "{x: 1}", "list": "[meeting, 2]", "number": "7"}  # 7: no schema version, kind or name


def _write(tmp_path, text):
    (tmp_path / "sources").mkdir(exist_ok=True)
    shutil.copy(ROOT / "scenarios" / "sources" / "alwatan_2023-02_quartet.txt", tmp_path / "sources")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("wrong", sorted(WRONG))
@pytest.mark.parametrize("place", sorted(PLACES))
def test_a_wrong_type_where_a_kind_or_name_is_looked_up_is_one_line(place, wrong, tmp_path):
    old, new, field = PLACES[place]
    assert SOURCE_TEXT.count(old) >= 1, "fixture drifted from the seed scenario"
    path = _write(tmp_path, SOURCE_TEXT.replace(old, new.format(WRONG[wrong]), 1))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines, result.output
    for line in lines:  # one line per problem (a mapping in place of an item may lack several fields)
        m = re.fullmatch(rf"{re.escape(str(path))}:(\d+):(\d+): (\S+): (.+)", line)
        assert m, line
        assert m[3] == field or m[3].startswith((field + ".", field + "[")), line
    if wrong != "mapping":
        assert len(lines) == 1, result.stderr


def test_a_milestone_kind_that_is_a_mapping_says_which_kinds_there_are(tmp_path):
    text = SOURCE_TEXT.replace(EXTRA_MEETING[0], EXTRA_MEETING[1].format("{x: 1}"), 1)
    line = text.splitlines().index("  - id: extra") + 1
    path = _write(tmp_path, text)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"{path}:{line}:5: milestones[0]: 'kind' is one of: meeting, joint, unilateral, visit\n"


# an explicit YAML tag that does not fit its value: ruamel's constructors raised (found by tests/test_loader_fuzz.py)
TAGGED = {
    "!!int": ("  title: !!int Syria-Turkey", "6:10: yaml: YAML tag '!!int' does not fit its value "
              "('Syria-Turkey rapprochement before the 2023 Turkish elections'): remove the tag"),
    "!!float": ("  title: !!float Syria-Turkey", "6:10: yaml: YAML tag '!!float' does not fit its value "
                "('Syria-Turkey rapprochement before the 2023 Turkish elections'): remove the tag"),
    "!!bool": ("  title: !!bool Syria-Turkey", "6:10: yaml: YAML tag '!!bool' does not fit its value "
               "('Syria-Turkey rapprochement before the 2023 Turkish elections'): remove the tag"),
    "!!set": ("  title: !!set Syria-Turkey", "6:10: yaml: YAML tag '!!set' does not fit its value "
              "('Syria-Turkey rapprochement before the 2023 Turkish elections'): remove the tag"),
}


@pytest.mark.parametrize("tag", sorted(TAGGED))
def test_a_yaml_tag_that_does_not_fit_its_value_is_one_line(tag, tmp_path):
    new, expected = TAGGED[tag]
    path = _write(tmp_path, SOURCE_TEXT.replace("  title: Syria-Turkey", new, 1))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2
    assert result.stderr == f"{path}:{expected}\n"


# an infinite or not-a-number value validated and then ran as NaN draws or NaN changes (a beta's shape a: .inf, an
# effect adding .nan to a number with no range): refused in one line wherever a number is read
NOT_FINITE = {
    "beta shape": ("        dist: uniform\n        low: 0.15\n        high: 0.35\n",
                   "        dist: beta\n        a: {}\n        b: 2\n", "actors[0].params.flexibility.a"),
    "effect value": ("        op: add\n        value: 0.05\n", "        op: add\n        value: {}\n",
                     "calendar.elections[0].after_win[0].value"),
    "fixed value": ("      pressure_sensitivity:\n        value: 0.5\n", "      pressure_sensitivity:\n        value: {}\n",
                    "actors[1].params.pressure_sensitivity"),
}


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan"])
@pytest.mark.parametrize("place", sorted(NOT_FINITE))
def test_a_number_that_is_not_finite_is_one_line(place, value, tmp_path):
    old, new, field = NOT_FINITE[place]
    assert SOURCE_TEXT.count(old) >= 1, "fixture drifted from the seed scenario"
    path = _write(tmp_path, SOURCE_TEXT.replace(old, new.format(value), 1))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and re.fullmatch(rf"{re.escape(str(path))}:\d+:\d+: {re.escape(field)}(\.\w+)?: "
                                            r".*(finite|greater than 0).*", lines[0]), result.stderr
