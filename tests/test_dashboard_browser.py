"""The dashboard end to end in a real browser: Playwright driving Debian's Chromium (never a downloaded one).

The app is served on 127.0.0.1 from a thread of the test process. Screenshots
are kept under ``test-artifacts/dashboard/`` (git-ignored) for people to look at.

Every test waits for a state of the page (a text, an attribute, an element),
never for a length of time: a loaded machine makes them slower, not flaky.
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
WAIT_MS = 60_000  # the longest wait for a state of the page: a bound for a failure, never a pause
CALENDAR_DATA = "() => JSON.stringify(document.querySelector('#whatif-calendar .js-plotly-plot').data.map(t => t.y))"


@pytest.fixture(scope="module")
def server(tmp_path_factory, seed_loaded, seed_compiled):
    import logging

    from werkzeug.serving import make_server

    from dashboards.app import RequestHandler, create_app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in the test output

    base = tmp_path_factory.mktemp("dashboard")
    grid = write_results(base / "grid", seed_loaded, seed_compiled, GRID, 6, "sweep")
    app = create_app(SEED_SCENARIO, runs=500, seed=1, results_roots=[base])  # as --results-root BASE
    httpd = make_server("127.0.0.1", 0, app.server, threaded=True, request_handler=RequestHandler)
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


def text_of(selector: str) -> str:
    """A JS expression for an element's text ('' while it is not there; SVG text has no innerText)."""
    return (f"(e => e ? (e.innerText ?? e.textContent) : '')(document.querySelector({json.dumps(selector)}))")


def wait_text(page, selector: str, contains: str) -> None:
    page.wait_for_function(f"s => {text_of(selector)}.includes(s)", arg=contains, timeout=WAIT_MS)


def param_part(kind: str, name: str) -> str:
    return f'[id*=\'"name":"{name}"\'][id*=\'"type":"{kind}"\']'


def open_tab(page, name: str) -> None:
    """Click a tab once the page has finished its first round of callbacks, then wait until the tab shows."""
    page.wait_for_selector("#whatif-table", state="attached", timeout=WAIT_MS)
    page.click(f"#tab-button-{name}")
    page.wait_for_selector(f"#tab-{name}", state="visible", timeout=WAIT_MS)


def click_chart(page, graph: str, x: float, y: float, hover_has: str = "") -> None:
    """Click a chart's mark at page position (x, y) the way a person does: point at it, wait until the chart shows
    that mark's hover label, then press and release without moving.

    Plotly emits a click for the points of its last hover, and runs hovers at most once per 50 ms (a later one
    waits on a timer): a click made at once after a move (``mouse.click``) can carry the hover of the place the
    mouse was before, or none, and then no click reaches the page at all. Waiting for the label is waiting for the
    state the click is made of."""
    page.mouse.move(x, y)
    page.wait_for_function("([g, s]) => [...document.querySelectorAll(g + ' .hoverlayer .hovertext')]"
                           ".some(e => e.textContent.includes(s))", arg=[graph, hover_has], timeout=WAIT_MS)
    page.mouse.down()
    page.mouse.up()


def click_slider(page, name: str, fraction: float) -> None:
    track = page.locator(f'#whatif-controls [id*=\'"name":"{name}"\'] .dash-slider-track')
    track.scroll_into_view_if_needed()  # the controls sit below the first screen's answers and chart
    box = track.bounding_box()
    page.mouse.click(box["x"] + fraction * box["width"], box["y"] + box["height"] / 2)


