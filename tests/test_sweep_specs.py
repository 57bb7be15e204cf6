"""`diplosim sweep` inputs: --vary parsing, samplers, one-line errors with exit status 2."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from simulator.cli import app
from simulator.sweep.execution import part_id, spans
from simulator.sweep.sampling import make_design
from simulator.sweep.specs import SpecError, parse_varies

from .conftest import SEED_SCENARIO


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_vary_forms(seed_compiled):
    names = seed_compiled.table.names
    a, b, c = parse_varies(["turkey.flexibility=0.3:0.7:5", "election.turkey.base_win=0.4,0.5", "syria.resolve=1:1.4"],
                           names)
    assert np.allclose(a.values, [0.3, 0.4, 0.5, 0.6, 0.7])
    assert a.values[0] == 0.3 and a.values[-1] == 0.7  # both ends exact
    assert b.values == (0.4, 0.5) and (b.low, b.high) == (0.4, 0.5)
    assert c.values is None and (c.low, c.high) == (1.0, 1.4)


@pytest.mark.parametrize("text, fragment", [
    ("turkey.flexibility", "expected name=lo:hi:n"),
    ("nope.param=0:1:3", "unknown parameter 'nope.param'; valid names: syria.flexibility, "),
    ("turkey.flexibility=0.7:0.3:3", "empty range (lo 0.7 > hi 0.3)"),
    ("turkey.flexibility=0.3:0.7:0", "empty range (n must be at least 1)"),
    ("turkey.flexibility=0.5:0.5:3", "empty range (lo equals hi"),
    ("turkey.flexibility=0.3:0.7:x", "n must be a whole number"),
    ("turkey.flexibility=a:0.7:2", "'a' is not a number"),
    ("turkey.flexibility=0.1,,0.2", "empty value in the list"),
    ("turkey.flexibility=", "no values after '='"),
    ("turkey.flexibility=0.1:0.2:3:4", "a range is lo:hi or lo:hi:n"),
    ("turkey.flexibility=nan,0.2", "not a finite number"),
])
def test_bad_vary_specs(seed_compiled, text, fragment):
    with pytest.raises(SpecError) as err:
        parse_varies([text], seed_compiled.table.names)
    assert fragment in str(err.value) and "\n" not in str(err.value)


def test_grid_is_the_full_product_in_vary_order(seed_compiled):
    specs = parse_varies(["turkey.flexibility=0.3:0.7:3", "election.turkey.base_win=0.4,0.5"], seed_compiled.table.names)
    design = make_design("grid", specs, seed_compiled.table, None, 0)
    assert len(design.points) == 6 and design.names == ["turkey.flexibility", "election.turkey.base_win"]
    assert design.points[1] == {"turkey.flexibility": 0.3, "election.turkey.base_win": 0.5}


def test_lhs_defaults_to_uncertain_parameters_within_bounds_and_is_seeded(seed_compiled):
    table = seed_compiled.table
    d1 = make_design("lhs", [], table, 16, seed=3)
    assert d1.names == table.uncertain and len(d1.points) == 16
    for name in d1.names:
        lo, hi = table.params[name].bounds
        values = [p[name] for p in d1.points]
        assert all(lo <= v <= hi for v in values)
        # Latin hypercube: exactly one point in each of the 16 equal strata
        strata = sorted(int(math.floor((v - lo) / (hi - lo) * 16)) for v in values)
        assert strata == list(range(16))
    assert make_design("lhs", [], table, 16, seed=3).points == d1.points
    assert make_design("lhs", [], table, 16, seed=4).points != d1.points


def test_sobol_uses_salib_saltelli_layout_and_records_the_problem(seed_compiled):
    specs = parse_varies(["turkey.flexibility=0.3:0.7", "election.turkey.base_win=0.35:0.6"], seed_compiled.table.names)
    d = make_design("sobol", specs, seed_compiled.table, 8, seed=1)
    assert len(d.points) == 8 * (2 * 2 + 2)
    assert d.info["problem"] == {"num_vars": 2, "names": ["turkey.flexibility", "election.turkey.base_win"],
                                 "bounds": [[0.3, 0.7], [0.35, 0.6]]}
    assert d.info["calc_second_order"] is True and d.info["N"] == 8
    first_only = make_design("sobol", specs, seed_compiled.table, 8, seed=1, second_order=False)
    assert len(first_only.points) == 8 * (2 + 2)
    with pytest.raises(SpecError, match="power of 2"):
        make_design("sobol", specs, seed_compiled.table, 6, seed=1)


@pytest.mark.parametrize("args, fragment", [
    (["--vary", "turkey.flexibility=0.7:0.3:3"], "--vary 'turkey.flexibility=0.7:0.3:3': empty range"),
    (["--vary", "bogus=0:1:2"], "unknown parameter 'bogus'; valid names:"),
    (["--vary", "turkey.flexibility=0.3:0.7"], "a grid needs values"),
    ([], "a grid sweep needs at least one --vary"),
    (["--sample", "lhs"], "--sample lhs needs --points N"),
    (["--sample", "halton", "--points", "4"], "--sample: 'halton' is not one of grid, lhs, sobol"),
    (["--vary", "turkey.flexibility=0.3:0.7:2", "--points", "4"], "--points: only for --sample lhs|sobol"),
    (["--vary", "turkey.flexibility=0.3:0.7:2", "--vary", "turkey.flexibility=0.1,0.2"], "varied twice"),
    (["--vary", "turkey.flexibility=0.3:0.7:2", "--scheduler", "tcp://x:1", "--dask-local", "2"], "choose one"),
])
def test_cli_errors_are_one_line_with_status_2(tmp_path, args, fragment):
    out = tmp_path / "res"
    result = invoke("sweep", SEED_SCENARIO, "--out", out, *args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert not out.exists()  # nothing is created before the inputs are known to be good


def test_non_empty_out_without_resume_is_refused(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = invoke("sweep", SEED_SCENARIO, "--out", tmp_path, "--vary", "turkey.flexibility=0.3:0.7:2")
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: --out: '{tmp_path}' is not empty (pass --resume to continue the "
                                     f"sweep there, or choose another directory)")
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_resume_into_a_directory_without_manifest_is_refused(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = invoke("sweep", SEED_SCENARIO, "--out", tmp_path, "--vary", "turkey.flexibility=0.3:0.7:2", "--resume")
    assert result.exit_code == 2 and "has no manifest.json" in result.stderr


def test_unreachable_scheduler_is_a_one_line_error(tmp_path):
    import dask
    import distributed  # noqa: F401 - load its config defaults first, or leaving the block below would drop them

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = invoke("sweep", SEED_SCENARIO, "--out", tmp_path / "r", "--vary", "turkey.flexibility=0.3:0.7:2",
                        "--runs", 2, "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]] and lines[0].startswith("error: --scheduler: cannot reach a Dask scheduler at "
                                                       "'tcp://127.0.0.1:9'")
    assert not (tmp_path / "r").exists()  # nothing is written before the cluster answers


@given(total=st.integers(0, 5000), chunk=st.integers(1, 700))
def test_spans_cover_every_run_once_and_part_ids_sort_in_run_order(total, chunk):
    parts = spans(total, chunk)
    covered = [i for start, end in parts for i in range(start, end)]
    assert covered == list(range(total))
    assert all(0 < end - start <= chunk for start, end in parts)
    ids = [part_id(s) for s in parts]
    assert sorted(ids) == ids and len(set(ids)) == len(ids)


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=6, unique=True))
def test_vary_lists_round_trip(values):
    text = "turkey.flexibility=" + ",".join(repr(v) for v in values)
    (spec,) = parse_varies([text], ["turkey.flexibility"])
    assert spec.values == tuple(values) and spec.low == min(values) and spec.high == max(values)
