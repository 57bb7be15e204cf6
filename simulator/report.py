"""A self-contained HTML report of a results directory (or of runs still in memory).

The page embeds plotly.js once, in its head, and writes every figure as a
``<div>`` plus a call to ``Plotly.newPlot``; nothing is fetched when it opens,
so it works offline. Which charts appear depends on the results: a Monte
Carlo (one point) gets the calendar, timing, postponement and sample-run
charts; a sweep (several points) gets the sweep charts for its varied
parameters. Both get the scenario summary, question summary, actors and evidence.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from .compiled import Compiled


class ReportError(ValueError):
    """A one-line reason why no report can be made from these results."""


@dataclass
class Results:
    runs: object  # Arrow table
    events: object | None  # Arrow table; not loaded for sweeps (not charted, can be large)
    points: object | None  # pandas DataFrame of points.parquet
    manifest: dict
    compiled: Compiled

    @property
    def is_sweep(self) -> bool:
        return self.points is not None and len(self.points) > 1


@dataclass
class Section:
    id: str
    title: str
    figure: object | None = None  # plotly Figure
    html: str = ""
    notes: list[str] = field(default_factory=list)


def load_results(path: Path) -> Results:
    """Read a results directory; raise ReportError naming the file and what is wrong."""
    import pandas as pd
    from pydantic import ValidationError

    from .scenario.schema import Scenario
    from .store import read_manifest, read_table

    path = Path(path)
    if not path.is_dir():
        raise ReportError(f"RESULTS_DIR: '{path}' is not a directory")
    manifest_file = path / "manifest.json"
    if not manifest_file.is_file():
        raise ReportError(f"RESULTS_DIR: '{path}' has no manifest.json, so it is not a results directory")
    try:
        manifest = read_manifest(path)
        resolved = manifest["scenario"]["resolved"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ReportError(f"{manifest_file}: cannot read the resolved scenario ({type(exc).__name__}: {exc})") from None
    try:
        compiled = Compiled(Scenario.model_validate(resolved))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ReportError(f"{manifest_file}: scenario.resolved.{where}: {first['msg']}") from None
    points = pd.read_parquet(path / "points.parquet") if (path / "points.parquet").is_file() else None
    runs = read_table(path, "runs")
    if runs is None or runs.num_rows == 0:
        raise ReportError(f"RESULTS_DIR: '{path / 'runs'}' holds no finished runs")
    sweep = points is not None and len(points) > 1
    events = None if sweep else read_table(path, "events")
    return Results(runs, events, points, manifest, compiled)


# ------------------------------------------------------------------ sections
def build_sections(res: Results) -> list[Section]:
    from . import charts
    from .answers import question_chart
    from .summary import summarize, with_fragile

    c = res.compiled
    summary = with_fragile(summarize(res.runs, res.events, c), None if res.is_sweep else res.manifest.get("fragile"))
    pooled = f", pooled over {len(res.points)} points" if res.is_sweep else ""
    out = [Section("scenario", "Scenario and results", html=_scenario_html(res)),
           Section("questions", "Questions", question_chart(summary, c, pooled),
                   html=_questions_html(summary))]
    if res.is_sweep:
        out += _sweep_sections(res)
    else:
        out.append(Section("calendar", "Probability over the calendar", charts.probability_over_calendar(res.runs, c)))
        if c.elections:
            out.append(Section("timing", "Timing relative to the election", charts.timing_vs_election(res.runs, c)))
        out.append(Section("reasons", "Why milestones were postponed", charts.postponement_reasons(summary, c)))
        if res.events is not None and res.events.num_rows:
            sample = charts.pick_sample_runs(res.runs, c, events=_logged_runs(res.events))
            out.append(Section("runs", "Sample runs", charts.run_timelines(_events_of(res.events, sample), c, sample)))
    if not res.is_sweep:
        out += _track_sections(res)
        out += _outside_view_sections(res, summary)
    out.append(Section("actors", "Actors", charts.actor_network(c)))
    out.append(Section("evidence", "Evidence", charts.evidence_table(c)))
    return out


def _track_sections(res: Results) -> list[Section]:
    """When the scenario has an observed-outcomes file beside it: these runs scored against what happened."""
    from .analysis.backtest import score_results
    from .charts.track import pit_histogram, reliability_diagram, scores_table

    scored = score_results(res.manifest, res.compiled, res.runs)
    if scored is None:
        return []
    notes = "".join(f"<p>{html.escape(n)}</p>" for n in scored["notes"])
    if not scored["scenarios"]:
        return [Section("track", "Against what happened", html=notes)]
    intro = (f"<p>The {scored['runs']:,} runs above scored against the outcomes recorded in "
             f"{html.escape(scored['observed'])} (yes/no questions by Brier score, dates by CRPS in weeks).</p>")
    out = [Section("track", "Against what happened", scores_table(scored), html=intro + notes),
           Section("reliability", "Reliability of the yes/no forecasts", reliability_diagram(scored))]
    if scored["scenarios"][0]["distributions"]:
        out.append(Section("pit", "Where the observed dates fell", pit_histogram(scored)))
    return out


#: runs of the outside view's own Monte Carlo in a report at most (the results' number of runs, up to this)
OUTSIDE_VIEW_RUNS_MAX = 5000


def _outside_view_sections(res: Results, summary: dict) -> list[Section]:
    """When the scenario has classed milestones or records its writer's priors: the forecast beside the outside
    view (its own Monte Carlo: class curves only, counted without this negotiation) and the priors, the author's
    adjustments with how far each moves each question, where forecast and priors part by more than 15 points
    (``analysis.gap``), and the curves of the scenario's classes (``charts.outside_view.class_curves``)."""
    from .analysis.gap import explain_gap
    from .outside_view.forecast import (ADJUSTMENT_HEAD, adjustment_effects, adjustment_rows, beside_rows, curves_for,
                                        has_classes, outside_view_of, own_exclusions, priors_of)

    e = html.escape
    path = (res.manifest.get("scenario") or {}).get("path")
    loaded = None
    if path:
        from .scenario.loader import LoadedScenario

        loaded = LoadedScenario(res.compiled.scenario, Path(path), "", {})
    priors = priors_of(res.compiled)
    classed = loaded is not None and has_classes(loaded)
    if not classed and not priors:
        return []
    runs, seed = min(res.runs.num_rows, OUTSIDE_VIEW_RUNS_MAX), int(res.manifest.get("seed") or 0)
    out, notes, effects = [], [], []
    with_ov = dict(summary)
    if classed:
        from .runner import resolve_engine, run_replications
        from .summary import SummaryAccumulator

        try:
            seen = outside_view_of(loaded)
            oc = Compiled(seen.scenario)
            table, _ = run_replications(oc, seed, list(range(runs)), 0, None, engine=resolve_engine(oc, "auto"),
                                        events_for=0)
            with_ov["outside_view"] = {"questions": SummaryAccumulator(oc).add(table).result()["questions"]}
            effects = adjustment_effects(loaded, runs, seed)
            excluded = own_exclusions(loaded)
            notes.append(f"The outside view: {runs:,} runs of the scenario with every classed milestone paced by its "
                         "class's curve (how fast this kind of step happened in comparable past negotiations), the "
                         "author's paces and adjustments left out, the structure kept"
                         + (f"; its curves are counted without this negotiation's own spells ({', '.join(excluded)})"
                            if excluded else "") + ".")
        except ValueError as exc:  # a class too thin for a curve
            notes.append(f"The outside view is not shown: {exc}")
    head = ["question", "forecast (95%)"] + (["outside view (95%)", "outside view - forecast"]
                                            if "outside_view" in with_ov else []) + (["priors"] if priors else [])
    rows = []
    for r in beside_rows(with_ov, priors):
        row = [r["text"], r["forecast"]]
        if "outside_view" in with_ov:
            row += [r["outside_view"], "-" if r["difference"] is None else f"{r['difference']:+.0f} pts"]
        if priors:
            row.append("-" if r["prior"] is None else f"{100 * r['prior']:.0f}%")
        rows.append(row)
    body = "".join(f"<p>{e(n)}</p>" for n in notes) + _table(head, rows)
    body += "<p>Dates: happened by the end of the calendar; counts: at least once.</p>"
    if effects:  # the rows ``simulator.adjustment_effects``'s typed result and ``diplosim run`` show
        body += ("<h3>The author's adjustments of class curves: how far each moves each question</h3>"
                 + _table(list(ADJUSTMENT_HEAD), adjustment_rows(effects)))
    gap = explain_gap(res.compiled, res.runs) if priors else None
    parted = [q for q in (gap or {}).get("questions", []) if q["explained"]]
    if parted:
        body += (f"<h3>Where the forecast and the writer's priors part by more than {100 * gap['threshold']:.0f} "
                 "points</h3>" + "".join(f"<p><b>{e(q['text'])}</b></p><ul>"
                                         + "".join(f"<li>{e(line)}</li>" for line in q["sentences"]) + "</ul>"
                                         for q in parted))
    out.append(Section("outside-view", "Outside view, adjustments and priors", html=body))
    if classed:
        from .charts.outside_view import class_curves

        curves = curves_for(loaded)
        if curves:
            out.append(Section("class-curves", "How fast steps of this scenario's kinds happened in past negotiations",
                               class_curves(curves)))
    return out


