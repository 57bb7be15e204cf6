"""Issue 25 items 13-16 in a real browser, second part: why the Compare tab's two variants differ (item 14), the
Track record tab's downloads (item 16), and the first screen, why-it-moved, the track record and the other
downloads checked again on the seed scenario and on a daily-step corpus scenario.

Fixtures and helpers come from tests/test_dashboard_browser.py (Playwright driving Debian's Chromium); every
test waits for a state of the page, never for a length of time.
"""

from __future__ import annotations

import re

import pytest

from .test_dashboard_browser import (  # noqa: F401 - fixtures used by name
    CHROMIUM, WAIT_MS, browser, open_tab, page, serve, shoot, text_of, wait_text)

pytest.importorskip("dash", reason="the dashboard needs Dash: pip install 'diplosim[dashboard]'")
pytest.importorskip("playwright", reason="browser tests need Playwright for Python: pip install -e '.[test]'")

from .conftest import ROOT, SEED_SCENARIO  # noqa: E402
from .test_dashboard_browser_c import pick, plot_data, wait_title  # noqa: E402

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
CORPUS = ROOT / "scenarios"
DAILY = "israel_hamas_truce_2023"  # a corpus scenario stepped day by day
RUNS = 200
SLOW_MS = 5 * WAIT_MS  # the bound of a wait for a long computation (the corpus backtest) on a loaded machine


@pytest.fixture(scope="module")
def app_d():
    import logging

    from dashboards.app import create_app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = create_app(SEED_SCENARIO, runs=RUNS, seed=1, scenario_roots=[CORPUS])
    url, stop = serve(app)
    yield {"url": url, "app": app, "ctx": app.diplosim_context}
    stop()


def sentences(page, question: str) -> list[str]:
    return page.locator(f"#compare-why-q-{question} li").all_inner_texts()


# ------------------------------------------------------------------ item 14 on the Compare tab: why they differ
def test_compare_says_why_the_two_variants_differ(app_d, page):
    from simulator import api

    expected = api.compare(SEED_SCENARIO, sets_b=["russia.active=0"], runs=RUNS, seed=1).why()
    page.goto(app_d["url"])
    open_tab(page, "compare")
    page.fill("#compare-b-sets", "russia.active=0")
    page.click("#compare-go")
    page.wait_for_selector("#compare-numbers", timeout=WAIT_MS)
    # what differs between the two, in words
    wait_text(page, "#compare-why-settings", "B: Syria-Turkey rapprochement before the 2023 Turkish elections, with "
                                             "Russia mediates = off.")
    assert "A: Syria-Turkey rapprochement before the 2023 Turkish elections, as written." in \
        page.inner_text("#compare-why-settings")
    # each question whose answer differs by more than its interval: the same sentences the analysis gives
    page.wait_for_selector("#compare-why-q-fm_before_round1 li", timeout=WAIT_MS)
    differ = [q for q in expected["questions"] if q["differs"]]
    assert differ and page.locator("#compare-why-questions .why-question").count() == len(differ)
    for q in differ:
        assert sentences(page, q["id"]) == q["sentences"]
    fm = sentences(page, "fm_before_round1")
    assert fm[0].startswith("B against A: -") and " pts [" in fm[0]
    assert any(s.startswith("Foreign ministers: it happened within the question's window in ") for s in fm)
    assert any("in a week on the table it happened" in s for s in fm)  # the seed steps week by week
    # the milestones that differ, with both variants' shares and gates
    rows = [r.split("\t") for r in page.locator("#compare-why-table tbody tr").all_inner_texts()]
    shown = {r[0]: r for r in rows}
    for m in (m for m in expected["milestones"] if m["differs"]):
        assert shown[m["name"]][1] == f"{100 * m['a']:.1f}%" and shown[m["name"]][2] == f"{100 * m['b']:.1f}%"
    assert shown["Presidents"][6] == "Foreign ministers has happened and Defence ministers has happened"
    # who blocked the chosen question's milestones, in A and in B side by side; why they were postponed, in each
    page.wait_for_function("() => { const p = document.querySelector('#compare-why-blockers .js-plotly-plot');"
                           " return !!(p && p.data && p.data.length) }", timeout=WAIT_MS)
    assert {y for t in plot_data(page, "#compare-why-blockers") for y in t["y"]} == {"Foreign ministers (A)",
                                                                                      "Foreign ministers (B)"}
    wait_title(page, "#compare-why-postponed-a", "<b>A</b>: Why were milestones postponed?")
    wait_title(page, "#compare-why-postponed-b", "<b>B</b>: Why were milestones postponed?")
    # another question: its own milestones
    pick(page, "#compare-why-question", "Do the presidents meet by the end of 2024?")
    page.wait_for_function("() => { const p = document.querySelector('#compare-why-blockers .js-plotly-plot');"
                           " return !!(p && p.data && p.data.some(t => (t.y || []).includes('Presidents (B)'))) }",
                           timeout=WAIT_MS)
    shoot(page, "compare-why")


