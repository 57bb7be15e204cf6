"""The class curves shipped with diplosim (``simulator/lang/class_curves.json``, written by `diplosim reference
ship`): counted from exactly the dataset and corpus in the tree (a changed timeline, corpus scenario, observed file
or side file makes this test fail until they are counted again), equal to a fresh count, and what a run reads."""

import json

import pytest

from simulator.lang import class_curves
from simulator.outside_view import views

SEED = "syria_turkey_2023"


def test_the_shipped_curves_were_counted_from_the_files_in_this_tree():
    doc = json.loads(class_curves.SHIPPED.read_text(encoding="utf-8"))
    assert doc["fingerprint"] == class_curves.fingerprint(), (
        "the dataset or the corpus changed since the class curves were counted: run `diplosim reference ship`")


def test_the_shipped_curves_equal_a_fresh_count_whole_and_leaving_a_negotiation_out():
    doc = json.loads(class_curves.SHIPPED.read_text(encoding="utf-8"))
    own = doc["exclusions"][SEED]
    for exclude in ((), own):
        fresh = {name: [list(d), list(c)] for name, (d, c) in views._count(tuple(sorted(exclude))).items()}
        assert doc["curves"][class_curves.key(exclude)] == fresh


def test_a_run_reads_the_shipped_curves_and_counts_nothing(monkeypatch):
    views._counted.cache_clear()
    monkeypatch.setattr(views, "_count", lambda exclude: pytest.fail("counted again although shipped"))
    assert views.class_curves()["ceasefire"] == class_curves.shipped(())["ceasefire"]
    views._counted.cache_clear()


def test_curves_counted_from_other_data_are_not_read(tmp_path, monkeypatch):
    stale = json.loads(class_curves.SHIPPED.read_text(encoding="utf-8"))
    stale["fingerprint"] = "0" * 64
    path = tmp_path / "class_curves.json"
    path.write_text(json.dumps(stale), encoding="utf-8")
    monkeypatch.setattr(class_curves, "SHIPPED", path)
    class_curves._document.cache_clear()
    try:
        assert class_curves.shipped(()) is None and class_curves.shipped_exclusions(SEED) is None
    finally:
        class_curves._document.cache_clear()
