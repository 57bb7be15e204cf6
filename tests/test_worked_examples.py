"""The worked examples of docs/architecture.md: a milestone kind (``Visit``) and a question kind (``DateAll``), each
added as one class in the language plus this test and a docs line. Nothing else had to know them: the run engines,
the record, the summaries, the typed answers, the charts and the words take them from their classes."""

import datetime as dt
import json

import numpy as np
import pyarrow as pa
import pytest
import yaml
from typer.testing import CliRunner

from simulator import layout as L
from simulator.cli import app
from simulator.compiled import Compiled
from simulator.lang.dates import to_day
from simulator.lang.milestones import MilestoneBase
from simulator.runner import run_replications
from simulator.scenario.schema import Scenario

A = "Constructed for a test."
START = dt.date(2024, 1, 1)


def fixed(v):
    return {"value": v, "assumption": A}


def party(ident, **params):
    willing = {"flexibility": fixed(0.3), "resolve": fixed(0.3), "pressure_sensitivity": fixed(0.5),
               "concession_rate": fixed(0.3), "initiative": fixed(0.4)}
    willing.update({k: fixed(v) for k, v in params.items()})
    return {"id": ident, "name": ident.upper(), "role": "party", "params": willing}


def doc(milestones, questions):
    return {
        "schema_version": 2,
        "metadata": {"title": "T", "description": "T", "as_of": START},
        "sources": [{"id": "s", "title": "t", "publisher": "p", "date": START}],
        "actors": [party("a"), party("b"), party("c")],
        "milestones": milestones,
        "calendar": {"start": START, "end": START + dt.timedelta(weeks=8)},
        "dynamics": {"pressure_decay": fixed(0.5), "sharpness": fixed(8.0)},
        "questions": questions,
    }


VISIT = {"id": "visit", "name": "A visits B", "kind": "visit", "visitor": "a", "host": "b", "stakes": fixed(0.1),
         "assumption": A}
TALKS = {"id": "talks", "name": "Talks", "kind": "meeting", "attendees": ["a", "b"], "stakes": fixed(0.1),
         "assumption": A}
STEP = {"id": "step", "name": "C steps back", "kind": "unilateral", "actor": "c", "stakes": fixed(0.1),
        "assumption": A}
ASKED = [{"id": "all_done", "text": "When have the visit, the talks and C's step all happened?",
          "date_all": ["visit", "talks", "step"]},
         {"id": "visit_date", "text": "When is the visit paid?", "date_of": "visit"}]


def compiled(milestones=(VISIT, TALKS, STEP), questions=ASKED) -> Compiled:
    return Compiled(Scenario.model_validate(doc(list(milestones), list(questions))))


def validate(tmp_path, data) -> list[str]:
    data["questions"] = data["questions"] or [{"id": "q", "text": "?", "date_of": data["milestones"][0]["id"]}]
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    return result.stderr.splitlines()


@pytest.fixture(scope="module")
def ran():
    c = compiled()
    runs, events = run_replications(c, 7, range(200), engine="batch", events_for=200)
    return c, runs, events


# ----------------------------------------------------------------------------- the milestone kind: a visit

def test_a_visit_needs_the_visitor_and_the_host_and_happens_on_both_engines(ran):
    c, runs, events = ran
    visit = c.milestone["visit"]
    assert visit.consenters() == ("a", "b") and visit.proposable
    never = L.to_numpy(runs.column(L.first("visit")))[1]
    assert never is not None and 0 < int((~never).sum()) < runs.num_rows  # it happens in some runs, not in all
    mesa, mesa_events = run_replications(c, 7, range(200), engine="mesa", events_for=200)
    assert mesa.equals(runs)
    assert mesa_events == events


def test_a_visit_speaks_and_is_drawn_in_its_own_words(ran):
    from simulator.charts.calendar import probability_over_calendar
    from simulator.charts.runs import pick_sample_runs, run_timelines
    from simulator.charts.scenario import scenario_tables
    from simulator.eventlog import sentence as event_sentence
    from simulator.lang.words import human_label

    c, runs, events = ran
    rows = [dict(zip(L.EVENT_COLUMNS, e)) for e in events]
    held = next(e for e in rows if e["kind"] == "held" and e["milestone"] == "visit")
    assert event_sentence(c, held["kind"], held["milestone"], held["actor"], held["detail"]) == \
        "The visit 'A visits B' was paid"
    assert human_label("visit.stakes", c) == "Stakes of the visit 'A visits B'"
    table = dict((t, rows) for t, _, rows in scenario_tables(c))["Milestones"]
    assert ["-", "A visits B", "visit", "A, B"] == table[0][:4]
    fig = probability_over_calendar(runs, c)
    assert "dash-dotted: visit" in fig.layout.legend.title.text
    assert next(t for t in fig.data if t.name == "A visits B").line.dash == "dashdot"
    table = pa.Table.from_pylist(rows)
    timeline = run_timelines(table, c, pick_sample_runs(runs, c, 2, table))
    marks = [t for t in timeline.data if t.name == "paid: A visits B"]
    assert marks and all(t.marker.symbol == "triangle-up" for t in marks)