def test_slider_reruns_the_whatif_and_the_url_reproduces_it(server, page, browser, capsys):
    start = time.perf_counter()
    page.goto(server["url"])
    page.wait_for_selector("#whatif-calendar .js-plotly-plot .scatterlayer .trace", timeout=WAIT_MS)
    first_chart = time.perf_counter() - start
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    table_before, chart_before, url_before = page.inner_text("#whatif-table"), page.evaluate(CALENDAR_DATA), page.url
    # no what-if set: the baseline's numbers alone, no what-if column, no changes of zero (issue 25 item 13)
    assert "what-if" not in table_before and " pts" not in table_before and "-0.0" not in table_before
    value = param_part("whatif-value", "turkey.flexibility")
    dist = param_part("whatif-dist", "turkey.flexibility")
    assert page.inner_text(value) == "drawn" and "drawn from this distribution" in page.inner_text(dist)
    latencies = []
    for fraction in (0.9, 0.1, 0.7):  # three slider moves, each a fresh 500-run what-if
        before = page.evaluate(CALENDAR_DATA)
        start = time.perf_counter()
        click_slider(page, "turkey.flexibility", fraction)
        page.wait_for_function(f"b => ({CALENDAR_DATA})() !== b", arg=before, timeout=WAIT_MS)
        latencies.append(time.perf_counter() - start)
    with capsys.disabled():
        print(f"\nbrowser: first chart {first_chart:.2f} s; slider release -> chart redrawn, 500 runs: "
              f"{', '.join(f'{t:.2f}' for t in latencies)} s")
    page.wait_for_function("u => location.href !== u", arg=url_before, timeout=WAIT_MS)
    # the label beside the slider follows it (it used to keep saying "drawn from the distribution")
    wait_text(page, dist, "in this what-if")
    shown = page.inner_text(value)
    assert shown.startswith("fixed at ") and f"turkey.flexibility%3D{shown.split()[-1]}" in page.url
    page.wait_for_selector(f"{param_part('whatif-free', 'turkey.flexibility')}:visible", timeout=WAIT_MS)
    table_after = page.inner_text("#whatif-table")
    assert table_after != table_before and page.evaluate(CALENDAR_DATA) != chart_before
    assert "Turkey's flexibility = " in page.inner_text("#whatif-status")
    # baseline and what-if on one chart, and headlines with the paired change
    names = page.evaluate("() => document.querySelector('#whatif-calendar .js-plotly-plot').data.map(t => t.name)")
    assert "Foreign ministers (baseline)" in names and "Foreign ministers (what-if)" in names
    card = page.inner_text("#whatif-headlines-cards-fm_before_round1")
    assert "(baseline " in card and " pts [" in card
    shoot(page, "whatif-after-slider")
    # the link alone rebuilds the same view in a fresh page
    other = browser.new_page(viewport={"width": 1400, "height": 1000})
    other.goto(page.url)
    other.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    other.wait_for_function("t => document.querySelector('#whatif-table').innerText === t", arg=table_after,
                            timeout=WAIT_MS)
    expected = page.evaluate(CALENDAR_DATA)  # the new page's chart may be drawn after its table: wait for it
    other.wait_for_function("e => { const p = document.querySelector('#whatif-calendar .js-plotly-plot');"
                            " return p !== null && Array.isArray(p.data) && JSON.stringify(p.data.map(t => t.y)) === e }",
                            arg=expected, timeout=WAIT_MS)
    assert json.loads(other.evaluate(CALENDAR_DATA)) == json.loads(expected)
    assert other.inner_text(value) == shown
    other.close()
    # "use the distribution again" drops it from the URL and the label says so
    page.click(param_part("whatif-free", "turkey.flexibility"))
    page.wait_for_function("() => !location.search.includes('turkey.flexibility')", timeout=WAIT_MS)
    wait_text(page, value, "drawn")
    wait_text(page, "#whatif-status", "changes: none (baseline)")
    # the times are printed above, never asserted (a busy machine makes them slower, not wrong); the targets are
    # measured side by side by benchmarks/bench_dashboard.py


def test_a_value_fixed_at_its_median_is_a_whatif_and_stays_in_the_url(server, page):
    page.goto(server["url"])
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    thumb = page.locator(f'[id*=\'"name":"syria.flexibility"\'] [role=slider]')
    thumb.focus()
    page.keyboard.press("ArrowRight")  # one step up, then back down: the median, but set by hand
    page.wait_for_function("() => location.search.includes('syria.flexibility')", timeout=WAIT_MS)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => location.search.includes('syria.flexibility%3D0.25')", timeout=WAIT_MS)
    value = param_part("whatif-value", "syria.flexibility")
    wait_text(page, value, "fixed at 0.25")
    wait_text(page, "#whatif-status", "Syria's flexibility = 0.25")
    page.reload()  # the URL alone gives the same what-if
    wait_text(page, value, "fixed at 0.25")
    wait_text(page, "#whatif-status", "Syria's flexibility = 0.25")


