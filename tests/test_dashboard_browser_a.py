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
