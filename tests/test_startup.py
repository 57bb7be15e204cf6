"""Start-up: `diplosim run` imports what running and summarising need, not the analysis and chart libraries.

pandas (about 0.3 s) would come in through pyarrow: ``pa.array`` and ``Array.to_numpy`` import it to ask
whether their input is a pandas object, so the run path builds and reads Arrow arrays from their buffers
(``layout.arrow_array``, ``layout.to_numpy``). On the batch engine Mesa is not needed either.
"""

import os
import subprocess
import sys

import pytest

from .conftest import SEED_SCENARIO

NOT_NEEDED = ("statsmodels", "plotly", "polars", "sklearn", "SALib", "dask", "distributed", "dash", "pandas",
              "scipy", "mesa", "pyarrow.compute")


@pytest.mark.parametrize("cache", ["off", "warm"])
@pytest.mark.parametrize(("extra", "also_not"), [([], ("pyarrow", "multiprocessing", "concurrent.futures")), (["--out", "OUT"], ())],
                         ids=["summary", "with-out"])
def test_run_imports_no_chart_or_analysis_library(tmp_path, extra, also_not, cache):
    """A summary printed from this process needs no Arrow (``layout.Records``) and, with one job, no process
    pool; results written to --out need pyarrow. The seed scenario is classed, so the run also runs the outside
    view (``cache="off"``: its Monte Carlo and the fragile screen are computed) or reads it from the cache
    (``"warm"``: an identical run before this one stored them); neither path imports what the run does not need."""
    env = {**os.environ, "DIPLOSIM_CACHE": "off" if cache == "off" else str(tmp_path / "cache")}
    extra = [str(tmp_path / "out") if a == "OUT" else a for a in extra]
    code = ("import sys; from simulator.cli import app; "
            f"app(['run', {str(SEED_SCENARIO)!r}, '--runs', '50', '--json', '--overwrite', *{extra!r}], "
            "standalone_mode=False); "
            f"print(' '.join(m for m in {NOT_NEEDED + also_not!r} if m in sys.modules), file=sys.stderr)")
    for _ in range(1 if cache == "off" else 2):  # warm: the first run fills the cache
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        assert done.stderr.strip().splitlines()[-1:] in ([], [""]), done.stderr
    if cache == "warm":  # the second run read the outside view and the screen from the cache
        assert {p.parent.name for p in (tmp_path / "cache").glob("*/*.json")} >= {"outside_view", "fragile"}


def test_arrow_arrays_from_buffers_equal_pa_array():
    import numpy as np
    import pyarrow as pa

    from simulator.layout import arrow_array, to_numpy

    v = np.array([3, -1, 7, 0, 2**31 - 1], np.int32)
    mask = np.array([False, True, False, False, False])
    a = arrow_array(v, "int32", mask=mask)
    assert a.equals(pa.array(v, pa.int32(), mask=mask))
    back, nulls = to_numpy(a.slice(1))
    assert back.tolist() == [0, 7, 0, 2**31 - 1] and nulls.tolist() == [True, False, False, False]
    b = np.array([True, False, True] * 5)
    assert arrow_array(b, "bool").equals(pa.array(b)) and to_numpy(pa.chunked_array([pa.array(b)] * 2))[0].tolist() == b.tolist() * 2
    s = ["", "Türkiye", None, "a b"]
    assert arrow_array(s, "string").equals(pa.array(s, pa.string()))
    assert arrow_array(np.array([1.5, 0.0]), "float64", mask=np.array([False, True])).to_pylist() == [1.5, None]


def test_records_read_exactly_as_their_arrow_table():
    """``layout.Records`` (numpy columns) gives the same values, nulls and lists as the Arrow runs table, whole
    and sliced, for every column of a scenario with dates, nulls, strings and booleans."""
    import numpy as np

    from simulator.batch.engine import engine_for
    from simulator.compiled import Compiled
    from simulator.layout import record_table, to_numpy
    from simulator.scenario import load

    c = Compiled(load(SEED_SCENARIO).scenario)
    engine = engine_for(c)
    st = engine.run(3, range(300))
    records, table = engine.records(st), record_table(c, st)
    assert records.to_arrow().equals(table) and records.column_names == table.column_names
    for part, arrow in ((records, table), (records.slice(40, 100), table.slice(40, 100)),
                        (records.slice(250), table.slice(250))):
        assert part.num_rows == arrow.num_rows
        for name in arrow.column_names:
            mine, theirs = part.column(name), arrow.column(name)
            assert mine.to_pylist() == theirs.to_pylist(), name
            if mine.type_name != "string":
                (v1, n1), (v2, n2) = to_numpy(mine), to_numpy(theirs)
                assert v1.dtype == v2.dtype and np.array_equal(v1, v2), name
                assert (n1 is None and n2 is None) or np.array_equal(n1, n2), name
