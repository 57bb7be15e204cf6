"""The dashboard's logic without a browser: URL state, what-if runs, one-run trace, uploads, sweeps, compare, CLI."""

from __future__ import annotations

import base64
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

import pytest

pytest.importorskip("dash", reason="the dashboard needs Dash: pip install 'diplosim[dashboard]'")

from dashboards.context import MAX_UPLOAD_BYTES, Context, UploadError  # noqa: E402
from dashboards.state import WhatIf, parse_search  # noqa: E402

from .conftest import SEED_SCENARIO  # noqa: E402
from .results_fixtures import GRID, SEED, write_results  # noqa: E402


@pytest.fixture(scope="module")
def ctx(seed_loaded):
    context = Context(runs=200, seed=3)
    context.add("main", "seed scenario", seed_loaded)
    return context


def data_url(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return "data:application/x-yaml;base64," + base64.b64encode(raw).decode()


# ------------------------------------------------------------------ URL state
def test_url_round_trip(ctx):
    state = WhatIf("main", 750, 9, {"turkey.flexibility": 0.4125, "russia.active": 0.0})
    parsed, problems = parse_search(state.to_search(), "main", ctx.table, 500, 1)
    assert problems == []
    assert parsed == state


def test_bad_url_parts_are_named_and_dropped(ctx):
    search = ("?scenario=upload-gone&runs=lots&seed=-4&set=nonsense.param%3D1&set=turkey.flexibility%3Dhigh"
              "&set=russia.active%3D0.5&set=syria.flexibility%3D0.2")
    parsed, problems = parse_search(search, "main", ctx.table, 500, 1)
    assert parsed == WhatIf("main", 500, 1, {"syria.flexibility": 0.2})
    assert problems == [
        "URL: scenario: unknown scenario 'upload-gone' (uploads last while the server runs); showing 'main'",
        "URL: runs: 'lots' is not a whole number; using 500",
        "URL: seed: -4 is outside 0..9223372036854775807; using 1",
        "URL: set: unknown parameter 'nonsense.param' (see `diplosim params SCENARIO`)",
        "URL: set: value for 'turkey.flexibility' is not a number: 'high'",
        "URL: set: switch 'russia.active' takes 0 or 1, not 0.5",
    ]


# ------------------------------------------------------------------ what-if
def test_whatif_is_paired_with_the_baseline_and_matches_compare(ctx):
    from simulator.analysis.compare import compare
    from dashboards.whatif import whatif_view

    base = whatif_view(ctx, WhatIf("main", 200, 3, {}))
    assert all(r["diff"] == 0 and r["runs_changed"] == 0 for r in base["rows"])  # the baseline against itself
    off = {"russia.active": 0.0}
    view = whatif_view(ctx, WhatIf("main", 200, 3, off))
    fm = next(r for r in view["rows"] if r["id"] == "fm_before_round1")
    assert fm["high"] < 0  # without Russia's mediation the foreign ministers meet less often
    c = ctx.get("main").compiled
    reference = {q["id"]: q for q in compare(c, c, 200, 3, {}, off)["questions"]}
    for r in view["rows"]:  # the same paired numbers as `diplosim compare`
        ref = reference[r["id"]]
        assert (r["a"]["p"], r["b"]["p"], r["diff"], r["low"], r["high"], r["runs_changed"]) == pytest.approx(
            (ref["a"], ref["b"], ref["diff"], ref["low"], ref["high"], ref["runs_changed"]))
    calendar = view["figures"]["calendar"]
    assert "200 runs" in calendar.layout.title.text and len(calendar.data) == 2 * len(c.milestones)


def test_whatif_update_for_500_runs_is_under_a_second(seed_loaded, capsys):
    from dashboards.whatif import whatif_view

    context = Context(runs=500, seed=1)
    context.add("main", "seed scenario", seed_loaded)
    whatif_view(context, WhatIf("main", 500, 1, {}))  # the page's first view: baseline computed, then cached
    times = []
    for value in (0.4, 0.45, 0.5, 0.55, 0.6):  # each a new what-if (not cached), as a slider move gives
        start = time.perf_counter()
        whatif_view(context, WhatIf("main", 500, 1, {"turkey.flexibility": value}))
        times.append(time.perf_counter() - start)
    with capsys.disabled():
        print(f"\nwhat-if view, 500 runs: median {statistics.median(times):.3f} s, max {max(times):.3f} s")
    assert statistics.median(times) < 1.0


# ------------------------------------------------------------------ one run
def test_trace_is_the_same_run_as_run_one(ctx):
    from simulator import layout as L
    from simulator.runner import run_one
    from dashboards.onerun import trace_run, week_table

    c = ctx.get("main").compiled
    overrides = {"turkey.flexibility": 0.55}
    trace = trace_run(c, 5, 7, overrides)
    record, events = run_one(c, 5, 7, 0, overrides)
    assert trace["answers"] == {k: v.isoformat() if hasattr(v, "isoformat") else v
                                for k, v in record.items() if k in {L.question(q.id) for q in c.questions}}
    assert [tuple(ev[:3]) + tuple(ev[4:]) for ev in trace["events"]] == [ev[:3] + ev[4:] for ev in events]
    assert [w["step"] for w in trace["weeks"]] == list(range(c.n_steps))
    assert all(w[f"pressure.{p}"] >= 0 for w in trace["weeks"] for p in c.parties)
    held_weeks = [ev[2] for ev in trace["events"] if ev[4] == "held"]
    text = str(week_table(trace, c, held_weeks[0]))
    assert "held " in text and "Turkey" in text


def test_actor_weeks_chart_stops_at_the_chosen_week(ctx):
    import pandas as pd

    from simulator.charts.onerun import actor_weeks
    from dashboards.onerun import trace_run

    c = ctx.get("main").compiled
    trace = trace_run(c, 1, 0)
    fig = actor_weeks(pd.DataFrame(trace["weeks"]), c, 9)
    assert [len(t.x) for t in fig.data] == [10] * (len(c.parties) + len(c.ladders))
    assert fig.layout.title.text.startswith(f"Week 10 of {c.n_steps}")


# ------------------------------------------------------------------ uploads
def test_bad_upload_gives_one_line_problems(ctx):
    text = SEED_SCENARIO.read_text(encoding="utf-8")
    broken = text.replace("    role: party", "    role: king", 1)
    line = text[:text.index("    role: party")].count("\n") + 1
    with pytest.raises(UploadError) as err:
        ctx.add_upload("../../etc/bad scenario.yaml", data_url(broken))
    assert len(err.value.lines) == 1
    assert err.value.lines[0].startswith(f"bad_scenario.yaml:{line}:5: actors[0].role: ")


@pytest.mark.parametrize("contents, message", [
    (data_url("a: !!python/object/apply:os.system ['echo hacked']\n"), "YAML tag 'tag:yaml.org,2002:python/object"),
    (data_url(b"x" * (MAX_UPLOAD_BYTES + 1)), "larger than the 256 KB limit"),
    ("data:text/yaml;base64,@@@not-base64@@@", "not a readable file"),
    (None, "the file is empty"),
])
def test_uploads_that_are_refused(ctx, contents, message):
    before = list(ctx.scenarios)
    with pytest.raises(UploadError) as err:
        ctx.add_upload("s.yaml", contents)
    assert message in err.value.lines[0]
    assert list(ctx.scenarios) == before  # nothing was added or lost


def test_valid_upload_becomes_a_scenario(ctx):
    entry = ctx.add_upload("copy.yaml", data_url(SEED_SCENARIO.read_bytes()))
    assert entry.key.startswith("upload-") and ctx.get(entry.key) is entry
    assert entry.loaded.digest == ctx.get("main").loaded.digest  # same content, same scenario


# ------------------------------------------------------------------ sweeps and compare
@pytest.fixture(scope="module")
def grid_results(tmp_path_factory, seed_loaded, seed_compiled):
    return write_results(tmp_path_factory.mktemp("dash") / "grid", seed_loaded, seed_compiled, GRID, 6, "sweep")


def test_sweep_heatmap_and_clicked_point(ctx, grid_results):
    from simulator.report import ReportError
    from dashboards.sweep import NONE, nearest_points, open_results, point_view, sweep_figure

    res = open_results(ctx, str(grid_results))
    fig = sweep_figure(res, "fm_before_round1", "russia.urgency.peak", "syria.flexibility")
    assert fig.data[0].type == "heatmap" and fig.data[0].z.shape == (2, 2)
    assert nearest_points(res.points, "russia.urgency.peak", "syria.flexibility", 0.88, 0.36) == [3]
    view = point_view(res, [3])
    assert view["info"].startswith("Point 3 (russia.urgency.peak = 0.9, syria.flexibility = 0.35): 6 runs")
    assert view["info"].endswith(f"re-simulated from seed {SEED}, identical to the stored records")
    assert view["questions"].layout.title.text.startswith("How likely is each question to come true? (6 runs")
    assert len(view["runs"].layout.annotations) >= 1  # one subplot title per sample run
    line = sweep_figure(res, "fm_before_round1", "syria.flexibility", NONE)
    assert [t.type for t in line.data] == ["scatter", "scatter"]  # Wilson band, then the line
    assert nearest_points(res.points, "syria.flexibility", None, 0.16, None) == [0, 2]  # equal settings pooled
    with pytest.raises(ReportError, match="is not a directory"):
        open_results(ctx, str(grid_results / "nope"))


def test_compare_two_settings(ctx):
    from dashboards.compare import compare_view, parse_settings

    table = ctx.table("main")
    sets_b, problems = parse_settings("russia.active=0\n\niran.active=0", table, "compare B")
    assert problems == [] and sets_b == {"russia.active": 0.0, "iran.active": 0.0}
    _, problems = parse_settings("russia.active=0, flexibility=2", table, "compare A")
    assert problems == ["compare A: unknown parameter 'flexibility' (see `diplosim params SCENARIO`)"]
    view = compare_view(ctx, "main", {}, "main", sets_b, 100, 2)
    assert "exact common random numbers" in view["status"]
    assert "B minus A" in view["diff"].layout.xaxis.title.text


# ------------------------------------------------------------------ the command
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("args, message", [
    (["--engine", "warp"], "error: --engine: unknown engine 'warp'"),
    (["--results", "/nonexistent/dir"], "error: --results: '/nonexistent/dir' is not a directory"),
    (["--port", "0"], "error: --port: 0 is not a port number"),
])
def test_command_errors_are_one_line(args, message):
    from typer.testing import CliRunner

    from simulator.cli import app

    result = CliRunner().invoke(app, ["dashboard", "--scenario", str(SEED_SCENARIO), *args])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.output


def test_command_refuses_a_busy_port():
    from typer.testing import CliRunner

    from simulator.cli import app

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(app, ["dashboard", "--port", str(port)])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: --port: cannot listen on 127.0.0.1:{port}")


def test_command_serves_the_page():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "dashboard", "--scenario", str(SEED_SCENARIO),
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline, page = time.monotonic() + 60, None
        while time.monotonic() < deadline and page is None:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read().decode()
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()
                time.sleep(0.3)
        assert page is not None and "<title>diplosim dashboard</title>" in page
    finally:
        proc.terminate()
        proc.wait(timeout=10)
