"""The classes of the corpus scenarios' milestones, kept beside the scenarios in ``milestone_classes.yaml``.

A scenario whose outcome is known is frozen (its content hash is part of the track record), so its milestones
cannot take a ``class:`` in the file itself. The side file maps a scenario file's name to its milestone ids, each to a
class of the vocabulary (``classes.py``)::

    syria_turkey_2023.yaml:
      fm_meeting: ministerial_meeting

A milestone's own ``class:`` wins over the side file (``outside_view.replay.milestone_class``). Problems are one line
each, ``file:line:col: field: message``: a class not in the vocabulary, a scenario not in the folder, a milestone the
scenario does not have.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import RootModel

from ..analysis.observed import CLASSES_FILE as NAME  # the corpus folder's layout is said there
from .classes import ClassName


class MilestoneClasses(RootModel[dict[str, dict[str, ClassName]]]):
    """scenario file name -> milestone id -> class."""


def read_classes(path: str | Path) -> dict[str, dict[str, str]]:
    """The side file, its classes checked against the vocabulary (ScenarioError, one line per problem); the
    scenarios and milestones it names are checked by ``check_classes``."""
    from pydantic import ValidationError

    from ..scenario.loader import Problem, ScenarioError, _pydantic_problems, read_yaml

    path = Path(path)
    data, locs, _ = read_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ScenarioError([Problem(str(path), 1, 1, "(document)", "the milestone classes are a YAML mapping: "
                                     "scenario file -> milestone id -> class")])
    try:
        return MilestoneClasses.model_validate(data).root
    except ValidationError as exc:
        raise ScenarioError(_pydantic_problems(exc, data, locs, str(path), MilestoneClasses)) from None


def classes_beside(scenario_path: str | Path) -> dict[str, str]:
    """milestone id -> class for one scenario, from the side file in its folder (none when there is no side file)."""
    scenario_path = Path(scenario_path)
    side = scenario_path.parent / NAME
    return read_classes(side).get(scenario_path.name, {}) if side.is_file() else {}


def check_classes(path: str | Path):
    """Every problem of the side file (``Problem``, one line each): unknown classes, then scenario files not in its
    folder and milestone ids their scenario does not have (ids of track levels and ladder stages as the scenario
    expands them: ``ladder.stage``)."""
    from ..analysis.observed import corpus_scenarios
    from ..scenario import load
    from ..scenario.loader import Problem, ScenarioError, locate, read_yaml

    path = Path(path)
    try:
        classes = read_classes(path)
    except ScenarioError as exc:
        return list(exc.problems)
    _, locs, _ = read_yaml(path)
    scenarios = {p.name: p for p in corpus_scenarios(path.parent)}
    problems = []
    for name, milestones in classes.items():
        if name not in scenarios:
            problems.append(Problem(str(path), *locate((name,), locs), name, f"unknown scenario (scenario files in "
                                    f"{path.parent}: {', '.join(sorted(scenarios))})"))
            continue
        try:
            sc = load(scenarios[name], check_sources=False).scenario
        except ScenarioError:
            problems.append(Problem(str(path), *locate((name,), locs), name, "the scenario does not load "
                                    f"(diplosim validate {scenarios[name]})"))
            continue
        known = [m.id for m, _ in sc.all_milestones]
        for mid in milestones:
            if mid not in known:
                problems.append(Problem(str(path), *locate((name, mid), locs), f"{name}.{mid}",
                                        f"unknown milestone (milestones of {name}: {', '.join(known)})"))
    return sorted(problems, key=lambda p: (p.line, p.col))
