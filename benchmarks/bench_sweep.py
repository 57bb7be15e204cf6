"""Time the seed scenario sweep: diplosim's engine (--jobs 1, --jobs 2) next to Mesa's ``batch_run``.

    .venv/bin/python benchmarks/bench_sweep.py --points 8 --runs 250
    .venv/bin/python benchmarks/bench_sweep.py --rss --points 200 --runs 500   # peak RSS of a 100k-run CLI sweep

Every engine runs the same model (``simulator.model.DiplomacyModel``) for the
same points x runs; diplosim's timings include writing the Parquet parts and
starting the pool. ``batch_run`` forces the ``spawn`` start method for the
whole process, so it runs in a child process, after the diplosim timings.
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
SCENARIO = ROOT / "scenarios" / "syria_turkey_2023.yaml"
VARIED = "turkey.flexibility"


def design(points: int) -> list[dict[str, float]]:
    """A one-parameter grid over turkey.flexibility's declared range."""
    from simulator.compiled import Compiled
    from simulator.scenario import load

    lo, hi = Compiled(load(SCENARIO).scenario).table.params[VARIED].bounds
    return [{VARIED: lo + (hi - lo) * i / max(points - 1, 1)} for i in range(points)]


def time_sweep(points: int, runs: int, jobs: int, seed: int, chunk: int, out: Path) -> float:
    from simulator.compiled import Compiled
    from simulator.scenario import load
    from simulator.store import ResultsWriter
    from simulator.sweep.execution import SweepContext, execute, open_executor, part_id, spans

    from simulator.runner import run_one

    compiled = Compiled(load(SCENARIO).scenario)
    run_one(compiled, seed, 0)  # warm-up outside the timing: module imports, scipy's distributions
    ctx = SweepContext(compiled, seed, runs, design(points))
    writer = ResultsWriter(out, compiled, {"kind": "benchmark"})
    started = time.perf_counter()
    with open_executor(ctx, jobs) as (executor, ctx_arg):
        execute(executor, ctx_arg, spans(ctx.total, chunk),
                lambda span, r, e: writer.write_tables(part_id(span), r, e), window=2 * jobs + 2)
    return time.perf_counter() - started


def mesa_child(points: int, runs: int, processes: int, seed: int) -> None:
    """Runs in its own interpreter: mesa.batch_run sets the start method globally."""
    import mesa

    from simulator.compiled import Compiled
    from simulator.model import DiplomacyModel
    from simulator.scenario import load

    compiled = Compiled(load(SCENARIO).scenario)
    DiplomacyModel(compiled, rng=0).run()  # same warm-up as the diplosim timings
    started = time.perf_counter()
    rows = mesa.batch_run(DiplomacyModel, parameters={"scenario": compiled, "overrides": design(points)},
                          number_processes=processes, rng=[seed * 1_000_003 + r for r in range(runs)],
                          data_collection_period=-1, max_steps=compiled.n_steps + 1, display_progress=False)
    seconds = time.perf_counter() - started
    assert len(rows) == points * runs and all("outcome" in row for row in rows)
    print(json.dumps({"seconds": seconds, "rows": len(rows)}))


def time_batch_run(points: int, runs: int, processes: int, seed: int) -> float:
    cmd = [sys.executable, __file__, "--mesa-child", "--processes", str(processes), "--points", str(points),
           "--runs", str(runs), "--seed", str(seed)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def peak_rss(points: int, runs: int, jobs: int, seed: int) -> None:
    """Run the CLI sweep and poll the peak RSS (VmHWM) of it and of each worker it starts."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [str(Path(sys.executable).with_name("diplosim")), "sweep", str(SCENARIO), "--out", f"{tmp}/res",
               "--vary", f"{VARIED}=0.35:0.6:{points}", "--runs", str(runs), "--seed", str(seed), "--jobs", str(jobs)]
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        peaks: dict[int, int] = {}
        while proc.poll() is None:
            for pid in [proc.pid, *_descendants(proc.pid)]:
                hwm = _vm_hwm_kib(pid)
                if hwm is not None:
                    peaks[pid] = max(peaks.get(pid, 0), hwm)
            time.sleep(0.5)
        seconds = time.perf_counter() - started
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(err)
        parent = peaks.pop(proc.pid, 0)
        print(f"{points * runs} runs, --jobs {jobs}: {seconds:.0f} s ({points * runs / seconds:,.0f} runs/s); "
              f"peak RSS: sweep process {parent / 1024:.0f} MiB, largest worker "
              f"{max(peaks.values(), default=0) / 1024:.0f} MiB ({len(peaks)} child processes seen)")


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
            out += kids
            todo += kids
    return out


def _vm_hwm_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--points", type=int, default=8)
    ap.add_argument("--runs", type=int, default=250, help="replications per point")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chunk", type=int, default=100)
    ap.add_argument("--rss", action="store_true", help="measure the peak RSS of a CLI sweep instead")
    ap.add_argument("--jobs", type=int, default=2, help="with --rss: worker processes")
    ap.add_argument("--mesa-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--processes", type=int, default=1, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.mesa_child:
        return mesa_child(a.points, a.runs, a.processes, a.seed)
    if a.rss:
        return peak_rss(a.points, a.runs, a.jobs, a.seed)
    total = a.points * a.runs
    print(f"seed scenario, {a.points} points x {a.runs} runs = {total} runs, chunk {a.chunk}, "
          f"{os.cpu_count()} CPUs, load average before: {os.getloadavg()[0]:.2f}")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for jobs in (1, 2):
            results.append((f"diplosim sweep --jobs {jobs}",
                            time_sweep(a.points, a.runs, jobs, a.seed, a.chunk, Path(tmp) / f"jobs{jobs}")))
        from simulator.store import read_table

        same = read_table(Path(tmp) / "jobs1").equals(read_table(Path(tmp) / "jobs2"))
    for processes in (1, 2):
        results.append((f"mesa.batch_run number_processes={processes}",
                        time_batch_run(a.points, a.runs, processes, a.seed)))
    base = results[0][1]
    print(f"{'engine':<38} {'seconds':>8} {'runs/s':>8} {'speed vs sweep --jobs 1':>24}")
    for name, seconds in results:
        print(f"{name:<38} {seconds:8.2f} {total / seconds:8.0f} {base / seconds:23.2f}x")
    print(f"sweep --jobs 2 over --jobs 1: {results[0][1] / results[1][1]:.2f}x; "
          f"sweep --jobs 2 over batch_run with 2 processes: {results[3][1] / results[1][1]:.2f}x; "
          f"--jobs 1 and --jobs 2 run tables identical: {same}; load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
