"""Rich rendering of the author's adjustments of class curves (``diplosim run``); the outside view and the priors
stand beside the forecast in the questions table (``render.render_summary``)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def render_adjustments(effects: list[dict] | None, console: Console) -> None:
    """Each of the author's adjustments and how far it moves each question (paired runs, 95% interval)."""
    if not effects:
        return
    from ..lang.words import points

    t = Table(title=f"The author's adjustments of class curves: how far each moves each question (with and without "
              f"it on the same {effects[0]['runs']:,} runs, seed {effects[0]['seed']})", title_justify="left")
    for col in ("adjustment", "question", "without it", "with it", "moves it by (95%)"):
        t.add_column(col)
    for e in effects:
        for i, q in enumerate(e["questions"]):
            t.add_row(escape(e["label"]) if i == 0 else "", escape(q["text"]), f"{100 * q['without']:.1f}%",
                      f"{100 * q['with']:.1f}%", points(q["moves"], q["low"], q["high"]))
    console.print(t)
    console.print("Shares: yes/no questions yes; dates happened by the end of the calendar; counts at least once.")
