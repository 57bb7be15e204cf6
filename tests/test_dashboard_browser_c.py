"""Issue 25 items 14, 15 and 16 in a real browser: why it moved, the track record and 'against what happened',
downloads, every tab's state in the URL, Compare's sliders and switches, corpus scenarios picked from a list,
and a sweep started from the page.

Fixtures and helpers come from tests/test_dashboard_browser.py (Playwright driving Debian's Chromium); every
test waits for a state of the page, never for a length of time.
"""

from __future__ import annotations

import io
import threading

import pytest

from .test_dashboard_browser import (  # noqa: F401 - fixtures used by name
    CHROMIUM, WAIT_MS, browser, open_tab, page, param_part, serve, shoot, text_of, wait_text)

pytest.importorskip("dash", reason="the dashboard needs Dash: pip install 'diplosim[dashboard]'")
pytest.importorskip("playwright", reason="browser tests need Playwright for Python: pip install -e '.[test]'")

from .conftest import ROOT, SEED_SCENARIO  # noqa: E402
from .results_fixtures import GRID, write_results  # noqa: E402

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
CORPUS = ROOT / "scenarios"
RUNS = 200
SLOW_MS = 5 * WAIT_MS  # the bound of a wait for a long computation (the corpus backtest, a sweep) on a loaded machine


@pytest.fixture(scope="module")
def app_c(tmp_path_factory, seed_loaded, seed_compiled):
    import logging

    from dashboards.app import create_app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    base = tmp_path_factory.mktemp("dashboard_c")
    grid = write_results(base / "grid", seed_loaded, seed_compiled, GRID, 6, "sweep")
    app = create_app(SEED_SCENARIO, runs=RUNS, seed=1, results_roots=[base], scenario_roots=[CORPUS])
    url, stop = serve(app)
    yield {"url": url, "grid": grid, "base": base, "app": app, "ctx": app.diplosim_context}
    stop()


def plot_data(page, selector: str) -> list:
    return page.evaluate(f"() => {{ const p = document.querySelector({selector!r} + ' .js-plotly-plot');"
                         " return p && p.data ? p.data.map(t => ({name: t.name, y: t.y, x: t.x})) : [] }")


def plot_title(page, selector: str) -> str:
    return page.evaluate(f"() => {{ const p = document.querySelector({selector!r} + ' .js-plotly-plot');"
                         " return p && p.layout && p.layout.title ? (p.layout.title.text || '') : '' }")


def wait_title(page, selector: str, contains: str) -> None:
    page.wait_for_function(
        f"s => {{ const p = document.querySelector({selector!r} + ' .js-plotly-plot');"
        " return !!(p && p.layout && p.layout.title && (p.layout.title.text || '').includes(s)) }",
        arg=contains, timeout=WAIT_MS)


def pick(page, dropdown: str, option_text: str) -> None:
    page.click(dropdown)
    page.get_by_role("option").filter(has_text=option_text).first.click()


# ------------------------------------------------------------------ item 14: why it moved
def test_why_it_moved_shows_flags_sensitivity_and_blockers_for_the_question(app_c, page, seed_loaded):
    from simulator import api
    from simulator.analysis.fragile import describe

    page.goto(app_c["url"])
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    wait_text(page, "#why-section", "Fragile: this question hangs on 2 numbers")
    # the same flags, in the same words, as `diplosim run` prints for these runs
    expected = api.run(seed_loaded, runs=RUNS, seed=1, fragile=True).summary["fragile"]
    flags = next(q for q in expected["questions"] if q["id"] == "fm_before_round1")["flags"]
    shown = page.locator("#why-fragile li").all_inner_texts()
    assert shown == [describe(f) for f in flags] and len(shown) == 2
    wait_title(page, "#why-sensitivity", "What moves 'Do the Syrian and Turkish foreign ministers meet")
    bars = plot_data(page, "#why-sensitivity")[0]
    assert len(bars["y"]) == 12 and all(isinstance(v, (int, float)) for v in bars["x"])
    wait_title(page, "#why-blockers", "Who blocked each milestone")
    assert {t["name"] for t in plot_data(page, "#why-blockers")} >= {"Syria (Damascus government) declined"}
    wait_title(page, "#why-postponed", "Why were milestones postponed")
    assert all(name.startswith("Foreign ministers") for name in plot_data(page, "#why-postponed")[0]["y"])
    # another question: its own flags and chart
    pick(page, "#why-question", "Do the presidents meet by the end of 2024?")
    wait_title(page, "#why-sensitivity", "What moves 'Do the presidents meet by the end of 2024?'")
    wait_text(page, "#why-fragile", "Not fragile")
    shoot(page, "why-it-moved")


