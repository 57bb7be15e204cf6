"""``diplosim replay``: what happened, stepped through the scenario's own structure.

The observed-outcomes file gives the first day each milestone happened (or ``happened: false``); the scenario's
history gives what happened before its calendar. The replay builds one run state (``engine.state.RunState`` with
one run, history set as the kernel's ``start`` sets it) in which every observed milestone happens on its observed
day and every dated event on its date, then walks the days, evaluating each milestone's gate with the scenario's
own condition classes: its ``requires``, the hard preconditions on it (switched on), and the presence of the
actors who must consent. The first day the whole gate holds is the day the milestone became possible.

Each resolved milestone whose gate opened becomes a *spell* of the outside-view dataset
(``outside_view.dataset``): possible from that day, happened on its observed day, or censored on the last day known
without it (the observed file's ``resolved_on`` or the calendar's end, whichever is earlier).

What the observed file does not say is taken as not having happened: random shocks and occasions, election
winners, random entries of actors, breakdowns by chance, milestones without an observed outcome. Each milestone
lists which of these its gate reads (``Condition.reads``), so a reader knows which "possible" days are uncertain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..lang.conditions import All
from ..lang.dates import NEVER, from_day, to_day
from ..scenario.loader import ScenarioError


@dataclass
class Part:
    """One part of a milestone's gate, in words, and how to test it on a day."""

    words: str
    cond: object | None = None  # a condition (requires, or a hard precondition's requires)
    actor: int | None = None  # an actor who must be taking part

    def holds(self, st, day: int) -> bool:
        if self.cond is not None:
            return bool(self.cond.evaluate(st, day)[0])
        return bool(st.present[0, self.actor])


@dataclass
class MilestoneReplay:
    """One milestone replayed. ``status``: happened, not happened, unknown (no observed outcome) or history."""

    id: str
    name: str
    kind: str
    status: str
    happened: dt.date | None = None
    possible: dt.date | None = None
    because: str = ""
    censored: dt.date | None = None
    since_start: bool = False  # its gate held when the record starts: possible at least since then
    uncertain: list[str] = field(default_factory=list)
    warning: str | None = None
    contradicted: bool = False  # observed to happen on a day its gate did not hold: not a spell
    sources: list[str] = field(default_factory=list)
    class_: str | None = None  # its own ``class:``, else the side file's (``milestone_class``)

    @property
    def is_spell(self) -> bool:
        """A spell of the dataset: resolved, possible on a day, and that day not after its end."""
        if self.possible is None or self.contradicted or self.status not in ("happened", "not happened"):
            return False
        end = self.happened if self.status == "happened" else self.censored
        return end is not None and self.possible <= end

    @property
    def end(self) -> dt.date | None:
        return self.happened if self.status == "happened" else self.censored

    @property
    def duration_days(self) -> int | None:
        return (self.end - self.possible).days if self.is_spell else None

    def as_dict(self) -> dict:
        out = asdict(self)
        out["class"] = out.pop("class_")
        for k in ("happened", "possible", "censored"):
            out[k] = None if out[k] is None else out[k].isoformat()
        out["spell"] = self.is_spell
        out["duration_days"] = self.duration_days
        return out


@dataclass
class Replay:
    negotiation: str  # the scenario file's stem
    scenario: str
    observed: str
    censored_on: dt.date
    milestones: list[MilestoneReplay]
    notes: list[str] = field(default_factory=list)
    track: str | None = None  # the scenario's metadata.track (blind, sighted)
    left_out: str | None = None  # the leave-out rule of the outside-view dataset it falls under, in words

    @property
    def spells(self) -> list[MilestoneReplay]:
        return [m for m in self.milestones if m.is_spell]

    @property
    def warnings(self) -> list[str]:
        return [f"{m.name}: {m.warning}" for m in self.milestones if m.warning]

    def spell_rows(self) -> list[dict]:
        """One dict per spell, with the outside-view dataset's columns (``outside_view.dataset.COLUMNS``):
        region and kind are empty (scenarios do not say them), class is the milestone's class when it has one."""
        return [{"negotiation": self.negotiation, "spell": m.id, "region": None, "kind": None, "class": m.class_,
                 "possible": m.possible, "happened": m.happened if m.status == "happened" else None,
                 "censored": m.censored if m.status == "not happened" else None,
                 "duration_days": m.duration_days, "event": m.status == "happened", "approx": None,
                 "sources": list(m.sources)}
                for m in self.spells]

    def to_arrow(self):
        """The spells as an Arrow table with the outside-view dataset's columns (``diplosim replay --out``)."""
        from .dataset import rows_to_arrow

        return rows_to_arrow(self.spell_rows())

    def as_dict(self) -> dict:
        return {"negotiation": self.negotiation, "scenario": self.scenario, "observed": self.observed,
                "track": self.track, "left_out": self.left_out, "censored_on": self.censored_on.isoformat(),
                "spells": len(self.spells),
                "milestones": [m.as_dict() for m in self.milestones], "warnings": self.warnings,
                "notes": self.notes}


