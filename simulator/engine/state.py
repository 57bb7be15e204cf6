"""The state of n runs at once, as arrays (the Mesa model holds the same arrays with n = 1).

Arrays are runs x things in column-major order, so one milestone (actor, parameter) over all runs is
contiguous: the step works column by column.

Days are ints since 1970-01-01; ``NEVER`` marks "has not happened", so a test
such as ``first_day <= day`` needs no separate mask.
"""

from __future__ import annotations

import numpy as np

from ..lang.dates import NEVER


class RunState:
    def __init__(self, c, V: np.ndarray, point, replication):
        n = V.shape[0]
        A, M, F, G = len(c.actors), len(c.milestones), len(c.fired_ids), len(c.elections)
        self.c, self.n, self.V = c, n, np.asfortranarray(V)  # column-major: one parameter over all runs is contiguous
        self.point = np.broadcast_to(np.asarray(point), (n,)).copy()
        self.replication = np.asarray(replication).reshape(n)
        self.P = np.zeros((n, A), order="F")  # pressure stock of each actor
        self.present = np.ones((n, A), bool, order="F")
        self.entered_day = np.full((n, A), NEVER, np.int64, order="F")
        self.left_day = np.full((n, A), NEVER, np.int64, order="F")
        self.first_day = np.full((n, M), NEVER, np.int64, order="F")
        self.last_day = np.full((n, M), NEVER, np.int64, order="F")
        self.count = np.zeros((n, M), np.int32, order="F")
        self.force_since = np.full((n, M), NEVER, np.int64, order="F")
        self.broken_day = np.full((n, M), NEVER, np.int64, order="F")
        self.due_day = np.full((n, M), NEVER, np.int64, order="F")
        self.possible_day = np.full((n, M), NEVER, np.int64, order="F")  # a clocked step first possible (Kernel)
        self.clock_since: dict[str, np.ndarray] = {}  # a calendar hazard's clock per run (Kernel.hazard)
        self.proposed = np.zeros((n, M), np.int32, order="F")
        self.postponed = np.zeros((n, M), np.int32, order="F")
        self.frozen_until = np.full((n, M), -1, np.int64, order="F")
        self.frozen_by = np.full((n, M), -1, np.int64, order="F")
        self.fired_day = np.full((n, F), NEVER, np.int64, order="F")
        self.winner = np.full((n, G), -1, np.int8, order="F")
        self.winner_day = np.full((n, G), NEVER, np.int64, order="F")
        self.rounds = np.zeros((n, G), np.int8, order="F")
        self.pending = np.zeros((n, G), bool, order="F")
        self.formed_day = np.full((n, G), NEVER, np.int64, order="F")  # a government formed (Election.formation_days)
        self.effect_done = np.zeros((n, len(c.effects)), bool, order="F")
        self.blocks = np.zeros((n, len(c.block_keys)), np.int32, order="F")
        self.answers = [q.start(self) for q in c.questions]
        # this step's table: what is proposed, by whom, for which day (NEVER: the step's first day)
        self.table = np.zeros((n, M), bool, order="F")
        self.table_by = np.full((n, M), -1, np.int64, order="F")
        self.table_day = np.full((n, M), NEVER, np.int64, order="F")
        self.table_until = np.full((n, M), NEVER, np.int64, order="F")  # offers last a week at steps under a week
        n_agree = sum(len(m.consenters()) for m in c.milestones if m.proposable)
        self.agreed = np.zeros((n, n_agree), bool, order="F")  # who said yes to the offer on the table (Kernel)
