"""Reservation-threshold party rule."""

from __future__ import annotations

from .base import Decision, ParamSpec, PartyRule, PartyView, RuleArray, clip01, clip_array, logistic, logistic_array


class ThresholdArray(RuleArray):
    """Array form of ``ReservationThreshold`` (the same operations, in the same order)."""

    def willingness(self, V, P, t):
        return clip_array(self.p(V, "flexibility") + self.p(V, "pressure_sensitivity") * P, 0.0, 1.0)

    def accept(self, V, P, t, k, size):
        return logistic_array(k * (self.willingness(V, P, t) - self.p(V, "resolve") * size))

    def concede(self, V, P, t, k, size):
        return self.p(V, "concession_rate") * logistic_array(k * (self.willingness(V, P, t)
                                                                  - self.p(V, "resolve") * size))

    def waive(self, V, P, t, k, size):
        return logistic_array(k * (self.p(V, "pressure_sensitivity") * P - size))

    def propose(self, V, P, t, k, size):
        return self.p(V, "initiative") * self.willingness(V, P, t)


class ReservationThreshold(PartyRule):
    """Accepts a step when its willingness clears a reservation level scaled by the step's stakes.

    Models a party with a reservation value (Raiffa 1982, *The Art and Science
    of Negotiation*): it goes to a meeting or makes a concession when what it is
    willing to give clears the political cost of the step. Willingness rises
    with outside pressure, as with Russia pressing Damascus although it
    "understands Syria's position on calling for Turkish steps" (Al-Watan,
    Feb 2023). Formulas, with k = dynamics.sharpness and P the pressure stock:

    - willingness  w = clip(flexibility + pressure_sensitivity * P, 0, 1)
    - accept       p = logistic(k * (w - resolve * stakes))
    - concede      p = concession_rate * logistic(k * (w - resolve * cost))
    - waive        p = logistic(k * (pressure_sensitivity * P - threshold))
    - propose      p = initiative * w

    Each decision is "yes" when the run's uniform draw u < p: deterministic
    given the draws, and monotone in pressure (P enters every formula with a
    non-negative coefficient inside increasing functions).
    """

    name = "threshold"
    array = ThresholdArray
    params = {
        "flexibility": ParamSpec(0.0, 1.0, "baseline willingness to move", 0.3),
        "resolve": ParamSpec(0.0, 2.0, "how much the stakes of a step weigh against it", 1.0),
        "pressure_sensitivity": ParamSpec(0.0, 2.0, "how far pressure raises willingness", 0.5),
        "concession_rate": ParamSpec(0.0, 1.0, "weekly chance of conceding when fully willing", 0.05,
                                     unit="weekly_chance"),
        "initiative": ParamSpec(0.0, 1.0, "weekly chance of proposing the next meeting when fully willing", 0.02,
                                unit="weekly_chance"),
    }

    def willingness(self, v: PartyView) -> float:
        p = v.params
        return clip01(p["flexibility"] + p["pressure_sensitivity"] * v.pressure)

    def accept(self, v: PartyView, stakes: float, u: float) -> Decision:
        w = self.willingness(v)
        prob = logistic(v.sharpness * (w - v.params["resolve"] * stakes))
        return Decision(u < prob, prob, "" if u < prob else f"reluctant (willingness {w:.2f})")

    def concede(self, v: PartyView, cost: float, u: float) -> Decision:
        w = self.willingness(v)
        prob = v.params["concession_rate"] * logistic(v.sharpness * (w - v.params["resolve"] * cost))
        return Decision(u < prob, prob)

    def waive(self, v: PartyView, threshold: float, u: float) -> Decision:
        prob = logistic(v.sharpness * (v.params["pressure_sensitivity"] * v.pressure - threshold))
        return Decision(u < prob, prob)

    def propose(self, v: PartyView, stakes: float, u: float) -> Decision:
        prob = v.params["initiative"] * self.willingness(v)
        return Decision(u < prob, prob)
