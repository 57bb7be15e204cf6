"""Charts of the analysis commands, and their --html output."""

import json

from typer.testing import CliRunner

from simulator.charts.analysis import blockers, side_by_side_calendar, tornado
from simulator.charts.track import pit_histogram, reliability_diagram, scores_table
from simulator.cli import app
from simulator.runner import run_replications

from .conftest import SEED_SCENARIO


def test_blockers_chart_has_one_bar_series_per_reason():
    explained = {"milestones": [
        {"milestone": "fm", "name": "Foreign ministers",
         "blocked_by": [{"actor": "syria", "reason": "declined", "runs_share": 0.5},
                        {"actor": "syria", "reason": "precondition:x", "runs_share": 0.25}]},
        {"milestone": "dm", "name": "Defence ministers",
         "blocked_by": [{"actor": "syria", "reason": "declined", "runs_share": 0.75}]}]}
    fig = blockers(explained)
    assert [t.name for t in fig.data] == ["syria: declined", "syria: precondition:x"]
    assert list(fig.data[0].x) == [0.5, 0.75] and list(fig.data[1].x) == [0.25, 0.0]
    assert list(fig.data[0].y) == ["Foreign ministers", "Defence ministers"]  # the scenario's names


def test_side_by_side_calendar(seed_compiled):
    a, _ = run_replications(seed_compiled, 1, list(range(60)), events_for=0)
    b, _ = run_replications(seed_compiled, 1, list(range(60)), overrides={"russia.active": 0}, events_for=0)
    fig = side_by_side_calendar(a, seed_compiled, b, seed_compiled, "base", "no Russia")
    n_milestones = len(seed_compiled.milestones)
    assert len(fig.data) == 4 * n_milestones  # a band and a line per milestone, in each panel
    assert {t.xaxis for t in fig.data} == {"x", "x2"}
    assert sum(1 for t in fig.data if t.showlegend is not False) == n_milestones
    rounds = [s for s in fig.layout.shapes if s.x0 == "2023-05-14"]
    assert len(rounds) == 2
    assert [a.text for a in fig.layout.annotations][:2] == ["base", "no Russia"]


def test_tornado_orders_by_total_effect():
    result = {"questions": [{"id": "q", "text": "Q?", "indices": [
        {"name": "a", "S1": 0.1, "S1_conf": 0.01, "ST": 0.2, "ST_conf": 0.02},
        {"name": "b", "S1": 0.6, "S1_conf": 0.05, "ST": 0.7, "ST_conf": 0.04}]}]}
    fig = tornado(result, "q")
    total = fig.data[0]
    assert list(total.y) == ["a", "b"] and list(total.x) == [0.2, 0.7]  # largest on top of a horizontal bar chart
    assert list(total.error_x.array) == [0.02, 0.04]


def test_reliability_diagram_bins_forecasts_with_wilson_intervals():
    from simulator.analysis.scores import reliability_bins

    rows = [{"text": "a", "forecast": 0.1, "happened": False}, {"text": "b", "forecast": 0.15, "happened": True},
            {"text": "c", "forecast": 0.9, "happened": True}]
    bt = {"scenarios": [{"yes_no": rows}],
          "pooled": {"reliability": reliability_bins([0.1, 0.15, 0.9], [0, 1, 1], bins=5),
                     "yes_no": {"n": 3, "brier": 0.3, "murphy": {"reliability": 0.1, "resolution": 0.05}}}}
    fig = reliability_diagram(bt)
    diagonal, points, binned = fig.data
    assert list(diagonal.x) == [0, 1] and list(points.x) == [0.1, 0.15, 0.9] and list(points.y) == [0, 1, 1]
    assert list(binned.y) == [0.5, 1.0] and list(binned.customdata) == [2, 1]
    assert 0 < binned.y[0] - binned.error_y.arrayminus[0] < 0.5 < binned.y[0] + binned.error_y.array[0] < 1


def test_pit_histogram_stacks_dates_and_counts():
    from simulator.analysis.scores import pit_histogram as hist

    bt = {"pooled": {"dates": {"n": 3, "pit_histogram": hist([0.05, 0.5, 0.55], bins=4)},
                     "counts": {"n": 1, "pit_histogram": hist([0.99], bins=4)}}}
    fig = pit_histogram(bt)
    dates, counts = fig.data
    assert list(dates.y) == [1, 0, 2, 0] and list(counts.y) == [0, 0, 0, 1]


def test_scores_table_has_a_row_per_scenario_and_the_pool():
    summary = {"yes_no": {"n": 2, "brier": 0.1, "log_score": -0.3, "skill_vs_50": 0.6},
               "dates": {"n": 1, "crps": 2.5, "mean_pit": 0.4}}
    bt = {"runs": 10, "scenarios": [{"title": "A", "summary": summary, "edited_after_outcomes": True}],
          "pooled": {**summary, "scenarios": 1, "edited_after_outcomes": ["a.yaml"]}}
    cells = scores_table(bt).data[0].cells.values
    assert list(cells[0]) == ["A", "Pooled (1 scenario)"] and list(cells[2]) == ["0.100", "0.100"]
    assert list(cells[6]) == ["2.50", "2.50"] and list(cells[8]) == ["yes", "1 edited"]


def test_html_outputs_embed_plotly_once(tmp_path):
    out = tmp_path / "cmp.html"
    res = CliRunner().invoke(app, ["compare", str(SEED_SCENARIO), "--set-b", "russia.active=0", "--runs", "50",
                                   "--json", "--html", str(out)])
    assert res.exit_code == 0, res.output
    json.loads(res.stdout)
    page = out.read_text()
    assert page.count("plotly.js v") == 1 and page.count('class="plotly-graph-div"') == 1
    res = CliRunner().invoke(app, ["compare", str(SEED_SCENARIO), "--set-b", "russia.active=0", "--html",
                                   str(tmp_path)])
    assert res.exit_code == 2
    assert res.stderr == f"error: --html: '{tmp_path}' is a directory; give a file name such as chart.html\n"
