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

from .conftest import CORPUS, SEED_SCENARIO  # noqa: E402
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
        "URL: scenario: unknown scenario 'upload-gone' (an upload is seen only in the browser tab that made it, "
        "for some hours after its last use); showing 'main'",
        "URL: runs: 'lots' is not a whole number; using 500",
        "URL: seed: -4 is outside 0..9007199254740991; using 1",
        "URL: set: unknown parameter 'nonsense.param' (see `diplosim params SCENARIO`)",
        "URL: set: 'high' for Turkey's flexibility (turkey.flexibility) is not a number (allowed: 0 to 1)",
        "URL: set: switch Russia mediates (russia.active) takes 0 or 1, not 0.5",
    ]


@pytest.mark.parametrize("setting, message", [
    ("syria.flexibility%3D1e308",
     "URL: set: 1e+308 for Syria's flexibility (syria.flexibility) is outside its allowed range, 0 to 1"),
    ("syria.flexibility%3D-5", "URL: set: -5 for Syria's flexibility (syria.flexibility) is outside its allowed range"),
    ("syria.flexibility%3D0.5",
     "URL: set: 0.5 for Syria's flexibility (syria.flexibility) is outside its range 0.15 to 0.35"),
    ("syria.flexibility%3Dnan", "URL: set: nan for Syria's flexibility (syria.flexibility) is not a finite number"),
    ("russia.active%3D2", "URL: set: 2 for Russia mediates (russia.active) is outside its allowed range, 0 to 1"),
    ("russia.urgency.peak%3D7", "URL: set: 7 for Russia's peak urgency (russia.urgency.peak) is outside its allowed "
     "range, 0 to 1"),
    ("syria.flexibility%3D" + "9" * 300, "URL: set: a setting of 318 characters is too long (at most 200)"),
])
def test_out_of_range_and_oversized_url_values_are_refused_in_one_line(ctx, setting, message):
    parsed, problems = parse_search(f"?set={setting}", "main", ctx.table, 500, 1)
    assert parsed.overrides == {} and len(problems) == 1
    assert problems[0].startswith(message), problems[0]


def test_thousands_of_unknown_names_are_summarised(ctx):
    search = "?" + "&".join(f"set=nope{i}%3D1" for i in range(2000)) + "&set=syria.flexibility%3D0.3"
    parsed, problems = parse_search(search, "main", ctx.table, 500, 1)
    assert parsed.overrides == {"syria.flexibility": 0.3}
    assert problems == ["URL: set: 2,000 unknown parameters ('nope0', 'nope1', 'nope2', 'nope3', ...); none of "
                        "them was used (see `diplosim params SCENARIO`)"]
    bad = "?" + "&".join(f"set=syria.flexibility%3D{i + 5}" for i in range(50))
    _, problems = parse_search(bad, "main", ctx.table, 500, 1)
    assert len(problems) == 5 and problems[-1] == "URL: set: 46 more settings refused for the same kinds of reason"


def test_a_huge_url_is_bounded_and_named(ctx):
    parsed, problems = parse_search("?set=syria.flexibility%3D" + "1" * 100_000, "main", ctx.table, 500, 1)
    assert parsed == WhatIf("main", 500, 1) and len(problems) == 1
    assert problems[0].startswith("URL: the address is 100,025 characters long, more than the 60,000")


def test_a_slider_moved_to_its_median_still_fixes_the_parameter(ctx):
    from dashboards.whatif import overrides_from_controls, slider_start

    c = ctx.get("main").compiled
    median = slider_start(c.table.params["syria.flexibility"])
    ids = [{"type": "whatif-param", "name": n} for n in c.table.uncertain]
    start = {n: slider_start(c.table.params[n]) for n in c.table.uncertain}
    built = {"values": start, "fixed": []}
    toggles = [n for n, _ in __import__("dashboards.whatif", fromlist=["x"]).switches(c)]
    values = [start[n] for n in c.table.uncertain]
    overrides, sliders = overrides_from_controls(c, ids, values, toggles, {}, built)
    assert overrides == {} and sliders["fixed"] == []  # untouched sliders: the baseline
    moved = [0.3 if n == "syria.flexibility" else start[n] for n in c.table.uncertain]
    _, sliders = overrides_from_controls(c, ids, moved, toggles, {}, sliders)
    back = [median if n == "syria.flexibility" else start[n] for n in c.table.uncertain]
    overrides, sliders = overrides_from_controls(c, ids, back, toggles, {}, sliders)
    assert overrides == {"syria.flexibility": median} and sliders["fixed"] == ["syria.flexibility"]
    state = WhatIf("main", 500, 1, overrides)
    assert "set=syria.flexibility%3D0.25" in state.to_search()  # kept in the URL
    assert parse_search(state.to_search(), "main", ctx.table, 500, 1)[0] == state

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
    assert "200 runs" in calendar.layout.title.text
    names = [t.name for t in calendar.data]
    for m in c.milestones:  # baseline and what-if of every milestone on the same chart
        assert f"{c.words.name(m.id)} (baseline)" in names and f"{c.words.name(m.id)} (what-if)" in names
    assert len(base["figures"]["calendar"].data) < len(calendar.data)  # the baseline alone: one set of curves
    # the baseline alone: a band and a line per milestone (besides the legend entries of the marker lines)
    assert len([t for t in base["figures"]["calendar"].data if t.legendgroup != "calendar-markers"]) == (
        2 * len(c.milestones))
    assert len(base["figures"]["calendar"].data) < len(calendar.data)  # the baseline alone: one set of curves


def test_headlines_give_the_whatif_the_baseline_and_the_paired_change(ctx):
    import re

    from dashboards.whatif import whatif_view

    view = whatif_view(ctx, WhatIf("main", 200, 3, {"russia.active": 0.0}))
    text = flatten(view["headlines"])
    fm = next(r for r in view["rows"] if r["id"] == "fm_before_round1")
    pattern = r"\d+(\.\d)?% what-if\(baseline \d+(\.\d)?%\) [+-]\d+(\.\d)? pts \[[+-]\d+(\.\d)?, [+-]\d+(\.\d)?\]"
    card = text[fm["text"]]
    assert re.fullmatch(pattern, card), card
    assert f"(baseline {round(100 * fm['a']['p'])}%)" in card
    date_q = next(r["text"] for r in view["rows"] if r["kind"] == "date")
    date = text[date_q]  # without Russia the median may fall after the calendar: then it says so in words
    assert re.search(r"^(\d{1,2} \w{3} 20\d\d|after the calendar ends) median date\(baseline \d{1,2} \w{3} 20\d\d\)",
                     date), date
    assert "10–90%: " in date and re.search(r"happens by the end: \d+% \(baseline \d+%\) [+-]\d+ pts", date), date
    base = flatten(whatif_view(ctx, WhatIf("main", 200, 3, {}))["headlines"])
    assert "95% interval" in base[fm["text"]] and "pts" not in base[fm["text"]]
    assert re.search(r"^\d{1,2} \w{3} 20\d\d median date", base[date_q]) and "10–90%: " in base[date_q], base[date_q]


