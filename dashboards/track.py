"""The Track record tab, and "against what happened" beside a forecast (issue 25 item 15).

The tab shows the backtest of the corpus in the server's --scenario-root folder, as ``diplosim backtest FOLDER``
and the API's ``simulator.backtest`` give it: the scores by track (blind, marked blind but not confirmed,
sighted; never pooled without saying so), a reliability diagram per track, and each negotiation's forecasts
against what happened. It is computed once per state of the corpus files (``corpus_key``: every file's name,
size and time of change) on the server's background thread (``jobs.Tasks``), never on a request thread, and
shared by every user; the page polls its progress.

For a scenario with an observed-outcomes file beside it (the --scenario file or a corpus scenario; uploads
have none), the What-if tab shows its forecast against what happened (``observed_view``), scored as the
backtest scores it (``analysis.backtest.score_runs``) on the page's own baseline runs.
"""

from __future__ import annotations

from pathlib import Path

from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from .context import browser_session
from .ui import graph, pct, problems, section, table

BACKTEST_RUNS = 2000  # as `diplosim backtest` (its default): blind scenarios are scored from their frozen forecasts
BACKTEST_SEED = 0
EMPTY = {"data": [], "layout": {}}


def corpus_folder(ctx) -> Path | None:
    """The first --scenario-root folder that holds observed outcomes (the corpus the tab scores), or None."""
    from simulator.analysis.backtest import find_observed

    for root in ctx.scenario_roots:
        if find_observed(Path(root)):
            return Path(root)
    return None


def corpus_key(folder: Path) -> tuple:
    """What the backtest of ``folder`` depends on: each file under it (scenarios, observed outcomes, frozen
    forecasts, source texts) by relative name, size and time of change. Any edit gives another key."""
    files = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            st = path.stat()
            files.append((str(path.relative_to(folder)), st.st_size, st.st_mtime_ns))
    return ("track record", str(folder), BACKTEST_RUNS, BACKTEST_SEED, tuple(files))


def start_backtest(ctx, session: str):
    """The corpus's backtest task (started now, or the one already running or done for these files)."""
    folder = corpus_folder(ctx)
    if folder is None:
        return None

    def work(task):
        from simulator import api

        task.report(0, 0)
        return api.backtest(folder, runs=BACKTEST_RUNS, seed=BACKTEST_SEED, engine=ctx.engine)

    return ctx.tasks.start(corpus_key(folder), session, f"the track record of the corpus in '{folder.name}'", work)


def start_outside_view(ctx, session: str):
    """The corpus's backtest with the outside view (``diplosim backtest FOLDER --outside-view``: four forecasts side
    by side, the class curves counted without each scored negotiation), started on request; computed once."""
    from simulator.outside_view.backtest import OUTSIDE_VIEW_RUNS

    folder = corpus_folder(ctx)
    if folder is None:
        return None

    def work(task):
        from simulator import api

        task.report(0, 0)
        return api.backtest(folder, runs=OUTSIDE_VIEW_RUNS, seed=BACKTEST_SEED, engine=ctx.engine,
                            outside_view=True).outside_view

    return ctx.tasks.start(outside_view_key(folder), session, "the outside view's track record", work)


def outside_view_key(folder: Path) -> tuple:
    """What the outside view's track record of ``folder`` depends on: its runs per view and the corpus files."""
    from simulator.outside_view.backtest import OUTSIDE_VIEW_RUNS

    return ("outside view record",) + corpus_key(folder)[1:2] + (OUTSIDE_VIEW_RUNS,) + corpus_key(folder)[4:]


