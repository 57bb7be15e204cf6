"""Issue 25 items 8 and 12 in a real browser (Playwright driving Debian's Chromium; fixtures and helpers from
``test_dashboard_browser``): sweeps drawn as their design supports, and words for people instead of code names.

Every test waits for a state of the page, never for a length of time.
"""

from __future__ import annotations

import re

import pytest

from .conftest import SEED_SCENARIO
from .test_dashboard_browser import (WAIT_MS, browser, click_chart, open_tab, page, serve, shoot,  # noqa: F401
                                     wait_text)

GRAPH = "document.querySelector('#sweep-graph .js-plotly-plot')"
DOTTED = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)*(?:\.[a-z0-9_]+)+\b")  # turkey.flexibility, x.enabled
SNAKE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")  # deadline_pressure, fm_meeting


RUNS = 5  # runs per point: the points and bins are the point of these tests, not each point's precision


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory):
    """Two random samples of the 12 uncertain parameters (a Latin hypercube of 40 points; Saltelli's Sobol scheme,
    56 points, which leaves bins of two parameters without a point) and a grid, made by `diplosim sweep`."""
    from typer.testing import CliRunner

    from simulator.cli import app

    base = tmp_path_factory.mktemp("sweeps")
    for name, options in (("lhs", ["--sample", "lhs", "--points", "40"]),
                          ("sobol", ["--sample", "sobol", "--points", "4", "--first-order-only"]),
                          ("grid", ["--vary", "russia.urgency.peak=0.3:0.9:3", "--vary", "syria.flexibility=0.15,0.35"])):
        result = CliRunner().invoke(app, ["sweep", str(SEED_SCENARIO), "--out", str(base / name), *options,
                                          "--runs", str(RUNS), "--seed", "3"])
        assert result.exit_code == 0, result.output
    return base


@pytest.fixture(scope="module")
def server_b(sweeps):
    from dashboards.app import create_app

    url, stop = serve(create_app(SEED_SCENARIO, runs=200, seed=1, results_roots=[sweeps]))
    yield url
    stop()


POINTS = {"lhs": 40, "sobol": 56, "grid": 6}


def open_sweep(page, url: str, path) -> None:
    """Open a sweep in the explorer and wait until the page shows this one (not the one opened before)."""
    page.goto(url)
    open_tab(page, "sweep")
    page.fill("#sweep-path", str(path))
    page.click("#sweep-open")
    wait_text(page, "#sweep-info", f": {POINTS[path.name]} points, {RUNS * POINTS[path.name]:,} runs, seed 3")
    drawn = (f"d.length === 2 && d[1].x.length === {POINTS[path.name]}" if path.name != "grid"  # cells and dots
             else "d.length === 1")
    page.wait_for_function(f"() => {{ const g = {GRAPH}; const d = g ? g.data : []; "
                           f"return d.length > 0 && d[0].type === 'heatmap' && {drawn}; }}", timeout=WAIT_MS)


def place(page, x: float, y: float) -> dict:
    """The page position of data coordinates (x, y) on the sweep chart."""
    return page.evaluate(f"""([x, y]) => {{
        const gd = {GRAPH}, r = gd.getBoundingClientRect(), L = gd._fullLayout;
        return {{x: r.left + L.xaxis._offset + L.xaxis.l2p(x), y: r.top + L.yaxis._offset + L.yaxis.l2p(y)}};
    }}""", [x, y])


def hover_text(page) -> str:
    return page.evaluate("() => [...document.querySelectorAll('#sweep-graph .hoverlayer .hovertext')]"
                         ".map(e => e.textContent).join(' | ')")


def inside_chart(page, selector: str) -> bool:
    """Whether every element matching ``selector`` lies within the sweep chart's drawing."""
    return page.evaluate(f"""() => {{
        const box = document.querySelector('#sweep-graph .main-svg').getBoundingClientRect();
        return [...document.querySelectorAll({selector!r})].every(e => {{
            const b = e.getBoundingClientRect();
            return b.left >= box.left - 1 && b.right <= box.right + 1 && b.top >= box.top - 1
                && b.bottom <= box.bottom + 1; }});
    }}""")


def title_clear_of_the_plot(page) -> bool:
    return page.evaluate("""() => {
        const t = document.querySelector('#sweep-graph .gtitle').getBoundingClientRect();
        const p = document.querySelector('#sweep-graph .nsewdrag').getBoundingClientRect();
        const box = document.querySelector('#sweep-graph .main-svg').getBoundingClientRect();
        return t.bottom <= p.top && t.left >= box.left && t.right <= box.right; }""")