def flatten(cards) -> dict[str, str]:
    """Headline cards -> {question: the rest of the card's text}."""
    def text(node) -> str:
        if isinstance(node, str):
            return node
        if node is None or not hasattr(node, "children"):
            return ""
        kids = node.children if isinstance(node.children, list) else [node.children]
        return "".join(text(k) for k in kids)

    return {card.children[0].children: "".join(text(k) for k in card.children[1:]) for card in cards.children}


def test_whatif_update_for_500_runs_is_timed(seed_loaded, capsys):
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
    assert statistics.median(times) < 10.0  # a sanity bound only: benchmarks/bench_dashboard.py measures it


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
    assert "meeting was held" in text and "Turkey" in text
    every_week = " ".join(str(week_table(trace, c, k)) for k in range(c.n_steps))
    for code in ("p_win=", "precondition:", "round1:", "turkey_presence:", "urgency 0."):
        assert code not in every_week  # sentences built from the scenario's names, never internal codes
    assert "won in round 1" in every_week or "won in the run-off" in every_week


def test_actor_weeks_chart_stops_at_the_chosen_week(ctx):
    import pandas as pd

    from simulator.charts.onerun import actor_weeks
    from dashboards.onerun import trace_run

    c = ctx.get("main").compiled
    trace = trace_run(c, 1, 0)
    fig = actor_weeks(pd.DataFrame(trace["weeks"]), c, 9)
    lines = [t for t in fig.data if t.legendgroup != "calendar-markers"]
    assert [len(t.x) for t in lines] == [10] * (len(c.parties) + len(c.ladders))
    assert [t.name for t in fig.data if t.legendgroup == "calendar-markers"][0].startswith("Election round 1")
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
def grid_results(tmp_path_factory, seed_loaded, seed_compiled, ctx):
    path = write_results(tmp_path_factory.mktemp("dash") / "grid", seed_loaded, seed_compiled, GRID, 6, "sweep")
    ctx.results_roots += (str(path),)  # as `diplosim dashboard --results PATH` allows it
    return path


def test_sweep_heatmap_and_clicked_point(ctx, grid_results):
    from simulator.report import ReportError
    from dashboards.sweep import NONE, nearest_points, open_results, point_view, sweep_figure

    res = open_results(ctx, str(grid_results))
    fig = sweep_figure(res, "fm_before_round1", "russia.urgency.peak", "syria.flexibility")
    assert fig.data[0].type == "heatmap" and [len(row) for row in fig.data[0].z] == [2, 2]
    assert nearest_points(res.points, "russia.urgency.peak", "syria.flexibility", 0.88, 0.36) == [3]
    view = point_view(res, [3])
    assert view["info"].startswith("Point 3 (Russia's peak urgency = 0.9, Syria's flexibility = 0.35): 6 runs")
    assert view["info"].endswith(f"re-created from seed {SEED} (as `diplosim events` does); identical to the "
                                 "stored records")
    assert view["questions"].layout.title.text.startswith("How likely is each question to come true, and when? (6 runs")
    assert len(view["runs"].layout.annotations) >= 1  # one subplot title per sample run
    line = sweep_figure(res, "fm_before_round1", "syria.flexibility", NONE)
    assert [t.type for t in line.data] == ["scatter", "scatter"]  # Wilson band, then the line
    assert nearest_points(res.points, "syria.flexibility", None, 0.16, None) == [0, 2]  # equal settings pooled
    with pytest.raises(ReportError, match="is not a directory"):
        open_results(ctx, str(grid_results / "nope"))


def test_sample_runs_logs_are_re_created_on_demand_like_diplosim_events(ctx, grid_results, monkeypatch):
    import simulator.runner
    from simulator.runner import run_one
    from dashboards.sweep import open_results, point_view

    res = open_results(ctx, str(grid_results))
    asked = []
    real = simulator.runner.recreate_runs

    def spy(compiled, seed, keys, overrides_by_point=None, engine="auto"):
        out = real(compiled, seed, keys, overrides_by_point, engine)
        asked.append((seed, keys, overrides_by_point, out))
        return out

    monkeypatch.setattr(simulator.runner, "recreate_runs", spy)
    point_view(res, [1, 3], k=3)
    ((seed, keys, overrides, out),) = asked  # one call for all the sample runs: the `diplosim events` machinery
    assert seed == SEED and len(keys) == 3 and {p for p, _ in keys} <= {1, 3}
    for (point, rep), (record, events) in zip(keys, out):  # each log is the reference model's, event for event
        want_record, want_events = run_one(res.compiled, SEED, rep, point, overrides[point])
        assert events == want_events and events
        assert all(record[k] == want_record[k] for k in want_record)


def test_the_sweep_path_box_opens_only_the_servers_results_folders(seed_loaded, grid_results, tmp_path):
    """Any other path gets the same one line, whether it exists, is a folder or holds a manifest: the box is no
    probe of the server's folders."""
    from dashboards.app import create_app
    from dashboards.sweep import open_results
    from simulator.report import ReportError

    ctx2 = create_app(seed_loaded, grid_results, runs=50, warm=False).diplosim_context
    assert open_results(ctx2, str(grid_results)).manifest["seed"] == SEED
    assert open_results(ctx2, f"{grid_results}/../{grid_results.name}/").manifest["seed"] == SEED
    for path in ["/etc", "/nonexistent/dir", "/", str(grid_results.parent), f"{grid_results}/..", "relative/dir",
                 "~", ""]:
        with pytest.raises(ReportError) as err:
            open_results(ctx2, path)
        assert str(err.value) == (f"sweep: '{path}' is not a results folder this server may open (it opens the "
                                  "--results folder it was started with and folders under --results-root)")
    bare = create_app(seed_loaded, runs=50, warm=False).diplosim_context  # started without --results
    with pytest.raises(ReportError, match="is not a results folder this server may open"):
        open_results(bare, str(grid_results))
    rooted = create_app(seed_loaded, runs=50, warm=False, results_roots=[grid_results.parent]).diplosim_context
    assert open_results(rooted, str(grid_results)).manifest["seed"] == SEED
    with pytest.raises(ReportError, match="is not a directory"):  # inside the root: it may say what is wrong
        open_results(rooted, str(grid_results.parent / "nope"))
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "escape").symlink_to("/etc")  # a link under a root that leads out of it
    linked = create_app(seed_loaded, runs=50, warm=False, results_roots=[tmp_path / "root"]).diplosim_context
    with pytest.raises(ReportError, match="is not a results folder this server may open"):
        open_results(linked, str(tmp_path / "root" / "escape"))