def test_compare_why_of_a_daily_scenario_speaks_in_days(app_d, page):
    key = f"corpus-{DAILY}"
    page.goto(app_d["url"] + f"#tab=compare&compare.a={key}&compare.b={key}&compare.b.set=qatar.active%3D0"
                             f"&compare.runs={RUNS}&compare.seed=1")
    page.wait_for_selector("#tab-compare", state="visible", timeout=WAIT_MS)
    page.wait_for_selector("#compare-why-questions .why-question li", timeout=WAIT_MS)
    wait_text(page, "#compare-why-settings", "with Qatar mediates = off")
    text = page.inner_text("#compare-why-section")
    assert "in a day on the table it happened" in text
    assert not re.search(r"\bweeks?\b", text), "a daily scenario's explanation speaks of weeks"
    assert not re.search(r"\b[a-z]+(_[a-z]+)+\b|\b[a-z]+\.[a-z_]+\b", page.inner_text("#compare-why-questions")), \
        "a code name in the sentences"


def test_compare_of_identical_variants_says_nothing_differs(app_d, page):
    page.goto(app_d["url"] + f"#tab=compare&compare.a=main&compare.b=main&compare.runs={RUNS}&compare.seed=1")
    page.wait_for_selector("#tab-compare", state="visible", timeout=WAIT_MS)
    wait_text(page, "#compare-why-questions", "No question's answer differs between A and B by more than its 95% "
                                              "interval.")
    wait_text(page, "#compare-why-milestones", "No milestone differs")
    assert page.locator("#compare-why-questions .why-question").count() == 0


# ------------------------------------------------------------------ item 15 on the Compare tab: the outside view
def headers_and_rows(page, selector: str) -> tuple[list[str], list[list[str]]]:
    head = [h.strip() for h in page.locator(f"{selector} thead th").all_inner_texts()]
    return head, [r.split("\t") for r in page.locator(f"{selector} tbody tr").all_inner_texts()]


def test_compare_shows_each_variants_outside_view_beside_its_forecast(app_d, page):
    from dashboards.outside import beside_cells

    page.goto(app_d["url"] + f"#tab=compare&compare.a=main&compare.b=main&compare.b.set=russia.active%3D0"
                             f"&compare.runs={RUNS}&compare.seed=1")
    page.wait_for_selector("#tab-compare", state="visible", timeout=WAIT_MS)
    wait_text(page, "#compare-numbers thead", "B: outside view (95%)")
    head, rows = headers_and_rows(page, "#compare-numbers")
    assert head[4:] == ["A: outside view (95%)", "B: outside view (95%)"]
    ctx = app_d["ctx"]
    main = ctx.get("main")
    whatif = beside_cells(ctx, main, 1, RUNS)  # the What-if tab's column, in the same words
    assert [r[4:] for r in rows] == [[whatif[q.id]["outside view (95%)"]] * 2 for q in main.compiled.questions]
    assert page.locator("#compare-outside-view .compare-outside-none").count() == 0
    # B: the seed scenario uploaded alone, beside no corpus file of classes: no column, one line saying so
    page.set_input_files("#upload input[type=file]", str(SEED_SCENARIO))
    page.wait_for_selector("#upload-ok", timeout=WAIT_MS)
    open_tab(page, "compare")
    pick(page, "#compare-b-scenario", "uploaded")
    # B's controls for the main scenario (from the address) go with the change of scenario: wait until they have
    page.wait_for_selector("#compare-b-controls input", state="detached", timeout=WAIT_MS)
    page.fill("#compare-b-sets", "")
    page.click("#compare-go")
    wait_text(page, "#compare-outside-view", "B: no outside view, since no milestone of Syria-Turkey rapprochement "
                                             "before the 2023 Turkish elections has a class of past negotiations.")
    head, rows = headers_and_rows(page, "#compare-numbers")
    assert head[4:] == ["A: outside view (95%)"]
    assert [r[4] for r in rows] == [whatif[q.id]["outside view (95%)"] for q in main.compiled.questions]
    assert page.locator("#compare-outside-view .compare-outside-none").count() == 1
    shoot(page, "compare-outside-view")


