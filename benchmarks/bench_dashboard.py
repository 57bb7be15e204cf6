"""The dashboard in Chromium: time to the first chart and from a slider release to the redrawn chart.

    .venv/bin/python benchmarks/bench_dashboard.py [--loads 5] [--against GIT_REF]

Serves `diplosim dashboard --scenario scenarios/syria_turkey_2023.yaml` (500 runs per what-if) in a child
process and drives Debian's Chromium with Playwright (a fresh browser context per load, so nothing is
cached). With ``--against REF`` the same is done, interleaved load by load, for that commit (a `git archive`
of it in a temporary folder, run with this checkout's virtual environment), and the ratios are printed:
side by side in one run, so both see the same machine load.

First chart: from `page.goto` to the first line drawn in the What-if calendar chart. Slider: from the click
on the track of `turkey.flexibility` to the calendar chart holding new data (each click a new 500-run
what-if); "server" is the callback request's requestStart -> responseStart in the browser's resource timing.
The load average is printed before and after: on a shared machine the figures are only as good as it.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
CALENDAR = "() => JSON.stringify(document.querySelector('#whatif-calendar .js-plotly-plot').data.map(t => t.y))"
TRACE = "#whatif-calendar .js-plotly-plot .scatterlayer .trace"


def serve(root: Path, settle: float = 3.0) -> tuple[subprocess.Popen, str]:
    """The dashboard of the checkout ``root`` on a free loopback port, once it answers, then ``settle`` seconds more
    (the start-up baseline finishing, as it has when a person opens the page); shared with bench_concurrency.py."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "dashboard", "--scenario",
                             str(root / "scenarios" / "syria_turkey_2023.yaml"), "--port", str(port)], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            time.sleep(settle)
            return proc, url
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"the dashboard of {root} did not start")
            time.sleep(0.2)
    raise SystemExit(f"the dashboard of {root} did not answer within 120 s")


def one_load(browser, url: str, fractions) -> tuple[float, list[float], list[float]]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(TRACE, timeout=120_000)
    first = time.perf_counter() - start
    page.wait_for_selector("#whatif-table", timeout=120_000)
    moves, server = [], []
    track = page.locator('#whatif-controls [id*=\'"name":"turkey.flexibility"\'] .dash-slider-track')
    track.scroll_into_view_if_needed()  # the What-if controls sit below the first screen's answers and chart
    for fraction in fractions:
        before = page.evaluate(CALENDAR)
        seen = page.evaluate("() => performance.getEntriesByType('resource').length")
        box = track.bounding_box()
        start = time.perf_counter()
        page.mouse.click(box["x"] + fraction * box["width"], box["y"] + box["height"] / 2)
        page.wait_for_function(f"b => ({CALENDAR})() !== b", arg=before, timeout=120_000)
        moves.append(time.perf_counter() - start)
        calls = page.evaluate(f"() => performance.getEntriesByType('resource').slice({seen})"
                              ".filter(e => e.name.includes('_dash-update-component'))"
                              ".map(e => [e.transferSize, e.responseStart - e.requestStart])")
        if calls:
            server.append(max(calls)[1] / 1000)
    context.close()
    return first, moves, server


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loads", type=int, default=5, help="page loads per version (3 slider moves each)")
    ap.add_argument("--against", help="a git ref to measure side by side with this checkout")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    versions = {"this checkout": ROOT}
    tmp = None
    if args.against:
        tmp = tempfile.TemporaryDirectory(prefix="diplosim-bench-")
        archive = subprocess.run(["git", "archive", args.against], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp.name], input=archive, check=True)
        versions[args.against] = Path(tmp.name)
    servers = {name: serve(root) for name, root in versions.items()}
    out = {name: {"first": [], "slider": [], "server": []} for name in versions}
    load_before = os.getloadavg()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            for i in range(args.loads):
                fractions = (0.9, 0.1, 0.7) if i % 2 == 0 else (0.8, 0.2, 0.6)
                for name, (_, url) in servers.items():
                    first, moves, server = one_load(browser, url, fractions)
                    out[name]["first"].append(first)
                    out[name]["slider"] += moves
                    out[name]["server"] += server
            browser.close()
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            proc.wait()
        if tmp is not None:
            tmp.cleanup()
    load_after = os.getloadavg()
    print(f"load average (1, 5, 15 min): before {', '.join(f'{x:.2f}' for x in load_before)}; "
          f"after {', '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} CPUs")
    med = {name: {k: statistics.median(v) if v else float("nan") for k, v in d.items()} for name, d in out.items()}
    print(f"{'version':>16} {'first chart (s)':>16} {'slider -> chart (s)':>20} {'of which server (s)':>20}")
    for name, m in med.items():
        print(f"{name:>16} {m['first']:>16.2f} {m['slider']:>20.2f} {m['server']:>20.2f}")
    print("medians over", args.loads, "loads and", 3 * args.loads, "slider moves each; all values:")
    for name, d in out.items():
        for k, v in d.items():
            print(f"  {name} {k}: {' '.join(f'{x:.2f}' for x in v)}")
    if args.against:
        base = med[args.against]
        now = med["this checkout"]
        print(f"ratio (this checkout / {args.against}): first chart {now['first'] / base['first']:.2f}, "
              f"slider {now['slider'] / base['slider']:.2f}")


if __name__ == "__main__":
    main()