def _logged_runs(events):
    """Distinct (point, replication) with an event log, computed in Arrow (event logs can be millions of rows)."""
    return events.select(["point", "replication"]).group_by(["point", "replication"]).aggregate([])


def _events_of(events, sample):
    """Only the sampled runs' events, so the chart converts a few hundred rows to pandas, not the whole log."""
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = pa.array([p * 2**32 + r for p, r, _ in sample], pa.int64())
    run_key = pc.add(pc.multiply(events.column("point").cast(pa.int64()), 2**32),
                     events.column("replication").cast(pa.int64()))
    return events.filter(pc.is_in(run_key, value_set=keys))


def _sweep_sections(res: Results) -> list[Section]:
    from . import charts
    from .answers import sweep_heatmap, sweep_lines
    from .charts.words import human_label

    c, runs, points = res.compiled, res.runs, res.points
    varied = charts.varied_parameters(points)
    names = [human_label(v, c) for v in varied]
    sampler = (res.manifest.get("sweep") or {}).get("sampler", "grid")
    out = []
    if len(varied) == 1:  # one chart of the probabilities, one of each date question's median date
        for i, fig in enumerate(sweep_lines(runs, points, c, varied[0])):
            out.append(Section("sweep-line" + (f"-{i}" if i else ""), f"Sweep over {names[0]}", fig))
    if len(varied) == 2:
        for q in c.questions:
            out.append(Section(f"sweep-heatmap-{q.id}", f"{q.text} Over {names[0]} and {names[1]}",
                               sweep_heatmap(runs, points, c, varied[0], varied[1], q.id)))
    if len(varied) >= 3 or (len(varied) >= 2 and sampler in ("lhs", "sobol")):
        colour_by = c.questions[0].id
        out.append(Section("sweep-parallel", "Sampled points", charts.sweep_parallel(runs, points, c, colour_by)))
    if not varied:
        out.append(Section("sweep-none", "Sweep", html="<p>No parameter varies across the points.</p>"))
    return out


