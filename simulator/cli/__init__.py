"""The ``diplosim`` command line. Each command lives in its own module and registers on ``app``.

Heavy imports (mesa, pandas, pyarrow, plotly) happen inside the commands that
need them, so ``--help``, ``validate`` and ``schema`` stay fast.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="diplosim",
    help="Agent-based diplomatic negotiation simulator: scenarios from the news, Monte Carlo, sweeps.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

from . import (  # noqa: E402,F401  (registers the commands)
    analysis_cmds, calibrate_cmd, dashboard_cmd, events_cmd, report_cmd, rules_cmd, run_cmd, scenario_cmds,
    sweep_cmd, track_cmds)


def main() -> None:
    app()
