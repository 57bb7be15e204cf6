"""The what-if state and its URL form, so a link reproduces the view.

``?scenario=main&runs=500&seed=1&set=turkey.flexibility%3D0.5&set=russia.active%3D0``:
every ``set`` is a parameter override (the same ``name=value`` as ``--set``);
switches (``<precondition>.enabled``, ``<mediator>.active``) are parameters too.
Parsing never raises: bad parts are dropped and reported as one-line messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

MAX_RUNS = 20_000  # keeps one what-if below a few seconds even on the Mesa engine's slowest scenarios


@dataclass(frozen=True)
class WhatIf:
    scenario: str
    runs: int
    seed: int
    overrides: dict[str, float] = field(default_factory=dict)

    def to_search(self) -> str:
        pairs = [("scenario", self.scenario), ("runs", str(self.runs)), ("seed", str(self.seed))]
        pairs += [("set", f"{name}={value!r}") for name, value in sorted(self.overrides.items())]
        return "?" + urlencode(pairs)

    def key(self) -> tuple:
        return (self.scenario, self.seed, self.runs, tuple(sorted(self.overrides.items())))


def parse_search(search: str | None, default_scenario: str, table_for, runs: int, seed: int
                 ) -> tuple[WhatIf, list[str]]:
    """URL query -> (state, problems). ``table_for(key)`` gives a scenario's ParameterTable or None if unknown."""
    from simulator.scenario.params import parse_assignment

    query = parse_qs((search or "").lstrip("?"), keep_blank_values=True)
    problems: list[str] = []
    scenario = _last(query, "scenario") or default_scenario
    table = table_for(scenario)
    if table is None:
        problems.append(f"URL: scenario: unknown scenario '{scenario}' (uploads last while the server runs); "
                        f"showing '{default_scenario}'")
        scenario, table = default_scenario, table_for(default_scenario)
    runs = _int(query, "runs", runs, 1, MAX_RUNS, problems)
    seed = _int(query, "seed", seed, 0, 2**63 - 1, problems)
    overrides: dict[str, float] = {}
    for text in query.get("set", []):
        try:
            name, value = parse_assignment(text, table, where="URL: set")
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if is_switch(table, name) and value not in (0.0, 1.0):
            problems.append(f"URL: set: switch '{name}' takes 0 or 1, not {value:g}")
            continue
        overrides[name] = value
    return WhatIf(scenario, runs, seed, overrides), problems


def is_switch(table, name: str) -> bool:
    """The implicit on/off parameters (``<precondition>.enabled``, ``<mediator>.active``)."""
    from simulator.scenario.params import TOGGLE

    return table.params[name] is TOGGLE


def _last(query: dict, name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


def _int(query: dict, name: str, default: int, low: int, high: int, problems: list[str]) -> int:
    raw = _last(query, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        problems.append(f"URL: {name}: '{raw}' is not a whole number; using {default}")
        return default
    if not low <= value <= high:
        problems.append(f"URL: {name}: {value} is outside {low}..{high}; using {default}")
        return default
    return value
