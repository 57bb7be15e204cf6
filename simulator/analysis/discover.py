"""Scenario discovery: parameter boxes in which a question is likely (Bryant & Lempert 2010 style).

Each sweep point is labelled "likely" when its share of "yes" runs reaches the
threshold. A shallow decision tree (scikit-learn) splits the parameter space;
every leaf where the likely points dominate is a box, reported as a readable
rule with its coverage (share of all likely points that fall in the box) and
density (share of the box's points that are likely).
"""

from __future__ import annotations

import numpy as np

from .sensitivity import AnalysisError, check_question, point_outputs


def _boxes(tree, names: list[str]) -> list[tuple[list[str], int]]:
    """Leaves as (conditions, leaf id); the splits on one parameter along a path make one interval."""
    t = tree.tree_
    out = []

    def walk(node, bounds):
        if t.children_left[node] == -1:
            out.append((interval_conditions(bounds), node))
            return
        name, thr = names[t.feature[node]], float(t.threshold[node])
        low, high = bounds.get(name, (None, None))
        walk(t.children_left[node], {**bounds, name: (low, thr if high is None else min(high, thr))})
        walk(t.children_right[node], {**bounds, name: (thr if low is None else max(low, thr), high)})

    walk(0, {})
    return out


def interval_conditions(bounds: dict[str, tuple[float | None, float | None]]) -> list[str]:
    """One readable condition per parameter from its (low, high] bounds, None meaning unbounded on that side."""
    out = []
    for name, (low, high) in bounds.items():
        if low is not None and high is not None:
            out.append(f"{low:.4g} < {name} <= {high:.4g}")
        elif low is not None:
            out.append(f"{name} > {low:.4g}")
        elif high is not None:
            out.append(f"{name} <= {high:.4g}")
    return out


def discover(runs, points, c, manifest: dict, question: str, threshold: float = 0.5, max_depth: int = 3,
             min_density: float = 0.5) -> dict:
    from sklearn.tree import DecisionTreeClassifier

    if not 0 < threshold < 1:
        raise AnalysisError(f"--threshold: must lie strictly between 0 and 1 (got {threshold})")
    names = [n for n in points.columns if n != "point"]  # points: pandas DataFrame of points.parquet
    if not names or len(points) < 4:
        raise AnalysisError("discover needs a sweep over at least one parameter with at least 4 points")
    n_points = len(points)
    (qid,) = check_question(c, question)
    y = point_outputs(runs, c, [qid], n_points)[qid]
    X = points.sort_values("point")[names].to_numpy(dtype=float)
    likely = y >= threshold
    result = {"question": qid, "threshold": threshold, "points": int(n_points), "likely_points": int(likely.sum()),
              "parameters": names, "boxes": []}
    if likely.all() or not likely.any():
        result["note"] = "every point is likely" if likely.all() else "no point is likely"
        return result
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=max(2, n_points // 50), random_state=0)
    tree.fit(X, likely)
    leaf_of = tree.apply(X)
    for conds, leaf in _boxes(tree, names):
        inside = leaf_of == leaf
        hits = int((inside & likely).sum())
        density = hits / int(inside.sum())
        if density >= min_density and hits:
            result["boxes"].append({"rule": " and ".join(conds) or "(everywhere)", "points": int(inside.sum()),
                                    "coverage": hits / int(likely.sum()), "density": density,
                                    "mean_probability": float(y[inside].mean())})
    result["boxes"].sort(key=lambda b: (-b["density"], -b["coverage"]))
    return result