# ------------------------------------------------------------------ issue 25 item 8
def test_a_random_sample_is_drawn_as_points_and_binned_means_with_empty_bins_empty(server_b, sweeps, page):
    open_sweep(page, server_b, sweeps / "sobol")
    assert "a random sample" in page.inner_text("#sweep-info")
    page.wait_for_selector("#sweep-graph .heatmaplayer", timeout=WAIT_MS)
    assert code_names(visible_text(page, "#tab-sweep")) == []  # axes, title, menus, info: labels (item 12)
    bins = page.evaluate(f"""() => {{
        const d = {GRAPH}.data, cells = d[0], dots = d[1], out = [];
        // bins hold their lower edge; the last one its upper edge too
        const within = (v, e, i) => v >= e[i] && (v < e[i + 1] || (i === e.length - 2 && v <= e[i + 1]));
        for (let i = 0; i < cells.z.length; i++) for (let j = 0; j < cells.z[i].length; j++) {{
            const n = dots.x.filter((x, k) => within(x, cells.x, j) && within(dots.y[k], cells.y, i)).length;
            out.push({{i, j, z: cells.z[i][j], n, cx: (cells.x[j] + cells.x[j + 1]) / 2,
                      cy: (cells.y[i] + cells.y[i + 1]) / 2, text: cells.customdata[i][j][0]}});
        }}
        return out; }}""")
    empty = [b for b in bins if b["n"] == 0]
    full = [b for b in bins if b["n"] > 0]
    assert empty and full  # this sample leaves some bins of the first two parameters without a point
    assert all(b["z"] is None for b in empty)  # no colour, never "mean 0.0%"
    assert all(b["z"] is not None and f"of {b['n']} point" in b["text"].replace("<br>", " ") for b in full)
    # the numbers of points are written in the cells
    page.wait_for_function("() => [...document.querySelectorAll('#sweep-graph .heatmaplayer text')]"
                           ".some(t => / pts?$/.test(t.textContent))", timeout=WAIT_MS)
    assert title_clear_of_the_plot(page)
    busiest = max(full, key=lambda b: b["n"])
    spot = place(page, busiest["cx"], busiest["cy"])
    page.mouse.move(spot["x"] + 3, spot["y"] + 3)
    page.wait_for_function("() => document.querySelectorAll('#sweep-graph .hoverlayer .hovertext').length > 0",
                           timeout=WAIT_MS)
    text = hover_text(page)
    assert f"of {busiest['n']} points" in text and "95% interval across points" in text and "0.0%" not in text
    assert inside_chart(page, "#sweep-graph .hoverlayer .hovertext")  # the hover stays inside the chart
    spot = place(page, empty[0]["cx"], empty[0]["cy"])
    page.mouse.move(spot["x"] + 3, spot["y"] + 3)  # an empty bin: the hover goes, none comes
    page.wait_for_function("() => document.querySelectorAll('#sweep-graph .hoverlayer .hovertext').length === 0",
                           timeout=WAIT_MS)
    shoot(page, "sweep-sample-bins")
    # a bin clicked: the points in it
    spot = place(page, busiest["cx"], busiest["cy"])
    click_chart(page, "#sweep-graph", spot["x"] + 3, spot["y"] + 3, f"of {busiest['n']} points")
    page.wait_for_function(f"() => /^Points? [0-9, ]+ \\(.*\\): {RUNS * busiest['n']} runs/"
                           ".test(document.querySelector('#sweep-point-info').innerText)", timeout=WAIT_MS)
    # one parameter: the points and the means of bins, nothing joined into a curve
    open_sweep(page, server_b, sweeps / "lhs")
    page.wait_for_selector("#sweep-graph .heatmaplayer", timeout=WAIT_MS)
    page.click("#sweep-y")
    page.click("text=none: a line chart over x")
    page.wait_for_function(f"() => {GRAPH}.data.length === 2 && {GRAPH}.data[0].x.length === 40", timeout=WAIT_MS)
    modes = page.evaluate(f"() => {GRAPH}.data.map(t => t.mode)")
    assert all("lines" not in m for m in modes)
    assert title_clear_of_the_plot(page)
    title = page.evaluate(f"() => {GRAPH}.layout.title.text").replace("<br>", " ")
    assert "pooled over" not in title and "differ in all 12 sampled parameters" in title
    x, y = page.evaluate(f"() => [{GRAPH}.data[0].x[0], {GRAPH}.data[0].y[0]]")
    spot = place(page, x, y)
    page.mouse.move(spot["x"], spot["y"])
    page.wait_for_function("() => document.querySelectorAll('#sweep-graph .hoverlayer .hovertext').length > 0",
                           timeout=WAIT_MS)
    text = hover_text(page)
    assert re.search(r"point \d+: ", text) and "pooled" not in text and "11 sampled parameters" in text
    assert inside_chart(page, "#sweep-graph .hoverlayer .hovertext")
    click_chart(page, "#sweep-graph", spot["x"], spot["y"], "point ")  # a dot clicked: that point alone
    page.wait_for_function("() => /^Point \\d+ \\(/.test(document.querySelector('#sweep-point-info').innerText)",
                           timeout=WAIT_MS)
    assert "Turkey's flexibility = " in page.inner_text("#sweep-point-info")  # its setting, in words
    shoot(page, "sweep-sample-line")


