"""Deadline-driven mediator rule."""

from __future__ import annotations

import numpy as np

from .base import MediatorRule, MediatorView, ParamSpec, RuleArray


class DeadlinePressureArray(RuleArray):
    """Array form of ``DeadlinePressure`` (the same operations, in the same order)."""

    def target(self, C, u):
        first = C[:, -1].copy()  # the first push with a candidate (-1 where none has)
        for j in range(C.shape[1] - 2, -1, -1):
            first = np.where(C[:, j] >= 0, C[:, j], first)
        return first

    def urgency(self, V, wtd):
        if wtd < 0:
            return V[:, self.col["urgency.after_deadline"]]
        base, peak = V[:, self.col["urgency.base"]], V[:, self.col["urgency.peak"]]
        ramp = np.minimum(np.maximum(1.0 - wtd / V[:, self.col["urgency.ramp_weeks"]], 0.0), 1.0)
        return base + (peak - base) * ramp

    def pressure(self, leverages, urgency):
        """leverages: one array per attendee (None = no leverage, i.e. 0.0)."""
        return [None if lev is None else lev * urgency for lev in leverages]


class DeadlinePressure(MediatorRule):
    """Pushes the next open rung toward its goal, with urgency that ramps up before a deadline.

    Models a mediator with a stake in timing: Moscow judged the Syrian-Turkish
    foreign-ministers meeting "delayed" and holding it "ahead of the upcoming
    Turkish presidential elections is necessary" (Al-Watan, Feb 2023).
    Leverage-based ("manipulative") mediation follows Beardsley (2011), *The
    Mediation Dilemma*; a biased mediator can still be effective (Kydd 2003).

    Target: the first candidate in the mediator's priority order (the model
    passes only rungs whose prerequisites are met). Urgency, with d the weeks
    left to the deadline and R = ramp_weeks:

        urgency = base + (peak - base) * clip(1 - d / R, 0, 1)   before the deadline
        urgency = after_deadline                                  after it

    The pressure on each attendee is leverage(mediator -> attendee) * urgency.
    Deterministic; ignores its draw.
    """

    name = "deadline_pressure"
    array = DeadlinePressureArray
    needs_deadline = True
    params = {
        "urgency.base": ParamSpec(0.0, 1.0, "urgency far from the deadline", 0.3),
        "urgency.peak": ParamSpec(0.0, 1.0, "urgency at the deadline", 0.8),
        "urgency.ramp_weeks": ParamSpec(1.0, 520.0, "weeks over which urgency ramps up", 12.0, test_range=(1.0, 30.0)),
        "urgency.after_deadline": ParamSpec(0.0, 1.0, "urgency once the deadline has passed", 0.2),
    }

    def target(self, v: MediatorView, u: float) -> str | None:
        return v.candidates[0] if v.candidates else None

    def urgency(self, v: MediatorView) -> float:
        p = v.params
        if v.weeks_to_deadline < 0:
            return p["urgency.after_deadline"]
        ramp = min(max(1.0 - v.weeks_to_deadline / p["urgency.ramp_weeks"], 0.0), 1.0)
        return p["urgency.base"] + (p["urgency.peak"] - p["urgency.base"]) * ramp
