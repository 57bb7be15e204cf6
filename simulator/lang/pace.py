"""Numbers per milestone and per actor: an actor's own chance for one step, overriding its rule for that step.

```yaml
milestones:
  - id: fm_meeting
    kind: meeting
    attendees: [saudi, iran]
    pace:                       # per actor it needs: its own weekly chances for this step only
      iran: {accept: {chance_within: {p: 0.6, days: 365}, assumption: ...}}   # once on the table
      saudi: {propose: {median_delay_days: 30, assumption: ...}}             # puts it on the table
  - {id: embassy, kind: unilateral, actor: iran, pace: {iran: {act: {chance_within: {p: 0.5, days: 90},
                                                                     assumption: ...}}}}
```

Each number is a **weekly chance** (``lang/estimable.py``: ``chance_within`` with optional ``low``/``high``,
``median_delay_days``, or ``value``/a distribution), a parameter ``<milestone>.pace.<actor>.<propose|accept|act>``
listed by ``diplosim params``, settable with ``--set``, drawn per run and screened like every parameter. When
one is given, that actor's decision on that step **is** this chance, compared with the run's uniform for the
decision's slot (at a step of ``s`` days the slot's per-step power applies as for every weekly chance): the
actor's rule is not asked, so neither its willingness, pressure, stakes or costs, nor the global constants
(``proposal_odds``, ...) change it. Preconditions still apply before it: a hard one blocks, a soft one is
waived (or not) by the holder's rule as before.

- ``propose`` (meetings and joint acts): the weekly chance that this actor puts the step on the table while
  it could happen and is not there yet;
- ``accept`` (meetings and joint acts): the weekly chance that this actor says yes while it lies on the table
  (a mediator or occasion that keeps it there asks it every week);
- ``act`` (unilateral steps): the weekly chance that its actor takes the step once nothing blocks it.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import ConfigDict, Field, RootModel

from .base import Id, Param, Strict
from .estimable import WEEKLY_CHANCE, equivalents
from .timeshape import Chance, ClassCurveShape, chance_numbers, chance_ranges, chance_units, number_words

# a pace number is a ``Chance``: a constant weekly chance (Param), or a chance that changes with time
# (``lang/timeshape.py``)

KEYS = ("propose", "accept", "act")
DECLINED = "declined"  # the block reason of an actor asked who said no (lang/words.py reason_text)  # the decisions a pace can state, in parameter order


class ActorPace(Strict):
    """One actor's own weekly chances for one step (each optional)."""

    propose: Chance | None = Field(default=None, description="weekly chance that this actor puts the meeting or "
                                   "joint act on the table (chance_within, median_delay_days or value; or a shape "
                                   "in time: periods, weibull, not_before_days)")
    accept: Chance | None = Field(default=None, description="weekly chance that this actor says yes while the "
                                  "meeting or joint act lies on the table (or a shape in time)")
    act: Chance | None = Field(default=None, description="weekly chance that the actor takes the unilateral step "
                               "once nothing blocks it (or a shape in time)")


