"""Nothing the command line does is out of reach from Python (issue 26): each command has a function in ``simulator``
(the README's table), the command calls it and prints what it returns, and each function's typed result is what
the command prints for the same input. The table is checked against the whole command tree, so a new command
without a function fails here."""

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import simulator
from simulator.cli import app

from .conftest import ROOT, SEED_SCENARIO
from .test_calibrate import synthetic_corpus

SCENARIOS = ROOT / "scenarios"


def cli(*args):
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


# ------------------------------------------------------------------ every command is in the table
def command_paths(group=None, prefix=()) -> list[tuple[str, ...]]:
    """Every command of ``diplosim``, as the words a user types (``("reference", "build")``), walking each group
    as ``diplosim --help`` and ``diplosim GROUP --help`` list them."""
    import typer
    import typer.main

    group = typer.main.get_command(app) if group is None else group
    ctx = typer.Context(group)
    out = []
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if hasattr(cmd, "list_commands"):  # a group of commands
            out += command_paths(cmd, (*prefix, name))
        else:
            out.append((*prefix, name))
    return out


def readme_table() -> dict[str, set[str]]:
    """The README's table: command (its words after ``diplosim``) -> the ``simulator`` functions its row names."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("### Python API", 1)[1].split("\n## ", 1)[0]
    table = {}
    for row in section.splitlines():
        cells = row.split("|")[1:-1]
        if len(cells) != 2:
            continue
        functions = set(re.findall(r"`simulator\.(\w+)\(", cells[1]))
        for command in re.findall(r"`diplosim ([a-z][\w -]*?)`", cells[0]):
            table[command] = functions
    return table


def test_every_command_maps_to_a_function_in_the_readmes_table():
    paths = command_paths()
    assert ("run",) in paths and ("reference", "build") in paths and ("timelines", "validate") in paths
    for group in {p[0] for p in paths if len(p) > 1}:  # the groups' --help lists the same commands
        shown = CliRunner().invoke(app, [group, "--help"]).stdout
        assert all(p[1] in shown for p in paths if p[0] == group)
    table = readme_table()
    missing = [" ".join(p) for p in paths if not table.get(" ".join(p))]
    assert not missing, f"commands with no Python function in the README's table: {missing}"
    named = set().union(*table.values())
    assert all(callable(getattr(simulator, n)) and n in simulator.__all__ for n in named)


def test_the_table_check_fails_on_a_new_command_without_a_function(monkeypatch):
    """The walk finds a command added to the app, and a table without its row misses it."""
    import typer

    extra = typer.Typer()
    extra.command("nothing")(lambda: None)
    extra.command("else")(lambda: None)
    monkeypatch.setattr(app, "registered_groups", [*app.registered_groups])
    app.add_typer(extra, name="newgroup")
    paths = command_paths()
    assert ("newgroup", "nothing") in paths
    assert not readme_table().get("newgroup nothing")


# ------------------------------------------------------------------ each function gives what its command prints
def test_calibrate_is_the_commands(tmp_path):
    corpus = synthetic_corpus(tmp_path, {"proposal_odds": 2.0}, n=4)
    heard = []
    cal = simulator.calibrate(corpus, fit=["proposal_odds"], runs=20, seed=3, bootstrap=2, progress=heard.append)
    printed = json.loads(cli("calibrate", corpus, "--out", tmp_path / "cal.json", "--runs", 20, "--seed", 3,
                             "--fit", "proposal_odds", "--bootstrap", 2, "--json").stdout)
    assert cal.to_dict() == printed and cal.fitted == ["proposal_odds"] and len(cal.negotiations) == 4
    assert json.loads((tmp_path / "cal.json").read_text())["constants"] == cal.constants
    assert heard[0].startswith("4 negotiations, fitting proposal_odds")
    assert cal.write(tmp_path / "mine.yaml").is_file()  # checked by reading it back (write_calibration)
    with pytest.raises(ValueError, match=r"^--fit: unknown constant 'nope'"):
        simulator.calibrate(corpus, fit=["nope"])


def test_replay_is_the_commands(tmp_path):
    scenario = SCENARIOS / "syria_turkey_2023.yaml"
    rep = simulator.replay(scenario)
    assert rep.as_dict() == json.loads(cli("replay", scenario, "--json").stdout)
    cli("replay", scenario, "--out", tmp_path / "s.parquet")
    assert rep.to_arrow().equals(pq.read_table(tmp_path / "s.parquet")) and rep.to_arrow().num_rows == len(rep.spells)
    with pytest.raises(ValueError, match="no such scenario file"):
        simulator.replay(tmp_path / "none.yaml")


def test_rules_and_schema_are_the_commands():
    found = simulator.decision_rules()
    assert found.to_dict() == json.loads(cli("rules", "--json").stdout)
    assert found["threshold"].role == "party" and found["threshold"].params
    assert simulator.schema() == json.loads(cli("schema").stdout)
    with pytest.raises(ValueError):
        simulator.decision_rules(["no_such_module:Rule"])


def test_migrate_is_the_commands(tmp_path):
    old = SCENARIOS / "syria_turkey_2023.yaml"  # the frozen corpus is version 2
    migration = simulator.migrate(old)
    assert migration.from_version == 2 and migration.data["schema_version"] == 3
    assert migration.yaml() == cli("migrate", old).stdout
    new = tmp_path / "new.yaml"
    new.write_text(migration.yaml())
    with pytest.raises(simulator.ScenarioError, match=r"new.yaml:1:1: schema_version: not an older scenario"):
        simulator.migrate(new)
    done = CliRunner().invoke(app, ["migrate", str(new)])
    assert done.exit_code == 2 and done.stderr.strip() == _problem_of(simulator.migrate, new)


def _problem_of(function, *args) -> str:
    with pytest.raises(simulator.ScenarioError) as info:
        function(*args)
    return str(info.value)


def test_reference_build_and_show_are_the_commands(tmp_path):
    curves = simulator.reference_build(seed=2, resamples=20)
    cli("reference", "build", "--seed", 2, "--resamples", 20, "--out", tmp_path / "c.json", "--parquet",
        tmp_path / "c.parquet")
    assert json.loads((tmp_path / "c.json").read_text()) == json.loads(json.dumps(curves.document()))
    assert curves.to_arrow().equals(pq.read_table(tmp_path / "c.parquet"))
    assert curves.markdown() == cli("reference", "build", "--seed", 2, "--resamples", 20, "--markdown").stdout
    assert curves.source_line() in cli("reference", "build", "--seed", 2, "--resamples", 20).stdout
    name = next(iter(curves.curves))
    detail = simulator.reference_show(name, seed=2, resamples=20)
    assert detail.to_dict() == json.loads(cli("reference", "show", name, "--seed", 2, "--resamples", 20,
                                              "--json").stdout)
    assert detail.to_dict()["name"] == curves[name].name and len(detail.spells) == curves[name].spells
    with pytest.raises(ValueError, match=r"^reference show: unknown class 'nope'"):
        simulator.reference_show("nope")


def test_reference_ship_is_the_commands(tmp_path, monkeypatch):
    from simulator.lang import class_curves

    shipped = simulator.reference_ship(tmp_path / "api.json")
    assert shipped.document == json.loads((tmp_path / "api.json").read_text())
    monkeypatch.setattr(class_curves, "SHIPPED", tmp_path / "cli.json")  # the command writes into the package
    done = CliRunner().invoke(app, ["reference", "ship"])
    assert done.exit_code == 0, done.output
    assert json.loads((tmp_path / "cli.json").read_text()) == shipped.document
    assert done.stderr.strip() == shipped.line().replace(str(tmp_path / "api.json"), str(tmp_path / "cli.json"))


def test_timelines_validate_is_the_commands():
    check = simulator.timelines_validate()
    done = cli("timelines", "validate")
    assert check.ok and done.stdout.splitlines() == check.lines() and len(check.negotiations) > 0


def test_timelines_validate_gives_the_problems_the_command_prints(tmp_path):
    (tmp_path / "bad.yaml").write_text("id: bad\n")
    check = simulator.timelines_validate(tmp_path)
    done = CliRunner().invoke(app, ["timelines", "validate", str(tmp_path)])
    assert not check.ok and done.exit_code == 2
    assert [str(p) for p in check.problems] == done.stderr.splitlines()[:len(check.problems)]
    assert done.stdout.splitlines() == check.lines()


def test_freeze_forecast_is_the_commands(tmp_path):
    frozen = simulator.freeze_forecast(SEED_SCENARIO, runs=60, seed=5, dates=["2023-04-01"],
                                       sets={"iran.active": 0})
    done = cli("forecast", SEED_SCENARIO, "-n", 60, "-s", 5, "--date", "2023-04-01", "--set", "iran.active=0",
               "--out", tmp_path / "cli.json")
    printed = json.loads((tmp_path / "cli.json").read_text())
    drop = lambda d: {k: v for k, v in d.items() if k != "created"}  # noqa: E731 - the clock
    assert drop(printed) == drop(json.loads(json.dumps(frozen.document)))
    assert done.stdout.strip() == frozen.line(tmp_path / "cli.json")
    frozen.write(tmp_path / "api.json")
    with pytest.raises(ValueError, match=r"^--out: '.*api.json' exists"):
        frozen.write(tmp_path / "api.json")
    with pytest.raises(ValueError, match=r"^--date: 'soon' is not a date"):
        simulator.freeze_forecast(SEED_SCENARIO, runs=10, dates=["soon"])


# ------------------------------------------------------------------ the dashboard
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _layout(text: str) -> str:
    text = re.sub(r'("id":"session","data":")[^"]*"', r'\1"', text)  # each page load's own session id
    return re.sub(r"ready in [0-9.]+ s", "ready in", text)  # and how long its view took


def test_dashboard_is_the_commands_page():
    board = simulator.dashboard(SEED_SCENARIO, runs=50, seed=2, warm=False)
    mine = _layout(board.app.server.test_client().get("/_dash-layout").get_data(as_text=True))
    assert board.url(8050) == "http://127.0.0.1:8050/" and not board.needs_password
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "simulator", "dashboard", "--scenario", str(SEED_SCENARIO),
                               "--runs", "50", "--seed", "2", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stderr.readline()  # the command says where it listens once its app is made
        assert line.startswith(f"dashboard: {board.url(port)}"), line
        deadline = time.monotonic() + 120
        while True:  # until the server answers
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout", timeout=10) as r:
                    served = r.read().decode()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert _layout(served) == mine
    finally:
        server.terminate()
        server.wait(30)
    with pytest.raises(ValueError, match=r"^--host: 0.0.0.0 lets other machines reach the dashboard"):
        simulator.dashboard(host="0.0.0.0")
    with pytest.raises(ValueError, match=r"^--engine: unknown engine 'fast'"):
        simulator.dashboard(engine="fast")
