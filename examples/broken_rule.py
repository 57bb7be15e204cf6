"""A deliberately broken party rule, kept to show that ``check_rule`` catches a false promise.

``Backlash`` declares ``monotone_in_pressure = True`` (inherited), but past a
pressure of 1 it digs in: willingness falls as pressure rises. That is a
legitimate thing to model (pressure can backfire) but then the rule must
declare ``monotone_in_pressure = False``. ``check_rule(Backlash)`` fails on the
``monotone_in_pressure`` property with a minimal example near pressure 1.
"""

from __future__ import annotations

from simulator.rules import Decision, ParamSpec, PartyRule, PartyView
from simulator.rules.base import clip01, decide, logistic


class Backlash(PartyRule):
    """Gives ground under light pressure but digs in under heavy pressure (and wrongly claims monotonicity)."""

    name = "backlash"
    params = {
        "flexibility": ParamSpec(0.0, 1.0, "baseline willingness", 0.3),
        "concession_rate": ParamSpec(0.0, 1.0, "weekly chance of conceding when fully willing", 0.05),
        "initiative": ParamSpec(0.0, 1.0, "weekly chance of proposing when fully willing", 0.02),
    }

    def willingness(self, v: PartyView) -> float:
        felt = v.pressure if v.pressure <= 1.0 else 2.0 - v.pressure  # the bug: backlash above 1
        return clip01(v.params["flexibility"] + 0.5 * felt)

    def accept(self, v: PartyView, stakes: float, u: float) -> Decision:
        return decide(u, logistic(v.sharpness * (self.willingness(v) - stakes)), "digging in")

    def concede(self, v: PartyView, cost: float, u: float) -> Decision:
        return decide(u, v.params["concession_rate"] * logistic(v.sharpness * (self.willingness(v) - cost)))

    def waive(self, v: PartyView, threshold: float, u: float) -> Decision:
        return decide(u, logistic(v.sharpness * (self.willingness(v) - threshold)))

    def propose(self, v: PartyView, stakes: float, u: float) -> Decision:
        return decide(u, v.params["initiative"] * self.willingness(v))
