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
MAX_SEED = 2**53 - 1  # the largest whole number a browser's number box (a double) holds exactly


def whole_number(name: str, value, low: int, high: int) -> tuple[int | None, str | None]:
    """A number box's value -> (the whole number, None), or (None, one line saying what it must be): a box left
    empty (or holding what the browser cannot read as a number) gives None, a fraction or a value out of range
    is named."""
    what = f"a whole number from {low:,} to {high:,}"
    if value is None or value == "" or isinstance(value, bool):
        return None, f"{name}: empty or not {what}"
    try:
        number = float(value)
        whole = int(value) if isinstance(value, int) else int(number) if number.is_integer() else None
    except (TypeError, ValueError, OverflowError):
        return None, f"{name}: '{str(value)[:25]}' is not {what}"
    if whole is None or not low <= whole <= high:
        return None, f"{name}: {str(value)[:25]} is not {what}"
    return whole, None


def tidy(value: float) -> float:
    """A number without the noise of binary arithmetic: 12 significant digits (1.1199999999999999 -> 1.12)."""
    return float(f"{float(value):.12g}")


@dataclass(frozen=True)
class WhatIf:
    scenario: str
    runs: int
    seed: int
    overrides: dict[str, float] = field(default_factory=dict)

    def __post_init__(self):
        # a slider's value is a browser's sum of steps (1.1199999999999999): the state runs, and its URL says, the
        # number it stands for (1.12), so the address reads cleanly and reproduces exactly what ran
        object.__setattr__(self, "overrides", {k: tidy(v) for k, v in self.overrides.items()})

    def to_search(self) -> str:
        pairs = [("scenario", self.scenario), ("runs", str(self.runs)), ("seed", str(self.seed))]
        pairs += [("set", f"{name}={value!r}") for name, value in sorted(self.overrides.items())]
        return "?" + urlencode(pairs)

    def key(self) -> tuple:
        return (self.scenario, self.seed, self.runs, tuple(sorted(self.overrides.items())))


MAX_QUERY_CHARS = 60_000  # a what-if URL is a few hundred characters; the server refuses lines over 64 KiB anyway
MAX_SETTING_CHARS = 200  # one `name=value`: the longest dotted name plus a number fits many times over
MAX_SHOWN = 4  # problems of one kind listed before the rest are summarised in one line


class UnknownParameter(ValueError):
    """A setting names no parameter of the scenario (kept apart so many of them make one line)."""

    def __init__(self, where: str, name: str):
        self.name = name
        super().__init__(f"{where}: unknown parameter '{name}' (see `diplosim params SCENARIO`)")


def what_if_range(table, name: str) -> tuple[float, float]:
    """The values a what-if may give a parameter: an uncertain one's support (the slider's range), 0 or 1 for
    a switch, and for a fixed one from 0 (or twice a negative value) to twice its value (at least 1)."""
    p = table.params[name]
    if p.is_uncertain:
        lo, hi = p.bounds
        return float(lo), float(hi)
    if is_switch(table, name):
        return 0.0, 1.0
    return min(0.0, 2 * p.value), max(1.0, 2 * p.value)


def check_assignment(text: str, table, where: str) -> tuple[str, float]:
    """``name=value`` -> (name, value) if the dashboard may set it; ValueError (one line) otherwise."""
    from simulator.scenario.params import parse_assignment

    if len(text) > MAX_SETTING_CHARS:
        raise ValueError(f"{where}: a setting of {len(text):,} characters is too long (at most "
                         f"{MAX_SETTING_CHARS}); it starts '{text[:30]}'")
    name = text.partition("=")[0].strip()
    if "=" in text and name not in table.index:
        raise UnknownParameter(where, name)
    name, value = parse_assignment(text, table, where=where)
    if is_switch(table, name):
        if value not in (0.0, 1.0):
            raise ValueError(f"{where}: switch {table.label(name)} takes 0 or 1, not {value:g}")
        return name, value
    lo, hi = what_if_range(table, name)
    if not lo <= value <= hi:
        kind = "range" if table.params[name].is_uncertain else "what-if range"
        raise ValueError(f"{where}: {value:g} for {table.label(name)} is outside its {kind} {lo:g} to {hi:g}")
    return name, value


def check_assignments(texts: list[str], table, where: str) -> tuple[dict[str, float], list[str]]:
    """Several settings -> (overrides, one-line problems); many problems of a kind are summarised."""
    out: dict[str, float] = {}
    unknown: list[str] = []
    other: list[str] = []
    for text in texts:
        try:
            name, value = check_assignment(text, table, where)
        except UnknownParameter as exc:
            unknown.append(exc.name)
            continue
        except ValueError as exc:
            other.append(str(exc))
            continue
        out[name] = value
    found = []
    if len(unknown) == 1:
        found.append(str(UnknownParameter(where, unknown[0])))
    elif unknown:
        shown = ", ".join(f"'{n[:40]}'" for n in unknown[:MAX_SHOWN])
        found.append(f"{where}: {len(unknown):,} unknown parameters ({shown}"
                     f"{', ...' if len(unknown) > MAX_SHOWN else ''}); none of them was used "
                     "(see `diplosim params SCENARIO`)")
    found += other[:MAX_SHOWN]
    if len(other) > MAX_SHOWN:
        found.append(f"{where}: {len(other) - MAX_SHOWN:,} more settings refused for the same kinds of reason")
    return out, found


def parse_search(search: str | None, default_scenario: str, table_for, runs: int, seed: int
                 ) -> tuple[WhatIf, list[str]]:
    """URL query -> (state, problems). ``table_for(key)`` gives a scenario's ParameterTable or None if unknown."""
    search = search or ""
    if len(search) > MAX_QUERY_CHARS:
        return WhatIf(default_scenario, runs, seed), [
            f"URL: the address is {len(search):,} characters long, more than the {MAX_QUERY_CHARS:,} a what-if "
            "can need; its settings were ignored and the baseline is shown"]
    query = parse_qs(search.lstrip("?"), keep_blank_values=True)
    problems: list[str] = []
    scenario = _last(query, "scenario") or default_scenario
    table = table_for(scenario)
    if table is None:
        problems.append(f"URL: scenario: unknown scenario '{scenario[:60]}' (an upload is seen only in the browser "
                        "tab that made it, for some hours after its last use); "
                        f"showing '{default_scenario}'")
        scenario, table = default_scenario, table_for(default_scenario)
    runs = _int(query, "runs", runs, 1, MAX_RUNS, problems)
    seed = _int(query, "seed", seed, 0, MAX_SEED, problems)
    overrides, found = check_assignments(query.get("set", []), table, "URL: set")
    return WhatIf(scenario, runs, seed, overrides), problems + found


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
        value = int(raw) if len(raw) <= 25 else int("x")
    except ValueError:
        problems.append(f"URL: {name}: '{raw[:25]}' is not a whole number; using {default}")
        return default
    if not low <= value <= high:
        problems.append(f"URL: {name}: {value} is outside {low}..{high}; using {default}")
        return default
    return value
