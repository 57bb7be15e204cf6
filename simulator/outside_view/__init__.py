"""The outside-view dataset: dated, sourced negotiation milestones by class (``dataset.py``; the class vocabulary
is the language's, ``lang.spell_classes``, re-exported by ``classes.py``).

The dataset's names are loaded on first use, so that ``import simulator.outside_view`` stays light."""

from .classes import CLASSES, SpellClass

_FROM_DATASET = ("LAST_DATE", "TIMELINES", "Negotiation", "Spell", "check_folder", "load_dataset", "read_negotiation",
                 "spells_table", "summary", "to_arrow")

__all__ = ["CLASSES", "LAST_DATE", "TIMELINES", "Negotiation", "Spell", "SpellClass", "check_folder", "load_dataset",
           "read_negotiation", "spells_table", "summary", "to_arrow"]


def __getattr__(name):
    if name in _FROM_DATASET:
        from . import dataset

        return getattr(dataset, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