def test_a_grid_is_drawn_as_cells_and_lines_of_its_settings(server_b, sweeps, page):
    open_sweep(page, server_b, sweeps / "grid")
    assert "a grid" in page.inner_text("#sweep-info")
    page.wait_for_selector("#sweep-graph .heatmaplayer", timeout=WAIT_MS)
    z = page.evaluate(f"() => {GRAPH}.data[0].z")
    assert len(z) == 2 and all(len(row) == 3 and None not in row for row in z)  # one cell per setting
    assert page.locator("#sweep-graph .xtick text").all_text_contents() == ["0.3", "0.6", "0.9"]
    assert title_clear_of_the_plot(page)
    page.click("#sweep-y")
    page.click("text=none: a line chart over x")
    page.wait_for_function(f"() => {GRAPH}.data.length === 2 && {GRAPH}.data[1].mode === 'lines+markers'",
                           timeout=WAIT_MS)
    title = page.evaluate(f"() => {GRAPH}.layout.title.text").replace("<br>", " ")
    assert "pooled over Syria's flexibility" in title  # a grid is balanced: pooling over the other is fair
    assert code_names(visible_text(page, "#tab-sweep")) == []


# ------------------------------------------------------------------ issue 25 item 12
def visible_text(page, selector: str) -> str:
    """What a person reads in an element: its text and the text drawn in its charts (SVG)."""
    return page.evaluate("s => { const e = document.querySelector(s); return e.innerText + ' ' + "
                         "[...e.querySelectorAll('svg text')].map(t => t.textContent).join(' '); }", selector)


def code_names(text: str) -> list[str]:
    """Dotted and snake_case names in ``text``; file names (a scenario's file, its outcomes file) are names people
    read and type, not codes."""
    text = re.sub(r"[\w./-]+\.(?:ya?ml|json|parquet|csv|html|txt|zip)\b", " ", text)
    return sorted(set(DOTTED.findall(text)) | set(SNAKE.findall(text)))


def test_the_whatif_and_scenario_tabs_name_things_in_words(server_b, page):
    page.goto(server_b)
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    page.wait_for_selector("#whatif-calendar .js-plotly-plot .scatterlayer .trace", timeout=WAIT_MS)
    assert code_names(visible_text(page, "#tab-whatif")) == []  # it showed 16 dotted names
    toggles = page.inner_text("#whatif-toggles")
    assert "on (as" not in toggles
    assert ("Syria asks for Turkey's statement of intent to withdraw before the foreign ministers meeting: on, as in "
            "the scenario") in toggles
    page.locator("#whatif-toggles").get_by_label("Russia mediates").uncheck()
    wait_text(page, "#whatif-toggles", "Russia mediates: OFF in this what-if")
    wait_text(page, "#whatif-status", "Russia mediates = off")
    assert code_names(visible_text(page, "#tab-whatif")) == []
    open_tab(page, "scenario")
    page.wait_for_selector("#evidence-table", timeout=WAIT_MS)
    page.wait_for_selector("#scenario-network .js-plotly-plot", timeout=WAIT_MS)
    evidence = page.inner_text("#evidence-table")
    # the names of what every number rests on (the quotes and the authors' notes are their own words)
    things = [row.split("\t")[:2] for row in evidence.splitlines()[1:]]
    assert len(things) > 40 and code_names(" ".join(w for row in things for w in row)) == []  # it showed 41
    assert "Turkey's flexibility" in evidence and "Iran's urgency at the start rises by 0.1" in evidence
    tables = page.evaluate("() => [...document.querySelectorAll('#tab-scenario table:not(#evidence-table)')]"
                           ".map(t => t.innerText).join(' ')")
    assert "deadline_pressure" not in tables and "Deadline pressure" in tables  # rules in words
    assert code_names(tables) == [] and "+ -" not in tables
    shoot(page, "scenario-in-words")