def test_url_values_out_of_range_or_unknown_are_refused_in_one_line(server, page):
    for value, words in (("0.5", "is outside its range 0.15 to 0.35"),  # the slider's range
                         ("1e308", "is outside its allowed range, 0 to 1"), ("-5", "is outside its allowed range")):
        page.goto(f"{server['url']}?set=syria.flexibility%3D{value}")
        wait_text(page, "#whatif-problems", words)
        assert len(page.locator("#whatif-problems .problem").all()) == 1
        wait_text(page, "#whatif-status", "changes: none (baseline)")
        assert page.inner_text(param_part("whatif-value", "syria.flexibility")) == "drawn"
    unknown = "&".join(f"set=no.such{i}%3D1" for i in range(2000))
    page.goto(f"{server['url']}?{unknown}")
    wait_text(page, "#whatif-problems", "2,000 unknown parameters")
    assert len(page.locator("#whatif-problems .problem").all()) == 1
    shoot(page, "whatif-refused-values")


def test_a_too_long_address_says_so_instead_of_a_bare_414(server, page):
    page.goto(f"{server['url']}?set=syria.flexibility%3D" + "1" * 100_000)
    wait_text(page, "h1", "This dashboard address is too long")
    assert "65,536 characters" in page.inner_text("#explain")
    page.click("text=Open the dashboard without these settings")
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)


def test_switching_off_a_mediator_changes_the_numbers(server, page):
    page.goto(server["url"])
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    before = page.inner_text("#whatif-table")
    assert "Russia mediates: on, as in the scenario" in page.inner_text("#whatif-toggles")
    page.get_by_label("Russia mediates").uncheck()
    page.wait_for_function("b => document.querySelector('#whatif-table').innerText !== b", arg=before,
                           timeout=WAIT_MS)
    page.wait_for_function("() => location.search.includes('set=russia.active%3D0')", timeout=WAIT_MS)
    wait_text(page, "#whatif-toggles", "Russia mediates: OFF in this what-if")
    first_row = page.locator("#whatif-table tbody tr").first.inner_text()
    assert "-" in first_row.split("\t")[3]  # foreign ministers meet less often without Russia's push
    shoot(page, "whatif-russia-off")


def test_calendar_window_buttons_and_legend_not_over_the_axis(server, page):
    page.goto(server["url"] + "?set=russia.active%3D0")
    page.wait_for_selector("#whatif-calendar .updatemenu-button", timeout=WAIT_MS)
    page.locator("#whatif-calendar .updatemenu-button", has_text="8 weeks before round 1").click()
    page.wait_for_function("() => document.querySelector('#whatif-calendar .js-plotly-plot')"
                           ".layout.xaxis.range[0].startsWith('2023-03-19')", timeout=WAIT_MS)
    plot = page.locator("#whatif-calendar .nsewdrag").first.bounding_box()
    y = plot["y"] + plot["height"] / 2  # any window: a drag across the plot picks dates (the y axis is fixed)
    page.mouse.move(plot["x"] + 0.3 * plot["width"], y)
    page.mouse.down()
    page.mouse.move(plot["x"] + 0.6 * plot["width"], y, steps=5)
    page.mouse.up()
    page.wait_for_function("() => !document.querySelector('#whatif-calendar .js-plotly-plot')"
                           ".layout.xaxis.range[0].startsWith('2023-03-19')", timeout=WAIT_MS)
    assert page.evaluate("() => document.querySelector('#whatif-calendar .js-plotly-plot').layout.yaxis.range") \
        == [0, 1.02]
    # no marker label drawn over the curves: the election lines are named in the legend
    assert page.locator("#whatif-calendar .annotation").count() == 0
    assert page.locator("#whatif-calendar .legend .traces", has_text="Run-off if needed").count() == 1
    legend = page.locator("#whatif-calendar .legend").bounding_box()
    plot = page.locator("#whatif-calendar .nsewdrag").first.bounding_box()
    assert legend["x"] >= plot["x"] + plot["width"]  # beside the plot, not over it or its date axis
    shoot(page, "whatif-window")


