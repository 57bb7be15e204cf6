"""Calibration files: what `diplosim calibrate` writes and a scenario names with ``defaults: FILE``.

```yaml
schema_version: 1
kind: calibration
constants: {proposal_odds: 1.8, sharpness_scale: 0.7}   # the fitted values (others stay neutral, 1)
fitted: [proposal_odds, sharpness_scale]
intervals: {proposal_odds: [1.2, 2.9], ...}              # bootstrap over negotiations
score: mean Brier of yes/no questions + mean CRPS of dates (fraction of the calendar)
corpus: {path: ..., negotiations: [{name, scenario_hash, observed_sha256}, ...]}
runs: 200
seed: 1
scores: {before: {...}, after: {...}}                    # in-sample and leave-one-negotiation-out
```

A problem (missing file, another schema version, an unknown constant) is one line naming the file,
line and field.
"""

from __future__ import annotations

import json
from pathlib import Path
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


def load_calibration(path: str | Path) -> CalibrationFile:
    """Read and check a calibration file (YAML or JSON); ScenarioError with one line per problem."""
    from ..scenario.loader import Problem, ScenarioError, load_document, problems_at
    from .constants import CONSTANTS

    path = Path(path)
    if not path.is_file():
        raise ScenarioError([Problem(str(path), 1, 1, "(file)", "calibration file not found")])
    cal, locs, _ = load_document(path, CalibrationFile, "a calibration file")
    found = []
    for name, value in cal.constants.items():
        const = CONSTANTS.get(name)
        if const is None:
            found.append((("constants", name), f"unknown constant '{name}' (known: {', '.join(CONSTANTS)})"))
        elif not const.low <= value <= const.high:
            found.append((("constants", name), f"must lie within [{const.low:g}, {const.high:g}] (got {value:g})"))
    if found:
        raise problems_at(path, locs, found)
    return cal


def resolve_defaults(sc, scenario_path: Path, locs: dict):
    """The scenario with its ``defaults: FILE`` read: the file's constants kept in the scenario."""
    from ..scenario.loader import Problem, ScenarioError, locate
    from ..scenario.schema import Defaults

    file = scenario_path.parent / sc.defaults.file
    if not file.is_file():
        line, col = locate(("defaults",), locs)
        raise ScenarioError([Problem(str(scenario_path), line, col, "defaults",
                                     f"calibration file '{sc.defaults.file}' not found (relative to the scenario)")])
    cal = load_calibration(file)
    return sc.model_copy(update={"defaults": Defaults(file=sc.defaults.file, constants=dict(cal.constants))})


def write_calibration(path: str | Path, data: dict) -> Path:
    """Write a calibration file: JSON for ``.json``, YAML otherwise. Checked by reading it back."""
    path = Path(path)
    doc = CalibrationFile.model_validate({"schema_version": SCHEMA_VERSION, **data}).model_dump(mode="json")
    if path.suffix == ".json":
        path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    else:
        from ruamel.yaml import YAML

        yaml = YAML()
        yaml.default_flow_style = None
        yaml.width = 120
        with path.open("w", encoding="utf-8") as fh:
            yaml.dump(doc, fh)
    load_calibration(path)
    return path
