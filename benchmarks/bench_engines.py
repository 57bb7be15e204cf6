"""Side by side: Mesa's batch_run, the Mesa engine and the batch engine on the seed scenario.

    .venv/bin/python benchmarks/bench_engines.py [--runs 2000] [--big 100000] [--jobs 2]

Prints runs/s and ratios for the same runs of the same scenario, checks that all
three give identical records, times a 1,000-run what-if on the batch engine,
and runs `diplosim run --runs BIG --engine batch` as a separate process
(start-up included) to report whole-process runs/s and peak memory for two
sizes (flat memory means the larger run does not need more).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from simulator.analysis.observed import corpus_scenarios  # noqa: E402
SCENARIO = ROOT / "scenarios" / "syria_turkey_2023.yaml"


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def whole_process(runs: int, jobs: int) -> dict:
    """Run the CLI in a child process; wall time and the child's peak RSS."""
    cmd = [sys.executable, "-m", "simulator", "run", str(SCENARIO), "--runs", str(runs), "--seed", "1",
           "--engine", "batch", "--events", "0", "--json"]
    if jobs > 1:
        cmd += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.strip()}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary = json.loads(proc.stdout)
    return {"runs": runs, "jobs": jobs, "seconds": wall, "runs_per_s": runs / wall,
            "peak_rss_mb": max(peak, before) / 1024, "checked_runs": summary["runs"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=2000, help="runs for the side-by-side comparison")
    ap.add_argument("--big", type=int, default=100_000, help="runs for the whole-process measurement")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()

    import mesa

    from simulator.compiled import Compiled
    from simulator.model import DiplomacyModel
    from simulator.runner import run_replications
    from simulator.scenario import load

    compiled = Compiled(load(SCENARIO).scenario)
    reps = list(range(args.runs))
    run_replications(compiled, 1, reps[:50], engine="batch", events_for=0)  # warm up imports and caches

    (batch_table, _), t_batch = timed(lambda: run_replications(compiled, 1, reps, engine="batch", events_for=0))
    (mesa_table, _), t_mesa = timed(lambda: run_replications(compiled, 1, reps, engine="mesa", events_for=0))
    rows, t_batch_run = timed(lambda: mesa.batch_run(DiplomacyModel, {"scenario": [compiled], "replication": reps},
                                                     number_processes=1, rng=[1], max_steps=10_000,
                                                     display_progress=False))
    # batch_run passes each replication index as a model parameter and keeps their order
    identical = (batch_table.equals(mesa_table)
                 and batch_table.to_pylist() == [r["outcome"] for r in rows])

    _, t_whatif = timed(lambda: run_replications(compiled, 1, list(range(1000)), engine="batch", events_for=0,
                                                 overrides={"steps_before_fm.enabled": 0, "turkey.flexibility": 0.6}))
    print(f"seed scenario, {args.runs} runs, 1 process, {compiled.n_steps} weekly steps")
    print(f"  mesa.batch_run       {args.runs / t_batch_run:9.0f} runs/s")
    print(f"  --engine mesa        {args.runs / t_mesa:9.0f} runs/s")
    print(f"  --engine batch       {args.runs / t_batch:9.0f} runs/s")
    print(f"  batch / batch_run    {t_batch_run / t_batch:9.1f} x")
    print(f"  batch / mesa         {t_mesa / t_batch:9.1f} x")
    print(f"  identical records in all three: {identical}")
    print(f"  1,000-run what-if on the batch engine: {t_whatif:.3f} s")
    print("corpus scenarios, 1 process (runs/s; identical records on both engines)")
    for path in corpus_scenarios(ROOT / "scenarios"):
        c = Compiled(load(path).scenario)
        n_b, n_m = args.runs, max(50, args.runs // 20)
        run_replications(c, 1, list(range(20)), engine="batch", events_for=0)
        (tb, _), t_b = timed(lambda: run_replications(c, 1, list(range(n_b)), engine="batch", events_for=0))
        (tm, _), t_m = timed(lambda: run_replications(c, 1, list(range(n_m)), engine="mesa", events_for=0))
        same = tb.slice(0, n_m).equals(tm)
        print(f"  {path.stem:28s} batch {n_b / t_b:8.0f}   mesa {n_m / t_m:6.0f}   ({c.n_steps} steps of "
              f"{c.step_days} days, {len(c.milestones)} milestones)  identical: {same}")
    for n in (args.big // 10, args.big):
        r = whole_process(n, args.jobs)
        print(f"  whole process: {n} runs, --jobs {r['jobs']}: {r['seconds']:.1f} s, {r['runs_per_s']:,.0f} runs/s, "
              f"peak RSS {r['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
