"""One weekly step of the model, written once on arrays over runs.

Order within step k (days ``d_k`` to ``e_k``; ``docs/model.md`` gives the formulas):

1. pressure decays; actors enter or leave;
2. the calendar: dated events, shocks, occasions (each a class in ``lang.calendar``);
3. milestones in force may break down;
4. mediators pick a milestone that could happen now, press its actors, put it on the table;
5. unilateral steps: each actor decides on the steps open to it;
6. actors propose meetings and joint acts open to them;
7. every proposal is decided in scenario order: frozen ones wait, preconditions (held by any
   actor) block unless waived, then every actor whose consent it needs decides;
8. elections resolve; 9. triggered effects apply; 10. questions take note of the week.

Every decision compares the run's own uniform for that slot with a probability:
"yes" when ``u < p``. Who decides is the ``Decider``: the Mesa model's agents
(one run, scalar rules, any plugin) or the array forms of the built-in rules
(many runs). Everything else is this one code path, so the engines agree.
"""

from __future__ import annotations

import numpy as np

from ..lang.dates import NEVER
from . import masked
from .fading import Fading
from ..lang.worlds import Worlds
from ..lang.stalls import PressureOdds
from ..lang.effects import Amounts
from ..lang.commitments import Binding
from .pressure import PressureScope
from .state import RunState


class Slot:
    """One slot's uniforms this step, handed to a rule question unread: ``u[rows]`` reads those runs' uniforms
    only (``u[:]`` all), so a decision asked of a few runs draws a few numbers (each run's draws are its own)."""

    __slots__ = ("U", "j")

    def __init__(self, U, j: int):
        self.U, self.j = U, j

    def __getitem__(self, rows):
        return self.U[rows, self.j]


class Decider:
    """Who answers the rule questions; the two engines differ only here."""

    keeps_logs = False

    def party(self, kind: str, actor: int, mask, size, u, st: RunState, k: int) -> np.ndarray:
        raise NotImplementedError

    def mediate(self, med: int, cands: np.ndarray, u, st: RunState, k: int) -> np.ndarray:
        raise NotImplementedError

    def urgency(self, med: int, cands: np.ndarray, st: RunState, k: int) -> np.ndarray:
        """How hard mediator ``med`` pushes the target it chose from ``cands`` (what ``mediate`` was given)."""
        raise NotImplementedError

    def pressure(self, med: int, cands: np.ndarray, target: int, urgency, st: RunState,
                 k: int) -> dict[int, np.ndarray]:
        raise NotImplementedError

    def log(self, st: RunState, k: int, kind: str, mask, milestone: str = "", actor: str = "",
            detail: str = "", day=None) -> None:
        """Record an event for the runs in ``mask``, dated ``day`` (an int or per-run array; None: the step's
        first day). A no-op where no one keeps logs."""


def clocked_paces(c) -> dict:
    """(milestone, consenter position, decision) -> ``lang.timeshape.Clocked`` for each pace given as a shape in
    time; a class curve's pace is moved by its milestone's ``adjust`` numbers."""
    from ..lang.pace import Pace
    from ..lang.timeshape import ClassCurveShape, Clocked

    out, ix = {}, c.table.index
    for j, m in enumerate(c.milestones):
        if m.pace is None:
            continue
        adjust = {w: ix[name] for w in ("odds", "shift_days") if (name := f"{m.id}.adjust.{w}") in ix}
        for pos, a in enumerate(m.consenters()):
            for d in ("propose", m.decision):
                shape = m.pace.shape(a, d)
                if shape is not None:
                    origin = None if shape.since is None else c.to_day(shape.since)
                    slots = {"propose": f"propose:{m.id}:{a}", "accept": f"accept:{m.id}:{a}"}
                    slot = c.slot[slots.get(d, f"act:{m.id}")]
                    power = 1.0 if c.step_powers is None else float(c.step_powers[slot])
                    out[(j, pos, d)] = Clocked(shape, ix, Pace.name(m.id, a, Pace.DECISIONS[d]),
                                               adjust if isinstance(shape, ClassCurveShape) else {}, origin, power)
    return out


def _clocked_hazard(c, shape, slot: str, name: str):
    """The ``lang.timeshape.Clocked`` of a hazard given as a shape in time, with its numbers ``name.<...>`` and the
    power of its draw slot."""
    from ..lang.timeshape import Clocked

    j = c.slot[slot]
    power = 1.0 if c.step_powers is None else float(c.step_powers[j])
    origin = None if shape.since is None else c.to_day(shape.since)
    return Clocked(shape, c.table.index, name, {}, origin, power)