def test_scenario_tab_and_compare_tab(server, page):
    page.goto(server["url"])
    open_tab(page, "scenario")
    page.wait_for_selector("#evidence-table", timeout=WAIT_MS)
    evidence = page.inner_text("#evidence-table")
    assert "Turkey's flexibility" in evidence and "evidence" in evidence and "assumption" in evidence
    page.wait_for_selector("#scenario-network .js-plotly-plot", timeout=WAIT_MS)
    assert page.locator("#evidence-unchecked").count() == 0  # the --scenario file's quotes were checked
    shoot(page, "scenario")
    open_tab(page, "compare")
    page.wait_for_selector("#compare-go", timeout=WAIT_MS)
    assert not page.locator("#compare-result").is_visible()  # no empty axes before the first compare
    assert page.locator("#tab-compare .js-plotly-plot:visible").count() == 0
    page.fill("#compare-b-sets", "russia.active=0")
    page.click("#compare-go")
    page.wait_for_selector("#compare-numbers", timeout=WAIT_MS)
    page.wait_for_selector("#compare-result:visible", timeout=WAIT_MS)
    assert "exact common random numbers" in page.inner_text("#compare-status")
    page.wait_for_selector("#compare-calendar .js-plotly-plot", timeout=WAIT_MS)
    names = page.evaluate("() => document.querySelector('#compare-calendar .js-plotly-plot').data.map(t => t.name)")
    assert "Foreign ministers (A)" in names and "Foreign ministers (B)" in names
    assert " pts [" in page.inner_text("#compare-headlines-cards-fm_before_round1")
    shoot(page, "compare")
    page.fill("#compare-b-sets", "russia.active=2")  # refused as the What-if tab refuses it
    page.click("#compare-go")
    wait_text(page, "#compare-problems", "compare B: 2 for Russia mediates (russia.active) is outside its allowed "
              "range, 0 to 1")
    page.wait_for_selector("#compare-result", state="hidden", timeout=WAIT_MS)  # the old result is gone
    assert page.locator("#compare-numbers").count() == 0