def test_a_visit_is_refused_in_one_line_when_misused(tmp_path):
    own = validate(tmp_path, doc([{**VISIT, "host": "a"}], []))
    assert len(own) == 1 and own[0].split(":")[-2:] == [" milestones[0].host", " the visitor cannot be its own host"]
    unknown = validate(tmp_path, doc([{**VISIT, "visitor": "z"}], []))
    assert len(unknown) == 1 and "milestones[0].visitor: unknown actor 'z'" in unknown[0]
    missing = validate(tmp_path, doc([{k: v for k, v in VISIT.items() if k != "host"}], []))
    assert len(missing) == 1 and "milestones[0]" in missing[0] and "host" in missing[0]
    stray = validate(tmp_path, doc([{**VISIT, "attendees": ["a", "b"]}], []))
    assert len(stray) == 1 and "attendees" in stray[0]


def test_a_milestone_kind_must_say_its_words_and_marks():
    from typing import ClassVar, Literal

    with pytest.raises(TypeError, match="does not say its verb, dash, marker"):
        class Silent(MilestoneBase):  # noqa: F841
            kind_name: ClassVar[str] = "silent step"
            kind: Literal["silent"] = "silent"


# ----------------------------------------------------------------------------- the question kind: all of several

def test_date_all_is_the_last_of_the_first_dates(ran):
    c, runs, _ = ran

    def days(col):
        values, null = L.to_numpy(runs.column(col))
        values = values.astype(np.int64)
        return values if null is None else np.where(null, np.iinfo(np.int64).max, values)  # not by the end: last

    last = np.maximum.reduce([days(L.first(m)) for m in ("visit", "talks", "step")])
    asked = days(L.question("all_done"))
    assert np.array_equal(asked, last)
    done = asked < np.iinfo(np.int64).max
    assert 0 < done.sum() < runs.num_rows  # some runs finish the whole package, some do not


def test_date_all_is_summarised_worded_and_typed_as_a_date_answer(tmp_path):
    import simulator
    from simulator.answers import DateDistribution

    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(doc([VISIT, TALKS, STEP], ASKED), sort_keys=False), encoding="utf-8")
    fc = simulator.run(path, runs=200, seed=7)
    answer = fc["all_done"]
    assert isinstance(answer, DateDistribution)
    entry = next(q for q in fc.summary["questions"] if q["id"] == "all_done")
    visit = next(q for q in fc.summary["questions"] if q["id"] == "visit_date")
    assert entry["kind"] == "date" and entry["p"] <= visit["p"]  # all three by the end: no likelier than one
    assert str(answer).startswith("When have the visit, the talks and C's step all happened?: by the end in ")
    q = fc.compiled.questions[0]
    assert q.asks(fc.compiled.words) == "date by which all of A visits B, Talks and C steps back have happened"
    assert q.subjects(fc.compiled) == [("visit", True), ("talks", True), ("step", True)]
    res = CliRunner().invoke(app, ["run", str(path), "--runs", "200", "--seed", "7", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["questions"][0]["p"] == entry["p"]


def test_date_all_is_refused_in_one_line_when_misused(tmp_path):
    one = validate(tmp_path, doc([VISIT, TALKS], [{"id": "q", "text": "?", "date_all": ["visit"]}]))
    assert len(one) == 1 and "questions[0].date_all" in one[0] and "at least 2" in one[0]
    twice = validate(tmp_path, doc([VISIT, TALKS], [{"id": "q", "text": "?", "date_all": ["visit", "visit"]}]))
    assert len(twice) == 1 and "'visit' is named twice" in twice[0]
    unknown = validate(tmp_path, doc([VISIT, TALKS], [{"id": "q", "text": "?", "date_all": ["visit", "nope"]}]))
    assert len(unknown) == 1 and "questions[0].date_all[1]: unknown milestone or event 'nope'" in unknown[0]
    both = validate(tmp_path, doc([VISIT, TALKS], [{"id": "q", "text": "?", "date_all": ["visit", "talks"],
                                                     "date_of": "visit"}]))
    assert len(both) == 1 and "'date_all' (the date all of several have happened)" in both[0]


def test_date_all_is_scored_against_an_observed_date():
    c = compiled()
    q = c.questions[0]
    assert q.outcome_problem(["answer"]) == ("answer", "'all_done' is a date question: give 'date' (the date the "
                                                       "last of them first happened) or 'happened: false'")
    assert q.outcome_problem(["date"]) is None
    assert q.scale == "weeks" and to_day(START) == c.min_day
