"""Mesa agents: one per scenario actor.

An agent answers the rule questions for its actor in one run: it builds the
read-only view its rule sees (``PartyView`` or ``MediatorView``), calls the rule
with the run's draw for that decision, and hands back the decision. The model
applies decisions; rules never touch the state.
"""

from __future__ import annotations

import math
from types import MappingProxyType
import mesa

from .rules.base import MediatorView, PartyView


class ActorAgent(mesa.Agent):
    """An actor of the scenario: it decides with its rule (if it decides) and mediates (if it mediates).

    Its model is a ``DiplomacyModel``: it reads the run state and calls rules through ``model.call_rule``.
    """

    def __init__(self, model, actor_id: str, role: str, rule=None, mediator_rule=None, mediation=None):
        super().__init__(model)
        self.actor_id, self.role = actor_id, role
        self.index = model.compiled.ai[actor_id]
        self.rule = rule
        self.mediator_rule = mediator_rule
        self.mediation = mediation

    @property
    def pressure(self) -> float:
        return float(self.model.state.P[0, self.index])

    def own_params(self) -> MappingProxyType:
        values = self.model.state.V[0]
        ix = self.model.compiled.table.index
        return MappingProxyType({short: float(values[ix[full]])
                                 for short, full in self.model.compiled.own_params[self.actor_id]})

    # ------------------------------------------------------------------ as a decider
    def view(self) -> PartyView:
        m = self.model
        st, c = m.state, m.compiled
        held = frozenset(mm.id for j, mm in enumerate(c.milestones) if st.count[0, j] > 0)
        stages = {lad: max([i for i, s in enumerate(stg) if i == 0 or f"{lad}.{s}" in held])
                  for lad, (_, stg) in c.ladders.items()}
        return PartyView(
            actor=self.actor_id, step=m.step_index, date=m.date, params=self.own_params(),
            pressure=self.pressure, sharpness=self._sharpness(),
            weeks_to_election=m.weeks_to_election(self.actor_id), held=held, stages=MappingProxyType(stages),
            weeks_elapsed=(m.date - c.dates[0]).days / 7.0,
        )

    def _sharpness(self) -> float:
        """dynamics.sharpness of this run; NaN when the scenario leaves it out (no rule of its reads it)."""
        st, c = self.model.state, self.model.compiled
        col = c.table.index.get("dynamics.sharpness")
        return float("nan") if col is None else float(st.V[0, col])

    def decide(self, kind: str, size: float, u: float):
        """One decision of this actor's rule: accept, concede, propose or waive."""
        return self.model.call_rule(self, self.rule, kind, self.view(), size, u)

    # ------------------------------------------------------------------ as a mediator
    def mediator_view(self, candidates: tuple[str, ...]) -> MediatorView:
        m = self.model
        c = m.compiled
        deadline = c.deadline_day(self.mediation)
        today = c.to_day(m.date)
        params = self.own_params()
        return MediatorView(
            actor=self.actor_id, step=m.step_index, date=m.date, params=params,
            weeks_to_deadline=math.inf if deadline is None else (deadline - today) / 7.0,
            candidates=candidates, held=frozenset(mm.id for j, mm in enumerate(c.milestones)
                                                  if m.state.count[0, j] > 0),
            attendees=m.attendees,
            leverage=MappingProxyType({name[len("leverage."):]: v for name, v in params.items()
                                       if name.startswith("leverage.")}),
        )
