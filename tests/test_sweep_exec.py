"""`diplosim sweep` execution: same dataset for any executor and chunking, crash-safe resume, summaries."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.runner import run_one
from simulator.store import finished_parts, read_manifest, read_table
from simulator.summary import summarize as summarize_table

from .conftest import ROOT, SEED_SCENARIO, child_takes_ctrl_c
from .gated_rule import GATED_PLUGIN, gate_env, gated_copy, open_gate

VARY = ["--vary", "turkey.flexibility=0.3,0.6", "--vary", "election.turkey.base_win=0.4:0.5:2"]  # 4 points


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def sweep(out, *extra, runs=6, seed=11):
    result = invoke("sweep", SEED_SCENARIO, "--out", out, *VARY, "--runs", runs, "--seed", seed, *extra)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """In-process run with chunks of 5 (so one chunk spans two points), keeping 3 replications' event logs."""
    return sweep(tmp_path_factory.mktemp("sweep") / "jobs1", "--chunk", 5, "--events", 3)


def test_runs_table_matches_direct_runs_and_has_every_run(reference, seed_compiled):
    runs = read_table(reference)
    assert runs.num_rows == 24
    assert runs.select(["point", "replication"]).to_pylist() == [
        {"point": p, "replication": r} for p in range(4) for r in range(6)]
    points = pq.read_table(reference / "points.parquet").to_pylist()
    assert points[3] == {"point": 3, "election.turkey.base_win": 0.5, "turkey.flexibility": 0.6}
    row, _ = run_one(seed_compiled, 11, replication=4, point=3,
                     overrides={"election.turkey.base_win": 0.5, "turkey.flexibility": 0.6})
    got = runs.slice(3 * 6 + 4, 1).to_pylist()[0]
    assert got == row


def test_process_pool_with_other_chunking_gives_identical_tables(reference, tmp_path):
    out = sweep(tmp_path / "jobs2", "--jobs", 2, "--chunk", 7, "--events", 3)
    assert read_table(out).equals(read_table(reference))
    assert read_table(out, "events").equals(read_table(reference, "events"))


def test_dask_local_cluster_gives_identical_tables(reference, tmp_path):
    out = sweep(tmp_path / "dask", "--dask-local", 2, "--chunk", 5, "--events", 3)
    assert read_table(out).equals(read_table(reference))
    assert read_table(out, "events").equals(read_table(reference, "events"))
    assert read_manifest(out)["sessions"][0]["executor"] == "dask LocalCluster x2"


def test_mesa_and_batch_engines_give_identical_datasets(reference, tmp_path):
    mesa = sweep(tmp_path / "mesa", "--engine", "mesa", "--chunk", 5)
    batch = sweep(tmp_path / "batch", "--engine", "batch", "--chunk", 5, "--events", 6)
    for what in ("runs", "events"):
        assert read_table(mesa, what).equals(read_table(batch, what))
    assert read_table(mesa).equals(read_table(reference))
    sample = sweep(tmp_path / "sample", "--engine", "batch", "--events", 2, "--jobs", 2)
    assert read_table(sample).equals(read_table(mesa))
    assert set(read_table(sample, "events").column("replication").to_pylist()) == {0, 1}
    assert read_manifest(sample)["sweep"]["engine"] == "batch"


def test_a_default_sweep_on_the_batch_engine_keeps_no_event_logs(reference, tmp_path):
    """Logging costs the batch engine about as much as simulating; any run's log can be re-created later."""
    out = sweep(tmp_path / "default")
    assert read_table(out).equals(read_table(reference))
    assert read_table(out, "events").num_rows == 0 and read_table(reference, "events").num_rows > 0
    assert read_manifest(out)["sweep"]["events_for"] == 0


def test_manifest_records_what_a_rerun_needs(reference, seed_loaded):
    m = read_manifest(reference)
    assert m["kind"] == "sweep" and m["seed"] == 11 and m["complete"] is True
    assert m["scenario"]["hash"] == seed_loaded.digest and m["scenario"]["resolved"]["metadata"]
    assert m["sweep"]["sampler"] == "grid" and m["sweep"]["n_points"] == 4 and m["sweep"]["runs"] == 6
    assert [v["text"] for v in m["sweep"]["vary"]] == ["turkey.flexibility=0.3,0.6", "election.turkey.base_win=0.4:0.5:2"]
    assert {"mesa", "numpy", "pyarrow"} <= set(m["packages"]) and m["seconds"] > 0
    assert m["sessions"][0]["command"] and m["sessions"][0]["runs"] == 24


