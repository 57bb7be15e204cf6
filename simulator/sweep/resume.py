"""Deciding what a sweep still has to run in its results directory, and refusing mismatched resumes.

A resume is accepted only if the directory was made by the same scenario (by
hash), seed and sweep plan (sampler, varied parameters and ranges, points,
runs, chunk size); the plan also fixes the part ids, so "what is missing" is
the set of spans whose part is not on disk.
"""

from __future__ import annotations

from pathlib import Path

from .specs import SpecError


def plan_key(manifest: dict) -> dict:
    """The fields a resume must match, taken from a manifest."""
    sweep = manifest.get("sweep", {})
    return {
        "scenario hash": manifest.get("scenario", {}).get("hash"),
        "seed": manifest.get("seed"),
        "sampler": sweep.get("sampler"),
        "parameters": sweep.get("names"),
        "--vary": [v["text"] for v in sweep.get("vary", [])],
        "--points": sweep.get("N"),
        "Sobol second order": sweep.get("calc_second_order"),
        "--runs": sweep.get("runs"),
        "--chunk": sweep.get("chunk"),
        "--events": sweep.get("events_for"),
        "number of points": sweep.get("n_points"),
    }


def check_resume(old: dict, new: dict, out: Path) -> None:
    """Raise SpecError (one line) naming the first field where a resume would mix two different sweeps."""
    from ..store import Made, made_by

    if made_by(old) is not Made.SWEEP:
        raise SpecError(f"--resume: '{out}' holds a {old.get('kind', 'unknown')} result, not a sweep")
    a, b = plan_key(old), plan_key(new)
    for name in a:
        if a[name] != b[name]:
            raise SpecError(f"--resume: '{out}' was made with {name} {a[name]!r}, not {b[name]!r}; "
                            f"use the same scenario and options, or another --out")


def points_match(out: Path, points: list[dict[str, float]]) -> bool:
    """Whether the points already on disk are exactly these (guards against a changed sampler library)."""
    import pyarrow.parquet as pq

    table = pq.read_table(Path(out) / "points.parquet").to_pylist()
    return [{k: v for k, v in row.items() if k != "point"} for row in table] == points and \
        [row["point"] for row in table] == list(range(len(points)))