def test_why_it_moved_sets_baseline_and_whatif_side_by_side(app_c, page):
    page.goto(app_c["url"] + "?set=russia.active%3D0")
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    page.wait_for_function("() => { const p = document.querySelector('#why-blockers .js-plotly-plot');"
                           " return !!(p && p.data && p.data.length) }", timeout=WAIT_MS)
    rows = {y for t in plot_data(page, "#why-blockers") for y in t["y"]}
    assert rows == {"Foreign ministers (baseline)", "Foreign ministers (what-if)"}
    wait_text(page, "#why-fragile", "Not fragile")  # this what-if's own screen: Russia's push no longer decides


# ------------------------------------------------------------------ item 15: track record, against what happened
def test_track_record_tab_scores_by_track_reliability_and_each_negotiation(app_c, page, browser):
    from simulator import api
    from simulator.analysis.backtest import TRACKS

    expected = api.backtest(CORPUS, runs=2000, seed=0)
    page.goto(app_c["url"])
    open_tab(page, "track")
    page.wait_for_selector("#track-scores-table", timeout=SLOW_MS)
    rows = [r.split("\t") for r in page.locator("#track-scores-table tbody tr").all_inner_texts()]
    for (name, words), row in zip([(n, w) for n, w in TRACKS if expected["tracks"].get(n, {}).get("scenarios")],
                                  rows):
        pool = expected["tracks"][name]
        assert row[0] == words and row[1] == str(pool["scenarios"]) and row[2] == str(pool["yes_no"]["n"])
        assert row[3] == f"{pool['yes_no']['brier']:.3f}" and row[4] == f"{pool['yes_no']['prior_brier']:.3f}"
    assert rows[-1][0].startswith("All tracks together") and rows[-1][1] == str(len(expected["scenarios"]))
    wait_title(page, "#track-reliability", "blind track record")  # the first track shown, empty or not
    blind_n = expected["tracks"].get("blind", {}).get("yes_no", {}).get("n", 0)
    assert f" {blind_n} yes/no questions" in plot_title(page, "#track-reliability")
    pick(page, "#track-which", "Sighted corpus")
    wait_title(page, "#track-reliability", "sighted corpus")
    assert f"{expected['tracks']['sighted']['yes_no']['n']} yes/no questions" in plot_title(page, "#track-reliability")
    blocks = page.locator("#track-negotiations details")
    assert blocks.count() == len(expected["scenarios"])
    first = expected["scenarios"][0]
    blocks.first.locator("summary").click()
    table = page.inner_text("#track-negotiation-0")
    assert first["yes_no"][0]["text"].strip()[:60] in table and f"{first['yes_no'][0]['brier']:.3f}" in table
    assert ("did not happen" in table) or ("happened" in table)
    shoot(page, "track-record")
    # computed once for these files: another user's page gets the same task, not a second computation
    task = app_c["ctx"].tasks.get(next(k for k in app_c["ctx"].tasks.known if k[0] == "track record"))
    other = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        other.goto(app_c["url"])
        open_tab(other, "track")
        other.wait_for_function(f"() => {text_of('#track-status')}.includes('computed once for these corpus files')",
                                timeout=SLOW_MS)
        assert [k for k in app_c["ctx"].tasks.known if k[0] == "track record"] == [task.key]
    finally:
        other.close()


