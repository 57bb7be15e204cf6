"""Start-up: `diplosim run` imports what running and summarising need, not the analysis and chart libraries."""

import subprocess
import sys

from .conftest import SEED_SCENARIO

NOT_NEEDED = ("statsmodels", "plotly", "polars", "sklearn", "SALib", "dask", "distributed", "dash")


def test_run_imports_no_chart_or_analysis_library():
    code = ("import sys; from simulator.cli import app; "
            f"app(['run', {str(SEED_SCENARIO)!r}, '--runs', '50', '--json'], standalone_mode=False); "
            f"print(' '.join(m for m in {NOT_NEEDED!r} if m in sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1:] in ([], [""]), done.stderr
