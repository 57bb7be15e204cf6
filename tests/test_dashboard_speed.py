"""Issue 25 "keep and show": the What-if's request path does less without changing any answer. The
sensitivity screen waits while the page moves sliders, one per session; views and labels are reused; a
what-if shown by the page equals a direct ``simulator.run`` with the same seed and settings. (Timings are
measured by benchmarks/bench_dashboard.py, never asserted here.)"""

from __future__ import annotations

import threading

import pytest

pytest.importorskip("dash", reason="the dashboard needs Dash: pip install 'diplosim[dashboard]'")

from .conftest import SEED_SCENARIO  # noqa: E402


@pytest.fixture(scope="module")
def loaded():
    from simulator.scenario import load

    return load(SEED_SCENARIO)


def context(loaded, **kwargs):
    from dashboards.context import Context

    ctx = Context(**kwargs)
    ctx.add("main", SEED_SCENARIO.name, loaded)
    return ctx


def test_moving_a_slider_again_and_again_keeps_one_sensitivity_screen_waiting_per_session(loaded):
    """Each what-if asked for its own screen, and every one of them waited: after a few slider moves the server's
    queue of longer work was full of screens of positions the page had left ('busy' for everyone's track record
    and sweeps). A newer what-if's screen now replaces the session's one still waiting."""
    from dashboards.jobs import Tasks
    from dashboards.state import WhatIf
    from dashboards.why import screen_task

    ctx = context(loaded)
    ctx.tasks = Tasks(workers=0, max_waiting=3)  # nothing starts: the queue stays as the page leaves it
    tasks = []
    for value in (0.2, 0.3, 0.4, 0.5, 0.6):
        task, skipped = screen_task(ctx, ctx.get("main", None), WhatIf("main", 200, 1, {"turkey.flexibility": value}),
                                    "session-one")
        assert skipped is None
        tasks.append(task)
    other, _ = screen_task(ctx, ctx.get("main", None), WhatIf("main", 200, 1, {}), "session-two")
    assert ctx.tasks.queue == [tasks[-1], other]  # the newest of each session waits, nothing else
    assert all(t.cancelled and t.done.is_set() for t in tasks[:-1])
    assert ctx.tasks.words(tasks[0]) == "the sensitivity screen: cancelled"
    again, _ = screen_task(ctx, ctx.get("main", None), WhatIf("main", 200, 1, {"turkey.flexibility": 0.6}),
                           "session-one")
    assert again is tasks[-1]  # the poller of the same what-if finds its own task, and cancels nothing


def test_a_settling_task_waits_while_simulations_wait_and_others_do_not():
    from dashboards.jobs import Tasks

    simulating = threading.Event()
    simulating.set()
    tasks = Tasks(yield_to=simulating.is_set)
    screen = tasks.start(("screen",), "s", "the screen", lambda task: "screened", slot="sensitivity", settle=0.01)
    other = tasks.start(("track",), "s", "the track record", lambda task: "tracked")
    assert other.done.wait(10) and other.result == "tracked"  # work without a slot starts at once
    assert not screen.done.wait(0.5) and screen.started is None  # a simulation waits: the screen does not start
    simulating.clear()
    assert screen.done.wait(10) and screen.result == "screened"


def test_a_whatif_shown_equals_a_direct_run_with_the_same_seed_and_sets(loaded):
    """What the What-if tab shows (its runs, per chunk off the request thread, and its kept view) is what
    ``simulator.run`` gives for the same scenario, seed and sets: baseline and what-if alike."""
    import simulator
    from dashboards.state import WhatIf
    from dashboards.whatif import whatif_view

    ctx = context(loaded, runs=200)
    sets = {"turkey.flexibility": 0.7, "syria.flexibility": 0.25}
    for _ in range(2):  # drawn, then kept
        view = whatif_view(ctx, WhatIf("main", 200, 3, sets))
        for variant, given in (("a", None), ("b", sets)):
            direct = simulator.run(loaded, runs=200, seed=3, sets=given, outside_view=False)
            expected = {q["id"]: q for q in direct.summary["questions"]}
            assert [r[variant] for r in view["rows"]] == [expected[r["id"]] for r in view["rows"]]
            shown = ctx.outcomes.get(("main", 3, 200, ctx.engine, tuple(sorted((given or {}).items()))))
            assert shown.table.equals(direct.runs)


