"""`diplosim run`: summary, Parquet + manifest, reproducibility, one-line errors."""

import json

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.store import read_manifest, read_table

from .conftest import SEED_SCENARIO, child_takes_ctrl_c


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "res"
    result = invoke("run", SEED_SCENARIO, "--runs", 120, "--seed", 5, "--out", out, "--json")
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


def test_json_summary_has_every_question_with_wilson_interval(results, seed_loaded):
    _, summary = results
    assert summary["runs"] == 120 and summary["seed"] == 5
    assert [q["id"] for q in summary["questions"]] == [q.id for q in seed_loaded.scenario.questions]
    for q in summary["questions"]:
        assert q["low"] <= q["p"] <= q["high"]
    fm = next(lv for lv in summary["milestones"] if lv["id"] == "fm_meeting")
    assert {"p10", "median", "p90", "blockers"} <= set(fm)
    assert any(b["reason"] == "precondition:steps_before_fm" and b["actor"] == "syria" for b in fm["blockers"])
    assert summary["elections"][0]["runoff"]["p"] > 0


def test_results_directory_is_plain_parquet_with_manifest(results, seed_loaded):
    out, _ = results
    manifest = read_manifest(out)
    assert manifest["kind"] == "montecarlo" and manifest["seed"] == 5 and manifest["complete"] is True
    assert manifest["scenario"]["hash"] == seed_loaded.digest
    assert {"mesa", "numpy", "pyarrow", "python"} <= set(manifest["packages"])
    assert manifest["command"][0]
    runs = pq.read_table(out / "runs")  # plain pyarrow, no package code needed
    assert runs.num_rows == 120
    assert sorted(runs.column("replication").to_pylist()) == list(range(120))
    events = read_table(out, "events")
    assert set(events.column("kind").to_pylist()) >= {"proposed", "held", "blocked", "election"}


def test_same_seed_gives_identical_output(results, tmp_path):
    out, summary = results
    again = invoke("run", SEED_SCENARIO, "--runs", 120, "--seed", 5, "--out", tmp_path / "b", "--json")
    assert json.loads(again.stdout) == summary
    assert read_table(tmp_path / "b").equals(read_table(out))
    assert read_table(tmp_path / "b", "events").equals(read_table(out, "events"))
    other = invoke("run", SEED_SCENARIO, "--runs", 120, "--seed", 6, "--json")
    assert json.loads(other.stdout)["questions"] != summary["questions"]


def test_set_overrides_a_parameter(results):
    _, summary = results
    res = invoke("run", SEED_SCENARIO, "--runs", 120, "--seed", 5, "--json", "--set", "steps_before_fm.enabled=0")
    assert res.exit_code == 0
    changed = json.loads(res.stdout)
    assert changed["overrides"] == {"steps_before_fm.enabled": 0.0}
    fm = lambda s: next(q["p"] for q in s["questions"] if q["id"] == "fm_before_round1")  # noqa: E731
    assert fm(changed) >= fm(summary)


@pytest.mark.parametrize("args, message", [
    (["--set", "turkey.flexibilty=0.3"],
     "error: --set: unknown parameter 'turkey.flexibilty' (see `diplosim params SCENARIO`)"),
    (["--set", "turkey.flexibility"], "error: --set: 'turkey.flexibility' is not of the form name=value"),
    (["--set", "turkey.flexibility=high"], "error: --set: 'high' for Turkey's flexibility (turkey.flexibility) is not a number (allowed: 0 to 1)"),
])
def test_bad_set_is_one_line_exit_2(args, message):
    res = invoke("run", SEED_SCENARIO, "--runs", 5, *args)
    assert res.exit_code == 2
    assert res.stderr == message + "\n"


def test_non_empty_out_is_refused(results):
    out, _ = results
    res = invoke("run", SEED_SCENARIO, "--runs", 5, "--out", out)
    assert res.exit_code == 2
    assert res.stderr == f"error: --out: '{out}' is not empty (choose another directory or pass --overwrite)\n"