def _scenario_html(res: Results) -> str:
    from .charts.scenario import scenario_tables

    c, m = res.compiled, res.manifest
    sc, w = c.scenario, c.words
    e = html.escape
    sources = "".join(
        f"<li>{e(s.title)} ({e(s.publisher)}, {s.date})" + (f' <a href="{e(s.url)}">{e(s.url)}</a>' if s.url else "")
        + ("" if s.file else " (bibliographic record, no local text)") + "</li>" for s in sc.sources)
    actors = "".join(f"<tr><td>{e(w.name(a.id))}</td><td>{a.role}</td>"
                     f"<td>{'; '.join(e(i.text) for i in a.interests)}</td></tr>" for a in sc.actors)
    structure = "".join(f"<h3>{e(title)}</h3>{_table(headers, rows)}" for title, headers, rows in scenario_tables(c))
    kind = "parameter sweep" if res.is_sweep else "Monte Carlo"
    facts = [("kind", kind), ("runs", f"{res.runs.num_rows:,}"), ("seed", m.get("seed")),
             ("points", len(res.points) if res.points is not None else 1),
             ("complete", m.get("complete")), ("created", m.get("created")),
             ("scenario file", (m.get("scenario") or {}).get("path")),
             ("scenario hash", (m.get("scenario") or {}).get("hash")),
             ("overrides", m.get("overrides") or "none"), ("sampler", (m.get("sweep") or {}).get("sampler")),
             ("packages", ", ".join(f"{k} {v}" for k, v in (m.get("packages") or {}).items()))]
    rows = "".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in facts if v is not None)
    warn = ('<p class="warn">These results are incomplete (the run was interrupted); the report covers the '
            "finished runs only.</p>") if m.get("complete") is False else ""
    return (f"<p>{e(sc.metadata.description)}</p><p>Uses only what was known on <b>{sc.metadata.as_of}</b>.</p>{warn}"
            f"<h3>Sources</h3><ul>{sources}</ul><h3>Actors</h3><table><tr><th>actor</th><th>role</th>"
            f"<th>interests</th></tr>{actors}</table>{structure}<h3>Results</h3><table>{rows}</table>")


