"""Two users of one dashboard at once: a 500-run what-if's time alone and while another user runs 2 x 20,000.

    .venv/bin/python benchmarks/bench_concurrency.py [--moves 6] [--against GIT_REF]

Serves `diplosim dashboard --scenario scenarios/syria_turkey_2023.yaml` (500 runs per what-if) in a child
process on a free loopback port and plays two clients over HTTP, posting the What-if tab's callback as the
browser does (built from the server's own /_dash-dependencies and /_dash-layout, so it fits any version):

- the light user moves `turkey.flexibility` (each move a new 500-run what-if; the baseline is cached);
- the heavy user asks for 20,000 runs with a new seed each time (a 20,000-run baseline and a 20,000-run
  what-if per request), one request after another, for as long as the light user is measuring.

Printed: the light user's request times (median and all), first alone, then beside the heavy user, and how many
heavy requests finished meanwhile. Bounded: --moves requests each phase, 120 s per request, 600 s in all. With
``--against REF`` the same is done for that commit (a `git archive` of it, this checkout's virtual environment),
one version after the other. The load average is printed: on a shared machine the figures are only as good as it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from bench_dashboard import serve  # the dashboard on a free port, once it answers (run from benchmarks/ as a script)

ROOT = Path(__file__).resolve().parents[1]
DEADLINE = 600.0


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=60) as answer:
        return json.loads(answer.read())


def walk(node, out: dict) -> dict:
    """Every component of a layout by id (pattern ids as JSON strings with sorted keys)."""
    if isinstance(node, dict):
        props = node.get("props", {})
        if "id" in props:
            key = props["id"] if isinstance(props["id"], str) else json.dumps(props["id"], sort_keys=True)
            out[key] = props
        for value in props.values():
            walk(value, out)
    elif isinstance(node, list):
        for item in node:
            walk(item, out)
    return out


class WhatIfClient:
    """Posts the What-if tab's run callback as a page with its own session would."""

    def __init__(self, url: str, session: str):
        self.url = url
        deps = get_json(url + "_dash-dependencies")
        self.dep = next(d for d in deps if "whatif-status.children" in d["output"])
        self.parts = walk(get_json(url + "_dash-layout"), {})
        self.names = [json.loads(k)["name"] for k in self.parts if k.startswith('{"name"') and
                      json.loads(k).get("type") == "whatif-param"]
        self.session = session

    def value(self, id_: str, prop: str, runs: int, seed: int, moved: dict):
        if id_.startswith("{"):
            kind = json.loads(id_)["type"]
            items = [{"id": {"name": n, "type": kind}, "property": prop} for n in self.names]
            for item in items:
                name = item["id"]["name"]
                part = self.parts[json.dumps({"name": name, "type": kind}, sort_keys=True)]
                item["value"] = item["id"] if prop == "id" else moved.get(name, part.get("value"))
            return items
        values = {"whatif-runs.value": runs, "whatif-seed.value": seed, "session.data": self.session,
                  "url.search": "", "whatif-shown.data": None}
        key = f"{id_}.{prop}"
        found = values[key] if key in values else self.parts.get(id_, {}).get(prop if prop != "data" else "data")
        return {"id": id_, "property": prop, "value": found}

    def post(self, runs: int, seed: int, moved: dict) -> float:
        outputs = []
        for part in self.dep["output"].strip(".").split("..."):
            id_, _, prop = part.rpartition(".")
            prop = prop.split("@")[0]
            if id_.startswith("{"):
                kind = json.loads(id_)["type"]
                outputs.append([{"id": {"name": n, "type": kind}, "property": prop} for n in self.names])
            else:
                outputs.append({"id": id_, "property": prop})
        body = {"output": self.dep["output"], "outputs": outputs,
                "inputs": [self.value(i["id"], i["property"], runs, seed, moved) for i in self.dep["inputs"]],
                "state": [self.value(s["id"], s["property"], runs, seed, moved) for s in self.dep["state"]],
                "changedPropIds": ['{"name":"turkey.flexibility","type":"whatif-param"}.value']}
        request = urllib.request.Request(self.url + "_dash-update-component", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as answer:
            text = answer.read().decode()
        took = time.perf_counter() - start
        if "runs per variant" not in text:
            raise SystemExit(f"unexpected answer: {text[:300]}")
        return took


def measure(url: str, moves: int) -> dict:
    light = WhatIfClient(url, "light-user-session-0001")
    heavy = WhatIfClient(url, "heavy-user-session-0002")
    light.post(500, 1, {})  # the baseline of the page (the server warms it at start too)
    values = [0.30 + 0.01 * i for i in range(2 * moves)]
    alone = [light.post(500, 1, {"turkey.flexibility": v}) for v in values[:moves]]
    stop, heavy_times, started = threading.Event(), [], threading.Event()

    def heavy_loop():
        seed = 100
        while not stop.is_set():
            started.set()
            heavy_times.append(heavy.post(20_000, seed, {"turkey.flexibility": 0.45}))
            seed += 1

    thread = threading.Thread(target=heavy_loop, daemon=True)
    thread.start()
    started.wait(30)
    time.sleep(0.2)  # the heavy request is on the server before the light one is sent
    loaded = [light.post(500, 1, {"turkey.flexibility": v}) for v in values[moves:]]
    stop.set()
    thread.join(timeout=180)
    return {"alone": alone, "loaded": loaded, "heavy": heavy_times}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=6, help="light requests per phase")
    ap.add_argument("--against", help="a git ref to measure too, after this checkout")
    args = ap.parse_args()
    versions = {"this checkout": ROOT}
    tmp = None
    if args.against:
        tmp = tempfile.TemporaryDirectory(prefix="diplosim-bench-")
        archive = subprocess.run(["git", "archive", args.against], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp.name], input=archive, check=True)
        versions[args.against] = Path(tmp.name)
    timer = threading.Timer(DEADLINE, lambda: os._exit(3))  # the whole measurement is bounded
    timer.daemon = True
    timer.start()
    load_before = os.getloadavg()
    results = {}
    try:
        for name, root in versions.items():
            proc, url = serve(root, settle=0.0)
            try:
                results[name] = measure(url, args.moves)
            finally:
                proc.terminate()
                proc.wait()
    finally:
        if tmp is not None:
            tmp.cleanup()
    load_after = os.getloadavg()
    print(f"load average (1, 5, 15 min): before {', '.join(f'{x:.2f}' for x in load_before)}; "
          f"after {', '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} CPUs")
    for name, r in results.items():
        print(f"{name}: 500-run what-if alone: median {statistics.median(r['alone']):.2f} s "
              f"({' '.join(f'{x:.2f}' for x in r['alone'])}); beside 2 x 20,000 runs: median "
              f"{statistics.median(r['loaded']):.2f} s ({' '.join(f'{x:.2f}' for x in r['loaded'])}); "
              f"heavy requests meanwhile: {len(r['heavy'])} ({' '.join(f'{x:.2f}' for x in r['heavy'])} s)")


if __name__ == "__main__":
    main()
