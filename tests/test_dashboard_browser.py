"""The dashboard end to end in a real browser: Playwright driving Debian's Chromium (never a downloaded one).

The app is served on 127.0.0.1 from a thread of the test process. Screenshots
are kept under ``test-artifacts/dashboard/`` (git-ignored) for people to look at.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("dash", reason="the dashboard needs Dash: pip install 'diplosim[dashboard]'")
pytest.importorskip("playwright", reason="browser tests need Playwright for Python: pip install -e '.[test]'")

from .conftest import ROOT, SEED_SCENARIO  # noqa: E402
from .results_fixtures import GRID, write_results  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                "(apt-get install chromium; `make browser` does it as root)")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts" / "dashboard"
WAIT_MS = 20_000
CALENDAR_DATA = "() => JSON.stringify(document.querySelector('#whatif-calendar .js-plotly-plot').data.map(t => t.y))"


@pytest.fixture(scope="module")
def server(tmp_path_factory, seed_loaded, seed_compiled):
    import logging

    from werkzeug.serving import make_server

    from dashboards.app import create_app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in the test output

    base = tmp_path_factory.mktemp("dashboard")
    grid = write_results(base / "grid", seed_loaded, seed_compiled, GRID, 6, "sweep")
    app = create_app(SEED_SCENARIO, runs=500, seed=1)
    httpd = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{httpd.server_port}/", "grid": grid, "base": base}
    httpd.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    page.close()
    assert errors == []  # no JavaScript exception in the page


def shoot(page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def click_slider(page, name: str, fraction: float) -> None:
    track = page.locator(f'[id*=\'"name":"{name}"\'] .dash-slider-track')
    box = track.bounding_box()
    page.mouse.click(box["x"] + fraction * box["width"], box["y"] + box["height"] / 2)


def test_slider_reruns_the_whatif_and_the_url_reproduces_it(server, page, browser, capsys):
    page.goto(server["url"])
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    table_before, chart_before, url_before = page.inner_text("#whatif-table"), page.evaluate(CALENDAR_DATA), page.url
    assert "+0.0% [+0.0%, +0.0%]" in table_before  # the baseline against itself
    latencies = []
    for fraction in (0.9, 0.1, 0.7):  # three slider moves, each a fresh 500-run what-if
        before = page.evaluate(CALENDAR_DATA)
        start = time.perf_counter()
        click_slider(page, "turkey.flexibility", fraction)
        page.wait_for_function(f"b => ({CALENDAR_DATA})() !== b", arg=before, timeout=WAIT_MS)
        latencies.append(time.perf_counter() - start)
    with capsys.disabled():
        print(f"\nbrowser: slider release -> chart redrawn, 500 runs: {', '.join(f'{t:.2f}' for t in latencies)} s")
    page.wait_for_function("u => location.href !== u", arg=url_before, timeout=WAIT_MS)
    assert "set=turkey.flexibility%3D" in page.url
    table_after = page.inner_text("#whatif-table")
    assert table_after != table_before and page.evaluate(CALENDAR_DATA) != chart_before
    assert "turkey.flexibility=" in page.inner_text("#whatif-status")
    shoot(page, "whatif-after-slider")
    # the link alone rebuilds the same view in a fresh page
    other = browser.new_page(viewport={"width": 1400, "height": 1000})
    other.goto(page.url)
    other.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    other.wait_for_function("t => document.querySelector('#whatif-table').innerText === t", arg=table_after,
                            timeout=WAIT_MS)
    assert json.loads(other.evaluate(CALENDAR_DATA)) == json.loads(page.evaluate(CALENDAR_DATA))
    other.close()


def test_switching_off_a_mediator_changes_the_numbers(server, page):
    page.goto(server["url"])
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    before = page.inner_text("#whatif-table")
    page.get_by_label("mediator russia is active").uncheck()
    page.wait_for_function("b => document.querySelector('#whatif-table').innerText !== b", arg=before,
                           timeout=WAIT_MS)
    assert "set=russia.active%3D0" in page.url
    first_row = page.locator("#whatif-table tbody tr").first.inner_text()
    assert "-" in first_row.split("\t")[3]  # foreign ministers meet less often without Russia's push
    shoot(page, "whatif-russia-off")


def test_scenario_tab_and_compare_tab(server, page):
    page.goto(server["url"])
    page.click("#tab-button-scenario")
    page.wait_for_selector("#evidence-table", timeout=WAIT_MS)
    evidence = page.inner_text("#evidence-table")
    assert "turkey.flexibility" in evidence and "evidence" in evidence and "assumption" in evidence
    assert page.locator("#scenario-network .js-plotly-plot").count() == 1
    shoot(page, "scenario")
    page.click("#tab-button-compare")
    page.fill("#compare-b-sets", "russia.active=0")
    page.click("#compare-go")
    page.wait_for_selector("#compare-numbers", timeout=WAIT_MS)
    assert "exact common random numbers" in page.inner_text("#compare-status")
    page.wait_for_selector("#compare-b-calendar .js-plotly-plot", timeout=WAIT_MS)
    shoot(page, "compare")


def test_sweep_heatmap_cell_shows_the_point(server, page):
    page.goto(server["url"])
    page.click("#tab-button-sweep")
    missing = server["base"] / "missing"
    page.fill("#sweep-path", str(missing))  # a bad directory: one line in the page
    page.click("#sweep-open")
    page.wait_for_selector("#sweep-problems .problem", timeout=WAIT_MS)
    assert page.inner_text("#sweep-problems").strip() == f"RESULTS_DIR: '{missing}' is not a directory"
    page.fill("#sweep-path", str(server["grid"]))
    page.click("#sweep-open")
    page.wait_for_selector("#sweep-graph .heatmaplayer", timeout=WAIT_MS)
    area = page.locator("#sweep-graph .nsewdrag").bounding_box()
    page.mouse.click(area["x"] + 0.8 * area["width"], area["y"] + 0.2 * area["height"])  # top right cell
    page.wait_for_function("() => document.querySelector('#sweep-point-info').innerText.startsWith('Point')",
                           timeout=WAIT_MS)
    info = page.inner_text("#sweep-point-info")
    assert info.startswith("Point 3 (russia.urgency.peak = 0.9, syria.flexibility = 0.35): 6 runs")
    assert "identical to the stored records" in info
    page.wait_for_selector("#sweep-point-runs .scatterlayer .point", timeout=WAIT_MS)
    shoot(page, "sweep-clicked-cell")


def test_bad_upload_shows_the_problem_and_the_app_keeps_running(server, page):
    bad = server["base"] / "broken.yaml"
    bad.write_text(SEED_SCENARIO.read_text(encoding="utf-8").replace("    role: party", "    role: king", 1),
                   encoding="utf-8")
    page.goto(server["url"])
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    page.set_input_files("#upload input[type=file]", str(bad))
    page.wait_for_selector("#upload-problems .problem", timeout=WAIT_MS)
    lines = page.locator("#upload-problems .problem").all_inner_texts()
    assert lines[0].startswith("The upload was refused; nothing changed.")
    assert lines[1].startswith("broken.yaml:25:5: actors[0].role: ")
    shoot(page, "upload-refused")
    page.set_input_files("#upload input[type=file]", str(SEED_SCENARIO))  # the app still works: a good one loads
    page.wait_for_selector("#upload-ok", timeout=WAIT_MS)
    page.wait_for_function("() => location.search.includes('scenario=upload-')", timeout=WAIT_MS)
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)


def test_one_run_steps_week_by_week(server, page, seed_compiled):
    dates = seed_compiled.dates
    page.goto(server["url"])
    page.click("#tab-button-onerun")
    page.wait_for_selector("#onerun-week-table", timeout=WAIT_MS)
    assert f"({dates[0].isoformat()})" in page.inner_text("#onerun-week-table thead")
    for _ in range(6):  # quick clicks: each one counts
        page.click("#onerun-next")
    page.wait_for_function("d => document.querySelector('#onerun-week-table thead').innerText.includes(d)",
                           arg=dates[6].isoformat(), timeout=WAIT_MS)
    page.wait_for_function("() => document.querySelector('#onerun-state').innerText.includes('Week 7 of')",
                           timeout=WAIT_MS)
    page.click("#onerun-play")  # plays on from week 7, one week per tick
    page.wait_for_function("d => document.querySelector('#onerun-week-table thead').innerText.includes(d)",
                           arg=dates[8].isoformat(), timeout=WAIT_MS)
    page.click("#onerun-play")  # pause
    assert page.inner_text("#onerun-play") == "play"
    shoot(page, "one-run-played")
