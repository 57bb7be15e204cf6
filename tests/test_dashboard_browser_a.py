"""Issue 25, items 5, 9, 11 and 13, checked in the page (Playwright driving Debian's Chromium) and over HTTP.

Fixtures and helpers come from ``test_dashboard_browser`` (the app served on a free loopback port from a thread);
every test waits for a state of the page, never for a length of time.
"""

from __future__ import annotations

import base64
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

pytest.importorskip("dash", reason="the dashboard needs Dash: pip install 'diplosim[dashboard]'")
pytest.importorskip("playwright", reason="browser tests need Playwright for Python: pip install -e '.[test]'")

from .conftest import ROOT, SEED_SCENARIO  # noqa: E402
from .test_dashboard_browser import (CHROMIUM, WAIT_MS, browser, open_tab, page, serve,  # noqa: E402,F401
                                     server, shoot, wait_text)

browser_only = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
TOKEN = "correct-horse-battery-staple-42"


# ------------------------------------------------------------------ item 5: a password beyond 127.0.0.1
def fetch(url: str, auth: str | None = None, data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    if auth:
        request.add_header("Authorization", auth)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture(scope="module")
def guarded(seed_loaded):
    from dashboards.app import create_app

    url, stop = serve(create_app(seed_loaded, runs=100, seed=1, token=TOKEN))
    yield url
    stop()


def test_a_dashboard_with_a_password_refuses_every_request_without_it(guarded):
    callback = b'{"output":"x.children","outputs":{"id":"x","property":"children"},"inputs":[],"changedPropIds":[]}'
    for path, data in (("", None), ("_dash-layout", None), ("_dash-dependencies", None),
                       ("_dash-update-component", callback), ("_dash-component-suites/no/such.js", None),
                       ("?set=syria.flexibility%3D0.3", None)):
        for auth in (None, basic("anyone", "wrong-password-of-length"), basic("anyone", TOKEN[:-1]),
                     "Bearer " + TOKEN + "x", "Basic !!!notbase64", basic(TOKEN, "")):
            status, body = fetch(guarded + path, auth, data)
            assert status == 401, (path, auth, status)
            assert "diplosim" not in body.lower().replace("this dashboard needs its password", "")
    status, body = fetch(guarded, basic("any name", TOKEN))
    assert status == 200 and "diplosim dashboard" in body
    status, body = fetch(guarded + "_dash-layout", "Bearer " + TOKEN)
    assert status == 200 and "whatif-calendar" in body


@browser_only
def test_the_browser_asks_for_the_password_and_then_shows_the_dashboard(guarded, browser):  # noqa: F811
    from playwright.sync_api import Error

    stranger = browser.new_page()
    with pytest.raises(Error, match="ERR_INVALID_AUTH_CREDENTIALS"):  # 401 with no password to give: refused
        stranger.goto(guarded)
    stranger.close()
    wrong = browser.new_context(http_credentials={"username": "analyst", "password": TOKEN[::-1]})
    refused = wrong.new_page()
    answer = refused.goto(guarded)  # the browser tried the wrong password: the server's refusal is what shows
    assert answer.status == 401 and "needs its password" in refused.inner_text("body")
    assert refused.query_selector("#whatif-calendar") is None
    wrong.close()
    context = browser.new_context(http_credentials={"username": "analyst", "password": TOKEN},
                                  viewport={"width": 1280, "height": 720})
    member = context.new_page()
    member.goto(guarded)
    member.wait_for_selector("#whatif-calendar .js-plotly-plot .scatterlayer .trace", timeout=WAIT_MS)
    member.wait_for_selector("#whatif-headlines .card", timeout=WAIT_MS)
    context.close()


def dashboard_command(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    environment = {k: v for k, v in os.environ.items() if k != "DIPLOSIM_DASHBOARD_TOKEN"} | (env or {})
    return subprocess.run([sys.executable, "-m", "simulator", "dashboard", "--scenario", str(SEED_SCENARIO),
                           "--port", "1", *args], capture_output=True, text=True, env=environment, timeout=120,
                          cwd=ROOT)


@pytest.mark.parametrize("args, env, message", [
    (("--host", "0.0.0.0"), None, "--host: 0.0.0.0 lets other machines reach the dashboard; set a password first"),
    (("--host", "192.168.1.20"), None, "--host: 192.168.1.20 lets other machines reach the dashboard"),
    (("--host", "example.org"), None, "--host: example.org lets other machines reach the dashboard"),
    (("--host", "0.0.0.0"), {"DIPLOSIM_DASHBOARD_TOKEN": "short"},
     "token: 5 characters; a dashboard password needs at least 16"),
    (("--host", "::"), {"DIPLOSIM_DASHBOARD_TOKEN": "with spaces in the password"},
     "token: spaces or control characters"),
    (("--host", "0.0.0.0", "--token-file", "/etc"), None, "--token-file: '/etc' is not a regular file"),
    (("--host", "0.0.0.0", "--token-file", "/no/such/token"), None, "--token-file: '/no/such/token' not found"),
])
def test_the_command_will_not_open_the_dashboard_to_other_machines_without_a_password(args, env, message):
    done = dashboard_command(*args, env=env)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and message in done.stderr and "Traceback" not in done.stderr


def test_loopback_needs_no_password():
    from dashboards.access import is_loopback, token_problem

    for host in ("127.0.0.1", "127.0.1.1", "::1", "[::1]", "localhost", "LOCALHOST"):
        assert is_loopback(host) and token_problem(None, host) is None
    for host in ("0.0.0.0", "::", "10.0.0.1", "localhost.example.org", "my-laptop"):
        assert not is_loopback(host) and token_problem(None, host) is not None
        assert token_problem(TOKEN, host) is None


# ------------------------------------------------------------------ item 13: a first screen that explains itself
def table_headers(page, selector: str = "#whatif-table") -> list[str]:
    return page.locator(f"{selector} th").all_inner_texts()


@browser_only
def test_the_first_screen_shows_the_answers_the_calendar_and_what_they_mean(server, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(server["url"])
    page.wait_for_selector("#whatif-calendar .js-plotly-plot .scatterlayer .trace", timeout=WAIT_MS)
    page.wait_for_selector("#whatif-headlines .card", timeout=WAIT_MS)
    assert page.evaluate("() => window.scrollY") == 0
    boxes = [page.locator("#whatif-calendar .js-plotly-plot").bounding_box(),
             *[card.bounding_box() for card in page.locator("#whatif-headlines .card").all()]]
    assert len(boxes) == 8  # the calendar and the seed scenario's seven questions
    for box in boxes:  # wholly on the first screen, no scrolling
        assert box["y"] >= 0 and box["y"] + box["height"] <= 720 and box["x"] + box["width"] <= 1280, box
    help_text = page.inner_text("#whatif-help")
    for words in ("500 simulated runs", "seed", "95% intervals of Monte Carlo error", "not the forecast's uncertainty"):
        assert words in help_text
    assert page.locator("#whatif-help").bounding_box()["y"] < boxes[0]["y"]  # the help is read first
    # no what-if set: no what-if column, no changes of zero, no chart of zeros
    headers = table_headers(page)  # (other columns, such as the outside view, may follow)
    assert headers[:2] == ["question", "estimate (95% interval)"]
    assert not any("what-if" in h or "difference" in h or "changed" in h for h in headers)
    assert " pts" not in page.inner_text("#whatif-table")
    assert not page.locator("#whatif-diff").is_visible()
    shoot(page, "first-screen-1280x720")
    page.goto(server["url"] + "?scenario=main&runs=500&seed=1&set=russia.active%3D0")
    page.wait_for_function("() => [...document.querySelectorAll('#whatif-table th')].some(t => t.innerText.includes("
                           "'what-if'))", timeout=WAIT_MS)
    page.wait_for_selector("#whatif-diff .js-plotly-plot", state="visible", timeout=WAIT_MS)
    assert "difference (paired 95%)" in table_headers(page)
    page.close()


# ------------------------------------------------------------------ item 11: the small display faults
@browser_only
def test_a_phone_never_scrolls_sideways(server, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server["url"])
    page.wait_for_selector("#whatif-calendar .js-plotly-plot .scatterlayer .trace", timeout=WAIT_MS)
    for tab in ("whatif", "scenario", "sweep", "onerun", "compare"):
        if tab != "whatif":
            open_tab(page, tab)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1] == 390, (tab, widths)
    shoot(page, "phone-390x844")
    page.close()


LEGEND = """() => {
    const plot = document.querySelector('#whatif-calendar .js-plotly-plot');
    const bg = plot.querySelector('.legend .bg').getBoundingClientRect();
    const items = [...plot.querySelectorAll('.legend .traces')].map(t => t.getBoundingClientRect());
    return {bottom: bg.bottom, items: items.map(r => r.bottom), entries: plot.data.filter(t => t.showlegend !== false).length,
            title: plot.layout.legend.title.text, lines: plot.data.filter(t => t.legendgroup && t.legendgroup !== 'calendar-markers' && t.line && t.mode === 'lines'
            && t.fill !== 'toself').map(t => [t.legendgroup, t.name, t.line.dash || 'solid', t.line.width])};
}"""


@browser_only
def test_legends_show_every_entry_and_a_line_style_means_one_thing(server, page):  # noqa: F811
    kinds_words = None
    for query in ("", "?scenario=main&runs=500&seed=1&set=russia.active%3D0"):
        page.goto(server["url"] + query)
        page.wait_for_selector("#whatif-calendar .js-plotly-plot .legend .traces", timeout=WAIT_MS)
        if query:
            page.wait_for_function("() => document.querySelector('#whatif-calendar .js-plotly-plot').data"
                                   ".some(t => (t.name || '').endsWith('(baseline)'))", timeout=WAIT_MS)
        legend = page.evaluate(LEGEND)
        # every entry inside the legend's box: nothing scrolled away or cut (so a PNG export has them all too)
        assert len(legend["items"]) == legend["entries"] and max(legend["items"]) <= legend["bottom"] + 1
        assert page.locator("#whatif-calendar .legend .scrollbar").evaluate_all(
            "bars => bars.every(b => !b.getAttribute('height') || +b.getAttribute('height') === 0)")
        styles = {}
        for group, name, dash, _ in legend["lines"]:
            styles.setdefault(group, set()).add(dash)
        assert all(len(s) == 1 for s in styles.values())  # baseline and what-if of a milestone: its kind's style
        assert "dotted: unilateral step" in legend["title"]  # with or without a what-if, dotted says the same thing
        kinds_words = kinds_words or legend["title"]
        assert legend["title"] == kinds_words
    widths = {n.rsplit(" (", 1)[1]: w for _, n, _, w in legend["lines"]}
    assert widths["baseline)"] < widths["what-if)"]  # the baseline is told apart by weight and shade


TICKS = "() => [...document.querySelectorAll('#whatif-calendar .xtick text')].map(e => e.textContent)"


@browser_only
def test_a_short_date_axis_does_not_repeat_its_month(server, page):  # noqa: F811
    page.goto(server["url"])
    page.wait_for_selector("#whatif-calendar .js-plotly-plot .xtick text", timeout=WAIT_MS)
    long_ticks = page.evaluate(TICKS)
    assert len(set(long_ticks)) == len(long_ticks)
    page.locator("#whatif-calendar .updatemenu-button", has_text="8 weeks before round 1").click()
    page.wait_for_function("t => JSON.stringify([...document.querySelectorAll('#whatif-calendar .xtick text')]"
                           ".map(e => e.textContent)) !== t", arg=__import__("json").dumps(long_ticks),
                           timeout=WAIT_MS)
    ticks = page.evaluate(TICKS)
    assert len(ticks) >= 3 and len(set(ticks)) == len(ticks), ticks  # 'Apr 2023, Apr 2023, ...' before
    import re

    assert all(re.fullmatch(r"[1-9]\d? [A-Z][a-z]{2} 20\d\d", t) for t in ticks), ticks  # '7 Apr 2023', as in cards


@browser_only
def test_the_address_carries_the_slider_value_without_float_noise(history_server, page):  # noqa: F811
    import re

    # iran_vienna_2021: the United States' resolve runs from 0.8 to 1.1 in steps of 0.0030000000000000005 (binary
    # arithmetic); a click at 71% of its track was written into the address as 1.0130000000000001
    page.goto(history_server)
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    track = page.locator('#whatif-controls [id*=\'"name":"united_states.resolve"\'] .dash-slider-track')
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    page.mouse.click(box["x"] + 0.71 * box["width"], box["y"] + box["height"] / 2)
    page.wait_for_function("() => location.search.includes('united_states.resolve%3D')", timeout=WAIT_MS)
    value = re.search(r"united_states\.resolve%3D([^&]+)", page.url).group(1)
    assert re.fullmatch(r"1\.0\d{1,3}", value), page.url  # 1.013, not 1.0130000000000001
    wait_text(page, "#whatif-status", f"= {value}")


@pytest.fixture(scope="module")
def history_server(tmp_path_factory):
    from dashboards.app import create_app

    url, stop = serve(create_app(ROOT / "scenarios" / "iran_vienna_2021.yaml", runs=50, seed=1))
    yield url
    stop()


@browser_only
def test_sources_are_links_and_history_is_in_date_order(history_server, page):  # noqa: F811
    import datetime as dt

    page.goto(history_server)
    open_tab(page, "scenario")
    page.wait_for_selector("[id^=scenario-history] tbody tr", timeout=WAIT_MS)
    dates = [dt.datetime.strptime(row.split("\t")[0], "%d %b %Y").date()
             for row in page.locator("[id^=scenario-history] tbody tr").all_inner_texts()]
    assert len(dates) >= 2 and dates == sorted(dates)  # milestones and events together, by date
    links = page.locator("#scenario-panel a.source-url")
    assert links.count() >= 1
    for k in range(links.count()):
        link = links.nth(k)
        assert link.get_attribute("href").startswith(("https://", "http://")) and link.inner_text() == \
            link.get_attribute("href") and link.get_attribute("target") == "_blank"
    rows = page.locator("#scenario-panel h3", has_text="Sources").locator("xpath=..").locator("tbody tr")
    for row in rows.all_inner_texts():  # dates as the rest of the page writes them ('22 Feb 2021')
        dt.datetime.strptime(row.split("\t")[2], "%d %b %Y")


@browser_only
def test_quote_warnings_only_for_quotes_and_a_failed_check_in_one_line(server, page, tmp_path):  # noqa: F811
    page.goto(server["url"])
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    no_quotes = ROOT / "scenarios" / "armenia_turkey_2025.yaml"  # its evidence is notes and assumptions
    page.set_input_files("#upload input[type=file]", str(no_quotes))
    wait_text(page, "#upload-ok", "no evidence quotes to check")
    page.wait_for_function("() => location.search.includes('scenario=upload-')", timeout=WAIT_MS)
    wait_text(page, "#scenario-name", "armenia_turkey_2025.yaml")
    assert page.locator("#quotes-unchecked").count() == 0
    page.set_input_files("#upload input[type=file]", str(SEED_SCENARIO))  # 29 quotes, no texts: said, counted
    wait_text(page, "#quotes-unchecked", "This scenario's 29 evidence quotes were NOT checked")
    wrong = tmp_path / "alwatan_2023-02_quartet.txt"  # the right name, none of the words
    wrong.write_text("Source: nowhere\n----\nNothing that the scenario quotes is in this text.\n", encoding="utf-8")
    page.set_input_files("#upload input[type=file]", [str(SEED_SCENARIO), str(wrong)])
    page.wait_for_selector("#upload-problems .problem", timeout=WAIT_MS)
    lines = page.locator("#upload-problems .problem").all_inner_texts()
    assert len(lines) == 2 and lines[0] == "The upload was refused; nothing changed. 1 problem(s):"
    assert lines[1].startswith("29 evidence quotes do not occur in the texts of their sources (quartet_alwatan)") \
        or lines[1].startswith("29 evidence quotes do not occur in the texts of their sources (")
    assert " and 26 more" in lines[1] and lines[1].count("syria_turkey_2023.yaml:") == 3


# ------------------------------------------------------------------ item 9: date questions are dates everywhere
DATE = r"[1-9]\d? [A-Z][a-z]{2} 20\d\d"


def date_row(page, table: str) -> dict[str, str]:
    """The date question's cells by column header."""
    row = page.locator(f"{table} tbody tr", has_text="When do the foreign ministers first meet?")
    return dict(zip(table_headers(page, table), row.locator("td").all_inner_texts()))


@browser_only
def test_date_questions_are_dates_with_the_median_shift_in_days(server, page):  # noqa: F811
    import re

    from simulator.stats import median_shift_days
    from simulator.answers import DateDistribution

    page.goto(server["url"])
    page.wait_for_selector("#whatif-table", timeout=WAIT_MS)
    estimate = date_row(page, "#whatif-table")["estimate (95% interval)"]
    assert re.fullmatch(rf"median {DATE} \(10–90%: {DATE} to ({DATE}|after the calendar ends)\); by the end "
                        r"\d+\.\d% \[\d+\.\d%, \d+\.\d%\]", estimate), estimate
    assert "not within the calendar to" not in page.inner_text("#whatif-headlines")
    page.goto(server["url"] + "?scenario=main&runs=500&seed=1&set=russia.active%3D0")
    wait_text(page, "#whatif-table", "what-if (95% Wilson)")
    cells = date_row(page, "#whatif-table")
    base, alt = cells["baseline (95% Wilson)"], cells["what-if (95% Wilson)"]
    change = cells["difference (paired 95%)"]
    assert base.startswith("median ") and alt.startswith("median ") and re.search(DATE, alt)
    assert re.match(r"median (\d+ days? (later|earlier)|unchanged) \[.+\]; by the end ", change), change
    card = page.inner_text("#whatif-headlines-cards-fm_meeting_date")
    assert change.split("; by the end")[0] in card  # the card says the same shift
    # the shift is the comparison's own (stats.median_shift_days, as diplosim compare --json gives it)
    assert median_shift_days([1.0, 2.0, 3.0], [8.0, 9.0, 10.0])["shift_days"] == 7.0
    assert DateDistribution.shift_words({"shift_days": 7.0, "shift_low": 7.0, "shift_high": 7.0}) == \
        "median 7 days later [7 days later]"
    # the same comparison in the Compare tab (opened from its address: B without Russia's mediation)
    page.goto(server["url"] + "#tab=compare&compare.a=main&compare.b=main&compare.b.set=russia.active%3D0"
              "&compare.runs=500&compare.seed=1")
    page.wait_for_selector("#compare-numbers", timeout=WAIT_MS)
    page.wait_for_selector("#compare-result:visible", timeout=WAIT_MS)
    cells = date_row(page, "#compare-numbers")
    a, b, shift = cells["A (95% Wilson)"], cells["B (95% Wilson)"], cells["B - A (paired 95%)"]
    assert a == base and b == alt and shift == change  # Compare says the same, in dates and days