# ------------------------------------------------------------------ item 16: the Track record tab's downloads
def download(page, button: str):
    with page.expect_download(timeout=WAIT_MS) as got:
        page.click(button)
    return got.value


def wait_for_task(page, ctx, selector: str, status: str) -> None:
    """Wait for a table a background task fills (the corpus's backtest: minutes on a loaded machine; behind the
    page's sensitivity screen on the one background thread); on a timeout, say where the page and tasks stood."""
    try:
        page.wait_for_selector(selector, timeout=3 * SLOW_MS)
    except Exception:
        tasks = [(t.what, t.started is not None, t.done.is_set()) for t in ctx.tasks.known.values()]
        raise AssertionError(f"{selector} never came: {page.inner_text(status)!r}; tasks: {tasks}") from None


def test_track_record_tables_download_as_csv_and_parquet_and_its_page_as_html(app_d, page, monkeypatch):
    import csv

    import pyarrow.parquet as pq

    import dashboards.track as track
    import simulator.outside_view.backtest as outside

    # fewer runs than the tab's 2,000 (and the outside view's), so the test's backtests are quick; the server
    # reads both when its work starts
    monkeypatch.setattr(track, "BACKTEST_RUNS", 100)
    monkeypatch.setattr(outside, "OUTSIDE_VIEW_RUNS", 60)
    page.goto(app_d["url"])
    open_tab(page, "track")
    wait_for_task(page, app_d["ctx"], "#track-scores-table", "#track-status")
    expected = app_d["ctx"].tasks.get(track.corpus_key(CORPUS)).result  # what the tab shows, checked below
    assert expected["runs"] == 100
    page.click("#track-dl-outside-view-csv")  # not scored yet: one line, no file
    wait_text(page, "#track-dl-problems", "download: the outside view is not scored yet")
    assert page.locator("#track-dl-problems .problem").count() == 1
    # the scores by track: the page's table, as numbers
    got = download(page, "#track-dl-scores-csv")
    assert got.suggested_filename == "track-record-scenarios-scores.csv"
    rows = list(csv.DictReader(open(got.path(), encoding="utf-8")))
    shown = [r.split("\t") for r in page.locator("#track-scores-table tbody tr").all_inner_texts()]
    assert [r["track"] for r in rows] == [r[0] for r in shown] and len(rows) >= 2
    for r, cells in zip(rows, shown):
        assert r["negotiations"] == cells[1] and r["yes_no_questions"] == cells[2]
        assert f"{float(r['mean_brier']):.3f}" == cells[3]
    assert page.locator("#track-dl-problems .problem").count() == 0  # a download that worked clears the line
    # the reliability diagram's bins, per track and pooled
    table = pq.read_table(download(page, "#track-dl-reliability-parquet").path()).to_pylist()
    blind = [r for r in table if r["track"] == "Blind track record"]
    assert [(r["questions"], r["share_happened"]) for r in blind] == [
        (b["n"], b["observed"]) for b in expected["tracks"]["blind"]["reliability"]]
    assert sum(r["questions"] for r in table if r["track"] == "All tracks pooled") == expected["pooled"]["yes_no"]["n"]
    # each negotiation's questions against what happened
    rows = list(csv.DictReader(open(download(page, "#track-dl-negotiations-csv").path(), encoding="utf-8")))
    assert len(rows) == sum(len(e["yes_no"]) + len(e["distributions"]) for e in expected["scenarios"])
    first = expected["scenarios"][0]["yes_no"][0]
    row = next(r for r in rows if r["question_id"] == first["id"])
    assert float(row["brier"]) == pytest.approx(first["brier"]) and row["what_happened"] in ("happened",
                                                                                             "did not happen")
    # the page as `diplosim backtest --html` writes it
    report = open(download(page, "#track-dl-report").path(), encoding="utf-8").read()
    assert report.startswith("<!DOCTYPE html>") and "diplosim backtest of" in report
    assert "Were the forecasts calibrated?" in report
    # the outside view, once scored: its table as numbers
    page.click("#track-ov-go")
    wait_for_task(page, app_d["ctx"], "#track-outside-view-table", "#track-ov-status")
    table = pq.read_table(download(page, "#track-dl-outside-view-parquet").path()).to_pylist()
    shown = [r.split("\t") for r in page.locator("#track-outside-view-table tbody tr").all_inner_texts()]
    scored = [r for r in shown if r[1].startswith(("Brier", "CRPS"))]
    assert len(table) == len(scored) > 0
    for r, cells in zip(table, scored):
        assert r["track"] == cells[0] and f"{r['as_written']:.{3 if r['score'] == 'Brier' else 2}f}" == cells[2]


