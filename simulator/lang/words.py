"""Words for people, in one place: names, dates, the scenario's step, parameter labels, why something was blocked,
and the events of a run as sentences. Every reader (charts, summaries, the command line, the dashboard, the report)
takes its words from here; a concept's own words (a milestone kind's noun and verb, a condition's ``label``, a
question's ``asks``) stay on its class, and the helpers here call them.

``Words`` gives the scenario's names for its ids (their ``label:`` where given, else their ``name``), dates, and
the words for its step (``Words.step``, a ``StepWords``: a week, a day or an n-day step).

``human_label`` is the one place a dotted parameter name becomes words. It
takes the ``label:`` the scenario gives the parameter (or, for a switch, the
precondition or mediation it switches), and otherwise builds a readable form
from the scenario's own names for its actors, milestones, ladders, elections
and calendar items (``Compiled.words``).

The events of a run are said by their kinds (``eventlog.sentence``), in a
sentence built from the same names and the helpers here ("The Foreign ministers meeting was held",
"Turkey conceded: withdrawal timetable"), never internal codes such as
``precondition:steps_before_fm``. Why something was blocked is said by
``reason_text`` (the same sentence in summaries, explanations, charts and the CLI).

Everything here reads a compiled scenario (``c``: ``simulator.compiled.Compiled``) by duck typing and imports
nothing above the language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from .dates import describe_date
from .timeshape import number_words

FIELD_WORDS = {
    "flexibility": "flexibility", "resolve": "resolve", "pressure_sensitivity": "sensitivity to pressure",
    "concession_rate": "readiness to concede", "initiative": "initiative",
    "base": "urgency at the start", "peak": "peak urgency", "ramp_weeks": "weeks for urgency to build",
    "after_deadline": "urgency after the deadline",
    "p_runoff": "chance of a run-off", "base_win": "incumbent's basic chance to win",
    "progress_effect": "incumbent's gain per meeting held",
    "formation_days": "days to form a government",
    "pressure_decay": "weekly decay of pressure", "sharpness": "sharpness of decisions",
}


class StepWords:
    """Words for the scenario's step (``calendar.step_days``): the one place a step is called a week, a day or
    an n-day step. Only the step is named so: the model's chances are weekly at any step (docs/model.md, "Steps
    other than a week"), so a parameter stays a "weekly chance" even at daily steps."""

    NAMES = {7: "week", 1: "day"}

    def __init__(self, days: int):
        self.days = int(days)
        self.short = self.NAMES.get(self.days, "step")  # a counter, a button: 'week', 'day', 'step'
        self.one = self.NAMES.get(self.days, f"{self.days}-day step")  # 'week', 'day', '3-day step'
        self.many = self.one + "s"  # 'weeks', 'days', '3-day steps'
        self.by_step = f"{self.short} by {self.short}"  # 'week by week', 'day by day', 'step by step'

    def counter(self, k: int, n: int) -> str:
        """'Week 3 of 101', 'Day 3 of 101', 'Step 3 of 9' (``k`` counted from 1)."""
        return f"{self.short.capitalize()} {k} of {n}"


def step_words(c_or_days) -> StepWords:
    """The step words of a compiled scenario (its ``step_days``) or of a number of days."""
    return StepWords(getattr(c_or_days, "step_days", c_or_days))


DATE_FORMAT = "%-d %b %Y"
"""The one way a date is written for people: '3 May 2023', '11 Apr 2021' (tables, cards, reports, the console, and
the charts' hovers and ticks: plotly's d3 date format reads the same directives)."""


def day(d: dt.date) -> str:
    """A date as people read it: '3 May 2023' (``DATE_FORMAT``)."""
    return d.strftime(DATE_FORMAT)


def day_words(iso, never: str = "after the calendar ends") -> str:
    """A date of a summary or a record (ISO text or a date; None: not within the calendar) in words: '3 May 2023'."""
    if iso is None:
        return never
    return day(iso if isinstance(iso, dt.date) else dt.date.fromisoformat(str(iso)[:10]))


