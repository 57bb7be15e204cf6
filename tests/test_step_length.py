"""Time units at any step length (issue 21, fault 1): a weekly chance, a chance within D days, a median delay,
a shock's freeze in weeks and a mediator's pressure mean the same at ``calendar.step_days`` 1, 7 and 14.

Before the fix a weekly chance was asked once per step, so at daily steps a median delay of 120 days came
after about 16 days. Each test here states a closed form and checks both engines against it.
"""

import datetime as dt
import math

import numpy as np
import pytest

from simulator import layout as L
from simulator.compiled import Compiled
from simulator.draws import per_step
from simulator.lang.estimable import hazard_from_median
from simulator.runner import run_replications
from simulator.scenario.schema import Scenario
from simulator.scenario.semantics import check

A = "Constructed for a test."
START = dt.date(2024, 1, 1)
RUNS = 4000


def fixed(v):
    return {"value": v, "assumption": A}


def hazard_party(pid, hazard, acceptance=1.0):
    return {"id": pid, "name": pid.upper(), "role": "party", "rule": "hazard",
            "params": {"hazard": hazard, "acceptance": fixed(acceptance),
                       "pressure_odds": fixed(1.0), "stakes_odds": fixed(1.0), "election_odds": fixed(1.0),
                       "election_weeks": fixed(0.0)}}


def doc(step_days, milestones, actors, days=364, **parts):
    d = {
        "schema_version": 2,
        "metadata": {"title": "T", "description": "T", "as_of": START},
        "sources": [{"id": "s", "title": "t", "publisher": "p", "date": START}],
        "actors": actors if len(actors) > 1 else actors + [hazard_party("other", fixed(0.0))],
        "milestones": milestones,
        "calendar": {"start": START, "end": START + dt.timedelta(days=days), "step_days": step_days},
        "dynamics": {"pressure_decay": fixed(0.5), "sharpness": fixed(8.0)},
        "questions": [{"id": "when", "text": "When?", "date_of": milestones[0]["id"]}],
    }
    for key, value in parts.items():
        if key == "calendar":
            d["calendar"].update(value)
        else:
            d[key] = value
    return d


def days_until(d, runs=RUNS, engine="batch", column=None):
    sc = Scenario.model_validate(d)
    assert check(sc, None, check_sources=False) == []
    c = Compiled(sc)
    table, _ = run_replications(c, 7, list(range(runs)), engine=engine)
    dates = table.column(column or L.first(d["milestones"][0]["id"])).to_pylist()
    never = 10 ** 9
    return np.array([never if x is None else (x - START).days for x in dates])


def act(mid="step", actor="a", **kw):
    return {"id": mid, "kind": "unilateral", "name": "Step", "actor": actor, "stakes": fixed(0.0),
            "assumption": A, **kw}


def mc_bound(p, n=RUNS):
    """Five standard errors of a share p in n runs (a false alarm about once in 3.5 million)."""
    return 5 * math.sqrt(max(p * (1 - p), 1e-4) / n)


@pytest.mark.parametrize("step_days", [1, 7, 14])
def test_a_median_delay_is_the_median_at_any_step_length(step_days):
    d = doc(step_days, [act()], [hazard_party("a", {"median_delay_days": 120, "assumption": A})])
    t = days_until(d)
    # a step taken in a step is dated on its first day: the share by day 120 is at least the chance within
    # 120 days and at most the chance within 120 + step_days - 1 days
    share = (t <= 120).mean()
    h = hazard_from_median(120)
    lo, hi = 0.5, 1 - (1 - h) ** ((120 + step_days) / 7)
    assert lo - mc_bound(0.5) <= share <= hi + mc_bound(0.5), (step_days, share)


@pytest.mark.parametrize("step_days", [1, 7, 14])
@pytest.mark.parametrize("p, days", [(0.3, 30), (0.6, 91), (0.9, 182)])
def test_a_chance_within_d_days_happens_by_day_d_in_p_of_runs(step_days, p, days):
    d = doc(step_days, [act()], [hazard_party("a", {"chance_within": {"p": p, "days": days}, "assumption": A})])
    t = days_until(d, runs=2000)
    # a step taken in a step is dated on its first day, so "before day D" counts ceil(D / step) whole steps
    share_by_end_of_window = (t < days).mean()
    exact = 1 - (1 - p) ** (math.ceil(days / step_days) * step_days / days)
    assert abs(share_by_end_of_window - exact) <= mc_bound(exact, 2000), (step_days, share_by_end_of_window, exact)


def test_daily_steps_agree_with_the_mesa_model():
    d = doc(1, [act()], [hazard_party("a", {"median_delay_days": 20, "assumption": A})], days=60)
    assert (days_until(d, runs=40, engine="mesa") == days_until(d, runs=40, engine="batch")).all()


