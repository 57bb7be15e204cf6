"""Effects that wear off (``fades:`` on a parameter change, ``lang/fades.py``): each fading change's part of its
parameter, per run, on the run state (``RunState.fade_*``), for the kernel."""

from __future__ import annotations

import numpy as np

from ..lang.base import ParamChange, walk_models
from ..lang.dates import NEVER


class Fading:
    """The fading changes of a compiled scenario and their part of each parameter, per run (``RunState.fade_*``,
    made on first use)."""

    def __init__(self, c):

        self.changes = [ch for _, ch in walk_models(c.scenario, (), ParamChange) if getattr(ch, "fades", None) is not None]
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