class Words:
    """Names for people: the scenario's own labels for its ids, never internal codes; dates; the words for its
    step (``step``: a ``StepWords``)."""

    def __init__(self, names: Mapping[str, str], step_days: int = 7):
        self.names = dict(names)
        self.step = StepWords(step_days)

    def name(self, ident: str) -> str:
        if ident in self.names:
            return self.names[ident]
        return ident.replace("_", " ").replace(".", ": ").strip().capitalize()

    def date(self, ref) -> str:
        if isinstance(ref, dt.date):
            return day(ref)
        if ref in self.names:
            return self.names[ref]
        return describe_date(ref)

    # the words a construct's class says itself with (``construct_sentences``): reached through ``c.words``, so the
    # language's classes need not import this module (it imports some of them)
    @staticmethod
    def share(low: float, high: float | None = None) -> str:
        return share_words(low, high)

    @staticmethod
    def chance(p, describe) -> str:
        return chance_words(p, describe)

    @staticmethod
    def change(ch, c) -> str:
        """A parameter change in words ('the weekly decay of pressure becomes 0.2'), with its fading if any."""
        from .effects import words

        fades = f", {ch.fades.words()}" if getattr(ch, "fades", None) is not None else ""
        return words(ch, human_label(ch.param, c)) + fades


def signed(value: float, decimals: int = 1) -> str:
    """A change with its sign, '+1.5' or '-0.3'; one that rounds to zero is '0.0' (never '-0.0' or '+0.0')."""
    text = f"{value:+.{decimals}f}"
    return text[1:] if float(text) == 0 else text


def points(diff: float, low: float, high: float, decimals: int = 1) -> str:
    """A change in a probability (given as fractions) in percentage points, with its interval:
    '+17.0 pts [+13.2, +20.1]'. Points, never '%', which reads as a relative change."""
    return f"{signed(100 * diff, decimals)} pts [{signed(100 * low, decimals)}, {signed(100 * high, decimals)}]"


def short_name(name: str) -> str:
    """'Syria (Damascus government)' -> 'Syria': the name without its parenthesis, for use inside sentences."""
    return re.sub(r"\s*\(.*\)\s*$", "", name).strip() or name


def short(c, ident: str) -> str:
    """The scenario's name for an id (its ``label:`` if given), without a trailing parenthesis."""
    return short_name(c.words.name(ident))


def readable(code: str) -> str:
    """A code as words: 'pressure_sensitivity' -> 'pressure sensitivity'."""
    return code.replace("_", " ").replace(".", " ").strip()


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


def _given(label) -> str | None:
    return label if isinstance(label, str) and label.strip() else None


def _given_label(dotted: str, c) -> str | None:
    """A ``label:`` the scenario gives the parameter (or the precondition or mediation a switch turns off)."""
    sc = c.scenario
    head, _, tail = dotted.partition(".")
    if tail == "enabled":
        owner = next((p for p in sc.preconditions if p.id == head), None)
        if owner is not None:
            return _given(owner.label)
    if tail == "active":
        owner = next((m for m in sc.mediation if m.mediator == head), None)
        if owner is not None:
            return _given(owner.label)
    param = c.table.params.get(dotted)
    return _given(getattr(param, "label", None)) if param is not None else None


def _proper_words(c) -> set[str]:
    """The words the scenario writes with a capital where no sentence starts: every word of its actors' names and
    the later words of its title and its milestones' names ('Turkey', 'Erdogan', 'Iran', 'JCPOA')."""
    texts = [c.words.name(a) for a in c.actors]
    later = [c.scenario.metadata.title] + [c.words.name(m.id) for m in c.milestones]
    found = {w for t in texts for w in re.findall(r"[A-Za-z]+", t)}
    found |= {w for t in later for w in re.findall(r"[A-Za-z]+", t)[1:]}
    return {w for w in found if w[:1].isupper()}


