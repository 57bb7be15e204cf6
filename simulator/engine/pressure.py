"""Where a mediator's pressure acts: on the steps it is about, not on every decision of the actor it presses.

A mediator pushes toward its goals (``mediation[].pushes``); each week it presses the actors of the next step
on the way to one of them. That pressure is about the steps on the way to the goals that step serves: the goal
and every prerequisite the kernel's paths pass through to reach it (``Kernel.paths``). So pressing for talks
makes a party likelier to prepare for and hold the talks, not to reopen a border that lies on no path of that
mediator. A mediator who also pushes for the border presses on it when it pushes toward it.

The stock is kept per (actor, step) over the steps any mediator's pushes can reach, in ``RunState.PS`` (runs x
actors * steps, made on a run state's first step): it decays each step as the actor-wide stock did, and a push
adds its amount to the stock of every step it is about. A decision reads the stock of the step decided in
``RunState.P`` (``feel``), which is what every rule reads as the actor's pressure: the rules, built-in or
plug-in, are unchanged. Where a mediator's paths cover every step an actor decides, each of those stocks
receives the same additions in the same order as the actor-wide stock did, so its numbers are the same bits.

``dynamics.pressure_scope: actor`` keeps the former meaning (one stock per actor, felt on every decision it
takes), bit for bit: ``about`` then names its one stock for every push. It is the default of a scenario of
schema version 2 (written before this meaning changed: ``schema.EDITION_DEFAULTS``); 'steps' is the default
from version 3.
"""

from __future__ import annotations

import numpy as np

from . import masked


class PressureScope:
    def __init__(self, kernel):
        c = kernel.c
        self.n_actors = len(c.actors)
        self.about: list[dict[int, tuple[int, ...]]] = []  # per mediator: pushed step -> the steps the push is about
        if c.scenario.pressure_scope == "actor":  # version 2's meaning: one stock per actor
            self.col = {j: 0 for j in range(len(c.milestones))} if c.mediations else {}
            self.width = 1 if c.mediations else 0
            self.about = [{j: (0,) for j in kernel.reachable(med)} for med in c.mediations]
            return
        reach = sorted({j for med in c.mediations for j in kernel.reachable(med)})
        self.col = {j: r for r, j in enumerate(reach)}  # milestone -> its stock's position among an actor's
        self.width = len(reach)
        for med in c.mediations:
            ways = [{node for node, _ in kernel.paths(c.mi[goal])} for goal, _ in med.pushes]
            self.about.append({j: tuple(self.col[s] for s in sorted(set().union(*(w for w in ways if j in w))))
                               for j in kernel.reachable(med)})

    def stock(self, st) -> np.ndarray:
        """The run state's stock (runs x actors * steps), made zero on first use."""
        ps = getattr(st, "PS", None)
        if ps is None:
            ps = st.PS = np.zeros((st.n, self.n_actors * self.width), order="F")
        return ps

    def decay(self, st, factor: np.ndarray) -> None:
        if self.width:
            self.stock(st)[:] *= factor[:, None]

    def add(self, st, med: int, j: int, actor: int, amount, mask) -> None:
        """A push by mediator ``med`` on step j adds ``amount`` to ``actor``'s stock of every step it is about
        (``about[med][j]``: those stocks' positions among the actor's)."""
        ps = self.stock(st)
        cols = [ps[:, actor * self.width + r] for r in self.about[med][j]]
        if len(cols) == 1 or np.count_nonzero(mask) < len(mask) * masked.SPARSE:
            for col in cols:
                masked.add(col, amount, mask)
        else:  # the same bits as masked.add on each (col += where(mask, amount, 0)), the increment made once
            inc = np.where(mask, amount, 0.0)
            for col in cols:
                col += inc

    def feel(self, st, actor: int, j: int) -> None:
        """Set ``st.P[:, actor]`` to the pressure on ``actor`` about step j (0 where no mediator's push is about
        it), for the decision on j that follows."""
        r = self.col.get(j)
        if r is None:
            st.P[:, actor] = 0.0
        else:
            st.P[:, actor] = self.stock(st)[:, actor * self.width + r]

    def positions(self, steps) -> tuple[int, ...]:
        """The positions of the stocks kept for ``steps`` (milestone indices) among an actor's; steps no push is
        about have none."""
        return tuple(sorted({self.col[j] for j in steps if j in self.col}))

    def over(self, st, actor: int, positions: tuple[int, ...]) -> np.ndarray:
        """The largest pressure on ``actor`` about the steps at ``positions`` (per run; 0 where none)."""
        if not positions:
            return np.zeros(st.n)
        ps = self.stock(st)
        if len(positions) == 1:
            return ps[:, actor * self.width + positions[0]]
        return ps[:, [actor * self.width + r for r in positions]].max(axis=1)

    def largest(self, st, actor: int) -> np.ndarray:
        """The largest pressure on ``actor`` about any step (per run), for traces that show one number per actor."""
        if not self.width:
            return np.zeros(st.n)
        ps = self.stock(st)
        return ps[:, actor * self.width:(actor + 1) * self.width].max(axis=1)
