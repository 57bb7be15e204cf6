"""A milestone classed in its scenario's own file that states no pace follows its class curve (the outside view by
default, issue 23): the scenario with those milestones' paces put in from the counted curves.

``Compiled`` applies this to every scenario it compiles; the curves come from the shipped counts
(``lang.class_curves``), so the compiler does not reach up into the outside view's counting. The outside view's
own views (``outside_view.views``) use the same ``curve_pace`` with curves they count themselves (leaving
negotiations out).
"""

from __future__ import annotations

ORIGIN = ("The outside view: how fast this kind of step happened in comparable cases (docs/outside-view.md), "
          "not a judgement on this case.")


def curve_pace(m, curve: tuple, name: str, excluded=()) -> dict:
    """The pace (a document mapping) by which milestone ``m`` follows its class curve ``curve`` = (days, chance)."""
    days, chance = curve
    if len(days) < 2:
        raise ValueError(f"the reference class '{name}' of '{m.id}' has too few counted spells for a curve: state "
                         "its pace")
    shape = {"class_curve": {"class": name, "days": list(days), "chance": list(chance),
                             "excluded": sorted(excluded)}}
    who = m.consenters()
    if not m.proposable:
        return {who[0]: {"act": shape}}
    sure = {"value": 1.0, "assumption": ORIGIN}
    return {a: ({"propose": sure, "accept": shape} if i == 0 else {"accept": sure}) for i, a in enumerate(who)}


def rebuilt(sc, changes: dict[tuple, dict]):
    """The scenario with the milestones at the given document paths changed (field -> value; None drops it),
    validated again."""
    from .schema import Scenario

    if not changes:
        return sc
    data = sc.model_dump(mode="json", by_alias=True)
    for path, fields in changes.items():
        node = data
        for key in path:
            node = node[key]
        for field, value in fields.items():
            if value is None:
                node.pop(field, None)
            else:
                node[field] = value
    return Scenario.model_validate(data)


def own_defaults(sc):
    """What a plain run uses (``Compiled``): the scenario itself, unless a milestone classed in its own file states
    no pace; then those take their class curve (counted from the whole dataset, as shipped)."""
    todo = [(m, path) for m, path in sc.all_milestones if m.class_ is not None and m.pace is None]
    if not todo:
        return sc
    from ..lang.class_curves import shipped

    curves = shipped(())
    if curves is None:
        raise ValueError("the class curves shipped with diplosim were counted from other data than the dataset and "
                         "corpus here: run `diplosim reference build` to count them again")
    return rebuilt(sc, {path: {"pace": curve_pace(m, curves[m.class_], m.class_)} for m, path in todo})
