"""What the analysis commands print, in words (rich tables on a console): the renderers of the API's typed
results (``simulator.api_results``), which the command line prints through (``diplosim summarize``, ``explain``,
``backtest``, ``params``, ``run``: its fragile flags, adjustments and priors gap). Each takes the plain data the command's ``--json`` prints."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .answers import Answer, interval, pct
from .lang.words import day_words


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
    from .charts.words import step_words

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
        return (f"{pct(m['p'])} {interval(m)}",
                *(day_words(d, "not by end") for d in (m["p10"], m["median"], m["p90"])))
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

    from .analysis.fragile import describe, headline, not_screened_words

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


def render_adjustments(effects: list[dict] | None, console: Console) -> None:
    """Each of the author's adjustments and how far it moves each question (paired runs, 95% interval)."""
    if not effects:
        return
    from rich.markup import escape

    from .outside_view.forecast import ADJUSTMENT_HEAD, adjustment_rows

    t = Table(title=f"The author's adjustments of class curves: how far each moves each question (with and without "
              f"it on the same {effects[0]['runs']:,} runs, seed {effects[0]['seed']})", title_justify="left")
    for col in ADJUSTMENT_HEAD:
        t.add_column(col)
    for label, text, *numbers in adjustment_rows(effects):
        t.add_row(escape(label), escape(text), *numbers)
    console.print(t)
    console.print("Shares: yes/no questions yes; dates happened by the end of the calendar; counts at least once.")


def render_sweep_summary(s: dict, console, max_points: int, step_days: int = 7) -> None:
    from rich.table import Table

    overall = s["overall"]
    head = f"all {overall['points']} point(s) pooled"
    if overall["runs"] != s["runs_expected"]:
        head += f"; {s['runs_expected'] - overall['runs']} of {s['runs_expected']} runs not finished (--resume)"
    render_summary(overall, console, f"{s['scenario']} - {head}", step_days)
    shown = s["per_point"][:max_points]
    if not shown:
        return
    t = Table(title="Per point", title_justify="left")
    for col in ("point", "parameters", "question / meeting held", "probability [95% Wilson]", "median date"):
        t.add_column(col)
    for row in shown:
        params = "\n".join(f"{n}={row['parameters'][n]:.4g}" for n in s["parameters"] if n in row["parameters"])
        cells = [(q["id"], Answer.of_entry(q).point_cell()) for q in row["questions"]]  # None: no probability
        items = [(label, *cell) for label, cell in cells if cell is not None]
        items += [(f"happened: {lv['name']}", lv, lv["median"]) for lv in row["milestones"]]
        for k, (label, entry, median) in enumerate(items):
            t.add_row(str(row["point"]) if k == 0 else "", params if k == 0 else "", label,
                      f"{pct(entry['p'])} {interval(entry)}", "" if median == "" else day_words(median, "not by end"),  # '': a yes/no question has no date
                      end_section=k == len(items) - 1)
    console.print(t)
    if len(s["per_point"]) > len(shown):
        console.print(f"(first {len(shown)} of {len(s['per_point'])} points; --max-points or --json for more)")


def _render_blockers(con, title: str, blocked_by: list[dict], unit: str) -> None:
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=escape(title), title_justify="left")
    for col in ("blocked by", "reason", "runs affected", f"{unit} blocked (mean)", "when (10/50/90%)"):
        t.add_column(col)
    for b in blocked_by:
        when = " / ".join(d or "-" for d in b.get("when_10_50_90", [])) or "-"
        t.add_row(escape(b["actor"]), escape(b["text"]), pct(b["runs_share"]), f"{b['steps_blocked_mean']:.1f}", when)
    con.print(t)


def _render_preceded(con, lv: dict) -> None:
    from rich.markup import escape
    from rich.table import Table

    if lv["preceded_success"]:
        t = Table(title="  before success (over the whole calendar)", title_justify="left")
        t.add_column("what")
        t.add_column("share of successes")
        for p in lv["preceded_success"][:8]:
            t.add_row(escape(p["what"]), pct(p["share_of_successes"]))
        con.print(t)


