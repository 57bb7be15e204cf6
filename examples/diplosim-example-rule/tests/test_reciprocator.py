"""The whole property test of a rule is one line; each declared property becomes its own test."""

import dataclasses

from diplosim_example_rule import Reciprocator
from hypothesis import given

from simulator.testing import party_views, rule_properties

test_reciprocator = rule_properties(Reciprocator, max_examples=30)


@given(party_views(Reciprocator))
def test_more_meetings_never_cool_it_down(view):
    """A property of this rule alone, on the kit's strategies."""
    rule = Reciprocator()
    more = dataclasses.replace(view, held=view.held | {"extra_meeting"})
    assert rule.willingness(more) >= rule.willingness(view)