def milestone_class(m, side: dict[str, str] | None = None) -> str | None:
    """A milestone's class: its own ``class:``, else the one the side file of its scenario's folder gives it
    (``side``: milestone id -> class, from ``outside_view.corpus_classes.classes_beside``), else None. The spells
    of a replay carry it in the dataset's ``class`` column."""
    return m.class_ or (side or {}).get(m.id)


# --------------------------------------------------------------------------- the replay


def replay(loaded_observed) -> Replay:
    """Replay an observed-outcomes file (``analysis.observed.load_observed``) through its scenario."""
    from ..compiled import Compiled
    from ..engine.kernel import Kernel
    from ..engine.state import RunState
    from .corpus_classes import classes_beside

    lo = loaded_observed
    obs, sc = lo.observed, lo.loaded.scenario
    c = Compiled(sc)
    w = c.words
    V = c.table.values_from_uniforms(np.full((1, len(c.table)), 0.5))  # the median of every number
    st = RunState(c, V, 0, 0)
    kr = Kernel(c, decider=None)  # read-only use: its history (start) and parameter changes (apply)
    kr.start(st)
    cal = sc.calendar
    censor = min(obs.resolved_on, cal.end)
    history = {h.milestone: h.date for h in (sc.history.milestones if sc.history else [])}
    outcome = {o.milestone: o for o in obs.milestones}
    side = classes_beside(lo.scenario_path)

    # ---- what the observed record says, set on the state (milestones as the kernel's _held records them)
    dated: dict[int, list] = {}  # day -> things that change the state on that day
    for m in c.milestones:
        o = outcome.get(m.id)
        if m.id in history or o is None or o.date is None:
            continue
        j, day = c.mi[m.id], to_day(o.date)
        st.first_day[0, j] = day
        st.last_day[0, j] = day
        st.count[0, j] += 1
        st.force_since[0, j] = min(int(st.force_since[0, j]), day)
        for due, within in kr.commits.get(j, ()):
            st.due_day[0, due] = min(int(st.due_day[0, due]), day + within)
        if m.effects:
            dated.setdefault(day, []).append(m.effects)
    for ev in cal.events:
        st.fired_day[0, c.fi[ev.id]] = min(int(st.fired_day[0, c.fi[ev.id]]), to_day(ev.date))
        if ev.effects:
            dated.setdefault(to_day(ev.date), []).append(ev.effects)
    for occ in cal.occasions:
        if occ.date is not None:
            st.fired_day[0, c.fi[occ.id]] = min(int(st.fired_day[0, c.fi[occ.id]]), to_day(occ.date))
    entries = [(c.ai[a.id], a.enters) for a in sc.actors if a.enters is not None]
    exits = [(c.ai[a.id], a.leaves) for a in sc.actors if a.leaves is not None]
    for a, _ in entries:
        st.present[0, a] = False

    # ---- the gates, part by part
    gates = {m.id: _parts(c, st, m) for m in c.milestones}
    observed_ids = set(outcome) | set(history)
    result: dict[str, MilestoneReplay] = {}
    for m in c.milestones:
        o = outcome.get(m.id)
        if m.id in history:
            status = "history"
        elif o is None:
            status = "unknown"
        else:
            status = "happened" if o.date is not None else "not happened"
        r = MilestoneReplay(m.id, w.name(m.id), m.noun(), status, class_=milestone_class(m, side),
                            happened=history.get(m.id) if status == "history" else (o.date if o else None),
                            sources=list(dict.fromkeys(e.source for e in o.evidence)) if o else [])
        if status == "not happened":
            r.censored = censor
        r.uncertain = _unobserved(c, sc, m, observed_ids, [p for p in gates[m.id]])
        result[m.id] = r

    # ---- walk the days
    # from the day before anything recorded: what history opened is dated, what held before is "since the start"
    first = min([to_day(cal.start)] + [to_day(d) for d in history.values()]
                + [to_day(h.date) for h in (sc.history.events if sc.history else [])]) - 1
    last = max([to_day(censor)] + [to_day(o.date) for o in obs.milestones if o.date is not None])
    start_day = to_day(min(cal.start, sc.metadata.as_of))  # the scenario's start
    yesterday: dict[str, list[bool]] = {}
    open_on: dict[str, int] = {}
    missing: dict[str, str] = {}  # milestone -> the parts of its gate that did not hold on its observed day
    effects_done = np.zeros(len(c.effects), bool)
    everyone = np.ones(1, bool)
    for day in range(first, last + 1):
        _presence(c, st, entries, exits, day)
        _breakdowns(c, st, day)
        for changes in dated.get(day, ()):
            kr.apply(st, everyone, changes)
        for i, eff in enumerate(c.effects):
            if not effects_done[i] and eff.when.evaluate(st, day)[0]:
                effects_done[i] = True
                kr.apply(st, everyone, eff.changes)
        for m in c.milestones:
            r = result[m.id]
            if r.status == "history":
                continue
            parts = gates[m.id]
            now = [p.holds(st, day) for p in parts]
            if m.id not in open_on and all(now):
                open_on[m.id] = day
                before = yesterday.get(m.id)
                if before is None:  # the first day of the record
                    r.since_start = True
                    r.because = ("nothing gates it" if not parts else
                                 "its gate already held: " + "; ".join(p.words for p in parts))
                else:
                    r.because = "; ".join(p.words for p, was in zip(parts, before) if not was)
            if r.status == "happened" and day == to_day(r.happened) and not all(now):
                missing[m.id] = "; ".join(p.words for p, ok in zip(parts, now) if not ok)
            yesterday[m.id] = now

    for m in c.milestones:
        r = result[m.id]
        if r.status == "history" or m.id not in open_on:
            continue
        day = open_on[m.id]
        if r.since_start:
            day = max(day, start_day)  # the scenario says nothing of since when: from its start
        r.possible = from_day(day)
        if r.status != "happened" and day > to_day(censor):
            r.possible = None  # opened after the last day known: not possible within the record
    for r in result.values():
        if r.id not in missing:
            continue
        r.contradicted = True
        if r.possible is None:
            when = "its gate never held in the replay"
        elif r.possible > r.happened:
            when = f"before its gate opened on {_say(r.possible)}"
        else:
            when = f"on a day its gate did not hold (it had opened on {_say(r.possible)})"
        r.warning = (f"observed to happen on {_say(r.happened)}, {when}; still needed that day: {missing[r.id]}"
                     + (" (the gate reads what the observed file does not record)" if r.uncertain else "")
                     + "; not a spell")
    notes = []
    if lo.edited_after_outcomes:
        notes.append("the scenario was edited after its outcomes were recorded (its hash differs)")
    from .dataset import scenario_left_out

    rule = scenario_left_out(sc)
    return Replay(Path(lo.scenario_path).name.removesuffix(".yaml").removesuffix(".yml"), str(lo.scenario_path),
                  str(lo.path), censor, list(result.values()), notes, track=sc.metadata.track,
                  left_out=rule.what if rule is not None else None)