def test_results_are_plain_parquet_datasets(reference):
    import pandas as pd
    import pyarrow.dataset as ds

    # no diplosim code: a directory of Parquet parts, as any reader sees it
    runs = ds.dataset(reference / "runs", format="parquet").to_table()
    assert runs.num_rows == 24 and "q.fm_before_round1" in runs.column_names
    frame = pd.read_parquet(reference / "events")
    assert {"point", "replication", "kind", "date"} <= set(frame.columns) and len(frame) > 0
    assert len(pd.read_parquet(reference / "points.parquet")) == 4


def test_results_read_with_duckdb_and_polars(reference):
    duckdb = pytest.importorskip("duckdb")
    pl = pytest.importorskip("polars")
    n, points, first = duckdb.sql(f"select count(*), count(distinct point), min(\"first.deputy_fm\") "
                                  f"from read_parquet('{reference}/runs/*.parquet')").fetchall()[0]
    assert (n, points) == (24, 4) and first is not None
    frame = pl.read_parquet(f"{reference}/runs/*.parquet").sort(["point", "replication"])
    assert frame.height == 24 and frame["first.deputy_fm"].dtype == pl.Date
    assert frame["q.fm_before_round1"].to_list() == read_table(reference).column("q.fm_before_round1").to_pylist()


def test_summarize_per_point_and_pooled(reference):
    result = invoke("summarize", reference, "--json")
    assert result.exit_code == 0, result.output
    s = json.loads(result.stdout)
    assert s["overall"]["runs"] == 24 and s["overall"]["points"] == 4 and len(s["per_point"]) == 4
    runs = read_table(reference)
    from simulator.compiled import Compiled
    from simulator.scenario.schema import Scenario

    compiled = Compiled(Scenario.model_validate(read_manifest(reference)["scenario"]["resolved"]))
    import pyarrow.compute as pc

    for p in s["per_point"]:
        direct = summarize_table(runs.filter(pc.equal(runs.column("point"), p["point"])), None, compiled)
        assert p["questions"] == direct["questions"] and p["milestones"] == direct["milestones"]
        q = p["questions"][0]
        assert q["low"] <= q["p"] <= q["high"]
    assert s["overall"]["questions"] == summarize_table(runs, None, compiled)["questions"]
    assert s["per_point"][1]["parameters"] == {"turkey.flexibility": 0.3, "election.turkey.base_win": 0.5}
    text = invoke("summarize", reference)
    assert text.exit_code == 0 and "all 4 point(s) pooled" in text.stdout


def test_summarize_of_a_non_results_directory_fails_cleanly(tmp_path):
    result = invoke("summarize", tmp_path)
    assert result.exit_code == 2 and result.stderr.strip().count("\n") == 0
    assert "has no manifest.json" in result.stderr


def test_resume_refuses_another_seed_scenario_or_plan(reference, tmp_path):
    before = read_table(reference)
    for extra, fragment in [
        (["--seed", 12], "was made with seed 11, not 12"),
        (["--seed", 11, "--runs", 7], "was made with --runs 6, not 7"),
        (["--seed", 11, "--chunk", 6], "was made with --chunk 5, not 6"),
    ]:
        result = invoke("sweep", SEED_SCENARIO, "--out", reference, *VARY, "--runs", 6, "--resume", *extra)
        assert result.exit_code == 2, result.output
        assert fragment in result.stderr and result.stderr.strip().count("\n") == 0
    import shutil

    shutil.copytree(SEED_SCENARIO.parent / "sources", tmp_path / "sources")  # the evidence files it cites
    changed = tmp_path / "changed.yaml"
    changed.write_text(SEED_SCENARIO.read_text().replace("Syria-Turkey", "Syria-Turkiye", 1))
    result = invoke("sweep", changed, "--out", reference, *VARY, "--runs", 6, "--seed", 11, "--chunk", 5, "--resume")
    assert result.exit_code == 2 and "was made with scenario hash" in result.stderr
    other_vary = ["--vary", "turkey.flexibility=0.3,0.7", "--vary", "election.turkey.base_win=0.4:0.5:2"]
    result = invoke("sweep", SEED_SCENARIO, "--out", reference, *other_vary, "--runs", 6, "--seed", 11,
                    "--chunk", 5, "--resume")
    assert result.exit_code == 2 and "was made with --vary" in result.stderr
    assert read_table(reference).equals(before)


