"""Time-dependent concession party rule (Boulware / linear / Conceder)."""

from __future__ import annotations

import numpy as np

from .base import Decision, ParamSpec, PartyRule, PartyView, clip01, clip_array, decide, logistic, logistic_array
from .threshold import ReservationThreshold, ThresholdArray


class TimeDependentArray(ThresholdArray):
    """Array form of ``TimeDependentConcession``: the reservation threshold's formulas on its own willingness."""

    def willingness(self, V, P, t):
        flex = self.p(V, "flexibility")
        progress = np.minimum(max(t, 0.0) / self.p(V, "horizon_weeks"), 1.0)
        curve = flex + (1.0 - flex) * np.power(progress, 1.0 / self.p(V, "beta"))
        return clip_array(curve + self.p(V, "pressure_sensitivity") * P, 0.0, 1.0)

    def waive(self, V, P, t, k, size):
        return logistic_array(k * (self.willingness(V, P, t) - size))


class TimeDependentConcession(PartyRule):
    """Concedes along a time curve: Boulware holds firm until late, Conceder gives ground early.

    The time-dependent tactics of Faratin, Sierra & Jennings (1998),
    "Negotiation decision functions for autonomous agents" (Robotics and
    Autonomous Systems 24): a negotiator's acceptance level moves from its
    opening stance toward its reservation value as its deadline approaches,
    with the curve's shape set by an exponent. Here the "deadline" is the
    party's own horizon T (weeks from the calendar start), e.g. Ankara's
    electoral clock. Outside pressure shifts the curve up, as a
    resource-dependent tactic would. With t the weeks elapsed, k =
    dynamics.sharpness and P the pressure stock:

    - time curve  a(t) = flexibility + (1 - flexibility) * min(t / T, 1) ** (1 / beta)
      (beta < 1: Boulware, concede late; beta = 1: linear; beta > 1: Conceder, concede early)
    - willingness w = clip(a(t) + pressure_sensitivity * P, 0, 1)
    - accept      p = logistic(k * (w - resolve * stakes))
    - concede     p = concession_rate * logistic(k * (w - resolve * cost))
    - waive       p = logistic(k * (w - threshold))
    - propose     p = initiative * w

    Yes when the run's draw u < p. Deterministic given the draws; monotone in
    pressure (and in time).
    """

    name = "time_dependent"
    array = TimeDependentArray
    params = {
        "flexibility": ParamSpec(0.0, 1.0, "opening willingness, at the calendar start (Faratin's kappa)", 0.2),
        "beta": ParamSpec(0.05, 20.0, "shape of the time curve: < 1 Boulware, 1 linear, > 1 Conceder", 1.0,
                          test_range=(0.2, 5.0)),
        "horizon_weeks": ParamSpec(1.0, 520.0, "weeks from the start until fully willing (the party's deadline)",
                                   52.0, test_range=(1.0, 60.0)),
        # the rest read as in the reservation-threshold rule
        **{n: ReservationThreshold.params[n]
           for n in ("resolve", "pressure_sensitivity", "concession_rate", "initiative")},
    }

    def willingness(self, v: PartyView) -> float:
        p = v.params
        progress = min(max(v.weeks_elapsed, 0.0) / p["horizon_weeks"], 1.0)
        # numpy's power, not Python's **: the batch engine's array form must match it bit for bit
        curve = p["flexibility"] + (1.0 - p["flexibility"]) * float(np.power(progress, 1.0 / p["beta"]))
        return clip01(curve + p["pressure_sensitivity"] * v.pressure)

    def accept(self, v: PartyView, stakes: float, u: float) -> Decision:
        w = self.willingness(v)
        return decide(u, logistic(v.sharpness * (w - v.params["resolve"] * stakes)),
                      f"not yet willing (willingness {w:.2f} at week {v.weeks_elapsed:.0f})")

    def concede(self, v: PartyView, cost: float, u: float) -> Decision:
        w = self.willingness(v)
        return decide(u, v.params["concession_rate"] * logistic(v.sharpness * (w - v.params["resolve"] * cost)))

    def waive(self, v: PartyView, threshold: float, u: float) -> Decision:
        return decide(u, logistic(v.sharpness * (self.willingness(v) - threshold)))

    def propose(self, v: PartyView, stakes: float, u: float) -> Decision:
        return decide(u, v.params["initiative"] * self.willingness(v))
