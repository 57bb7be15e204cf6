"""Rich rendering of the outside view beside a forecast and of the author's adjustments (``diplosim run``)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def render_beside(summary: dict, priors: dict[str, float], console: Console) -> None:
    """The forecast, the outside view and the writer's priors side by side (dates: by the end of the calendar;
    counts: at least once; 95% intervals)."""
    ov = summary.get("outside_view")
    if ov is None and not priors:
        return
    t = Table(title="Forecast beside the outside view (class curves only: the author's paces and adjustments left "
              "out, the structure kept)" + (" and the writer's priors" if priors else ""), title_justify="left")
    cols = [("question", {"ratio": 3}), ("forecast", {"justify": "right"})]
    if ov is not None:
        cols += [("outside view", {"justify": "right"}), ("outside view - forecast", {"justify": "right"})]
    if priors:
        cols.append(("priors", {"justify": "right"}))
    for col, kw in cols:
        t.add_column(col, **kw)
    from ..outside_view.forecast import beside_rows

    for r in beside_rows(summary, priors):
        cells = [escape(r["text"]), r["forecast"]]
        if ov is not None:
            cells += [r["outside_view"], "-" if r["difference"] is None else f"{r['difference']:+.0f} pts"]
        if priors:
            cells.append("-" if r["prior"] is None else f"{100 * r['prior']:.0f}%")
        t.add_row(*cells)
    console.print(t)
    if ov is not None and ov.get("excluded"):
        console.print("The outside view's class curves are counted without this negotiation's own spells ("
                      + ", ".join(ov["excluded"]) + ").", markup=False, soft_wrap=True)


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
