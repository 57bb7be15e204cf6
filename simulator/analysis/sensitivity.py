"""Sobol sensitivity indices of question probabilities over a Sobol-sampled sweep (SALib).

Each sweep point's output is the share of its runs answering "yes" (for a
date question: the share in which the event happens at all). The points are
in SALib's Saltelli order, as ``diplosim sweep --sample sobol`` wrote them,
so ``SALib.analyze.sobol.analyze`` reads them directly; its bootstrap gives
the confidence intervals.
"""

from __future__ import annotations

import numpy as np

from .. import layout as L


class AnalysisError(ValueError):
    """Bad input for an analysis command: the message is one line."""


def point_outputs(runs, c, question_ids: list[str], n_points: int) -> dict[str, np.ndarray]:
    """Per question: the yes-share of every point 0..n_points-1 (raises if a point has no runs)."""
    import pyarrow.compute as pc

    points = np.asarray(runs.column("point").to_numpy(zero_copy_only=False))
    counts = np.bincount(points, minlength=n_points)
    if len(counts) > n_points or (counts == 0).any():
        missing = int((counts[:n_points] == 0).sum())
        raise AnalysisError(f"the sweep is incomplete: {missing} of {n_points} points have no runs "
                            "(finish it with `diplosim sweep ... --resume`)")
    out = {}
    for qid in question_ids:
        q = next(q for q in c.questions if q.id == qid)
        y = q.per_run(runs.column(L.question(qid)))
        out[qid] = np.bincount(points, weights=y, minlength=n_points) / counts
    return out


def check_question(c, question: str | None) -> list[str]:
    ids = [q.id for q in c.questions]
    if question is None:
        return ids
    if question not in ids:
        raise AnalysisError(f"--question: unknown question '{question}' (known: {', '.join(ids)})")
    return [question]


def bootstrap_seed(seed: int) -> int:
    """SALib's seed for the bootstrap of the intervals, from the command's ``--seed``. SALib reads a seed of 0 as
    none (``if seed:``) and then draws from numpy's global state, so the seed is mapped to a non-zero one."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise AnalysisError(f"seed: {seed!r} is not a whole number of at least 0")
    return int(np.random.SeedSequence([int(seed), 0x5A11B]).generate_state(1, np.uint64)[0] >> 2) or 1


def sobol_indices(runs, c, manifest: dict, question: str | None = None, seed: int = 0) -> dict:
    """Each question's Sobol indices; their 95% intervals are a bootstrap seeded from ``seed`` (the same seed, the
    same intervals)."""
    from SALib.analyze import sobol

    from ..store import Made, made_by

    sweep = manifest.get("sweep") or {}
    if made_by(manifest) is not Made.SWEEP or sweep.get("sampler") != "sobol":
        sampler = sweep.get("sampler") or manifest.get("kind", "?")
        raise AnalysisError(f"sensitivity needs a Sobol-sampled sweep (`diplosim sweep --sample sobol`); "
                            f"this results directory was made with '{sampler}'")
    problem, n_points = sweep["problem"], sweep["n_points"]
    outputs = point_outputs(runs, c, check_question(c, question), n_points)
    result = {"parameters": problem["names"], "N": sweep["N"], "points": n_points,
              "runs_per_point": int(runs.num_rows // n_points), "questions": []}
    for qid, y in outputs.items():
        entry = {"id": qid, "text": next(q.text for q in c.questions if q.id == qid), "mean": float(y.mean())}
        if np.ptp(y) == 0:
            entry["constant"] = True  # no variance to apportion
            entry["indices"] = [{"name": n, "S1": 0.0, "S1_conf": 0.0, "ST": 0.0, "ST_conf": 0.0}
                                for n in problem["names"]]
        else:
            si = sobol.analyze(problem, y, calc_second_order=sweep["calc_second_order"], conf_level=0.95,
                               print_to_console=False, seed=bootstrap_seed(seed))
            entry["indices"] = [{"name": n, "S1": float(si["S1"][i]), "S1_conf": float(si["S1_conf"][i]),
                                 "ST": float(si["ST"][i]), "ST_conf": float(si["ST_conf"][i])}
                                for i, n in enumerate(problem["names"])]
            entry["indices"].sort(key=lambda r: -r["ST"])
        result["questions"].append(entry)
    return result