def outside_view_table(ov: dict) -> html.Table:
    """Pooled by track: the Brier of the same yes/no questions as written, by the outside view alone, with the
    outside view as defaults and by the writers' priors; the dates' CRPS (as ``backtest --outside-view``)."""
    from simulator.outside_view.backtest import COLUMNS

    def num(x, fmt=".3f"):
        return "-" if x is None else format(x, fmt)

    rows = []
    for name, words in track_words().items():
        pool = ov["tracks"].get(name)
        if pool is None:
            continue
        label = words.split(":")[0]
        if not pool["scenarios"]:
            rows.append([label, "no negotiation of this track has a classed milestone: no outside view"]
                        + ["-"] * (len(COLUMNS) + 1))
            continue
        brier, crps = pool["brier_with_prior"], pool["crps_weeks"]
        rows.append([label, f"Brier, {brier['n']} yes/no questions with a prior"]
                    + [num(brier[c]) for c, _ in COLUMNS] + [_change(brier.get("outside_view_minus_as_written"))])
        if crps.get("n"):
            rows.append([label, f"CRPS (weeks), {crps['n']} dates"] + [num(crps[c], ".2f") for c, _ in COLUMNS]
                        + [_change(crps.get("outside_view_minus_as_written"), ".2f")])
    return table(["track", "score"] + [w for _, w in COLUMNS] + ["outside view minus as written (95%)"], rows,
                 id="track-outside-view-table")


def _change(d: dict | None, fmt: str = ".3f") -> str:
    if not d or d.get("mean") is None:
        return "-"
    return f"{d['mean']:+{fmt}} [{d['low']:+{fmt}}, {d['high']:+{fmt}}]"


def track_words() -> dict[str, str]:
    from simulator.analysis.backtest import TRACKS

    return dict(TRACKS)


def scores_by_track(result: dict) -> html.Table:
    """Per track (in the backtest's order) and all together: the yes/no and date scores, the priors' too."""
    def num(x, fmt=".3f"):
        return "-" if x is None else format(x, fmt)

    rows = []
    tracks = result.get("tracks", {})
    for name, words in track_words().items():
        pool = tracks.get(name)
        if not pool or not pool.get("scenarios"):
            continue
        rows.append(_score_row(words, pool, num))
    if result.get("pooled"):
        rows.append(_score_row("All tracks together (blind and sighted pooled)", result["pooled"], num))
    return table(["track", "negotiations", "yes/no questions", "mean Brier (model)",
                  "mean Brier (writers' priors, same questions)", "skill vs always 50%", "dated items",
                  "mean CRPS (weeks)"], rows, id="track-scores-table")


def _score_row(label: str, pool: dict, num) -> list:
    yn, d = pool.get("yes_no", {}), pool.get("dates", {})
    return [label, pool.get("scenarios", 0), yn.get("n", 0), num(yn.get("brier")),
            num(yn.get("prior_brier")) if yn.get("questions_with_prior") else "-",
            num(yn.get("skill_vs_50"), "+.2f"), d.get("n", 0), num(d.get("crps"), ".2f")]


def reliability(result: dict, track: str | None):
    """The reliability diagram of one track (its own pool and questions), or of all tracks pooled."""
    from simulator.analysis.backtest import group_of
    from simulator.charts.track import reliability_diagram

    if track in (None, "all"):
        fig = reliability_diagram(result)
        title = "all tracks pooled"
    else:
        part = {"pooled": result.get("tracks", {}).get(track, {}),
                "scenarios": [e for e in result.get("scenarios", []) if group_of(e) == track]}
        fig = reliability_diagram(part)
        title = track_words()[track].split(":")[0].lower()
    return fig.update_layout(title=dict(text=f"{fig.layout.title.text}<br><sup>{title}</sup>"))


def negotiations(result: dict) -> html.Div:
    """Each negotiation, its track and scores, and every question's forecast against what happened."""
    from simulator.analysis.backtest import group_of

    words = track_words()
    blocks = []
    for i, e in enumerate(result.get("scenarios", [])):
        yn = e["summary"]["yes_no"]
        head = (f"{e['title']}: {words[group_of(e)].split(':')[0].lower()}; {yn.get('n', 0)} yes/no questions"
                + (f", mean Brier {yn['brier']:.3f}" if yn.get("n") else "")
                + (f" (writers' priors {yn['prior_brier']:.3f})" if yn.get("questions_with_prior") else "")
                + (f"; scored from its {e['scored_from']}" if e.get("scored_from") else ""))
        rows = [[r["text"].strip(), pct(r["forecast"]), pct(r.get("prior")),
                 "happened" if r["happened"] else "did not happen", f"{r['brier']:.3f}"] for r in e["yes_no"]]
        rows += [[r["text"].strip(), _date_forecast(r), "-", _observed_date(r), f"CRPS {r['crps']:.2f} weeks"]
                 for r in e["distributions"] if r.get("scale") == "weeks"]
        blocks.append(html.Details([html.Summary(head),
                                    table(["question", "forecast", "writer's prior", "what happened", "score"], rows,
                                          id=f"track-negotiation-{i}")],
                                   className="negotiation"))
    return html.Div(blocks, id="track-negotiations")


