"""Issue 25 items 9 and 11 in a real browser (Playwright driving Debian's Chromium; fixtures and helpers from
``test_dashboard_browser``): a date question drawn as dates, one date format, and a chart exported as PNG keeps
its legend.

Every test waits for a state of the page, never for a length of time.
"""

from __future__ import annotations

import base64
import io
import re

import pytest

from .conftest import SEED_SCENARIO
from .test_dashboard_browser import WAIT_MS, browser, open_tab, page, serve  # noqa: F401

MONTHS = ("January|February|March|April|June|July|August|September|October|November|December")  # May is both
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
LONG = re.compile(rf"\b\d{{1,2}} (?:{MONTHS}) \d{{4}}\b")
SHORT = re.compile(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b")


@pytest.fixture(scope="module")
def server_d():
    from dashboards.app import create_app

    url, stop = serve(create_app(SEED_SCENARIO, runs=100, seed=1))
    yield url
    stop()


def plot(graph: str) -> str:
    return f"document.querySelector('{graph} .js-plotly-plot')"


def test_a_date_question_is_drawn_as_its_median_date_and_dates_read_one_way(server_d, page):
    """Item 9: the questions chart puts a date question on a date axis (its median and 10–90% range; the share
    within the calendar in the hover), not at its chance by the end; item 11: cards, tables and the chart's ticks
    write dates one way ('3 May 2023')."""
    page.goto(server_d)
    gd = plot("#whatif-questions")
    page.wait_for_function(f"() => {{ const g = {gd}; return g && g.data.length > 1 && g._fullLayout.xaxis2; }}",
                           timeout=WAIT_MS)
    axis = page.evaluate(f"() => [{gd}._fullLayout.xaxis2.type, {gd}._fullLayout.xaxis2.title.text]")
    assert axis == ["date", "Median date"]
    dated = page.evaluate(f"() => {gd}.data.filter(t => t.xaxis === 'x2').map(t => [t.name, t.customdata])")
    assert len(dated) == 1 and dated[0][0].startswith("date question")
    hover = dated[0][1][0].replace("<br>", " ")
    assert SHORT.search(hover) and "within the calendar in" in hover and not ISO.search(hover)
    ticks = page.locator("#whatif-questions .xaxislayer-above text").all_text_contents()
    assert any(SHORT.fullmatch(t) for t in ticks), ticks  # the date axis's ticks: '1 Feb 2023'
    cards = page.inner_text("#whatif-headlines")
    assert SHORT.search(cards) and not LONG.search(cards) and not ISO.search(cards)
    table = page.inner_text("#whatif-table")
    assert SHORT.search(table) and not ISO.search(table)
    open_tab(page, "scenario")
    page.wait_for_selector("#evidence-table", timeout=WAIT_MS)
    tables = page.evaluate("() => [...document.querySelectorAll('#tab-scenario table')].map(t => t.innerText)"
                           ".join(' ')")
    assert SHORT.search(tables) and not LONG.search(tables), LONG.findall(tables)[:3]  # '11 April 2021' before


def test_the_exported_png_keeps_the_whole_legend(server_d, page):
    """Item 11: the calendar chart's legend grows with its entries instead of scrolling; exported as the mode bar's
    'Download plot as png' exports it (``Plotly.toImage`` with the chart's config), every entry is drawn: the
    PNG is as tall as the chart, and the place of the legend's last entry differs from the same export with the
    legend left out."""
    from PIL import Image, ImageChops

    page.goto(server_d)
    gd = plot("#whatif-calendar")
    page.wait_for_function(f"() => {{ const g = {gd}; return g && g.querySelectorAll('.legend .traces').length > 5; }}",
                           timeout=WAIT_MS)
    box = page.evaluate(f"""() => {{
        const g = {gd}, svg = g.querySelector('.main-svg').getBoundingClientRect();
        const entries = [...g.querySelectorAll('.legend .traces')];
        const last = entries[entries.length - 1].getBoundingClientRect();
        return {{n: entries.length, width: g._fullLayout.width, height: g._fullLayout.height,
                 scroll: !!g.querySelector('.legend .scrollbar[height]') &&
                         +g.querySelector('.legend .scrollbar').getAttribute('height') > 0,
                 left: last.left - svg.left, top: last.top - svg.top, right: last.right - svg.left,
                 bottom: last.bottom - svg.top}}; }}""")
    assert not box["scroll"]  # the legend holds all its entries without a scroll bar

    def export(legend: bool) -> Image.Image:
        url = page.evaluate(f"""async legend => {{
            const g = {gd}, opts = Object.assign({{format: 'png'}}, g._context.toImageButtonOptions || {{}});
            if (!opts.width) {{ opts.width = g._fullLayout.width; }}
            if (!opts.height) {{ opts.height = g._fullLayout.height; }}
            if (legend) {{ return await Plotly.toImage(g, opts); }}
            return await Plotly.toImage({{data: g.data, layout: Object.assign({{}}, g.layout, {{showlegend: false}})}},
                                        opts); }}""", legend)
        return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB")

    shown, hidden = export(True), export(False)
    assert shown.size == (round(box["width"]), round(box["height"]))  # the whole chart, legend included
    assert box["bottom"] <= shown.size[1]
    area = tuple(round(v) for v in (box["left"], box["top"], box["right"], box["bottom"]))
    drawn = ImageChops.difference(shown.crop(area), hidden.crop(area)).getbbox()
    assert drawn is not None, "the legend's last entry is not drawn in the exported PNG"
