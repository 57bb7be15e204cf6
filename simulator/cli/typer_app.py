"""The ``diplosim`` Typer application: every command module registers on ``app`` (``simulator.cli`` imports them
all, so importing the package gives the whole command line)."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="diplosim",
    help="Agent-based diplomatic negotiation simulator: scenarios from the news, Monte Carlo, sweeps.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