def _render_question(con, out: dict) -> None:
    """``explain --question``: the question, its window and answer, then each milestone its condition names."""
    from rich.markup import escape

    q = out["question"]
    unit = q["unit"]
    window = "the whole calendar" if q["whole_calendar"] else "its window"
    con.print(f"[bold]{escape(q['text'])}[/bold]")
    con.print(f"  asks: {escape(q['asks'])}")
    con.print(f"  window: {q['window']['from']} to {q['window']['to']}")
    con.print(f"  answer: {escape(q['answer_text'])} (as in the run summary)")
    if not out["levels"]:
        con.print("  its condition names no milestone: nothing here held it up")
    for lv in out["levels"]:
        con.print(f"\n[bold]{escape(lv['name'])}[/bold] ({lv['polarity']}): happened by {q['window']['to']} in "
                  f"{pct(lv['held_share'])} of {lv['runs']} runs" + (f"; {escape(lv['history'])}" if lv["history"] else ""))
        gw = lv["gate_wait"]
        if lv["gate"] is None:
            con.print("  gate: none")
        elif "unknown" in gw:
            con.print(f"  gate: {escape(lv['gate'])}; time waiting for it: {gw['unknown']}")
        else:
            con.print(f"  gate: {escape(lv['gate'])}; waiting for it within {window}: {gw['steps_mean']:.1f} {unit} "
                      f"per run on average, in {pct(gw['runs_share'])} of runs")
        logged = next((b["event_log_runs"] for b in lv["blocked_by"] if "event_log_runs" in b), None)
        source = f" (event log of {logged} runs)" if logged else ""
        if lv["blocked_by"]:
            _render_blockers(con, f"  postponed or blocked within {window}{source}", lv["blocked_by"], unit)
        else:
            con.print(f"  not postponed or blocked within {window}" + (
                "" if q["whole_calendar"] else " (as far as the event log tells)"))
        _render_preceded(con, lv)


def render_outside_view(ov: dict, con) -> None:
    """The four forecasts side by side (``outside_view.backtest``): per scenario, then pooled by track."""
    from rich.markup import escape as esc
    from rich.table import Table

    from .analysis.backtest import TRACKS
    from .outside_view.backtest import COLUMNS

    words = dict(COLUMNS)
    con.print(f"[bold]Four forecasts side by side[/bold] ({ov['runs']} runs per scenario and view, seed "
              f"{ov['seed']}); the class curves for each scenario are counted without its own negotiation "
              "(its replayed spells and any timeline of it). Lower is better.", soft_wrap=True)
    t = Table(title="Brier of yes/no questions, per scenario", title_justify="left")
    for col, kw in (("scenario", {"ratio": 3}), ("track", {}), ("with a prior", {"justify": "right"}),
                    *((words[c], {"justify": "right"}) for c, _ in COLUMNS),
                    ("all yes/no", {"justify": "right"}),
                    *((f"{words[c]} (all)", {"justify": "right"}) for c, _ in COLUMNS[:3])):
        t.add_column(col, **kw)
    for s in ov["scenarios"]:
        p, a = s["summary"]["brier_with_prior"], s["summary"]["brier_all"]
        t.add_row(esc(s["title"]) + ("" if s["classed_milestones"] else " (no classed milestone)"), s["group"],
                  str(p["n"]), *(_num(p[c]) for c, _ in COLUMNS), str(a["n"]), *(_num(a[c]) for c, _ in COLUMNS[:3]))
    con.print(t)
    dated = [s for s in ov["scenarios"] if s["summary"]["crps_weeks"]["n"]]
    if dated:
        t = Table(title="CRPS of dates (weeks), per scenario (priors give no dates)", title_justify="left")
        for col in ("scenario", "track", "dates", *(words[c] for c, _ in COLUMNS[:3])):
            t.add_column(col)
        for s in dated:
            d = s["summary"]["crps_weeks"]
            t.add_row(esc(s["title"]), s["group"], str(d["n"]), *(_num(d[c], ".2f") for c, _ in COLUMNS[:3]))
        con.print(t)
    t = Table(title="Pooled by track (the same questions in every column of a row; change: minus as written, "
              "95% bootstrap interval across questions)", title_justify="left")
    for col in ("track", "score", "items", *(words[c] for c, _ in COLUMNS), "outside view: change",
                "priors: change"):
        t.add_column(col)
    titles = dict(TRACKS)
    for name, _ in TRACKS:
        p = ov["tracks"].get(name)
        if p is None:
            continue
        if not p["scenarios"]:
            t.add_row(f"{name} (0)", "no scenario of this track has a classed milestone: no outside view", "",
                      *("" for _ in COLUMNS), "", "")
            continue
        for key, what, fmt in (("brier_with_prior", "Brier, questions with a prior", ".3f"),
                               ("brier_all", "Brier, every yes/no question", ".3f"),
                               ("crps_weeks", "CRPS of dates (weeks)", ".2f")):
            e = p[key]
            if not e["n"] or (key == "brier_all" and e["n"] == p["brier_with_prior"]["n"]):
                continue  # every yes/no question has a prior: the row above says it all
            t.add_row(f"{name} ({p['scenarios']})", what, str(e["n"]), *(_num(e[c], fmt) for c, _ in COLUMNS),
                      _change(e.get("outside_view_minus_as_written"), fmt), _change(e.get("priors_minus_as_written"),
                                                                                    fmt))
    con.print(t)
    con.print("; ".join(f"{name}: {titles[name]}" for name, _ in TRACKS if name in ov["tracks"]), markup=False,
              soft_wrap=True)
    left = [f"{name}: {', '.join(p['without_classes'])}" for name, p in ov["tracks"].items() if p["without_classes"]]
    if left:
        con.print("Left out of the pooled scores, no milestone having a class (so no outside view): "
                  + "; ".join(left), markup=False, soft_wrap=True)


