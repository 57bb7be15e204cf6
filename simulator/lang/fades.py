"""Effects that fade: a change raised by an event wears off over a stated time (issue 22 item 2).

```yaml
calendar:
  shocks:
    - id: strike
      ...
      effects:
        - {param: b.pressure_sensitivity, op: add, value: -0.4, fades: {half_life_days: 30}, assumption: ...}
```

A change with ``fades`` applies as any change (``set`` or ``add``, clipped to the parameter's range), then the
part it added wears off toward the value before it by half every ``half_life_days`` days (counted from the first
day of the step it applied in, as a run's dates are), at every step length alike. Applied again while it fades,
what is left of it and the new change fade together from the new day. Other changes of the same parameter stay
as they are. Every kind of effect may fade: a milestone's ``effects``, a dated event's or shock's ``effects``, an
election's ``after_win``/``after_loss``, a triggered effect's ``changes``.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from .dates import NEVER


class Fade(BaseModel):
    """``fades: {half_life_days: 30}`` on a parameter change (``lang.base.ParamChange``, which imports it)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, allow_inf_nan=False)

    half_life_days: float = Field(gt=0, le=36600, description="days after which half of the change is left")

    def left(self, days):
        """The share of the change left ``days`` after it applied."""
        return np.exp2(-np.asarray(days, float) / self.half_life_days)

    def words(self) -> str:
        return f"fading by half every {self.half_life_days:g} days"


class Fading:
    """The fading changes of a compiled scenario and their part of each parameter, per run (``RunState.fade_*``,
    made on first use)."""

    def __init__(self, c):
        from ..scenario.semantics import _changes

        self.changes = [ch for _, ch in _changes(c.scenario) if getattr(ch, "fades", None) is not None]
        self.index = {id(ch): f for f, ch in enumerate(self.changes)}
        self.cols = [c.table.index[ch.param] for ch in self.changes]
        self.any = bool(self.changes)
        self.c = c

    def _state(self, st):
        if getattr(st, "fade_amount", None) is None:
            n, F = st.n, len(self.changes)
            st.fade_amount = np.zeros((n, F), order="F")  # the change's part when it (last) applied
            st.fade_since = np.full((n, F), NEVER, np.int64, order="F")  # the day it (last) applied
            st.fade_shown = np.zeros((n, F), order="F")  # its part in the parameter's value now
        return st

    def applied(self, st, mask, ch, before, after, day: int) -> None:
        """Change ``ch`` moved its parameter from ``before`` to ``after`` (arrays over the runs in ``mask``)."""
        f = self.index[id(ch)]
        self._state(st)
        st.fade_amount[mask, f] = st.fade_shown[mask, f] + (after - before)
        st.fade_shown[mask, f] = st.fade_amount[mask, f]
        st.fade_since[mask, f] = day

    def advance(self, st, k: int, limits: dict) -> None:
        """At the start of step k: each fading change's part shrinks to what is left of it on the step's first
        day (the parameter keeps its allowed range)."""
        if getattr(st, "fade_amount", None) is None:
            return
        day = int(self.c.days[k])
        for f, (ch, col) in enumerate(zip(self.changes, self.cols)):
            on = st.fade_since[:, f] < NEVER
            if not on.any():
                continue
            rows = on.nonzero()[0]
            now = st.fade_amount[rows, f] * ch.fades.left(day - st.fade_since[rows, f])
            lo, hi = limits.get(col, (-np.inf, np.inf))
            st.V[rows, col] = np.minimum(np.maximum(st.V[rows, col] + (now - st.fade_shown[rows, f]), lo), hi)
            st.fade_shown[rows, f] = now
