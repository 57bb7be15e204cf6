"""Mesa agents: one per scenario actor.

Agents hold what is theirs (pressure received, their rule) and turn a rule's
decision into a change of model state. The rules themselves (``rules/``)
only ever see read-only views.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING

import mesa

from .rules import BUILTIN
from .rules.base import MediatorView, PartyView

if TYPE_CHECKING:
    from .model import DiplomacyModel


def is_builtin(rule) -> bool:
    """Built-in rules pass ``check_rule`` in the test suite; the model checks the results of all others."""
    return type(rule) in BUILTIN.values()


class ActorAgent(mesa.Agent):
    model: DiplomacyModel

    def __init__(self, model: DiplomacyModel, actor_id: str):
        super().__init__(model)
        self.actor_id = actor_id

    def own_params(self) -> MappingProxyType:
        values = self.model.values
        return MappingProxyType({short: values[full] for short, full in self.model.compiled.own_params[self.actor_id]})


class PartyAgent(ActorAgent):
    """A negotiating party (Syria, Turkey): concedes, proposes, accepts or declines."""

    def __init__(self, model: DiplomacyModel, actor_id: str, rule):
        super().__init__(model, actor_id)
        self.rule = rule
        self.check_results = not is_builtin(rule)
        self.pressure = 0.0

    def view(self) -> PartyView:
        m = self.model
        return PartyView(
            actor=self.actor_id, step=m.step_index, date=m.date, params=self.own_params(),
            pressure=self.pressure, sharpness=m.values["dynamics.sharpness"],
            weeks_to_election=m.weeks_to_election(), held=frozenset(m.held),
            stages=MappingProxyType(dict(m.stage)), weeks_elapsed=(m.date - m.compiled.dates[0]).days / 7.0,
        )

    def decay_pressure(self) -> None:
        self.pressure *= self.model.values["dynamics.pressure_decay"]

    def concede(self) -> None:
        """Step 3: move one stage up each of this party's concession ladders, if the rule says so."""
        m = self.model
        for ladder, (owner, stages) in m.compiled.ladders.items():
            if owner != self.actor_id or m.stage[ladder] + 1 >= len(stages):
                continue
            nxt = stages[m.stage[ladder] + 1]
            d = m.call_rule(self, "concede", self.view(), m.values[f"{ladder}.{nxt}.cost"],
                            m.draw(f"concede:{ladder}"))
            if d.yes:
                m.stage[ladder] += 1
                m.reached[(ladder, nxt)] = m.step_index
                m.log("conceded", actor=self.actor_id, detail=f"{ladder}:{nxt}")

    def propose(self) -> None:
        """Step 4: propose the next rung of each track it attends, if the rule says so."""
        m = self.model
        for track in m.compiled.tracks:
            level = m.next_rung(track)
            if level is None or track in m.proposals or self.actor_id not in m.compiled.levels[level].attendees:
                continue
            d = m.call_rule(self, "propose", self.view(), m.values[f"{level}.stakes"],
                            m.draw(f"propose:{self.actor_id}:{track}"))
            if d.yes:
                m.propose(track, level, self.actor_id)

    def respond(self, level: str) -> list[tuple[str, str]]:
        """Step 5: this attendee's blocks on a proposed meeting: [(reason kind, detail)], empty = accept."""
        m = self.model
        track = m.compiled.levels[level].track
        blocks: list[tuple[str, str]] = []
        view = self.view()
        for pre in m.unmet_preconditions(level, self.actor_id):
            if pre.kind == "hard":
                blocks.append(("precondition", pre.id))
                continue
            d = m.call_rule(self, "waive", view, m.values[f"{pre.id}.waiver_threshold"], m.draw(f"waive:{pre.id}"))
            if d.yes:
                m.log("waived", track=track, level=level, actor=self.actor_id, detail=pre.id)
            else:
                blocks.append(("precondition", pre.id))
        if not blocks:
            d = m.call_rule(self, "accept", view, m.values[f"{level}.stakes"], m.draw(f"accept:{track}:{self.actor_id}"))
            if not d.yes:
                blocks.append(("declined", d.reason or "declined"))
        return blocks


class MediatorAgent(ActorAgent):
    """A mediator (Russia, Iran): picks the meeting to push and presses the attendees."""

    def __init__(self, model: DiplomacyModel, actor_id: str, rule, info):
        super().__init__(model, actor_id)
        self.rule = rule
        self.check_results = not is_builtin(rule)
        self.info = info  # MediationInfo
        self.attendees = MappingProxyType({lv: info.attendees for lv, info in model.compiled.levels.items()})
        self.leverage_names = tuple((who, f"{actor_id}.leverage.{who}") for who in model.compiled.parties)

    def mediate(self) -> None:
        """Step 2: choose a target rung, add leverage x urgency to each attendee's pressure, propose it."""
        m = self.model
        if m.values[f"{self.actor_id}.active"] < 0.5:
            return
        candidates = []
        for goal, after in self.info.pushes:
            if after is not None and after not in m.held:
                continue
            level = m.next_rung_toward(goal)
            if level is not None and level not in candidates:
                candidates.append(level)
        view = MediatorView(
            actor=self.actor_id, step=m.step_index, date=m.date, params=self.own_params(),
            weeks_to_deadline=(self.info.deadline - m.date).days / 7.0, candidates=tuple(candidates),
            held=frozenset(m.held),
            attendees=self.attendees,
            leverage=MappingProxyType({who: m.values.get(name, 0.0) for who, name in self.leverage_names}),
        )
        target = m.call_rule(self, "target", view, m.draw(f"mediate:{self.actor_id}"))
        if target is None:
            return
        if target not in candidates:
            m.rule_failed(self, "target", f"returned {target!r}, not one of {candidates}")
        urgency = m.call_rule(self, "urgency", view)
        shares = m.call_rule(self, "pressure", view, target, urgency)
        for who in m.compiled.levels[target].attendees:
            m.party[who].pressure += shares.get(who, 0.0)
        m.log("pushed", track=m.compiled.levels[target].track, level=target, actor=self.actor_id,
              detail=f"urgency {urgency:.2f}")
        m.propose(m.compiled.levels[target].track, target, self.actor_id)


class DomesticAgent(ActorAgent):
    """A domestic actor (the Turkish opposition): takes no decisions; it can win the election."""