@pytest.mark.parametrize("step_days", [1, 7, 14, 21])
def test_a_meeting_proposed_and_accepted_keeps_its_weekly_pace(step_days):
    """A meeting a proposes with weekly chance h and b accepts with weekly chance q while it lies on the table.

    An offer lies on the table for a week; at weekly steps the meeting's weekly chance is h q. At daily steps the
    offer is made with daily chance 1 - (1-h)^(1/7) and is accepted within its week with chance q; the pace
    differs from the weekly one only by the week an offer waits for an answer (relative error below h)."""
    h, q = 0.1, 0.5
    meeting = {"id": "talks", "kind": "meeting", "name": "Talks", "attendees": ["a", "b"], "stakes": fixed(0.0),
               "assumption": A}
    actors = [hazard_party("a", fixed(h), acceptance=1.0), hazard_party("b", fixed(0.0), acceptance=q)]
    t = days_until(doc(step_days, [meeting], actors, days=7 * 60))
    weekly = 1 - (1 - h * q) ** 26  # within 26 weeks
    share = (t < 182).mean()
    assert abs(share - weekly) <= 0.05 + mc_bound(weekly), (step_days, share, weekly)


@pytest.mark.parametrize("step_days", [1, 7])
def test_a_shock_freezes_for_its_weeks_in_days(step_days):
    """A certain shock on day 0 freezes a certain step for the rest of its step and 2 weeks: with weekly steps
    the step is taken on day 21; with daily steps on day 14 (the freeze covers days 0 to 14)."""
    d = doc(step_days, [act()], [hazard_party("a", fixed(1.0))], days=70,
            calendar={"shocks": [{"id": "strike", "name": "Strike", "hazard": fixed(1.0), "freezes": ["step"],
                                  "weeks": 2, "assumption": A}]})
    t = days_until(d, runs=20)
    assert set(t.tolist()) == {21 if step_days == 7 else 15}


@pytest.mark.parametrize("decay", [0.5, 0.9, 1.0])
def test_a_weeks_worth_of_daily_pushes_adds_one_weekly_push(decay):
    """Pressure decays by d a week and a weekly push adds x: at daily steps the stock decays by d^(1/7) a day and
    a daily push adds x (1 - d^(1/7)) / (1 - d), so seven daily pushes add x by the week's end."""
    sc = Scenario.model_validate(doc(1, [act()], [hazard_party("a", fixed(0.0))]))
    per_step, gain = Compiled(sc).pressure_step(np.array([decay]))
    stock = 0.0
    for _ in range(7):
        stock = stock * per_step[0] + gain[0]
    assert stock == pytest.approx(1.0, rel=1e-12)
    assert per_step[0] ** 7 == pytest.approx(decay, rel=1e-12)


def test_per_step_uniforms_give_the_step_chance_exactly():
    u = np.random.default_rng(1).random(200_000)
    for power in (1 / 7, 2.0):
        for p in (0.05, 0.5, 0.95):
            assert ((per_step(u, power) < p) == (u < 1 - (1 - p) ** power)).mean() > 0.9999
    assert per_step(np.array([0.0]), 1 / 7)[0] == 0.0 and (per_step(u, 1 / 7) < 1).all()


def test_weekly_steps_draw_unchanged_uniforms():
    sc = Scenario.model_validate(doc(7, [act()], [hazard_party("a", fixed(0.5))]))
    assert Compiled(sc).step_powers is None


@pytest.mark.parametrize("step_days", [1, 7, 14, 21])
def test_a_joint_step_needs_each_yes_within_the_offers_week_not_on_one_day(step_days):
    """Both parties must accept a meeting, each with weekly chance q while it lies on the table. At weekly steps
    it is held in a week of offers with chance q^2. At daily steps an offer lies on the table for a week and a
    consenter's yes stands while it lies there, so the week's chance is q^2 again (without that, both had to say
    yes on the same day: about q^2 / 7 a week)."""
    q = 0.3
    meeting = {"id": "talks", "kind": "meeting", "name": "Talks", "attendees": ["a", "b"], "stakes": fixed(0.0),
               "assumption": A}
    actors = [hazard_party("a", fixed(1.0), acceptance=q), hazard_party("b", fixed(0.0), acceptance=q)]
    t = days_until(doc(step_days, [meeting], actors, days=7 * 30))
    weekly = 1 - (1 - q * q) ** 8  # within 8 weeks
    share = (t < 56).mean()
    assert abs(share - weekly) <= 0.03 + mc_bound(weekly), (step_days, share, weekly)


@pytest.mark.parametrize("step_days", [1, 7, 14, 21])
def test_a_mediator_pressing_every_step_gives_one_round_of_answers_a_week(step_days):
    """Three parties must accept a meeting (weekly chance q each) that a mediator puts on the table whenever it
    can. At weekly steps all three accept in a week with chance q^3. At daily steps the mediator's offer lies on
    the table for a week and the yeses lapse with it, so a week of pressing is again one round: q^3 a week (when
    the mediator kept one offer on the table for good, the yeses piled up over weeks and nearly all runs met)."""
    q = 0.5
    meeting = {"id": "talks", "kind": "meeting", "name": "Talks", "attendees": ["a", "b", "c"],
               "stakes": fixed(0.0), "assumption": A}
    actors = [hazard_party(x, fixed(0.0), acceptance=q) for x in "abc"]
    actors.append({"id": "m", "name": "M", "role": "mediator"})
    d = doc(step_days, [meeting], actors, days=7 * 20,
            mediation=[{"mediator": "m", "rule": "even_handed", "pushes": [{"milestone": "talks"}], "assumption": A,
                        "params": {"urgency.base": fixed(1.0), "urgency.after_deadline": fixed(1.0)}}])
    t = days_until(d)
    weekly = 1 - (1 - q ** 3) ** 8  # within 8 weeks
    share = (t < 56).mean()
    assert abs(share - weekly) <= 0.03 + mc_bound(weekly), (step_days, share, weekly)


