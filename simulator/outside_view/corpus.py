"""The spells of the scenario corpus, from replaying each observed file through its scenario (``diplosim replay``).

A module of its own, above both the timelines' reader (``dataset``) and the replay (``outside_view.replay``), which
reads the dataset's leave-out list: neither imports the other's caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .replay import corpus_replays
from .dataset import CORPUS, _to_pandas, rows_to_arrow


def corpus_spells_table(folder: str | Path | None = None):
    """The spells of the scenario corpus, derived by replaying each observed file through its scenario
    (``diplosim replay``; ``outside_view.replay``), as a DataFrame with the same columns as ``spells_table``:
    ``negotiation`` is the scenario file's stem, region and kind are empty (scenarios do not say them), ``class``
    is the milestone's class (its own ``class:``, else the corpus side file's: ``corpus_classes``), ``sources``
    the observed evidence's source ids. Observed files that resolve no milestone give none. Every spell, blind
    scenarios' and unclassed ones too; ``counted_corpus_spells`` gives the ones the class curves count."""
    replays, _ = corpus_replays(Path(folder) if folder is not None else CORPUS)
    return _to_pandas(rows_to_arrow([row for r in replays for row in r.spell_rows()]))


@dataclass(frozen=True)
class CorpusSpells:
    """The corpus spells the class curves count (``table``, the columns of ``spells_table``), and what was not
    counted: every replayed scenario (``scenarios``, file stems), those left out with the reason in words
    (``left_out``), and the spells of counted scenarios whose milestone has no class (``unclassed``)."""

    table: object
    scenarios: tuple[str, ...]
    left_out: dict
    unclassed: int


def counted_corpus_spells(folder: str | Path | None = None) -> CorpusSpells:
    """The classed spells of the corpus replays, leaving out scenarios of the blind track (their forecasts are
    scored against the outside view later, so the curves must not know their outcomes) and scenarios under a rule
    of the leave-out list kept for independent checks (``scenario_left_out``)."""
    replays, _ = corpus_replays(Path(folder) if folder is not None else CORPUS)
    rows, left, unclassed = [], {}, 0
    for r in replays:
        if r.track == "blind":
            left[r.negotiation] = "blind track (scored against the outside view)"
        elif r.left_out is not None:
            left[r.negotiation] = f"on the leave-out list: {r.left_out}"
        else:
            mine = r.spell_rows()
            rows += [row for row in mine if row["class"]]
            unclassed += sum(1 for row in mine if not row["class"])
    return CorpusSpells(_to_pandas(rows_to_arrow(rows)), tuple(r.negotiation for r in replays), left, unclassed)
