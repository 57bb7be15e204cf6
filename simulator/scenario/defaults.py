"""Calibration files: what `diplosim calibrate` writes and a scenario names with ``defaults: FILE``.

```yaml
schema_version: 1
kind: calibration
constants: {proposal_odds: 1.8, sharpness_scale: 0.7}   # the fitted values (others stay neutral, 1)
fitted: [proposal_odds, sharpness_scale]
intervals: {proposal_odds: [1.2, 2.9], ...}              # bootstrap over negotiations
score: pooled mean Brier of yes/no questions + pooled mean CRPS of dates (weeks / horizon)
corpus: {path: ..., negotiations: [{name, scenario_hash, observed_sha256}, ...]}
runs: 200
seed: 1
scores: {before: {...}, after: {...}}                    # in-sample and leave-one-negotiation-out
```

`scenario.loader.load_calibration` reads it: a problem (missing file, another schema version, an unknown
constant, a constant out of its bounds) is one line naming the file,
line and field.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

SCHEMA_VERSION = 1


class CalibrationFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int
    kind: Literal["calibration"] = "calibration"
    constants: dict[str, float]
    fitted: list[str] = []
    intervals: dict[str, list[float]] = {}
    score: str = ""
    corpus: dict[str, Any] = {}
    runs: int | None = None
    seed: int | None = None
    scores: dict[str, Any] = {}
    method: dict[str, Any] = {}

    @field_validator("schema_version")
    @classmethod
    def _version(cls, v):
        if v != SCHEMA_VERSION:
            raise ValueError(f"calibration file of schema version {v}; this diplosim reads version {SCHEMA_VERSION} "
                             "(run `diplosim calibrate` again)")
        return v


def problems(cal: CalibrationFile) -> list[tuple[tuple, str]]:
    """Semantic problems of a calibration file: (document path, message), one per problem."""
    from .constants import CONSTANTS

    found = []
    for name, value in cal.constants.items():
        const = CONSTANTS.get(name)
        if const is None:
            found.append((("constants", name), f"unknown constant '{name}' (known: {', '.join(CONSTANTS)})"))
        elif not const.low <= value <= const.high:
            found.append((("constants", name), f"must lie within [{const.low:g}, {const.high:g}] (got {value:g})"))
    return found


def document(data: dict) -> dict:
    """A calibration file's content, checked, with its schema version (what the writer dumps)."""
    return CalibrationFile.model_validate({"schema_version": SCHEMA_VERSION, **data}).model_dump(mode="json")
