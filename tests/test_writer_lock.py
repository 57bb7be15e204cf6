"""One writer per results directory: a second one is refused in one line naming the first; a killed one leaves no lock."""

import os
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.store import finished_parts, read_manifest, read_table
from simulator.writelock import LOCK_NAME, DirectoryBusy, WriterLock, read_holder

from .conftest import ROOT, SEED_SCENARIO
from .gated_rule import GATED_PLUGIN, gate_env, gated_copy, open_gate

VARY = ["--vary", "turkey.flexibility=0.3,0.6", "--vary", "election.turkey.base_win=0.4:0.5:2"]  # 4 points
SWEEP = ["sweep", SEED_SCENARIO, *VARY, "--runs", 30, "--seed", 3, "--chunk", 3]


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def hold_in_subprocess(out):
    """A process that takes the lock on ``out`` and sleeps; returns it once the lock is taken."""
    code = ("import sys, time; from simulator.writelock import WriterLock; "
            "WriterLock(sys.argv[1]).acquire(['diplosim', 'sweep', 'holder']); print('held', flush=True); "
            "time.sleep(120)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(out)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_lock_is_exclusive_names_its_holder_and_is_removed_on_release(tmp_path):
    out = tmp_path / "res"
    first = WriterLock(out).acquire(["diplosim", "run", "x"])
    assert out.is_dir() and read_holder(out)["pid"] == os.getpid()
    with pytest.raises(DirectoryBusy, match=rf"pid {os.getpid()} on .*: diplosim run x"):
        WriterLock(out).acquire()
    first.release()
    assert not out.exists()  # the lock made the directory and nothing was written: nothing is left behind
    with WriterLock(out):
        (out / "keep").write_text("")
    assert [p.name for p in out.iterdir()] == ["keep"]


def test_second_writer_is_refused_in_one_line_naming_the_holder(tmp_path):
    out = tmp_path / "res"
    assert invoke(*SWEEP[:-2], "--chunk", 30, "--out", out).exit_code == 0  # a finished sweep to resume
    holder = hold_in_subprocess(out)
    try:
        for args in ([*SWEEP[:-2], "--chunk", 30, "--out", out, "--resume"],
                     ["run", SEED_SCENARIO, "--runs", 5, "--out", out, "--overwrite"]):
            result = invoke(*args)
            assert result.exit_code == 2, result.output
            assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
            assert f"is being written by another diplosim (pid {holder.pid} on " in result.stderr
            assert "diplosim sweep holder" in result.stderr
        assert read_table(out).num_rows == 120  # --overwrite did not delete the holder's results
    finally:
        holder.kill()
        holder.wait()


def test_killed_holder_leaves_no_stuck_lock(tmp_path):
    out = tmp_path / "res"
    holder = hold_in_subprocess(out)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert (out / LOCK_NAME).exists()  # the file stays behind, but nobody holds it
    result = invoke(*SWEEP, "--out", out, "--resume")
    assert result.exit_code == 0, result.output
    assert read_manifest(out)["complete"] is True and not (out / LOCK_NAME).exists()


def test_sweep_killed_mid_run_then_resume_works_and_a_live_one_refuses_company(tmp_path):
    out, gated = tmp_path / "res", gated_copy(tmp_path)  # later points wait for the gate: the sweep stays alive
    sweep = ["sweep", gated, *VARY, "--runs", 30, "--seed", 3, "--chunk", 3, *GATED_PLUGIN]
    cmd = [sys.executable, "-m", "simulator", *map(str, sweep), "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=gate_env(gated))
    deadline = time.monotonic() + 60
    while not ((out / "runs").is_dir() and list((out / "runs").glob("part-*.parquet"))):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no part was written within 60 s"
        time.sleep(0.02)
    refused = subprocess.run([*cmd, "--resume"], cwd=ROOT, capture_output=True, text=True, env=gate_env(gated))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert refused.returncode == 2 and f"pid {proc.pid} on " in refused.stderr, refused.stderr
    parts = len(finished_parts(out))
    assert 0 < parts < 40
    open_gate(gated)
    resumed = subprocess.run([*cmd, "--resume"], cwd=ROOT, capture_output=True, text=True, env=gate_env(gated))
    assert resumed.returncode == 0, resumed.stderr
    manifest = read_manifest(out)
    assert manifest["complete"] is True and manifest["sessions"][-1]["runs"] == 120 - 3 * parts
    assert read_table(out).num_rows == 120 and not (out / LOCK_NAME).exists()