def _date_forecast(row: dict) -> str:
    """A date forecast in the answers' words (``answers.date_range``): 'median 26 Apr 2023 (10–90%: 8 Mar 2023 to
    after the calendar ends)', 'median after the calendar ends (in fewer than 1 run in 10 by the end of the
    calendar)'."""
    from simulator.answers import date_range

    median, spread = date_range({k: _iso(row.get(f"forecast_{k}")) for k in ("median", "p10", "p90")})
    return f"median {median} ({spread})"


def _iso(value) -> str | None:
    """A date of the backtest as ISO text, None for 'not by the end' (or none)."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        return None


def _observed_date(row: dict) -> str:
    return _date_words(row["observed"])


def _date_words(value) -> str:
    import datetime as dt

    from simulator.charts.frames import day

    try:
        return day(dt.date.fromisoformat(str(value)[:10]))
    except ValueError:
        return "not by the end of the calendar" if value == "not by the end" else str(value)


def _crps_words(crps_weeks: float, compiled) -> str:
    """A date's CRPS (the backtest's, in weeks) in the scenario's own steps: 'CRPS 5.78 weeks', 'CRPS 59.01 days'."""
    from simulator.lang.words import step_words

    return f"CRPS {crps_weeks * 7 / compiled.step_days:.2f} {step_words(compiled).many}"


def layout(ctx) -> html.Div:
    folder = corpus_folder(ctx)
    intro = ("The model's forecasts scored against what happened, for the negotiations of the corpus in "
             f"'{folder.name}' ({BACKTEST_RUNS:,} runs each, as `diplosim backtest {folder.name}` gives them; a blind "
             "negotiation is scored from the forecast frozen before its outcomes were looked up). Lower Brier and "
             "CRPS are better; always saying 50% scores a Brier of 0.250." if folder is not None else
             "No corpus with observed outcomes on this server: start the dashboard with --scenario-root FOLDER "
             "(a folder of scenarios with <name>.observed.yaml files beside them, such as the repository's "
             "scenarios/) to see the track record.")
    return html.Div([
        html.P(intro, id="track-intro"),
        html.Div(id="track-status", className="status", role="status"),
        dcc.Interval(id="track-timer", interval=500, disabled=True),
        html.Div(id="track-scores"),
        downloads_layout(),
        html.Div([html.Label(["reliability diagram of ",
                              dcc.Dropdown(id="track-which", clearable=False, value="blind",
                                           options=[{"label": w.split(":")[0], "value": k}
                                                    for k, w in track_words().items()]
                                           + [{"label": "all tracks pooled", "value": "all"}])],
                             style={"flex": "0 1 30em"})], className="row"),
        graph(id="track-reliability", figure=EMPTY),
        html.H3("The outside view beside the forecasts"),
        html.P("The same negotiations scored four ways: the forecast as written, the outside view alone (the class "
               "curves of the milestones' reference classes, counted without the scored negotiation), the scenario "
               "with the outside view where its writer stated nothing, and the writers' priors.", className="status"),
        html.Button("Score the outside view (about a minute, once for every user)", id="track-ov-go"),
        html.Div(id="track-ov-status", className="status", role="status"),
        dcc.Interval(id="track-ov-timer", interval=700, disabled=True),
        html.Div(id="track-ov"),
        html.H3("Each negotiation: its forecasts against what happened"),
        html.Div(id="track-list"),
    ], id="track-panel")