def test_the_sweep_tab_callbacks_refuse_a_forged_path(seed_loaded, grid_results):
    """The graph and click callbacks take the path from a store the browser could alter: checked there too."""
    from dashboards.app import create_app
    from simulator.report import ReportError

    app = create_app(seed_loaded, runs=50, warm=False)
    draw = next(cb["callback"] for key, cb in app.callback_map.items() if key.startswith("sweep-graph.figure"))
    with pytest.raises(ReportError, match="is not a results folder this server may open"):
        draw.__wrapped__("fm_before_round1", "syria.flexibility", None, str(grid_results))


def test_compare_validates_like_the_whatif_tab(ctx):
    from dashboards.compare import parse_settings

    table = ctx.table("main")
    sets, problems = parse_settings("russia.active=2\nsyria.flexibility=1e308\nturkey.flexibility=0.5", table, "compare B")
    assert sets == {"turkey.flexibility": 0.5}
    assert problems == ["compare B: 2 for Russia mediates (russia.active) is outside its allowed range, 0 to 1",
                        "compare B: 1e+308 for Syria's flexibility (syria.flexibility) is outside its allowed range, "
                        "0 to 1"]


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
    names = [t.name for t in view["calendar"].data]
    assert "Foreign ministers (A)" in names and "Foreign ministers (B)" in names  # A and B on one chart


def test_compare_side_whose_controls_went_sends_none_and_is_read_as_no_setting(ctx):
    """A side's controls removed by a change of its scenario: the browser still sends their states, one None each
    (seen in the Compare tab opened from an address, B's scenario changed, then Compare): no setting, no crash."""
    from dashboards.compare import controls_overrides

    assert controls_overrides(ctx.get("main"), [None] * 3, [None] * 3, None) == {}


def test_compare_shows_each_variants_outside_view_beside_its_forecast(ctx, tmp_path):
    """Issue 25 item 15: the outside view beside every forecast, in the Compare table as in the What-if tab; a
    variant whose scenario has no classed milestone gets no column and one line saying so."""
    import shutil

    from dashboards.compare import compare_view
    from dashboards.outside import beside_cells
    from simulator.scenario import load

    from .conftest import SEED_SCENARIO

    def rows(view):
        tbl = view["table"] if view["table"].id == "compare-numbers" else view["table"].children[0]
        head = [th.children for th in tbl.children[0].children.children]
        return head, [[td.children for td in tr.children] for tr in tbl.children[1].children]

    whatif = beside_cells(ctx, ctx.get("main"), 2, 100)  # the What-if tab's column at the same seed and runs
    head, body = rows(compare_view(ctx, "main", {}, "main", {"russia.active": 0.0}, 100, 2))
    assert head[4:] == ["A: outside view (95%)", "B: outside view (95%)"]
    ids = [q.id for q in ctx.get("main").compiled.questions]
    assert [r[4:] for r in body] == [[whatif[q]["outside view (95%)"]] * 2 for q in ids]
    assert all("%" in r[4] or r[4] == "-" for r in body) and any("%" in r[4] for r in body)
    # a copy of the seed scenario beside no corpus side file: no class, no outside view, one line saying so
    shutil.copy(SEED_SCENARIO, tmp_path / "copy.yaml")
    ctx.add("copy", "copy", load(tmp_path / "copy.yaml", check_sources=False))
    view = compare_view(ctx, "main", {}, "copy", {}, 100, 2)
    head, body = rows(view)
    assert head[4:] == ["A: outside view (95%)"] and [r[4] for r in body] == [whatif[q]["outside view (95%)"]
                                                                               for q in ids]
    notes = [p.children for p in view["table"].children[1:]]
    assert notes == ["B: no outside view, since no milestone of Syria-Turkey rapprochement before the 2023 Turkish "
                     "elections has a class of past negotiations."]


# ------------------------------------------------------------------ the command
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("args, message", [
    (["--engine", "warp"], "error: --engine: unknown engine 'warp'"),
    (["--results", "/nonexistent/dir"], "error: --results: '/nonexistent/dir' is not a directory"),
    (["--results-root", "/nonexistent/dir"], "error: --results-root: '/nonexistent/dir' is not a directory"),
    (["--scenario", "/nonexistent/s.yaml"], "/nonexistent/s.yaml:0:0: file: no such file"),
    (["--port", "0"], "error: --port: 0 is not a port number"),
])
def test_command_errors_are_one_line(args, message):
    """Whatever listens on this machine: the port is a free one unless the case is about the port, and a bad
    argument is named before the port is even tried (a busy port below)."""
    from typer.testing import CliRunner

    from simulator.cli import app

    port = [] if "--port" in args else ["--port", str(free_port())]
    result = CliRunner().invoke(app, ["dashboard", "--scenario", str(SEED_SCENARIO), *port, *args])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.output
    if "--port" not in args:
        with socket.socket() as busy:  # a busy port does not hide the argument's problem
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            taken = str(busy.getsockname()[1])
            result = CliRunner().invoke(app, ["dashboard", "--scenario", str(SEED_SCENARIO), "--port", taken, *args])
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


# ------------------------------------------------------------------ uploads with their source texts
SOURCE = SEED_SCENARIO.parent
SOURCE_FILE = "sources/alwatan_2023-02_quartet.txt"
A_QUOTE = "there had been remarkable activity and shuttle diplomacy in Moscow"


def zipped(members: dict[str, bytes], links: tuple[str, ...] = ()) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED  # a small archive that unpacks large
            if name in links:
                info.external_attr = (0o120777 << 16)
            z.writestr(info, data)
    return buf.getvalue()


def test_upload_with_its_source_texts_checks_quotes_like_validate(ctx):
    scenario = SEED_SCENARIO.read_bytes()
    source = (SOURCE / SOURCE_FILE).read_bytes()
    entry = ctx.add_upload(["s.yaml", "alwatan_2023-02_quartet.txt"], [data_url(scenario), data_url(source)])
    assert entry.quotes_checked and "1 source text(s)" in entry.label
    alone = ctx.add_upload("s.yaml", data_url(scenario))
    assert not alone.quotes_checked and alone.key != entry.key
    tampered = scenario.replace(A_QUOTE.encode(), b"there had been no activity at all in Moscow")
    ctx.add_upload("t.yaml", data_url(tampered))  # alone: the quote cannot be checked, so it passes
    with pytest.raises(UploadError) as err:  # with its source: refused, as `diplosim validate` refuses it
        ctx.add_upload(["t.yaml", "alwatan_2023-02_quartet.txt"], [data_url(tampered), data_url(source)])
    assert any("quote does not occur in the text of source 'alwatan'" in line for line in err.value.lines)
    archive = zipped({"bundle/t.yaml": scenario, f"bundle/{SOURCE_FILE}": source})
    assert ctx.add_upload("bundle.zip", data_url(archive)).quotes_checked
    with pytest.raises(UploadError) as err:
        ctx.add_upload("bundle.zip", data_url(zipped({"t.yaml": tampered, SOURCE_FILE: source})))
    assert any("quote does not occur" in line for line in err.value.lines)


