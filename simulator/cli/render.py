"""Rich rendering of a run summary (``summary.summarize``)."""

from __future__ import annotations

import os
import sys

from rich.console import Console


def output_console() -> Console:
    """Standard output: the terminal's width; piped to a file, the width ``COLUMNS`` gives, else 140 columns
    (tables stay readable)."""
    # emoji=False: a scenario's words are printed as written (":flag:" is not an emoji code here)
    if sys.stdout.isatty():
        return Console(emoji=False)
    columns = os.environ.get("COLUMNS", "")
    return Console(width=int(columns) if columns.isdigit() and int(columns) > 0 else 140, emoji=False)


from ..answers import Answer, interval, pct  # noqa: F401  (pct and interval: the words every table here uses)


from ..api_words import render_fragile, render_gap, render_summary  # noqa: F401,E402  (moved: the API's typed results print through them)
