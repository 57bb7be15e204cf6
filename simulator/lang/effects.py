"""Effects are numbers (issue 22 item 5): a change's value in any form of a number, a parameter of its own.

```yaml
effects:
  - {param: b.pressure_sensitivity, op: add, value: {low: -0.5, high: -0.2, dist: uniform},
     fades: {half_life_days: 30}, evidence: {source: icg_2023, note: "..."}}
  - {param: b.accept_hazard, op: odds, value: {odds_multiplier: 2}, assumption: "A ceasefire doubles the odds ..."}
  - {param: b.accept_hazard, op: set, value: {chance_within: {p: 0.5, days: 90}}, assumption: "..."}
```

A change's ``value`` is a plain number (as before: fixed, not a parameter) or a mapping stating a number in any
form a parameter takes (``value``, ``dist`` with ``low``/``high``, ``chance_within``, ``median_delay_days``,
``odds_multiplier``, ``from_reference``). The mapping carries the change's own ``evidence`` or ``assumption``
(or its own). Stated so, the value is a parameter named ``<owner>.<field>.<k>`` (``strike.effects.0``: the
first change of item ``strike``'s ``effects``; ``<election>.after_win.1``; a triggered effect without an id is
``effects_3``): drawn once per run like any parameter, listed by ``diplosim params``, changed with ``--set``,
swept, and moved by the fragile screen.

``op``: ``set`` (the parameter becomes the value), ``add`` (the value is added), ``odds`` (a chance only: its
odds are multiplied by the value, ``h' = m h / (1 - h + m h)``; a certainty stays one). Every op is clipped to the
parameter's range, and may fade (``fades``, lang/fades.py). A change stated with a plain number keeps its meaning
and adds no parameter (old scenarios keep their records).
"""

from __future__ import annotations

OPS = ("set", "add", "odds")


def changes(sc):
    """(document path, change) of every parameter change of the scenario, in document order."""
    from .base import ParamChange, walk_models

    return walk_models(sc, (), ParamChange)


def _owner(sc, path) -> str:
    obj = sc
    for p in path:
        obj = obj[p] if isinstance(p, int) or isinstance(obj, dict) else getattr(obj, p)
    own = getattr(obj, "id", None)
    return own if isinstance(own, str) else "_".join(str(p) for p in path)


def name_of(sc, path) -> str:
    """The parameter name of the change at ``path`` (``<owner>.<field>.<k>``)."""
    return f"{_owner(sc, path[:-2])}.{path[-2]}.{path[-1]}"


def parameters(sc):
    """(name, Param, path of its value) of every change whose value is stated as a number in any form."""
    for path, ch in changes(sc):
        if ch.amount is not None:
            yield name_of(sc, path), ch.amount, (*path, "value")


def units(sc, target_units: dict) -> dict:
    """Name -> unit of the effects' parameters: an odds multiplier for ``odds``, the target's unit for ``set``."""
    from .estimable import ODDS

    out = {}
    for path, ch in changes(sc):
        if ch.amount is None:
            continue
        if ch.op == "odds":
            out[name_of(sc, path)] = ODDS
        elif ch.op == "set" and ch.param in target_units:
            out[name_of(sc, path)] = target_units[ch.param]
    return out


_NAMED = None  # (the last scenario asked about, its changes stated as numbers by parameter name)


def _named(sc) -> dict:
    """Parameter name -> (path, change) of every change of ``sc`` whose value is stated as a number, the first in
    document order for a name; worked out once for the last scenario asked about (a scenario is frozen, and it is
    kept here, so its identity is not reused): labelling every parameter walks the scenario once, not once each."""
    global _NAMED
    hit = _NAMED
    if hit is None or hit[0] is not sc:
        named = {}
        for path, ch in changes(sc):
            if ch.amount is not None:
                named.setdefault(name_of(sc, path), (path, ch))
        hit = _NAMED = (sc, named)
    return hit[1]


def parameter_label(dotted: str, c, label) -> str | None:
    """Words for an effect's value: "Odds factor on <parameter> when Strike happens", "Change of ... ",
    "New value of ..." (``label``: a parameter's words)."""
    found = _named(c.scenario).get(dotted)
    if found is None:
        return None
    path, ch = found
    what = {"odds": "Odds factor on", "add": "Change of", "set": "New value of"}[ch.op]
    owner = _owner(c.scenario, path[:-2])
    return f"{what} {label(ch.param, c)} ({c.words.name(owner)}, {path[-2].replace('_', ' ')})"


def bounds(ch) -> tuple[float, float]:
    """The lowest and highest value a change's value can take in a run."""
    return ch.amount.bounds if ch.amount is not None else (ch.value, ch.value)


def words(ch, label: str) -> str:
    """The change in words (without its fading): "Turkey's flexibility rises by 0.05", "... odds x2"."""
    lo, hi = bounds(ch)
    form = ch.amount.estimable if ch.amount is not None else None
    if ch.op == "odds":
        how = f"{lo:g}" if lo == hi else f"{lo:g} to {hi:g}"
        return f"the odds of {label} are multiplied by {how}"
    if ch.op == "set":
        how = form.label() if form is not None else f"{lo:g}" if lo == hi else f"{lo:g} to {hi:g}"
        return f"{label} becomes {how}"
    if lo == hi:
        return f"{label} {'rises' if lo >= 0 else 'falls'} by {abs(lo):g}"
    return f"{label} changes by {lo:g} to {hi:g}"


class Amounts:
    """The parameter column of each change stated as a number in any form (the kernel's ``apply`` reads a run's
    value there)."""

    def __init__(self, c):
        self.col = {id(ch): c.table.index[name_of(c.scenario, path)]
                    for path, ch in changes(c.scenario) if ch.amount is not None}

    def of(self, st, mask, ch):
        col = self.col.get(id(ch))
        return ch.value if col is None else st.V[mask, col]


def check(sc, err, known, chances) -> None:
    """``odds`` changes only a chance (one of ``chances``), by a factor that is not negative (a change of an
    unknown parameter, not one of ``known``, is reported elsewhere)."""
    for path, ch in changes(sc):
        if ch.op != "odds" or ch.param not in known:
            continue
        if ch.param not in chances:
            err((*path, "op"), f"'odds' multiplies the odds of a chance, and '{ch.param}' is not a chance "
                "(use 'set' or 'add')")
        elif bounds(ch)[0] < 0:
            err((*path, "value"), f"an odds multiplier cannot be negative (got {bounds(ch)[0]:g})")


def example_value(draw, value: float):
    """For the scenario generator: a change's plain ``value`` stated as a number in any form, between half of it
    and it (so it keeps a range the plain number keeps, for ``set`` and ``add`` alike)."""
    from hypothesis import strategies as st

    if value == 0:
        return {"value": 0.0}
    lo, hi = sorted((value / 2, value))
    return draw(st.sampled_from([{"value": value}, {"dist": "uniform", "low": lo, "high": hi},
                                 {"dist": "triangular", "low": lo, "mode": (lo + hi) / 2, "high": hi}]))
