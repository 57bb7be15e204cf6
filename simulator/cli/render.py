"""Rich rendering of a run summary (``summary.summarize``)."""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.table import Table


def output_console() -> Console:
    """Standard output: the terminal's width; piped to a file, the width ``COLUMNS`` gives, else 140 columns
    (tables stay readable)."""
    # emoji=False: a scenario's words are printed as written (":flag:" is not an emoji code here)
    if sys.stdout.isatty():
        return Console(emoji=False)
    columns = os.environ.get("COLUMNS", "")
    return Console(width=int(columns) if columns.isdigit() and int(columns) > 0 else 140, emoji=False)


from ..answers import Answer, interval, pct  # noqa: F401  (pct and interval: the words every table here uses)


def render_summary(s: dict, console: Console, title: str = "", step_days: int = 7) -> None:
    n = s["runs"]
    t = Table(title=f"Questions ({n} runs){' - ' + title if title else ''}", title_justify="left")
    # beside the forecast: the outside view and the writer's priors, when the summary has them (``summary_extras``)
    outside = {q["id"]: q for q in (s.get("outside_view") or {}).get("questions", [])}
    priors = {q["id"]: q["prior"] for q in (s.get("priors_gap") or {}).get("questions", [])}
    beside = [("outside view", {"justify": "right"})] * bool(outside) + [("prior", {"justify": "right"})] * bool(priors)
    for col, kw in (("question", {"ratio": 3}), ("probability", {"justify": "right"}), *beside, ("95% Wilson", {}),
                    ("date 10% / 50% / 90%", {})):
        t.add_column(col, **kw)
    for q in s["questions"]:  # each answer gives its own cells (``answers.Answer.cells``)
        first, *rest = Answer.of_entry(q).cells()
        cells = [first]
        if outside:
            cells.append(Answer.of_entry(outside[q["id"]]).cells()[0] if q["id"] in outside else "-")
        if priors:
            cells.append(pct(priors[q["id"]]) if q["id"] in priors else "-")
        t.add_row(q["text"], *cells, *rest)
    if outside:
        t.caption = ("outside view: the same scenario with class curves only (how fast each kind of step happened in "
                     "past negotiations, this one left out), the author's paces and adjustments left out")
        t.caption_justify = "left"
    console.print(t)
    render_fragile(s.get("fragile"), console)
    t = Table(title="Milestones: first time", title_justify="left")
    from ..charts.words import step_words

    postponed = f"{step_words(step_days).many} postponed"  # counted per step: weeks, days
    for col in ("track", "milestone", "kind", "by end", "10%", "median", "90%", "times (mean)", postponed):
        t.add_column(col)
    for m in s["milestones"]:
        t.add_row(m.get("track_name") or m["track"] or "-", m["name"], m["kind"], *_first_time(m),
                  f"{m['count_mean']:.2f}" if m["count_mean"] is not None else "-",
                  f"{m['postponed_mean']:.1f}" if m["postponed_mean"] is not None else "-")
    console.print(t)
    t = Table(title="Why milestones were postponed (most frequent reasons)", title_justify="left")
    for col in ("milestone", "reason", "share of blocks", "runs affected"):
        t.add_column(col)
    for m in s["milestones"]:
        for b in m["blockers"][:3]:
            t.add_row(m["name"], b["text"], pct(b["share"]), pct(b["runs_share"]))
    console.print(t)
    if s["concessions"]:
        t = Table(title="Concessions", title_justify="left")
        for col in ("ladder", "stage", "reached", "median date"):
            t.add_column(col)
        for lad in s["concessions"]:
            for st in lad["stages"]:
                reached, _, median, _ = _first_time(st)
                t.add_row(lad["name"], st["name"], reached, median)
        console.print(t)
    for el in s.get("elections", []):
        console.print(f"[bold]{el['name']}[/bold]: {el['incumbent_name']} wins {pct(el['incumbent_wins']['p'])} "
                      f"{interval(el['incumbent_wins'])}, {el['challenger_name']} wins {pct(el['challenger_wins']['p'])}; "
                      f"run-off in {pct(el['runoff']['p'])} of runs")


def _first_time(m: dict) -> tuple[str, str, str, str]:
    """'by end' and the 10% / median / 90% dates of a milestone within the calendar; one from the history says
    so (and, if it can happen again, how often it does within the calendar; those dates are not recorded)."""
    h = m.get("history")
    if h is None:
        return (f"{pct(m['p'])} {interval(m)}", *(d or "not by end" for d in (m["p10"], m["median"], m["p90"])))
    again = f"; again within the calendar in {pct(m['p'])} {interval(m)}" if m.get("repeat", True) and m["p"] else ""
    return (h["text"] + again, "-", "-", "-")


def render_fragile(fragile: dict | None, console: Console) -> None:
    """Which questions hang on one number (``analysis.fragile``), in words."""
    if not fragile:
        return
    if fragile.get("skipped"):
        console.print(f"Fragile forecasts: not screened ({fragile['skipped']}).")
        return
    from rich.markup import escape

    from ..analysis.fragile import describe, headline, not_screened_words

    head = escape(headline(fragile))
    flagged = [q for q in fragile["questions"] if q["flags"]]
    if not flagged:
        console.print(f"{head}: no question screened moves by more than {100 * fragile['threshold']:.0f} points.")
    else:
        console.print(f"[bold]{head}[/bold]; these questions move by more than "
                      f"{100 * fragile['threshold']:.0f} points - check how well what they hang on is known:")
        for q in flagged:
            for f in q["flags"]:
                console.print(f"  [yellow]fragile[/yellow] {escape(q['text'])}: {escape(describe(f))}")
    for q in fragile["questions"]:
        for f in q["borderline"][:2]:
            console.print(f"  borderline {escape(q['text'])}: {escape(describe(f))}")
        if len(q["borderline"]) > 2:
            console.print(f"  ({len(q['borderline']) - 2} more borderline for {escape(q['text'])}: see --json)")
    left_out = not_screened_words(fragile)
    if left_out:
        console.print("Not screened:")
        for line in left_out:
            console.print(f"  {escape(line)}")


def render_gap(gap: dict | None, console: Console) -> None:
    """Where the forecast and the writer's priors part by more than the threshold (``analysis.gap``), in words."""
    if not gap:
        return
    parted = [q for q in gap["questions"] if q["explained"]]
    if not gap["questions"]:
        return
    if not parted:
        console.print(f"Forecast and the writer's priors: no question differs by more than "
                      f"{100 * gap['threshold']:.0f} points.")
        return
    from rich.markup import escape

    console.print(f"[bold]Where the forecast and the writer's priors part by more than {100 * gap['threshold']:.0f} "
                  f"points[/bold] ({len(parted)} of {len(gap['questions'])} questions with a prior): the paths and "
                  "numbers that make the difference")
    for q in parted:
        console.print(f"[bold]{escape(q['text'])}[/bold]", soft_wrap=True)
        for line in q["sentences"]:
            console.print(f"  {escape(line)}", soft_wrap=True)