# ------------------------------------------------------------------ downloads (issue 25 item 16)
#: the tab's tables, each as CSV and Parquet (``downloads.table_file``), and its page as HTML
TABLES = (("scores", "scores by track"), ("reliability", "reliability"), ("negotiations", "each negotiation"),
          ("outside-view", "outside view"))


def downloads_layout() -> html.Div:
    buttons = [html.Button(f"{label} ({fmt_label})", id=f"track-dl-{key}-{fmt}", className="download")
               for key, label in TABLES for fmt, fmt_label in (("csv", "CSV"), ("parquet", "Parquet"))]
    return html.Div([html.Div([html.Span("Download: "), *buttons,
                               html.Button("report (HTML)", id="track-dl-report", className="download"),
                               dcc.Download(id="track-download")], className="row downloads"),
                     html.Div(id="track-dl-problems")], id="track-downloads")


def scores_frame(result: dict):
    """The scores-by-track table's rows as numbers: one row per track with negotiations, then all pooled."""
    import pandas as pd

    def row(label: str, pool: dict) -> dict:
        yn, d = pool.get("yes_no", {}), pool.get("dates", {})
        return {"track": label, "negotiations": pool.get("scenarios", 0), "yes_no_questions": yn.get("n", 0),
                "mean_brier": yn.get("brier"),
                "mean_brier_writers_priors": yn.get("prior_brier") if yn.get("questions_with_prior") else None,
                "questions_with_prior": yn.get("questions_with_prior", 0), "skill_vs_50": yn.get("skill_vs_50"),
                "dated_items": d.get("n", 0), "mean_crps_weeks": d.get("crps")}

    rows = [row(words, result["tracks"][name]) for name, words in track_words().items()
            if result.get("tracks", {}).get(name, {}).get("scenarios")]
    if result.get("pooled"):
        rows.append(row("All tracks together (blind and sighted pooled)", result["pooled"]))
    return pd.DataFrame(rows)


def reliability_frame(result: dict):
    """Each reliability diagram's bins: per track (its own pool) and all tracks pooled, the forecast bin, its
    questions, their mean forecast and the share that happened with its 95% Wilson interval."""
    import pandas as pd

    pools = [(words.split(":")[0], result.get("tracks", {}).get(name, {})) for name, words in track_words().items()]
    pools.append(("All tracks pooled", result.get("pooled", {})))
    return pd.DataFrame([{"track": label, "forecast_from": b["from"], "forecast_to": b["to"], "questions": b["n"],
                          "mean_forecast": b["mean_forecast"], "share_happened": b["observed"],
                          "share_happened_low": b["low"], "share_happened_high": b["high"]}
                         for label, pool in pools for b in pool.get("reliability", [])],
                        columns=["track", "forecast_from", "forecast_to", "questions", "mean_forecast",
                                 "share_happened", "share_happened_low", "share_happened_high"])


def negotiations_frame(result: dict):
    """Every scored question of every negotiation: its forecast against what happened and its score (yes/no: the
    probability, the writer's prior, happened or not, Brier; dates and counts: the forecast's median and 10-90%,
    what happened, CRPS in its unit)."""
    import pandas as pd

    from simulator.analysis.backtest import group_of

    words = track_words()
    rows = []
    for e in result.get("scenarios", []):
        head = {"negotiation": e["title"], "scenario_file": Path(str(e["scenario"])).name,
                "track": words[group_of(e)].split(":")[0]}
        for r in e["yes_no"]:
            rows.append({**head, "question_id": r["id"], "question": r["text"].strip(), "kind": r["kind"],
                         "forecast": r["forecast"], "forecast_low": r.get("low"), "forecast_high": r.get("high"),
                         "writers_prior": r.get("prior"), "what_happened": "happened" if r["happened"] else
                         "did not happen", "brier": r["brier"]})
        for r in e["distributions"]:
            rows.append({**head, "question_id": r["id"], "question": r["text"].strip(), "kind": r["kind"],
                         "forecast_median": str(r.get("forecast_median")), "forecast_p10": str(r.get("forecast_p10")),
                         "forecast_p90": str(r.get("forecast_p90")), "what_happened": str(r["observed"]),
                         "crps": r["crps"], "crps_unit": r.get("scale")})
    return pd.DataFrame(rows, columns=["negotiation", "scenario_file", "track", "question_id", "question", "kind",
                                       "forecast", "forecast_low", "forecast_high", "writers_prior",
                                       "forecast_median", "forecast_p10", "forecast_p90", "what_happened", "brier",
                                       "crps", "crps_unit"])