@pytest.mark.parametrize("members, links, message", [
    ({"../evil.yaml": b"x", "s.yaml": b"x"}, (), "'../evil.yaml' is not a plain relative path"),
    ({"/etc/evil.txt": b"x", "s.yaml": b"x"}, (), "'/etc/evil.txt' is not a plain relative path"),
    ({"C:/evil.txt": b"x"}, (), "'C:/evil.txt' is not a plain relative path"),
    ({"s.yaml": b"x", "sources/a.txt": b"/etc/passwd"}, ("sources/a.txt",), "'sources/a.txt' is a link"),
    ({f"f{i}.txt": b"x" for i in range(60)}, (), "the archive holds 60 files; at most 50"),
    ({"s.yaml": b"x", "big.txt": b"0" * (5 * 2**20)}, (), "unpacks to more than the 4 MB limit"),
    ({"a.txt": b"x"}, (), "found 0 scenario files"),
    ({"a.yaml": b"x", "b.yml": b"x"}, (), "found 2 scenario files (.yaml/.yml) (a.yaml, b.yml)"),
])
def test_archives_are_extracted_safely_or_refused(ctx, tmp_path, members, links, message):
    before = list(ctx.scenarios)
    with pytest.raises(UploadError) as err:
        ctx.add_upload("bundle.zip", data_url(zipped(members, links)))
    assert message in err.value.lines[0], err.value.lines
    assert list(ctx.scenarios) == before
    assert not (SEED_SCENARIO.parents[2] / "evil.yaml").exists()


def test_upload_size_limits_are_named(ctx):
    with pytest.raises(UploadError) as err:
        ctx.add_upload("big.yaml", data_url(b"x" * (2 * 2**20)))
    assert err.value.lines == ["big.yaml: upload: about 2.0 MB, larger than the 256 KB limit for a scenario"]
    with pytest.raises(UploadError) as err:
        ctx.add_upload(["s.yaml", "a.txt", "b.txt"], [data_url(b"x"), data_url(b"0" * 3 * 2**20),
                                                      data_url(b"0" * 3 * 2**20)])
    assert "add up to more than the 4 MB limit" in err.value.lines[0]


OUTSIDE = "is outside the scenario's folder (a scenario names only files in its own folder and below)"
SOURCE_LINE = b"    file: sources/alwatan_2023-02_quartet.txt\n"
SOURCE_AT = SEED_SCENARIO.read_bytes().split(SOURCE_LINE)[0].count(b"\n") + 1  # the line of the source's file:


@pytest.mark.parametrize("name", ["../../../../../../../../etc/passwd", "/etc/passwd", "/no/such/file",
                                  "../../../../../../../../no/such/file"])
def test_an_upload_cannot_test_quotes_against_any_file_of_the_server(ctx, name):
    """`file:` outside the upload folder, with a quote to test and a text uploaded beside it: refused in one line
    that is the same whether the path exists or not (no oracle for the server's files)."""
    scenario = SEED_SCENARIO.read_bytes()
    assert SOURCE_LINE in scenario
    probe = scenario.replace(SOURCE_LINE, f"    file: {name}\n".encode(), 1).replace(
        A_QUOTE.encode(), b"root:x:0:0", 1)
    with pytest.raises(UploadError) as err:
        ctx.add_upload(["p.yaml", "other.txt"], [data_url(probe), data_url("a header\n---\na body")])
    assert err.value.lines == [f"p.yaml:{SOURCE_AT}:5: sources[0].file: '{name}' {OUTSIDE}"]


@pytest.mark.parametrize("name", ["/etc/passwd", "../../../../../../../../etc/passwd", "/no/such/file.yaml",
                                  "/dev/zero", "../../../../../../../../dev/zero"])
def test_an_uploads_defaults_file_must_be_in_its_own_folder(ctx, name):
    text = SEED_SCENARIO.read_text(encoding="utf-8").replace("\nsources:\n", f"\ndefaults: {name}\n\nsources:\n", 1)
    line = text[:text.index("defaults:")].count("\n") + 1
    for files, datas in ((["d.yaml"], [data_url(text)]),
                         (["d.yaml", SOURCE_FILE], [data_url(text), data_url((SOURCE / SOURCE_FILE).read_bytes())])):
        with pytest.raises(UploadError) as err:
            ctx.add_upload(files, datas)
        assert err.value.lines == [f"d.yaml:{line}:1: defaults: '{name}' {OUTSIDE}"]


def test_an_upload_is_never_granted_the_configured_extra_roots(ctx, tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "text.txt").write_bytes((SOURCE / SOURCE_FILE).read_bytes())
    monkeypatch.setenv("DIPLOSIM_FILE_ROOTS", str(shared))
    scenario = SEED_SCENARIO.read_bytes().replace(SOURCE_LINE, f"    file: {shared / 'text.txt'}\n".encode(), 1)
    with pytest.raises(UploadError) as err:
        ctx.add_upload(["p.yaml", "other.txt"], [data_url(scenario), data_url("a header\n---\na body")])
    assert err.value.lines == [f"p.yaml:{SOURCE_AT}:5: sources[0].file: '{shared / 'text.txt'}' {OUTSIDE}"]


def find(node, id_):
    if getattr(node, "id", None) == id_:
        return node
    kids = getattr(node, "children", None)
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        hit = find(kid, id_)
        if hit is not None:
            return hit
    return None


def test_uploads_belong_to_the_browser_session_that_made_them(seed_loaded):
    """One user's uploads never appear in another's menus, URL or callbacks: each page has a session id (a
    dcc.Store kept in the tab's session storage) and an upload is kept for that session only."""
    from dashboards.app import create_app

    app = create_app(seed_loaded, runs=20, warm=False)
    client = app.server.test_client()
    page = app.layout()
    store = find(page, "session")
    assert store.storage_type == "session" and len(store.data) >= 16
    assert store.data != find(app.layout(), "session").data  # a new id for each new page
    alice, bob = "a" * 20 + "-alice", "b" * 20 + "-bob"
    payload = {"filename": ["copy.yaml"], "contents": [data_url(SEED_SCENARIO.read_bytes())]}
    answer = post_callback(app, client, "upload-problems.children...url.search", {"upload-payload.data": payload,
                                                                     "session.data": alice}, [], "upload-payload.data")
    assert answer.status_code == 200
    key = answer.get_json()["response"]["url"]["search"].split("scenario=")[1].split("&")[0]
    assert key.startswith("upload-")

    def menu(session):
        answer = post_callback(app, client, "compare-a-scenario.options", {"session.data": session}, [],
                               "session.data")
        return [o["value"] for o in answer.get_json()["response"]["compare-a-scenario"]["options"]]

    assert menu(alice) == ["main", key] and menu(bob) == ["main"] and menu(None) == ["main"]
    assert [o["value"] for o in find(app.layout(), "compare-a-scenario").options] == ["main"]  # a new page
    ctx = app.diplosim_context
    assert ctx.get(key, alice) is not None and ctx.get(key, bob) is None and ctx.get(key, "") is None

    def controls_for(session):
        values = {"url.search": f"?scenario={key}", "session.data": session, "whatif-state.data": f"?scenario={key}"}
        answer = post_callback(app, client, "whatif-controls.children", values, [], "session.data")
        return answer.get_json()["response"]

    assert controls_for(alice)["active-scenario"]["data"] == key  # the page the URL names, once its session is known
    refused = controls_for(bob)
    assert refused["active-scenario"]["data"] == "main"
    assert f"unknown scenario '{key}'" in str(refused["whatif-problems"]["children"])
    folder = ctx.sessions[alice].folder
    assert (folder / key / "copy.yaml").is_file() and ctx.upload_root in folder.parents and alice not in str(folder)