def _change(d: dict | None, fmt: str) -> str:
    if not d or d.get("mean") is None:
        return "-"
    sign = "+" + fmt
    return f"{format(d['mean'], sign)} [{format(d['low'], sign)}, {format(d['high'], sign)}]"


def _num(x, fmt: str = ".3f") -> str:
    return "-" if x is None else format(x, fmt)


def render_backtest(res: dict, con) -> None:
    """The backtest in words: one table per scenario and kind of item, then the pooled scores and variants."""
    from rich.markup import escape as esc
    from rich.table import Table

    for e in res["scenarios"]:
        con.print(f"[bold]{esc(e['title'])}[/bold] ({esc(e['scenario'])}; as of {e['as_of']}, outcomes resolved "
                  f"{e['resolved_on']}; {res['runs']} runs, seed {res['seed']}, {e['engine']} engine)")
        bc = e.get("blind_check")
        if bc is not None:
            if bc["blind"]:
                con.print(f"[bold green]blind[/bold green]: scored from its frozen forecast as committed "
                          f"({e['frozen_runs']} runs, seed {e['frozen_seed']}); forecast committed "
                          f"{bc.get('forecast_committed') or '-'}, outcomes committed {bc.get('outcomes_committed') or '-'}",
                          soft_wrap=True)
            else:
                con.print(f"[red]marked blind but not called blind[/red]: {esc('; '.join(bc['reasons']))}", soft_wrap=True)
            for note in bc["notes"]:
                con.print(f"note: {esc(note)}", soft_wrap=True)
        if e["edited_after_outcomes"]:
            con.print(f"[red]edited after outcomes[/red]: the scenario's hash is now {e['scenario_hash']}, "
                      f"the outcomes were recorded against {e['recorded_hash']}", soft_wrap=True)
        ff = e.get("frozen_forecast")
        if ff is not None and not (ff.get("exists") and ff.get("matches_scenario")):
            why = ("is missing" if not ff.get("exists") else "cannot be read" if "error" in ff else
                   "was made with what-ifs" if ff.get("what_ifs") else "was made from another version of the scenario")
            con.print(f"[yellow]frozen forecast[/yellow] {esc(ff['path'])} {why}", soft_wrap=True)
        if e["yes_no"]:
            t = Table(title="Yes/no questions", title_justify="left")
            for col in ("question", "forecast", "95% interval", "happened", "Brier", "log score", "prior"):
                t.add_column(col)
            for q in e["yes_no"]:
                t.add_row(q["text"], pct(q["forecast"]), f"[{pct(q['low'])}, {pct(q['high'])}]", q["observed"],
                          f"{q['brier']:.3f}", f"{q['log_score']:.3f}", pct(q["prior"]) if "prior" in q else "-")
            con.print(t)
        if e.get("exposed"):
            t = Table(title="Scored apart: questions whose answer the writer saw (known) or may have seen (suspected)",
                      title_justify="left")
            for col in ("question", "exposure", "forecast", "happened", "Brier / CRPS"):
                t.add_column(col)
            for q in e["exposed"]:
                score = f"{q['brier']:.3f}" if "brier" in q else f"{q['crps']:.2f} {q['scale']}"
                t.add_row(esc(q["text"]), q["exposure"], pct(q["forecast"]) if "forecast" in q else "-",
                          esc(q["observed"]), score)
            con.print(t)
        for u in e.get("unresolved", ()):
            con.print(f"not scored, unresolved: {u['text']} ({u['reason']})", markup=False, soft_wrap=True)
        summary_line = _scenario_summary(e["summary"])
        if summary_line:
            con.print(summary_line, markup=False, soft_wrap=True)
        if e["distributions"]:
            t = Table(title="Dates and counts: the whole forecast distribution against what happened",
                      title_justify="left")
            for col in ("question", "observed", "forecast 10% / 50% / 90%", "not by end", "CRPS", "PIT"):
                t.add_column(col)
            for d in e["distributions"]:
                spread = " / ".join(str(v if not isinstance(v, float) else f"{v:g}")
                                    for v in (d["forecast_p10"], d["forecast_median"], d["forecast_p90"]))
                t.add_row(d["text"], d["observed"], spread, pct(d.get("p_not_by_end")),
                          f"{d['crps']:.2f} {d['scale']}", f"{d['pit']:.2f}")
            con.print(t)
    render_pooled(res, con)
    if res.get("without_outcomes"):
        con.print(f"not scored (no observed-outcomes file beside them): {', '.join(res['without_outcomes'])}",
                  markup=False, soft_wrap=True)