def _say(d: dt.date) -> str:
    from ..lang.words import day

    return day(d)


def _parts(c, st, m) -> list[Part]:
    """A milestone's gate as parts: each part of its ``requires`` (an ``all`` split up), each hard precondition
    on it that is switched on, and the presence of each consenter who may be absent (enters or leaves)."""
    w = c.words
    parts: list[Part] = []
    if m.requires is not None:
        conds = m.requires.all if isinstance(m.requires, All) else [m.requires]
        parts += [Part(cond.label(w), cond=cond) for cond in conds]
    for pre in c.preconditions:
        if pre.before != m.id or not pre.hard or st.V[0, c.table.index[f"{pre.id}.enabled"]] < 0.5:
            continue
        parts.append(Part(f"{w.name(pre.id)} ({w.name(pre.holder)}'s precondition): {pre.requires.label(w)}",
                          cond=pre.requires))
    comes_and_goes = {a.id for a in c.scenario.actors if a.enters is not None or a.leaves is not None}
    for a in m.consenters():
        if a in comes_and_goes:
            parts.append(Part(f"{w.name(a)} is taking part", actor=c.ai[a]))
    return parts


def _unobserved(c, sc, m, observed_ids: set, parts: list[Part]) -> list[str]:
    """In words, what the gate reads that the observed record does not say (taken as not having happened)."""
    w = c.words
    reads = [r for p in parts if p.cond is not None for r in p.cond.reads()]
    reads += [("actor", c.actors[p.actor]) for p in parts if p.actor is not None]
    history_events = {h.event for h in (sc.history.events if sc.history else [])}
    randomly_entering = {a.id for a in sc.actors if a.enters is not None and a.enters.date is None}
    out: list[str] = []
    for what, ref in reads:
        if what == "date":  # a date reference: fixed, or a milestone's or an event's day
            if c.static_day(ref) is not None:
                continue
            what = "first" if ref in c.mi else "event"
        if what in ("first", "count", "last", "in_force") and ref not in c.mi:
            continue  # a ladder's starting stage
        ms = c.milestone.get(ref)
        if what in ("first", "count", "last", "in_force") and ref not in observed_ids:
            out.append(f"whether {w.name(ref)} happened (no observed outcome: taken as not)")
        elif what in ("count", "last") and ms.repeat:
            out.append(f"{'how many times' if what == 'count' else 'when last'} {w.name(ref)} happened "
                       "(only its first day is observed)")
        elif what == "in_force" and ms.breakdown is not None and ms.breakdown.hazard is not None:
            out.append(f"whether {w.name(ref)} broke down by chance (not observed: taken as not)")
        elif what == "event" and c.static_day(ref) is None and ref not in history_events:
            out.append(f"whether {w.name(ref)} happened (a random event the observed file does not record: "
                       "taken as not)")
        elif what == "election":
            out.append(f"who won the {w.name('election.' + ref)} (not observed: taken as not decided)")
        elif what == "actor" and ref in randomly_entering:
            out.append(f"whether {w.name(ref)} entered (a random entry, not observed: taken as not)")
    return list(dict.fromkeys(out))


