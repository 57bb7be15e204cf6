"""libyaml's fast reading (``scenario/yaml_fast.py``) gives exactly ruamel's values and line numbers, or
declines: on every YAML file of the project and on generated documents full of look-alike scalars."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.scenario import yaml_fast
from simulator.scenario.loader import ScenarioError, read_yaml, read_yaml_text

ROOT = Path(__file__).resolve().parents[1]
PROJECT_YAML = sorted(p for d in ("scenarios", "tests", "examples", "docs") for p in (ROOT / d).rglob("*.y*ml"))


def typed(x):
    """The value with every scalar's type spelled out (1, 1.0 and True are equal in Python, not here)."""
    if isinstance(x, dict):
        return {k: typed(v) for k, v in x.items()}
    if isinstance(x, list):
        return [typed(v) for v in x]
    return (type(x).__name__, x)


def reference(text: str):
    try:
        data, locs = read_yaml_text(text, "f.yaml")
    except ScenarioError:
        return None
    return typed(data), locs


def test_the_project_has_yaml_files_to_compare():
    assert len(PROJECT_YAML) >= 20 and any(p.name == "syria_turkey_2023.yaml" for p in PROJECT_YAML)


@pytest.mark.parametrize("path", PROJECT_YAML, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_project_file_is_read_fast_and_exactly_as_ruamel_reads_it(path):
    text = path.read_text(encoding="utf-8")
    fast = yaml_fast.read(text)
    assert fast is not None, "an ordinary project file should take the fast path"
    assert (typed(fast[0]), fast[1]) == reference(text)
    data, locs, _ = read_yaml(path)  # and the loader takes it
    assert (typed(data), locs) == reference(text)


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",                      # anchor and alias
    "a: {b: 1}\nc:\n  <<: {b: 2}\n",          # merge key
    "a: 1\na: 2\n",                           # duplicate key
    "a: !!str 5\n",                           # explicit standard tag
    "a: !!python/object/apply:os.system ['echo hi']\n",
    "a: yes\n", "a: 0o17\n", "a: 1_000\n", "a: 1e3\n", "a: .5\n", "a: .inf\n", "a: 007\n", "a: 1:30\n",
    "a: 2023-02-30\n", "a: 2023-05-14 10:00\n", "a: [1, 2\n", "- a\nb: 1\n", "",
    "--- 1\n--- 2\n",                         # two documents
    "2023-05-14: x\n", "1.5: x\n", "true: x\n", "~: x\n",
])
def test_unusual_documents_are_left_to_ruamel(text):
    assert yaml_fast.read(text) is None


SCALARS = ["0", "1", "-1", "+1", "10", "007", "0.5", "-0.25", "1.", ".5", "1e3", "1.5e-3", "1_000", "0x1F", "0o17",
           "0b11", ".inf", "-.inf", ".nan", "inf", "nan", "yes", "no", "on", "off", "y", "n", "true", "False", "TRUE",
           "null", "Null", "~", "2023-05-14", "2023-5-4", "2023-02-30", "2023-05-14T10:00:00", "12:30", "1:30:00",
           "Syria", "Türkiye–Syria talks", "30 June talks", "a b", "x-1", "v2", "1st", "2023 election", "-", "--x",
           "'quoted'", '"double"', "'yes'", '"1.5"', '"2023-05-14"', "'~'", "|\n    block\n    text", ">\n    folded\n    text"]


def document(pairs, nested):
    lines = []
    for i, value in enumerate(pairs):
        lines.append(f"k{i}: {value}")
    lines.append("list:")
    for value in nested:
        lines.append(f"  - {value}")
    lines.append("map:")
    for i, value in enumerate(nested):
        lines.append(f"  n{i}: {value}")
    return "\n".join(lines) + "\n"


@settings(max_examples=150, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SCALARS), min_size=1, max_size=6),
       st.lists(st.sampled_from([s for s in SCALARS if "\n" not in s]), min_size=1, max_size=4))
def test_generated_documents_read_fast_agree_with_ruamel_or_are_declined(pairs, nested):
    text = document(pairs, nested)
    fast = yaml_fast.read(text)
    if fast is not None:
        assert (typed(fast[0]), fast[1]) == reference(text), text


def test_the_fast_reading_keeps_types_dates_and_positions():
    text = "a: 1\nb: 1.0\nc: true\nd: 2023-05-14\ne: ~\nf: '1'\ng:\n  - x\n  - {h: 2}\n"
    data, locs = yaml_fast.read(text)
    assert data == {"a": 1, "b": 1.0, "c": True, "d": dt.date(2023, 5, 14), "e": None, "f": "1",
                    "g": ["x", {"h": 2}]}
    assert type(data["b"]) is float and type(data["a"]) is int
    assert locs[("g", 1)] == (9, 5) and locs[("g", 1, "h")] == (9, 6) and locs[("d",)] == (4, 1)