def _scenario_summary(summary: dict) -> str:
    """One scenario's scores in a sentence: Brier and log score of its yes/no questions, skill against 50% and
    against the writer's priors, mean CRPS of its dates."""
    yn, parts = summary["yes_no"], []
    if yn["n"]:
        parts.append(f"{yn['n']} yes/no questions: mean Brier {yn['brier']:.3f}, mean log score "
                     f"{yn['log_score']:.3f}, skill vs 50% {_num(yn['skill_vs_50'], '+.2f')}")
        if "skill_vs_prior" in yn:
            parts.append(f"the writer's priors score Brier {yn['prior_brier']:.3f} on the "
                         f"{yn['questions_with_prior']} with a prior (skill vs priors "
                         f"{_num(yn['skill_vs_prior'], '+.2f')})")
    for key, what in (("dates", "dates"), ("counts", "counts")):
        d = summary[key]
        if d["n"]:
            parts.append(f"{d['n']} {what}: mean CRPS {d['crps']:.2f} {d['unit']}")
    return "; ".join(parts) + "." if parts else ""


def render_pooled(res: dict, con) -> None:
    """Pooled scores of each track apart (blind first); all of them together only when said so."""
    from .analysis.backtest import TRACKS

    tracks = res.get("tracks") or {}
    for name, title in TRACKS:
        if name in tracks:
            _pooled_table(tracks[name], f"{title}: pooled over", con)
    if len(tracks) != 1:
        _pooled_table(res["pooled"], "All tracks together (blind and sighted pooled): over", con)
    _variants(res, con)