def mid_sentence(c, name: str) -> str:
    """A name inside a sentence: its first letter lower-cased ('before both sides accept …'), as ``_lower_first``
    does (an acronym such as 'JCPOA' kept), unless its first word is a proper noun: one the scenario writes with a
    capital mid-sentence (``_proper_words``), or a word one of those starts ('Israeli', 'Turkish', 'Russian')."""
    first = re.match(r"[A-Za-z]+", name)
    if first is None:
        return name
    word = first.group(0)
    if any(word == p or (len(p) >= 4 and word.startswith(p[:max(4, len(p) - 2)])) for p in _proper_words(c)):
        return name
    return "a" + name[1:] if word == "A" else _lower_first(name)  # 'a round of talks' (a one-letter word)


def milestone_phrase(c, m_id: str) -> str:
    """A milestone inside a sentence: 'the foreign ministers meeting', else its name, lower-cased at its first letter
    where that is no proper noun (``mid_sentence``); a name the phrase quotes is the author's own words, as written."""
    m = c.milestone.get(m_id)
    name = c.words.name(m_id)
    if m is None:
        return name
    phrase = m.phrase(name)
    return phrase if f"'{name}'" in phrase else phrase.replace(name, mid_sentence(c, name), 1)


def verb(m) -> str:
    """What happening means for a milestone (its kind's ``verb``: a meeting is held, a joint act agreed, a step
    taken); 'reached' for an id that is no milestone (a ladder's starting stage)."""
    return "reached" if m is None else m.verb


def requirement(c, pre) -> str:
    """What a precondition asks for, in words: "Turkey's statement of intent to withdraw" (its condition's
    ``demand``)."""
    return pre.requires.demand(c)


def _milestone_of(dotted: str, c) -> tuple[object, list[str]] | None:
    """(milestone, the rest of the name) when a dotted name starts with a milestone id (ids may hold a dot)."""
    for m in sorted(c.milestones, key=lambda m: -len(m.id)):
        if dotted.startswith(m.id + "."):
            return m, dotted[len(m.id) + 1:].split(".")
    return None


def human_label(dotted: str, c) -> str:
    """A parameter's (or switch's) label for people: the scenario's own ``label`` if any, else built from names.

    ``c`` is the compiled scenario (``simulator.compiled.Compiled``).
    """
    given = _given_label(dotted, c)
    if given:
        return given
    from .worlds import parameter_label

    said = parameter_label(dotted, c, milestone_phrase)  # a share of live worlds, a per-run spread (lang/worlds.py)
    if said:
        return said
    from .stalls import parameter_label as stalls_label

    said = stalls_label(dotted, c, milestone_phrase)  # freezes, suspensions, coercive acts, one-shot outcomes
    if said:
        return said
    from .commitments import parameter_label as commitment_label
    from .effects import parameter_label as effect_label

    said = commitment_label(dotted, c) or effect_label(dotted, c, human_label)  # lang/commitments.py, effects.py
    if said:
        return said
    sc = c.scenario
    pres = {p.id: p for p in sc.preconditions}
    mediators = {m.mediator for m in sc.mediation}
    actors = set(c.actors)
    parts = dotted.split(".")
    head, rest = parts[0], parts[1:]
    if head in pres and rest == ["enabled"]:
        pre = pres[head]
        strength = "insists on" if pre.hard else "asks for"
        return f"{short(c, pre.held_by)} {strength} {requirement(c, pre)} before {milestone_phrase(c, pre.before)}"
    if head in pres and rest == ["waiver_threshold"]:
        pre = pres[head]
        return f"Pressure at which {short(c, pre.held_by)} drops its demand for {requirement(c, pre)}"
    if head in pres and rest == ["resists"]:
        pre = pres[head]
        return f"Weekly chance that {short(c, pre.held_by)} drops its demand for {requirement(c, pre)} under pressure"
    if head in mediators and rest == ["active"]:
        return f"{short(c, head)} mediates"
    if head in actors and rest:
        actor = short(c, head)
        if rest[0] == "leverage" and len(rest) == 2:
            return f"{actor}'s leverage over {short(c, rest[1])}"
        if rest[0] == "alignment" and len(rest) == 2:
            return f"{actor}'s alignment with {short(c, rest[1])}"
        if rest == ["enters", "hazard"]:
            return f"Weekly chance that {actor} joins"
        if rest[:2] == ["enters", "hazard"]:  # a number of an entry chance that changes with time
            return f"Chance that {actor} joins: {number_words(rest[2:])}"
        if rest[0] == "urgency" and len(rest) == 2:
            return f"{actor}'s {FIELD_WORDS.get(rest[1], 'urgency: ' + readable(rest[1]))}"
        return f"{actor}'s {FIELD_WORDS.get(rest[-1], readable('.'.join(rest)))}"
    found = _milestone_of(dotted, c)
    if found is not None:
        m, tail = found
        what = milestone_phrase(c, m.id)
        if tail == ["stakes"]:
            return m.stakes_words(c.words.name(m.id), what, [short(c, a) for a in m.consenters()])
        if len(tail) == 2 and tail[0] == "stakes":
            return f"Cost to {short(c, tail[1])} of {what}"
        if tail == ["breakdown", "hazard"]:
            return f"Weekly chance that {what} breaks down"
        if tail[:2] == ["breakdown", "hazard"]:  # a number of a breakdown chance that changes with time
            return f"Chance that {what} breaks down: {number_words(tail[2:])}"
        if m.pace is not None and len(tail) >= 3 and tail[0] == "pace":
            return m.pace.parameter_label(short(c, tail[1]), tail[2], what, tail[3:])
        if getattr(m, "adjust", None) is not None and len(tail) == 2 and tail[0] == "adjust":
            return f"Adjustment of the class curve of {what}: {tail[1].replace('_', ' ')}"
    if head == "election" and len(rest) == 2 and rest[0] in c.gi:
        return f"{c.words.name('election.' + rest[0])}: {FIELD_WORDS.get(rest[1], readable(rest[1]))}"
    if rest == ["hazard"] and head in c.fi:
        return f"Weekly chance of '{c.words.name(head)}'"
    if rest[:1] == ["hazard"] and head in c.fi:  # a number of a shock's or occasion's chance that changes with time
        return f"Chance of '{c.words.name(head)}': {number_words(rest[1:])}"
    if head == "dynamics" and rest:
        return f"Dynamics: {FIELD_WORDS.get(rest[0], readable(rest[0]))}"
    text = readable(dotted)
    return text[:1].upper() + text[1:]


