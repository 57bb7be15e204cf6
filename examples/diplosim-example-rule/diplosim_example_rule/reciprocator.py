"""A behaviour-dependent party rule: each meeting already held makes the next one easier."""

from __future__ import annotations

from simulator.rules import Decision, ParamSpec, PartyRule, PartyView
from simulator.rules.base import decide, logistic


class Reciprocator(PartyRule):
    """Warms up as meetings are held: every meeting so far counts as a sign of good faith.

    A behaviour-dependent ("imitative") tactic in the sense of Faratin, Sierra &
    Jennings (1998): the party's stance follows what has happened between the
    sides, here the number of meetings already held, h. With k =
    dynamics.sharpness and P the pressure stock:

    - willingness  w = min(1, flexibility + reciprocity * h + pressure_sensitivity * P)
    - accept       p = logistic(k * (w - stakes))
    - concede      p = concession_rate * logistic(k * (w - cost))
    - waive        p = logistic(k * (w - threshold))
    - propose      p = initiative * w

    Yes when the run's draw u < p. Deterministic given the draws; monotone in pressure.
    """

    name = "reciprocator"
    params = {
        "flexibility": ParamSpec(0.0, 1.0, "willingness before any meeting", 0.2),
        "reciprocity": ParamSpec(0.0, 0.5, "willingness gained per meeting held", 0.1),
        "pressure_sensitivity": ParamSpec(0.0, 2.0, "how far pressure raises willingness", 0.3),
        "concession_rate": ParamSpec(0.0, 1.0, "weekly chance of conceding when fully willing", 0.05),
        "initiative": ParamSpec(0.0, 1.0, "weekly chance of proposing the next meeting when fully willing", 0.02),
    }

    def willingness(self, v: PartyView) -> float:
        p = v.params
        return min(1.0, p["flexibility"] + p["reciprocity"] * len(v.held) + p["pressure_sensitivity"] * v.pressure)

    def accept(self, v: PartyView, stakes: float, u: float) -> Decision:
        w = self.willingness(v)
        return decide(u, logistic(v.sharpness * (w - stakes)), f"not enough goodwill yet ({len(v.held)} meetings)")

    def concede(self, v: PartyView, cost: float, u: float) -> Decision:
        return decide(u, v.params["concession_rate"] * logistic(v.sharpness * (self.willingness(v) - cost)))

    def waive(self, v: PartyView, threshold: float, u: float) -> Decision:
        return decide(u, logistic(v.sharpness * (self.willingness(v) - threshold)))

    def propose(self, v: PartyView, stakes: float, u: float) -> Decision:
        return decide(u, v.params["initiative"] * self.willingness(v))
