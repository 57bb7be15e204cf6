"""The class curves shipped with diplosim: how fast each class of step happened in the outside-view dataset,
counted once by ``diplosim reference build`` (Kaplan–Meier, ``outside_view.curves``) and read here as data.

A plain run of a scenario whose milestone has a ``class:`` and no pace follows its class curve, and every run
shows the outside view beside its forecast: both read these counted curves instead of counting again, so a run
needs neither the dataset's parser nor the statistics libraries. The file ``class_curves.json`` beside this module
holds the curves counted from the whole dataset and, for each corpus scenario with outcomes, the curves counted
without its own negotiation (leave-one-out: a forecast never sees its own outcome), with the files they were
counted from fingerprinted by content. When the data files differ from those fingerprinted (a timeline edited,
a corpus scenario added), ``shipped`` answers None and the caller counts again (``outside_view.views``);
``diplosim reference build`` writes the file anew, and a test keeps the shipped one equal to a fresh count.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

#: the shipped file (written by ``outside_view.views.write_shipped``)
SHIPPED = Path(__file__).with_name("class_curves.json")
#: the folders the curves are counted from: the dataset's timelines and the scenario corpus
TIMELINES = Path(__file__).resolve().parents[1] / "outside_view" / "timelines"
CORPUS = Path(__file__).resolve().parents[2] / "scenarios"


def in_corpus_with_outcomes(path) -> bool:
    """Whether ``path`` is a scenario of the shipped corpus (``CORPUS``) with its observed outcomes beside it: the
    scenarios whose own spells are replayed into the dataset, so that their outside view leaves them out."""
    path = Path(path)
    return (path.resolve().parent == CORPUS.resolve() and not path.name.endswith(".observed.yaml")
            and (CORPUS / f"{path.stem}.observed.yaml").is_file())


def fingerprint() -> str:
    """A digest of the contents of every file the curves are counted from (timelines, corpus scenarios, their
    observed-outcome files and side file), by name and content."""
    h = hashlib.sha256()
    for folder in (TIMELINES, CORPUS):
        for path in sorted(Path(folder).glob("*.yaml")):
            h.update(path.name.encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


@functools.cache
def _document() -> dict | None:
    if not SHIPPED.is_file():
        return None
    doc = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return doc if doc.get("fingerprint") == fingerprint() else None


def key(exclude) -> str:
    """The key of a left-out set of negotiations in the shipped file."""
    return "|".join(sorted(set(exclude)))


def shipped(exclude=()) -> dict[str, tuple[tuple[float, ...], tuple[float, ...]]] | None:
    """class -> (days, chance within each) counted without the negotiations ``exclude``, as shipped; None when the
    file is missing, was counted from other data, or holds no count for this left-out set."""
    doc = _document()
    if doc is None or key(exclude) not in doc["curves"]:
        return None
    return {name: (tuple(d), tuple(c)) for name, (d, c) in doc["curves"][key(exclude)].items()}


def shipped_exclusions(stem: str) -> list[str] | None:
    """The negotiations left out for the corpus scenario ``stem`` (its own: ``outside_view.forecast.own_exclusions``),
    as shipped; None when not shipped or counted from other data."""
    doc = _document()
    if doc is None:
        return None
    return doc["exclusions"].get(stem)
