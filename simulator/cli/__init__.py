"""The ``diplosim`` command line. Each command lives in its own module and registers on ``app``.

Heavy imports (mesa, pandas, pyarrow, plotly) happen inside the commands that
need them, so ``--help``, ``validate`` and ``schema`` stay fast.
"""

from __future__ import annotations

from .typer_app import app  # the commands register on it (they import it from there, not from here: no circle)

from . import (  # noqa: E402,F401  (registers the commands)
    analysis_cmds, calibrate_cmd, check_cmd, dashboard_cmd, events_cmd, report_cmd, rules_cmd, run_cmd,
    reference_cmds, replay_cmd, scenario_cmds, sweep_cmd, timelines_cmd, track_cmds)


def main() -> None:
    """The console entry point (``diplosim`` and ``python -m simulator``).

    Once a command has finished, the interpreter's own teardown (freeing every module and object one by
    one: about 0.1 s here, a fifth of a short run) does nothing a user can see, so it is skipped: output is
    flushed, the exit handlers run (``atexit``: log handlers, temporary folders, pools), then the process
    ends with the command's status. Only when no other Python thread is alive, and only for a plain status;
    otherwise Python exits as usual."""
    import gc

    # a command allocates many small objects that live until it ends (scenario models, column arrays): the
    # collector's default (a young-generation pass every 700 allocations, promoting survivors into passes over
    # everything) spends about 5% of a short run finding no garbage; a larger first threshold keeps a collector
    gc.set_threshold(10_000, 10, 10)
    try:
        app()
        code = 0
    except SystemExit as exc:
        code = 0 if exc.code is None else exc.code
    _exit_now(code)


def _exit_now(code) -> None:
    import atexit
    import os
    import sys
    import threading

    if not isinstance(code, int) or threading.active_count() != 1:
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - a closed pipe, say: let Python report it as usual
        raise SystemExit(code) from None
    atexit._run_exitfuncs()  # CPython's own exit handlers, as at a normal exit
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)
