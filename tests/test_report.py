"""The HTML report: every applicable figure, plotly.js embedded exactly once, CLI errors on one line with exit 2."""

from __future__ import annotations

import json
import re
import sys

import pytest
from plotly.offline import get_plotlyjs
from typer.testing import CliRunner

from simulator.cli import app
from simulator.report import ReportError, build_report, export_pngs, load_results

from .conftest import SEED_SCENARIO
from .results_fixtures import LINE, SAMPLED, write_results

# the seed scenario has observed outcomes beside it, so its Monte Carlo report scores the runs against them
# the seed scenario's milestones are classed (scenarios/milestone_classes.yaml): the report draws their class curves
MONTE_CARLO_FIGURES = ["questions", "calendar", "timing", "reasons", "runs", "track", "reliability", "pit",
                       "class-curves", "actors", "evidence"]
runner = CliRunner()


@pytest.fixture(scope="module")
def mc_dir(tmp_path_factory, seed_loaded, seed_compiled):
    return write_results(tmp_path_factory.mktemp("mc"), seed_loaded, seed_compiled, {0: {}}, 30, "montecarlo")


def figure_ids(page: str) -> list[str]:
    return re.findall(r'<div id="fig-([a-z0-9_-]+)"', page)


def plotlyjs_copies(page: str) -> int:
    return page.count(get_plotlyjs()[:200])  # the library's opening banner and first code


def test_monte_carlo_report_has_every_figure_and_one_plotlyjs(mc_dir):
    page, sections = build_report(load_results(mc_dir))
    assert figure_ids(page) == MONTE_CARLO_FIGURES
    assert page.count("Plotly.newPlot(") == len(MONTE_CARLO_FIGURES)
    assert plotlyjs_copies(page) == 1
    rest = page.replace(get_plotlyjs(), "")  # plotly.js itself mentions its CDN (geo maps); our page must not
    assert "cdn.plot.ly" not in rest and "<script src=" not in rest and "<link" not in rest  # works offline
    assert "Syria-Turkey rapprochement" in page and "Do the Syrian and Turkish foreign ministers meet" in page
    assert [s.id for s in sections][0] == "scenario"


def test_report_scores_the_runs_against_what_happened(mc_dir, tmp_path, seed_loaded, seed_compiled):
    page, _ = build_report(load_results(mc_dir))
    assert "Against what happened" in page and "syria_turkey_2023.observed.yaml" in page
    assert "differs from the one the outcomes were recorded against" not in page  # the scenario as recorded
    # what-ifs are said in words: they score the what-if, not the forecast
    whatif = write_results(tmp_path / "w", seed_loaded, seed_compiled, {0: {}}, 10, "montecarlo",
                           {"overrides": {"russia.active": 0.0}})
    assert "so they score the what-if, not the scenario as written" in build_report(load_results(whatif))[0]
    # a scenario without observed outcomes gets no such section
    (tmp_path / "alone").mkdir()
    copy = tmp_path / "alone" / "copy.yaml"
    copy.write_text(SEED_SCENARIO.read_text(encoding="utf-8").replace("sources/", str(SEED_SCENARIO.parent / "sources") + "/"))
    manifest = json.loads((mc_dir / "manifest.json").read_text())
    manifest["scenario"]["path"] = str(copy)
    moved = tmp_path / "moved"
    import shutil

    shutil.copytree(mc_dir, moved)
    (moved / "manifest.json").write_text(json.dumps(manifest))
    assert "track" not in figure_ids(build_report(load_results(moved))[0])


def test_sweep_reports_pick_the_sweep_charts(tmp_path, seed_loaded, seed_compiled):
    grid, lhs = {"sweep": {"sampler": "grid"}}, {"sweep": {"sampler": "lhs"}}
    line = write_results(tmp_path / "line", seed_loaded, seed_compiled, LINE, 4, "sweep", grid)
    page, _ = build_report(load_results(line))
    # one line chart of the probabilities, one of the date question's median date (issue 25 item 9)
    assert figure_ids(page) == ["questions", "sweep-line", "sweep-line-1", "actors", "evidence"]
    assert plotlyjs_copies(page) == 1
    assert "pooled over 3 points" in page
    sampled = write_results(tmp_path / "lhs", seed_loaded, seed_compiled, SAMPLED, 2, "sweep", lhs)
    assert figure_ids(build_report(load_results(sampled))[0]) == ["questions", "sweep-parallel", "actors", "evidence"]


def test_cli_report(mc_dir, tmp_path):
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(mc_dir), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert figure_ids(out.read_text(encoding="utf-8")) == MONTE_CARLO_FIGURES


@pytest.mark.parametrize("make, args, message", [
    (lambda d: None, ["report", "{d}/missing", "-o", "{d}/r.html"], "is not a directory"),
    (lambda d: None, ["report", "{d}", "-o", "{d}/r.html"], "has no manifest.json"),
    (lambda d: (d / "manifest.json").write_text("{not json"), ["report", "{d}", "-o", "{d}/r.html"],
     "manifest.json: cannot read the resolved scenario"),
    (lambda d: (d / "manifest.json").write_text(json.dumps({"scenario": {"resolved": {"schema_version": 2}}})),
     ["report", "{d}", "-o", "{d}/r.html"], "manifest.json: scenario.resolved.metadata: Field required"),
    (lambda d: (d / "manifest.json").write_text("{}"), ["report", "{d}", "-o", "{d}/nowhere/r.html"],
     "--output: directory"),
    (lambda d: None, ["report", "{d}", "-o", "{d}"], "--output:"),
])
def test_cli_report_errors_are_one_line_exit_2(tmp_path, make, args, message):
    make(tmp_path)
    result = runner.invoke(app, [a.format(d=tmp_path) for a in args])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.output
    assert "Traceback" not in result.output


def test_cli_report_without_runs(mc_dir, tmp_path, seed_loaded, seed_compiled):
    empty = tmp_path / "empty"
    write_results(empty, seed_loaded, seed_compiled, {0: {}}, 2, "montecarlo")
    for part in (empty / "runs").iterdir():
        part.unlink()
    result = runner.invoke(app, ["report", str(empty), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and "holds no finished runs" in result.output


@pytest.mark.parametrize("with_out", [False, True])
def test_run_with_report(tmp_path, with_out):
    report = tmp_path / "r.html"
    args = ["run", str(SEED_SCENARIO), "--runs", "20", "--seed", "4", "--json", "--report", str(report)]
    if with_out:
        args += ["--out", str(tmp_path / "res")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    page = report.read_text(encoding="utf-8")
    assert figure_ids(page) == MONTE_CARLO_FIGURES and plotlyjs_copies(page) == 1
    assert ">20<" in page  # the runs count in the results table


def test_run_report_path_checked_before_running(tmp_path):
    result = runner.invoke(app, ["run", str(SEED_SCENARIO), "--runs", "5", "--report", str(tmp_path / "no" / "r.html")])
    assert result.exit_code == 2 and "--report: directory" in result.output


def test_png_export_unavailable_says_so(mc_dir, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "kaleido", None)  # as if kaleido were not installed
    _, sections = build_report(load_results(mc_dir))
    with pytest.raises(ReportError, match="--png: static export needs kaleido"):
        export_pngs(sections, tmp_path / "png")