def outside_view_frame(ov: dict):
    """The outside view's table as numbers: per track and score, the four forecasts and the outside view's change
    against the forecast as written (mean and 95% interval)."""
    import pandas as pd

    from simulator.outside_view.backtest import COLUMNS

    rows = []
    for name, words in track_words().items():
        pool = ov["tracks"].get(name)
        if not pool or not pool["scenarios"]:
            continue
        for score, key in (("Brier", "brier_with_prior"), ("CRPS (weeks)", "crps_weeks")):
            part = pool[key]
            if not part.get("n"):
                continue
            change = part.get("outside_view_minus_as_written") or {}
            rows.append({"track": words.split(":")[0], "score": score, "items": part["n"],
                         **{col: part.get(col) for col, _ in COLUMNS},
                         "outside_view_minus_as_written": change.get("mean"),
                         "outside_view_minus_as_written_low": change.get("low"),
                         "outside_view_minus_as_written_high": change.get("high")})
    return pd.DataFrame(rows)


def report_page(result: dict, folder: Path) -> str:
    """The track record's page, as ``diplosim backtest FOLDER --html`` writes it (``charts.track.backtest_figures``)."""
    from simulator.charts.track import backtest_figures
    from simulator.report import Section, render_html

    return render_html([Section(i, t, f) for i, t, f in backtest_figures(result)], f"diplosim backtest of {folder}")


def observed_view(ctx, entry, state, session) -> html.Div | None:
    """"Against what happened" for a scenario with an observed-outcomes file beside it (None without one): each
    resolved question's forecast (the page's baseline and, with a what-if, the what-if) and what happened."""
    from simulator.analysis.backtest import score_runs
    from simulator.analysis.observed import observed_beside

    from .compute import simulate_many

    path = getattr(entry.loaded, "path", None)
    if path is None or entry.key.startswith("upload-"):
        return None
    beside = observed_beside(path)
    if not beside.is_file():
        return None
    lo = _observed(beside, entry)
    wanted = [(state.scenario, state.seed, state.runs, {})]
    if state.overrides:
        wanted.append((state.scenario, state.seed, state.runs, state.overrides))
    got = simulate_many(ctx, wanted, session, None)
    scored = [_kept(ctx, ("observed score", entry.key, entry.loaded.digest, id(lo), state.seed, state.runs,
                          tuple(sorted(overrides.items()))),
                    lambda table=outcome.table: score_runs(lo, entry.compiled, table, state.runs, state.seed))
              for (outcome, _), (*_, overrides) in zip(got, wanted)]
    base = scored[0]
    alt = {r["id"]: r for r in scored[-1]["yes_no"]} if state.overrides else {}
    ov, ov_note = outside_view_scored(ctx, entry, lo, session)
    questions = {q.id for q in entry.compiled.questions}  # the date questions (not the milestones' first dates)
    headers = (["question", "forecast (baseline)"] + (["what-if"] if state.overrides else [])
               + (["outside view"] if ov is not None else []) + ["what happened", "Brier (baseline)"]
               + (["Brier (outside view)"] if ov is not None else []))
    ov_yes = {r["id"]: r for r in ov["yes_no"]} if ov is not None else {}
    ov_dates = {r["id"]: r for r in ov["distributions"]} if ov is not None else {}
    rows = [[r["text"].strip(), pct(r["forecast"])] + ([pct(alt[r["id"]]["forecast"])] if alt else [])
            + ([pct(ov_yes[r["id"]]["forecast"])] if ov is not None else [])
            + ["happened" if r["happened"] else "did not happen", f"{r['brier']:.3f}"]
            + ([f"{ov_yes[r['id']]['brier']:.3f}"] if ov is not None else []) for r in base["yes_no"]]
    rows += [[r["text"].strip(), _date_forecast(r)] + (["-"] if alt else [])
             + ([_date_forecast(ov_dates[r["id"]])] if ov is not None else [])
             + [_observed_date(r), _crps_words(r["crps"], entry.compiled)]
             + ([_crps_words(ov_dates[r["id"]]["crps"], entry.compiled)] if ov is not None else [])
             for r in base["distributions"] if r.get("scale") == "weeks" and r["id"] in questions]
    yn = base["summary"]["yes_no"]
    note = (f"Outcomes recorded in {beside.name} (resolved on {_date_words(lo.observed.resolved_on)}); "
            f"{yn.get('n', 0)} yes/no questions resolved" + (f", mean Brier {yn['brier']:.3f} on these "
                                                            f"{state.runs:,} runs" if yn.get("n") else "")
            + (f"; {len(base['unresolved'])} not resolved" if base["unresolved"] else ""))
    if ov_note:
        note += f"; {ov_note}"
    return section("Against what happened", html.P(note, className="status"),
                   table(headers, rows, id="whatif-observed-table"), id="whatif-observed-section")


