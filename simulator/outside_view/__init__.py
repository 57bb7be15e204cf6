"""The outside-view dataset: dated, sourced negotiation milestones by class (``dataset.py``, ``classes.py``)."""

from .classes import CLASSES, SpellClass
from .dataset import LAST_DATE, TIMELINES, Negotiation, Spell, check_folder, load_dataset, read_negotiation, \
    spells_table, summary, to_arrow

__all__ = ["CLASSES", "LAST_DATE", "TIMELINES", "Negotiation", "Spell", "SpellClass", "check_folder", "load_dataset",
           "read_negotiation", "spells_table", "summary", "to_arrow"]
