"""Chart functions on small fixture results: traces, axes, markers at the election dates, probabilities in [0, 1]."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from simulator import charts
from simulator import layout as L
from simulator.charts.palette import milestone_colors
from simulator.summary import summarize

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


def in_unit(values) -> bool:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return bool(v.size) and bool(((v >= 0) & (v <= 1)).all())


def test_probability_over_calendar(mc, seed_compiled):
    runs, _, summary = mc
    fig = charts.probability_over_calendar(runs, seed_compiled)
    milestones = seed_compiled.milestones
    assert len(fig.data) == 2 * len(milestones) and all(isinstance(t, go.Scatter) for t in fig.data)
    lines = [t for t in fig.data if t.fill != "toself"]
    assert [t.name for t in lines] == [m["name"] for m in summary["milestones"]]
    assert {m.kind for m in milestones} == {"meeting", "unilateral"}  # meetings and Turkey's steps, all charted
    for line, band, entry in zip(lines, fig.data[0::2], summary["milestones"]):
        assert in_unit(line.y) and in_unit(band.y)
        assert np.all(np.diff(line.y) >= 0)  # a cumulative share never falls
        assert line.y[-1] == pytest.approx(entry["p"])  # held by the last date = held at all
        low, high = line.customdata[:, 0], line.customdata[:, 1]
        assert np.all(low <= line.y + 1e-12) and np.all(line.y <= high + 1e-12)
        assert line.line.color == milestone_colors(seed_compiled)[entry["id"]]
    assert fig.layout.xaxis.title.text == "Date" and "Share of runs" in fig.layout.yaxis.title.text
    assert shape(fig, "election.turkey.round1").x0 == ROUND1 and shape(fig, "election.turkey.runoff").x0 == RUNOFF
    assert "held by" in lines[0].hovertemplate  # hover gives the exact figures


def test_inputs_may_be_arrow_or_pandas(mc, seed_compiled):
    runs, _, _ = mc
    a = charts.probability_over_calendar(runs, seed_compiled).to_json()
    b = charts.probability_over_calendar(runs.to_pandas(), seed_compiled).to_json()
    assert a == b


def test_timing_vs_election(mc, seed_compiled):
    runs, _, _ = mc
    fig = charts.timing_vs_election(runs, seed_compiled)
    assert len(fig.data) == len(seed_compiled.milestones) and all(isinstance(t, go.Violin) for t in fig.data)
    first = pd.to_datetime(runs.column(L.first("fm_meeting")).to_pandas()).dropna()
    fm = fig.data[seed_compiled.mi["fm_meeting"]]
    assert sorted(fm.x) == pytest.approx(sorted((first - pd.Timestamp(ROUND1)).dt.days / 7))
    assert "round 1" in fig.layout.xaxis.title.text and "round 1" in fig.layout.title.text
    assert shape(fig, "election.turkey.round1").x0 == 0 and shape(fig, "election.turkey.runoff").x0 == 2


def test_run_timelines(mc, seed_compiled):
    runs, events, _ = mc
    sample = charts.pick_sample_runs(runs, seed_compiled, events=events)
    assert len(sample) == 3 and sample[0][2] == "fewest milestones" and sample[-1][2] == "most milestones"
    fig = charts.run_timelines(events, seed_compiled, sample)
    per_run = len(seed_compiled.milestones) + 4  # one per milestone, postponed, broke down, election, calendar
    assert len(fig.data) == 3 * per_run and all(isinstance(t, go.Scatter) for t in fig.data)
    df = runs.to_pandas().set_index("replication")
    for row, (_, rep, _) in enumerate(sample):
        traces = fig.data[row * per_run:(row + 1) * per_run]
        for m, held in zip(seed_compiled.milestones, traces):
            when = df.loc[rep, L.first(m.id)]
            assert [pd.Timestamp(x).date() for x in held.x] == ([] if when is None else [when])
        postponed = traces[len(seed_compiled.milestones)]
        for reasons in postponed.customdata[:, 2] if postponed.customdata is not None else []:
            assert "declined" in reasons or "precondition" in reasons or "shock" in reasons
            assert "syria" not in reasons and "steps_before_fm" not in reasons  # the scenario's words, not ids
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
    assert any(f"{syria}: precondition steps before fm" in n and "Statement of intent" in n for n in names)
    assert f"{syria}: declined" in names
    assert fig.layout.xaxis.title.text == "Share of blocked proposals"


def test_question_summary(mc, seed_compiled):
    _, _, summary = mc
    fig = charts.question_summary(summary, seed_compiled)
    assert [t.name.split(":")[0] for t in fig.data] == ["yes/no question", "date question"]
    entries = {e["text"]: e for e in summary["questions"]}
    for t in fig.data:
        assert in_unit(t.x)
        for x, y, plus, minus in zip(t.x, t.y, t.error_x.array, t.error_x.arrayminus):
            e = entries[y.replace("<br>", " ")]
            assert x == e["p"] and x + plus == pytest.approx(e["high"]) and x - minus == pytest.approx(e["low"])
    assert fig.layout.xaxis.title.text == "Probability"


def test_sweep_line(tmp_path_factory, seed_loaded, seed_compiled):
    runs, points = sweep(tmp_path_factory, seed_loaded, seed_compiled, LINE, 6, "grid")
    assert charts.varied_parameters(points) == ["russia.urgency.peak"]
    fig = charts.sweep_line(runs, points, seed_compiled, "russia.urgency.peak")
    assert len(fig.data) == 2 * len(seed_compiled.questions)
    lines = fig.data[1::2]
    assert list(lines[0].x) == [0.2, 0.6, 1.0]
    df = runs.to_pandas()
    yes = df[df.point == 1]["q.fm_before_round1"].mean()
    assert lines[0].y[1] == pytest.approx(yes)
    assert all(in_unit(t.y) for t in fig.data)
    assert fig.layout.xaxis.title.text == "russia.urgency.peak" and fig.layout.yaxis.title.text == "Probability"


def test_sweep_heatmap_grid_and_scattered(tmp_path_factory, seed_loaded, seed_compiled):
    runs, points = sweep(tmp_path_factory, seed_loaded, seed_compiled, GRID, 5, "grid")
    x, y = charts.varied_parameters(points)
    fig = charts.sweep_heatmap(runs, points, seed_compiled, x, y, "fm_before_round1")
    (hm,) = fig.data
    assert isinstance(hm, go.Heatmap) and np.asarray(hm.z).shape == (2, 2) and in_unit(hm.z)
    df = runs.to_pandas().merge(points, on="point")
    cell = df[(df[x] == 0.9) & (df[y] == 0.35)]["q.fm_before_round1"].mean()
    assert hm.z[list(hm.y).index(0.35)][list(hm.x).index(0.9)] == pytest.approx(cell)
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == (x, y)
    runs, points = sweep(tmp_path_factory, seed_loaded, seed_compiled, SAMPLED, 2, "lhs")
    fig = charts.sweep_heatmap(runs, points, seed_compiled, "russia.urgency.peak", "syria.flexibility",
                               "fm_before_round1")
    assert isinstance(fig.data[0], go.Histogram2d) and fig.data[0].histfunc == "avg" and in_unit(fig.data[0].z)


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
    q = charts.question_summary(summary, seed_compiled).data[0]
    assert q.marker.color[[e["id"] for e in summary["questions"]].index("fm_before_round1")] == fm
    tl = charts.run_timelines(events, seed_compiled, charts.pick_sample_runs(runs, seed_compiled, events=events))
    assert next(t for t in tl.data if t.name == "held: Foreign ministers").marker.color == fm
