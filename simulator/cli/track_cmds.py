"""``diplosim forecast`` (a frozen forecast) and ``diplosim backtest`` (a track record across a corpus)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..outside_view.backtest import OUTSIDE_VIEW_RUNS  # backtest --outside-view's runs per scenario and view
from .typer_app import app
from .common import (
    EXIT_USAGE,
    check_html_path,
    fail,
    print_problems,
    write_charts,
)
from .render import output_console, pct


@app.command()
def forecast(
    scenario: Path = typer.Argument(..., help="scenario file"),
    runs: int = typer.Option(2000, "--runs", "-n", min=2),
    seed: int = typer.Option(0, "--seed", "-s", min=0),
    out: Path = typer.Option(..., "--out", "-o", help="the frozen forecast, a JSON file"),
    dates: list[str] = typer.Option([], "--date", help="also give the share of runs by this date "
                                    "(YYYY-MM-DD, repeatable; the scenario's fixed dates are always included)"),
    sets: list[str] = typer.Option([], "--set", help="what-if: name=value or actor.rule=NAME (repeatable; "
                                   "recorded in the forecast)"),
    engine: str = typer.Option("auto", "--engine"),
    overwrite: bool = typer.Option(False, "--overwrite", help="replace an existing forecast file"),
    outside_view: bool = typer.Option(True, "--outside-view/--no-outside-view", help="when a milestone has a "
                                      "class: also freeze the outside view's answers beside the forecast (class "
                                      "curves only, counted without this negotiation; same runs and seed, no --set)"),
) -> None:
    """Register a frozen forecast: each question's probability with its interval, each dated milestone's
    distribution, the scenario's hash, seed, runs, engine and package versions (same seed, same numbers)."""
    from ..api_commands import check_forecast_out, freeze_forecast
    from ..errors import RuleError
    from ..scenario import ScenarioError

    try:
        check_forecast_out(out, overwrite)  # before the runs
        frozen = freeze_forecast(scenario, runs=runs, seed=seed, dates=dates, sets=sets, engine=engine,
                                 outside_view=outside_view)
    except ScenarioError as exc:
        print_problems(exc)
        raise typer.Exit(EXIT_USAGE) from None
    except (ValueError, RuleError) as exc:
        fail(str(exc))
    if frozen.outside_view_note:
        typer.echo(frozen.outside_view_note)
    frozen.write(out, overwrite)
    typer.echo(frozen.line(out))


@app.command()
def backtest(
    target: Path = typer.Argument(..., help="a corpus directory (every <name>.observed.yaml beside <name>.yaml), "
                                  "an observed-outcomes file, or a scenario file"),
    observed: Path = typer.Option(None, "--observed", help="observed-outcomes file for a scenario given as TARGET"),
    runs: int = typer.Option(None, "--runs", "-n", min=2, help="runs per scenario (and per variant and view); "
                             f"default 2000, with --outside-view {OUTSIDE_VIEW_RUNS}"),
    seed: int = typer.Option(0, "--seed", "-s", min=0),
    variants: list[str] = typer.Option([], "--variant", help="NAME:actor.rule=RULE or NAME:name=value, several "
                                       "separated by commas; '*.rule=RULE' switches every party (repeatable)"),
    engine: str = typer.Option("auto", "--engine"),
    as_json: bool = typer.Option(False, "--json"),
    html_out: Path = typer.Option(None, "--html", help="also write the reliability diagram and PIT histogram"),
    outside_view: bool = typer.Option(False, "--outside-view", help="score four forecasts side by side: as written, "
                                      "the outside view alone (class curves only), with outside-view defaults where "
                                      "the author stated nothing, and the author's priors; the class curves are "
                                      "counted without the scored negotiation (leave-one-negotiation-out)"),
) -> None:
    """Score forecasts against observed outcomes, per scenario and pooled: Brier, log score and Murphy
    decomposition for yes/no questions; CRPS (weeks) and PIT for dates; paired variant comparisons."""
    from ..api import backtest as run_backtest
    from ..errors import RuleError
    from ..scenario import ScenarioError

    check_html_path(html_out)
    if runs is None:
        runs = OUTSIDE_VIEW_RUNS if outside_view else 2000
    try:  # the API's backtest (``api.backtest``): this command parses, writes and prints
        res = run_backtest(target, observed=observed, runs=runs, seed=seed, engine=engine, variants=variants,
                           outside_view=outside_view)
    except ScenarioError as exc:  # every problem of every file, one line each
        print_problems(exc)
        raise typer.Exit(EXIT_USAGE) from None
    except (ValueError, RuleError) as exc:
        fail(str(exc))
    if html_out is not None:
        from ..charts.track import backtest_figures

        write_charts(html_out, f"diplosim backtest of {target}", backtest_figures(res))
    if as_json:
        typer.echo(json.dumps(res, indent=2))
        return
    if outside_view:
        con = output_console()
        render_outside_view(res["outside_view"], con)
        _variants(res, con)  # the variants asked for, on the same runs (none: nothing printed)
        return
    render_backtest(res, output_console())


def render_outside_view(ov: dict, con) -> None:
    """The four forecasts side by side (``outside_view.backtest``): per scenario, then pooled by track."""
    from rich.markup import escape as esc
    from rich.table import Table

    from ..analysis.backtest import TRACKS
    from ..outside_view.backtest import COLUMNS

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
    from ..analysis.backtest import TRACKS

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
