"""Expected-utility party rule in the spirit of Bueno de Mesquita's challenge logic."""

from __future__ import annotations

import numpy as np

from .base import Decision, ParamSpec, PartyRule, PartyView, RuleArray, decide, logistic, logistic_array


class ExpectedUtilityArray(RuleArray):
    """Array form of ``ExpectedUtility`` (the same operations, in the same order)."""

    def advantage(self, V, P, size):
        pressure = np.maximum(P, 0.0)
        q = pressure / (pressure + self.p(V, "capability"))
        gain = self.p(V, "flexibility") - self.p(V, "salience") * size
        return (1.0 - q) * gain + q

    def accept(self, V, P, t, k, size):
        return logistic_array(k * self.advantage(V, P, size))

    def concede(self, V, P, t, k, size):
        return self.p(V, "concession_rate") * logistic_array(k * self.advantage(V, P, size))

    def waive(self, V, P, t, k, size):
        return logistic_array(k * self.advantage(V, P, size))

    def propose(self, V, P, t, k, size):
        return self.p(V, "initiative") * logistic_array(k * self.advantage(V, P, size))


class ExpectedUtility(PartyRule):
    """Holds out while refusing is worth more in expectation than giving in, given its capability to resist.

    After Bueno de Mesquita's expected-utility model of collective decisions
    (1985; "The Predictioneer's Game", 2009), in the formal reading of Scholz,
    Calbert & Smith (2011), Journal of Theoretical Politics 23(4): an actor
    weighs challenging (refusing) against giving in, by salience and by the
    odds that the challenge fails, which depend on the capabilities behind
    each side. Here the pressure stock P stands for the capability of those
    pressing the party (its backers' push, as Moscow's on Damascus), and
    ``capability`` for the party's own power to resist. For a step of size x
    (a meeting's stakes, a concession's cost, a precondition's waiver
    threshold), with k = dynamics.sharpness:

    - odds that refusing fails  q = P / (P + capability)
    - value of the step         g(x) = flexibility - salience * x   (at most 1)
    - EU(accept) - EU(refuse)   d(x) = (1 - q) * g(x) + q
      (refusing yields 0 if it holds and, if it fails, the step anyway at a loss of 1: q * (g - 1))
    - accept  p = logistic(k * d(stakes));  concede p = concession_rate * logistic(k * d(cost))
    - waive   p = logistic(k * d(threshold));  propose p = initiative * logistic(k * d(stakes))

    Yes when the run's draw u < p. Since g <= 1, d rises with q, and q with
    P: monotone in pressure. Deterministic given the draws. Open
    replications of the original model do not fully reproduce its published
    figures; this is a reading of its logic, not a replication.
    """

    name = "expected_utility"
    array = ExpectedUtilityArray
    params = {
        "flexibility": ParamSpec(0.0, 1.0, "value it sees in a settlement, before its costs", 0.3),
        "salience": ParamSpec(0.0, 2.0, "how much the issue matters: weight of a step's stakes or cost", 1.0),
        "capability": ParamSpec(0.01, 5.0, "its power to resist outside pressure", 1.0, test_range=(0.1, 3.0)),
        "concession_rate": ParamSpec(0.0, 1.0, "weekly chance of conceding when conceding pays", 0.05,
                                     unit="weekly_chance"),
        "initiative": ParamSpec(0.0, 1.0, "weekly chance of proposing the next meeting when it pays", 0.02,
                                unit="weekly_chance"),
    }

    def failure_odds(self, v: PartyView) -> float:
        pressure = max(v.pressure, 0.0)
        return pressure / (pressure + v.params["capability"])

    def advantage(self, v: PartyView, size: float) -> float:
        gain = v.params["flexibility"] - v.params["salience"] * size
        q = self.failure_odds(v)
        return (1.0 - q) * gain + q

    def accept(self, v: PartyView, stakes: float, u: float) -> Decision:
        d = self.advantage(v, stakes)
        return decide(u, logistic(v.sharpness * d), f"refusing pays (advantage of accepting {d:.2f})")

    def concede(self, v: PartyView, cost: float, u: float) -> Decision:
        return decide(u, v.params["concession_rate"] * logistic(v.sharpness * self.advantage(v, cost)))

    def waive(self, v: PartyView, threshold: float, u: float) -> Decision:
        return decide(u, logistic(v.sharpness * self.advantage(v, threshold)))

    def propose(self, v: PartyView, stakes: float, u: float) -> Decision:
        return decide(u, v.params["initiative"] * logistic(v.sharpness * self.advantage(v, stakes)))
