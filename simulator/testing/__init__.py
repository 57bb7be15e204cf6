"""Tools for testing scenarios and rules with hypothesis.

- ``scenarios``, ``scenario_dicts``, ``seeds`` (``testing.scenarios``): valid scenarios, bounded by arguments.
- ``actors``, ``party_views``, ``mediator_views``, ``rule_inputs``, ``draws``, ``scenarios_using``
  (``testing.rules``): rule inputs and scenarios in which a given rule is used.
- ``check_rule(RuleClass, **settings)`` and ``rule_properties(RuleClass)``: the standard rule properties.

Importing this package needs hypothesis (the ``test`` extra).
"""

from .rules import (
    PROPERTIES, RuleCheckFailed, RuleReport, actors, applicable_properties, check_rule, draws, mediator_inputs,
    mediator_views, party_inputs, party_views, rule_inputs, rule_properties, scenarios_using,
)
from .scenarios import scenario_dicts, scenarios, seeds

__all__ = [
    "PROPERTIES", "RuleCheckFailed", "RuleReport", "actors", "applicable_properties", "check_rule", "draws",
    "mediator_inputs", "mediator_views", "party_inputs", "party_views", "rule_inputs", "rule_properties",
    "scenario_dicts", "scenarios", "scenarios_using", "seeds",
]
