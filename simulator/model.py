"""The reference model: one Mesa model run along the scenario's weekly calendar.

The model owns one run's state (``engine.state.RunState`` with one run) and
steps it with the shared weekly step (``engine.kernel``); its agents, one per
actor, answer every decision with their rules (any rule, built-in or plugin),
and it keeps the event log. ``docs/model.md`` describes the step.
"""

from __future__ import annotations

import math
from types import MappingProxyType

import mesa
import numpy as np

from .agents import ActorAgent
from .compiled import Compiled
from .draws import RunDraws, RunSeed, run_key
from .engine.kernel import Decider, Kernel
from .engine.state import RunState
from .errors import RuleError
from .rules import BUILTIN
from .rules.base import Decision
from .scenario.schema import Scenario


class DiplomacyModel(mesa.Model, Decider):
    keeps_logs = True

    def __init__(self, scenario: Scenario | Compiled, rng: int | RunSeed | None = None, *,
                 overrides: dict[str, float] | None = None, point: int = 0, replication: int = 0):
        """``rng`` is the root seed (an int >= 0; None: a fresh one from the OS) or a ``draws.RunSeed`` (which
        also gives point and replication); the run's draws are keyed by (seed, point, replication) as
        ``draws.py`` lays out."""
        compiled = scenario if isinstance(scenario, Compiled) else Compiled(scenario)
        if isinstance(rng, RunSeed):
            rng, point, replication = rng.seed, rng.point, rng.replication
        elif rng is None:
            rng = int(np.random.SeedSequence().entropy)
        elif not isinstance(rng, (int, np.integer)):
            raise TypeError(f"rng must be the root seed (an int), not {type(rng).__name__}")
        self.root_seed = int(rng)
        draws = RunDraws.for_run(compiled, self.root_seed, replication, point)
        super().__init__(rng=run_key(self.root_seed, replication, point))
        self.compiled = compiled
        self.point, self.replication = point, replication
        self.draws = draws
        V = compiled.table.values_from_uniforms(draws.param_u[None, :], overrides)
        self.state = RunState(compiled, V, point, replication)
        self.kernel = Kernel(compiled, self)
        self.kernel.start(self.state)
        self.step_index = 0
        self.date = compiled.dates[0] if compiled.dates else compiled.scenario.calendar.start
        self.events: list[tuple] = []
        self.attendees = MappingProxyType({m.id: m.consenters() for m in compiled.milestones})
        # ---- agents, in scenario order (the order is part of the semantics; nothing is shuffled)
        rules = compiled.rules
        mediation = {m.mediator: m for m in compiled.mediations}
        self.agent = {}
        for actor in compiled.scenario.actors:
            self.agent[actor.id] = ActorAgent(self, actor.id, actor.role, rules.get(actor.id),
                                              rules.get(("mediator", actor.id)), mediation.get(actor.id))
        self.mediator_agents = [self.agent[m.mediator] for m in compiled.mediations]
        # feeds Mesa's own batch_run (one record per run, collected at the end), as Mesa users expect
        self.datacollector = mesa.DataCollector(model_reporters={"outcome": lambda m: m.outcome()})
        self.running = compiled.n_steps > 0

    @property
    def values(self) -> dict[str, float]:
        return self.compiled.table.as_dict(self.state.V[0])

    # ------------------------------------------------------------------ the step
    def step(self) -> None:
        k = self.step_index
        self.date = self.compiled.dates[k]
        self.kernel.step(self.state, self.draws.step_u[k][None, :], k)
        self.step_index += 1
        if self.step_index >= self.compiled.n_steps:
            self.running = False
            self.datacollector.collect(self)

    def run(self) -> dict:
        while self.running:
            self.step()
        return self.outcome()

    def outcome(self) -> dict:
        from .layout import record_rows

        return record_rows(self.compiled, self.state)[0]

    def weeks_to_election(self, actor: str | None = None) -> float | None:
        return self.compiled.weeks_to_election(self.date, actor)

    # ------------------------------------------------------------------ Decider: the agents answer
    def party(self, kind, actor, mask, size, u, st, k):
        if not mask[0]:
            return np.zeros(1, bool)
        agent = self.agent[self.compiled.actors[actor]]
        d = agent.decide(kind, float(size[0]), float(u[0]))
        return np.array([bool(d.yes)])

    def _mediator_view(self, med, cands):
        """Mediator ``med``'s view of this step, with the candidates ``cands`` (its row of the kernel's matrix)."""
        return self.mediator_agents[med].mediator_view(tuple(self.compiled.milestones[j].id
                                                             for j in cands[0] if j >= 0))

    def mediate(self, med, cands, u, st, k):
        agent = self.mediator_agents[med]
        view = self._mediator_view(med, cands)
        names = view.candidates
        target = self.call_rule(agent, agent.mediator_rule, "target", view, float(u[0]))
        if target is None:
            return np.array([-1])
        if target not in names:
            self.rule_failed(agent, agent.mediator_rule, "target", f"returned {target!r}, not one of {list(names)}")
        return np.array([self.compiled.mi[target]])

    def urgency(self, med, cands, st, k):
        agent = self.mediator_agents[med]
        view = self._mediator_view(med, cands)
        return np.array([float(self.call_rule(agent, agent.mediator_rule, "urgency", view))])

    def pressure(self, med, cands, target, urgency, st, k):
        agent = self.mediator_agents[med]
        name = self.compiled.milestones[target].id
        view = self._mediator_view(med, cands)
        shares = self.call_rule(agent, agent.mediator_rule, "pressure", view, name, float(urgency[0]))
        return {self.compiled.ai[who]: np.array([float(v)]) for who, v in shares.items()}

    def log(self, st, k, kind, mask, milestone="", actor="", detail="", day=None):
        if mask[0]:
            track = self.compiled.milestone[milestone].track or "" if milestone else ""
            exact = None if day is None else int(np.broadcast_to(day, (1,))[0])
            self.events.append((k, kind, track, milestone, actor, detail, exact))

    # ------------------------------------------------------------------ rule calls, checked
    def call_rule(self, agent, rule, method: str, *args):
        """Call a rule; any failure or malformed result becomes a RuleError naming actor, rule, step and date."""
        try:
            result = getattr(rule, method)(*args)
        except Exception as exc:  # noqa: BLE001 - re-raised with context
            self.rule_failed(agent, rule, method, f"{type(exc).__name__}: {exc}", exc)
        if not is_builtin_rule(rule):
            problem = malformed(method, result, args)
            if problem:
                self.rule_failed(agent, rule, method, problem)
        return result

    def rule_failed(self, agent, rule, method: str, what: str, cause: Exception | None = None):
        raise RuleError(f"rule '{rule.name}' of actor '{agent.actor_id}' failed in {method}() at step "
                        f"{self.step_index} ({self.date.isoformat()}): {what}") from cause