def _table(headers: list[str], rows: list[list[str]]) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _questions_html(summary: dict) -> str:
    from .answers import Answer, pct

    rows = []
    for q in summary["questions"]:  # each answer gives its own words (``answers.Answer``)
        answer = Answer.of_entry(q)
        when, p = answer.when_words(), answer.as_probability()
        rows.append(f"<tr><td>{html.escape(q['text'])}</td><td>{pct(p['p'])}</td>"
                    f"<td>[{pct(p['low'])}, {pct(p['high'])}]</td><td>{when}</td></tr>")
    table = ("<table><tr><th>question</th><th>probability (count questions: at least once)</th>"
             "<th>95% Wilson interval</th><th>date or count</th></tr>" + "".join(rows) + "</table>")
    return table + _fragile_html(summary)


def _fragile_html(summary: dict) -> str:
    """The fragile-forecast flags (``analysis.fragile``), in the same words as the CLI."""
    fragile = summary.get("fragile")
    if not fragile or fragile.get("skipped"):
        return ""
    from .analysis.fragile import describe, headline, not_screened_words

    e = html.escape
    items = [f"<li><span class='warn'>fragile</span> {e(q['text'])}: {e(describe(f))}</li>"
             for q in fragile["questions"] for f in q["flags"]]
    left_out = not_screened_words(fragile)
    left_out = ("<p>Not screened:</p><ul>" + "".join(f"<li>{e(line)}</li>" for line in left_out) + "</ul>"
                if left_out else "")
    if not items:
        return (f"<p>{e(headline(fragile))}: no question screened moves by more than "
                f"{100 * fragile['threshold']:.0f} points.</p>{left_out}")
    return (f"<p>{e(headline(fragile))}. These forecasts hang on one number (its change moves them by more than "
            f"{100 * fragile['threshold']:.0f} points): check how well it is known.</p><ul>" + "".join(items)
            + "</ul>" + left_out)


# ------------------------------------------------------------------ page
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1280px;padding:1em 2em;
color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left;
vertical-align:top;font-size:.92em}th{background:#f3f3f3}.warn{color:#a00;font-weight:bold}
nav a{margin-right:1em}.figure{margin:1em 0}
"""


def render_html(sections: list[Section], title: str) -> str:
    """The page: plotly.js once in the head, then each section with its figure (no plotly.js of its own)."""
    from plotly.offline import get_plotlyjs

    from .charts import FIGURE_CONFIG

    e = html.escape
    body = []
    for s in sections:
        fig = ""
        if s.figure is not None:
            fig = s.figure.to_html(full_html=False, include_plotlyjs=False, div_id=f"fig-{s.id}",
                                   config={**FIGURE_CONFIG, "responsive": True})
        body.append(f'<section id="{s.id}"><h2>{e(s.title)}</h2>{s.html}<div class="figure">{fig}</div></section>')
    nav = " ".join(f'<a href="#{s.id}">{e(s.title)}</a>' for s in sections)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{e(title)}</title><style>{STYLE}</style>"
            f'<script type="text/javascript">{get_plotlyjs()}</script></head>'
            f"<body><h1>{e(title)}</h1><nav>{nav}</nav>{''.join(body)}</body></html>\n")


def build_report(res: Results) -> tuple[str, list[Section]]:
    sections = build_sections(res)
    return render_html(sections, f"diplosim report: {res.compiled.scenario.metadata.title}"), sections


def write_report(page: str, path: Path) -> None:
    from .store import atomic_write_text

    atomic_write_text(Path(path), page)


def export_pngs(sections: list[Section], directory: Path) -> list[Path]:
    """Static PNGs of every figure via kaleido and the system Chromium; raises ReportError if unavailable."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        raise ReportError("--png: static export needs kaleido (pip install 'diplosim[png]') and a system "
                          "Chromium; the HTML report was written") from None
    import plotly.io as pio

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    figures = [(s, directory / f"{s.id}.png") for s in sections if s.figure is not None]
    try:
        pio.write_images([s.figure for s, _ in figures], [p for _, p in figures],
                         width=1280, height=[s.figure.layout.height or 600 for s, _ in figures])
    except Exception as exc:  # noqa: BLE001 - kaleido reports a missing browser in several ways
        reason = (str(exc).strip().splitlines() or [""])[0]
        raise ReportError(f"--png: static export failed ({type(exc).__name__}: {reason}); "
                          "the HTML report was written") from None
    return [p for _, p in figures]
