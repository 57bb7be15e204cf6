"""Every kind says its own words and marks, and the readers ask it (issue 26): each kind of logged event has its
sentence, each calendar item its logged event and timeline mark, each milestone kind its noun, verb, line style and
mark, each question kind its subjects; a question's colour comes from its subjects, whatever its kind."""

import datetime as dt

from simulator import eventlog
from simulator.charts.palette import NEUTRAL, actor_colors, milestone_colors, question_color
from simulator.compiled import Compiled
from simulator.lang import calendar as cal
from simulator.lang.milestones import KINDS as MILESTONE_KINDS
from simulator.lang.questions import QuestionBase
from simulator.eventlog import sentence as event_sentence
from simulator.scenario.schema import Scenario

A = "Constructed for a test."
START = dt.date(2024, 1, 1)


def fixed(v):
    return {"value": v, "assumption": A}


def party(ident):
    params = {"flexibility": fixed(0.5), "resolve": fixed(0.3), "pressure_sensitivity": fixed(0.5),
              "concession_rate": fixed(0.3), "initiative": fixed(0.4)}
    return {"id": ident, "name": ident.upper(), "role": "party", "params": params}


def compiled(questions) -> Compiled:
    step = {"id": "step", "name": "A steps back", "kind": "unilateral", "actor": "a", "stakes": fixed(0.1),
            "assumption": A}
    talks = {"id": "talks", "name": "Talks", "kind": "meeting", "attendees": ["a", "b"], "stakes": fixed(0.1),
             "assumption": A}
    d = {"schema_version": 2, "metadata": {"title": "T", "description": "T", "as_of": START},
         "sources": [{"id": "s", "title": "t", "publisher": "p", "date": START}],
         "actors": [party("a"), party("b")], "milestones": [step, talks],
         "calendar": {"start": START, "end": START + dt.timedelta(weeks=20),
                      "elections": [{"id": "vote", "name": "Vote", "incumbent": "a", "challenger": "b",
                                     "round1": START + dt.timedelta(weeks=10), "base_win": fixed(0.5),
                                     "progress_effect": fixed(0.0), "assumption": A}]},
         "dynamics": {"pressure_decay": fixed(0.5), "sharpness": fixed(8.0)}, "questions": questions}
    return Compiled(Scenario.model_validate(d))


def test_every_kind_of_logged_event_has_its_sentence():
    unsaid = [k.name for k in eventlog.EVENT_KINDS.values() if k.says is None]
    assert unsaid == [], unsaid
    c = compiled([{"id": "q", "text": "?", "date_of": "talks"}])
    assert event_sentence(c, "held", "talks", "", "") == "The talks meeting was held"
    assert event_sentence(c, "proposed", "talks", "calendar:summit", "") == "Summit put the talks meeting on the table"
    assert event_sentence(c, "signed", "talks", "a", "") == "A signed the talks meeting"  # a plug-in's own kind


def test_every_calendar_item_on_the_timelines_logs_a_known_event_with_a_mark():
    for cls in cal.MARKED:
        assert cls.logged in eventlog.EVENT_KINDS, cls.__name__
        name, symbol, colour, words = cls.mark
        assert name and symbol and colour.startswith("#"), cls.__name__
    assert len({cls.logged for cls in cal.MARKED}) == len(cal.MARKED)


def test_every_milestone_kind_says_its_words_and_marks():
    for key, cls in MILESTONE_KINDS.items():
        assert cls.model_fields["kind"].default == key
        assert all(isinstance(getattr(cls, name), str) and getattr(cls, name)
                   for name in ("kind_name", "verb", "dash", "marker")), key
    assert len({cls.marker for cls in MILESTONE_KINDS.values()}) == len(MILESTONE_KINDS)
    assert len({cls.dash for cls in MILESTONE_KINDS.values()}) == len(MILESTONE_KINDS)


def test_a_question_kind_must_say_its_subjects():
    assert "subjects" in QuestionBase.__abstractmethods__


def test_a_question_takes_the_colour_of_its_first_subject_whatever_its_kind():
    c = compiled([{"id": "first", "text": "?", "date_of": {"any": ["talks", "step"]}},
                  {"id": "times", "text": "?", "count": {"any": ["step", "talks"]}},
                  {"id": "all", "text": "?", "date_all": ["talks", "step"]},
                  {"id": "won", "text": "?", "when": {"winner": {"election": "vote", "is": "b"}}},
                  {"id": "won_after", "text": "?", "when": {"all": [{"winner": {"election": "vote", "is": "b"}},
                                                                    {"held": "step"}]}},
                  {"id": "date", "text": "?", "when": {"after": "2024-02-01"}}])
    ms, actors = milestone_colors(c), actor_colors(c)
    colours = {q.id: question_color(q, c) for q in c.questions}
    assert colours == {"first": ms["talks"], "times": ms["step"], "all": ms["talks"], "won": actors["b"],
                       "won_after": ms["step"], "date": NEUTRAL}