# ----------------------------------------------------------------------------- events as sentences

def reason_text(c, who: str, reason: str) -> str:
    """Why a milestone was postponed, as a sentence in the scenario's words: the one wording of block reasons."""
    from .pace import DECLINED
    from .timeshape import ClassCurveShape

    w = c.words
    if reason == DECLINED:
        return f"{w.name(who)} declined"
    if reason == ClassCurveShape.block_reason:  # the class curve's chance did not come up: no one refused
        return "not yet: comparable steps take time (class curve)"
    what, _, ident = reason.partition(":")
    if what == "precondition":
        pre = next(p for p in c.preconditions if p.id == ident)
        return f"{w.name(who)} held to its condition: {pre.requires.label(w)}"
    if what in ("shock", "freeze"):  # a shock, or a milestone that freezes others (lang/stalls.py)
        return f"frozen by {w.name(ident)}"
    return reason


def blocked_sentence(c, actor: str, reason: str) -> str:
    """Why a milestone was blocked, as a sentence (``reason_text``: the one wording of block reasons)."""
    return reason_text(c, actor or "-", reason)


def proposer_name(c, who: str) -> str:
    """Who put a milestone on the table: an actor, or a dated event or occasion ('calendar:<id>', 'occasion:<id>')."""
    kind, _, what = who.partition(":")
    if kind in ("calendar", "occasion") and what:
        return c.words.name(what)
    return short(c, who) if who else "unknown"