# ------------------------------------------------------------------ item 13 with a corpus list, and a daily scenario
@pytest.mark.parametrize("scenario", ["main", f"corpus-{DAILY}"])
def test_the_first_screen_holds_with_the_corpus_list_and_a_daily_scenario(app_d, browser, scenario):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(app_d["url"] + f"?scenario={scenario}")
        page.wait_for_selector("#whatif-calendar .js-plotly-plot .scatterlayer .trace", timeout=WAIT_MS)
        page.wait_for_selector("#whatif-headlines .card", timeout=WAIT_MS)
        page.wait_for_selector("#corpus-pick", timeout=WAIT_MS)  # the header holds the corpus list too
        boxes = [page.locator("#whatif-calendar .js-plotly-plot").bounding_box(),
                 *[card.bounding_box() for card in page.locator("#whatif-headlines .card").all()]]
        assert len(boxes) == 8  # the calendar and seven questions (both scenarios ask seven)
        for box in boxes:  # wholly on the first screen, no scrolling
            assert box["y"] >= 0 and box["y"] + box["height"] <= 720 and box["x"] + box["width"] <= 1280, box
        assert f"{RUNS} simulated runs" in page.inner_text("#whatif-help")
        assert page.locator("#whatif-table th").all_inner_texts()[:2] == ["question", "estimate (95% interval)"]
        assert not page.locator("#whatif-diff").is_visible()
        shoot(page, f"first-screen-corpus-list-{scenario}")
    finally:
        page.close()


# ------------------------------------------------------------------ item 15 on a daily scenario: its own time words
def test_against_what_happened_of_a_daily_scenario_speaks_in_days_and_dates(app_d, page):
    from simulator.analysis.observed import load_observed

    page.goto(app_d["url"] + f"?scenario=corpus-{DAILY}")
    page.wait_for_selector("#whatif-observed-table", timeout=WAIT_MS)
    text = page.inner_text("#whatif-observed-section")
    resolved = load_observed(CORPUS / f"{DAILY}.observed.yaml").observed.resolved_on
    assert f"(resolved on {resolved.day} {resolved:%b %Y})" in text  # the page's one date format
    row = next(r.split("\t") for r in page.locator("#whatif-observed-table tbody tr").all_inner_texts()
               if r.startswith("On what date does the pause start?"))
    assert re.fullmatch(r"CRPS \d+\.\d+ days", row[-2]), row  # its step's unit, not weeks
    assert not re.search(r"\bweeks?\b", text)
    assert "not by the end to not by the end" not in text and "to not by the end" not in text