def test_a_view_shown_again_is_kept_and_equals_a_fresh_one(loaded):
    from dashboards.state import WhatIf
    from dashboards.whatif import whatif_view

    ctx = context(loaded, runs=150)
    state = WhatIf("main", 150, 2, {"turkey.flexibility": 0.4})
    first = whatif_view(ctx, state)
    again = whatif_view(ctx, state)
    assert "simulated 150 runs in" in first["status"] and "what-if from cache" in again["status"]
    assert again["figures"] is first["figures"] and again["rows"] is first["rows"]  # kept, not drawn again
    fresh = whatif_view(context(loaded, runs=150), state)
    assert fresh["rows"] == first["rows"]
    assert {k: f.to_json() for k, f in fresh["figures"].items()} == {k: f.to_json() for k, f in first["figures"].items()}


def test_the_first_page_s_view_is_made_while_the_server_starts(loaded):
    import threading as th

    from dashboards.app import create_app, layout
    from dashboards.state import WhatIf

    app = create_app(loaded, runs=120, seed=5)
    for thread in th.enumerate():
        if thread.name == "diplosim-baseline":
            thread.join(120)
    ctx = app.diplosim_context
    key = ("what-if view", "main", loaded.digest, ctx.engine, WhatIf("main", 120, 5).to_search())
    kept = ctx.views.get(key)
    assert kept is not None
    page = layout(ctx, "")
    calendar = next(c for c in page._traverse() if getattr(c, "id", None) == "whatif-calendar")
    assert calendar.figure is kept["figures"]["calendar"]  # the page sends the view made at start-up


def test_against_what_happened_reuses_the_scores_that_do_not_change_with_the_whatif(loaded):
    """The baseline's and the outside view's scores against what happened are the same for every what-if: kept,
    and the section is the same as one made afresh."""
    import json

    import plotly

    from dashboards.state import WhatIf
    from dashboards.track import observed_view

    def shown(view):
        return json.dumps(view.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder, sort_keys=True)

    ctx = context(loaded, runs=150)
    entry = ctx.get("main", None)
    observed_view(ctx, entry, WhatIf("main", 150, 4, {"turkey.flexibility": 0.3}), None)
    kept = {k for k in ctx.views.items if k[0] == "observed score"}
    assert len(kept) == 3  # the baseline, the what-if and the outside view
    state = WhatIf("main", 150, 4, {"turkey.flexibility": 0.6})
    second = observed_view(ctx, entry, state, None)
    assert len({k for k in ctx.views.items if k[0] == "observed score"} - kept) == 1  # only the new what-if's
    fresh = context(loaded, runs=150)
    assert shown(second) == shown(observed_view(fresh, fresh.get("main", None), state, None))


def test_who_blocked_what_is_kept_per_state_and_question_and_equals_a_fresh_one(loaded):
    from dashboards.state import WhatIf
    from dashboards.why import blocked_view

    ctx = context(loaded, runs=150)
    entry = ctx.get("main", None)
    state = WhatIf("main", 150, 6, {"turkey.flexibility": 0.5})
    question = entry.compiled.questions[0].id
    first = blocked_view(ctx, entry, state, question)
    assert blocked_view(ctx, entry, state, question) is first  # shown again: not drawn again
    fresh = context(loaded, runs=150)
    again = blocked_view(fresh, fresh.get("main", None), state, question)
    assert [f.to_json() for f in again] == [f.to_json() for f in first]
