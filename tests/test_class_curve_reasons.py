"""Why a step on its class curve was postponed: its class curve's chance did not come up that week, which is no
actor's refusal. "Why postponed" (explain, the summary's blockers, the postponement chart) and the event log's
sentences say so in words ("not yet: comparable steps take time (class curve)") instead of "A declined"; both
engines give identical records and event logs; a step with a stated pace still says "A declined"."""

import pytest

from simulator import eventlog
from simulator.compiled import Compiled
from simulator.scenario.schema import Scenario
from tests.synthetic import engines_agree

from .test_pace import doc, fixed, meeting

NOT_YET = "not yet: comparable steps take time (class curve)"


def classed(**kw):
    """A meeting classed as a round of talks with no pace (it follows its class curve), and nothing else."""
    return doc(7, [meeting(**{"class": "talks_round"}, **kw)], days=200)


def stated():
    """The same meeting with a stated pace: b accepts with a weekly chance of 0.1."""
    sure = {"propose": fixed(1.0), "accept": fixed(1.0)}
    return doc(7, [meeting(pace={"a": sure, "b": {"accept": fixed(0.1)}})], days=200)


def blocked_sentences(d, runs=30):
    batch, events = engines_agree(d, runs=runs)  # both engines: the same records and event logs, run by run
    c = Compiled(Scenario.model_validate(d))
    return c, batch, [eventlog.sentence(c, kind, ms, ac, det, k)
                      for (p, rep, k, date, kind, tr, ms, ac, det) in events if kind == "blocked"]


def test_the_event_log_says_the_class_curve_did_not_come_up_not_that_an_actor_declined():
    c, _, said = blocked_sentences(classed())
    assert said, "the curve's weekly chance is below 1: some weeks it does not come up"
    assert all(NOT_YET in s for s in said), said[:3]
    assert not any("declined" in s for s in said), said[:3]


def test_a_stated_pace_still_says_the_actor_declined():
    _, _, said = blocked_sentences(stated())
    assert said and all(s.endswith("B declined") for s in said), said[:3]


@pytest.mark.parametrize("make,words,not_words", [(classed, NOT_YET, "declined"), (stated, "B declined", NOT_YET)])
def test_why_postponed_says_it_in_explain_the_summary_and_the_chart(tmp_path, make, words, not_words):
    import simulator
    from simulator.charts.runs import postponement_reasons
    from tests.synthetic import write_yaml

    forecast = simulator.run(write_yaml(make()), runs=200, seed=2, events=200)
    level = simulator.explain(forecast)["levels"][0]
    texts = [b["text"] for b in level["blocked_by"]]
    assert texts and all(words in t for t in texts) and not any(not_words in t for t in texts), texts
    summary = forecast.summary
    blockers = [b for m in summary["milestones"] for b in m["blockers"]]
    assert blockers and all(words in b["text"] for b in blockers), blockers
    fig = postponement_reasons(summary, forecast.compiled)
    names = [t.name for t in fig.data if t.name != "other reasons"]
    assert names and all(words in n for n in names), names