@pytest.mark.parametrize("step_days", [7, 14, 21])
@pytest.mark.parametrize("h", [0.999, 0.1])
def test_an_offer_is_made_and_answered_week_by_week_within_a_longer_step(step_days, h):
    """a proposes a meeting with weekly chance h, b accepts it with weekly chance q. At weekly steps a proposes
    again each week and each offer is answered once, so within n weeks the meeting is held with chance
    1 - (1 - h q)^n, whatever h. A 14-day step used to ask the proposal two weeks' worth and the answer once:
    (1 - (1 - h)^2) q a fortnight, one chance where weekly steps give two when h is near 1. A step of whole weeks
    now holds one round of offers a week (Compiled.weeks_per_step), each dated on its week's first day: the same
    chance, week by week, at 7, 14 and 21 days."""
    q = 0.3
    meeting = {"id": "talks", "kind": "meeting", "name": "Talks", "attendees": ["a", "b"], "stakes": fixed(0.0),
               "assumption": A}
    actors = [hazard_party("a", fixed(h), acceptance=1.0), hazard_party("b", fixed(0.0), acceptance=q)]
    t = days_until(doc(step_days, [meeting], actors, days=7 * 30))
    assert set(np.unique(t[t < 10 ** 9]) % 7) == {0}  # held on a week's first day, as at weekly steps
    for weeks in (1, 3, 6):
        exact = 1 - (1 - h * q) ** weeks
        share = (t < 7 * weeks).mean()
        assert abs(share - exact) <= mc_bound(exact), (step_days, weeks, share, exact)


def test_steps_of_whole_weeks_hold_a_round_of_offers_a_week():
    weeks = {s: Compiled(Scenario.model_validate(doc(s, [act()], [hazard_party("a", fixed(0.5))]))).weeks_per_step
             for s in (1, 3, 7, 10, 14, 21)}
    assert weeks == {1: 1, 3: 1, 7: 1, 10: 1, 14: 2, 21: 3}


@pytest.mark.parametrize("step_days", [14, 21])
def test_steps_of_whole_weeks_agree_with_the_mesa_model(step_days):
    """Both engines run the weekly rounds of offers alike: a proposed meeting and one a mediator presses."""
    meeting = {"id": "talks", "kind": "meeting", "name": "Talks", "attendees": ["a", "b", "c"], "stakes": fixed(0.0),
               "assumption": A}
    actors = [hazard_party("a", fixed(0.4), acceptance=0.6), hazard_party("b", fixed(0.2), acceptance=0.5),
              hazard_party("c", fixed(0.0), acceptance=0.7), {"id": "m", "name": "M", "role": "mediator"}]
    d = doc(step_days, [meeting], actors, days=7 * 30,
            mediation=[{"mediator": "m", "rule": "even_handed", "pushes": [{"milestone": "talks"}], "assumption": A}])
    mesa, batch = days_until(d, runs=40, engine="mesa"), days_until(d, runs=40, engine="batch")
    assert (mesa == batch).all() and (batch < 10 ** 9).any()


@pytest.mark.parametrize("step_days", [14, 21])
def test_a_proposal_whose_chance_changes_with_time_keeps_its_weekly_pace_in_longer_steps(step_days):
    """a proposes a meeting with a chance that changes with time (a Weibull waiting time, median 84 days, shape 2), b accepts with q: each
    weekly round within a longer step asks the proposal its own week's chance, so by the end of each 42 days the
    meeting is held in the same share of runs as at weekly steps (asking each round the whole step's chance
    would propose about twice as often)."""
    meeting = {"id": "talks", "kind": "meeting", "name": "Talks", "attendees": ["a", "b"], "stakes": fixed(0.0),
               "assumption": A, "pace": {"a": {"propose": {"weibull": {"median_days": 84, "shape": 2.0}, "assumption": A},
                                               "accept": fixed(1.0)},
                                         "b": {"propose": fixed(0.0), "accept": fixed(0.5)}}}
    actors = [hazard_party("a", fixed(0.0)), hazard_party("b", fixed(0.0))]
    weekly = days_until(doc(7, [meeting], actors, days=7 * 30))
    longer = days_until(doc(step_days, [meeting], actors, days=7 * 30))
    for day in (42, 84, 126):
        p = (weekly < day).mean()
        assert abs((longer < day).mean() - p) <= 2 * mc_bound(p), (step_days, day, (longer < day).mean(), p)
