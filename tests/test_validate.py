"""`diplosim validate`: every kind of bad input gives exact one-line messages and exit status 2."""

import shutil

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.lang.conditions import KINDS as CONDITION_KINDS

from .conftest import ROOT, SEED_SCENARIO

SOURCE_TEXT = SEED_SCENARIO.read_text(encoding="utf-8")

# name: (text in the seed scenario, replacement, expected stderr after "<file>:")
CASES = {
    'malformed_yaml': ('  - id: syria\n', '  - id: syria: x\n', '24:14: yaml: mapping values are not allowed here'),
    'duplicate_key': ('  as_of: 2023-02-04\n', '  as_of: 2023-02-04\n  as_of: 2023-02-05\n', '12:3: yaml: found duplicate key "as_of" with value "2023-02-05" (original value: "2023-02-04")'),
    'unknown_key': ('    name: Syria (Damascus government)\n', '    name: Syria (Damascus government)\n    colour: red\n', '26:5: actors[0].colour: unknown field (allowed: id, name, label, role, rule, interests, params, leverage, alignment, enters, leaves, spread)'),
    'code_execution_tag': ('  title: Syria-Turkey', '  title: !!python/object/apply:os.system ["echo pwned"]\n  subtitle: Syria-Turkey', "6:3: metadata.title: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    'hindsight_source': ('    date: 2023-02-03\n', '    date: 2023-06-03\n', "19:5: sources[0].date: source dated 2023-06-03 is after the scenario's as_of date (2023-02-04): no hindsight"),
    'bad_distribution': ('        low: 0.15\n        high: 0.35\n', '        low: 0.35\n        high: 0.15\n', '32:7: actors[0].params.flexibility: low (0.35) must be below high (0.15)'),
    'out_of_range': ('      pressure_sensitivity:\n        value: 0.5\n', '      pressure_sensitivity:\n        value: 5\n', '74:7: actors[1].params.pressure_sensitivity: must lie within [0.0, 2.0] (got 5)'),
    'dangling_actor': ('    held_by: syria\n    before: fm_meeting\n', '    held_by: syrai\n    before: fm_meeting\n', "216:5: preconditions[0].held_by: unknown actor 'syrai' (known: iran, russia, syria, turkey, turkish_opposition)"),
    'dangling_milestone': ('        requires: {held: defence_ministers}\n', '        requires: {held: defense_ministers}\n', "184:20: tracks[1].levels[2].requires.held: unknown milestone 'defense_ministers' (known: defence_ministers, deputy_fm, fm_meeting, intelligence_chiefs, presidents, turkey_presence.statement_of_intent, turkey_presence.timetable, turkey_presence.withdrawal_start)"),
    'cycle': ('      - id: intelligence_chiefs\n        name: Intelligence chiefs\n', '      - id: intelligence_chiefs\n        name: Intelligence chiefs\n        requires: {held: presidents}\n', '154:9: tracks[0].levels[1].requires: prerequisite cycle (each must come before the next): intelligence_chiefs -> defence_ministers -> presidents -> intelligence_chiefs'),
    'self_cycle_via_precondition': ('    requires: {stage: {ladder: turkey_presence, at_least: timetable}}\n', '    requires: {held: presidents}\n', '231:5: preconditions[1].requires: prerequisite cycle (each must come before the next): presidents -> presidents'),
    'dates_out_of_order': ('    runoff: 2023-05-28\n', '    runoff: 2023-05-01\n', '294:5: calendar.elections[0].runoff: run-off (2023-05-01) must fall after round 1 (2023-05-14) and by the calendar end'),
    'quote_not_in_source': ('        value: 0.8\n        evidence: {source: alwatan, quote: "Moscow, an ally of Damascus"}', '        value: 0.8\n        evidence: {source: alwatan, quote: "Moscow, a close ally of Damascus"}', "106:37: actors[2].alignment.syria.evidence.quote: quote does not occur in the text of source 'alwatan'"),
    'missing_provenance': ('        assumption: Damascus sets conditions first, so its unpressed willingness is put low and uncertain.\n', '', "32:7: actors[0].params.flexibility: give exactly one of 'evidence' (source + quote or note), 'assumption' or 'from_reference' (for 'syria.flexibility')"),
    'wrong_type': ('  step_days: 7\n', '  step_days: weekly\n', "287:3: calendar.step_days: Input should be a valid integer, unable to parse string as an integer (got 'weekly')"),
    'unknown_condition': ('        requires: {held: defence_ministers}\n', '        requires: {sometime: defence_ministers}\n', '184:9: tracks[1].levels[2].requires: a condition is a mapping with one key, one of: ' + ', '.join(CONDITION_KINDS)),
    'unknown_date_name': ('    before: election.turkey.round1\n', '    before: election.turkey.round3\n', "357:5: questions[0].before: unknown date 'election.turkey.round3' (an ISO date, or one of: bogdanov_haji_consultations, defence_ministers, deputy_fm, election.turkey.round1, election.turkey.runoff, end, fm_meeting, intelligence_chiefs, presidents, security_incident, security_talks_mid_2023, start, turkey_presence.statement_of_intent, turkey_presence.timetable, turkey_presence.withdrawal_start)"),
    'window_ends_before_it_starts': ('      freezes: [security, political]\n', '      freezes: [security, political]\n      between: [2023-06-01, 2023-03-01]\n', '341:7: calendar.shocks[0].between: the window ends (2023-03-01) before it starts (2023-06-01)'),
    'unknown_stage': ('    requires: {stage: {ladder: turkey_presence, at_least: timetable}}\n', '    requires: {stage: {ladder: turkey_presence, at_least: timeline}}\n', "231:49: preconditions[1].requires.stage.at_least: unknown stage 'timeline' (known: none, statement_of_intent, timetable, withdrawal_start)"),
    'unknown_election_in_condition': ('    when: {winner: {election: turkey, is: turkey}}\n', '    when: {winner: {election: turkiye, is: turkey}}\n', "376:21: questions[5].when.winner.election: unknown election 'turkiye' (known: turkey)"),
    'rule_parameter_unknown': ('      urgency.ramp_weeks:\n        value: 14\n        assumption: Urgency builds', '      urgency.ramp:\n        value: 14\n        assumption: Urgency builds', "253:7: mediation[0].params.urgency.ramp: mediator rule 'deadline_pressure' has no parameter 'urgency.ramp' (it takes: urgency.base, urgency.peak, urgency.ramp_weeks, urgency.after_deadline)"),
    'deadline_missing': ('    deadline: election.turkey.round1\n    pushes:\n      - milestone: fm_meeting\n      - milestone: defence_ministers\n        when: {held: fm_meeting}\n      - milestone: presidents', '    pushes:\n      - milestone: fm_meeting\n      - milestone: defence_ministers\n        when: {held: fm_meeting}\n      - milestone: presidents', "236:5: mediation[0].deadline: rule 'deadline_pressure' works toward a deadline: give 'deadline' (a date, or a name such as bogdanov_haji_consultations, election.turkey.round1, election.turkey.runoff, end, security_talks_mid_2023, start), or a rule that needs none (even_handed)"),
    'calendar_before_as_of': ('history:\n  through: 2023-02-04  # the calendar starts on the Wednesday of the consultations, before as_of\n\n', '', "282:3: calendar.start: the calendar starts (2023-02-01) before as_of (2023-02-04): start on or after as_of, or record what happened up to as_of in 'history' (with 'through')"),
    'evidence_both_kinds': ('        evidence: {source: alwatan, quote: "Moscow, an ally of Damascus"}\n      turkey:', '        evidence: {source: alwatan, quote: "Moscow, an ally of Damascus", note: "Moscow backs Damascus."}\n      turkey:', "97:9: actors[2].leverage.syria.evidence: give exactly one of 'quote' (verbatim, checked) or 'note' (in your own words)"),
    'newline_in_value': ('  - id: syria\n', '  - id: "syr\\nia"\n', "24:5: actors[0].id: String should match pattern '^[a-z][a-z0-9_]*$' (got 'syr\\nia')"),
    'question_two_kinds': ('    date_of: fm_meeting\n', '    date_of: fm_meeting\n    count: fm_meeting\n', "377:5: questions[6]: a question has exactly one of 'when' (yes/no), 'date_of' (a date), 'count' (a number) or 'date_all' (the date all of several have happened)"),
    'occasion_date_and_hazard': ('  shocks:\n', '  occasions:\n    - id: summit\n      name: A summit\n      date: 2023-06-01\n      hazard: {value: 0.1, assumption: weekly chance of a summit}\n      actors: [syria, turkey]\n      assumption: A regional summit may bring both leaders together.\n  shocks:\n', "333:7: calendar.occasions[0]: give exactly one of 'date' or 'hazard' (weekly, within 'between')"),
    'commit_to_unknown': ('        requires: {held: defence_ministers}\n', '        requires: {held: defence_ministers}\n        commits: [{milestone: withdrawl, within_days: 30}]\n', "185:20: tracks[1].levels[2].commits[0].milestone: unknown milestone 'withdrawl' (known: defence_ministers, deputy_fm, fm_meeting, intelligence_chiefs, presidents, turkey_presence.statement_of_intent, turkey_presence.timetable, turkey_presence.withdrawal_start)"),
    'history_after_as_of': ('history:\n  through: 2023-02-04', 'history:\n  through: 2023-03-04', '282:3: history.through: history runs to 2023-03-04, after as_of (2023-02-04): no hindsight'),
    'breakdown_without_hazard_or_when': ('        requires: {held: defence_ministers}\n', '        requires: {held: defence_ministers}\n        breakdown: {assumption: summits can be undone}\n',
        "185:9: tracks[1].levels[2].breakdown: give a weekly 'hazard', a 'when' condition, or both"),  # exit 2
    'cost_for_an_actor_who_does_not_take_part': ('        requires: {held: defence_ministers}\n', '        requires: {held: defence_ministers}\n        costs: {russia: {value: 0.2, assumption: Moscow pays a little}}\n',
        "185:17: tracks[1].levels[2].costs.russia: 'russia' does not take part in 'presidents' (it needs: syria, turkey)"),  # exit 2
    'occasion_with_unknown_actor': ('  shocks:\n', '  occasions:\n    - id: summit\n      name: A summit\n      date: 2023-06-01\n      actors: [syria, turkiye]\n      assumption: A regional summit may bring both leaders together.\n  shocks:\n',
        "336:23: calendar.occasions[0].actors[1]: unknown actor 'turkiye' (known: iran, russia, syria, turkey, turkish_opposition)"),  # exit 2
    'history_event_that_is_nothing': ('  through: 2023-02-04', '  through: 2023-02-04\n  events:\n    - {event: earlier_talks, date: 2023-01-10, assumption: There were earlier contacts.}',
        "284:8: history.events[0].event: 'earlier_talks' is not an event, shock or occasion of the calendar: give it a 'name' to record it as an event of its own"),  # exit 2
    'precondition_on_unknown_milestone': ('    held_by: syria\n    before: fm_meeting\n', '    held_by: syria\n    before: fm_meting\n',
        "217:5: preconditions[0].before: unknown milestone 'fm_meting' (known: defence_ministers, deputy_fm, fm_meeting, intelligence_chiefs, presidents, turkey_presence.statement_of_intent, turkey_presence.timetable, turkey_presence.withdrawal_start)"),  # exit 2
    'push_condition_unknown': ('      - milestone: presidents\n        when: {held: fm_meeting}', '      - milestone: presidents\n        when: {held: fm_meting}',
        "245:16: mediation[0].pushes[2].when.held: unknown milestone 'fm_meting' (known: defence_ministers, deputy_fm, fm_meeting, intelligence_chiefs, presidents, turkey_presence.statement_of_intent, turkey_presence.timetable, turkey_presence.withdrawal_start)"),  # exit 2
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


@pytest.mark.parametrize("old,new,expected", [
    ("    when: {winner: {election: turkey, is: turkey}}\n", "    when: {winner: {election: turkey, is: turkey, colour: red}}\n",
     "376:51: questions[5].when.winner.colour: unknown field (allowed: election, is)"),
    ("    date_of: fm_meeting\n", "    date_of: fm_meeting\n    colour: red\n",
     "380:5: questions[6].colour: unknown field (allowed: id, text, date_of)"),
])
def test_an_unknown_field_inside_a_condition_or_question_lists_the_allowed_ones(old, new, expected, tmp_path):
    path = _write(tmp_path, SOURCE_TEXT.replace(old, new, 1))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"{path}:{expected}\n"


def test_seed_scenario_is_valid():
    result = CliRunner().invoke(app, ["validate", str(SEED_SCENARIO)])
    assert result.exit_code == 0, result.output
    assert "ok (schema 2; 5 actors; 5 meetings, 3 unilateral steps; 7 questions" in result.stdout


def test_a_version_1_file_still_loads_and_migrates_to_the_same_scenario():
    from simulator.scenario import load

    v1 = load(ROOT / "tests" / "data" / "syria_turkey_2023_v1.yaml").scenario
    v2 = load(SEED_SCENARIO).scenario
    assert [m.id for m, _ in v1.all_milestones] == [m.id for m, _ in v2.all_milestones]
    assert [q.id for q in v1.questions] == [q.id for q in v2.questions]
    result = CliRunner().invoke(app, ["migrate", str(ROOT / "tests" / "data" / "syria_turkey_2023_v1.yaml")])
    assert result.exit_code == 0 and result.stdout.startswith("schema_version: 3")
    assert "pressure_scope: actor" in result.stdout  # version 1 and 2's meaning, stated


def test_a_version_2_file_keeps_its_meaning_and_migrates_to_version_3_with_the_same_runs(tmp_path):
    """Version 3 changed one default (a mediator's pressure acts on the steps it is about). A version-2 file is
    read with version 2's default, so a frozen scenario runs as before; `migrate` states that default, so the
    version-3 copy gives the same records bit for bit, and the same copy without it differs."""
    from simulator.compiled import Compiled
    from simulator.runner import run_replications
    from simulator.scenario import load

    result = CliRunner().invoke(app, ["migrate", str(SEED_SCENARIO)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("schema_version: 3") and "pressure_scope: actor" in result.stdout
    (tmp_path / "sources").mkdir()
    for f in (SEED_SCENARIO.parent / "sources").iterdir():
        (tmp_path / "sources" / f.name).write_bytes(f.read_bytes())
    v3 = tmp_path / "v3.yaml"
    v3.write_text(result.stdout, encoding="utf-8")
    steps = tmp_path / "steps.yaml"
    steps.write_text(result.stdout.replace("  pressure_scope: actor\n", ""), encoding="utf-8")

    def records(path):
        sc = load(path).scenario
        return run_replications(Compiled(sc), 3, list(range(300)), engine="batch")[0]

    old = records(SEED_SCENARIO)
    assert load(SEED_SCENARIO).scenario.pressure_scope == "actor"
    assert load(v3).scenario.pressure_scope == "actor" and records(v3).equals(old)
    assert load(steps).scenario.pressure_scope == "steps" and not records(steps).equals(old)


def test_an_unknown_schema_version_is_one_line(tmp_path):
    path = _write(tmp_path, SOURCE_TEXT.replace("schema_version: 2", "schema_version: 4", 1))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("schema_version: must be 3 (or 2 or 1 for an older file), got 4")


def test_a_quote_needs_a_source_text(tmp_path):
    path = _write(tmp_path, SOURCE_TEXT.replace("    file: sources/alwatan_2023-02_quartet.txt\n", "", 1))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines and all("has no local text to check a quote against" in line for line in lines)


def test_every_corpus_scenario_validates():
    files = sorted((ROOT / "scenarios").glob("*.yaml"))  # scenarios and their observed-outcomes files
    assert len(files) >= 5
    result = CliRunner().invoke(app, ["validate", *map(str, files)])
    assert result.exit_code == 0, result.output


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


# estimable units (lang/estimable.py): a chance outside [0, 1], an empty window, a negative multiplier, a
# unit the parameter does not have -> one line naming file:line:col and the field, exit 2
ESTIMABLE = '      initiative:\n        value: 0.01\n'


@pytest.mark.parametrize("new,expected", [
    ('      initiative:\n        chance_within: {p: 1.5, days: 90}\n',
     "52:9: actors[0].params.initiative.chance_within: chance_within.p must lie within [0, 1] (got 1.5)"),
    ('      initiative:\n        chance_within: {p: 0.5, days: 0}\n',
     "52:9: actors[0].params.initiative.chance_within: chance_within.days must be a positive number of days "
     "(got 0)"),
    ('      initiative:\n        median_delay_days: -30\n',
     "52:9: actors[0].params.initiative.median_delay_days: Input should be greater than 0 (got -30)"),
    ('      initiative:\n        odds_multiplier: -2\n',
     "52:9: actors[0].params.initiative.odds_multiplier: Input should be greater than or equal to 0 (got -2)"),
    ('      initiative:\n        odds_multiplier: 0.5\n',
     "52:9: actors[0].params.initiative.odds_multiplier: 'syria.initiative' is a weekly chance, not an odds "
     "multiplier: state it with 'chance_within' or 'median_delay_days' or 'value'"),
    (('      pressure_sensitivity:\n        value: 0.5\n',
      '      pressure_sensitivity:\n        odds_multiplier: 0.5\n'),
     "75:9: actors[1].params.pressure_sensitivity.odds_multiplier: 'turkey.pressure_sensitivity' is not a weekly "
     "chance or an odds multiplier: give 'value' or a distribution (see `diplosim params`)"),
    ('      initiative:\n        chance_within: {p: 0.3, days: 60}\n        value: 0.2\n',
     "51:7: actors[0].params.initiative: 'chance_within' sets value to 0.0407582; do not give 'value' as well"),
])
def test_bad_estimable_units_are_one_line_with_status_2(new, expected, tmp_path):
    old = ESTIMABLE
    if isinstance(new, tuple):  # (old, new): another parameter than syria.initiative
        old, new = new
    assert SOURCE_TEXT.count(old) == 1
    path = _write(tmp_path, SOURCE_TEXT.replace(old, new, 1))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"{path}:{expected}\n"


def test_a_weekly_chance_can_be_stated_as_a_chance_within_a_window_or_a_median_delay(tmp_path):
    import json

    for form in ('chance_within: {p: 0.5, days: 70}', 'median_delay_days: 70'):
        value = 1 - 0.5 ** 0.1  # half the time within 70 days = 10 weeks
        path = _write(tmp_path, SOURCE_TEXT.replace(ESTIMABLE, f'      initiative:\n        {form}\n', 1))
        assert CliRunner().invoke(app, ["validate", str(path)]).exit_code == 0
        rows = {r["name"]: r for r in json.loads(CliRunner().invoke(app, ["params", str(path), "--json"]).stdout)}
        row = rows["syria.initiative"]
        assert row["low"] == pytest.approx(value) and row["unit"] == "weekly_chance"
        assert "median delay 70 days" in row["estimable"] and row["stated_as"]


def test_pressure_that_would_grow_by_itself_is_refused_in_one_line(tmp_path):
    """A weekly pressure decay above 1 would make pressure grow with no one pressing (and the fragile screen
    could push 0.95 past 1): it is checked against [0, 1] like any number, in one line."""
    old = "  pressure_decay:\n    value: 0.5\n"
    assert SOURCE_TEXT.count(old) == 1
    path = _write(tmp_path, SOURCE_TEXT.replace(old, "  pressure_decay:\n    value: 1.05\n", 1))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"{path}:346:3: dynamics.pressure_decay: must lie within [0.0, 1.0] (got 1.05)\n"
