"""Array forms of the built-in rules: the same formulas as ``simulator/rules``, for many runs at once.

Each array form repeats its scalar rule's floating-point operations in the
same order (and numpy's exp and power, which the scalar forms use too), so a
decision taken for run r here equals the scalar rule's decision for run r.
``V`` is the (runs x parameters) value matrix, ``P`` one party's pressure
column, ``t`` the weeks elapsed (a number) and ``size`` the stakes, cost or
threshold at hand (an array over runs).
"""

from __future__ import annotations

import numpy as np

try:  # the ufunc np.clip calls, without its Python wrapper (a third of the cost on the small arrays here)
    _clip = np._core.umath.clip
except AttributeError:  # pragma: no cover - another numpy layout
    _clip = np.clip


def logistic(x: np.ndarray) -> np.ndarray:
    """Array form of ``rules.base.logistic``, bit for bit.

    The scalar form computes exp(-x) for x >= 0 and exp(x) below: both are
    exp(-|x|), so one numpy exp serves both branches with the same bits.
    """
    e = np.exp(-np.abs(x))
    d = 1.0 + e
    return np.where(x >= 0, 1.0, e) / d  # one division: 1.0 / d and e / d, chosen first (same bits)


class PartyArray:
    """Base: column indices of the actor's parameters; subclasses give the four probabilities."""

    def __init__(self, index: dict[str, int], actor: str, names: tuple[str, ...]):
        self.col = {n: index[f"{actor}.{n}"] for n in names}

    def p(self, V, name):
        return V[:, self.col[name]]


class ThresholdArray(PartyArray):
    names = ("flexibility", "resolve", "pressure_sensitivity", "concession_rate", "initiative")

    def willingness(self, V, P, t):
        return _clip(self.p(V, "flexibility") + self.p(V, "pressure_sensitivity") * P, 0.0, 1.0)

    def accept(self, V, P, t, k, size):
        return logistic(k * (self.willingness(V, P, t) - self.p(V, "resolve") * size))

    def concede(self, V, P, t, k, size):
        return self.p(V, "concession_rate") * logistic(k * (self.willingness(V, P, t) - self.p(V, "resolve") * size))

    def waive(self, V, P, t, k, size):
        return logistic(k * (self.p(V, "pressure_sensitivity") * P - size))

    def propose(self, V, P, t, k, size):
        return self.p(V, "initiative") * self.willingness(V, P, t)


class TimeDependentArray(ThresholdArray):
    names = ("flexibility", "beta", "horizon_weeks", "resolve", "pressure_sensitivity", "concession_rate",
             "initiative")

    def willingness(self, V, P, t):
        flex = self.p(V, "flexibility")
        progress = np.minimum(max(t, 0.0) / self.p(V, "horizon_weeks"), 1.0)
        curve = flex + (1.0 - flex) * np.power(progress, 1.0 / self.p(V, "beta"))
        return _clip(curve + self.p(V, "pressure_sensitivity") * P, 0.0, 1.0)

    def waive(self, V, P, t, k, size):
        return logistic(k * (self.willingness(V, P, t) - size))


class ExpectedUtilityArray(PartyArray):
    names = ("flexibility", "salience", "capability", "concession_rate", "initiative")

    def advantage(self, V, P, size):
        pressure = np.maximum(P, 0.0)
        q = pressure / (pressure + self.p(V, "capability"))
        gain = self.p(V, "flexibility") - self.p(V, "salience") * size
        return (1.0 - q) * gain + q

    def accept(self, V, P, t, k, size):
        return logistic(k * self.advantage(V, P, size))

    def concede(self, V, P, t, k, size):
        return self.p(V, "concession_rate") * logistic(k * self.advantage(V, P, size))

    def waive(self, V, P, t, k, size):
        return logistic(k * self.advantage(V, P, size))

    def propose(self, V, P, t, k, size):
        return self.p(V, "initiative") * logistic(k * self.advantage(V, P, size))


class HazardArray(PartyArray):
    """Array form of ``rules.hazard.ProportionalHazard`` (same operations, same order)."""

    names = ("hazard", "acceptance", "pressure_odds", "stakes_odds", "election_odds", "election_weeks")
    sees_election = True

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
            return np.where(x == x, logistic(x), 0.0)

    def accept(self, V, P, t, k, size, wte=None):
        return self.prob(self.log_odds(V, P, self.p(V, "acceptance"), size, wte))

    def concede(self, V, P, t, k, size, wte=None):
        return self.prob(self.log_odds(V, P, self.p(V, "hazard"), size, wte))

    propose = concede

    def waive(self, V, P, t, k, size, wte=None):
        return self.prob(np.log(self.p(V, "pressure_odds")) * (P - size))


PARTY_ARRAYS = {"threshold": ThresholdArray, "time_dependent": TimeDependentArray,
                "expected_utility": ExpectedUtilityArray, "hazard": HazardArray}


def party_array(rule: str, index: dict[str, int], actor: str) -> PartyArray:
    cls = PARTY_ARRAYS[rule]
    return cls(index, actor, cls.names)


# ------------------------------------------------------------------ mediators
# target(C, u): C is (runs x pushes) of candidate levels (-1 = none), duplicates already removed; u is the slot's
# uniforms unread (``u[:]`` reads them: a rule that needs no chance draws nothing)
# urgency(V, weeks_to_deadline) -> array; pressure(lev, urgency) -> per-attendee arrays


class DeadlinePressureArray:
    def __init__(self, index, actor):
        self.col = {f: index[f"{actor}.urgency.{f}"] for f in ("base", "peak", "ramp_weeks", "after_deadline")}

    def target(self, C, u):
        first = C[:, -1].copy()  # the first push with a candidate (-1 where none has)
        for j in range(C.shape[1] - 2, -1, -1):
            first = np.where(C[:, j] >= 0, C[:, j], first)
        return first

    def urgency(self, V, wtd):
        if wtd < 0:
            return V[:, self.col["after_deadline"]]
        base, peak = V[:, self.col["base"]], V[:, self.col["peak"]]
        ramp = np.minimum(np.maximum(1.0 - wtd / V[:, self.col["ramp_weeks"]], 0.0), 1.0)
        return base + (peak - base) * ramp

    def pressure(self, leverages, urgency):
        """leverages: one array per attendee (None = no leverage, i.e. 0.0)."""
        return [None if lev is None else lev * urgency for lev in leverages]


class EvenHandedArray(DeadlinePressureArray):
    def __init__(self, index, actor):
        self.col = {f: index[f"{actor}.urgency.{f}"] for f in ("base", "after_deadline")}

    def target(self, C, u):
        valid = C >= 0
        n = valid.sum(axis=1)
        pick = np.minimum((u[:] * n).astype(int), np.maximum(n - 1, 0))  # int() of a non-negative float floors
        rank = np.cumsum(valid, axis=1) - 1
        chosen = valid & (rank == pick[:, None])
        out = np.full(C.shape[0], -1)
        for j in range(C.shape[1]):
            out = np.where(chosen[:, j], C[:, j], out)
        return np.where(n > 0, out, -1)

    def urgency(self, V, wtd):
        return V[:, self.col["base"]] if wtd >= 0 else V[:, self.col["after_deadline"]]

    def pressure(self, leverages, urgency):
        zero = np.zeros_like(urgency)
        least = zero if any(lev is None for lev in leverages) else np.minimum.reduce(leverages)
        even = least * urgency
        return [even for _ in leverages]


MEDIATOR_ARRAYS = {"deadline_pressure": DeadlinePressureArray, "even_handed": EvenHandedArray}