def test_uploads_have_a_size_cap_per_session_and_for_the_server_and_a_lifetime(seed_loaded, tmp_path):
    import time as clock

    context = Context(runs=20, seed=1)
    context.add("main", "seed", seed_loaded)
    text = SEED_SCENARIO.read_bytes()
    one, two = "s" * 16 + "-one", "s" * 16 + "-two"
    context.session_bytes = int(2.5 * len(text))
    context.add_upload("a.yaml", data_url(text), one)
    context.add_upload("b.yaml", data_url(text.replace(b"title:", b"title: B", 1) if b"title:" in text
                                          else text + b"\n# b\n"), one)
    with pytest.raises(UploadError) as err:
        context.add_upload("c.yaml", data_url(text + b"\n# c\n"), one)
    assert len(err.value.lines) == 1 and err.value.lines[0].startswith("upload: this session already keeps ")
    assert "limit" in err.value.lines[0]
    context.server_bytes = int(2.5 * len(text))  # the server's cap counts every session
    with pytest.raises(UploadError) as err:
        context.add_upload("d.yaml", data_url(text + b"\n# d\n"), two)
    assert len(err.value.lines) == 1 and err.value.lines[0].startswith("upload: the server keeps ")
    folder = context.sessions[one].folder
    assert folder.is_dir()
    context.expire(clock.monotonic() + context.idle_hours * 3600 + 1)  # idle longer than its lifetime: gone
    assert one not in context.sessions and not folder.exists()
    assert context.get("main", one) is not None and [o["value"] for o in context.options(one)] == ["main"]
    context.add_upload("d.yaml", data_url(text + b"\n# d\n"), two)  # the room it held is free again


def test_an_upload_from_a_page_without_a_valid_session_is_refused_in_one_line(ctx):
    for session in ("", "short", "x" * 200, "../../etc"):
        with pytest.raises(UploadError) as err:
            ctx.add_upload("copy.yaml", data_url(SEED_SCENARIO.read_bytes()), session)
        assert err.value.lines == ["upload: this page has no valid session (reload the page and upload again)"]


def test_pooled_points_are_labelled_honestly(grid_results, ctx):
    from dashboards.sweep import open_results, pooled_label

    res = open_results(ctx, str(grid_results))
    c = res.compiled
    assert pooled_label(res.points, [3], c) == "Russia's peak urgency = 0.9, Syria's flexibility = 0.35"
    assert pooled_label(res.points, [0, 2], c) == ("Syria's flexibility = 0.15, pooled over Russia's peak urgency = "
                                                   "0.3, 0.9")


