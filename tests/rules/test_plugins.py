"""Third-party rules: the example package registered by entry point, and `--plugin module:Class`."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.rules import unregister

from ..conftest import ROOT, SEED_SCENARIO

EXAMPLE_PACKAGE = ROOT / "examples" / "diplosim-example-rule"
EXAMPLES = ROOT / "examples"


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def installed_example(tmp_path_factory):
    """The example package really installed (wheel built offline from its pyproject) into a private directory."""
    src = tmp_path_factory.mktemp("src") / "pkg"
    shutil.copytree(EXAMPLE_PACKAGE, src, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", "--target", str(target), str(src)], check=True, capture_output=True)
    return target


def run_with(path: Path, *args, cwd=None):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(path), str(ROOT)])}
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, env=env, cwd=cwd)


def test_entry_point_rule_is_listed_and_usable_by_name(installed_example, tmp_path):
    listed = run_with(installed_example, "simulator", "rules", "--json")
    assert listed.returncode == 0, listed.stderr
    rules = {r["name"]: r for r in json.loads(listed.stdout)["rules"]}
    assert rules["reciprocator"]["source"] == "plugin diplosim-example-rule"
    assert rules["reciprocator"]["summary"].startswith("Warms up as meetings are held")
    ran = run_with(installed_example, "simulator", "run", SEED_SCENARIO, "--runs", "20", "--seed", "3",
                   "--set", "syria.rule=reciprocator", "--set", "syria.reciprocity=0.3", "--json")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["runs"] == 20


def test_example_package_tests_pass(installed_example, tmp_path):
    """The example's own one-line property test, run as a user would run it (hypothesis' database in tmp)."""
    result = run_with(installed_example, "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE_PACKAGE / "tests"),
                      cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "7 passed" in result.stdout  # one test per declared property, and the rule's own property


@pytest.fixture
def plugin_cwd(monkeypatch):
    monkeypatch.chdir(EXAMPLES)
    yield
    unregister("backlash")
    sys.modules.pop("broken_rule", None)


def test_plugin_option_loads_a_class_from_the_current_directory(plugin_cwd):
    listed = invoke("rules", "--plugin", "broken_rule:Backlash", "--json")
    assert listed.exit_code == 0, listed.output
    assert {r["name"]: r["source"] for r in json.loads(listed.stdout)["rules"]}["backlash"] == \
        "--plugin broken_rule:Backlash"
    ran = invoke("run", SEED_SCENARIO, "--plugin", "broken_rule:Backlash", "--set", "turkey.rule=backlash",
                 "--runs", 10, "--json")
    assert ran.exit_code == 0, ran.output
    assert "plug-in" in json.loads(ran.stdout)["fragile"]["skipped"]  # no array form: no fragile screen


@pytest.mark.parametrize(("spec", "message"), [
    ("broken_rule", "not of the form module:Class"),
    ("no_such_module:X", "cannot import 'no_such_module': ModuleNotFoundError"),
    ("broken_rule:Nope", "has no attribute 'Nope'"),
    ("broken_rule:decide", "is not a subclass of simulator.rules.PartyRule"),
    ("simulator.rules:ReservationThreshold", None),  # a built-in class by path is accepted as itself
])
def test_plugin_errors_are_one_line_with_exit_2(plugin_cwd, spec, message):
    result = invoke("rules", "--plugin", spec)
    if message is None:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("error: --plugin")


def test_a_scenario_cannot_import_code(tmp_path):
    text = SEED_SCENARIO.read_text().replace("rule: threshold", "rule: broken_rule:Backlash", 1)
    scenario = tmp_path / "s.yaml"
    scenario.write_text(text)
    shutil.copytree(SEED_SCENARIO.parent / "sources", tmp_path / "sources")
    result = invoke("validate", scenario)
    assert result.exit_code == 2 and "unknown decision rule 'broken_rule:Backlash'" in result.output
    assert "broken_rule" not in sys.modules


def test_plugin_name_clash_with_a_built_in_is_refused(tmp_path, monkeypatch):
    (tmp_path / "clash.py").write_text(
        "from simulator.rules import ReservationThreshold\n"
        "class Impostor(ReservationThreshold):\n    name = 'threshold'\n")
    monkeypatch.chdir(tmp_path)
    result = invoke("rules", "--plugin", "clash:Impostor")
    sys.modules.pop("clash", None)
    assert result.exit_code == 2 and "rule name 'threshold' is taken by a built-in rule" in result.output


def test_a_rule_error_in_a_run_names_actor_rule_step_and_date(tmp_path, monkeypatch):
    (tmp_path / "fragile.py").write_text(
        "from simulator.rules import ReservationThreshold\n"
        "class Fragile(ReservationThreshold):\n"
        "    '''Breaks once pressure builds up.'''\n"
        "    name = 'fragile'\n"
        "    def accept(self, v, stakes, u):\n"
        "        if v.pressure > 0.3:\n"
        "            raise ZeroDivisionError('pressure too high')\n"
        "        return super().accept(v, stakes, u)\n")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "res"
    try:
        result = invoke("run", SEED_SCENARIO, "--plugin", "fragile:Fragile", "--set", "syria.rule=fragile",
                        "--runs", 60, "--seed", 1, "--out", out, "--engine", "mesa")
    finally:
        unregister("fragile")
        sys.modules.pop("fragile", None)
    assert result.exit_code == 2
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("error: rule 'fragile' of actor 'syria' failed in accept() at step ")
    assert "(2023-" in line and "ZeroDivisionError: pressure too high" in line
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] is False