def test_against_what_happened_beside_the_forecast(app_c, page, seed_loaded):
    from simulator import api
    from simulator.analysis.observed import load_observed

    page.goto(app_c["url"])
    page.wait_for_selector("#whatif-observed-table", timeout=WAIT_MS)
    assert "Outcomes recorded in syria_turkey_2023.observed.yaml" in page.inner_text("#whatif-observed-section")
    headers = page.locator("#whatif-observed-table th").all_inner_texts()
    assert headers == ["question", "forecast (baseline)", "outside view", "what happened", "Brier (baseline)",
                       "Brier (outside view)"]
    forecast = api.run(seed_loaded, runs=RUNS, seed=1, outside_view=True)
    observed = {o.question: o for o in load_observed(CORPUS / "syria_turkey_2023.observed.yaml").observed.questions}
    rows = [r.split("\t") for r in page.locator("#whatif-observed-table tbody tr").all_inner_texts()]
    yes_no = [q for q in forecast.summary["questions"] if q["kind"] == "yes/no" and q["id"] in observed]
    outside = {q["id"]: q for q in forecast.outside_view.summary["questions"]}
    assert len(yes_no) >= 5
    for q, row in zip(yes_no, rows):  # the forecast, the outside view beside it and what happened, per question
        assert row[0] == q["text"].strip() and row[1] == f"{100 * q['p']:.1f}%"
        assert row[2] == f"{100 * outside[q['id']]['p']:.1f}%"
        assert row[3] == ("happened" if observed[q["id"]].answer else "did not happen")
    page.locator("#whatif-toggles").get_by_label("Russia mediates").uncheck()  # a what-if joins the table
    page.wait_for_function("() => [...document.querySelectorAll('#whatif-observed-table th')]"
                           ".some(t => t.innerText === 'what-if')", timeout=WAIT_MS)


# ------------------------------------------------------------------ item 16: downloads
def test_downloads_numbers_runs_and_report(app_c, page):
    import pyarrow.parquet as pq

    page.goto(app_c["url"] + "?set=russia.active%3D0")
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    questions = page.locator("#whatif-table tbody tr").count()
    with page.expect_download(timeout=WAIT_MS) as got:
        page.click("#whatif-dl-numbers-csv")
    text = open(got.value.path(), encoding="utf-8").read().splitlines()
    assert got.value.suggested_filename == "syria_turkey_2023-numbers.csv"
    assert text[0].startswith('"question_id","question","kind","baseline","baseline_low"') and len(text) == questions + 1
    with page.expect_download(timeout=WAIT_MS) as got:
        page.click("#whatif-dl-runs-parquet")
    runs = pq.read_table(got.value.path())
    assert runs.num_rows == 2 * RUNS and sorted(set(runs.column("variant").to_pylist())) == ["baseline", "what-if"]
    with page.expect_download(timeout=WAIT_MS) as got:
        page.click("#whatif-dl-report")
    report = open(got.value.path(), encoding="utf-8").read()
    assert report.startswith("<!DOCTYPE html>") and "diplosim report: " in report and "Against what happened" in report


# ------------------------------------------------------------------ item 16: Compare's sliders, state in the URL
def test_compare_sliders_switches_and_its_state_in_the_url(app_c, page, browser):
    page.goto(app_c["url"])
    open_tab(page, "compare")
    page.click("#compare-b-more")
    page.locator("#compare-b-controls label", has_text="Russia mediates").wait_for(timeout=WAIT_MS)
    page.locator("#compare-b-controls label", has_text="Russia mediates").locator("input").uncheck()
    page.click("#compare-go")
    page.wait_for_selector("#compare-numbers", timeout=WAIT_MS)
    page.wait_for_function("() => location.hash.includes('compare.b.set=russia.active%3D0')", timeout=WAIT_MS)
    assert "tab=compare" in page.url
    numbers = page.inner_text("#compare-numbers")
    first = page.locator("#compare-numbers tbody tr").first.inner_text().split("\t")
    assert first[3].startswith("-")  # fewer foreign ministers' meetings without Russia's push
    with page.expect_download(timeout=WAIT_MS) as got:
        page.click("#compare-dl-runs-csv")
    lines = open(got.value.path(), encoding="utf-8").read().splitlines()
    assert lines[0].startswith('"variant"') and len(lines) == 2 * RUNS + 1
    other = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        other.goto(page.url)  # the address alone: the tab, the switch and the same comparison
        other.wait_for_selector("#tab-compare", state="visible", timeout=WAIT_MS)
        other.wait_for_selector("#compare-numbers", timeout=WAIT_MS)
        other.wait_for_function("t => document.querySelector('#compare-numbers').innerText === t", arg=numbers,
                                timeout=WAIT_MS)
        box = other.locator("#compare-b-controls label", has_text="Russia mediates").locator("input")
        assert not box.is_checked()
    finally:
        other.close()
    # a slider of side A: moved, it fixes that parameter of A (the typed settings are checked as before)
    page.click("#compare-a-more")
    slider = "#compare-a-controls [id*='\"name\":\"turkey.flexibility\"']"
    page.locator(f"{slider} .dash-slider-track").wait_for(timeout=WAIT_MS)
    before = page.get_attribute(f"{slider} [role=slider]", "aria-valuenow")
    box = page.locator(f"{slider} .dash-slider-track").bounding_box()
    page.mouse.click(box["x"] + 0.95 * box["width"], box["y"] + box["height"] / 2)
    page.wait_for_function("([s, b]) => document.querySelector(s + ' [role=slider]').getAttribute('aria-valuenow') !== b",
                           arg=[slider, before], timeout=WAIT_MS)
    page.click("#compare-go")
    page.wait_for_function("() => location.hash.includes('compare.a.set=turkey.flexibility')", timeout=WAIT_MS)
    page.goto("about:blank")  # a new page: an address read when a page opens with it
    page.goto(app_c["url"] + "#tab=compare&compare.a=main&compare.b=nosuch&compare.runs=x")
    wait_text(page, "#tabstate-problems", "URL: compare.b: unknown scenario 'nosuch'")
    assert page.locator("#tabstate-problems .problem").count() == 2  # and the malformed number, one line each


