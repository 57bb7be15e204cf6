"""Chart functions on small fixture results: traces, axes, markers at the election dates, probabilities in [0, 1]."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from simulator import charts
from simulator.answers import question_chart, sweep_heatmap, sweep_line, sweep_lines
from simulator.lang.words import day
from simulator import layout as L
from simulator.charts.palette import milestone_colors
from simulator.summary import reason_text, summarize

from .results_fixtures import GRID, LINE, SAMPLED, tables, write_results

ROUND1, RUNOFF = dt.date(2023, 5, 14), dt.date(2023, 5, 28)


@pytest.fixture(scope="module")
def mc(tmp_path_factory, seed_loaded, seed_compiled):
    out = write_results(tmp_path_factory.mktemp("mc"), seed_loaded, seed_compiled, {0: {}}, 40, "montecarlo")
    runs, events = tables(out)
    return runs, events, summarize(runs, events, seed_compiled)


def sweep(tmp_path_factory, loaded, compiled, points, reps, sampler):
    out = write_results(tmp_path_factory.mktemp(sampler), loaded, compiled, points, reps, "sweep",
                        {"sweep": {"sampler": sampler}})
    return tables(out)[0], pd.read_parquet(out / "points.parquet")


def shape(fig, name):
    return next(s for s in fig.layout.shapes if s.name == name)


def data(fig) -> list:
    """The traces that draw data (not the empty ones that only name a mark or line in the legend)."""
    return [t for t in fig.data if not (t.x is not None and len(t.x) == 1 and t.x[0] is None)]


def in_unit(values) -> bool:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return bool(v.size) and bool(((v >= 0) & (v <= 1)).all())


def test_probability_over_calendar(mc, seed_compiled):
    runs, _, summary = mc
    fig = charts.probability_over_calendar(runs, seed_compiled)
    milestones = seed_compiled.milestones
    traces = data(fig)
    assert len(traces) == 2 * len(milestones) and all(isinstance(t, go.Scatter) for t in fig.data)
    lines = [t for t in traces if t.fill != "toself"]
    assert [t.name for t in lines] == [m["name"] for m in summary["milestones"]]
    assert {m.kind for m in milestones} == {"meeting", "unilateral"}  # meetings and Turkey's steps, all charted
    for line, band, entry in zip(lines, traces[0::2], summary["milestones"]):
        assert in_unit(line.y) and in_unit(band.y)
        assert np.all(np.diff(line.y) >= 0)  # a cumulative share never falls
        assert line.y[-1] == pytest.approx(entry["p"])  # held by the last date = held at all
        low, high = line.customdata[:, 0], line.customdata[:, 1]
        assert np.all(low <= line.y + 1e-12) and np.all(line.y <= high + 1e-12)
        assert line.line.color == milestone_colors(seed_compiled)[entry["id"]]
    assert fig.layout.xaxis.title.text == "Date" and "Share of runs" in fig.layout.yaxis.title.text
    assert shape(fig, "election.turkey.round1").x0 == ROUND1 and shape(fig, "election.turkey.runoff").x0 == RUNOFF
    assert "held by" in lines[0].hovertemplate  # hover gives the exact figures
    # every marker line is named in the legend (no label drawn over the curves)
    named = [t.name for t in fig.data if t.legendgroup == "calendar-markers"]
    assert named == ["Election round 1 (14 May 2023)", "Run-off if needed (28 May 2023)",
                     "Security talks scheduled for mid-2023 (30 Jun 2023)"]
    assert not fig.layout.annotations


def test_calendar_variants_baseline_and_whatif_on_one_chart(mc, seed_compiled):
    runs, _, _ = mc
    fig = charts.calendar_variants([("baseline", runs), ("what-if", runs)], seed_compiled)
    n = len(seed_compiled.milestones)
    base = [t for t in data(fig) if t.name.endswith("(baseline)")]
    alt = [t for t in data(fig) if t.name.endswith("(what-if)")]
    assert len(base) == n and len(alt) == n and len(data(fig)) == 3 * n  # bands for the what-if only
    kinds = {m.id: m.dash for m in seed_compiled.milestones}
    for b, a in zip(base, alt):
        # the line style is the milestone's kind in both variants (one meaning per style); the baseline is thinner
        assert b.line.dash == a.line.dash == kinds[a.legendgroup] and b.line.width < a.line.width
        assert a.showlegend and b.showlegend is False  # one legend entry per milestone
        assert b.line.color != a.line.color and b.line.color.startswith("rgba(")  # a lighter shade
        assert list(b.y) == list(a.y)
    assert max(t.legendrank for t in alt) < min(t.legendrank for t in base)  # what-if first in the legend
    assert fig.layout.yaxis.fixedrange and "zoom to any window" in fig.layout.title.text  # a drag picks dates
    (menu,) = fig.layout.updatemenus
    windows = {b.label: b.args[0]["xaxis.range"] for b in menu.buttons}
    assert windows["8 weeks before round 1"] == ["2023-03-19", "2023-06-04"]
    assert windows["Whole calendar"][0] < "2023-02-01" and windows["Whole calendar"][1] > "2024-12-25"


def test_inputs_may_be_arrow_or_pandas(mc, seed_compiled):
    runs, _, _ = mc
    a = charts.probability_over_calendar(runs, seed_compiled).to_json()
    b = charts.probability_over_calendar(runs.to_pandas(), seed_compiled).to_json()
    assert a == b


def test_timing_vs_election(mc, seed_compiled):
    runs, _, _ = mc
    fig = charts.timing_vs_election(runs, seed_compiled)
    violins = data(fig)
    assert len(violins) == len(seed_compiled.milestones) and all(isinstance(t, go.Violin) for t in violins)
    first = pd.to_datetime(runs.column(L.first("fm_meeting")).to_pandas()).dropna()
    fm = violins[seed_compiled.mi["fm_meeting"]]
    assert sorted(fm.x) == pytest.approx(sorted((first - pd.Timestamp(ROUND1)).dt.days / 7))
    assert "round 1" in fig.layout.xaxis.title.text and "round 1" in fig.layout.title.text
    assert shape(fig, "election.turkey.round1").x0 == 0 and shape(fig, "election.turkey.runoff").x0 == 2


def test_run_timelines(mc, seed_compiled):
    runs, events, _ = mc
    sample = charts.pick_sample_runs(runs, seed_compiled, events=events)
    assert len(sample) == 3 and sample[0][2] == "fewest milestones" and sample[-1][2] == "most milestones"
    fig = charts.run_timelines(events, seed_compiled, sample)
    per_run = len(seed_compiled.milestones) + 4  # one per milestone, postponed, broke down, election, calendar
    assert len(data(fig)) == 3 * per_run and all(isinstance(t, go.Scatter) for t in fig.data)
    # each kind of mark and line has one legend entry, shown whether or not these runs have one
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert len(legend) == len(set(legend))
    assert {"election round (colour: winner)", "scheduled talks or event", "shock",
            "Election round 1 (14 May 2023)", "proposed, postponed (colour: milestone)"} <= set(legend)
    assert all(t.showlegend is False for t in data(fig))
    assert fig.layout.legend.x > 1  # beside the plot, never over the date axis
    df = runs.to_pandas().set_index("replication")
    for row, (_, rep, _) in enumerate(sample):
        traces = data(fig)[row * per_run:(row + 1) * per_run]
        for m, held in zip(seed_compiled.milestones, traces):
            when = df.loc[rep, L.first(m.id)]
            assert [pd.Timestamp(x).date() for x in held.x] == ([] if when is None else [when])
        postponed = traces[len(seed_compiled.milestones)]
        for reasons in postponed.customdata[:, 2] if postponed.customdata is not None else []:
            assert "declined" in reasons or "held to its condition" in reasons or "frozen by" in reasons
            assert "syria" not in reasons and "steps_before_fm" not in reasons  # the scenario's words, not ids
            assert "precondition:" not in reasons and "_" not in reasons  # sentences, not codes
    for t in data(fig):
        if t.name == "election round" and t.text:
            assert all(" won in " in x or "run-off is needed" in x for x in t.text)
    assert shape(fig, "election.turkey.round1").x0 == ROUND1
    assert fig.layout.xaxis3.title.text == "Date" and fig.layout.xaxis3.type == "date"


def test_postponement_reasons(mc, seed_compiled):
    _, _, summary = mc
    fig = charts.postponement_reasons(summary, seed_compiled)
    assert fig.data and all(isinstance(t, go.Bar) for t in fig.data)
    totals = np.sum([np.asarray(t.x, float) for t in fig.data], axis=0)
    assert totals == pytest.approx(np.ones(len(totals)))  # each milestone's bar adds up to all its blocks
    assert all(in_unit(t.x) for t in fig.data)
    names = [t.name for t in fig.data]
    syria = seed_compiled.words.name("syria")
    wants = reason_text(seed_compiled, "syria", "precondition:steps_before_fm")  # the one wording of reasons
    assert wants.startswith(f"{syria} held to its condition") and "Statement of intent to withdraw" in wants
    assert wants in names
    assert f"{syria} declined" in names
    assert fig.layout.xaxis.title.text == "Share of blocked proposals"


def test_question_summary(mc, seed_compiled):
    _, _, summary = mc
    fig = question_chart(summary, seed_compiled)
    assert [t.name.split(":")[0] for t in fig.data] == ["yes/no question", "date question"]
    entries = {e["text"]: e for e in summary["questions"]}
    chances, dates = fig.data
    assert in_unit(chances.x)
    for x, y, plus, minus in zip(chances.x, chances.y, chances.error_x.array, chances.error_x.arrayminus):
        e = entries[y.replace("<br>", " ")]
        assert x == e["p"] and x + plus == pytest.approx(e["high"]) and x - minus == pytest.approx(e["low"])
    assert fig.layout.xaxis.title.text == "Probability"
    # a date question is a date: its median with the 10-90% range of its runs, on a date axis of its own (issue 25
    # item 9: it was drawn as its chance to happen by the end)
    end = seed_compiled.scenario.calendar.end  # a date after the calendar is drawn at its end
    ms = lambda iso: ((dt.date.fromisoformat(iso) if iso else end) - dt.date(1970, 1, 1)).days * 86_400_000  # noqa: E731
    (y,) = dates.y
    e = entries[y.replace("<br>", " ")]
    assert dates.x[0] == ms(e["median"]) and dates.x[0] + dates.error_x.array[0] == ms(e["p90"])
    assert dates.x[0] - dates.error_x.arrayminus[0] == ms(e["p10"])
    assert dates.xaxis == "x2" and fig.layout.xaxis2.type == "date" and fig.layout.xaxis2.title.text == "Median date"
    hover = dates.customdata[0]
    assert f"median {day(dt.date.fromisoformat(e['median']))} (10–90%: " in hover and "within the calendar in" in hover


def test_sweep_line(tmp_path_factory, seed_loaded, seed_compiled):
    runs, points = sweep(tmp_path_factory, seed_loaded, seed_compiled, LINE, 6, "grid")
    assert charts.varied_parameters(points) == ["russia.urgency.peak"]
    fig, dated = sweep_lines(runs, points, seed_compiled, "russia.urgency.peak")  # probabilities; the date question
    assert len(fig.data) == 2 * (len(seed_compiled.questions) - 1)
    lines = fig.data[1::2]
    assert list(lines[0].x) == [0.2, 0.6, 1.0]
    df = runs.to_pandas()
    yes = df[df.point == 1]["q.fm_before_round1"].mean()
    assert lines[0].y[1] == pytest.approx(yes)
    assert all(in_unit(t.y) for t in fig.data)
    assert fig.layout.xaxis.title.text == "Russia's peak urgency"  # a label, never the code name
    assert fig.layout.yaxis.title.text == "Probability" and list(fig.layout.xaxis.tickvals) == [0.2, 0.6, 1.0]
    assert "one point per value" in fig.layout.title.text.replace("<br>", " ")


def test_sweep_line_says_what_it_pools(tmp_path_factory, seed_loaded, seed_compiled):
    runs, points = sweep(tmp_path_factory, seed_loaded, seed_compiled, GRID, 3, "grid")
    fig = sweep_line(runs, points, seed_compiled, "syria.flexibility", "fm_before_round1")
    assert "pooled over Russia's peak urgency" in fig.layout.title.text.replace("<br>", " ")
    line = fig.data[1]
    hovers = [cd[0].replace("<br>", " ") for cd in line.customdata]
    assert all("2 point(s)" in h for h in hovers)  # each value pools two points
    assert all("pooled over Russia's peak urgency" in h for h in hovers)


def test_sweep_heatmap_grid_and_scattered(tmp_path_factory, seed_loaded, seed_compiled):
    runs, points = sweep(tmp_path_factory, seed_loaded, seed_compiled, GRID, 5, "grid")
    x, y = charts.varied_parameters(points)
    fig = sweep_heatmap(runs, points, seed_compiled, x, y, "fm_before_round1")
    (hm,) = fig.data
    assert isinstance(hm, go.Heatmap) and np.asarray(hm.z).shape == (2, 2) and in_unit(hm.z)
    df = runs.to_pandas().merge(points, on="point")
    cell = df[(df[x] == 0.9) & (df[y] == 0.35)]["q.fm_before_round1"].mean()
    assert hm.z[list(hm.y).index(0.35)][list(hm.x).index(0.9)] == pytest.approx(cell)
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("Russia's peak urgency", "Syria's flexibility")
    assert hm.texttemplate == "%{text}" and all(t.endswith("%") for row in hm.text for t in row)  # in each cell
    assert list(fig.layout.xaxis.tickvals) == list(hm.x) and list(fig.layout.yaxis.tickvals) == list(hm.y)
    runs, points = sweep(tmp_path_factory, seed_loaded, seed_compiled, SAMPLED, 2, "lhs")
    fig = sweep_heatmap(runs, points, seed_compiled, "russia.urgency.peak", "syria.flexibility", "fm_before_round1")
    cells = fig.data[0]  # a random sample: binned means (tests/test_sweep_design.py), never a grid's cells
    assert isinstance(cells, go.Heatmap) and len(cells.x) == np.asarray(cells.z).shape[1] + 1
    assert in_unit([v for row in cells.z for v in row if v == v])


def test_sweep_parallel(tmp_path_factory, seed_loaded, seed_compiled):
    runs, points = sweep(tmp_path_factory, seed_loaded, seed_compiled, SAMPLED, 2, "lhs")
    fig = charts.sweep_parallel(runs, points, seed_compiled, "fm_before_round1")
    (pc,) = fig.data
    assert isinstance(pc, go.Parcoords)
    assert [d.label for d in pc.dimensions] == sorted(SAMPLED[0]) + ["P(fm_before_round1)"]
    assert len(pc.line.color) == len(SAMPLED) and in_unit(pc.line.color)
    assert list(pc.dimensions[-1].values) == list(pc.line.color)  # the colour is the question's probability
    df = runs.to_pandas()
    assert pc.line.color[2] == pytest.approx(df[df.point == 2]["q.fm_before_round1"].mean())
    fig = charts.sweep_parallel(runs, points, seed_compiled, "fm_before_round1", also=["incumbent_wins"])
    assert len(fig.data[0].dimensions) == 5


def test_actor_network(seed_compiled):
    fig = charts.actor_network(seed_compiled)
    sc = seed_compiled.scenario
    nodes = fig.data[-1]
    assert list(nodes.customdata) == [a.role for a in sc.actors] and len(nodes.x) == len(sc.actors)
    n_align = sum(len(a.alignment) for a in sc.actors)
    n_lever = sum(len(a.leverage) for a in sc.actors)
    assert len([t for t in fig.data if t.name.startswith("alignment")]) == n_align
    assert len([a for a in fig.layout.annotations if a.showarrow and a.name.startswith("leverage")]) == n_lever
    assert len(fig.data[-2].text) == n_align + n_lever  # one hover dot per edge


def test_evidence_table(seed_compiled):
    fig = charts.evidence_table(seed_compiled)
    (table,) = fig.data
    assert isinstance(table, go.Table)
    items, values, basis, text, source = table.cells.values
    sc = seed_compiled.scenario
    n_params = len([n for n in seed_compiled.table.names if not n.endswith((".enabled", ".active"))])
    waivers = sum(p.waiver is not None for p in sc.preconditions)
    changes = sum(len(e.after_win) + len(e.after_loss) for e in sc.calendar.elections) + sum(
        len(ev.effects) for ev in sc.calendar.events)
    constructs = (len(seed_compiled.milestones) + len(sc.preconditions) + waivers + len(sc.mediation)
                  + len(sc.calendar.elections) + len(sc.calendar.events) + len(sc.calendar.shocks) + changes)
    assert len(items) == n_params + constructs  # every number, and every construct of the language
    assert set(basis) == {"evidence", "assumption"} and all(t for t in text)
    assert all(s.startswith("alwatan") for b, s in zip(basis, source) if b == "evidence")
    flat = [i.replace("<br>", " ") for i in items]
    pre = flat.index("precondition: steps before fm")
    assert "Syria (Damascus government) wants" in values[pre].replace("<br>", " ")  # its holder, in words
    for label in ("meeting: Foreign ministers", "unilateral step: Withdrawal timetable", "mediation by Russia",
                  "election: Turkish presidential election", "shock: Border security incident freezes contacts"):
        assert label in flat, label


def test_colours_are_consistent_across_charts(mc, seed_compiled):
    runs, events, summary = mc
    fm = milestone_colors(seed_compiled)["fm_meeting"]
    cal = charts.probability_over_calendar(runs, seed_compiled)
    assert next(t for t in cal.data if t.name == "Foreign ministers").line.color == fm
    q = question_chart(summary, seed_compiled).data[0]
    assert q.marker.color[[e["id"] for e in summary["questions"]].index("fm_before_round1")] == fm
    tl = charts.run_timelines(events, seed_compiled, charts.pick_sample_runs(runs, seed_compiled, events=events))
    assert next(t for t in tl.data if t.name == "held: Foreign ministers").marker.color == fm


def test_human_labels_and_reasons_read_as_words(seed_compiled):
    from simulator.charts.words import blocked_sentence, election_sentence, event_sentence, human_label

    c = seed_compiled
    assert human_label("syria.flexibility", c) == "Syria's flexibility"
    assert human_label("russia.leverage.turkey", c) == "Russia's leverage over Turkey"
    assert human_label("russia.active", c) == "Russia mediates"
    assert human_label("russia.urgency.peak", c) == "Russia's peak urgency"
    assert human_label("steps_before_fm.enabled", c) == (
        "Syria asks for Turkey's statement of intent to withdraw before the foreign ministers meeting")
    assert human_label("fm_meeting.stakes", c) == "Stakes of the foreign ministers meeting"
    assert human_label("turkey_presence.timetable.stakes", c) == "Cost to Turkey of 'Withdrawal timetable'"
    assert human_label("election.turkey.base_win", c) == (
        "Turkish presidential election: incumbent's basic chance to win")
    assert human_label("security_incident.hazard", c) == "Weekly chance of 'Border security incident freezes contacts'"
    assert human_label("some.unknown_thing", c) == "Some unknown thing"  # a readable fallback
    every = [human_label(n, c) for n in c.table.names]
    assert all("_" not in label for label in every) and len(set(every)) == len(every)
    # why a milestone was blocked: the summaries' sentence (one wording for the CLI, charts and dashboard)
    assert blocked_sentence(c, "syria", "precondition:steps_before_fm") == (
        "Syria (Damascus government) held to its condition: Turkey on its military presence in Syria has reached "
        "'Statement of intent to withdraw'")
    # the v2 core logs the election's id (and ':runoff' when round 1 is undecided), not the incumbent's chance
    round1 = c.step_of(c.elections[0].round1)
    assert election_sentence(c, "turkey", "turkey", round1) == (
        "Turkey (Erdogan government, AKP) won in round 1 of the Turkish presidential election")
    assert election_sentence(c, "", "turkey:runoff", round1) == (
        "No majority in round 1 of the Turkish presidential election: a run-off is needed")
    assert election_sentence(c, "turkish_opposition", "turkey", c.step_of(c.elections[0].runoff)).endswith(
        " won in the run-off of the Turkish presidential election")
    assert event_sentence(c, "acted", "turkey_presence.timetable", "turkey", "") == (
        "Turkey conceded: withdrawal timetable")
    assert event_sentence(c, "held", "fm_meeting", "", "") == "The foreign ministers meeting was held"
    assert event_sentence(c, "waived", "fm_meeting", "syria", "steps_before_fm") == (
        "Syria dropped its demand for Turkey's statement of intent to withdraw before the foreign ministers meeting")


def test_a_label_given_in_the_scenario_wins(seed_compiled):
    from simulator.charts.words import human_label

    sc = seed_compiled.scenario
    param = next(a for a in sc.actors if a.id == "syria").params["flexibility"]
    assert param.label is None  # the seed scenario gives none: the label is built from names
    object.__setattr__(param, "label", "How far Damascus bends")  # what the scenario's `label:` gives
    try:
        assert human_label("syria.flexibility", seed_compiled) == "How far Damascus bends"
    finally:
        object.__setattr__(param, "label", None)