class Pace(RootModel[dict[Id, ActorPace]]):
    """``pace: {actor: {propose|accept|act: chance}}`` on a milestone: per-actor weekly chances for this step."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    unit: ClassVar[str] = WEEKLY_CHANCE

    #: the kernel's decision name (a milestone kind's ``decision``, or "propose") -> the pace key it reads
    DECISIONS: ClassVar[dict[str, str]] = {"propose": "propose", "accept": "accept", "concede": "act"}

    def items(self):
        """(actor, key, Param) of every number given, in declaration order."""
        for actor, ap in self.root.items():
            for key in KEYS:
                p = getattr(ap, key)
                if p is not None:
                    yield actor, key, p

    @staticmethod
    def name(milestone: str, actor: str, key: str) -> str:
        return f"{milestone}.pace.{actor}.{key}"

    def parameters(self, milestone: str, path: tuple):
        """(dotted name, Param, document path) of each number."""
        for actor, key, p in self.items():  # a shape in time: each of its numbers (lang/timeshape.py)
            yield from chance_numbers(self.name(milestone, actor, key), p, (*path, "pace", actor, key))

    def units(self, milestone: str) -> dict[str, str]:
        out = {}
        for a, key, p in self.items():
            out.update(chance_units(self.name(milestone, a, key), p))
        return out

    def ranges(self, milestone: str) -> dict[str, tuple[float, float]]:
        """The allowed range of each number: a weekly chance lies in [0, 1]; a shape's numbers, as it says."""
        out = {}
        for a, key, p in self.items():
            out.update(chance_ranges(self.name(milestone, a, key), p))
        return out

    def follows_class(self) -> bool:
        """Does some decision follow its class curve (the outside view's pace, ``outside_view/views.py``)?"""
        return any(isinstance(p, ClassCurveShape) for _, _, p in self.items())

    def block_reason(self, actor: str, decision: str) -> str:
        """Why the step is postponed when this actor's chance for ``decision`` does not come up: 'declined' (the
        actor's own chance: it said no), or its shape's own reason (a class curve: ``class_curve``, the class's
        pace)."""
        return getattr(self.shape(actor, decision), "block_reason", DECLINED)

    def shape(self, actor: str, decision: str):
        """The shape in time of this actor's own chance for ``decision`` on this step, or None."""
        key = self.DECISIONS.get(decision)
        ap = self.root.get(actor)
        p = None if key is None or ap is None else getattr(ap, key)
        return None if p is None or isinstance(p, Param) else p

    def check(self, ctx, path: tuple, m) -> None:
        """One line per misuse: an unknown actor, an actor the milestone does not need, a key of another kind of
        step, or an actor with no number at all. (A form of another unit, such as ``odds_multiplier``, is refused by
        the estimable-units check, which knows these numbers are weekly chances.)"""
        need = m.consenters()
        keys = ("propose", "accept") if m.proposable else ("act",)
        for actor, ap in self.root.items():
            where = (*path, "pace", actor)
            if not ctx.ref(where, actor, "actor"):
                continue
            if actor not in need:
                ctx.error(where, f"'{actor}' does not decide '{m.id}' (it needs: {', '.join(need)}): a pace is "
                          "given only for the actors a step needs")
                continue
            given = [k for k in KEYS if getattr(ap, k) is not None]
            if not given:
                ctx.error(where, f"give at least one of {', '.join(keys)}")
            for k in given:
                if k not in keys:
                    what = ("a meeting or joint act is put on the table ('propose') and accepted ('accept')"
                            if m.proposable else "a unilateral step is taken by its actor ('act')")
                    ctx.error((*where, k), f"'{k}' does not apply to {m.noun()} '{m.id}': {what}")

    def column(self, index: dict, milestone: str, actor: str, decision: str) -> int | None:
        """The parameter column holding this actor's own chance for ``decision`` on this step, or None (its rule
        decides)."""
        key = self.DECISIONS.get(decision)
        ap = self.root.get(actor)
        if key is None or ap is None or not isinstance(getattr(ap, key), Param):
            return None
        return index[self.name(milestone, actor, key)]

    #: a parameter's words (``charts.words.human_label``): the actor, then this, then the milestone in a sentence
    VERBS: ClassVar[dict[str, str]] = {"propose": "puts {m} on the table", "accept": "agrees to {m} once it is on "
                                       "the table", "act": "takes {m}"}

    def parameter_label(self, actor_words: str, key: str, milestone_words: str, rest=()) -> str:
        """'Weekly chance that Iran agrees to the Talks meeting once it is on the table'; a shape's number: 'Iran
        agrees to ...: weibull median days'."""
        if rest:
            what = number_words(rest)
            return f"{actor_words[:1].upper() + actor_words[1:]} {self.VERBS[key].format(m=milestone_words)}: {what}"
        return f"Weekly chance that {actor_words} {self.VERBS[key].format(m=milestone_words)}"

    def describe(self, w) -> list[str]:
        """Phrases for people, one per number: whose own chance, for what, as stated."""
        verbs = {"propose": "puts it on the table", "accept": "agrees once it is on the table", "act": "takes it"}
        curve = next(((a, k, p) for a, k, p in self.items() if isinstance(p, ClassCurveShape)), None)
        if curve is not None:  # the outside view's pace (outside_view/views.py): one phrase for the whole step
            actor, key, shape = curve
            how = (f"{w.name(actor)} puts it on the table whenever it can and its yes carries the curve"
                   if key == "accept" else f"{w.name(actor)} takes it")
            return [f"follows {shape.words()}: {how}"]
        out = []
        for actor, key, p in self.items():
            if not isinstance(p, Param):
                out.append(f"{w.name(actor)} {verbs[key]}: {p.words()}")
                continue
            form = p.estimable
            stated = form.label() if form is not None else equivalents(*p.bounds, WEEKLY_CHANCE)
            out.append(f"{w.name(actor)} {verbs[key]}: {stated}")
        return out

    def sentences(self, c, owner, describe) -> list[str]:
        """Each actor's own number for this step as a sentence: 'Syria agrees to Foreign ministers once it is on the
        table: Weibull waiting time, median 120 days, shape 0.8 (20% within 30 days, ...).'"""
        return [f"{phrase[:1].upper()}{phrase[1:]}." for phrase in self.describe(c.words)]


def shape_words(sc) -> dict[str, str]:
    """Dotted name -> the effective chance of the shape in time it belongs to, at its stated numbers ('12% within 30
    days, ...'), for every number of a pace given as a shape (``diplosim params``)."""
    out = {}
    for m, _ in sc.all_milestones:
        shape = m.breakdown.shape() if m.breakdown is not None else None
        if shape is not None:  # a breakdown hazard that changes with the time in force
            words = f"{shape.effective()} after it comes into force (the whole shape: {shape.label()})"
            out.update({name: words for name in shape.ranges(f"{m.id}.breakdown.hazard")})
        if m.pace is None:
            continue
        for actor, key, p in m.pace.items():
            if not isinstance(p, Param):
                words = f"{p.effective()} (the whole shape: {p.label()})"
                out.update({name: words for name in p.ranges(Pace.name(m.id, actor, key))})
    return out
