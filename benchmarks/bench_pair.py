"""Issue 22's benchmark pair, side by side in one run: the batch engine's runs/s per core against 30,000, and a
sweep's runs/s against the Monte Carlo's (target: at least 0.8x), in CPU time, on the seed scenario and on its
per-step rewrite (so the cost of issue 22's constructs shows).

    .venv/bin/python benchmarks/bench_pair.py                        # 100,000 runs an item, 3 rounds
    .venv/bin/python benchmarks/bench_pair.py --runs 40000 --rounds 5 --scenario scenarios/syria_turkey_2023.yaml

Items, each of the same N runs, one process (``--jobs 1``), so CPU seconds are seconds of one core:

- ``engine``: the batch engine alone (``batch.engine``), in chunks of ``sweep.DEFAULT_CHUNK`` runs as a Monte Carlo
  cuts them: stepping every run and taking its records, no event logs.
- ``run``: ``simulator.run(..., outside_view=False)``, the Monte Carlo as the API runs it (the first 50 runs' event
  logs, the summary, the typed answers); ``run + outside view``: ``simulator.run`` as called by default, which for
  a scenario whose milestones have classes also runs the outside view's Monte Carlo of as many runs (its runs/s
  counts the N runs asked for).
- ``sweep grid``: ``simulator.run_sweep`` over a 10-value grid of the first uncertain parameter, N/10 runs a point;
  ``sweep lhs``: a Latin hypercube of 50 points over every uncertain parameter, N/50 runs a point. Both write their
  Parquet parts and manifest into a fresh directory, as ``diplosim sweep`` does.
- ``cli run`` and ``cli sweep grid``: the same through the command line (``python -m simulator run --no-fragile
  --no-outside-view --json`` and ``python -m simulator sweep --vary ...``), whole child processes with their
  start-up; CPU time from ``getrusage(RUSAGE_CHILDREN)``.

Every round runs every item of every scenario once, in an order rotated from round to round; medians over the
rounds are printed with the best, and the ratios are of medians. The load average is printed before and after:
on a shared machine only the ratios measured side by side mean much.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = [ROOT / "scenarios" / "syria_turkey_2023.yaml",
             ROOT / "examples" / "per_step" / "syria_turkey_2023_per_step.yaml"]
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
CLI = [sys.executable, "-m", "simulator"]
ENGINE_TARGET = 30_000  # runs/s per core (issue 22)
SWEEP_TARGET = 0.8  # sweep runs/s over the Monte Carlo's (issue 22)
GRID_POINTS, LHS_POINTS = 10, 50


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def children_cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


class Bench:
    """The items of one scenario; each ``item()`` returns (CPU seconds, wall seconds) of N runs."""

    def __init__(self, path: Path, runs: int, seed: int, tmp: Path):
        import simulator
        from simulator.batch.engine import engine_for
        from simulator.compiled import Compiled

        self.path, self.seed, self.tmp = path, seed, tmp
        self.loaded = simulator.load(path)
        self.compiled = Compiled(self.loaded.scenario)
        table = self.compiled.table
        name = table.uncertain[0]
        lo, hi = (float(b) for b in table.params[name].bounds)
        self.grid = f"{name}={lo!r}:{hi!r}:{GRID_POINTS}"
        self.runs = runs - runs % (GRID_POINTS * LHS_POINTS)  # every item runs exactly N runs
        if self.runs < GRID_POINTS * LHS_POINTS:
            raise SystemExit(f"--runs: give at least {GRID_POINTS * LHS_POINTS}")
        self.engine = engine_for(self.compiled)
        self.classed = simulator.run(self.loaded, runs=200, seed=seed).outside_view is not None  # warms up too
        self.count = 0

    def out(self) -> Path:
        self.count += 1
        return self.tmp / f"{self.path.stem}-{self.count}"

    def items(self) -> dict:
        items = {"engine": self.engine_item, "run": self.run_item, "sweep grid": self.grid_item,
                 "sweep lhs": self.lhs_item, "cli run": self.cli_run_item, "cli sweep grid": self.cli_grid_item}
        if self.classed:
            items["run + outside view"] = self.run_ov_item
        return items

    @staticmethod
    def timed(fn) -> tuple[float, float]:
        c, w = time.process_time(), time.perf_counter()
        fn()
        return time.process_time() - c, time.perf_counter() - w

    def engine_item(self):
        from simulator.sweep import DEFAULT_CHUNK
        from simulator.sweep.execution import spans

        def go():
            for start, end in spans(self.runs, DEFAULT_CHUNK["batch"]):
                self.engine.records(self.engine.run(self.seed, range(start, end), events_for=0))

        return self.timed(go)

    def run_item(self):
        import simulator

        return self.timed(lambda: simulator.run(self.loaded, runs=self.runs, seed=self.seed, outside_view=False))

    def run_ov_item(self):
        import simulator

        return self.timed(lambda: simulator.run(self.loaded, runs=self.runs, seed=self.seed))

    def grid_item(self):
        import simulator

        return self.timed(lambda: simulator.run_sweep(self.loaded, self.out(), vary=[self.grid],
                                                      runs=self.runs // GRID_POINTS, seed=self.seed))

    def lhs_item(self):
        import simulator

        return self.timed(lambda: simulator.run_sweep(self.loaded, self.out(), sample="lhs", points=LHS_POINTS,
                                                      runs=self.runs // LHS_POINTS, seed=self.seed))

    def child(self, args: list[str]) -> tuple[float, float]:
        c, w = children_cpu(), time.perf_counter()
        done = subprocess.run(CLI + args, capture_output=True, text=True, cwd=ROOT, env=ENV)
        wall = time.perf_counter() - w
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed: {done.stderr.strip()[-500:]}")
        return children_cpu() - c, wall

    def cli_run_item(self):
        return self.child(["run", str(self.path), "--runs", str(self.runs), "--seed", str(self.seed),
                           "--no-fragile", "--no-outside-view", "--json"])

    def cli_grid_item(self):
        return self.child(["sweep", str(self.path), "--vary", self.grid, "--runs", str(self.runs // GRID_POINTS),
                           "--seed", str(self.seed), "--out", str(self.out())])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=100_000, help="runs an item (rounded down to a multiple of 500)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scenario", action="append", type=Path, help="repeatable (default: the seed scenario and "
                    "its per-step rewrite)")
    args = ap.parse_args()
    print(f"load average before: {load_avg()} ({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory() as tmp:
        benches = [Bench(p.resolve(), args.runs, args.seed, Path(tmp)) for p in (args.scenario or SCENARIOS)]
        subprocess.run(CLI + ["--help"], capture_output=True, env=ENV, cwd=ROOT)  # the bytecode cache, once
        todo = [(b, name, fn) for b in benches for name, fn in b.items().items()]
        times: dict = {(id(b), name): [] for b, name, _ in todo}
        for r in range(args.rounds):
            shift = r % len(todo)
            for b, name, fn in todo[shift:] + todo[:shift]:
                times[id(b), name].append(fn())
            print(f"  round {r + 1} of {args.rounds} done, load average {load_avg()}", flush=True)
    for b in benches:
        n = b.runs
        print(f"\n{b.path.relative_to(ROOT)}: {b.compiled.n_steps} steps, {len(b.compiled.table.names)} parameters, "
              f"N = {n:,} runs an item, {args.rounds} rounds")
        print(f"  {'item':<22} {'CPU runs/s':>11} {'(best)':>9} {'wall runs/s':>12}")
        med = {}
        for name in b.items():
            cpu = [c for c, _ in times[id(b), name]]
            wall = [w for _, w in times[id(b), name]]
            med[name] = statistics.median(cpu)
            print(f"  {name:<22} {n / med[name]:11,.0f} {n / min(cpu):9,.0f} {n / statistics.median(wall):12,.0f}")
        engine = n / med["engine"]
        print(f"  batch engine: {engine:,.0f} runs/s per core, {engine / ENGINE_TARGET:.2f}x the target of "
              f"{ENGINE_TARGET:,} ({'met' if engine >= ENGINE_TARGET else 'NOT met'})")
        for sweep, mc in (("sweep grid", "run"), ("sweep lhs", "run"), ("cli sweep grid", "cli run")):
            ratio = med[mc] / med[sweep]
            print(f"  {sweep} / {mc}: {ratio:.2f}x ({'met' if ratio >= SWEEP_TARGET else 'NOT met'}: target "
                  f">= {SWEEP_TARGET}x)")
        if "run + outside view" in med:
            print(f"  sweep grid / run + outside view: {med['run + outside view'] / med['sweep grid']:.2f}x")
    print(f"\nload average after: {load_avg()} (CPU time of one process: each figure is runs per second of one core)")


if __name__ == "__main__":
    main()
