"""The dashboard in Chromium: time to the first chart and from a slider release to the redrawn chart, on the
machine as it is ("quiet") and with busy loops added ("loaded"), side by side in one run.

    .venv/bin/python benchmarks/bench_dashboard.py [--loads 5] [--busy 2] [--against GIT_REF_OR_FOLDER] [--breakdown]

Serves `diplosim dashboard --scenario scenarios/syria_turkey_2023.yaml` (500 runs per what-if) in a child
process and drives Debian's Chromium with Playwright (a fresh browser context per load, so nothing is
cached). Each load is made twice in a row, as the machine is and with ``--busy`` processes spinning (the
browser tests' "loaded machine"), so the quiet and the loaded figure see the same background; the machine's
load is printed beside each: the mean number of runnable processes sampled every 0.2 s during that condition's
loads (``/proc/loadavg``'s fourth field, the busy loops included), and the 1-minute load average at its end.
On a machine shared with other work "quiet" is only as quiet as that number says. With ``--against REF`` the
same is done, interleaved load by load, for that commit (a `git archive` of it in a temporary folder, or a
folder holding a checkout, run with this checkout's virtual environment), and the ratios are printed.

First chart: from `page.goto` to the first line drawn in the What-if calendar chart. Slider: from the click
on the track of `turkey.flexibility` to the calendar chart holding new data (each click a new 500-run
what-if, 1.5 s after the last chart, as a person looks before moving again). It is split in the browser's own
clock (a hook on `fetch`): click -> the what-if's callback request sent, the request (server and transfer), and
the response -> chart (the page applying the answer and plotly drawing). The server's CPU seconds to the first
chart and per slider move are printed too: other work on a shared machine stretches wall time but hardly the
CPU time the server itself uses, so they compare versions when no quiet moment comes. ``--breakdown`` also times the
server's parts of the same what-ifs in this process (simulation, paired differences, outside view, each figure,
JSON and its size), on the machine as it is.
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
    # that checkout's code, whatever PYTHONPATH this process has (a worktree's) or the virtual environment installs
    env = dict(os.environ, PYTHONPATH=str(root))
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "dashboard", "--scenario",
                             str(root / "scenarios" / "syria_turkey_2023.yaml"), "--port", str(port)], cwd=root,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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


# the page's callback requests in its own clock: [outputs, sent, answered] (the slider's what-if is the one whose
# outputs start with the address, `..url.search@...`)
FETCH_HOOK = """
window.__calls = [];
const fetch0 = window.fetch;
window.fetch = function (resource, init) {
    const sent = performance.now();
    let outputs = "";
    try { outputs = JSON.parse(init.body).output; } catch (e) { outputs = String(resource); }
    return fetch0.apply(this, arguments).then(function (answer) {
        window.__calls.push([outputs, sent, performance.now()]);
        return answer;
    });
};
"""
WHATIF_CALL = "..url.search@"


def cpu_seconds(pid: int) -> float:
    """The CPU time a process has used (user + system), from /proc: unlike wall time, hardly moved by other work
    on the machine (nan where /proc is not there)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def one_load(browser, url: str, fractions, pause: float = 0.0,
             pid: int | None = None) -> tuple[float, list[tuple[float, ...]], float, float]:
    """(seconds to the first chart, [(slider -> chart, click -> request, request, response -> chart) per move],
    the server's CPU seconds to the first chart, and per slider move: from the click to the chart drawn)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.add_init_script(FETCH_HOOK)
    cpu = cpu_seconds(pid) if pid else float("nan")
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(TRACE, timeout=120_000)
    first = time.perf_counter() - start
    first_cpu = (cpu_seconds(pid) if pid else float("nan")) - cpu
    move_cpu = 0.0
    page.wait_for_selector("#whatif-table", timeout=120_000)
    moves = []
    track = page.locator('#whatif-controls [id*=\'"name":"turkey.flexibility"\'] .dash-slider-track')
    track.scroll_into_view_if_needed()  # the What-if controls sit below the first screen's answers and chart
    for fraction in fractions:
        if pause:
            page.wait_for_timeout(pause * 1000)
        before = page.evaluate(CALENDAR)
        page.evaluate("() => { window.__calls = []; }")
        box = track.bounding_box()
        clicked = page.evaluate("() => performance.now()")
        cpu = cpu_seconds(pid) if pid else float("nan")
        start = time.perf_counter()
        page.mouse.click(box["x"] + fraction * box["width"], box["y"] + box["height"] / 2)
        drawn = page.wait_for_function(f"b => (({CALENDAR})() !== b) && performance.now()", arg=before,
                                       polling="raf", timeout=120_000).json_value()
        total = time.perf_counter() - start
        move_cpu += (cpu_seconds(pid) if pid else float("nan")) - cpu
        calls = [c for c in page.evaluate("() => window.__calls") if c[0].startswith(WHATIF_CALL)]
        if calls:
            _, sent, answered = calls[-1]
            moves.append((total, (sent - clicked) / 1000, (answered - sent) / 1000, (drawn - answered) / 1000))
        else:
            moves.append((total, float("nan"), float("nan"), float("nan")))
    context.close()
    return first, moves, first_cpu, move_cpu / max(len(fractions), 1)


class Busy:
    """``n`` processes spinning (the browser tests' loaded machine) while in use."""

    def __init__(self, n: int):
        self.n, self.procs = n, []

    def __enter__(self):
        self.procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(self.n)]
        return self

    def __exit__(self, *exc):
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            proc.wait()


