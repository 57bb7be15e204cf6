"""Small results written the way the CLI writes them, for chart and report tests.

Built from ``runner.run_chunk`` and ``store.ResultsWriter`` directly, so these
tests do not depend on the ``run``/``sweep`` commands' options.
"""

from __future__ import annotations

from pathlib import Path

from simulator.runner import run_chunk
from simulator.store import ResultsWriter, base_manifest, read_table

SEED = 11


def write_results(out: Path, loaded, compiled, points: dict[int, dict[str, float]], runs_per_point: int,
                  kind: str, extra: dict | None = None) -> Path:
    tasks = [(p, r) for p in points for r in range(runs_per_point)]
    rows, events = run_chunk(compiled, SEED, tasks, points)
    manifest = base_manifest(kind, loaded, compiled, SEED, {"runs": runs_per_point, "complete": True, **(extra or {})})
    writer = ResultsWriter(out, compiled, manifest)
    writer.write_points(points)
    half = len(rows) // 2  # two parts, as a chunked run would leave them
    cut = next(i for i, ev in enumerate(events) if (ev[0], ev[1]) == (rows[half]["point"], rows[half]["replication"]))
    writer.write_part("00000", rows[:half], events[:cut])
    writer.write_part("00001", rows[half:], events[cut:])
    writer.finish(runs_done=len(rows))
    return out


def tables(out: Path):
    return read_table(out, "runs"), read_table(out, "events")


# sweeps over parameters of the seed scenario (values chosen to move the questions)
LINE = {i: {"russia.urgency.peak": v} for i, v in enumerate([0.2, 0.6, 1.0])}
GRID = {i: {"russia.urgency.peak": a, "syria.flexibility": b}
        for i, (a, b) in enumerate([(a, b) for a in (0.3, 0.9) for b in (0.15, 0.35)])}
SAMPLED = {i: {"russia.urgency.peak": 0.2 + 0.1 * i, "syria.flexibility": 0.15 + 0.025 * ((3 * i) % 8),
               "turkey.concession_rate": 0.03 + 0.01 * ((5 * i) % 8)} for i in range(8)}
