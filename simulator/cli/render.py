"""Rich rendering of a run summary (``summary.summarize``)."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table


def output_console() -> Console:
    """Standard output: the terminal's width, or 140 columns when piped to a file (tables stay readable)."""
    return Console() if sys.stdout.isatty() else Console(width=140)


def pct(x) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def interval(entry) -> str:
    return "-" if entry.get("low") is None else f"[{pct(entry['low'])}, {pct(entry['high'])}]"


def render_summary(s: dict, console: Console, title: str = "") -> None:
    n = s["runs"]
    t = Table(title=f"Questions ({n} runs){' - ' + title if title else ''}", title_justify="left")
    for col, kw in (("question", {"ratio": 3}), ("probability", {"justify": "right"}), ("95% Wilson", {}),
                    ("date 10% / 50% / 90%", {})):
        t.add_column(col, **kw)
    for q in s["questions"]:
        if q["kind"] == "date":
            dates = " / ".join(d or "not by end" for d in (q["p10"], q["median"], q["p90"]))
            t.add_row(q["text"], f"{pct(q['p'])} by end", interval(q), dates)
        else:
            t.add_row(q["text"], pct(q["p"]), interval(q), "")
    console.print(t)
    t = Table(title="Meeting levels: first meeting", title_justify="left")
    for col in ("track", "level", "held by end", "10%", "median", "90%", "weeks postponed"):
        t.add_column(col)
    for lv in s["levels"]:
        t.add_row(lv["track"], lv["name"], f"{pct(lv['p'])} {interval(lv)}",
                  *(d or "not by end" for d in (lv["p10"], lv["median"], lv["p90"])),
                  f"{lv['postponed_mean']:.1f}" if lv["postponed_mean"] is not None else "-")
    console.print(t)
    t = Table(title="Why meetings were postponed (most frequent blockers)", title_justify="left")
    for col in ("level", "who", "reason", "share of blocks", "runs affected"):
        t.add_column(col)
    for lv in s["levels"]:
        for b in lv["blockers"][:3]:
            t.add_row(lv["name"], b["actor"], b["reason"], pct(b["share"]), pct(b["runs_share"]))
    console.print(t)
    if s["concessions"]:
        t = Table(title="Concessions", title_justify="left")
        for col in ("ladder", "stage", "reached", "median date"):
            t.add_column(col)
        for lad in s["concessions"]:
            for st in lad["stages"]:
                t.add_row(lad["id"], st["stage"], f"{pct(st['p'])} {interval(st)}", st["median"] or "not by end")
        console.print(t)
    el = s.get("election")
    if el:
        console.print(f"[bold]Election[/bold]: {el['incumbent']} wins {pct(el['incumbent_wins']['p'])} "
                      f"{interval(el['incumbent_wins'])}, {el['challenger']} wins {pct(el['challenger_wins']['p'])}; "
                      f"run-off in {pct(el['runoff']['p'])} of runs")
