"""One-shot outcomes (issue 22 item 8): a step whose result is a success or a failure, with a chance.

```yaml
milestones:
  - id: drill
    kind: unilateral
    actor: company
    name: Exploration well drilled
    stakes: {value: 0.3, assumption: ...}
    outcome:
      success: {value: 0.6, evidence: ...}   # the chance the well finds gas (any form of a number)
      success_label: gas is found
      failure_label: the well is dry
```

When the milestone happens (each time, if it repeats), its result is drawn once from its own draw slot
``outcome:<id>``: a success with chance ``<id>.outcome.success`` (a parameter in [0, 1], listed by ``params``,
settable with ``--set``, screened), else a failure. The two results are events ``<id>.success`` and
``<id>.failure``, dated on the day the milestone happened: a gate or any condition says ``event: drill.success``,
a question ``date_of: drill.failure``; each is a record column ``fired.<id>.success`` (its first day). No other
draw moves: a scenario without outcomes keeps its records.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import Param, Strict
from .dates import NEVER

RESULTS = ("success", "failure")


class Outcome(Strict):
    """A one-shot result of its milestone: a success with chance ``success``, else a failure."""

    success: Param = Field(description="the chance that it succeeds when it happens (in [0, 1])")
    success_label: str | None = Field(default=None, description="words for a success ('gas is found')")
    failure_label: str | None = Field(default=None, description="words for a failure ('the well is dry')")

    @staticmethod
    def event_ids(milestone: str) -> tuple[str, str]:
        """The events its two results are: ``<milestone>.success``, ``<milestone>.failure``."""
        return tuple(f"{milestone}.{r}" for r in RESULTS)

    @staticmethod
    def slot(milestone: str) -> str:
        return f"outcome:{milestone}"

    def parameters(self, milestone: str, path: tuple):
        yield f"{milestone}.outcome.success", self.success, (*path, "outcome", "success")

    def ranges(self, milestone: str) -> dict:
        return {f"{milestone}.outcome.success": (0, 1)}

    def check(self, ctx, path: tuple, m) -> None:
        if "." in m.id:
            ctx.error((*path, "outcome"), f"'{m.id}' is a stage of a ladder: give the outcome to a milestone of "
                      "its own")

    def names(self, milestone: str, name: str) -> dict[str, str]:
        """Words for people for its two result events."""
        ok, ko = self.event_ids(milestone)
        return {ok: f"{name}: {self.success_label or 'success'}", ko: f"{name}: {self.failure_label or 'failure'}"}

    def words(self, w, milestone: str) -> str:
        """A phrase for people: its chance of success."""
        p = self.success
        chance = f"{p.value:.0%}" if p.value is not None else "an uncertain chance"
        return f"one-shot: {self.success_label or 'success'} with chance {chance}, else " \
               f"{self.failure_label or 'failure'}"

    def sentences(self, c, owner, describe) -> list[str]:
        """'Test well has a one-shot result: gas is found with a chance of 30%, otherwise the well is dry.'"""
        return [f"{c.words.name(owner.id)} has a one-shot result: {self.success_label or 'success'} with a chance of "
                f"{c.words.chance(self.success, describe)}, otherwise {self.failure_label or 'failure'}."]

    @classmethod
    def example(cls, draw) -> dict:
        """An outcome for generated scenarios (``testing.scenarios``)."""
        from hypothesis import strategies as st

        return {"success": {"value": draw(st.sampled_from([0.0, 0.3, 0.6, 1.0])), "assumption": "generated"}}

    def resolve(self, kr, st, k: int, j: int, rows: np.ndarray, day: np.ndarray, U) -> None:
        """The runs ``rows`` in which milestone j happened this step, on ``day`` (per row): draw each one's result
        and date its result event (the first time only: an event's day is its first)."""
        c, m = kr.c, kr.c.milestones[j]
        u = U[rows, c.slot[self.slot(m.id)]]
        ok = u < st.V[rows, kr.ix[f"{m.id}.outcome.success"]]
        for result, hit in zip(self.event_ids(m.id), (ok, ~ok)):
            f = c.fi[result]
            r = rows[hit]
            st.fired_day[r, f] = np.minimum(st.fired_day[r, f], day[hit])
            if kr.d.keeps_logs and len(r):
                mask = np.zeros(st.n, bool)
                mask[r] = True
                every = np.full(st.n, NEVER, np.int64)
                every[r] = day[hit]
                kr.log("outcome", mask, milestone=m.id, detail=result, day=every)
