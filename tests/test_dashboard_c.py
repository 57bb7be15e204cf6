"""Issue 25 items 14-16 without a browser: the background tasks (computed once, bounded, cancelled between
parts), the refusals of the page's sweep, the URL fragment and the corpus picker, each in one line."""

from __future__ import annotations

import threading

import pytest

pytest.importorskip("dash", reason="the dashboard needs Dash: pip install 'diplosim[dashboard]'")

from .conftest import ROOT, SEED_SCENARIO  # noqa: E402


def test_a_task_is_computed_once_per_key_and_its_result_shared():
    from dashboards.jobs import Tasks

    tasks, calls = Tasks(), []

    def work(task):
        calls.append(1)
        return 42

    first = tasks.start(("k",), "s1", "the work", work)
    first.done.wait(10)
    second = tasks.start(("k",), "s2", "the work", work)
    assert second is first and first.result == 42 and calls == [1]
    assert tasks.words(first).startswith("the work: done in ")


def test_a_running_task_stops_at_its_next_part_when_its_session_cancels_it():
    from dashboards.jobs import Tasks

    tasks = Tasks()
    started, go = threading.Event(), threading.Event()
    parts = []

    def work(task):
        for i in range(100):
            task.report(i, 100)
            parts.append(i)
            started.set()
            go.wait(10)
        return "finished"

    task = tasks.start(("sweep",), "owner", "the sweep", work)
    started.wait(10)
    assert not tasks.cancel(("sweep",), "another session")  # only its own session may cancel it
    assert tasks.cancel(("sweep",), "owner")
    go.set()
    task.done.wait(10)
    assert task.cancelled and task.result is None and len(parts) == 1
    assert tasks.words(task) == "the sweep: cancelled"


def test_too_many_waiting_tasks_are_refused_in_one_line():
    from dashboards.jobs import Busy, Tasks

    tasks = Tasks(workers=0, max_waiting=2)
    for i in range(2):
        tasks.start((i,), "s", "work", lambda task: None)
    with pytest.raises(Busy) as exc:
        tasks.start((9,), "s", "work", lambda task: None)
    assert str(exc.value) == "busy: 2 longer tasks are waiting on this server, its limit; try again in a moment"
    assert tasks.words(tasks.get((1,))) == "work: waiting (1 task ahead)"


@pytest.fixture(scope="module")
def ctx():
    from dashboards.context import Context

    context = Context(scenario_roots=(ROOT / "scenarios",))
    from simulator.scenario import load

    context.add("main", SEED_SCENARIO.name, load(SEED_SCENARIO))
    return context


@pytest.mark.parametrize("names, points, runs, message", [
    ([], 3, 10, "sweep: choose one or two parameters to vary"),
    (["syria.flexibility", "turkey.flexibility", "syria.resolve"], 3, 10, "sweep: choose one or two parameters"),
    (["no.such"], 3, 10, "sweep: 'no.such' is not an uncertain parameter of this scenario"),
    (["syria.flexibility"], 1, 10, "sweep: values per parameter: 1 is not a whole number from 2 to 11"),
    (["syria.flexibility"], 3, 0, "sweep: runs per point: 0 is not a whole number from 1 to 20,000"),
    (["syria.flexibility", "turkey.flexibility"], 11, 200,
     "sweep: 121 points x 200 runs = 24,200 runs, more than the 20,000 a sweep from the page may run"),
])
def test_a_sweep_from_the_page_refuses_bad_settings_in_one_line(ctx, names, points, runs, message):
    from dashboards.sweep_run import check

    varies, found = check(ctx.get("main"), names, points, runs)
    assert varies == [] and len(found) >= 1 and found[0].startswith(message)


def test_a_sweep_from_the_page_varies_each_parameter_over_its_range(ctx):
    from dashboards.sweep_run import check

    varies, found = check(ctx.get("main"), ["syria.flexibility"], 3, 10)
    lo, hi = ctx.get("main").compiled.table.params["syria.flexibility"].bounds
    assert found == [] and varies == [f"syria.flexibility={lo!r}:{hi!r}:3"]


def test_the_corpus_picker_lists_scenario_files_only_and_opens_nothing_else(ctx, tmp_path):
    from dashboards.context import Context

    keys = set(ctx.corpus())
    assert "corpus-libya_2026" in keys and "corpus-milestone_classes" not in keys
    assert not any(k.endswith(".observed") for k in keys)
    for hostile in ("corpus-../../etc/passwd", "corpus-milestone_classes", "corpus-libya_2026.observed", "corpus-"):
        assert ctx.get(hostile) is None
    with pytest.raises(ValueError, match="is not a scenario of this server's --scenario-root folders"):
        ctx.add_corpus("corpus-../x")
    (tmp_path / "broken.yaml").write_text("metadata: [", encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(SEED_SCENARIO)  # a link out of the folder is not listed
    other = Context(scenario_roots=(tmp_path,))
    assert set(other.corpus()) == {"corpus-broken"}
    with pytest.raises(ValueError) as exc:
        other.add_corpus("corpus-broken")
    assert "broken.yaml" in str(exc.value) and "\n" not in str(exc.value)


def test_a_fragment_too_long_or_naming_no_tab_is_one_line(ctx):
    from dashboards.tabstate import MAX_HASH_CHARS, restore

    out = restore(ctx, "#tab=" + "x" * MAX_HASH_CHARS, "")
    assert "more than the 20,000 the tabs can need" in str(out[1])
    out = restore(ctx, "#tab=nowhere&onerun.seed=1e3&compare.a=main&compare.b=main&compare.b.set=russia.active%3D0",
                  "")
    text = str(out[1])
    assert "URL: tab: 'nowhere' is not a tab" in text and "URL: onerun.seed: '1e3' is not a whole number" in text
    restored = out[8]
    assert restored["sets_b"] == [("russia.active", 0.0)] and restored["go"] is True


def test_dashboard_scenario_root_must_be_a_folder(tmp_path):
    from typer.testing import CliRunner

    from simulator.cli import app

    result = CliRunner().invoke(app, ["dashboard", "--scenario-root", str(tmp_path / "none")])
    assert result.exit_code == 2 and result.output.strip().endswith(f"--scenario-root: '{tmp_path / 'none'}' is not "
                                                                    "a directory")
