"""The outside view as scenarios: class curves as the pace of classed milestones.

- ``outside_view(scenario)``: class curves only. Every classed milestone (its own ``class:``, or the corpus side file
  ``milestone_classes.yaml`` beside a loaded scenario) loses its author's ``pace:`` and ``adjust:`` and takes its
  class's curve; the structure stays (milestones, gates, conditions, preconditions, calendar, mediators, questions).
- ``with_defaults(scenario)``: the forecast as written, except that classed milestones without a ``pace:`` take
  their class's curve, moved by the author's ``adjust:``. A plain run does this for milestones classed in the
  scenario's own file (``Compiled`` calls ``own_defaults``); a frozen corpus scenario, classed only through the side
  file, runs as written.
- ``adjustments(scenario)``: the author's adjustments, one row per number, each a parameter (``--set`` it to its
  ``neutral`` value to see how far it moves each question).

How a whole-milestone curve maps onto the model's decisions (``curve_pace``): a unilateral step's ``act`` follows
the curve; a meeting or joint act is put on the table by its first actor whenever it could happen (chance 1) and
that actor's acceptance follows the curve, the others accepting for certain. So the curve is the chance that the
step is agreed, counted from the day it became possible in the run (``lang/timeshape.py``), and a mediator or an
occasion putting it on the table does not speed it up (it lies there already). Gates, preconditions (a soft one is
still waived by its holder's rule), freezes and ``proposed_by`` apply as before.

Curves are counted from the dataset (``curves.counted_spells``: the timelines and the corpus replays) as
Kaplan–Meier point estimates at the weekly days of ``curves.GRID``, up to the last day the estimate is defined, once
per set of left-out negotiations in a process and in the on-disk cache (``class_curves``); ``classes=`` takes curves
already built (``curves.build_classes``).
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Iterable
from pathlib import Path

from ..scenario.class_defaults import ORIGIN, curve_pace, own_defaults, rebuilt as _rebuilt  # noqa: F401


@dataclasses.dataclass(frozen=True)
class Adjustment:
    """One number of an author's ``adjust:``: how far this case departs from its class curve, and why."""

    milestone: str
    actor: str  # the actor whose decision carries the curve (``curve_pace``)
    what: str  # "odds" | "shift_days"
    value: float
    reason: str
    parameter: str  # dotted parameter name (``diplosim params``, ``--set``)
    neutral: float  # the value that changes nothing: 1 for odds, 0 for shift_days
    label: str  # words for people


@functools.lru_cache(maxsize=32)
def _counted(exclude: tuple[str, ...]) -> dict[str, tuple[tuple[float, ...], tuple[float, ...]]]:
    """Counted once per process and left-out set, and kept in the on-disk cache (``simulator/cache.py``) under the
    data files and the code: another run of the same command does not count again."""
    from ..lang.class_curves import shipped

    counted = shipped(exclude)  # as counted by `diplosim reference ship` from these very files
    return counted if counted is not None else _count(exclude)


def _count(exclude) -> dict[str, tuple[tuple[float, ...], tuple[float, ...]]]:
    """Count the curves without the negotiations ``exclude`` (kept in the on-disk cache under the contents of the
    data files: the shipped curves' fingerprint)."""
    import numpy as np

    from .. import cache
    from ..lang.class_curves import fingerprint
    from .classes import CLASSES
    from .curves import GRID, chance_within, counted_spells

    key = cache.key("class_curves", list(exclude), fingerprint())
    hit = cache.get("class_curves", key)
    if hit is not None:
        return {name: (tuple(d), tuple(c)) for name, (d, c) in hit.items()}
    table, _ = counted_spells(exclude)
    out = {}
    for name in CLASSES:
        rows = table[table["class"] == name]
        chance = chance_within(rows["duration_days"].to_numpy(float), rows["event"].to_numpy(bool), np.array(GRID))
        out[name] = _defined(GRID, [None if np.isnan(x) else float(x) for x in chance])
    cache.put("class_curves", key, {name: [list(d), list(c)] for name, (d, c) in out.items()})
    return out


def _defined(days, chance) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The curve's points up to the last day its estimate is defined."""
    pts = []
    for d, c in zip(days, chance):
        if c is None:
            break
        pts.append((float(d), float(c)))
    return tuple(p[0] for p in pts), tuple(p[1] for p in pts)