def _pooled_table(p: dict, title: str, con) -> None:
    from rich.markup import escape
    from rich.table import Table

    yn = p["yes_no"]
    t = Table(title=f"{title} {p['scenarios']} scenario{'s' if p['scenarios'] != 1 else ''}",
              title_justify="left")
    t.add_column("score")
    t.add_column("value", justify="right")
    t.add_column("how to read it")
    if yn["n"]:
        m = yn["murphy"]
        t.add_row("yes/no questions", str(yn["n"]), f"base rate (share that happened) {pct(yn['base_rate'])}")
        t.add_row("mean Brier", f"{yn['brier']:.3f}", "0 is perfect; always saying 50% scores 0.250")
        t.add_row("mean log score", f"{yn['log_score']:.3f}", f"higher is better; 50% scores {yn['baseline_50_log_score']:.3f}")
        t.add_row("skill vs 50%", _num(yn["skill_vs_50"], "+.2f"), "1 - Brier / 0.25; above 0 beats a coin")
        t.add_row("skill vs base rate", _num(yn["skill_vs_base_rate"], "+.2f"),
                  f"1 - Brier / {yn['base_rate_brier']:.3f} (always forecasting the base rate)")
        t.add_row("reliability", f"{m['reliability']:.3f}", f"lower is better: forecast vs observed share per bin "
                  f"({m['bins']} equal bins)")
        t.add_row("resolution", f"{m['resolution']:.3f}", "higher is better: how far bins' outcomes move from the "
                  "base rate")
        t.add_row("uncertainty", f"{m['uncertainty']:.3f}", "base rate x (1 - base rate): the questions' difficulty")
        extra = m["within_bin_variance"] - 2 * m["within_bin_covariance"]
        t.add_row("within-bin terms", f"{extra:+.3f}", "Brier = reliability - resolution + uncertainty + this")
        if "skill_vs_prior" in yn:
            t.add_row("skill vs priors", _num(yn["skill_vs_prior"], "+.2f"),
                      f"on the {yn['questions_with_prior']} questions with an analyst's prior")
    for key, what in (("dates", "dates (questions and milestones)"), ("counts", "counts")):
        d = p[key]
        if d["n"]:
            t.add_row(what, str(d["n"]), "scored apart from the yes/no questions")
            t.add_row(f"  mean CRPS ({d['unit']})", f"{d['crps']:.2f}",
                      "0 is perfect; how far the forecast distribution is from what happened")
            t.add_row("  mean PIT", f"{d['mean_pit']:.2f}", "0.5 if centred; near 0: earlier/fewer than "
                      "forecast, near 1: later/more")
    con.print(t)
    if p["edited_after_outcomes"]:
        con.print(f"[red]{len(p['edited_after_outcomes'])} scenario(s) edited after their outcomes were "
                  f"recorded[/red]: {escape(', '.join(p['edited_after_outcomes']))}", soft_wrap=True)


def _variants(res: dict, con) -> None:
    from rich.table import Table

    if res["variants"]:
        t = Table(title="Variants minus baseline on the same runs (95% bootstrap intervals across items)",
                  title_justify="left")
        for col in ("variant", "scenarios changed", "mean Brier: as written -> variant", "change (95%)",
                    "mean CRPS weeks: as written -> variant", "change (95%)"):
            t.add_column(col)
        for v in res["variants"]:
            b, c = v["vs_baseline"]["brier"], v["vs_baseline"]["crps_weeks"]
            diff = lambda x: "-" if x["mean"] is None else f"{x['mean']:+.3f} [{x['low']:+.3f}, {x['high']:+.3f}]"  # noqa: E731
            t.add_row(f"{v['name']} ({', '.join(v['assignments'])})", str(len(v["changed"])),
                      f"{_num(b['baseline'])} -> {_num(b['variant'])}", diff(b),
                      f"{_num(c['baseline'], '.2f')} -> {_num(c['variant'], '.2f')}", diff(c))
        con.print(t)
        for v in res["variants"]:
            for s in v["skipped"]:
                con.print(f"variant {v['name']} left out {s['scenario']}: {s['reason']}", markup=False, soft_wrap=True)
        con.print("negative changes mean the variant forecast better than the scenarios as written")


