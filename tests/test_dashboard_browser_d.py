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


def plot_data(page, selector: str) -> list:
    return page.evaluate(f"() => {{ const p = document.querySelector({selector!r} + ' .js-plotly-plot');"
                         " return p && p.data ? p.data.map(t => ({name: t.name, y: t.y, x: t.x})) : [] }")


def wait_title(page, selector: str, contains: str) -> None:
    page.wait_for_function(
        f"s => {{ const p = document.querySelector({selector!r} + ' .js-plotly-plot');"
        " return !!(p && p.layout && p.layout.title && (p.layout.title.text || '').includes(s)) }",
        arg=contains, timeout=WAIT_MS)


def pick(page, dropdown: str, option_text: str) -> None:
    page.click(dropdown)
    page.get_by_role("option").filter(has_text=option_text).first.click()


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