def breakdown_clocks(c) -> dict:
    """milestone -> ``lang.timeshape.Clocked`` for each breakdown hazard given as a shape in time (its clock: the
    day the milestone came into force, ``RunState.force_since``)."""
    out = {}
    for j, m in enumerate(c.milestones):
        shape = m.breakdown.shape() if m.breakdown is not None else None
        if shape is not None:
            out[j] = _clocked_hazard(c, shape, f"breakdown:{m.id}", f"{m.id}.breakdown.hazard")
    return out


def hazard_clocks(c) -> dict:
    """parameter name -> ``lang.timeshape.Clocked`` for each hazard of the calendar or of an actor's entry given
    as a shape in time (``lang.calendar.hazards``; its clock: ``Kernel.hazard``)."""
    from ..lang.calendar import hazards
    from ..lang.timeshape import shape_of

    return {name: _clocked_hazard(c, shape_of(value), slot, name)
            for name, value, _, slot in hazards(c.scenario) if shape_of(value) is not None}


class Kernel:
    def __init__(self, c, decider: Decider):
        self.c = c
        self.d = decider
        self.week = 0  # the weekly round of offers within the step (Compiled.weeks_per_step)
        self.party_offers = {}
        ix = c.table.index
        self.ix = ix
        sc = c.scenario
        self.entries = [(c.ai[a.id], a.enters) for a in sc.actors if a.enters is not None]
        self.exits = [(c.ai[a.id], a.leaves) for a in sc.actors if a.leaves is not None]
        self.consent = [np.array([c.ai[a] for a in m.consenters()], dtype=int) for m in c.milestones]
        self.stake_cols = [[ix[m.stake_name(a)] for a in m.consenters()] for m in c.milestones]
        self.pre_on = {}  # milestone -> [(precondition, holder index, consenter position or -1)]
        for p in c.preconditions:
            m = c.milestone[p.before]
            pos = m.consenters().index(p.holder) if p.holder in m.consenters() else -1
            self.pre_on.setdefault(c.mi[p.before], []).append((p, c.ai[p.holder], pos))
        self.cal_items = list(sc.calendar.events) + list(sc.calendar.shocks) + list(sc.calendar.occasions)
        self.cal_items += sc.calendar.terms  # a term's end and its vacancy (lang/calendar.py Term)
        self.commits = {c.mi[m.id]: [(c.mi[cm.milestone], cm.within_days) for cm in m.commits]
                        for m in c.milestones if m.commits}
        self.effects_of = {c.mi[m.id]: m.effects for m in c.milestones if m.effects}
        self.repeatable = np.array([m.repeat for m in c.milestones], bool)
        self.repeatable_cols = [int(j) for j in np.flatnonzero(self.repeatable)]
        self.in_force_blocks = np.array([m.repeat and m.breakdown is not None for m in c.milestones], bool)
        self.consent_matrix = np.zeros((len(c.actors), len(c.milestones)), np.int8)
        for j, who in enumerate(self.consent):
            self.consent_matrix[who, j] = 1
        self.comings_and_goings = bool(self.entries or self.exits or sc.calendar.terms)
        self.gates = [(j, m.requires) for j, m in enumerate(c.milestones) if m.requires is not None]
        self._paths: dict[int, list] = {}
        self._reachable: dict[str, list[int]] = {}
        self.freezable = {j for cols in (*c.freeze_cols.values(), *c.milestone_freezes.values()) for j in cols}
        # one column of RunState.agreed per (proposable milestone, consenter): who has said yes to the offer on
        # the table (an offer that lies there for several steps is accepted by each consenter once)
        self.agree_cols, n = {}, 0
        for j, m in enumerate(c.milestones):
            if m.proposable:
                self.agree_cols[j] = list(range(n, n + len(self.consent[j])))
                n += len(self.consent[j])
        self._limits = None  # parameter column -> allowed (low, high), read when a change first applies
        # (milestone, consenter position, decision) -> the column of that actor's own chance for it (lang/pace.py)
        self.pace_cols = {(j, pos, d): col for j, m in enumerate(c.milestones) if m.pace is not None
                          for pos, a in enumerate(m.consenters()) for d in ("propose", m.decision)
                          if (col := m.pace.column(ix, m.id, a, d)) is not None}
        self.put_by = {who: np.array([m.put_by(who) for m in c.milestones], bool)
                       for who in ("party", "mediator", "calendar")}  # who may put each on the table
        self.clocked = clocked_paces(c)  # (milestone, consenter position, decision) -> a chance that changes with time
        self.clock_cols = sorted({j for j, _, _ in self.clocked})
        self.clock_reset = [j for j in self.clock_cols if c.milestones[j].repeat]
        self.break_clocks = breakdown_clocks(c)  # milestone -> a breakdown chance that changes with the time in force
        self.hazard_clocks = hazard_clocks(c)  # shock, occasion, entry hazards that change with time
        self.pressure_scope = PressureScope(self)  # a mediator's pressure acts on the steps it is about
        self.worlds = Worlds(c)  # live shares drawn once per run, per-run odds factors (lang/worlds.py)
        self.pressure_odds = PressureOdds(self)  # coercive acts that pressure moves (lang/stalls.py)
        self.fading = Fading(c)  # effects that wear off (lang/fades.py)
        self.amounts = Amounts(c)  # effects stated as numbers in any form: a run's value (lang/effects.py)
        self.binding = Binding(c)  # commitments that bind: odds until due, breaches (lang/commitments.py)
        self.picks = [m.per_step or 1 for m in c.scenario.mediation]  # items a mediator may put on the table a step

    # ------------------------------------------------------------------ helpers
    def decide(self, j, pos, kind, actor, mask, size, u, st, k) -> np.ndarray:
        """An actor's decision ``kind`` on milestone j: its own stated chance for this step (``pace``) compared with
        the slot's uniform, else its rule's answer (the Decider)."""
        u = self.worlds.slot(st, j, actor, u)  # a spread on the step or the actor: the run's odds factor moves it
        if self.binding.any:
            u = self.binding.slot(st, j, u, k)  # a commitment to it in force: its odds
        if self.pressure_odds.any:
            u = self.pressure_odds.slot(st, j, actor, u)  # a coercive act that pressure restrains or provokes
        if self.binding.due:  # a commitment stated as a chance within its due window holds it: that chance there
            bound = self.binding.bound(st, j, k)
            if bound is not None:
                out = self._choose(j, pos, kind, actor, mask & ~bound[0], size, u, st, k)
                return self.binding.choose(st, j, pos, kind, mask & bound[0], bound[1], u, out)
        return self._choose(j, pos, kind, actor, mask, size, u, st, k)

    def _choose(self, j, pos, kind, actor, mask, size, u, st, k) -> np.ndarray:
        """``decide`` once the decision's uniforms are moved: its own stated chance, else its rule's answer."""
        col = self.pace_cols.get((j, pos, kind))
        if col is None and self.clocked:
            timed = self.clocked.get((j, pos, kind))
            if timed is not None:
                return self._timed(timed, j, mask, u, st, k)
        if col is None:
            self.pressure_scope.feel(st, actor, j)
            return self.d.party(kind, actor, mask, size, u, st, k)
        rows = mask.nonzero()[0]
        out = np.zeros(st.n, bool)
        if len(rows):
            out[rows] = u[rows] < st.V[rows, col]
        return out

    def _timed(self, timed, j, mask, u, st, k) -> np.ndarray:
        """A decision whose chance changes with time (``lang/timeshape.py``): the chance of the event in this step's
        days of its clock (since the step became possible in the run, or since a date), given not before, compared
        with the slot's uniform at the slot's power (so a step of any length gets exactly that chance). An offer in a
        step of several weekly rounds (``Compiled.weeks_per_step``) is asked its round's week."""
        c = self.c
        if c.weeks_per_step > 1 and c.milestones[j].proposable:
            week = c.step_days // c.weeks_per_step
            return self._clocked(timed, st.possible_day[:, j], mask, u, st, k, day=c.round_day(k, self.week), s=week)
        return self._clocked(timed, st.possible_day[:, j], mask, u, st, k)

    def _clocked(self, timed, started, mask, u, st, k, catch_up=False, day=None, s=None) -> np.ndarray:
        """``_timed`` with the clock started on the days ``started`` (per run; NEVER: this step). ``catch_up``: a
        clock that started during the previous step is asked from its start (a milestone that came into force
        during a step can break down from the next one: that step covers both, so a breakdown's chance does not
        depend on the step length)."""
        rows = mask.nonzero()[0]
        out = np.zeros(st.n, bool)
        if not len(rows):
            return out
        day = int(self.c.days[k]) if day is None else int(day)
        if timed.origin is None:
            since = started[rows]
            since = np.where(since == NEVER, day, since)
        else:
            since = timed.origin
        t0 = (day - since).astype(float) if isinstance(since, np.ndarray) else np.full(len(rows), float(day - since))
        s = float(self.c.step_days if s is None else s)
        q = timed.step_chance(st.V, rows, t0, s, np.where(t0 < s, 0.0, t0) if catch_up else None)
        if timed.power != 1.0:  # the slot's uniform was turned to its power (Compiled.step_powers): undo it on q
            with np.errstate(divide="ignore"):
                q = -np.expm1(np.log1p(-np.minimum(q, 1.0)) / timed.power)
        out[rows] = u[rows] < q
        return out

    def hazard(self, st, k, U, slot: str, name: str, can, opens) -> np.ndarray:
        """Runs of ``can`` in which a hazard of the calendar or an actor's entry (``lang/calendar.py``) comes in step
        k: its weekly chance (parameter ``name``) compared with the slot's uniform; or, given as a shape in time
        (``lang/timeshape.py``), the chance of this step's days of its clock, which starts the first day it could
        come in the run (its window open, from the day ``opens``, and its ``when`` holding) and again after each
        time it comes (counted from ``since`` a date instead, when the shape says so)."""
        j = self.c.slot[slot]
        timed = self.hazard_clocks.get(name)
        if timed is None:
            return can & (U[:, j] < st.V[:, self.ix[name]])
        since = st.clock_since.get(name)
        if since is None:
            since = st.clock_since[name] = np.full(st.n, NEVER, np.int64)
        np.copyto(since, max(int(opens), int(self.c.days[k])), where=can & (since == NEVER))
        hit = self._clocked(timed, since, can, Slot(U, j), st, k)
        since[hit] = NEVER  # a shock that recurs: its clock starts again
        return hit

    def _clock(self, st, k, avail) -> None:
        """The first day each clocked step could happen in each run (``RunState.possible_day``)."""
        day = int(self.c.days[k])
        for j in self.clock_cols:
            col = st.possible_day[:, j]
            np.copyto(col, day, where=avail[:, j] & (col == NEVER))

    def log(self, kind, mask, milestone="", actor="", detail="", day=None):
        if self.d.keeps_logs and mask.any():
            self.d.log(self.st, self.k, kind, mask, milestone, actor, detail, day)

    def apply(self, st: RunState, mask, changes) -> None:
        """Parameter changes for the runs in ``mask``; the result is clipped to the parameter's allowed range (a
        change applied again, or several stacked, can leave it by arithmetic: docs/scenarios.md)."""
        if changes and self._limits is None:
            from ..scenario.semantics import parameter_ranges

            self._limits = {self.ix[n]: r for n, r in parameter_ranges(self.c.scenario, self.c.table).items()}
        for ch in changes:
            col = self.ix[ch.param]
            new = ch.moved(st.V[mask, col], self.amounts.of(st, mask, ch))
            lo, hi = self._limits.get(col, (-np.inf, np.inf))
            fades = self.fading.any and ch.fades is not None
            before = st.V[mask, col] if fades else None
            st.V[mask, col] = np.minimum(np.maximum(new, lo), hi)
            if fades:  # its part wears off from this step's first day (lang/fades.py)
                self.fading.applied(st, mask, ch, before, st.V[mask, col], int(self.c.days[self.k]))

    def available(self, st: RunState, k: int) -> np.ndarray:
        """(runs x milestones): could it happen now? Gate holds, not done (or repeatable), its actors present."""
        c = self.c
        out = st.count == 0
        for j in self.repeatable_cols:  # again, at most once a step (NEVER: not yet)
            out[:, j] |= st.last_day[:, j] < c.days[k]
        if self.in_force_blocks.any():
            out &= ~self.in_force_blocks | (st.force_since == NEVER)  # a repeatable act in force is not made again
        if self.comings_and_goings:
            out &= ((~st.present).astype(np.int8) @ self.consent_matrix) == 0
        self.worlds.gate(st, out)  # a dead step never becomes possible
        e = int(c.ends[k])
        for j, cond in self.gates:
            col = out[:, j]
            if col.any():
                col &= cond.evaluate(st, e)
        return out

    def toward(self, st: RunState, avail: np.ndarray, goal: int) -> np.ndarray:
        """Per run: the goal if it could happen now, else the first prerequisite on the way that could (-1: none).

        Depth first through the milestones each one's ``requires`` names, entering a prerequisite only while it
        has not happened; the paths are laid out once per goal (``self.paths``)."""
        res = np.full(st.n, -1, np.int16 if len(self.c.milestones) < 2**15 else np.int32)
        open_ = np.ones(st.n, bool)  # runs still without a milestone
        for node, via in self.paths(goal):
            ok = avail[:, node] & open_
            for v in via:
                ok &= st.count[:, v] == 0
            masked.put(res, node, ok)
            open_ &= ~ok
            if not open_.any():
                break
        return res

    def paths(self, goal: int) -> list[tuple[int, list[int]]]:
        """(milestone, the prerequisites passed on the way to it) in depth-first order from ``goal``."""
        cached = self._paths.get(goal)
        if cached is None:
            c = self.c
            cached = []

            def visit(j, via):
                cached.append((j, via))
                if len(via) <= len(c.milestones):
                    for p in c.prereqs[c.milestones[j].id]:
                        visit(c.mi[p], via + [c.mi[p]])
            visit(goal, [])
            self._paths[goal] = cached
        return cached

    def reachable(self, med) -> list[int]:
        """Every milestone a mediator's pushes can lead to, in increasing order."""
        out = self._reachable.get(med.mediator)
        if out is None:
            out = self._reachable[med.mediator] = sorted({node for goal, _ in med.pushes
                                                          for node, _ in self.paths(self.c.mi[goal])})
        return out

    def put_on_table(self, st: RunState, k: int, spec, mask, proposer: str, day: int) -> None:
        """A dated event or occasion proposes a milestone (or the next one toward it), dated ``day``."""
        c = self.c
        avail = self.available(st, k)
        target = np.where(mask, self.toward(st, avail, c.mi[spec.target]) if spec.toward else
                          np.where(avail[:, c.mi[spec.target]], c.mi[spec.target], -1), -1)
        code = len(c.actors) + c.fi[proposer.split(":", 1)[1]]
        for j in sorted(set(target[target >= 0].tolist())):  # (np.unique would import numpy.ma: start-up time)
            hit = (target == j) & ~st.table[:, j]
            if self.put_by["calendar"][j]:
                st.table[:, j] |= hit
                np.copyto(st.table_by[:, j], code, where=hit)
                st.table_day[hit, j] = day
                self._offer(st, k, j, hit)

    def proposer_name(self, code: int) -> str:
        c = self.c
        if code < len(c.actors):
            return c.actors[code]
        fid = c.fired_ids[code - len(c.actors)]
        kind = "occasion" if any(o.id == fid for o in c.scenario.calendar.occasions) else "calendar"
        return f"{kind}:{fid}"

    # ------------------------------------------------------------------ the step
    def step(self, st: RunState, U: np.ndarray, k: int) -> None:
        """Advance every run of ``st`` by week k; ``U`` is (runs x slots), this week's uniforms."""
        c = self.c
        self.st, self.k, self.U = st, k, U  # U: read by what happens mid-step with draws of its own (an outcome)
        if k == 0 and self.worlds.any:
            self.worlds.draw(st)  # which worlds are live, each run's odds factors: once per run
        if self.fading.any:
            self.fading.advance(st, k, self._limits or {})  # effects that fade: what is left of them today
        self._clear_table(st, k)
        decay = st.V[:, self.ix["dynamics.pressure_decay"]]
        per_step = c.pressure_step(decay)
        self.gain = None if per_step is None else per_step[1]
        self.pressure_scope.decay(st, decay if per_step is None else per_step[0])
        self._presence(st, U, k)
        for item in self.cal_items:
            item.advance(self, st, k, U)
        self._breakdowns(st, U, k)
        avail = self.available(st, k)  # pressing and proposing change no one's availability
        if self.clock_cols:
            self._clock(st, k, avail)
        self._mediate(st, U, k, avail)
        self._unilateral(st, U, k, avail)
        for week in range(c.weeks_per_step):  # offers are made and answered week by week (Compiled.weeks_per_step)
            self.week = week
            if week:
                self._next_week(st)
            self._propose(st, U, k)
            for j in range(len(c.milestones)):
                if c.milestones[j].proposable:
                    on = st.table[:, j]
                    if on.any():
                        self._decide(st, U, k, j, on)
        self.week = 0
        for e in c.elections:
            e.advance(self, st, k, U)
        self._effects(st, k)
        if self.binding.any:
            self.binding.advance(self, st, k)  # commitments whose due day passed without the step: breached
        for q, acc in zip(c.questions, st.answers):
            q.update(st, k, acc)

    def _clear_table(self, st, k):
        """Offers lie on the table for ``Compiled.offer_days`` from the first day of the step they were made in:
        one step at weekly (or longer) steps, the whole number of steps nearest a week at shorter ones; an offer no
        longer possible is withdrawn, and the yeses given to a withdrawn or lapsed offer lapse with it."""
        if self.c.offer_days == self.c.step_days:
            st.table[:] = False
            st.table_by[:] = -1
            st.table_day[:] = NEVER
            st.agreed[:] = False
            return
        gone = st.table & ((st.table_until <= self.c.days[k]) | ~self.available(st, k))
        st.table[gone] = False
        st.table_by[gone] = -1
        st.table_day[gone] = NEVER
        st.table_until[gone] = NEVER
        for j in np.flatnonzero(gone.any(axis=0)):
            st.agreed[np.ix_(gone[:, j], self.agree_cols[int(j)])] = False

    def _next_week(self, st) -> None:
        """The next weekly round of offers within a step of several weeks: a party's offer not taken last week is
        withdrawn (it may propose again, with this week's chance), and every yes given last week lapses, as at
        weekly steps; offers a mediator or a dated event put on the table this step stay there."""
        for j, mask in self.party_offers.items():
            gone = st.table[:, j] & mask
            st.table[gone, j] = False
            st.table_by[gone, j] = -1
            st.table_day[gone, j] = NEVER
        st.agreed[:] = False

    def _offer(self, st, k, j, mask) -> None:
        """Offers of milestone j put on the table this step, for the runs in ``mask``: they lapse ``offer_days`` on."""
        if self.c.offer_days != self.c.step_days:
            masked.put(st.table_until[:, j], self.c.days[k] + self.c.offer_days, mask)

    def _presence(self, st, U, k):
        c = self.c
        if k == 0:
            for a, spec in self.entries:
                st.present[:, a] = False
        e = int(c.ends[k])
        for a, spec in self.entries:
            out = ~st.present[:, a] & (st.entered_day[:, a] == NEVER)
            if spec.date is not None:
                come = out & (c.to_day(spec.date) <= e)
                day = c.to_day(spec.date)
            else:
                lo, hi = c.window(spec.between)
                if not (c.days[k] <= hi and e >= lo):
                    continue
                if spec.when is not None:
                    out &= spec.when.evaluate(st, e)
                come = self.hazard(st, k, U, f"enter:{c.actors[a]}", spec.hazard_name(c.actors[a]), out, lo)
                day = int(c.days[k])
            if spec.when is not None and spec.date is not None:
                come &= spec.when.evaluate(st, e)
            st.present[come, a] = True
            st.entered_day[come, a] = day
            self.log("entered", come, actor=c.actors[a])
        for a, spec in self.exits:
            here = st.present[:, a]
            if spec.date is not None:
                go = here & (c.to_day(spec.date) <= e)
                day = c.to_day(spec.date)
            else:
                go = here & spec.when.evaluate(st, e)
                day = int(c.days[k])
            st.present[go, a] = False
            st.left_day[go, a] = np.minimum(st.left_day[go, a], day)
            self.log("left", go, actor=c.actors[a])

    def _breakdowns(self, st, U, k):
        c = self.c
        e = int(c.ends[k])
        for j, m in enumerate(c.milestones):
            b = m.breakdown
            if b is None:
                continue
            live = st.force_since[:, j] < NEVER
            if not live.any():
                continue
            brk = np.zeros(st.n, bool)
            if b.when is not None:
                brk |= live & b.when.evaluate(st, e)
            if b.hazard is not None and j in self.break_clocks:  # a chance that changes with the time in force
                brk |= self._clocked(self.break_clocks[j], st.force_since[:, j], live,
                                     Slot(U, c.slot[f"breakdown:{m.id}"]), st, k, catch_up=True)
            elif b.hazard is not None:
                brk |= live & (U[:, c.slot[f"breakdown:{m.id}"]] < st.V[:, self.ix[f"{m.id}.breakdown.hazard"]])
            st.force_since[brk, j] = NEVER
            st.broken_day[brk, j] = np.minimum(st.broken_day[brk, j], c.days[k])
            self.log("broke", brk, milestone=m.id)

    def _mediate(self, st, U, k, avail):
        c = self.c
        if not c.mediations:
            return
        e = int(c.ends[k])
        toward = {}  # goal -> next milestone toward it, per run (nothing held changes while mediators act)
        for i, med in enumerate(c.mediations):
            active = st.V[:, self.ix[f"{med.mediator}.active"]] >= 0.5
            active &= st.present[:, c.ai[med.mediator]]
            cands = []
            for goal, when in med.pushes:
                lv = toward.get(goal)
                if lv is None:
                    lv = toward[goal] = self.toward(st, avail, c.mi[goal])
                if when is not None:
                    lv = np.where(when.evaluate(st, e), lv, -1)
                for earlier in cands:
                    lv = np.where(lv == earlier, -1, lv)
                cands.append(lv)
            C = np.array(cands).T  # (runs x pushes), column-major: a candidate column is contiguous
            picks = self.picks[i]  # a mediator may put several items on the table in a step (mediation.per_step)
            for pick in range(picks):
                slot = c.slot[f"mediate:{med.mediator}" + (f":{pick + 1}" if pick else "")]
                target = np.where(active, self.d.mediate(i, C, Slot(U, slot), st, k), -1)
                if not (target >= 0).any():
                    break
                self._push(st, k, i, med, target, C)
                if pick + 1 < picks:  # the next pick chooses among the rest
                    C = np.where(C == target[:, None], -1, C)

    def _push(self, st, k, i, med, target, C):
        """Mediator i presses the actors of its ``target`` (per run; -1: none), chosen from the candidates ``C``,
        and puts it on the table."""
        c = self.c
        urgency = self.d.urgency(i, C, st, k)
        for j in self.reachable(med):  # in increasing order, as sorted(set(target)) would give them
            mask = target == j
            if not mask.any():
                continue
            for a, share in self.d.pressure(i, C, int(j), urgency, st, k).items():
                self.pressure_scope.add(st, i, int(j), a, share if self.gain is None else share * self.gain, mask)
            self.log("pushed", mask, milestone=c.milestones[j].id, actor=med.mediator)
            if self.put_by["mediator"][j]:
                free = mask & ~st.table[:, j]
                st.table[:, j] |= free
                masked.put(st.table_by[:, j], c.ai[med.mediator], free)
                self._offer(st, k, j, free)  # a new offer when the last has lapsed: one answer per offer's week

    def _unilateral(self, st, U, k, avail):
        c = self.c
        for j, m in enumerate(c.milestones):
            if m.proposable:
                continue
            on = avail[:, j]
            if not on.any():
                continue
            if m.requires is not None:  # steps taken earlier this week may have closed the gate
                on &= m.requires.evaluate(st, int(c.ends[k]))
            frozen = on & (st.frozen_until[:, j] >= k)
            self._frozen(st, k, j, frozen)
            live = on & ~frozen
            blocked = self._preconditions(st, U, k, j, live, position=None)
            st.postponed[:, j] += blocked  # a week blocked counts as postponed, as for proposals (_decide)
            ask = live & ~blocked
            a = int(self.consent[j][0])
            cost = st.V[:, self.stake_cols[j][0]]
            yes = self.decide(j, 0, m.decision, a, ask, cost, Slot(U, c.slot[f"act:{m.id}"]), st, k) & ask
            self._held(st, k, j, yes)

    def _propose(self, st, U, k):
        c = self.c
        self.party_offers = {}  # milestone -> the runs where a party put it on the table this week
        avail = self.available(st, k)
        for j, m in enumerate(c.milestones):
            if not self.put_by["party"][j]:
                continue
            for pos, a in enumerate(self.consent[j]):
                ok = avail[:, j] & ~st.table[:, j]
                if not ok.any():
                    break
                size = st.V[:, self.stake_cols[j][pos]]
                slot = c.slot[c.week_slot(f"propose:{m.id}:{c.actors[a]}", self.week)]
                yes = self.decide(j, pos, "propose", int(a), ok, size, Slot(U, slot), st, k)
                yes &= ok
                st.table[:, j] |= yes
                np.copyto(st.table_by[:, j], a, where=yes)
                self._offer(st, k, j, yes)
                if c.weeks_per_step > 1:
                    self.party_offers[j] = self.party_offers.get(j, np.zeros(st.n, bool)) | yes

    def _frozen(self, st, k, j, frozen):
        if j not in self.freezable or not frozen.any():
            return
        c = self.c
        st.postponed[:, j] += frozen
        for code, reason in c.freezers:  # shocks, then milestones that freeze others (lang/stalls.py)
            by = frozen & (st.frozen_by[:, j] == code)
            if by.any():
                st.blocks[:, c.block_index[(c.milestones[j].id, "-", reason)]] += by
                self.log("blocked", by, milestone=c.milestones[j].id, detail=reason)

    def _preconditions(self, st, U, k, j, mask, position):
        """Runs blocked by the preconditions on milestone j held by the consenter at ``position``
        (-1: by actors who need not consent; None: every holder), in declaration order."""
        c = self.c
        e = int(c.ends[k])
        blocked = np.zeros(st.n, bool)
        for pre, holder, pos in self.pre_on.get(j, ()):
            if position is not None and pos != position:
                continue
            unmet = mask & (st.V[:, self.ix[f"{pre.id}.enabled"]] >= 0.5) & self.worlds.held(st, pre.id)
            if not unmet.any():
                continue
            unmet &= ~pre.requires.evaluate(st, e)
            if pre.waivable and unmet.any() and pre.waiver.per_week:  # how long it resists: a weekly chance
                dropped = st.__dict__.setdefault("dropped", {}).setdefault(pre.id, np.zeros(st.n, bool))
                unmet &= ~dropped  # once dropped, it stays dropped
                rows = unmet.nonzero()[0]
                waived = np.zeros(st.n, bool)
                waived[rows] = U[rows, c.slot[f"waive:{pre.id}"]] < st.V[rows, self.ix[f"{pre.id}.resists"]]
                self.log("waived", waived, milestone=c.milestones[j].id, actor=pre.holder, detail=pre.id)
                dropped |= waived
                unmet &= ~waived
            elif pre.waivable and unmet.any():
                thr = st.V[:, self.ix[f"{pre.id}.waiver_threshold"]]
                self.pressure_scope.feel(st, holder, j)
                waived = self.d.party("waive", holder, unmet, thr, Slot(U, c.slot[f"waive:{pre.id}"]), st, k) & unmet
                self.log("waived", waived, milestone=c.milestones[j].id, actor=pre.holder, detail=pre.id)
                unmet &= ~waived
            if unmet.any():
                st.blocks[:, c.block_index[(c.milestones[j].id, pre.holder, f"precondition:{pre.id}")]] += unmet
                self.log("blocked", unmet, milestone=c.milestones[j].id, actor=pre.holder,
                         detail=f"precondition:{pre.id}")
            blocked |= unmet
        return blocked

    def _decide(self, st, U, k, j, on):
        c, m = self.c, self.c.milestones[j]
        st.proposed[:, j] += on
        if self.d.keeps_logs:
            for code in sorted(set(st.table_by[on, j].tolist())):
                self.log("proposed", on & (st.table_by[:, j] == code), milestone=m.id, actor=self.proposer_name(code))
        if m.requires is not None:  # a gate that closed since it was proposed (earlier this week) stops it
            on = on & m.requires.evaluate(st, int(c.ends[k]))
        frozen = on & (st.frozen_until[:, j] >= k)
        self._frozen(st, k, j, frozen)
        live = on & ~frozen
        blocked = np.zeros(st.n, bool)
        for pos, a in enumerate(self.consent[j]):
            own = self._preconditions(st, U, k, j, live, pos)
            agreed = st.agreed[:, self.agree_cols[j][pos]]
            ask = live & ~own & ~agreed  # who said yes to this offer already is not asked again while it lies there
            size = st.V[:, self.stake_cols[j][pos]]
            slot = c.slot[c.week_slot(f"accept:{m.id}:{c.actors[a]}", self.week)]
            yes = self.decide(j, pos, m.decision, int(a), ask, size, Slot(U, slot), st, k)
            agreed |= ask & yes
            declined = ask & ~yes
            if declined.any():  # it said no, or (a class curve) the class's chance did not come up
                reason = c.refusal[(m.id, c.actors[a])]
                st.blocks[:, c.block_index[(m.id, c.actors[a], reason)]] += declined
                self.log("blocked", declined, milestone=m.id, actor=c.actors[a], detail=reason)
            blocked |= own | declined
        blocked |= self._preconditions(st, U, k, j, live, -1)  # held by actors who need not consent
        st.postponed[:, j] += live & blocked
        self._held(st, k, j, live & ~blocked)

    def _held(self, st, k, j, yes):
        if not yes.any():
            return
        c, m = self.c, self.c.milestones[j]
        rows = yes.nonzero()[0]  # usually few: the work below touches these runs only
        exact = st.table_day[rows, j]  # the day an offer was dated for; an offer from an earlier step: this step's
        today = c.round_day(k, self.week) if m.proposable else c.days[k]  # a step's later weekly round of offers
        day = np.where(exact < NEVER, np.maximum(exact, today), today)
        if j in self.clock_reset:  # a repeatable step's clock starts again when it is next possible
            st.possible_day[rows, j] = NEVER
        if m.proposable:
            st.table[rows, j] = False  # the offer is taken
            st.table_day[rows, j] = NEVER
            st.agreed[np.ix_(rows, self.agree_cols[j])] = False
        first = st.first_day[:, j]  # columns are contiguous views (column-major state)
        first[rows] = np.minimum(first[rows], day)
        st.last_day[rows, j] = day
        st.count[rows, j] += 1
        since = st.force_since[:, j]
        since[rows] = np.where(since[rows] == NEVER, day, since[rows])
        for due, within in self.commits.get(j, ()):
            was = st.due_day[rows, due]
            st.due_day[rows, due] = np.where(was == NEVER, day + within, was)
        if self.d.keeps_logs:
            every = np.full(st.n, NEVER, np.int64)
            every[rows] = day
            self.log("held" if m.proposable else "acted", yes, milestone=m.id,
                     actor="" if m.proposable else m.consenters()[0], day=every)
        if j in self.effects_of:
            self.apply(st, yes, self.effects_of[j])
        if m.outcome is not None:  # a one-shot result, drawn each time it happens (lang/outcomes.py)
            m.outcome.resolve(self, st, k, j, rows, day, self.U)
        if m.freezes is not None:  # it freezes others from this step (lang/stalls.py)
            m.freezes.apply(self, st, k, j, rows)

    def _effects(self, st, k):
        c = self.c
        e = int(c.ends[k])
        for i, eff in enumerate(c.effects):
            todo = ~st.effect_done[:, i]
            if not todo.any():
                continue
            fire = todo & eff.when.evaluate(st, e)
            st.effect_done[fire, i] = True
            self.apply(st, fire, eff.changes)
            self.log("effect", fire, detail=eff.id or f"effect {i + 1}")

    # ------------------------------------------------------------------ history
    def start(self, st: RunState) -> None:
        """What happened before the calendar starts, from the scenario's history."""
        c, h = self.c, self.c.scenario.history
        if h is None:
            return
        for item in h.milestones:
            j = c.mi[item.milestone]
            day = c.to_day(item.date)
            st.first_day[:, j] = np.minimum(st.first_day[:, j], day)
            st.last_day[:, j] = np.maximum(np.where(st.last_day[:, j] < NEVER, st.last_day[:, j], day), day)
            st.count[:, j] += item.count
            st.force_since[:, j] = np.minimum(st.force_since[:, j], day)
            for due, within in self.commits.get(j, ()):
                st.due_day[:, due] = np.minimum(st.due_day[:, due], day + within)
        for item in h.events:
            f = c.fi[item.event]
            st.fired_day[:, f] = np.minimum(st.fired_day[:, f], c.to_day(item.date))