def render_params(rows: list[dict], title: str, console) -> None:
    """``diplosim params``: one row per parameter, its name never cut (its full width, or half the console's,
    wrapped)."""
    t = Table(title=title)
    longest = max((len(r["name"]) for r in rows), default=4)
    t.add_column("name", overflow="fold", min_width=min(longest, max(20, console.width // 2)))
    for col in ("dist", "value (model units)", "stated as", "estimable equivalent", "provenance",
                "where the number comes from"):
        t.add_column(col)
    for r in rows:
        rng = f"{r['low']:.4g}" if r["low"] == r["high"] else f"{r['low']:.4g} .. {r['high']:.4g}"
        t.add_row(r["name"], r["dist"], rng, r["stated_as"], r["estimable"] or "-", r["provenance"], r["source"])
    console.print(t)


def render_explanation(out: dict, unit: str, con) -> None:
    """``diplosim explain``: one question explained, or each milestone's blockers and what preceded success
    (``unit``: the scenario's steps, 'weeks' or 'days')."""
    if "question" in out:
        _render_question(con, out)
        return
    for lv in out["levels"]:
        _render_blockers(con, f"{lv['name']}: happened in {pct(lv['held_share'])} of {lv['runs']} runs",
                         lv["blocked_by"], unit)
        _render_preceded(con, lv)


def render_backtest_result(res: dict, con) -> None:
    """``diplosim backtest``: with the outside view (``res["outside_view"]``), the four forecasts side by side and
    the variants asked for; else each scenario's scores, the pooled scores and the variants."""
    if "outside_view" in res:
        render_outside_view(res["outside_view"], con)
        _variants(res, con)  # the variants asked for, on the same runs (none: nothing printed)
        return
    render_backtest(res, con)


def render_comparison(res: dict, con) -> None:
    """``diplosim compare``: B - A per question on the paired runs, then each milestone's median first date."""
    crn = res["common_random_numbers"]
    if not all(crn.values()):
        con.print(f"[yellow]note[/yellow]: draw layouts differ ({', '.join(k for k, v in crn.items() if not v)}): "
                  "random numbers are common only where the layouts agree")
    t = Table(title=f"B - A over {res['runs']} paired runs (seed {res['seed']})", title_justify="left")
    for col in ("question", "A", "B", "B - A", "95% interval", "runs changed"):
        t.add_column(col)
    for q in res["questions"]:  # each kind of answer gives its paired cells (a count's are in times)
        t.add_row(q["text"], *Answer.class_of(q).paired_cells(q), str(q["runs_changed"]))
    con.print(t)
    t = Table(title="Milestones: median first date", title_justify="left")
    for col in ("milestone", "A happened", "B happened", "A median", "B median", "shift (weeks)"):
        t.add_column(col)
    for lv in res["milestones"]:
        shift = "-" if lv["median_shift_weeks"] is None else f"{lv['median_shift_weeks']:+.0f}"
        t.add_row(lv["name"], pct(lv["a_p"]), pct(lv["b_p"]), day_words(lv["a_median"]), day_words(lv["b_median"]),
                  shift)
    con.print(t)


def render_sensitivity(out: dict, con) -> None:
    """``diplosim sensitivity``: per question, each parameter's first-order and total Sobol index."""
    for q in out["questions"]:
        t = Table(title=f"{q['text']} (mean {pct(q['mean'])} over {out['points']} points x "
                        f"{out['runs_per_point']} runs)", title_justify="left")
        for col in ("parameter", "first order S1", "total ST"):
            t.add_column(col)
        for r in q["indices"]:
            t.add_row(r["name"], f"{r['S1']:.3f} ± {r['S1_conf']:.3f}", f"{r['ST']:.3f} ± {r['ST_conf']:.3f}")
        con.print(t)


def render_discovery(out: dict, threshold: float, con) -> None:
    """``diplosim discover``: where the question is likely, as rules with coverage and density."""
    con.print(f"'{out['question']}' is likely (>= {pct(threshold)}) at {out['likely_points']} of {out['points']} "
              "points" + (f": {out['note']}" if "note" in out else ""))
    for b in out["boxes"]:
        con.print(f"  IF {b['rule']}\n     coverage {pct(b['coverage'])}, density {pct(b['density'])}, "
                  f"{b['points']} points, mean probability {pct(b['mean_probability'])}")


def render_events(rows: list[dict], sentences: list[str], title: str, con) -> None:
    """``diplosim events``: one run's events, each with its step, date and sentence."""
    t = Table(title=title, title_justify="left")
    for col in ("week", "date", "what happened"):
        t.add_column(col)
    for ev, sentence in zip(rows, sentences):
        t.add_row(str(ev["step"]), str(ev["date"]), sentence)
    con.print(t)
