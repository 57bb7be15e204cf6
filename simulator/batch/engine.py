"""Vectorised batch engine: all replications of a point stepped together with numpy.

It reproduces ``DiplomacyModel`` run for run: each run consumes its own draws
in exactly the layout of ``draws.py``, and every decision is computed with
the same floating-point operations in the same order as the scalar rules
(including numpy's ``exp``), so the outcome row of run (seed, point,
replication) is identical in both engines. Only the built-in rules with an
array form (``batch/rules.py``: every built-in rule) can run here; plugins run on the Mesa
engine. The batch engine produces run rows, not event logs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..compiled import Compiled
from ..draws import RunDraws
from ..scenario.semantics import resolve_date
from .rules import MEDIATOR_ARRAYS, PARTY_ARRAYS, party_array

def supports(c: Compiled) -> bool:
    """True if every actor's rule has an array form here."""
    return (all(r in PARTY_ARRAYS for r in c.party_rule.values())
            and all(m.rule in MEDIATOR_ARRAYS for m in c.mediations))


class BatchEngine:
    def __init__(self, compiled: Compiled):
        if not supports(compiled):
            raise ValueError("the batch engine supports only the built-in rules "
                             f"{sorted(set(PARTY_ARRAYS) | set(MEDIATOR_ARRAYS))}")
        c = self.c = compiled
        sc = c.scenario
        ix = c.table.index
        self.ix = ix
        self.parties = list(c.parties)
        self.pi = {p: i for i, p in enumerate(self.parties)}
        self.levels = list(c.level_order)
        self.li = {lv: i for i, lv in enumerate(self.levels)}
        self.tracks = list(c.tracks)
        self.track_levels = [[self.li[lv] for lv in c.tracks[t]] for t in self.tracks]
        self.track_of = np.array([self.tracks.index(c.levels[lv].track) for lv in self.levels])
        self.attendees = [[self.pi[a] for a in c.levels[lv].attendees] for lv in self.levels]
        self.requires = [[self.li[r] for r in c.levels[lv].requires] for lv in self.levels]
        self.attends = np.zeros((len(self.parties), len(self.levels)), dtype=bool)
        for li, att in enumerate(self.attendees):
            self.attends[att, li] = True
        self.stakes = np.array([ix[f"{lv}.stakes"] for lv in self.levels])
        self.party_rule = [party_array(c.party_rule[p], ix, p) for p in self.parties]
        # ladders, in ladder order, grouped by owner in party order (as the agents act)
        self.ladders = []
        for p in self.parties:
            for li, (lad, (owner, stages)) in enumerate(c.ladders.items()):
                if owner == p:
                    costs = [-1] + [ix[f"{lad}.{s}.cost"] for s in stages[1:]]
                    self.ladders.append((li, self.pi[p], np.array(costs), c.slot[f"concede:{lad}"]))
        self.ladder_ids = list(c.ladders)
        self.block_index = {key: i for i, key in enumerate(c.block_keys)}
        self.max_stages = max([len(s) for _, s in c.ladders.values()], default=1)
        # events that preconditions can wait for
        self.fired_ids = [e.id for e in sc.calendar.scheduled] + [s.id for s in sc.calendar.shocks] + ["election"]
        self.fi = {e: i for i, e in enumerate(self.fired_ids)}
        self.pre_by_attendee = {}  # (level, party) -> [precondition info]
        for k, pre in enumerate(c.preconditions):
            self.pre_by_attendee.setdefault((self.li[pre.before], self.pi[pre.demander]), []).append(pre)
        # mediators act in actor order (the order Mesa created them)
        order = [a.id for a in sc.actors]
        self.mediations = sorted(c.mediations, key=lambda m: order.index(m.mediator))
        self.mediator_rule = {m.mediator: MEDIATOR_ARRAYS[m.rule](ix, m.mediator) for m in self.mediations}
        # every level a mediator can target: the rungs up to each goal on the goal's track
        self.push_targets = {m.mediator: sorted({self.li[lv] for goal, _ in m.pushes
                                                 for lv in c.tracks[c.levels[goal].track][:c.levels[goal].rung + 1]})
                             for m in self.mediations}
        self.scheduled = {k: [(self.fi[ev.id], self.effects(ev.effects),
                               self.tracks.index(ev.track) if ev.track else -1,
                               self.li[ev.level] if ev.level else -1) for ev in evs]
                          for k, evs in c.scheduled.items()}
        self.shock_ids = [s.id for s in sc.calendar.shocks]
        self.shocks = [(sh, start, end, self.fi[sh.id], [self.tracks.index(t) for t in sh.effect.freeze_tracks],
                        self.effects(sh.effect.params)) for sh, start, end in c.shocks]
        el = c.election
        if el is not None:
            self.el_steps = (c.step_of(el.round1), c.step_of(el.runoff) if el.runoff else None)
            self.el_effects = (self.effects(el.after_win), self.effects(el.after_loss))

    def effects(self, effects):
        return [(self.ix[e.param], e.op, e.value) for e in effects]

    # ------------------------------------------------------------------ draws
    def draws(self, root_seed: int, replications: Sequence[int], point: int = 0):
        c = self.c
        n_p, n_s, n_sl = len(c.table), c.n_steps, len(c.slots)
        PU = np.empty((len(replications), n_p))
        SU = np.empty((len(replications), n_s, n_sl))
        for i, rep in enumerate(replications):
            d = RunDraws.for_run(root_seed, int(rep), point, n_p, n_s, n_sl)
            PU[i], SU[i] = d.param_u, d.step_u
        return PU, SU

    # ------------------------------------------------------------------ run
    def run(self, root_seed: int, replications: Sequence[int], point: int = 0,
            overrides: Mapping[str, float] | None = None) -> dict[str, np.ndarray]:
        """Run the given replications of one point; returns raw state arrays (see ``rows``/``table``)."""
        c = self.c
        PU, SU = self.draws(root_seed, replications, point)
        V = c.table.values_from_uniforms(PU, overrides)
        R = len(replications)
        nL, nT, nP = len(self.levels), len(self.tracks), len(self.parties)
        S = {
            "V": V, "P": np.zeros((R, nP)), "held": np.full((R, nL), -1), "stage": np.zeros((R, len(self.ladder_ids)), int),
            "reached": np.full((R, len(self.ladder_ids), self.max_stages), -1),
            "fired": np.zeros((R, len(self.fired_ids)), bool), "frozen_until": np.full((R, nT), -1),
            "frozen_by": np.full((R, nT), -1), "blocks": np.zeros((R, len(c.block_keys)), int),
            "proposed": np.zeros((R, nL), int), "postponed": np.zeros((R, nL), int),
            "winner": np.full(R, -1), "rounds": np.zeros(R, int), "pending": np.zeros(R, bool),
            "replication": np.asarray(replications), "point": point,
        }
        for k in range(c.n_steps):
            self._step(S, SU[:, k, :], k)
        return S

    def _apply(self, V, mask, effects):
        for col, op, value in effects:
            if op == "set":
                V[mask, col] = value
            else:
                V[mask, col] = V[mask, col] + value

    def _next_rungs(self, held):
        """Per track: the lowest unheld rung if its prerequisites are met, else -1 (``model.next_rung``)."""
        out = []
        R = held.shape[0]
        for levels in self.track_levels:
            res = np.full(R, -1)
            found = np.zeros(R, bool)
            for lv in levels:
                new = (held[:, lv] < 0) & ~found
                ok = new.copy()
                for req in self.requires[lv]:
                    ok &= held[:, req] >= 0
                res[ok] = lv
                found |= new
            out.append(res)
        return out

    def _toward(self, nr, goal, held):
        """``model.next_rung_toward``: while the goal is unheld, the track's next rung is at or below it."""
        return np.where(held[:, goal] < 0, nr[self.track_of[goal]], -1)

    def _step(self, S, U, k):
        c, V, P, held = self.c, S["V"], S["P"], S["held"]
        R = V.shape[0]
        date = c.dates[k]
        slot = c.slot
        P *= V[:, self.ix["dynamics.pressure_decay"]][:, None]
        proposal = np.full((R, len(self.tracks)), -1)
        nr = self._next_rungs(held)
        everyone = np.ones(R, bool)
        # 1. calendar
        for fi, effects, t, goal in self.scheduled.get(k, ()):
            S["fired"][:, fi] = True
            self._apply(V, everyone, effects)
            if t >= 0:
                lv = self._toward(nr, goal, held) if goal >= 0 else nr[t]
                free = (lv >= 0) & (proposal[:, t] < 0)
                proposal[free, t] = lv[free]
        for sh, start, end, fi, freeze, effects in self.shocks:
            if not start <= k <= end:
                continue
            can = ~S["fired"][:, fi] if sh.once else everyone
            hit = can & (U[:, slot[f"shock:{sh.id}"]] < V[:, self.ix[f"{sh.id}.hazard"]])
            if not hit.any():
                continue
            S["fired"][hit, fi] = True
            for t in freeze:
                later = hit & (k + sh.effect.weeks >= S["frozen_until"][:, t])
                S["frozen_until"][later, t] = k + sh.effect.weeks
                S["frozen_by"][later, t] = self.shock_ids.index(sh.id)
            self._apply(V, hit, effects)
        # 2. mediators
        for med in self.mediations:
            m = med.mediator
            rule = self.mediator_rule[m]
            active = V[:, self.ix[f"{m}.active"]] >= 0.5
            cands = []  # the candidates in push order, each level once per run (as the Mesa agent lists them)
            for goal, after in med.pushes:
                lv = self._toward(nr, self.li[goal], held)
                if after is not None:
                    lv = np.where(held[:, self.li[after]] >= 0, lv, -1)
                for earlier in cands:
                    lv = np.where(lv == earlier, -1, lv)
                cands.append(lv)
            target = rule.target(np.column_stack(cands), U[:, slot[f"mediate:{m}"]])
            urgency = rule.urgency(V, (med.deadline - date).days / 7.0)
            for lv in self.push_targets[m]:
                mask = active & (target == lv)
                if not mask.any():
                    continue
                cols = [self.ix.get(f"{m}.leverage.{self.parties[j]}") for j in self.attendees[lv]]
                shares = rule.pressure([None if col is None else V[:, col] for col in cols], urgency)
                for j, share in zip(self.attendees[lv], shares):
                    if share is not None:  # adding +0.0 elsewhere leaves pressure (always >= +0) unchanged
                        P[:, j] += np.where(mask, share, 0.0)
                t = self.track_of[lv]
                free = mask & (proposal[:, t] < 0)
                proposal[free, t] = lv
        # 3. concessions (parties in order, their ladders in order)
        sharp = V[:, self.ix["dynamics.sharpness"]]
        weeks = (date - c.dates[0]).days / 7.0
        rows = np.arange(R)
        stage, reached = S["stage"], S["reached"]
        for li, i, costs, sl in self.ladders:
            n = len(costs)
            can = stage[:, li] + 1 < n
            if not can.any():
                continue
            nxt = np.where(can, stage[:, li] + 1, 0)
            cost = V[rows, costs[nxt]]
            prob = self.party_rule[i].concede(V, P[:, i], weeks, sharp, cost)
            yes = can & (U[:, sl] < prob)
            stage[yes, li] += 1
            reached[yes, li, stage[yes, li]] = k
        # 4. proposals by parties
        for i, p in enumerate(self.parties):
            for t, track in enumerate(self.tracks):
                lv = nr[t]
                ok = (lv >= 0) & (proposal[:, t] < 0)
                ok &= self.attends[i, np.where(lv >= 0, lv, 0)]
                if not ok.any():
                    continue
                size = V[rows, self.stakes[np.where(lv >= 0, lv, 0)]]
                prob = self.party_rule[i].propose(V, P[:, i], weeks, sharp, size)
                yes = ok & (U[:, slot[f"propose:{p}:{track}"]] < prob)
                proposal[yes, t] = lv[yes]
        # 5. meetings, track by track
        for t, track in enumerate(self.tracks):
            L = proposal[:, t]
            has = L >= 0
            if not has.any():
                continue
            rows = np.nonzero(has)[0]
            S["proposed"][rows, L[rows]] += 1
            frozen = has & (S["frozen_until"][:, t] >= k)
            S["postponed"][frozen, np.where(frozen, L, 0)[frozen]] += 1
            if frozen.any():
                for si, shock_id in enumerate(self.shock_ids):
                    by = frozen & (S["frozen_by"][:, t] == si)
                    for lv in self.track_levels[t]:
                        hit = by & (L == lv)
                        if hit.any():
                            S["blocks"][hit, self.block_index[(self.levels[lv], "-", f"shock:{shock_id}")]] += 1
            live = has & ~frozen
            for lv in self.track_levels[t]:
                m = live & (L == lv)
                if not m.any():
                    continue
                blocked = np.zeros(R, bool)
                for j in self.attendees[lv]:
                    jb = np.zeros(R, bool)
                    p = self.parties[j]
                    rule = self.party_rule[j]
                    for pre in self.pre_by_attendee.get((lv, j), ()):
                        if pre.meeting is not None:
                            met = held[:, self.li[pre.meeting]] >= 0
                        elif pre.ladder is not None:
                            met = stage[:, self.ladder_ids.index(pre.ladder)] >= pre.stage
                        else:
                            met = S["fired"][:, self.fi[pre.event]]
                        unmet = m & (V[:, self.ix[f"{pre.id}.enabled"]] >= 0.5) & ~met
                        if pre.kind == "soft":
                            prob = rule.waive(V, P[:, j], weeks, sharp, V[:, self.ix[f"{pre.id}.waiver_threshold"]])
                            unmet &= ~(U[:, slot[f"waive:{pre.id}"]] < prob)
                        S["blocks"][unmet, self.block_index[(self.levels[lv], p, f"precondition:{pre.id}")]] += 1
                        jb |= unmet
                    ask = m & ~jb
                    prob = rule.accept(V, P[:, j], weeks, sharp, V[:, self.stakes[lv]])
                    declined = ask & ~(U[:, slot[f"accept:{track}:{p}"]] < prob)
                    S["blocks"][declined, self.block_index[(self.levels[lv], p, "declined")]] += 1
                    jb |= declined
                    blocked |= jb
                S["postponed"][m & blocked, lv] += 1
                held[m & ~blocked, lv] = k
        # 6. election
        if c.election is not None:
            self._election(S, U, k)

    def _election(self, S, U, k):
        c, V = self.c, S["V"]
        step1, step2 = self.el_steps
        if k != step1 and k != step2:
            return
        slot = c.slot
        resolve_now = np.zeros(V.shape[0], bool)
        which_u = np.zeros(V.shape[0])
        if k == step1:
            first = S["rounds"] == 0
            S["rounds"][first] = 1
            if step2 is not None:
                runoff = first & (U[:, slot["election:decisive"]] < V[:, self.ix["election.p_runoff"]])
            else:
                runoff = np.zeros_like(first)
            S["pending"] |= runoff
            decided = first & ~runoff
            resolve_now |= decided
            which_u = np.where(decided, U[:, slot["election:round1"]], which_u)
        if step2 is not None and k == step2:
            go = S["pending"].copy()
            S["pending"][go] = False
            S["rounds"][go] = 2
            resolve_now |= go
            which_u = np.where(go, U[:, slot["election:runoff"]], which_u)
        if not resolve_now.any():
            return
        n_held = (S["held"] >= 0).sum(axis=1)
        p_win = np.minimum(np.maximum(V[:, self.ix["election.base_win"]]
                                      + V[:, self.ix["election.progress_effect"]] * n_held, 0.0), 1.0)
        win = resolve_now & (which_u < p_win)
        lose = resolve_now & ~win
        S["winner"][win], S["winner"][lose] = 0, 1
        S["fired"][resolve_now, self.fi["election"]] = True
        self._apply(V, win, self.el_effects[0])
        self._apply(V, lose, self.el_effects[1])

    # ------------------------------------------------------------------ output
    def table(self, S):
        """The run rows as an Arrow table with ``store.runs_schema``."""
        import pyarrow as pa

        from ..outcome import block_column
        from ..store import runs_schema

        c = self.c
        schema = runs_schema(c)
        epoch = np.datetime64("1970-01-01", "D")
        day = np.array([(np.datetime64(d, "D") - epoch).astype(int) for d in c.dates], dtype=np.int32)

        def dates(steps):
            return pa.array(np.where(steps >= 0, day[np.maximum(steps, 0)], 0), pa.int32(),
                            mask=steps < 0).cast(pa.date32())

        R = len(S["replication"])
        cols = {"point": pa.array(np.full(R, S["point"]), pa.int32()),
                "replication": pa.array(S["replication"], pa.int32())}
        for i, lv in enumerate(self.levels):
            cols[f"first.{lv}"] = dates(S["held"][:, i])
            cols[f"proposed.{lv}"] = pa.array(S["proposed"][:, i], pa.int32())
            cols[f"postponed.{lv}"] = pa.array(S["postponed"][:, i], pa.int32())
        for li, (lad, (_, stages)) in enumerate(c.ladders.items()):
            cols[f"stage.{lad}"] = pa.array(np.array(stages, dtype=object)[S["stage"][:, li]], pa.string())
            for si, st in enumerate(stages[1:], start=1):
                cols[f"reached.{lad}.{st}"] = dates(S["reached"][:, li, si])
        for i, key in enumerate(c.block_keys):
            cols[block_column(*key)] = pa.array(S["blocks"][:, i], pa.int32())
        if c.election is not None:
            names = np.array([c.election.incumbent, c.election.challenger, None], dtype=object)
            cols["election.winner"] = pa.array(names[S["winner"]], pa.string())
            cols["election.rounds"] = pa.array(S["rounds"], pa.int8())
        for q in c.questions:
            cols[f"q.{q.id}"] = self._answer(q, S, day)
        return pa.table([cols[f.name] for f in schema], schema=schema)

    def _answer(self, q, S, day):
        import pyarrow as pa

        c = self.c
        if q.election is not None:
            if q.election == "runoff":
                return pa.array(S["rounds"] == 2)
            return pa.array(S["winner"] == (0 if q.election == "incumbent_wins" else 1))
        if q.meeting is not None:
            steps = S["held"][:, self.li[q.meeting]]
        else:
            li = self.ladder_ids.index(q.concession)
            si = c.ladders[q.concession][1].index(q.stage)
            steps = np.zeros(len(S["rounds"]), int) if si == 0 else S["reached"][:, li, si]
        if q.before is None:
            return pa.array(np.where(steps >= 0, day[np.maximum(steps, 0)], 0), pa.int32(),
                            mask=steps < 0).cast(pa.date32())
        limit = resolve_date(q.before, c.scenario)
        epoch_days = (np.datetime64(limit, "D") - np.datetime64("1970-01-01", "D")).astype(int)
        return pa.array((steps >= 0) & (day[np.maximum(steps, 0)] < epoch_days))