def outside_view_scored(ctx, entry, lo, session) -> tuple[dict | None, str]:
    """The outside view's forecast (``outside.outside_view_outcome``: class curves only, without this negotiation;
    the server's runs and seed) scored against the same outcomes; (None, why) for a scenario without classes or
    with a class too thin for a curve."""
    from simulator.analysis.backtest import score_runs

    from .outside import outside_view_outcome

    try:
        outcome = outside_view_outcome(ctx, entry, session)
    except ValueError as exc:
        return None, f"no outside view: {exc}"
    if outcome is None:
        return None, ""
    runs = outcome.table.num_rows
    scored = _kept(ctx, ("observed score", "outside view", entry.key, entry.loaded.digest, id(lo), ctx.seed, runs),
                   lambda: score_runs(lo, entry.compiled, outcome.table, runs, ctx.seed))
    return scored, f"the outside view from the class curves alone (this negotiation left out), {runs:,} runs"


def _kept(ctx, key: tuple, score):
    """A forecast's score against what happened, kept with the What-if's views (the baseline's and the outside
    view's are the same for every what-if; ``lo``, part of the key by its id, is kept by ``_observed``)."""
    hit = ctx.views.get(key)
    return hit if hit is not None else ctx.views.put(key, score())


_OBSERVED: dict = {}


def _observed(path: Path, entry):
    from simulator.analysis.observed import load_observed

    key = (str(path), path.stat().st_mtime_ns, entry.loaded.digest)
    if key not in _OBSERVED:
        _OBSERVED[key] = load_observed(path, scenario=entry.loaded)
    return _OBSERVED[key]


