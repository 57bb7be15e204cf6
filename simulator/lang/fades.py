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


class Fade(BaseModel):
    """``fades: {half_life_days: 30}`` on a parameter change (``lang.base.ParamChange``, which imports it)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, allow_inf_nan=False)

    half_life_days: float = Field(gt=0, le=36600, description="days after which half of the change is left")

    def left(self, days):
        """The share of the change left ``days`` after it applied."""
        return np.exp2(-np.asarray(days, float) / self.half_life_days)

    def words(self) -> str:
        return f"fading by half every {self.half_life_days:g} days"
