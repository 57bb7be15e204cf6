"""The outside view in the dashboard's Scenario tab: the forecast beside the outside view and the writer's priors,
the author's adjustments with how far each moves each question, where forecast and priors part, and the curves of
the scenario's classes.

The forecast is the tab's baseline (the What-if tab's runs, seed and cache); the outside view (``simulator.outside_
view.forecast.outside_view_of``: class curves only, counted without this negotiation) is one more Monte Carlo of
the same runs and seed, run by the server's workers like every simulation of the page (``jobs.Scheduler``) and
cached beside the others. The tables and the chart are the ones the report shows (``outside_view.forecast``,
``charts.outside_view.class_curves``).
"""

from __future__ import annotations

from dash import html

from .ui import graph, section, table


def _curves(ctx, loaded) -> dict:
    """The class curves of a scenario's classes, cached beside the outcomes by the scenario's hash and file (the
    file says whether it is a corpus scenario, whose own spells are left out)."""
    from simulator.outside_view.forecast import curves_for

    key = ("class curves", loaded.digest, str(loaded.path))
    hit = ctx.outcomes.get(key)
    return hit if hit is not None else ctx.outcomes.put(key, curves_for(loaded, resamples=100))


def outside_view_outcome(ctx, entry, session: str | None = None, seed: int | None = None, runs: int | None = None):
    """The outside view's outcome (``jobs.Outcome``) for ``entry`` at ``seed`` and ``runs`` (default: the page's),
    or None when no milestone has a class."""
    from simulator.compiled import Compiled
    from simulator.outside_view.forecast import outside_view_of
    from simulator.runner import resolve_engine

    from .jobs import CHUNK_RUNS, Sim

    seed, runs = ctx.seed if seed is None else seed, ctx.runs if runs is None else runs
    key = ("outside view", entry.key, entry.loaded.digest, seed, runs, ctx.engine)
    hit = ctx.outcomes.get(key)
    if hit is not None:
        return hit
    seen = outside_view_of(entry.loaded)
    if seen is None:
        return None
    c = Compiled(seen.scenario)
    engine = resolve_engine(c, ctx.engine)
    (outcome,) = ctx.scheduler.run(session or "", "outside-view",
                                   [Sim(key, c, seed, runs, {}, engine, CHUNK_RUNS[engine])])
    return ctx.outcomes.put(key, outcome)


def beside_cells(ctx, entry, seed: int, runs: int, session: str | None = None) -> dict[str, dict[str, str]]:
    """The What-if tab's numbers beside each question's forecast: question id -> {'outside view (95%)': ...,
    'prior': ...} (each only when the scenario has it: classed milestones, priors), the outside view in the words
    of the forecast's own column (``ui.interval``), at the tab's seed and runs (it ignores the what-if's settings,
    so one run serves every what-if of the scenario)."""
    from simulator.outside_view.forecast import has_classes, priors_of

    from .ui import interval

    priors = priors_of(entry.compiled)
    outside = {}
    if has_classes(entry.loaded):
        try:
            ov = outside_view_outcome(ctx, entry, session, seed, runs)
        except ValueError:  # a class too thin for a curve: the Scenario tab says so
            ov = None
        outside = {q["id"]: q for q in ov.summary["questions"]} if ov is not None else {}
    if not outside and not priors:
        return {}
    out = {}
    for q in entry.compiled.questions:
        cells = {"outside view (95%)": interval(outside[q.id]) if q.id in outside else "-"} if outside else {}
        if priors:
            cells["prior"] = f"{100 * priors[q.id]:.0f}%" if q.id in priors else "-"
        out[q.id] = cells
    return out


