"""Every built-in rule is one file plus its test (issue 26): its docstring names its source, it has an array form
in its own file, and tests/rules/test_<name>.py runs rule_properties on it."""

import inspect
import re
from pathlib import Path

import pytest

from simulator.batch.rules import MEDIATOR_ARRAYS, PARTY_ARRAYS
from simulator.rules import BUILTIN

HERE = Path(__file__).resolve().parent


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_a_built_in_rule_is_its_file_and_its_test(name):
    rule = BUILTIN[name]
    doc = inspect.getdoc(rule) or ""
    assert re.search(r"\b(1[89]|20)\d\d\b", doc), f"rule '{name}': its docstring cites no dated source"
    assert rule.array is not None and inspect.getmodule(rule.array) is inspect.getmodule(rule), \
        f"rule '{name}': its array form is not in its own file"
    assert name in PARTY_ARRAYS or name in MEDIATOR_ARRAYS
    test_file = HERE / f"test_{name}.py"
    assert test_file.exists(), f"rule '{name}' has no test file {test_file.name}"
    assert f"rule_properties({rule.__name__}" in test_file.read_text(encoding="utf-8"), \
        f"{test_file.name} does not run rule_properties on {rule.__name__}"
