"""The state of n runs at once, as arrays (the Mesa model holds the same arrays with n = 1).

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
        self.c, self.n, self.V = c, n, V
        self.point = np.broadcast_to(np.asarray(point), (n,)).copy()
        self.replication = np.asarray(replication).reshape(n)
        self.P = np.zeros((n, A))  # pressure stock of each actor
        self.present = np.ones((n, A), bool)
        self.entered_day = np.full((n, A), NEVER, np.int64)
        self.left_day = np.full((n, A), NEVER, np.int64)
        self.first_day = np.full((n, M), NEVER, np.int64)
        self.last_day = np.full((n, M), NEVER, np.int64)
        self.count = np.zeros((n, M), np.int32)
        self.force_since = np.full((n, M), NEVER, np.int64)
        self.broken_day = np.full((n, M), NEVER, np.int64)
        self.due_day = np.full((n, M), NEVER, np.int64)
        self.proposed = np.zeros((n, M), np.int32)
        self.postponed = np.zeros((n, M), np.int32)
        self.frozen_until = np.full((n, M), -1, np.int64)
        self.frozen_by = np.full((n, M), -1, np.int64)
        self.fired_day = np.full((n, F), NEVER, np.int64)
        self.winner = np.full((n, G), -1, np.int8)
        self.winner_day = np.full((n, G), NEVER, np.int64)
        self.rounds = np.zeros((n, G), np.int8)
        self.pending = np.zeros((n, G), bool)
        self.effect_done = np.zeros((n, len(c.effects)), bool)
        self.blocks = np.zeros((n, len(c.block_keys)), np.int32)
        self.answers = [q.start(self) for q in c.questions]
        # this step's table: what is proposed, by whom, for which day (NEVER: the step's first day)
        self.table = np.zeros((n, M), bool)
        self.table_by = np.full((n, M), -1, np.int64)
        self.table_day = np.full((n, M), NEVER, np.int64)
