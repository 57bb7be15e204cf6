"""The milestone-class vocabulary, as the outside view reads it; it lives in the language (``lang.spell_classes``),
which a milestone's ``class:`` is checked against."""

from ..lang.spell_classes import CLASSES, ClassName, SpellClass, known_class, markdown_table

__all__ = ["CLASSES", "ClassName", "SpellClass", "known_class", "markdown_table"]