class LoadMeter:
    """The machine's runnable processes, sampled every 0.2 s while ``on`` (``/proc/loadavg``'s fourth field)."""

    def __init__(self):
        import threading

        self.samples: dict[str, list[int]] = {}
        self.label: str | None = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.stop.wait(0.2):
            label = self.label
            if label is None:
                continue
            try:
                running = int(Path("/proc/loadavg").read_text().split()[3].split("/")[0])
            except (OSError, ValueError, IndexError):
                return
            self.samples.setdefault(label, []).append(running)

    def mean(self, label: str) -> float:
        got = self.samples.get(label, [])
        return statistics.fmean(got) if got else float("nan")


def breakdown(fractions, runs: int = 500) -> None:
    """The server's parts of the benchmark's what-ifs, timed in this process (the machine as it is)."""
    sys.path.insert(0, str(ROOT))
    from dash._utils import to_json

    from dashboards.app import create_app
    from dashboards.compute import paired_differences, simulate_many
    from dashboards.outside import beside_cells
    from dashboards.state import WhatIf
    from dashboards.ui import probabilities
    from dashboards.whatif import whatif_view
    from simulator import charts
    from simulator.answers import question_chart
    from simulator.charts.whatif import difference_from_baseline

    app = create_app(ROOT / "scenarios" / "syria_turkey_2023.yaml", runs=runs, warm=False)
    ctx = app.diplosim_context
    entry = ctx.get("main", None)
    c, p = entry.compiled, entry.compiled.table.params["turkey.flexibility"]
    lo, hi = p.bounds
    whatif_view(ctx, WhatIf("main", runs, 1, {}))  # the baseline and the imports, as the server's start-up does
    parts: dict[str, list[float]] = {}

    def timed(name, work, *args):
        start = time.perf_counter()
        out = work(*args)
        parts.setdefault(name, []).append(time.perf_counter() - start)
        return out

    sizes = []
    for fraction in fractions:
        overrides = {"turkey.flexibility": round(lo + fraction * (hi - lo), 4)}
        (base, _), (alt, _) = timed("simulate the what-if (500 runs)", simulate_many, ctx,
                                    [("main", 1, runs, {}), ("main", 1, runs, overrides)])
        rows = timed("paired differences", paired_differences, base, alt, c, c)
        timed("outside view and priors", beside_cells, ctx, entry, 1, runs)
        figs = [timed("calendar chart", charts.calendar_variants, [("baseline", base.table), ("what-if", alt.table)],
                      c),
                timed("questions chart", question_chart, alt.summary, c, "; what-if"),
                timed("difference chart", difference_from_baseline, probabilities(rows), runs)]
        sizes.append(sum(len(j) for j in timed("figures to JSON", lambda got: [to_json(f) for f in got], figs)))
        overrides = {"turkey.flexibility": round(lo + (fraction + 0.05) * (hi - lo), 4)}
        timed("whole view (another what-if)", whatif_view, ctx, WhatIf("main", runs, 1, overrides))
    print(f"server's parts of a what-if, in this process (median of {len(fractions)}; load average "
          f"{os.getloadavg()[0]:.2f}):")
    for name, got in parts.items():
        print(f"  {name:>30}: {statistics.median(got):.3f} s")
    print(f"  {'figures as JSON':>30}: {statistics.median(sizes) / 1000:.0f} kB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loads", type=int, default=5, help="page loads per version and condition (3 slider moves each)")
    ap.add_argument("--busy", type=int, default=2, help="busy loops for the loaded condition (0: quiet only)")
    ap.add_argument("--pause", type=float, default=0.0, help="seconds between a chart and the next slider move")
    ap.add_argument("--against", help="a git ref, or a folder with a checkout, to measure side by side")
    ap.add_argument("--breakdown", action="store_true", help="also time the server's parts in this process")
    args = ap.parse_args()
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    versions = {"this checkout": ROOT}
    tmp = None
    if args.against and Path(args.against).is_dir():
        versions[args.against] = Path(args.against).resolve()
    elif args.against:
        tmp = tempfile.TemporaryDirectory(prefix="diplosim-bench-")
        archive = subprocess.run(["git", "archive", args.against], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp.name], input=archive, check=True)
        versions[args.against] = Path(tmp.name)
    conditions = ["quiet"] + ([f"loaded (+{args.busy} busy)"] if args.busy else [])
    servers = {name: serve(root) for name, root in versions.items()}
    out = {(name, cond): {"first": [], "moves": [], "cpu": []} for name in versions for cond in conditions}
    averages: dict[str, list[float]] = {}
    meter = LoadMeter()
    failures: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            for i in range(args.loads):
                for j, cond in enumerate(conditions):
                    # slider positions never used before by this server: each move is a new what-if (a position
                    # shown before would come from the server's cache); the same ones for every version
                    off = 0.015 * (len(conditions) * i + j)
                    fractions = (0.9 - off, 0.1 + off, 0.7 - off)
                    with Busy(args.busy if cond != "quiet" else 0):
                        meter.label = cond
                        for name, (proc, url) in servers.items():
                            try:
                                first, moves, first_cpu, move_cpu = one_load(browser, url, fractions, args.pause,
                                                                             proc.pid)
                            except PlaywrightTimeout as exc:
                                failures.append(f"{name}, {cond}, load {i + 1}: {str(exc).splitlines()[0]}")
                                continue
                            out[name, cond]["first"].append(first)
                            out[name, cond]["moves"] += moves
                            out[name, cond]["cpu"].append((first_cpu, move_cpu))
                        meter.label = None
                        averages.setdefault(cond, []).append(os.getloadavg()[0])
            browser.close()
    finally:
        meter.stop.set()
        for proc, _ in servers.values():
            proc.terminate()
            proc.wait()
        if tmp is not None:
            tmp.cleanup()
    print(f"{os.cpu_count()} CPUs; medians over {args.loads} loads and {3 * args.loads} slider moves each"
          + (f", {args.pause:g} s between a chart and the next move" if args.pause else ""))
    print(f"{'version':>16} {'condition':>18} {'runnable':>9} {'load 1min':>9} {'first chart':>12} "
          f"{'slider->chart':>14} {'click->req':>11} {'request':>8} {'resp->chart':>12} {'server CPU':>16}")
    med = {}
    for (name, cond), d in out.items():
        moves = list(zip(*d["moves"])) or [[]] * 4
        m = [statistics.median(d["first"]) if d["first"] else float("nan")] + [
            statistics.median(v) if v else float("nan") for v in moves]
        med[name, cond] = m
        cpu = [statistics.median(v) for v in zip(*d["cpu"])] or [float("nan")] * 2
        print(f"{name:>16} {cond:>18} {meter.mean(cond):>9.1f} {statistics.fmean(averages[cond]):>9.2f} "
              + " ".join(f"{x:>{w}.2f}" for x, w in zip(m, (12, 14, 11, 8, 12)))
              + f" {cpu[0]:>7.2f} / {cpu[1]:.2f}")
    print("(seconds; 'runnable': mean runnable processes sampled during the condition's loads, busy loops included;"
          " 'load 1min': the 1-minute load average at the end of each of its loads, averaged; 'server CPU': the"
          " server's CPU seconds to the first chart / per slider move, which other work on the machine hardly moves)")
    for failure in failures:
        print(f"FAILED (not in the medians): {failure}")
    print("all values:")
    for (name, cond), d in out.items():
        print(f"  {name}, {cond}: first chart {' '.join(f'{x:.2f}' for x in d['first'])}; slider "
              f"{' '.join(f'{m[0]:.2f}' for m in d['moves'])}")
    if args.against:
        for cond in conditions:
            now, base = med["this checkout", cond], med[args.against, cond]
            print(f"ratio (this checkout / {args.against}), {cond}: first chart {now[0] / base[0]:.2f}, "
                  f"slider {now[1] / base[1]:.2f}")
    if args.breakdown:
        breakdown([0.9, 0.1, 0.7, 0.8, 0.2, 0.6])


if __name__ == "__main__":
    main()