def register(app, ctx) -> None:
    @app.callback(Output("track-status", "children"), Output("track-timer", "disabled"),
                  Output("track-scores", "children"), Output("track-list", "children"),
                  Output("track-reliability", "figure"),
                  Input("tabs", "value"), Input("track-timer", "n_intervals"), State("track-which", "value"),
                  State("track-scores", "children"), State("session", "data"), prevent_initial_call=True)
    def show(tab, _, which, shown, session):
        if tab != "track" or shown:
            raise PreventUpdate  # computed when the tab is first opened, shown once
        try:
            task = start_backtest(ctx, browser_session(session))
        except Exception as exc:  # noqa: BLE001 - Busy, or the corpus does not load: one line
            return problems([str(exc)]), True, None, None, no_update
        if task is None:
            raise PreventUpdate
        if not task.done.is_set():
            return ctx.tasks.words(task), False, None, None, no_update
        if task.error is not None or task.result is None:
            return problems([ctx.tasks.words(task)]), True, None, None, no_update
        backtest = task.result  # the API's typed result (``api_results.Backtest``); the tables read its --json
        result = backtest.as_json()
        return (f"Track record of {len(backtest.scenarios)} negotiations ({backtest.runs:,} runs each, seed "
                f"{backtest.seed}); computed once for these corpus files and shared by every user of this server.",
                True, scores_by_track(result), negotiations(result), reliability(result, which))

    @app.callback(Output("track-ov-status", "children"), Output("track-ov-timer", "disabled"),
                  Output("track-ov", "children"), Input("track-ov-go", "n_clicks"),
                  Input("track-ov-timer", "n_intervals"), State("session", "data"), prevent_initial_call=True)
    def outside_view_record(_, __, session):
        try:
            task = start_outside_view(ctx, browser_session(session))
        except Exception as exc:  # noqa: BLE001 - Busy: one line
            return problems([str(exc)]), True, None
        if task is None:
            raise PreventUpdate
        if not task.done.is_set():
            return ctx.tasks.words(task), False, None
        if task.result is None:
            return problems([ctx.tasks.words(task)]), True, None
        ov = task.result
        return (f"{ov['runs']:,} runs per negotiation and view, seed {ov['seed']}; lower is better.", True,
                outside_view_table(ov))

    @app.callback(Output("track-download", "data"), Output("track-dl-problems", "children"),
                  *[Input(f"track-dl-{k}-{f}", "n_clicks") for k, _ in TABLES for f in ("csv", "parquet")],
                  Input("track-dl-report", "n_clicks"), prevent_initial_call=True)
    def download(*_):
        """A table of the tab as CSV or Parquet, or its page as HTML; from the results shown (nothing runs again);
        the outside view's once it has been scored."""
        from dash import ctx as dash_ctx

        from .downloads import table_file

        which = dash_ctx.triggered_id
        folder = corpus_folder(ctx)
        task = None if folder is None else ctx.tasks.get(corpus_key(folder))
        if which is None or task is None or not task.done.is_set() or task.result is None:
            return no_update, problems(["download: the track record is not computed yet; wait for its tables"])
        result, stem = task.result.as_json(), f"track-record-{folder.name}"
        if which == "track-dl-report":
            return dcc.send_string(report_page(result, folder), f"{stem}-report.html"), None
        key, fmt = which.removeprefix("track-dl-").rsplit("-", 1)
        if key == "outside-view":
            ov = ctx.tasks.get(outside_view_key(folder))
            if ov is None or not ov.done.is_set() or ov.result is None:
                return no_update, problems(["download: the outside view is not scored yet; press 'Score the outside "
                                            "view' and wait for its table"])
            frame = outside_view_frame(ov.result)
        else:
            frame = {"scores": scores_frame, "reliability": reliability_frame,
                     "negotiations": negotiations_frame}[key](result)
        return table_file(frame, fmt, f"{stem}-{key}"), None

    @app.callback(Output("track-reliability", "figure", allow_duplicate=True), Input("track-which", "value"),
                  State("session", "data"), prevent_initial_call=True)
    def which_track(which, session):
        folder = corpus_folder(ctx)
        task = None if folder is None else ctx.tasks.get(corpus_key(folder))
        if task is None or not task.done.is_set() or task.result is None:
            raise PreventUpdate
        return reliability(task.result, which)

    @app.callback(Output("whatif-observed", "children"), Input("whatif-state", "data"), Input("session", "data"))
    def against_what_happened(search, session):
        from .jobs import Busy, Superseded
        from .state import parse_search

        session = browser_session(session)
        main = ctx.get(None, session)
        if main is None:
            return None
        state, _ = parse_search(search, main.key, ctx.table_for(session), ctx.runs, ctx.seed)
        entry = ctx.get(state.scenario, session)
        try:
            return observed_view(ctx, entry, state, session)
        except (Busy, Superseded):
            raise PreventUpdate from None
        except Exception as exc:  # noqa: BLE001 - one line in the page, never a traceback
            from .ui import failure

            return failure("against what happened", exc)
