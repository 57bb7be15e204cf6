"""Summaries of a results directory, per point and pooled, read part by part.

Each part is read once and fed to ``summary.SummaryAccumulator`` (exact counts,
memory independent of the number of runs): one accumulator per point and one
for all points pooled, so a sweep's numbers mean exactly what ``diplosim run``
reports for a single point.
"""

from __future__ import annotations

from pathlib import Path


def summarize_dir(out: Path) -> dict:
    """Per point and overall summaries of a sweep (or Monte Carlo) results directory."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from ..compiled import Compiled
    from ..scenario.schema import Scenario
    from ..store import read_manifest
    from ..summary import SummaryAccumulator

    manifest = read_manifest(out)
    compiled = Compiled(Scenario.model_validate(manifest["scenario"]["resolved"]))
    overall = SummaryAccumulator(compiled)
    by_point: dict[int, SummaryAccumulator] = {}
    parts = sorted((Path(out) / "runs").glob("part-*.parquet"))
    for f in parts:
        table = pq.read_table(f)
        overall.add(table)
        for point in pc.unique(table.column("point")).to_pylist():
            acc = by_point.setdefault(point, SummaryAccumulator(compiled))
            acc.add(table.filter(pc.equal(table.column("point"), point)))
    points_file = Path(out) / "points.parquet"
    params = {row.pop("point"): row for row in pq.read_table(points_file).to_pylist()} if points_file.exists() else {}
    sweep = manifest.get("sweep", {})
    expected = manifest.get("runs_total") or sweep.get("n_points", 1) * sweep.get("runs", manifest.get("runs", 0))
    return {
        "scenario": compiled.scenario.metadata.title, "scenario_hash": manifest["scenario"]["hash"],
        "seed": manifest["seed"], "kind": manifest.get("kind"), "sampler": sweep.get("sampler"),
        "parameters": sweep.get("names", []), "runs_expected": expected,
        "complete": manifest.get("complete", False), "parts": len(parts),
        "overall": {"points": len(by_point), **overall.result()},
        "per_point": [{"point": p, "parameters": params.get(p, {}), **by_point[p].result()} for p in sorted(by_point)],
    }