def test_resume_of_a_finished_sweep_runs_nothing(reference):
    result = invoke("sweep", SEED_SCENARIO, "--out", reference, *VARY, "--runs", 6, "--seed", 11, "--chunk", 5,
                    "--events", 3, "--resume")
    assert result.exit_code == 0, result.output
    assert "0 new runs" in result.stderr
    assert read_manifest(reference)["sessions"][-1]["runs"] == 0


def test_resume_without_chunk_keeps_the_chunk_the_directory_was_made_with(reference):
    """Part ids depend on the chunk: a resume that leaves --chunk out continues with the directory's own (5
    here), whatever the default is now, instead of refusing or running everything again."""
    result = invoke("sweep", SEED_SCENARIO, "--out", reference, *VARY, "--runs", 6, "--seed", 11, "--events", 3,
                    "--resume")
    assert result.exit_code == 0, result.output
    assert "0 new runs" in result.stderr
    assert read_manifest(reference)["sweep"]["chunk"] == 5


def _start(out: Path, *extra, gated: Path | None = None) -> subprocess.Popen:
    """The sweep of ``uninterrupted`` in a process of its own. ``gated``: a copy of the seed scenario whose
    Turkey decides by ``tests/gated_rule.py`` (the same numbers, on the Mesa engine), so the points with
    Turkey's flexibility at 0.6 wait until the gate file exists: a test can interrupt the sweep part-way
    whatever the machine's speed or load."""
    scenario = SEED_SCENARIO if gated is None else gated
    cmd = [sys.executable, "-m", "simulator", "sweep", str(scenario), "--out", str(out), *VARY,
           "--runs", "30", "--seed", "3", "--chunk", "3", "--events", "2", *extra]
    if gated is not None:
        cmd += GATED_PLUGIN
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=gate_env(gated), preexec_fn=child_takes_ctrl_c)


def _wait_for_parts(out: Path, proc: subprocess.Popen, at_least: int = 1) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        n = len(list((out / "events").glob("part-*.parquet"))) if (out / "events").is_dir() else 0
        if n >= at_least:
            return n
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    raise AssertionError("no part was written within 60 s")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("full") / "res"
    result = invoke("sweep", SEED_SCENARIO, "--out", out, *VARY, "--runs", 30, "--seed", 3, "--chunk", 3, "--events", 2)
    assert result.exit_code == 0, result.output
    return out


def test_sigkill_mid_sweep_then_resume_equals_uninterrupted(uninterrupted, tmp_path):
    out, gated = tmp_path / "killed", gated_copy(tmp_path)
    proc = _start(out, gated=gated)
    _wait_for_parts(out, proc)
    os.kill(proc.pid, signal.SIGKILL)  # the gated points cannot have finished: their gate is still closed
    proc.wait(timeout=30)
    parts = len(finished_parts(out))
    assert 0 < parts < 40
    assert read_manifest(out)["complete"] is False
    open_gate(gated)
    resumed = _start(out, "--jobs", "2", "--resume", gated=gated)
    _, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    assert read_manifest(out)["sessions"][-1]["runs"] == 120 - 3 * parts  # only what was missing
    assert read_table(out).equals(read_table(uninterrupted))
    assert read_table(out, "events").equals(read_table(uninterrupted, "events"))
    assert read_manifest(out)["complete"] is True
    assert not list(out.rglob(".*.tmp-*"))


def test_ctrl_c_keeps_finished_chunks_and_exits_130(uninterrupted, tmp_path):
    out, gated = tmp_path / "interrupted", gated_copy(tmp_path)
    proc = _start(out, "--jobs", "2", gated=gated)
    _wait_for_parts(out, proc)
    proc.send_signal(signal.SIGINT)  # the gated points are still waiting, so the sweep cannot have finished
    open_gate(gated)  # let the spans already running finish, as Ctrl-C lets them
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "--resume" in err
    kept = read_table(out)
    assert 0 < kept.num_rows < 120
    assert read_manifest(out)["sessions"][0]["outcome"] == "interrupted"
    full = read_table(uninterrupted)
    keys = set(zip(kept.column("point").to_pylist(), kept.column("replication").to_pylist()))
    mask = [(p, r) in keys for p, r in zip(full.column("point").to_pylist(), full.column("replication").to_pylist())]
    assert full.filter(mask).equals(kept)
    resumed = _start(out, "--resume", gated=gated)  # the same scenario (its hash is checked), gate open
    _, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    assert read_table(out).equals(full)