def test_sweep_and_one_run_state_in_the_url(app_c, page, browser, seed_compiled):
    page.goto(app_c["url"])
    open_tab(page, "sweep")
    page.fill("#sweep-path", str(app_c["grid"]))
    page.click("#sweep-open")
    page.wait_for_selector("#sweep-graph .heatmaplayer", timeout=WAIT_MS)
    page.click("#sweep-y")
    page.click("text=none: a line chart over x")
    page.wait_for_function("() => location.hash.includes('sweep.y=%28none')", timeout=WAIT_MS)
    open_tab(page, "onerun")
    page.wait_for_selector("#onerun-week-table", timeout=WAIT_MS)
    for _ in range(3):
        page.click("#onerun-next")
    page.wait_for_function("() => location.hash.includes('onerun.step=4')", timeout=WAIT_MS)
    assert "tab=onerun" in page.url and "sweep.path=" in page.url
    other = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        other.goto(page.url)
        other.wait_for_selector("#tab-onerun", state="visible", timeout=WAIT_MS)
        other.wait_for_function("d => (document.querySelector('#onerun-week-table thead') || {innerText: ''})"
                                ".innerText.includes(d)", arg=seed_compiled.dates[3].isoformat(), timeout=WAIT_MS)
        open_tab(other, "sweep")  # the sweep the address names, opened with its line chart
        other.wait_for_function("() => { const p = document.querySelector('#sweep-graph .js-plotly-plot');"
                                " return !!(p && p.data && p.data.length && !p.data.some(t => t.type === 'heatmap')) }",
                                timeout=WAIT_MS)
        assert other.input_value("#sweep-path") == str(app_c["grid"])
    finally:
        other.close()
    page.goto("about:blank")
    page.goto(app_c["url"] + "#tab=nowhere&sweep.path=/etc")  # refused in one line each, as if typed
    wait_text(page, "#tabstate-problems", "URL: tab: 'nowhere' is not a tab")
    open_tab(page, "sweep")
    wait_text(page, "#sweep-problems", "sweep: '/etc' is not a results folder this server may open")


# ------------------------------------------------------------------ item 16: corpus picker
def test_corpus_scenarios_are_picked_from_a_list(app_c, page):
    page.goto(app_c["url"])
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    pick(page, "#corpus-pick", "Libya's UN roadmap")
    page.wait_for_function("() => location.search.includes('scenario=corpus-libya_2026')", timeout=WAIT_MS)
    wait_text(page, "#scenario-name", "Libya's UN roadmap stalled")
    wait_text(page, "#whatif-status", "runs per variant")
    page.wait_for_selector("#whatif-observed-table", timeout=WAIT_MS)  # a corpus scenario with its outcomes
    open_tab(page, "compare")
    page.click("#compare-a-scenario")
    page.get_by_role("option").filter(has_text="black_sea_grain_2022.yaml").first.wait_for(timeout=WAIT_MS)
    for hostile in ("corpus-..%2F..%2Fetc%2Fpasswd", "corpus-milestone_classes", "corpus-libya_2026.observed"):
        page.goto(app_c["url"] + f"?scenario={hostile}")
        wait_text(page, "#whatif-problems", "unknown scenario")
        assert page.locator("#whatif-problems .problem").count() == 1


