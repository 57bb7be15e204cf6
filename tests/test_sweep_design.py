"""Sweep charts draw what the design supports (issue 25 item 8): a grid as lines and cells of equal settings, a
random sample (LHS, Sobol) as its points and binned means with their counts and intervals, empty bins empty."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from simulator import charts  # noqa: F401
from simulator.answers import sweep_heatmap, sweep_line, sweep_lines
from simulator.charts.sweeps import clicked_points, is_grid

from .results_fixtures import GRID, tables, write_results

# 16 sampled points of three parameters over [0.2, 1] x [0.15, 0.35] x [0.03, 0.12] (two corners fix the range),
# none with peak urgency above 0.6 and flexibility above 0.25 together: the top-right quarter holds no point
rng = np.random.default_rng(5)
SAMPLE = {0: {"russia.urgency.peak": 0.2, "syria.flexibility": 0.35, "turkey.concession_rate": 0.05},
          1: {"russia.urgency.peak": 1.0, "syria.flexibility": 0.15, "turkey.concession_rate": 0.1}}
while len(SAMPLE) < 16:
    a, b, c = rng.uniform(0.2, 1.0), rng.uniform(0.15, 0.35), rng.uniform(0.03, 0.12)
    if not (a > 0.6 and b > 0.25):
        SAMPLE[len(SAMPLE)] = {"russia.urgency.peak": a, "syria.flexibility": b, "turkey.concession_rate": c}
Q = "fm_before_round1"


@pytest.fixture(scope="module")
def sample(tmp_path_factory, seed_loaded, seed_compiled):
    out = write_results(tmp_path_factory.mktemp("lhs"), seed_loaded, seed_compiled, SAMPLE, 4, "sweep",
                        {"sweep": {"sampler": "lhs"}})
    return tables(out)[0], pd.read_parquet(out / "points.parquet")


@pytest.fixture(scope="module")
def grid(tmp_path_factory, seed_loaded, seed_compiled):
    out = write_results(tmp_path_factory.mktemp("grid"), seed_loaded, seed_compiled, GRID, 4, "sweep")
    return tables(out)[0], pd.read_parquet(out / "points.parquet")


def point_p(runs, point: int) -> float:
    df = runs.to_pandas()
    return float(df[df.point == point][f"q.{Q}"].mean())


def test_a_grid_is_told_from_a_random_sample(sample, grid):
    assert is_grid(grid[1]) and not is_grid(sample[1])
    assert is_grid(grid[1][grid[1].point.isin([0, 1])])  # one parameter varying: a line of settings


def test_a_sampled_heatmap_leaves_empty_bins_empty_and_counts_the_others(sample, seed_compiled):
    runs, points = sample
    fig = sweep_heatmap(runs, points, seed_compiled, "russia.urgency.peak", "syria.flexibility", Q)
    cells = fig.data[0]
    assert isinstance(cells, go.Heatmap) and not isinstance(cells, go.Histogram2d) and cells.hoverongaps is False
    z = np.asarray(cells.z, dtype=float)
    xe, ye = np.asarray(cells.x), np.asarray(cells.y)  # bin edges
    assert z.shape == (len(ye) - 1, len(xe) - 1)
    p = {pt: point_p(runs, pt) for pt in SAMPLE}
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            inside = [pt for pt, s in SAMPLE.items()
                      if xe[j] <= s["russia.urgency.peak"] <= xe[j + 1] and ye[i] <= s["syria.flexibility"] <= ye[i + 1]]
            if not inside:
                assert np.isnan(z[i, j])  # empty: no colour, never 0%
                continue
            assert z[i, j] == pytest.approx(np.mean([p[pt] for pt in inside]))
            text = cells.customdata[i][j][0]
            assert f"{len(inside)} point" in text and f"{4 * len(inside)} runs" in text
            assert ("95% interval" in text) == (len(inside) > 1)
            assert sorted(clicked_points({"customdata": cells.customdata[i][j]})) == sorted(inside)
            # a click in the page carries the cell's centre and value only: the same points
            centre = {"x": (xe[j] + xe[j + 1]) / 2, "y": (ye[i] + ye[i + 1]) / 2, "z": z[i, j]}
            assert sorted(clicked_points(centre, points, "russia.urgency.peak", "syria.flexibility")) == sorted(inside)
    assert np.isnan(z[-1, -1])  # the empty top-right quarter
    dots = fig.data[1]  # every sampled point is drawn where it is
    assert list(dots.x) == pytest.approx([SAMPLE[pt]["russia.urgency.peak"] for pt in sorted(SAMPLE)])
    assert clicked_points({"customdata": dots.customdata[3]}) == [3]


def test_a_sampled_line_chart_shows_points_and_binned_means_never_a_curve(sample, seed_compiled):
    runs, points = sample
    fig = sweep_line(runs, points, seed_compiled, "russia.urgency.peak", Q)
    assert all("lines" not in (t.mode or "") for t in fig.data)  # nothing joins points that differ everywhere
    dots, means = fig.data
    assert len(dots.x) == len(SAMPLE) and list(dots.y) == pytest.approx([point_p(runs, pt) for pt in sorted(SAMPLE)])
    hover = " ".join(str(c[0]) for c in dots.customdata)
    assert "pooled" not in hover and "point 3" in hover
    edges = np.linspace(min(s["russia.urgency.peak"] for s in SAMPLE.values()),
                        max(s["russia.urgency.peak"] for s in SAMPLE.values()), len(means.customdata) + 1)
    assert len(means.x) == len(means.customdata)
    for x, y, cd in zip(means.x, means.y, means.customdata):
        inside = [pt for pt, s in SAMPLE.items() if abs(s["russia.urgency.peak"] - x) <= (edges[1] - edges[0]) / 2
                  + 1e-12]
        assert y == pytest.approx(np.mean([point_p(runs, pt) for pt in inside]))
        assert f"{len(inside)} point" in cd[0]
    title = fig.layout.title.text.replace("<br>", " ")
    assert "pooled over" not in title and "Russia's peak urgency" in title
    assert "russia.urgency.peak" not in title and "russia.urgency.peak" not in fig.layout.xaxis.title.text


def test_a_grid_heatmap_leaves_a_missing_cell_empty(grid, seed_compiled):
    runs, points = grid
    import pyarrow.compute as pc

    runs = runs.filter(pc.not_equal(runs.column("point"), 3))  # a point with no runs: its cell is empty
    fig = sweep_heatmap(runs, points, seed_compiled, "russia.urgency.peak", "syria.flexibility", Q)
    cells = fig.data[0]
    z = np.asarray(cells.z, dtype=float)
    assert np.isnan(z[list(cells.y).index(0.35)][list(cells.x).index(0.9)]) and cells.hoverongaps is False
    assert np.isfinite(z).sum() == 3


def test_long_titles_are_wrapped_and_given_room(sample, seed_compiled):
    runs, points = sample
    for fig in (*sweep_lines(runs, points, seed_compiled, "russia.urgency.peak"),
                sweep_heatmap(runs, points, seed_compiled, "russia.urgency.peak", "syria.flexibility", Q)):
        lines = fig.layout.title.text.split("<br>")
        assert max(map(len, lines)) <= 90
        assert fig.layout.margin.t >= 30 + 22 * len(lines)  # the title's lines sit above the plot, not over it
        for t in fig.data:
            for cd in (t.customdata if t.customdata is not None else []):
                first = np.asarray(cd, dtype=object).ravel()[0] if not isinstance(cd, str) else cd
                if isinstance(first, str):
                    assert max(len(part) for part in first.split("<br>")) <= 70  # hover lines wrapped


# ------------------------------------------------------------------ issue 25 item 9: a date question is drawn as dates
DATE_Q = "fm_meeting_date"
END = dt.date(2024, 12, 31)  # the seed's calendar end


def median_ms(runs, chosen) -> int:
    """The median date of the chosen points' runs (a run in which it never happens counts as later than any date;
    one after the calendar is drawn at its end), in ms since 1970, computed here from the record column."""
    df = runs.to_pandas()
    days = [np.inf if v is None or v != v else (v - dt.date(1970, 1, 1)).days
            for v in df[df.point.isin(chosen)][f"q.{DATE_Q}"]]
    median = float(np.quantile(days, 0.5, method="inverted_cdf"))
    return int((min(median, (END - dt.date(1970, 1, 1)).days)) * 86_400_000)


def test_a_date_question_is_drawn_as_its_median_date_in_every_sweep_chart(grid, sample, seed_compiled):
    from simulator.lang.words import day

    runs, points = grid
    pts = points.set_index("point")
    fig = sweep_heatmap(runs, points, seed_compiled, "russia.urgency.peak", "syria.flexibility", DATE_Q)
    cells = fig.data[0]
    assert cells.colorbar.title.text == "Median date"
    for i, yv in enumerate(cells.y):
        for j, xv in enumerate(cells.x):
            chosen = list(pts[(pts["russia.urgency.peak"] == xv) & (pts["syria.flexibility"] == yv)].index)
            assert cells.z[i][j] == median_ms(runs, chosen)  # the colour: the median date, never a share by the end
            hover = cells.customdata[i][j][0].replace("<br>", " ")
            assert "median " in hover and "10–90%" in hover and "within the calendar in" in hover
            shown = cells.text[i][j]
            assert shown == "after the end" or shown == day(dt.date(1970, 1, 1) + dt.timedelta(
                days=cells.z[i][j] // 86_400_000))
    assert list(cells.colorbar.ticktext)[0] == day(dt.date(2023, 2, 1)) and "%" not in cells.colorbar.ticktext[0]
    line = sweep_line(runs, points, seed_compiled, "russia.urgency.peak", DATE_Q)
    assert line.layout.yaxis.type == "date" and line.layout.yaxis.title.text == "Median date"
    for x, y in zip(line.data[1].x, line.data[1].y):
        assert y == median_ms(runs, list(pts[pts["russia.urgency.peak"] == x].index))
    # every question's chart: the probabilities together, each date question on its own date axis
    lines = sweep_lines(runs, points, seed_compiled, "russia.urgency.peak")
    assert [f.layout.yaxis.title.text for f in lines] == ["Probability", "Median date"]
    runs, points = sample  # a random sample: the points' medians and each bin's median of its points' runs
    fig = sweep_heatmap(runs, points, seed_compiled, "russia.urgency.peak", "syria.flexibility", DATE_Q)
    cells, dots = fig.data
    for cd, z in zip((c for row in cells.customdata for c in row), (v for row in cells.z for v in row)):
        if cd[1]:
            assert z == median_ms(runs, [int(p) for p in cd[1].split()])
    assert all("median " in cd[0] and "within the calendar in" in cd[0].replace("<br>", " ") for cd in dots.customdata)
    line = sweep_line(runs, points, seed_compiled, "russia.urgency.peak", DATE_Q)
    dots, bins = line.data
    assert list(dots.y) == [median_ms(runs, [pt]) for pt in sorted(SAMPLE)]
    assert all(y == median_ms(runs, [int(p) for p in cd[1].split()]) for y, cd in zip(bins.y, bins.customdata))
