"""`diplosim events`: the event log of any run of a results directory, re-created exactly."""

import json

import pyarrow.parquet as pq
from typer.testing import CliRunner

from simulator.cli import app
from simulator.layout import EVENT_COLUMNS
from simulator.runner import run_one
from simulator.store import read_table

from .conftest import SEED_SCENARIO


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def rows_of(result):
    assert result.exit_code == 0, result.output
    return [{**e, "date": e["date"]} for e in json.loads(result.stdout)]


def test_a_monte_carlo_runs_events_equal_the_stored_log(tmp_path):
    out = tmp_path / "mc"
    assert invoke("run", SEED_SCENARIO, "--runs", 30, "--seed", 4, "--events", 10, "--out", out).exit_code == 0
    stored = read_table(out, "events").to_pylist()
    for rep in (0, 9):
        again = rows_of(invoke("events", out, "--replication", rep, "--json"))
        want = [{**e, "date": e["date"].isoformat()} for e in stored if e["replication"] == rep]
        assert again == want and want


def test_a_sweep_point_not_logged_is_re_created_like_the_mesa_model(tmp_path, seed_compiled):
    out = tmp_path / "sw"
    assert invoke("sweep", SEED_SCENARIO, "--vary", "turkey.flexibility=0.3,0.6", "--runs", 12, "--seed", 2,
                  "--events", 0, "--out", out).exit_code == 0
    again = rows_of(invoke("events", out, "--point", 1, "--replication", 11, "--json", "--out", tmp_path / "e.parquet"))
    _, mesa = run_one(seed_compiled, 2, 11, 1, {"turkey.flexibility": 0.6})
    assert again == [{**dict(zip(EVENT_COLUMNS, e)), "date": e[3].isoformat()} for e in mesa]
    assert pq.read_table(tmp_path / "e.parquet").num_rows == len(again)
    table = invoke("events", out, "-p", 1, "-r", 11)
    assert table.exit_code == 0 and "was held" in table.stdout  # sentences in the scenario's words


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    out = tmp_path / "mc"
    assert invoke("run", SEED_SCENARIO, "--runs", 5, "--out", out, "--events", 0).exit_code == 0
    for args, message in (((out, "-r", 5), "--replication: 5 is not a replication of"),
                          ((out, "-p", 2, "-r", 0), "--point: no point 2 in"),
                          ((tmp_path, "-r", 0), "has no manifest.json")):
        result = invoke("events", *args)
        assert result.exit_code == 2 and message in result.stderr and len(result.stderr.splitlines()) == 1