def test_sweep_heatmap_cell_shows_the_point(server, page):
    page.goto(server["url"])
    open_tab(page, "sweep")
    missing = server["base"] / "missing"
    page.fill("#sweep-path", str(missing))  # a bad directory: one line in the page
    page.click("#sweep-open")
    page.wait_for_selector("#sweep-problems .problem", timeout=WAIT_MS)
    assert page.inner_text("#sweep-problems").strip() == f"RESULTS_DIR: '{missing}' is not a directory"
    page.fill("#sweep-path", "/etc")  # outside the results roots: refused without saying whether it exists
    page.click("#sweep-open")
    page.wait_for_function("() => document.querySelector('#sweep-problems').innerText.includes('/etc')",
                           timeout=WAIT_MS)
    assert page.inner_text("#sweep-problems").strip() == (
        "sweep: '/etc' is not a results folder this server may open (it opens the --results folder it was started "
        "with and folders under --results-root)")
    page.fill("#sweep-path", str(server["grid"]))
    page.click("#sweep-open")
    page.wait_for_selector("#sweep-graph .heatmaplayer", timeout=WAIT_MS)
    page.wait_for_function("() => [...document.querySelectorAll('#sweep-graph .heatmaplayer text')]"
                           ".some(t => t.textContent.endsWith('%'))", timeout=WAIT_MS)  # values in the cells
    ticks = page.locator("#sweep-graph .xtick text").all_text_contents()
    assert ticks == ["0.3", "0.9"]  # one tick per grid value
    question = page.locator("#sweep-question").bounding_box()
    assert question["width"] > 900  # the question menu is wide enough to read the question
    area = page.locator("#sweep-graph .nsewdrag").bounding_box()
    click_chart(page, "#sweep-graph", area["x"] + 0.8 * area["width"], area["y"] + 0.2 * area["height"])  # top right
    page.wait_for_function("() => document.querySelector('#sweep-point-info').innerText.startsWith('Point')",
                           timeout=WAIT_MS)
    info = page.inner_text("#sweep-point-info")
    assert info.startswith("Point 3 (Russia's peak urgency = 0.9, Syria's flexibility = 0.35): 6 runs")
    assert "identical to the stored records" in info
    page.wait_for_selector("#sweep-point-runs .scatterlayer .point", timeout=WAIT_MS)
    # the legend beside or above the date axis' title, never over it: waited for as a state of the drawn chart
    # (the chart may still be redrawn at its final size when the box appears, with no legend for a moment)
    page.wait_for_function("""() => {
        const legend = document.querySelector('#sweep-point-runs .legend');
        const titles = [...document.querySelectorAll('#sweep-point-runs .infolayer text')]
            .filter(t => /^x\\d*title$/.test(t.getAttribute('class') || ''));
        if (!legend || !titles.length) { return false; }
        const a = legend.getBoundingClientRect(), b = titles[titles.length - 1].getBoundingClientRect();
        return a.width > 0 && b.width > 0 && (a.left > b.right || a.bottom < b.top);
    }""", timeout=WAIT_MS)
    for mark in ("election round (colour: winner)", "scheduled talks or event", "shock"):
        assert page.locator("#sweep-point-runs .legend .traces", has_text=mark).count() == 1
    shoot(page, "sweep-clicked-cell")
    # the line chart pools points with equal x: the label says so, never one point's setting
    page.click("#sweep-y")
    page.click("text=none: a line chart over x")
    page.wait_for_function("() => document.querySelector('#sweep-graph .js-plotly-plot').data.length === 2",
                           timeout=WAIT_MS)
    page.wait_for_selector("#sweep-graph .scatterlayer .point", timeout=WAIT_MS)
    dot = page.locator("#sweep-graph .scatterlayer .point").first.bounding_box()  # the marker at x = 0.3
    click_chart(page, "#sweep-graph", dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2)
    wait_text(page, "#sweep-point-info", "pooled over")
    info = page.inner_text("#sweep-point-info")
    assert info.startswith("Points 0, 1 (Russia's peak urgency = 0.3, pooled over Syria's flexibility = 0.15, 0.35): 12 runs")


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
    assert lines[1].startswith("broken.yaml:26:5: actors[0].role: ")
    shoot(page, "upload-refused")
    for size in (2, 3):  # too large: our own one-line message, never the previous upload's, never nothing
        big = server["base"] / f"big{size}.yaml"
        big.write_bytes(b"#" * (size * 2**20))
        page.set_input_files("#upload input[type=file]", str(big))
        wait_text(page, "#upload-size-problem", f"big{size}.yaml: {size}.0 MB, larger than the 256 KB limit")
        assert page.locator("#upload-problems .problem").count() == 0  # the old message is gone
    page.set_input_files("#upload input[type=file]", str(SEED_SCENARIO))  # the app still works: a good one loads
    page.wait_for_selector("#upload-ok", timeout=WAIT_MS)
    assert not page.locator("#upload-size-problem").is_visible()
    assert "NOT checked" in page.inner_text("#upload-ok")
    page.wait_for_function("() => location.search.includes('scenario=upload-')", timeout=WAIT_MS)
    page.wait_for_selector("#quotes-unchecked", timeout=WAIT_MS)  # the page says the quotes were not checked
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)


def test_upload_with_sources_checks_quotes_and_survives_a_reload(server, page):
    source = SEED_SCENARIO.parent / "sources" / "alwatan_2023-02_quartet.txt"
    page.goto(server["url"])
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    page.set_input_files("#upload input[type=file]", [str(SEED_SCENARIO), str(source)])
    wait_text(page, "#upload-ok", "evidence quotes checked against the source texts")
    page.wait_for_function("() => location.search.includes('scenario=upload-')", timeout=WAIT_MS)
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    assert page.locator("#quotes-unchecked").count() == 0
    page.reload()  # the upload is still in the Compare menus after a reload
    open_tab(page, "compare")
    page.click("#compare-a-scenario")
    page.wait_for_selector("text=(uploaded, 1 source text(s))", timeout=WAIT_MS)


