"""Proportional-odds hazard party rule (discrete-time event-history model)."""

from __future__ import annotations

import numpy as np

from .base import Decision, ParamSpec, PartyRule, PartyView, RuleArray, logistic, logistic_array


def log_odds(h: float) -> float:
    """ln(h / (1 - h)) in numpy float64 (-inf at 0, +inf at 1), the same operations as the array form."""
    with np.errstate(divide="ignore"):
        return float(np.log(h) - np.log1p(-h))


def log_factor(m: float) -> float:
    with np.errstate(divide="ignore"):
        return float(np.log(m))


class HazardArray(RuleArray):
    """Array form of ``ProportionalHazard`` (the same operations, in the same order); ``wte`` is the weeks to the
    next election (None with no election ahead)."""

    sees_election = True  # the batch engine passes it the weeks to the next election

    def log_odds(self, V, P, h, size, wte):
        with np.errstate(divide="ignore", invalid="ignore"):
            x = (np.log(h) - np.log1p(-h)) + P * np.log(self.p(V, "pressure_odds"))
            x = x + size * np.log(self.p(V, "stakes_odds"))
            if wte is not None:
                x = x + np.where(wte <= self.p(V, "election_weeks"), np.log(self.p(V, "election_odds")), 0.0)
            else:
                x = x + 0.0
        return x

    @staticmethod
    def prob(x):
        with np.errstate(invalid="ignore"):
            return np.where(x == x, logistic_array(x), 0.0)

    def accept(self, V, P, t, k, size, wte=None):
        return self.prob(self.log_odds(V, P, self.p(V, "acceptance"), size, wte))

    def concede(self, V, P, t, k, size, wte=None):
        return self.prob(self.log_odds(V, P, self.p(V, "hazard"), size, wte))

    propose = concede

    def waive(self, V, P, t, k, size, wte=None):
        return self.prob(np.log(self.p(V, "pressure_odds")) * (P - size))


class ProportionalHazard(PartyRule):
    """Acts with a weekly chance: a baseline hazard whose odds are multiplied by pressure, stakes and elections.

    Models the time until a party takes a step as an event-history (survival) process in discrete
    time: each week in which nothing blocks it, the party acts with a weekly chance (the hazard),
    and covariates multiply the odds of acting, as in the discrete-time logit hazard models of
    Box-Steffensmeier & Jones (2004, *Event History Modeling*, Cambridge UP) and Beck, Katz &
    Tucker (1998, "Taking time seriously", AJPS 42(4)). Durations of negotiations, ceasefires and
    mediation efforts are studied this way (Fortna 2004, *Peace Time*, Princeton UP; Werner & Yuen
    2005, "Making and keeping peace", International Organization 59(2); Regan & Aydin 2006,
    "Diplomacy and other forms of intervention in civil wars", Journal of Conflict Resolution 50(5)).
    Mediator pressure raises the odds (leverage, Beardsley 2011); an election close at hand can
    lower them (the shrinking win-set of a two-level game, Putnam 1988).

    The parameters are in units an analyst can estimate: ``hazard`` is a weekly chance (state it as
    ``chance_within: {p, days}`` or ``median_delay_days``), ``acceptance`` a chance per offer (each
    time a step is on the table: a plain ``value``), the modifiers odds multipliers (``odds_multiplier``). With ``logit(h) = ln(h / (1 - h))``, P the pressure
    stock and ``size`` the step's stakes or cost:

    - x(h)     = logit(h) + P ln(pressure_odds) + size ln(stakes_odds)
                 + [weeks to election <= election_weeks] ln(election_odds)
    - propose  p = logistic(x(hazard))          concede  p = logistic(x(hazard))
    - accept   p = logistic(x(acceptance))
    - waive    p = logistic(ln(pressure_odds) (P - threshold))   (even odds when pressure equals the threshold)

    That is, odds(p) = odds(h) * pressure_odds**P * stakes_odds**size * election_odds**[election near]:
    a proportional-odds form, which keeps every probability within [0, 1] whatever the multipliers.
    ``dynamics.sharpness`` is not used. Each decision is "yes" when the run's draw u < p
    (deterministic given the draws); pressure_odds >= 1 makes it monotone in pressure.
    """

    name = "hazard"
    array = HazardArray
    params = {
        "hazard": ParamSpec(0.0, 1.0, "weekly chance of taking a step of its own (proposing, conceding) when "
                            "nothing blocks it", 0.05, unit="weekly_chance"),
        "acceptance": ParamSpec(0.0, 1.0, "chance of accepting a step each time it is on the table (a chance "
                                "per offer, not a weekly hazard)", 0.5, unit="chance_per_offer"),
        "pressure_odds": ParamSpec(1.0, 20.0, "odds multiplier per unit of mediator pressure", 2.0,
                                   unit="odds_multiplier"),
        "stakes_odds": ParamSpec(0.01, 1.0, "odds multiplier per unit of a step's stakes or cost", 1.0,
                                 unit="odds_multiplier"),
        "election_odds": ParamSpec(0.01, 20.0, "odds multiplier while an election is close", 1.0,
                                   unit="odds_multiplier"),
        "election_weeks": ParamSpec(0.0, 104.0, "how close (weeks before round 1) an election counts", 12.0),
    }
    scenario_numbers = ()  # dynamics.sharpness is not read

    def log_odds(self, v: PartyView, h: float, size: float) -> float:
        p = v.params
        x = log_odds(h) + v.pressure * log_factor(p["pressure_odds"])
        x = x + size * log_factor(p["stakes_odds"])
        near = v.weeks_to_election is not None and v.weeks_to_election <= p["election_weeks"]
        return x + (log_factor(p["election_odds"]) if near else 0.0)

    def _decide(self, x: float, u: float, reason: str = "") -> Decision:
        prob = logistic(x) if x == x else 0.0  # -inf + inf (a zero hazard under infinite odds) -> no
        return Decision(u < prob, prob, "" if u < prob else reason)

    def accept(self, v: PartyView, stakes: float, u: float) -> Decision:
        return self._decide(self.log_odds(v, v.params["acceptance"], stakes), u, "not yet (weekly hazard)")

    def concede(self, v: PartyView, cost: float, u: float) -> Decision:
        return self._decide(self.log_odds(v, v.params["hazard"], cost), u)

    def propose(self, v: PartyView, stakes: float, u: float) -> Decision:
        return self._decide(self.log_odds(v, v.params["hazard"], stakes), u)

    def waive(self, v: PartyView, threshold: float, u: float) -> Decision:
        return self._decide(log_factor(v.params["pressure_odds"]) * (v.pressure - threshold), u)