def class_curves(exclude: Iterable[str] = (), classes=None) -> dict[str, tuple[tuple[float, ...], tuple[float, ...]]]:
    """class -> (days, chance within each) of every class: from ``classes`` (``curves.ClassCurve`` by name) when
    given, else counted without the negotiations ``exclude`` (cached per set in this process)."""
    if classes is not None:
        return {name: _defined(c.days, c.chance) for name, c in classes.items()}
    return _counted(tuple(sorted(set(exclude))))


def _resolve(scenario):
    """(the Scenario model, the LoadedScenario or None, how to give the result back)."""
    from ..scenario.loader import LoadedScenario
    from ..scenario.schema import Scenario

    if isinstance(scenario, (str, os.PathLike)):
        from ..scenario import load

        scenario = load(Path(scenario))
    if isinstance(scenario, LoadedScenario):
        loaded = scenario
        return loaded.scenario, loaded, lambda sc: dataclasses.replace(loaded, scenario=sc)
    if isinstance(scenario, Scenario):
        return scenario, None, lambda sc: sc
    raise TypeError(f"a scenario is a path, a loaded scenario or a Scenario (got {type(scenario).__name__})")


def _side(loaded) -> dict[str, str]:
    if loaded is None:
        return {}
    from .corpus_classes import classes_beside

    return classes_beside(loaded.path)


def _changed(sc, side: dict, exclude, classes, *, everything: bool):
    curves = None
    changes = {}
    for m, path in sc.all_milestones:
        name = m.class_ or side.get(m.id)
        if name is None or (not everything and m.pace is not None):
            continue
        if curves is None:
            curves = class_curves(exclude, classes)
        excluded = () if classes is not None else exclude
        fields = {"pace": curve_pace(m, curves[name], name, excluded)}
        if everything:
            fields["adjust"] = None
        changes[path] = fields
    return _rebuilt(sc, changes)


def outside_view(scenario, *, exclude: Iterable[str] = (), classes=None):
    """The scenario with class curves only: every classed milestone's (own ``class:`` or the side file's) pace and
    adjustment replaced by its class curve (``curve_pace``), structure kept. Returns what it was given: a
    LoadedScenario for a path or a LoadedScenario, a Scenario for a Scenario."""
    sc, loaded, back = _resolve(scenario)
    return back(_changed(sc, _side(loaded), list(exclude), classes, everything=True))


def with_defaults(scenario, *, exclude: Iterable[str] = (), classes=None):
    """The forecast as written, except that classed milestones (own ``class:`` or the side file's) whose author
    states no ``pace`` take their class curve, moved by the author's ``adjust``."""
    sc, loaded, back = _resolve(scenario)
    return back(_changed(sc, _side(loaded), list(exclude), classes, everything=False))


def adjustments(scenario) -> list[Adjustment]:
    """Each number of the author's ``adjust:`` blocks, in scenario order."""
    from ..compiled import Compiled

    sc, _, _ = _resolve(scenario)
    words = None
    out = []
    for m, _ in sc.all_milestones:
        if m.adjust is None:
            continue
        if words is None:
            words = Compiled(sc).words
        actor = m.consenters()[0]
        for what, value in m.adjust.items():
            how = f"odds x{value:g}" if what == "odds" else f"{value:+g} days"
            out.append(Adjustment(milestone=m.id, actor=actor, what=what, value=float(value), reason=m.adjust.reason,
                                  parameter=m.adjust.name(m.id, what), neutral=m.adjust.NEUTRAL[what],
                                  label=f"{words.name(m.id)}: {how} from its class curve ({m.adjust.reason})"))
    return out


def without(scenario, adjustment: Adjustment):
    """The scenario without one adjustment (its other numbers kept)."""
    sc, _, back = _resolve(scenario)
    for m, path in sc.all_milestones:
        if m.id == adjustment.milestone and m.adjust is not None:
            rest = {w: v for w, v in m.adjust.items() if w != adjustment.what}
            new = {**rest, "reason": m.adjust.reason} if rest else None
            return back(_rebuilt(sc, {path: {"adjust": new}}))
    raise ValueError(f"'{adjustment.milestone}' has no adjustment")