def test_one_run_steps_week_by_week(server, page, seed_compiled):
    dates = seed_compiled.dates
    page.goto(server["url"])
    open_tab(page, "onerun")
    page.wait_for_selector("#onerun-week-table", timeout=WAIT_MS)
    assert f"({dates[0].isoformat()})" in page.inner_text("#onerun-week-table thead")
    page.wait_for_selector("#onerun-state .js-plotly-plot .x2tick text", state="attached", timeout=WAIT_MS)
    # drawn at full width, not squeezed with clipped ticks
    page.wait_for_function("() => (document.querySelector('#onerun-state .nsewdrag') || {getBoundingClientRect: "
                           "() => ({width: 0})}).getBoundingClientRect().width > 500", timeout=WAIT_MS)
    shoot(page, "one-run-week-1")
    for _ in range(6):  # quick clicks: each one counts
        page.click("#onerun-next")
    page.wait_for_function("d => document.querySelector('#onerun-week-table thead').innerText.includes(d)",
                           arg=dates[6].isoformat(), timeout=WAIT_MS)
    wait_text(page, "#onerun-state", "Week 7 of")
    page.click("#onerun-play")  # plays on from week 7, one week per tick
    wait_text(page, "#onerun-play", "pause")
    # at least two weeks on (a busy machine may skip drawing a week while playing, never the week count)
    page.wait_for_function("d => (document.querySelector('#onerun-week-table thead').innerText"
                           ".match(/\\d{4}-\\d\\d-\\d\\d/) || [''])[0] >= d", arg=dates[8].isoformat(),
                           timeout=WAIT_MS)
    page.click("#onerun-play")  # pause: wait for the button to say so (the click's callback is asynchronous)
    page.wait_for_function(f"() => {text_of('#onerun-play')}.trim() === 'play'", timeout=WAIT_MS)
    week = int(page.get_attribute("#onerun-week [role=slider]", "aria-valuenow"))  # the week shown, 0-based
    wait_text(page, "#onerun-state .gtitle", f"Week {week + 1} of")  # paused: the chart catches up and stays
    page.click("#onerun-next")  # only the click moves it, by exactly one week
    wait_text(page, "#onerun-state .gtitle", f"Week {week + 2} of")
    assert int(page.get_attribute("#onerun-week [role=slider]", "aria-valuenow")) == week + 1
    assert "_" not in page.inner_text("#onerun-week-table tbody")  # sentences, no internal codes
    shoot(page, "one-run-played")


# ------------------------------------------------------------------ issue 25 items 6 and 7
def serve(app):
    """Serve ``app`` on a free loopback port from a thread; returns (url, stop)."""
    from werkzeug.serving import make_server

    from dashboards.app import RequestHandler

    httpd = make_server("127.0.0.1", 0, app.server, threaded=True, request_handler=RequestHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()

    def stop():
        httpd.shutdown()
        thread.join(timeout=10)

    return f"http://127.0.0.1:{httpd.server_port}/", stop


@pytest.mark.parametrize("box, typed, message", [
    ("#whatif-runs", "0", "runs: empty or not a whole number from 1 to 20,000"),
    ("#whatif-runs", "1.5", "runs: empty or not a whole number from 1 to 20,000"),
    ("#whatif-runs", "", "runs: empty or not a whole number from 1 to 20,000"),
    ("#whatif-seed", "18446744073709551617", "seed: empty or not a whole number from 0 to 9,007,199,254,740,991"),
])
def test_a_bad_number_of_runs_or_seed_is_one_line_and_the_old_results_go(server, page, box, typed, message):
    page.goto(server["url"])
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    url_before = page.url
    page.fill(box, typed)
    page.keyboard.press("Tab")  # the box commits on blur
    wait_text(page, "#whatif-status", message)
    assert len(page.locator("#whatif-status .problem").all()) == 1
    page.wait_for_selector("#whatif-table", state="detached", timeout=WAIT_MS)  # no numbers of another input
    assert page.locator("#whatif-headlines .card").count() == 0 and page.evaluate(CALENDAR_DATA) == "[]"
    assert page.url == url_before  # the address keeps the last what-if that ran
    page.fill(box, "500" if box == "#whatif-runs" else "1")
    page.keyboard.press("Tab")
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)  # the same input again: shown again
    wait_text(page, "#whatif-status", "500 runs per variant, seed 1")


