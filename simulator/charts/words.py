"""The words of charts and readers come from ``simulator.lang.words`` (the one home of words for people); these
names are handed on for the code that imports them from here (and an event's sentence, said by its kind in
``simulator.eventlog``)."""

from ..eventlog import sentence as event_sentence  # noqa: F401

from ..lang.words import (  # noqa: F401
    FIELD_WORDS, StepWords, Words, blocked_sentence, election_sentence, human_label,
    milestone_phrase, points, proposer_name, readable, reason_text, requirement, short, short_name, signed,
    step_words, verb)
