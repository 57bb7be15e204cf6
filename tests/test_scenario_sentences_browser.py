"""Issue 22's constructs in the dashboard's Scenario tab, in a real browser (Playwright driving Debian's Chromium):
the per-step worked example with every other construct added (``test_scenario_sentences.every_construct_doc``) is
served, and the tab's section "Per step, per world and over time" shows each construct's sentence. Waits for
states of the page, never for a length of time; the server listens on a free port.
"""

from __future__ import annotations

import pytest

from .test_dashboard_browser import (  # noqa: F401 - fixtures used by name
    CHROMIUM, WAIT_MS, browser, open_tab, serve, shoot, wait_text)
from .test_dashboard_browser_b import code_names
from .test_scenario_sentences import every_construct_yaml

pytest.importorskip("dash", reason="the dashboard needs Dash: pip install 'diplosim[dashboard]'")
pytest.importorskip("playwright", reason="browser tests need Playwright for Python: pip install -e '.[test]'")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
SECTION = "#scenario-per-step--per-world-and-over-time"


def test_the_scenario_tab_says_every_construct_in_words(browser, tmp_path):
    from dashboards.app import create_app
    from simulator.charts.scenario import describe
    from simulator.compiled import Compiled
    from simulator.lang.words import construct_sentences
    from simulator.scenario import load

    path = every_construct_yaml(tmp_path / "every_construct.yaml")
    said = construct_sentences(Compiled(load(path).scenario), describe)
    url, stop = serve(create_app(path, runs=20, seed=1))  # the tab waits for the first what-if
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(url)
        open_tab(page, "scenario")
        page.wait_for_selector(f"{SECTION} table", timeout=WAIT_MS)
        wait_text(page, SECTION, "Security track is live in a third of worlds (33%)")
        shown = page.inner_text(SECTION)
        rows = [line.split("\t") for line in page.inner_text(f"{SECTION} tbody").splitlines()]
        assert [(r[0].strip(), r[1].strip()) for r in rows] == said  # one row per sentence, in order
        for words in ("stays suspended until it resumes, with a weekly chance of 30%",
                      "has a one-shot result: the accord is ratified with a chance of 60%",
                      "the odds of every decision on it are multiplied by 3",
                      "Armed group is outside the talks", "may put up to 2 items on the table in one week",
                      "a government is formed uniform 20 to 60 days after the vote",
                      "Iran wins or loses with Syria (Damascus government)'s bloc",
                      "Russia's term ends on 1 Mar 2024", "Weibull waiting time, median 120 days, shape 0.8"):
            assert words in shown, words
        # no internal codes; the reference class's own name, as the author writes it in `class:`, stands beside its
        # label by design (lang/timeshape.py)
        assert code_names(shown.replace("(leaders_meeting)", "")) == []
        shoot(page, "scenario-per-step-constructs")
    finally:
        page.close()
        stop()
    assert errors == []