def test_invalid_scenario_is_reported_not_raised(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nactors: [\n")
    res = invoke("run", bad, "--runs", 5)
    assert res.exit_code == 2
    assert res.stderr.count("\n") == 1 and res.stderr.startswith(f"{bad}:")


def test_engines_give_identical_results(tmp_path):
    outs = {}
    for engine in ("mesa", "batch"):
        res = invoke("run", SEED_SCENARIO, "--runs", 80, "--seed", 9, "--engine", engine, "--events", 10,
                     "--out", tmp_path / engine, "--json")
        assert res.exit_code == 0, res.output
        outs[engine] = json.loads(res.stdout)
        assert outs[engine].pop("engine") == engine
    assert outs["mesa"] == outs["batch"]
    assert read_table(tmp_path / "mesa").equals(read_table(tmp_path / "batch"))
    assert read_table(tmp_path / "mesa", "events").equals(read_table(tmp_path / "batch", "events"))
    assert set(read_table(tmp_path / "batch", "events").column("replication").to_pylist()) == set(range(10))


def test_unknown_engine_is_one_line_exit_2():
    res = invoke("run", SEED_SCENARIO, "--runs", 5, "--engine", "gpu")
    assert res.exit_code == 2
    assert res.stderr == "error: --engine: unknown engine 'gpu' (choose from auto, batch, mesa)\n"


def test_ctrl_c_keeps_finished_runs_and_summarises_them(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "r"
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "run", str(SEED_SCENARIO), "--runs", "100000",
                             "--engine", "mesa", "--seed", "1", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=child_takes_ctrl_c)
    deadline = time.time() + 600  # a state, not a time: the first part (50 Mesa runs) is slow on a loaded machine
    while not list((out / "runs").glob("part-*.parquet")) and time.time() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    manifest = read_manifest(out)
    done = manifest["runs_done"]
    assert manifest["complete"] is False and 0 < done < 100000
    assert read_table(out).num_rows == done
    assert f"Questions ({done} runs)" in stdout


def test_jobs_do_not_change_results(tmp_path):
    one = invoke("run", SEED_SCENARIO, "--runs", 2500, "--seed", 4, "--out", tmp_path / "one", "--json")
    two = invoke("run", SEED_SCENARIO, "--runs", 2500, "--seed", 4, "--out", tmp_path / "two", "--json",
                 "--jobs", 2)
    assert one.exit_code == 0 and two.exit_code == 0, two.output
    assert json.loads(one.stdout) == json.loads(two.stdout)
    assert read_table(tmp_path / "one").equals(read_table(tmp_path / "two"))
    assert read_table(tmp_path / "one", "events").equals(read_table(tmp_path / "two", "events"))


def test_the_command_line_process_ends_with_its_status_and_all_its_output(tmp_path):
    """``main()`` skips the interpreter's teardown after a command (``cli._exit_now``): every byte written to a
    pipe or a file still arrives, files written by the command are complete, and the status is the command's."""
    import subprocess
    import sys

    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "simulator", "run", str(SEED_SCENARIO), "--runs", "200", "--json",
                           "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)  # the whole JSON, to its last brace
    assert summary["runs"] == 200 and read_manifest(out)["complete"] is True
    assert read_table(out).num_rows == 200
    table = subprocess.run([sys.executable, "-m", "simulator", "run", str(SEED_SCENARIO), "--runs", "50"],
                           capture_output=True, text=True, timeout=300)
    assert table.returncode == 0 and "Concessions" in table.stdout and "50 runs" in table.stderr
    bad = subprocess.run([sys.executable, "-m", "simulator", "validate", str(tmp_path / "missing.yaml")],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and bad.stderr.strip().endswith("file: no such file") and bad.stdout == ""
    usage = subprocess.run([sys.executable, "-m", "simulator", "run", str(SEED_SCENARIO), "--runs", "0"],
                           capture_output=True, text=True, timeout=300)
    assert usage.returncode == 2 and "--runs" in usage.stderr