def compare_columns(ctx, sides, seed: int, runs: int, session: str | None = None) -> tuple[list[str], list[dict],
                                                                                         list[str]]:
    """The Compare tab's outside view beside each variant's forecast: ``sides`` is [(side label, entry)], and the
    answer is (the columns' headers, each column's cells by question id, the lines saying which variant has none).
    Each cell is the What-if tab's ``outside view (95%)`` (``beside_cells``: the scenario's outside view at the
    tab's seed and runs, whatever the variant's settings); a variant whose scenario has no classed milestone gets
    no column, and one line saying so."""
    from simulator.outside_view.forecast import has_classes

    heads, columns, notes = [], [], []
    for side, entry in sides:
        column = {q: c["outside view (95%)"] for q, c in beside_cells(ctx, entry, seed, runs, session).items()
                  if "outside view (95%)" in c}
        if not column:
            notes.append(f"{side}: no outside view, since no milestone of {entry.compiled.scenario.metadata.title} has a "
                         "class of past negotiations." if not has_classes(entry.loaded) else
                         f"{side}: no outside view, since a class of its milestones has too few past negotiations "
                         "for a curve (the Scenario tab says which).")
            continue
        heads.append(f"{side}: outside view (95%)")
        columns.append(column)
    return heads, columns, notes


def outside_view_block(ctx, entry, session: str | None = None) -> list:
    """The Scenario tab's section on the outside view (nothing when the scenario has no classed milestone and
    records no priors)."""
    from simulator.analysis.gap import explain_gap
    from simulator.api_results import Adjustments, PriorsGap
    from simulator.charts.outside_view import class_curves
    from simulator.outside_view.forecast import ADJUSTMENT_HEAD, adjustment_effects, beside_rows, has_classes, priors_of

    from .compute import cached_simulate

    priors = priors_of(entry.compiled)
    classed = has_classes(entry.loaded)
    if not classed and not priors:
        return []
    base, _ = cached_simulate(ctx, entry.key, ctx.seed, ctx.runs, {}, session)
    shown = dict(base.summary)
    children, notes = [], []
    if classed:
        try:
            ov = outside_view_outcome(ctx, entry, session)
        except ValueError as exc:  # a class too thin for a curve
            notes.append(f"The outside view is not shown: {exc}")
        else:
            shown["outside_view"] = {"questions": ov.summary["questions"]}
    head = ["question", "forecast (95%)"]
    if "outside_view" in shown:
        head += ["outside view (95%)", "outside view - forecast"]
    if priors:
        head.append("priors")
    rows = []
    for r in beside_rows(shown, priors):
        row = [r["text"], r["forecast"]]
        if "outside_view" in shown:
            row += [r["outside_view"], "-" if r["difference"] is None else f"{r['difference']:+.0f} pts"]
        if priors:
            row.append("-" if r["prior"] is None else f"{100 * r['prior']:.0f}%")
        rows.append(row)
    children += [html.P(n, className="note") for n in notes]
    children.append(html.P(f"{ctx.runs:,} runs each, seed {ctx.seed}. The outside view: every classed milestone paced "
                           "by its class's curve (how fast this kind of step happened in comparable past "
                           "negotiations, this one left out), the author's paces and adjustments left out, the "
                           "structure kept. Dates: by the end of the calendar; counts: at least once.",
                           className="status"))
    children.append(table(head, rows, id="outside-view-table"))
    if classed:
        effects = Adjustments.of(adjustment_effects(entry.loaded, ctx.runs, ctx.seed, ctx.engine))
        if effects:
            children += [html.H4("The author's adjustments of class curves: how far each moves each question"),
                         table(list(ADJUSTMENT_HEAD), effects.rows(), id="adjustments-table")]
    gap = PriorsGap(explain_gap(entry.compiled, base.table)) if priors else None
    parted = gap.parted if gap is not None else []
    if parted:
        children.append(html.H4(f"Where the forecast and the writer's priors part by more than "
                                f"{100 * gap.threshold:.0f} points"))
        for q in parted:
            children += [html.P(html.B(q["text"])), html.Ul([html.Li(line) for line in q["sentences"]])]
    if classed:
        curves = _curves(ctx, entry.loaded)
        if curves:
            children.append(graph(figure=class_curves(curves), id="class-curves"))
    return [section("Outside view, adjustments and priors", *children, id="scenario-outside-view")]