def test_a_daily_scenario_is_stepped_day_by_day(browser):
    from dashboards.app import create_app

    url, stop = serve(create_app(ROOT / "scenarios" / "israel_hamas_truce_2023.yaml", runs=100, seed=1))
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(url)
        wait_text(page, "#tab-button-onerun", "One run, day by day")
        open_tab(page, "onerun")
        wait_text(page, "#onerun-state .gtitle", "Day 1 of 101")
        assert page.inner_text("#onerun-next").strip() == "day ▶" and page.inner_text("#onerun-prev").strip() == "◀ day"
        page.click("#onerun-next")
        wait_text(page, "#onerun-state .gtitle", "Day 2 of 101: 22 Nov 2023 (thick black line: this day)")
        wait_text(page, "#onerun-week-table thead", "this day (2023-11-22)")
        assert "week" not in page.inner_text("#tab-onerun").lower()
        shoot(page, "one-run-daily")
    finally:
        page.close()
        stop()


# ------------------------------------------------------------------ issue 25 item 2
def test_one_users_upload_is_not_seen_by_another(server, page, browser):
    page.goto(server["url"])
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    page.set_input_files("#upload input[type=file]", [str(SEED_SCENARIO)])
    wait_text(page, "#upload-ok", "Loaded syria_turkey_2023.yaml (uploaded)")
    page.wait_for_function("() => location.search.includes('scenario=upload-')", timeout=WAIT_MS)
    address = page.url
    page.reload()  # the same tab keeps its session: the address still opens the upload
    wait_text(page, "#scenario-name", "(uploaded)")
    wait_text(page, "#whatif-status", "runs per variant")
    assert page.locator("#whatif-problems .problem").count() == 0
    other = browser.new_page(viewport={"width": 1400, "height": 1000})  # another user: its own browser session
    try:
        other.goto(address)
        wait_text(other, "#whatif-problems", "unknown scenario 'upload-")
        assert "(uploaded)" not in other.inner_text("#scenario-name")
        open_tab(other, "compare")
        other.click("#compare-a-scenario")
        other.wait_for_selector('text="syria_turkey_2023.yaml"', timeout=WAIT_MS)  # the menu is open
        assert "(uploaded" not in other.inner_text("body")  # the server's own scenario only
    finally:
        other.close()
    open_tab(page, "compare")  # the uploader still has it
    page.click("#compare-a-scenario")
    page.wait_for_selector("text=syria_turkey_2023.yaml (uploaded)", timeout=WAIT_MS)


# ------------------------------------------------------------------ issue 25 item 3
def test_a_page_waiting_for_the_server_says_how_many_requests_are_ahead(browser, seed_loaded):
    from dashboards.app import create_app
    from dashboards.jobs import Scheduler, Sim

    app = create_app(seed_loaded, runs=200, seed=1)
    url, stop = serve(app)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    context = app.diplosim_context
    try:
        page.goto(url)
        page.wait_for_selector("#whatif-table", timeout=WAIT_MS)  # the page's baseline, computed
        context.scheduler = Scheduler(context.outcomes, workers=0)  # the server's workers held back: a queue forms
        c = context.get("main").compiled
        context.scheduler.submit("another-user-session", "whatif", [Sim(("x",), c, 9, 2_000, {}, "batch", 2_000)])
        click_slider(page, "turkey.flexibility", 0.9)
        wait_text(page, "#whatif-busy", "busy: 1 request ahead of yours")
        shoot(page, "whatif-busy")
        context.scheduler.workers = 1
        context.scheduler._start_workers()  # the workers go on: the page gets its what-if and the line goes
        wait_text(page, "#whatif-status", "Turkey's flexibility = ")
        page.wait_for_function(f"() => {text_of('#whatif-busy')}.trim() === ''", timeout=WAIT_MS)
    finally:
        page.close()
        stop()
