"""Deadline-driven mediator rule."""

from __future__ import annotations

from .base import MediatorRule, MediatorView, ParamSpec


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
    needs_deadline = True
    params = {
        "urgency.base": ParamSpec(0.0, 1.0, "urgency far from the deadline", 0.3),
        "urgency.peak": ParamSpec(0.0, 1.0, "urgency at the deadline", 0.8),
        "urgency.ramp_weeks": ParamSpec(1.0, 520.0, "weeks over which urgency ramps up", 12.0),
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
