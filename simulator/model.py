"""The reference model: one Mesa model run along the scenario's weekly calendar.

Step order (one step = one week, ``docs/model.md`` gives the formulas):

1. calendar: pressure decays; scheduled events fire (parameter effects, talks
   that propose a track's next rung); shocks fire with their weekly hazard;
2. mediators pick a rung to push, add pressure on its attendees, propose it;
3. parties decide on concessions (one stage at most per ladder);
4. parties propose the next rung of the tracks they attend;
5. each proposed meeting is held only if every attendee accepts: hard
   preconditions block, soft ones are waived or block, then the rule decides;
   otherwise it is postponed and every blocking reason is recorded;
6. the election resolves on its date (run-off if needed) and its effects change
   the agents' parameters from then on.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from .agents import DomesticAgent, MediatorAgent, PartyAgent
from .compiled import Compiled
from .draws import RunDraws
from .errors import RuleError
from .outcome import build_record
from .rules.base import Decision
from .scenario.schema import Scenario


class DiplomacyModel(mesa.Model):
    def __init__(self, scenario: Scenario | Compiled, rng=None, *, overrides: dict[str, float] | None = None,
                 point: int = 0, replication: int = 0):
        compiled = scenario if isinstance(scenario, Compiled) else Compiled(scenario)
        gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        draws = RunDraws.from_generator(gen, len(compiled.table), compiled.n_steps, len(compiled.slots))
        super().__init__(rng=gen)
        self.compiled = compiled
        self.point, self.replication = point, replication
        self.draws = draws
        self.values: dict[str, float] = compiled.table.as_dict(
            compiled.table.values_from_uniforms(draws.param_u, overrides))
        self.initial_values = dict(self.values)
        # ---- state
        self.step_index = 0
        self.date = compiled.dates[0]
        self.held: dict[str, int] = {}
        self.stage = {lad: 0 for lad in compiled.ladders}
        self.reached: dict[tuple[str, str], int] = {}
        self.fired: set[str] = set()
        self.fired_shocks: set[str] = set()
        self.frozen_until: dict[str, tuple[int, str]] = {}  # track -> (last frozen step, shock id)
        self.proposals: dict[str, tuple[str, str]] = {}
        self.events: list[tuple] = []
        self.winner: str | None = None
        self.election_rounds = 0
        self._runoff_pending = False
        # ---- agents, in scenario order (the order is part of the semantics; nothing is shuffled)
        rules = compiled.rules
        self.party: dict[str, PartyAgent] = {}
        mediation = {m.mediator: m for m in compiled.mediations}
        for actor in compiled.scenario.actors:
            if actor.role == "party":
                self.party[actor.id] = PartyAgent(self, actor.id, rules[actor.id])
            elif actor.role == "mediator" and actor.id in mediation:
                MediatorAgent(self, actor.id, rules[actor.id], mediation[actor.id])
            else:
                DomesticAgent(self, actor.id)
        self.datacollector = mesa.DataCollector(model_reporters={"outcome": lambda m: m.outcome()})
        self.running = compiled.n_steps > 0

    # ------------------------------------------------------------------ the step
    def step(self) -> None:
        k = self.step_index
        self.date = self.compiled.dates[k]
        self.proposals = {}
        self.agents_by_type[PartyAgent].do("decay_pressure")
        self._calendar()
        if MediatorAgent in self.agents_by_type:
            self.agents_by_type[MediatorAgent].do("mediate")
        self.agents_by_type[PartyAgent].do("concede")
        self.agents_by_type[PartyAgent].do("propose")
        for track in self.compiled.tracks:  # tracks in scenario order, whoever proposed first
            if track in self.proposals:
                self._decide_meeting(track, self.proposals[track][0])
        self._election()
        self.step_index += 1
        if self.step_index >= self.compiled.n_steps:
            self.running = False
            self.datacollector.collect(self)

    def run(self) -> dict:
        while self.running:
            self.step()
        return self.outcome()

    # ------------------------------------------------------------------ phases
    def _calendar(self) -> None:
        k, c = self.step_index, self.compiled
        for ev in c.scheduled.get(k, ()):
            self.fired.add(ev.id)
            self.log("scheduled", track=ev.track, detail=ev.id)
            self._apply(ev.effects)
            if ev.track is not None:
                level = self.next_rung_toward(ev.level) if ev.level else self.next_rung(ev.track)
                if level is not None:
                    self.propose(ev.track, level, f"calendar:{ev.id}")
        for shock, start, end in c.shocks:
            if not start <= k <= end or (shock.once and shock.id in self.fired_shocks):
                continue
            if self.draw(f"shock:{shock.id}") < self.values[f"{shock.id}.hazard"]:
                self.fired_shocks.add(shock.id)
                self.fired.add(shock.id)
                for track in shock.effect.freeze_tracks:
                    if k + shock.effect.weeks >= self.frozen_until.get(track, (-1, ""))[0]:
                        self.frozen_until[track] = (k + shock.effect.weeks, shock.id)
                self._apply(shock.effect.params)
                self.log("shock", detail=shock.id)

    def _decide_meeting(self, track: str, level: str) -> None:
        proposer = self.proposals[track][1]
        self.log("proposed", track=track, level=level, actor=proposer)
        until, shock_id = self.frozen_until.get(track, (-1, ""))
        if until >= self.step_index:
            self.log("blocked", track=track, level=level, detail=f"shock:{shock_id}")
            return
        blocks = [(who, kind, detail) for who in self.compiled.levels[level].attendees
                  for kind, detail in self.party[who].respond(level)]
        if blocks:
            for who, kind, detail in blocks:
                self.log("blocked", track=track, level=level, actor=who,
                         detail=f"precondition:{detail}" if kind == "precondition" else "declined")
            return
        self.held[level] = self.step_index
        self.log("held", track=track, level=level)

    def _election(self) -> None:
        el, c, k = self.compiled.election, self.compiled, self.step_index
        if el is None:
            return
        if k == c.step_of(el.round1) and self.election_rounds == 0:
            self.election_rounds = 1
            if el.runoff is not None and self.draw("election:decisive") < self.values["election.p_runoff"]:
                self._runoff_pending = True
                self.log("election", detail="round1:runoff")
                if c.step_of(el.runoff) > k:
                    return
            else:
                self._resolve(self.draw("election:round1"), "round1")
                return
        if self._runoff_pending and k == c.step_of(el.runoff):
            self._runoff_pending = False
            self.election_rounds = 2
            self._resolve(self.draw("election:runoff"), "runoff")

    def _resolve(self, u: float, round_name: str) -> None:
        el = self.compiled.election
        p_win = min(max(self.values["election.base_win"] + self.values["election.progress_effect"] * len(self.held),
                        0.0), 1.0)
        self.winner = el.incumbent if u < p_win else el.challenger
        self.fired.add("election")
        self.log("election", actor=self.winner, detail=f"{round_name}:p_win={p_win:.3f}")
        self._apply(el.after_win if self.winner == el.incumbent else el.after_loss)

    # ------------------------------------------------------------------ helpers used by agents
    def draw(self, slot: str) -> float:
        return float(self.draws.step_u[self.step_index, self.compiled.slot[slot]])

    def log(self, kind: str, *, track: str | None = None, level: str | None = None, actor: str = "",
            detail: str = "") -> None:
        self.events.append((self.step_index, kind, track or "", level or "", actor, detail))

    def propose(self, track: str, level: str, proposer: str) -> None:
        self.proposals.setdefault(track, (level, proposer))

    def prerequisites_met(self, level: str) -> bool:
        info = self.compiled.levels[level]
        return (info.previous is None or info.previous in self.held) and all(r in self.held for r in info.requires)

    def next_rung(self, track: str) -> str | None:
        """The lowest rung not yet held on a track, if its prerequisites are met."""
        for level in self.compiled.tracks[track]:
            if level not in self.held:
                return level if self.prerequisites_met(level) else None
        return None

    def next_rung_toward(self, goal: str) -> str | None:
        if goal in self.held:
            return None
        level = self.next_rung(self.compiled.levels[goal].track)
        if level is None or self.compiled.levels[level].rung > self.compiled.levels[goal].rung:
            return None
        return level

    def unmet_preconditions(self, level: str, actor: str):
        out = []
        for pre in self.compiled.preconditions:
            if pre.before != level or pre.demander != actor or self.values[f"{pre.id}.enabled"] < 0.5:
                continue
            if pre.meeting is not None:
                met = pre.meeting in self.held
            elif pre.ladder is not None:
                met = self.stage[pre.ladder] >= pre.stage
            else:
                met = pre.event in self.fired
            if not met:
                out.append(pre)
        return out

    def weeks_to_election(self) -> float | None:
        el = self.compiled.election
        if el is None or self.date > el.round1:
            return None
        return (el.round1 - self.date).days / 7.0

    def _apply(self, effects) -> None:
        for eff in effects:
            self.values[eff.param] = eff.value if eff.op == "set" else self.values[eff.param] + eff.value

    def call_rule(self, agent, method: str, *args):
        """Call a rule; any failure or malformed result becomes a RuleError naming actor, rule, step and date."""
        try:
            result = getattr(agent.rule, method)(*args)
        except Exception as exc:  # noqa: BLE001 - re-raised with context
            self.rule_failed(agent, method, f"{type(exc).__name__}: {exc}", exc)
        if agent.check_results:
            problem = malformed(method, result, args)
            if problem:
                self.rule_failed(agent, method, problem)
        return result

    def rule_failed(self, agent, method: str, what: str, cause: Exception | None = None):
        raise RuleError(f"rule '{agent.rule.name}' of actor '{agent.actor_id}' failed in {method}() at step "
                        f"{self.step_index} ({self.date.isoformat()}): {what}") from cause

    # ------------------------------------------------------------------ results
    def outcome(self) -> dict:
        return build_record(self)


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