def test_a_too_long_address_gets_a_page_that_says_so(seed_loaded):
    import http.client
    import threading

    from werkzeug.serving import make_server

    from dashboards.app import RequestHandler, create_app

    app = create_app(seed_loaded, runs=50)
    httpd = make_server("127.0.0.1", 0, app.server, threaded=True, request_handler=RequestHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", httpd.server_port, timeout=20)
        conn.request("GET", "/?set=syria.flexibility%3D" + "1" * 100_000)
        answer = conn.getresponse()
        body = answer.read().decode()
        assert answer.status == 414
        assert "This dashboard address is too long" in body and "longer than 65,536 characters" in body
        conn.close()
    finally:
        httpd.shutdown()
        thread.join(timeout=10)


# ------------------------------------------------------------------ the page itself
CLOUD_BUTTONS = {"sendChartToCloud", "sendDataToCloud", "editInChartStudio"}


def graphs(node) -> list:
    """Every dcc.Graph in a layout tree."""
    from dash import dcc

    found = [node] if isinstance(node, dcc.Graph) else []
    kids = getattr(node, "children", None)
    for kid in kids if isinstance(kids, (list, tuple)) else [kids] if kids is not None else []:
        found += graphs(kid)
    return found


def test_no_chart_offers_to_send_itself_to_a_cloud_service(ctx, seed_loaded, grid_results):
    """plotly.js shows a "Share chart" (cloud upload) button unless told not to: every graph of every tab, the
    scenario panel's network and the HTML report are told."""
    import ast
    from pathlib import Path

    from dashboards.app import create_app, layout
    from dashboards.scenario_view import scenario_panel
    from simulator.report import Section, render_html
    from simulator.charts import FIGURE_CONFIG

    assert FIGURE_CONFIG["showSendToCloud"] is False and CLOUD_BUTTONS <= set(FIGURE_CONFIG["modeBarButtonsToRemove"])
    app = create_app(seed_loaded, grid_results, runs=50, warm=False)
    page = graphs(layout(app.diplosim_context, "")) + [g for n in scenario_panel(ctx.get("main")) for g in graphs(n)]
    assert len(page) >= 10 and "scenario-network" in [g.id for g in page]
    for g in page:
        config = getattr(g, "config", None) or {}  # plotly.js's defaults when not given: the cloud button shows
        assert config.get("showSendToCloud") is False, g.id
        assert CLOUD_BUTTONS <= set(config.get("modeBarButtonsToRemove", [])), g.id
    for module in Path(layout.__code__.co_filename).parent.glob("*.py"):  # no graph made another way
        for call in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(call, ast.Call) and ast.unparse(call.func) in ("dcc.Graph", "Graph"):
                assert module.name == "ui.py", f"{module.name}:{call.lineno}: use ui.graph (its config)"
    import plotly.graph_objects as go

    html_page = render_html([Section("a", "A chart", go.Figure(go.Bar(x=[1], y=[1])))], "t")
    assert '"showSendToCloud": false' in html_page and '"sendChartToCloud"' in html_page


def test_every_chart_the_dashboard_draws_is_in_plotly_js_cartesian_bundle(ctx, grid_results):
    from simulator import charts
    from dashboards.app import CARTESIAN_TRACES
    from dashboards.compare import compare_view
    from dashboards.onerun import trace_run
    from dashboards.sweep import NONE, open_results, point_view, sweep_figure
    from dashboards.whatif import whatif_view

    import pandas as pd
    from simulator.charts.onerun import actor_weeks

    c = ctx.get("main").compiled
    figures = list(whatif_view(ctx, WhatIf("main", 200, 3, {"russia.active": 0.0}))["figures"].values())
    figures += [compare_view(ctx, "main", {}, "main", {"iran.active": 0.0}, 200, 3)[k] for k in ("diff", "calendar")]
    res = open_results(ctx, str(grid_results))
    figures += [sweep_figure(res, "fm_before_round1", "russia.urgency.peak", y)
                for y in ("syria.flexibility", NONE)]
    figures += [v for k, v in point_view(res, [0]).items() if k != "info"]
    trace = trace_run(c, 1, 0)
    figures += [actor_weeks(pd.DataFrame(trace["weeks"]), c, 5), charts.actor_network(c)]
    types = {t.type or "scatter" for fig in figures for t in fig.data}
    assert types and types <= CARTESIAN_TRACES, types - CARTESIAN_TRACES


def test_the_page_runs_plotly_js_early_and_the_cartesian_bundle_when_installed(seed_loaded, monkeypatch, tmp_path):
    import dashboards.app as dash_app

    bundle = tmp_path / "plotly-cartesian.min.js"
    bundle.write_text("window.Plotly = {};")
    for installed in (None, bundle):
        monkeypatch.setattr(dash_app, "cartesian_bundle", lambda found=installed: found)
        client = dash_app.create_app(seed_loaded, runs=20, warm=False).server.test_client()
        page = client.get("/").get_data(as_text=True)
        url = "/" + (dash_app.CARTESIAN_PATH if installed else dash_app.PLOTLY_PATH)
        assert f'<link rel="preload" href="{url}" as="script">' in page and f'var url = "{url}"' in page
        assert page.index("window.fetch = function") < page.index("dash_renderer")  # hooked before the renderer
        script = client.get(url)
        assert script.status_code == 200 and (script.get_data(as_text=True) == bundle.read_text()) == bool(installed)


def test_the_layout_comes_filled_in_for_the_pages_address(seed_loaded):
    from dashboards.app import create_app

    app = create_app(seed_loaded, runs=30, warm=False)
    client = app.server.test_client()
    search = "?scenario=main&runs=30&seed=1&set=syria.flexibility%3D0.3"
    layout = client.get("/_dash-layout", headers={"Referer": f"http://127.0.0.1:8050/{search}"}).get_json()
    text = str(layout)
    assert "Syria's flexibility = 0.3" in text and "fixed at 0.3" in text  # the what-if of the address, computed
    assert "whatif-shown" in text and search in text  # the URL callback and run_whatif then change nothing
    plain = str(client.get("/_dash-layout").get_json())  # no Referer: the baseline, and the callbacks take over
    assert "changes: none (baseline)" in plain


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_the_scenario_tab_shows_every_construct_of_each_corpus_scenario(path):
    from simulator.scenario import load
    from dashboards.scenario_view import scenario_panel

    context = Context(runs=10, seed=1)
    entry = context.add("main", path.name, load(path))
    sc, w = entry.loaded.scenario, entry.compiled.words

    from tests.synthetic import component_texts

    def sections(nodes):
        return {getattr(n, "id", None): " | ".join(component_texts(n)) for n in nodes if getattr(n, "id", None)}

    shown = sections(scenario_panel(entry))
    assert {"scenario-milestones", "scenario-calendar", "scenario-questions"} <= set(shown)
    for m in entry.compiled.milestones:
        assert w.name(m.id) in shown["scenario-milestones"]
    if any(m.kind == "joint" for m in entry.compiled.milestones):
        assert "joint act" in shown["scenario-milestones"]
    for key, items in (("scenario-concession-ladders", sc.concessions), ("scenario-preconditions", sc.preconditions),
                       ("scenario-mediation", sc.mediation), ("scenario-triggered-effects", sc.effects)):
        assert (key in shown) == bool(items), key
    if sc.history is not None:
        assert "scenario-history" in shown
    for o in sc.calendar.occasions:
        assert f"{w.name(o.id)}: " in shown["scenario-calendar"]
    for q in entry.compiled.questions:
        assert q.text in shown["scenario-questions"]


# ------------------------------------------------------------------ callbacks over HTTP (what the browser gets)
def post_callback(app, client, output: str, values: dict, names: list[str], changed: str):
    """POST one callback request as the browser sends it: ``output`` picks the callback (a piece of its outputs
    key), ``values`` gives "id.property" -> value (a list over ``names`` for an ALL pattern). Returns the response."""
    import json

    key = next(k for k in app.callback_map if output in k)
    spec = app.callback_map[key]

    def expand(id_: str, prop: str, value=None, with_value=False):
        if id_.startswith("{"):
            kind = json.loads(id_)["type"]
            items = [{"id": {"name": n, "type": kind}, "property": prop} for n in names]
            if with_value:
                for item, v in zip(items, value if prop != "id" else [i["id"] for i in items]):
                    item["value"] = v
            return items
        item = {"id": id_, "property": prop}
        if with_value:
            item["value"] = value
        return item

    outputs = []
    for part in key.strip(".").split("..."):
        id_, _, prop = part.rpartition(".")
        outputs.append(expand(id_, prop.split("@")[0]))
    inputs = [expand(i["id"], i["property"], values.get(f"{i['id']}.{i['property']}"), True) for i in spec["inputs"]]
    state = [expand(s["id"], s["property"], values.get(f"{s['id']}.{s['property']}"), True) for s in spec["state"]]
    body = {"output": key, "outputs": outputs if len(outputs) > 1 else outputs[0], "inputs": inputs,
            "state": state, "changedPropIds": [changed]}
    return client.post("/_dash-update-component", json=body)


def whatif_request(app, client, runs, seed, search=""):
    from dashboards.whatif import slider_start, switches

    c = app.diplosim_context.get("main").compiled
    names = list(c.table.uncertain)
    values = {'{"name":["ALL"],"type":"whatif-param"}.value': [slider_start(c.table.params[n]) for n in names],
              "whatif-toggles.value": [n for n, _ in switches(c)], "whatif-runs.value": runs,
              "whatif-seed.value": seed, "whatif-scenario.data": "main", "whatif-extra.data": {},
              "whatif-sliders.data": None, "url.search": search, "whatif-shown.data": search}
    return post_callback(app, client, "whatif-status.children", values, names, "whatif-runs.value")


@pytest.mark.parametrize("runs, seed, message", [
    (0, 1, "runs: 0 is not a whole number from 1 to 20,000"),
    (30000, 1, "runs: 30000 is not a whole number from 1 to 20,000"),
    (-3, 1, "runs: -3 is not a whole number from 1 to 20,000"),
    (1.5, 1, "runs: 1.5 is not a whole number from 1 to 20,000"),
    (None, 1, "runs: empty or not a whole number from 1 to 20,000"),
    (50, None, "seed: empty or not a whole number from 0 to 9,007,199,254,740,991"),
    (50, 1.5, "seed: 1.5 is not a whole number from 0 to 9,007,199,254,740,991"),
    (50, 2**64, "seed: 18446744073709551616 is not a whole number from 0 to 9,007,199,254,740,991"),
])
def test_a_bad_number_of_runs_or_seed_gets_one_line_and_clears_the_results(seed_loaded, runs, seed, message):
    from dashboards.app import create_app

    app = create_app(seed_loaded, runs=30, warm=False)
    answer = whatif_request(app, app.server.test_client(), runs, seed)
    assert answer.status_code == 200, answer.get_data(as_text=True)[-300:]
    response = answer.get_json()["response"]
    text = str(response["whatif-status"]["children"])
    assert message in text and text.count("className': 'problem'") == 1, text
    assert response["whatif-numbers"]["children"] is None and response["whatif-headlines"]["children"] is None
    for chart in ("whatif-calendar", "whatif-diff", "whatif-questions"):  # no stale results left on screen
        assert response[chart]["figure"] == {"data": [], "layout": {}}
    assert response["whatif-shown"]["data"] is None  # the previous input, typed again, is shown again
    assert "url" not in response  # the address keeps the last what-if that ran


def test_the_seed_range_is_one_the_browser_holds_exactly_in_the_box_and_the_url(ctx):
    from dashboards.state import MAX_SEED

    assert MAX_SEED == 2**53 - 1
    _, problems = parse_search(f"?seed={2**63}", "main", ctx.table, 500, 1)
    assert problems == [f"URL: seed: {2**63} is outside 0..{MAX_SEED}; using 1"]
    assert parse_search(f"?seed={MAX_SEED}", "main", ctx.table, 500, 1)[0].seed == MAX_SEED


def test_a_5000_character_sweep_path_gets_one_line_and_clears_the_last_sweep(seed_loaded, grid_results):
    from dashboards.app import create_app

    app = create_app(seed_loaded, grid_results, runs=30, warm=False)
    client = app.server.test_client()
    for path, message in ((str(grid_results / ("a" * 5000)), "is not a results folder this server may open"),
                          (str(grid_results) + "/" + "b" * 300 + "/x", "cannot be opened (File name too long)")):
        values = {"sweep-path.value": path, "tabs.value": "sweep", "sweep-loaded.data": str(grid_results)}
        answer = post_callback(app, client, "sweep-info.children", values, [], "sweep-open.n_clicks")
        assert answer.status_code == 200, answer.get_data(as_text=True)[-300:]
        response = answer.get_json()["response"]
        text = str(response["sweep-problems"]["children"])
        assert message in text and text.count("'problem'") == 1, text
        assert response["sweep-info"]["children"] == "" and response["sweep-loaded"]["data"] is None
        assert response["sweep-graph"]["figure"] == {"data": [], "layout": {}}  # the last sweep's chart goes too


# ------------------------------------------------------------------ units
def test_point_changes_are_pts_and_never_minus_zero(ctx):
    from dashboards.ui import difference, pts
    from dashboards.whatif import whatif_view
    from simulator.charts.words import points, signed

    assert signed(-0.04) == "0.0" and signed(0.04) == "0.0" and signed(-0.3) == "-0.3" and signed(2) == "+2.0"
    assert points(-0.0004, -0.003, 0.0002) == "0.0 pts [-0.3, 0.0]"
    row = {"kind": "yes/no", "diff": -0.0004, "low": -0.003, "high": 0.0002}
    assert difference(row) == "0.0 pts [-0.3, 0.0]" and pts(-0.0004, -0.003, 0.0002) == "0.0 pts [-0.3, 0.0]"
    assert difference({"kind": "count", "diff": -0.001, "low": -0.004, "high": 0.3}) == "0.00 [0.00, +0.30] times"
    view = whatif_view(ctx, WhatIf("main", 200, 3, {"russia.active": 0.0}))
    rows = view["rows"]
    shown = [difference(r) for r in rows if r["kind"] != "count"]
    assert shown and all(s.endswith("]") and " pts [" in s and "%" not in s and "-0.0" not in s for s in shown)
    fig = view["figures"]["diff"]
    assert "points" in fig.layout.xaxis.title.text and "%" not in (fig.layout.xaxis.tickformat or "")
    assert list(fig.data[0].x) == pytest.approx([100 * r["diff"] for r in rows if r["kind"] != "count"])
    assert all(" pts [" in hover[0] and "%" not in hover[0] for hover in fig.data[0].customdata)
    assert ":+.1%" not in fig.data[0].hovertemplate and fig.layout.xaxis.ticksuffix == " pts"
    base = whatif_view(ctx, WhatIf("main", 200, 3, {}))
    zero = {"count": "0.00 [0.00, 0.00] times", "date": "median unchanged [unchanged]; by the end 0.0 pts [0.0, 0.0]"}
    assert all(difference(r) == zero.get(r["kind"], "0.0 pts [0.0, 0.0]") for r in base["rows"])


# ------------------------------------------------------------------ time words follow the scenario's step
DAILY = CORPUS[0].parent / "israel_hamas_truce_2023.yaml"  # calendar.step_days: 1


@pytest.fixture(scope="module")
def daily():
    from simulator.scenario import load

    context = Context(runs=40, seed=1)
    entry = context.add("main", DAILY.name, load(DAILY))
    assert entry.compiled.step_days == 1
    return context


def texts_of(node) -> str:
    if isinstance(node, str):
        return node
    kids = getattr(node, "children", None)
    kids = kids if isinstance(kids, (list, tuple)) else [] if kids is None else [kids]
    own = [getattr(node, "label", None)] if isinstance(getattr(node, "label", None), str) else []
    return " | ".join(own + [texts_of(k) for k in kids])


def test_step_words_follow_the_scenarios_step():
    from simulator.charts.words import step_words

    assert (step_words(7).one, step_words(7).many, step_words(7).counter(3, 101)) == ("week", "weeks", "Week 3 of 101")
    assert (step_words(1).one, step_words(1).many, step_words(1).counter(3, 101)) == ("day", "days", "Day 3 of 101")
    assert (step_words(3).one, step_words(3).many, step_words(3).counter(3, 9)) == ("3-day step", "3-day steps",
                                                                                     "Step 3 of 9")
    assert step_words(1).by_step == "day by day" and step_words(3).by_step == "step by step"


def test_a_daily_scenario_is_stepped_day_by_day_in_the_one_run_tab(daily, ctx):
    import pandas as pd

    from dashboards.app import layout
    from dashboards.onerun import trace_run, week_table
    from simulator.charts.onerun import actor_weeks
    from simulator.charts.runs import postponement_reasons
    from simulator.summary import summarize

    c = daily.get("main").compiled
    trace = trace_run(c, 1, 0)
    title = actor_weeks(pd.DataFrame(trace["weeks"]), c, 2).layout.title.text
    assert title.startswith(f"Day 3 of {len(c.dates)}: 23 Nov 2023") and "week" not in title.lower(), title
    header = texts_of(week_table(trace, c, 2))
    assert "this day (2023-11-23)" in header and "week" not in header
    page = texts_of(layout(daily, ""))
    assert "One run, day by day" in page and "◀ day" in page and "day ▶" in page and "week ▶" not in page
    from dashboards.compute import simulate

    summary = summarize(simulate(c, 1, 40, {}).table, None, c)
    labels = " ".join(postponement_reasons(summary, c).layout.yaxis.ticktext or []) + " ".join(
        str(y) for t in postponement_reasons(summary, c).data for y in t.y)
    assert "days postponed per run" in labels and "weeks postponed" not in labels
    weekly = texts_of(layout(ctx, ""))  # a weekly scenario still reads in weeks
    assert "One run, week by week" in weekly and "week ▶" in weekly


def test_the_command_line_summary_counts_postponed_steps_in_the_scenarios_step(daily):
    import io

    from rich.console import Console

    from dashboards.compute import simulate
    from simulator.cli.render import render_summary
    from simulator.summary import summarize

    c = daily.get("main").compiled
    summary = summarize(simulate(c, 1, 20, {}).table, None, c)
    for days, word in ((1, "days postponed"), (7, "weeks postponed")):
        out = io.StringIO()
        render_summary(summary, Console(file=out, width=250), "t", step_days=days)
        assert word in out.getvalue()


# ------------------------------------------------------------------ simulations off the request threads
def test_chunked_simulations_give_the_same_runs_as_one_call(ctx):
    from dashboards.compute import simulate
    from dashboards.jobs import Scheduler, Sim
    from dashboards.context import LRU

    c = ctx.get("main").compiled
    scheduler = Scheduler(LRU(4), workers=1)
    sims = [Sim(("k", 3, 1_100, "auto", ()), c, 3, 1_100, {}, "batch", chunk=400),
            Sim(("k", 3, 1_100, "auto", (("russia.active", 0.0),)), c, 3, 1_100, {"russia.active": 0.0}, "batch",
                chunk=400)]
    base, alt = scheduler.run("s" * 16, "whatif", sims)
    assert base.table.equals(simulate(c, 3, 1_100, {}).table) and base.table.num_rows == 1_100
    assert alt.table.equals(simulate(c, 3, 1_100, {"russia.active": 0.0}).table)
    assert alt.summary == simulate(c, 3, 1_100, {"russia.active": 0.0}).summary
    assert scheduler.outcomes.get(sims[0].cache_key) is base  # cached as before


def sim(c, runs: int, chunk: int, tag: str):
    from dashboards.jobs import Sim

    return Sim((tag, runs), c, 1, runs, {}, "batch", chunk=chunk)


def test_one_users_big_request_delays_anothers_by_a_chunk_not_the_whole_request(ctx):
    from dashboards.context import LRU
    from dashboards.jobs import Scheduler

    c = ctx.get("main").compiled
    scheduler = Scheduler(LRU(8), workers=0)  # no worker yet: the queue is set up first, then one worker starts
    heavy_user, light_user = "h" * 16, "l" * 16
    heavy = scheduler.submit(heavy_user, "whatif", [sim(c, 2_000, 200, "heavy-base"), sim(c, 2_000, 200, "heavy")])
    light = scheduler.submit(light_user, "whatif", [sim(c, 300, 200, "light")])
    assert scheduler.describe(light_user).startswith("busy: 1 request ahead of yours")
    assert scheduler.describe(heavy_user) == "running: 0 of 4,000 runs done"
    scheduler.workers = 1
    scheduler._start_workers()
    assert light.done.wait(120)
    # served in turn by session: the light user's two chunks ran after at most two of the heavy user's twenty
    assert not heavy.done.is_set() and heavy.runs_done() <= 2 * 200 + 200
    assert heavy.done.wait(120) and not heavy.cancelled and heavy.error is None


def test_a_newer_request_of_a_page_supersedes_its_older_one_and_the_queue_is_bounded(ctx):
    from dashboards.context import LRU
    from dashboards.jobs import Busy, Scheduler, Superseded

    c = ctx.get("main").compiled
    scheduler = Scheduler(LRU(8), workers=0, max_waiting=2)
    page = "p" * 16
    older = scheduler.submit(page, "whatif", [sim(c, 500, 500, "older")])
    other_slot = scheduler.submit(page, "compare", [sim(c, 500, 500, "compare")])
    newer_thread_result = {}

    def newer():
        try:
            newer_thread_result["got"] = scheduler.run(page, "whatif", [sim(c, 500, 500, "newer")])
        except Exception as exc:  # noqa: BLE001
            newer_thread_result["got"] = exc

    import threading

    thread = threading.Thread(target=newer)
    thread.start()
    assert older.done.wait(30) and older.cancelled  # replaced while still queued
    assert not other_slot.cancelled  # another slot of the same page stays
    with pytest.raises(Busy) as err:
        scheduler.submit("q" * 16, "whatif", [sim(c, 500, 500, "third")])
    assert str(err.value) == "busy: 2 requests are waiting on this server, its limit; try again in a moment"
    scheduler.workers = 1
    scheduler._start_workers()
    thread.join(120)
    assert newer_thread_result["got"][0].table.num_rows == 500
    got = {}

    def older_run():  # a page's what-if whose caller waits, as a callback does
        try:
            got["older"] = scheduler.run(page, "whatif", [sim(c, 20_000, 500, "slow")])
        except Superseded as exc:
            got["older"] = exc

    thread = threading.Thread(target=older_run)
    thread.start()
    deadline = time.monotonic() + 60
    while not any(r.session == page for r in scheduler.requests) and time.monotonic() < deadline:
        time.sleep(0.01)  # until the older request is queued (a state, bounded)
    (newest,) = scheduler.run(page, "whatif", [sim(c, 500, 500, "newest")])
    thread.join(120)
    assert isinstance(got["older"], Superseded) and newest.table.num_rows == 500


def test_the_page_says_where_its_request_stands_while_it_waits(seed_loaded):
    from dashboards.app import create_app
    from dashboards.jobs import Scheduler

    app = create_app(seed_loaded, runs=20, warm=False)
    client = app.server.test_client()
    assert client.get("/_dash-layout").status_code == 200  # the page's baseline, by the app's own workers
    context = app.diplosim_context
    context.scheduler = Scheduler(context.outcomes, workers=0)  # nothing runs: the queue stays as it is set up
    c = context.get("main").compiled
    mine, other = "m" * 16, "o" * 16
    context.scheduler.submit(other, "whatif", [sim(c, 20_000, 5_000, "other")])
    context.scheduler.submit(mine, "whatif", [sim(c, 500, 500, "mine")])
    for prefix in ("whatif", "compare"):
        values = {f"{prefix}-busy-timer.n_intervals": 3, f"{prefix}-busy-timer.disabled": False, "session.data": mine}
        answer = post_callback(app, client, f"{prefix}-busy.children", values, [], f"{prefix}-busy-timer.n_intervals")
        assert answer.get_json()["response"][f"{prefix}-busy"]["children"].startswith(
            "busy: 1 request ahead of yours"), answer.get_json()
    for prefix, output in (("whatif", "whatif-status.children"), ("compare", "compare-status.children")):
        running = next(cb for cb in app._callback_list if output in cb["output"]).get("running")
        assert f"{prefix}-busy-timer" in str(running)  # the timer runs while the simulation callback does
