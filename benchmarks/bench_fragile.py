"""Cost of the fragile-forecast screen of `diplosim run`, side by side.

    .venv/bin/python benchmarks/bench_fragile.py [--runs 1000] [--repeat 3]

For every corpus scenario, runs `diplosim run SCENARIO --runs N --json` as a separate process with
`--fragile` and with `--no-fragile` (alternating, `--repeat` times each, best of; the cache off, so
the screen is computed every time, and Python's bytecode cache on, as after an installation), and
`python -c "import numpy, pyarrow.parquet"` as the start-up yardstick. Prints whole-process wall
times with and without the screen, their difference (what the screen costs: its copies ride along
the Monte Carlo's pass, so it has no time of its own), the ratio of each to the yardstick, how many
numbers were screened and how many copies that made.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from simulator.analysis.observed import corpus_scenarios  # noqa: E402


ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "DIPLOSIM_CACHE": "off"}


def wall(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=ENV)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.strip()}")
    return took, proc.stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    base = min(wall([sys.executable, "-c", "import numpy, pyarrow.parquet"])[0] for _ in range(args.repeat))
    print(f"yardstick `import numpy, pyarrow.parquet`: {base:.2f} s\n")
    wall([sys.executable, "-m", "simulator", "--help"])  # bytecode compiled once before timing
    print(f"{'scenario':32} {'screened':>8} {'copies':>7} {'with s':>7} {'without s':>9} {'screen s':>8} "
          f"{'with/yardstick':>14} {'without/yardstick':>17}")
    for path in corpus_scenarios(ROOT / "scenarios"):
        times = {True: [], False: []}
        screen = None
        for _ in range(args.repeat):
            for on in (True, False):
                with tempfile.TemporaryDirectory() as tmp:
                    cmd = [sys.executable, "-m", "simulator", "run", str(path), "--runs", str(args.runs), "--json",
                           "--out", f"{tmp}/out", "--fragile" if on else "--no-fragile"]
                    took, out = wall(cmd)
                    times[on].append(took)
                    if on:
                        manifest = json.loads(Path(f"{tmp}/out/manifest.json").read_text())
                        screen = manifest["fragile"]
        f = screen
        copies = 2 * f["screened"] * f["replications"]
        w, wo = min(times[True]), min(times[False])
        print(f"{path.stem:32} {f['screened']:>8} {copies:>7} {w:>7.2f} {wo:>9.2f} {w - wo:>8.2f} "
              f"{w / base:>14.2f} {wo / base:>17.2f}")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
