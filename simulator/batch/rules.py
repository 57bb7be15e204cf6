"""The array forms the batch engine may use: every built-in rule's own (``Rule.array``, in the rule's file).

A rule's scalar and array forms live together in ``simulator/rules/<rule>.py``; this module only looks them
up by rule name. Plugins run on the Mesa engine.
"""

from __future__ import annotations

from ..rules import BUILTIN
from ..rules.base import MediatorRule, PartyRule, RuleArray

#: rule name -> a function of (parameter index, actor) giving the rule's array form for that actor
PARTY_ARRAYS = {n: r.array_form for n, r in BUILTIN.items() if issubclass(r, PartyRule) and r.array is not None}
MEDIATOR_ARRAYS = {n: r.array_form for n, r in BUILTIN.items()
                   if issubclass(r, MediatorRule) and r.array is not None}


def party_array(rule: str, index: dict[str, int], actor: str) -> RuleArray:
    return PARTY_ARRAYS[rule](index, actor)