def _presence(c, st, entries, exits, day: int) -> None:
    """Actors entering on their date (once their ``when`` holds) and leaving on theirs or when theirs holds;
    a random entry is not observed, so such an actor stays out."""
    for a, spec in entries:
        if st.present[0, a] or st.entered_day[0, a] != NEVER or spec.date is None:
            continue
        if to_day(spec.date) <= day and (spec.when is None or spec.when.evaluate(st, day)[0]):
            st.present[0, a] = True
            st.entered_day[0, a] = day
    for a, spec in exits:
        if not st.present[0, a]:
            continue
        if (to_day(spec.date) <= day) if spec.date is not None else spec.when.evaluate(st, day)[0]:
            st.present[0, a] = False
            st.left_day[0, a] = min(int(st.left_day[0, a]), day)


def _breakdowns(c, st, day: int) -> None:
    """A milestone in force breaks down on the first day its breakdown's ``when`` holds (a breakdown by chance is
    not observed)."""
    for j, m in enumerate(c.milestones):
        b = m.breakdown
        if b is None or b.when is None or st.force_since[0, j] >= day:  # in force at least on its own day
            continue
        if b.when.evaluate(st, day)[0]:
            st.force_since[0, j] = NEVER
            st.broken_day[0, j] = min(int(st.broken_day[0, j]), day)


# --------------------------------------------------------------------------- loading


class ReplayInputError(ValueError):
    """Bad input for a replay, in one line: no observed-outcomes file."""


class NothingToReplay(ScenarioError):
    """An observed file that resolves no milestone (questions only): one problem, ``file:line:col: field: ...``."""


def load_for_replay(scenario_path: Path, observed_path: Path | None = None):
    """The observed file (beside the scenario unless given) loaded against the scenario; ScenarioError for a bad
    file, ReplayInputError when there is none or it resolves no milestone."""
    from ..scenario import load
    from ..scenario.loader import read_yaml
    from ..analysis.observed import load_observed, observed_beside

    loaded = load(scenario_path)
    path = Path(observed_path) if observed_path is not None else observed_beside(scenario_path)
    if not path.is_file():
        raise ReplayInputError(f"{scenario_path}: no observed-outcomes file (looked for {path}; give --observed "
                               "FILE)" if observed_path is None else f"{path}: no such observed-outcomes file")
    _, locs, _ = read_yaml(path)
    lo = load_observed(path, scenario=loaded)
    if not lo.observed.milestones:
        from ..scenario.loader import Problem

        line, col = locs.get(("milestones",), (1, 1))
        raise NothingToReplay([Problem(str(path), line, col, "milestones", "no milestone outcomes (a replay needs "
                                       "the observed first day, or happened: false, of at least one milestone)")])
    return lo


def corpus_replays(folder: Path) -> tuple[list[Replay], list[str]]:
    """Every scenario of a corpus folder that has an observed file beside it, replayed; and, in one line each,
    the observed files left out because they resolve no milestone (questions only)."""
    from ..analysis.observed import corpus_scenarios, observed_beside

    out, skipped = [], []
    for path in corpus_scenarios(folder):
        if observed_beside(path).is_file():
            try:
                out.append(replay(load_for_replay(path)))
            except NothingToReplay as exc:
                skipped.append(str(exc))
    return out, skipped
