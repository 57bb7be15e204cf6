"""Even-handed mediator rule."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .base import MediatorRule, MediatorView, ParamSpec, RuleArray


class EvenHandedArray(RuleArray):
    """Array form of ``EvenHanded`` (the same operations, in the same order)."""

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
        return V[:, self.col["urgency.base"]] if wtd >= 0 else V[:, self.col["urgency.after_deadline"]]

    def pressure(self, leverages, urgency):
        zero = np.zeros_like(urgency)
        least = zero if any(lev is None for lev in leverages) else np.minimum.reduce(leverages)
        even = least * urgency
        return [even for _ in leverages]


class EvenHanded(MediatorRule):
    """Presses every attendee equally, no harder than its weakest leverage, with no deadline ramp.

    Models an unbiased mediator in the sense of Kydd (2003), "Which side are
    you on? Bias, credibility, and mediation" (AJPS 47(4)): it favours no
    side, so it presses each attendee of the meeting it pushes with the same
    force, limited by the leverage it has over the side it can move least
    (Beardsley 2011, *The Mediation Dilemma*, on leverage as the mediator's
    currency). It has no stake in timing: its urgency is flat until the
    deadline. Kydd's point is that such a mediator may be less credible than a
    biased one; comparing this rule with ``deadline_pressure`` on the same
    scenario is one way to ask how much Moscow's bias matters.

    - target   = candidates[floor(u * n)] of the n candidates (it rotates among them by draw)
    - urgency  = urgency.base before the deadline, urgency.after_deadline after it
    - pressure = min over the target's attendees b of leverage(b), times urgency, on each attendee

    Deterministic given the draws.
    """

    name = "even_handed"
    array = EvenHandedArray
    params = {
        "urgency.base": ParamSpec(0.0, 1.0, "urgency before the deadline", 0.3),
        "urgency.after_deadline": ParamSpec(0.0, 1.0, "urgency once the deadline has passed", 0.2),
    }

    def target(self, v: MediatorView, u: float) -> str | None:
        if not v.candidates:
            return None
        return v.candidates[min(int(u * len(v.candidates)), len(v.candidates) - 1)]

    def urgency(self, v: MediatorView) -> float:
        return v.params["urgency.base"] if v.weeks_to_deadline >= 0 else v.params["urgency.after_deadline"]

    def pressure(self, v: MediatorView, target: str, urgency: float) -> Mapping[str, float]:
        attendees = v.attendees[target]
        even = min(v.leverage.get(who, 0.0) for who in attendees) * urgency
        return {who: even for who in attendees}
