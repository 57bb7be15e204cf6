"""Issue 14 side by side, on the seed scenario: the draw limit, the batch engine per core, whole-process
Monte Carlo against a Sobol sweep of about as many runs, peak memory, and start-up.

    .venv/bin/python benchmarks/bench_speed.py                 # everything (several minutes)
    .venv/bin/python benchmarks/bench_speed.py --only engine   # draw limit and chunk sizes only
    .venv/bin/python benchmarks/bench_speed.py --only startup --repeats 7
    .venv/bin/python benchmarks/bench_speed.py --only startup --repeats 7 --scenarios all

Sections (``--only`` picks some, comma-separated):

- ``engine``: the time just to draw every run's uniforms (run keys, parameter uniforms and the full
  weeks x slots matrix, vectorised over the chunk) - the limit no engine on this layout can pass while
  it draws everything - and as many uniforms as the batch engine actually draws (a decision asked of some
  runs draws only theirs); then the batch engine in this process at chunk sizes up to 50,000 runs: runs/s (wall and CPU) and
  the fraction of the draw limit it reaches.
- ``mc-vs-sweep``: ``diplosim run --runs N --jobs 2`` and ``diplosim sweep --sample sobol --points 64
  --runs 200 --jobs 2`` (N = the sweep's number of runs), default options otherwise, as child
  processes, interleaved; runs/s of both and their ratio (targets: sweep >= 0.8x MC, >= 15,000 runs/s).
- ``memory``: peak resident set (ru_maxrss) of ``diplosim run --runs N --jobs 2 --out DIR`` for
  N = 10^5 and 10^6, over the run process and its workers (each measured in a fresh parent).
- ``startup``: ``diplosim run SCENARIO --runs 1000 --seed 1 --out DIR`` whole process against ``python -c
  "import numpy, pyarrow.parquet"``, the baseline measured beside every run, interleaved repeats; wall and CPU
  time, fastest and median, each as a ratio to the baseline's (target: within 4x): run again (the fragile screen
  and the outside view reused from the cache), run for the first time (an empty cache of its own each time), and
  again with ``--no-fragile`` and with ``--no-outside-view``; ``--scenarios all`` (or stems) adds the other
  corpus scenarios, again and first time.

Child processes run with Python's bytecode cache enabled (``PYTHONDONTWRITEBYTECODE`` removed, one
warm-up run first), as after a normal installation. The machine's load average is printed before and
after: on a shared machine, only the ratios measured side by side here mean much.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "syria_turkey_2023.yaml"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
CLI = [sys.executable, "-m", "simulator"]


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def best_of(fn, repeats: int) -> tuple[float, float]:
    """(best wall seconds, best CPU seconds) of ``fn()`` over ``repeats`` calls."""
    walls, cpus = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


# ---------------------------------------------------------------------------------------------- engine
def engine_section(chunks: list[int], repeats: int) -> None:
    import numpy as np

    from simulator import draws as D
    from simulator.batch import engine as B
    from simulator.compiled import Compiled
    from simulator.scenario import load

    c = Compiled(load(SCENARIO).scenario)
    layout = D.Layout.of(c)
    engine = B.engine_for(c)
    engine.run(1, range(200), events_for=0)  # warm up

    drawn = [0]  # step uniforms the engine draws: whole columns, or only the runs a decision is asked of
    plain = D.uniforms

    def counting(keys, draw_keys):
        drawn[0] += int(np.prod(np.broadcast_shapes(np.shape(keys), np.shape(draw_keys))))
        return plain(keys, draw_keys)

    D.uniforms = counting  # StepUniforms draws through the module's name
    engine.run(1, range(2000), events_for=0)
    D.uniforms = plain
    per_run = drawn[0] / 2000
    n_full = c.n_steps * len(c.slots)

    def draw_all(n):
        K = D.run_keys(1, np.zeros(n, np.int64), np.arange(n))
        D.uniforms(K[:, None], layout.param[None, :])
        for k in range(c.n_steps):  # the full matrix, a week at a time, as an engine would consume it
            for j in range(len(c.slots)):
                D.uniforms(K, layout.step[k, j])

    def draw_read(n):  # as many step uniforms as the engine draws, as whole columns (the cheapest way)
        K = D.run_keys(1, np.zeros(n, np.int64), np.arange(n))
        D.uniforms(K[:, None], layout.param[None, :])
        flat = layout.step.ravel()
        for i in range(round(per_run)):
            D.uniforms(K, flat[i % len(flat)])

    print(f"seed scenario: {c.n_steps} weekly steps x {len(c.slots)} slots = {n_full} step uniforms per run, "
          f"{len(c.table)} parameter uniforms; the batch engine draws {per_run:.0f} step uniforms per run "
          f"({per_run / n_full:.0%}): a decision asked of some runs draws only theirs")
    print(f"{'chunk':>7} {'draw all':>12} {'draw read':>12} {'engine wall':>12} {'engine CPU':>11} "
          f"{'engine / draw all':>18} {'engine / draw read':>19}   (runs/s)")
    for n in chunks:
        reps = max(1, repeats if n <= 20_000 else repeats - 1)
        _, t_all = best_of(lambda: draw_all(n), reps)
        _, t_read = best_of(lambda: draw_read(n), reps)
        w, t_eng = best_of(lambda: engine.run(1, range(n), events_for=0), reps)
        print(f"{n:7d} {n / t_all:12,.0f} {n / t_read:12,.0f} {n / w:12,.0f} {n / t_eng:11,.0f} "
              f"{t_all / t_eng:18.0%} {t_read / t_eng:19.0%}")
    print("(draw and engine rates from CPU time, best of repeats; 'engine / draw' = share of the draw-only rate "
          "the engine reaches)")


# ------------------------------------------------------------------------------------- whole process
def timed_child(cmd: list[str], env: dict | None = None) -> tuple[float, str, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env or ENV)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.strip()[-500:]}")
    return wall, proc.stdout, proc.stderr


def sweep_runs(points: int, runs: int) -> int:
    from simulator.compiled import Compiled
    from simulator.scenario import load
    from simulator.sweep.sampling import make_design
    from simulator.sweep.specs import parse_varies

    c = Compiled(load(SCENARIO).scenario)
    return len(make_design("sobol", parse_varies([], c.table.names), c.table, points, 0, True).points) * runs


def mc_vs_sweep_section(repeats: int, jobs: int) -> None:
    total = sweep_runs(64, 200)
    print(f"whole process, --jobs {jobs}, seed scenario; N = {total:,} (the sweep's runs)")
    rows = {"mc": [], "sweep": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeats):
            for kind in ("mc", "sweep"):
                if kind == "mc":
                    cmd = CLI + ["run", str(SCENARIO), "--runs", str(total), "--jobs", str(jobs), "--json"]
                else:
                    out = Path(tmp) / f"sweep{i}"
                    cmd = CLI + ["sweep", str(SCENARIO), "--sample", "sobol", "--points", "64", "--runs", "200",
                                 "--jobs", str(jobs), "--out", str(out)]
                # an empty cache each time: the Monte Carlo pays its fragile screen, as on a first run
                wall, _, _ = timed_child(cmd, {**ENV, "DIPLOSIM_CACHE": str(Path(tmp) / f"cache-{kind}{i}")})
                rows[kind].append(wall)
                print(f"  {kind:5s} #{i + 1}: {wall:6.1f} s  {total / wall:9,.0f} runs/s")
    mc, sw = statistics.median(rows["mc"]), statistics.median(rows["sweep"])
    print(f"  median: run {total / mc:,.0f} runs/s, sweep {total / sw:,.0f} runs/s, sweep / run = {mc / sw:.2f}x "
          f"(targets: >= 0.80x and >= 15,000 runs/s)")


def memory_section(sizes: list[int], jobs: int) -> None:
    print(f"peak memory, diplosim run --jobs {jobs} --out DIR (largest of the run process and its workers)")
    probe = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], capture_output=True); "
             "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            cmd = CLI + ["run", str(SCENARIO), "--runs", str(n), "--jobs", str(jobs), "--json",
                         "--out", str(Path(tmp) / f"mc{n}")]
            wall, out, _ = timed_child([sys.executable, "-c", probe, *cmd])
            code, kib = out.split()
            if code != "0":
                raise SystemExit(f"{' '.join(cmd)} failed")
            print(f"  N = {n:>9,}: peak RSS {int(kib) / 1024:6.0f} MB, {wall:6.1f} s ({n / wall:,.0f} runs/s "
                  "with Parquet output)")


def timed_cpu(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system of the child) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=env or ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if status != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {err.strip()[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime


def corpus_scenarios() -> list[Path]:
    return sorted(p for p in (ROOT / "scenarios").glob("*.yaml")
                  if not p.name.endswith(".observed.yaml") and p.name != "milestone_classes.yaml")


def startup_section(repeats: int, scenarios: list[Path]) -> None:
    """``diplosim run SCENARIO --runs 1000 --seed 1 --out DIR`` as a user meets it, against ``python -c "import
    numpy, pyarrow.parquet"``, each row interleaved with the baseline repeat by repeat: run again (the fragile
    screen and, for a classed scenario, the outside view come from the cache, ``simulator/cache.py``), run for the
    first time (an empty cache of its own each time: a new or edited scenario), and run again with
    ``--no-fragile`` and with ``--no-outside-view``; for other scenarios (``--scenarios``), run again and first.
    Wall time and CPU time (user + system of the child: less sensitive to other load on the host), fastest and
    median of the repeats, each as a ratio to the baseline's fastest and median."""
    base_cmd = [sys.executable, "-c", "import numpy, pyarrow.parquet"]
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "out")
        warm = {**ENV, "DIPLOSIM_CACHE": str(Path(tmp) / "warm")}
        cold = iter(range(10**9))
        rows: list[tuple[str, list[str], object]] = []
        for scenario in scenarios:
            run_cmd = CLI + ["run", str(scenario), "--runs", "1000", "--seed", "1", "--out", out, "--overwrite"]
            timed_cpu(run_cmd, warm)  # warm-up: writes the bytecode cache, the screen and the outside view
            name = scenario.stem
            rows.append((f"{name}: again (screen, outside view from the cache)", run_cmd, lambda: warm))
            rows.append((f"{name}: first time (empty cache)", run_cmd,
                         lambda: {**ENV, "DIPLOSIM_CACHE": str(Path(tmp) / f"cold{next(cold)}")}))
            if scenario == SCENARIO:
                rows.append((f"{name}: again, --no-fragile", run_cmd + ["--no-fragile"], lambda: warm))
                rows.append((f"{name}: again, --no-outside-view", run_cmd + ["--no-outside-view"], lambda: warm))
        base: list[tuple[float, float]] = []
        times: list[list[tuple[float, float]]] = [[] for _ in rows]
        for _ in range(repeats):
            for i, (_, cmd, env) in enumerate(rows):  # the baseline beside each row, repeat by repeat
                base.append(timed_cpu(base_cmd))
                times[i].append(timed_cpu(cmd, env()))
    print(f"start-up, {repeats} interleaved repeats (the baseline measured before each row's run, "
          f"{len(base)} times): fastest and median, each as a ratio to the baseline's (target: within 4x)")

    def cells(values: list[tuple[float, float]], ref: list[tuple[float, float]] | None) -> str:
        out = []
        for k, what in ((0, "wall"), (1, "CPU")):
            xs = [v[k] for v in values]
            f, m = min(xs), statistics.median(xs)
            if ref is None:
                out.append(f"{what} {f:5.2f} / {m:5.2f} s")
            else:
                rf, rm = min(v[k] for v in ref), statistics.median(v[k] for v in ref)
                out.append(f"{what} {f:5.2f} / {m:5.2f} s = {f / rf:4.1f}x / {m / rm:4.1f}x")
        return "   ".join(out)

    width = max(len(label) for label, _, _ in rows)
    print(f"  {'python -c \'import numpy, pyarrow.parquet\'':{width}s}  {cells(base, None)}")
    for (label, _, _), values in zip(rows, times):
        print(f"  {label:{width}s}  {cells(values, base)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="engine,mc-vs-sweep,memory,startup")
    ap.add_argument("--chunks", default="1000,5000,10000,20000,50000")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--memory-sizes", default="100000,1000000")
    ap.add_argument("--scenarios", default="", help="start-up: other scenarios too (stems, comma-separated, or all)")
    args = ap.parse_args()
    only = set(args.only.split(","))
    print(f"load average before: {load_avg()} ({os.cpu_count()} CPUs)")
    if "engine" in only:
        engine_section([int(x) for x in args.chunks.split(",")], args.repeats)
    if "mc-vs-sweep" in only:
        mc_vs_sweep_section(max(1, args.repeats - 1), args.jobs)
    if "memory" in only:
        memory_section([int(x) for x in args.memory_sizes.split(",")], args.jobs)
    if "startup" in only:
        names = [] if not args.scenarios else [p.stem for p in corpus_scenarios()] if args.scenarios == "all" \
            else args.scenarios.split(",")
        startup_section(max(5, args.repeats), [SCENARIO] + [ROOT / "scenarios" / f"{n}.yaml" for n in names
                                                             if n != SCENARIO.stem])
    print(f"load average after: {load_avg()}")


if __name__ == "__main__":
    main()