def election_sentence(c, winner: str, detail: str, step: int | None = None) -> str:
    """An election event: '<id>:runoff' (no majority in round 1) or '<id>' (a result, won by ``winner``)."""
    w = c.words
    eid, _, rest = detail.partition(":")
    if rest == "runoff":
        return f"No majority in {w.name(f'election.{eid}.round1')}: a run-off is needed"
    if rest == "government":
        return f"{w.name(winner)} formed a government after the {w.name(f'election.{eid}')}"
    e = c.elections[c.gi[eid]] if eid in c.gi else None
    runoff = (e is not None and e.runoff is not None and step is not None
              and c.step_of(e.runoff) == int(step) and c.step_of(e.round1) != int(step))
    return f"{w.name(winner)} won in {w.name(f'election.{eid}.runoff' if runoff else f'election.{eid}.round1')}"


# ------------------------------------------------------------------ constructs that say themselves (scenario view)

#: shares of worlds said as people say them ("about a third"): (share, words), matched within ``_NEAR``
_FRACTIONS = ((0.1, "a tenth"), (0.2, "a fifth"), (0.25, "a quarter"), (1 / 3, "a third"), (0.5, "half"),
              (2 / 3, "two thirds"), (0.75, "three quarters"), (0.8, "four fifths"), (0.9, "nine tenths"))
_NEAR = 0.015


def share_words(low: float, high: float | None = None) -> str:
    """A share of runs as a phrase: 'in about a third of worlds (33%)', 'in every world', 'in 20% to 40% of
    worlds' (a range)."""
    high = low if high is None else high
    if low != high:
        return f"in {low:.0%} to {high:.0%} of worlds"
    if low <= 0:
        return "in no world"
    if low >= 1:
        return "in every world"
    near = next((words for share, words in _FRACTIONS if abs(low - share) <= _NEAR), None)
    exact = next((words for share, words in _FRACTIONS if abs(low - share) < 1e-9), None)
    return (f"in {exact} of worlds ({low:.0%})" if exact else f"in about {near} of worlds ({low:.0%})" if near
            else f"in {low:.0%} of worlds")


def chance_words(p, describe) -> str:
    """A chance as its author stated it: its estimable form's words when it has one, else as a percentage ('30%',
    '20% to 40%' over its range)."""
    form = getattr(p, "estimable", None)
    if form is not None:
        return form.label()
    lo, hi = p.bounds
    return f"{lo:.0%}" if lo == hi else f"{lo:.0%} to {hi:.0%}"


def _saying(item):
    """What says sentences about ``item``: the item itself when it has ``sentences``, then each of its fields'
    values (or list items) that has."""
    if hasattr(item, "sentences"):
        yield item
    for name in type(item).model_fields:
        value = getattr(item, name, None)
        for v in value if isinstance(value, list) else (value,):
            if v is not None and v is not item and hasattr(v, "sentences"):
                yield v


def construct_sentences(c, describe) -> list[tuple[str, str]]:
    """(about, sentence) for every construct of the scenario that says itself: each milestone (after expansion:
    track levels and ladder stages too), track, concession ladder, precondition, mediation, actor, election, term,
    shock and occasion is asked, with each of its fields' values, for ``sentences(c, owner, describe)`` (a class
    that has the method renders its own sentences: a live share, a spread, a pace or shape in time, a freeze or
    suspension, a one-shot outcome, a binding commitment, a waiver that resists, a mediator's several items a step,
    an election's concerns, blocs and formation, a term, an actor outside the talks, a shock's, an occasion's or an
    entry's chance that changes with time). ``describe`` puts a number in words. Nothing here knows the kinds: a
    new construct with ``sentences`` is said without a change here."""
    sc, w = c.scenario, c.words
    cal = sc.calendar
    items = [*((w.name(m.id), m) for m in c.milestones), *((w.name(t.id), t) for t in sc.tracks),
             *((w.name(lad.id), lad) for lad in sc.concessions), *((w.name(p.id), p) for p in sc.preconditions),
             *((w.name(med.mediator), med) for med in sc.mediation), *((w.name(a.id), a) for a in sc.actors),
             *((e.name, e) for e in cal.elections), *((t.name, t) for t in cal.terms),
             *((w.name(x.id), x) for x in (*cal.shocks, *cal.occasions))]
    return [(about, sentence[:1].upper() + sentence[1:]) for about, item in items for says in _saying(item)
            for sentence in says.sentences(c, item, describe)]
