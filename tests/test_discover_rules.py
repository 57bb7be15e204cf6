"""`diplosim discover` rules: the splits on one parameter along a tree path read as one interval."""

from types import SimpleNamespace

import numpy as np

from simulator.analysis.discover import _boxes, interval_conditions

NAMES = ["syria.pressure_sensitivity", "turkey.flexibility"]


def stub_tree(nodes):
    """A fitted-tree look-alike: nodes as (feature, threshold, left, right); left == -1 marks a leaf."""
    return SimpleNamespace(tree_=SimpleNamespace(
        feature=[n[0] for n in nodes], threshold=[n[1] for n in nodes],
        children_left=[n[2] for n in nodes], children_right=[n[3] for n in nodes]))


def test_repeated_splits_on_one_parameter_merge_into_an_interval():
    leaf = (-2, -2.0, -1, -1)
    tree = stub_tree([
        (0, 0.3397, 1, 2),   # 0
        leaf,                # 1
        (0, 0.4768, 3, 4),   # 2
        leaf,                # 3
        (1, 0.5, 5, 6),      # 4
        (0, 0.61, 7, 8),     # 5
        leaf, leaf, leaf,    # 6, 7, 8
    ])
    assert dict((node, conds) for conds, node in _boxes(tree, NAMES)) == {
        1: ["syria.pressure_sensitivity <= 0.3397"],
        3: ["0.3397 < syria.pressure_sensitivity <= 0.4768"],
        6: ["syria.pressure_sensitivity > 0.4768", "turkey.flexibility > 0.5"],
        7: ["0.4768 < syria.pressure_sensitivity <= 0.61", "turkey.flexibility <= 0.5"],
        8: ["syria.pressure_sensitivity > 0.61", "turkey.flexibility <= 0.5"],
    }


def test_interval_conditions_forms():
    assert interval_conditions({}) == []
    assert interval_conditions({"a": (0.25, None), "b": (None, 3.0), "c": (1.0, 2.0)}) == [
        "a > 0.25", "b <= 3", "1 < c <= 2"]


def test_a_fitted_tree_names_each_parameter_once_per_box():
    from sklearn.tree import DecisionTreeClassifier

    X = np.random.default_rng(3).random((400, 2))
    likely = (X[:, 0] > 0.3) & (X[:, 0] <= 0.6)  # a band: the tree must split the first parameter twice
    tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, likely)
    boxes = _boxes(tree, NAMES)
    assert any(c.startswith("0.") and " < syria.pressure_sensitivity <= 0." in c for conds, _ in boxes for c in conds)
    for conds, _ in boxes:
        for name in NAMES:
            assert sum(f" {name} " in f" {c} " for c in conds) <= 1, conds