# ------------------------------------------------------------------ item 16: a sweep from the page
def test_a_sweep_started_from_the_page_shows_progress_opens_and_can_be_cancelled(app_c, page):
    from dashboards.jobs import Tasks

    ctx = app_c["ctx"]
    page.goto(app_c["url"])
    open_tab(page, "sweep")
    page.click("#sweeprun summary")
    pick(page, "#sweeprun-params", "Turkey's flexibility")
    page.fill("#sweeprun-points", "11")
    page.fill("#sweeprun-runs", "5000")
    page.click("#sweeprun-go")  # bounded: refused in one line
    wait_text(page, "#sweeprun-status", "11 points x 5,000 runs = 55,000 runs, more than the 20,000")
    # the page's own longer work (its sensitivity screen) done first, so nothing of it joins the held-back queue
    page.wait_for_function("() => { const p = document.querySelector('#why-sensitivity .js-plotly-plot');"
                           " return !!(p && p.data && p.data.length) }", timeout=SLOW_MS)
    held = ctx.tasks
    ctx.tasks = Tasks(workers=0)  # the server's background thread held back: the sweep waits, and is cancelled
    try:
        page.fill("#sweeprun-runs", "40")
        page.click("#sweeprun-go")
        wait_text(page, "#sweeprun-status", "the sweep of 11 points x 40 runs: ")  # starting, or waiting
        page.click("#sweeprun-cancel")
        wait_text(page, "#sweeprun-status", "cancelled")
    finally:
        ctx.tasks = held
    page.fill("#sweeprun-points", "3")
    page.click("#sweeprun-go")
    try:
        page.wait_for_function(f"() => {text_of('#sweeprun-status')}.includes('done in')", timeout=SLOW_MS)
    except Exception:  # say where it stood (the page's line and the server's tasks), then fail
        queued = [(t.what, t.started is not None, t.done.is_set()) for t in ctx.tasks.known.values()]
        raise AssertionError(f"the sweep never finished: {page.inner_text('#sweeprun-status')!r}; tasks: {queued}")
    page.wait_for_selector("#sweep-graph .js-plotly-plot .scatterlayer .trace", timeout=WAIT_MS)
    wait_text(page, "#sweep-info", "3 points, 120 runs")
    assert str(ctx.sweeps_root) in page.input_value("#sweep-path")
    folders = [p for p in ctx.sweeps_root.iterdir()]
    assert len(folders) == 1 and (folders[0] / "manifest.json").is_file()  # the cancelled one left nothing
    shoot(page, "sweep-from-page")


def test_track_record_scores_the_outside_view_beside_the_forecasts(app_c, page):
    from simulator import api
    from simulator.analysis.backtest import TRACKS
    from simulator.cli.track_cmds import OUTSIDE_VIEW_RUNS

    page.goto(app_c["url"])
    open_tab(page, "track")
    page.wait_for_selector("#track-scores-table", timeout=SLOW_MS)
    page.click("#track-ov-go")
    wait_text(page, "#track-ov-status", "the outside view's track record")  # its progress while it runs
    page.wait_for_selector("#track-outside-view-table", timeout=SLOW_MS)  # about a minute of runs, once
    expected = api.backtest(CORPUS, runs=OUTSIDE_VIEW_RUNS, seed=0, outside_view=True)["outside_view"]
    rows = [r.split("\t") for r in page.locator("#track-outside-view-table tbody tr").all_inner_texts()]
    sighted = expected["tracks"]["sighted"]["brier_with_prior"]
    row = next(r for r in rows if r[0] == "Sighted corpus" and r[1].startswith("Brier"))
    assert row[1] == f"Brier, {sighted['n']} yes/no questions with a prior"
    assert row[2:6] == [f"{sighted[c]:.3f}" for c in ("as_written", "outside_view", "with_defaults", "priors")]
    for name, words in TRACKS:  # a track none of whose negotiations has a classed milestone says so
        pool = expected["tracks"].get(name)
        if pool is not None and not pool["scenarios"]:
            assert any("no outside view" in r[1] for r in rows if r[0] == words.split(":")[0])
