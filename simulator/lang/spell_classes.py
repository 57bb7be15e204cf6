"""The milestone classes of the outside-view dataset: one entry per class, holding its name, its words for people,
what counts, what does not, and the rule saying from which day it was possible (its gate).

This is the one place the classes are described: the validator takes its vocabulary from here and
``markdown_table()`` renders the same text for the documentation (docs/outside-view.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator


@dataclass(frozen=True)
class SpellClass:
    """One kind of negotiation milestone ("spell": from the day it became possible to the day it happened)."""

    name: str
    label: str
    counts: str
    not_counts: str
    gate: str


_ALL = (
    SpellClass(
        "talks_opened", "talks opened",
        "the first formal session of a new negotiation process (direct or proximity talks), publicly reported",
        "contacts, back channels or exploratory visits; a further round of a process already open (talks_round)",
        "the day the talks were publicly proposed or agreed in principle (an invitation accepted, a mediator's "
        "announcement of the process)"),
    SpellClass(
        "talks_round", "a further round of talks",
        "a further round or session of an ongoing process (round 2, 3, ...)",
        "the first session of a process (talks_opened)",
        "the day the previous round ended"),
    SpellClass(
        "ministerial_meeting", "first ministers' meeting",
        "the first meeting of ministers (foreign or defence) of the parties in the process",
        "later ministerial meetings; meetings of envoys or officials",
        "the day it was first publicly proposed, or the day talks opened, whichever is later"),
    SpellClass(
        "leaders_meeting", "first leaders' summit",
        "the first meeting of heads of state or government of the parties in the process (a summit)",
        "later summits; meetings of a leader with a mediator only",
        "the day it was first publicly proposed"),
    SpellClass(
        "ceasefire", "ceasefire agreed",
        "a ceasefire, truce or cessation of hostilities agreed and announced to take effect",
        "unilateral pauses; humanitarian windows of a few hours; an extension of a ceasefire already in force "
        "(extension)",
        "the day talks with a ceasefire on the agenda opened, or a ceasefire was publicly proposed by a mediator"),
    SpellClass(
        "framework_agreement", "framework or interim agreement signed",
        "a framework, declaration of principles, interim or partial agreement signed",
        "joint statements that commit to nothing; the final settlement (comprehensive_agreement)",
        "the day the talks that produced it opened"),
    SpellClass(
        "comprehensive_agreement", "comprehensive agreement signed",
        "a final or comprehensive peace or settlement agreement signed",
        "initialled texts not yet signed; frameworks and interim deals (framework_agreement)",
        "the day the talks that produced it opened (or the framework was signed, if talks continued from it)"),
    SpellClass(
        "exchange", "prisoner or hostage exchange",
        "a prisoner, hostage or detainee exchange or release carried out (the first under a deal)",
        "a deal announced but not carried out; later batches under the same deal",
        "the day the exchange was agreed in principle or publicly proposed by the parties"),
    SpellClass(
        "relations_restored", "diplomatic relations restored",
        "diplomatic relations established or restored (announcement or signing)",
        "talks about relations; consular or interest-section arrangements",
        "the day direct talks on it opened or were publicly announced"),
    SpellClass(
        "embassy_reopened", "embassy reopened",
        "an embassy (re)opened, or ambassadors exchanged or accredited",
        "liaison offices and interest sections; an announcement without the opening",
        "the day relations were restored or the reopening agreed"),
    SpellClass(
        "ratification", "agreement ratified",
        "an agreement ratified or approved by the required body (parliament, referendum, council)",
        "a cabinet's endorsement where a parliament or referendum is required; one side's approval when both "
        "are required",
        "the day the agreement was signed"),
    SpellClass(
        "implementation_step", "implementation step carried out",
        "a stated step of a signed agreement carried out (withdrawal, handover, cantonment, unity government "
        "formed, elections held under it, border reopened)",
        "steps promised but not carried out; steps of no signed agreement",
        "the day the agreement was signed (or the step's prerequisite done)"),
    SpellClass(
        "breakdown", "talks or deal broke down",
        "talks suspended or collapsed, or a signed agreement or ceasefire broken down or abandoned",
        "a short pause announced with a date to resume; isolated violations of a ceasefire that holds",
        "the day the talks started, or the agreement or ceasefire took effect; censored at the end of the "
        "period if it held"),
    SpellClass(
        "extension", "deal extended",
        "an expiring deal, ceasefire or mandate extended by the parties",
        "a new, different deal (its own class); an extension imposed by one side alone",
        "the day the extension was first proposed or the expiry date became known (the start of the deal)"),
)

CLASSES: dict[str, SpellClass] = {c.name: c for c in _ALL}


def markdown_table() -> str:
    """The classes as a Markdown table (class, in words, counts, does not count, possible from)."""
    rows = ["| class | in words | counts | does not count | possible from (gate) |", "|---|---|---|---|---|"]
    rows += [f"| {c.name} | {c.label} | {c.counts} | {c.not_counts} | {c.gate} |" for c in _ALL]
    return "\n".join(rows) + "\n"


def known_class(name: str) -> str:
    """A class name from the vocabulary, or ValueError listing them (the pydantic check of ``ClassName``)."""
    if name not in CLASSES:
        raise ValueError(f"unknown class (known: {', '.join(CLASSES)})")
    return name


#: A class name from the vocabulary (a milestone's ``class:``, a timeline's spell, a published rate).
ClassName = Annotated[str, AfterValidator(known_class)]
