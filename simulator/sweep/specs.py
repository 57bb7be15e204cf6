"""Parsing ``--vary`` options: ``name=lo:hi:n`` (evenly spaced), ``name=lo:hi`` (a range to sample) or ``name=v1,v2``."""

from __future__ import annotations

import math
from dataclasses import dataclass


class SpecError(ValueError):
    """A bad ``--vary`` option; the message is one line and names the option."""


@dataclass(frozen=True)
class VarySpec:
    name: str
    text: str
    low: float | None = None
    high: float | None = None
    values: tuple[float, ...] | None = None  # explicit grid values (a list, or lo:hi:n)

    def to_json(self) -> dict:
        return {"name": self.name, "text": self.text, "low": self.low, "high": self.high,
                "values": list(self.values) if self.values is not None else None}


def _number(raw: str, text: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise SpecError(f"--vary '{text}': '{raw}' is not a number") from None
    if not math.isfinite(value):
        raise SpecError(f"--vary '{text}': '{raw}' is not a finite number")
    return value


def parse_vary(text: str, valid_names: list[str]) -> VarySpec:
    if "=" not in text:
        raise SpecError(f"--vary '{text}': expected name=lo:hi:n, name=lo:hi or name=v1,v2,...")
    name, _, body = (part.strip() for part in text.partition("="))
    if name not in valid_names:
        raise SpecError(f"--vary '{text}': unknown parameter '{name}'; valid names: {', '.join(valid_names)}")
    if not body:
        raise SpecError(f"--vary '{text}': no values after '='")
    if ":" in body:
        parts = body.split(":")
        if len(parts) not in (2, 3):
            raise SpecError(f"--vary '{text}': a range is lo:hi or lo:hi:n")
        low, high = _number(parts[0], text), _number(parts[1], text)
        if low > high:
            raise SpecError(f"--vary '{text}': empty range (lo {low:g} > hi {high:g})")
        if len(parts) == 2:
            return VarySpec(name, text, low, high)
        try:
            n = int(parts[2])
        except ValueError:
            raise SpecError(f"--vary '{text}': n must be a whole number, got '{parts[2]}'") from None
        if n < 1:
            raise SpecError(f"--vary '{text}': empty range (n must be at least 1)")
        if n > 1 and low == high:
            raise SpecError(f"--vary '{text}': empty range (lo equals hi, so n must be 1)")
        import numpy as np

        values = tuple(float(v) for v in np.linspace(low, high, n))  # linspace keeps both ends exact
        return VarySpec(name, text, low, high, values)
    raw = [v.strip() for v in body.split(",")]
    if any(not v for v in raw):
        raise SpecError(f"--vary '{text}': empty value in the list")
    values = tuple(_number(v, text) for v in raw)
    if len(set(values)) != len(values):
        raise SpecError(f"--vary '{text}': repeated value in the list")
    return VarySpec(name, text, min(values), max(values), values)


def parse_varies(texts: list[str], valid_names: list[str], table=None) -> list[VarySpec]:
    """The ``--vary`` options; with the scenario's parameter table, every value (a grid's, a list's, a sampled
    range's ends) is checked against its parameter's allowed range (``ParameterTable.check``)."""
    specs = [parse_vary(t, valid_names) for t in texts]
    for s in specs if table is not None else ():
        for value in s.values if s.values is not None else (s.low, s.high):
            try:
                table.check(s.name, value, f"--vary '{s.text}'")
            except ValueError as exc:
                raise SpecError(str(exc)) from None
    seen: set[str] = set()
    for s in specs:
        if s.name in seen:
            raise SpecError(f"--vary: parameter '{s.name}' is varied twice")
        seen.add(s.name)
    return specs