def is_builtin_rule(rule) -> bool:
    """Built-in rules pass ``check_rule`` in the test suite; the model checks the results of all others."""
    return type(rule) in BUILTIN.values()


_DECISION_METHODS = frozenset(("concede", "propose", "accept", "waive"))


def malformed(method: str, result, args) -> str:
    """Why a rule's result cannot be applied ('' if it can): the model never acts on nonsense."""
    if method in _DECISION_METHODS:
        if type(result) is Decision and type(result.yes) is bool and type(result.probability) is float \
                and 0.0 <= result.probability <= 1.0:
            return ""  # the common case, checked cheaply: this runs for every decision of every run
        if not isinstance(result, Decision):
            return f"returned {type(result).__name__}, not a Decision"
        if not isinstance(result.yes, (bool, np.bool_)):
            return f"returned yes={result.yes!r}, not a bool"
        if not (isinstance(result.probability, (int, float)) and 0.0 <= result.probability <= 1.0):
            return f"returned probability {result.probability!r}, not within [0, 1]"
    elif method == "urgency":
        if not (isinstance(result, (int, float)) and math.isfinite(result) and result >= 0):
            return f"returned urgency {result!r}, not a finite number >= 0"
    elif method == "pressure":
        attendees = args[0].attendees[args[1]]
        if not hasattr(result, "items"):
            return f"returned {type(result).__name__}, not a mapping attendee -> pressure"
        for who, amount in result.items():
            if who not in attendees:
                return f"put pressure on '{who}', who does not attend '{args[1]}'"
            if not (isinstance(amount, (int, float)) and math.isfinite(amount) and amount >= 0):
                return f"put pressure {amount!r} on '{who}', not a finite number >= 0"
    return ""
