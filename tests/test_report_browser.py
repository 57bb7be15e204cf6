"""The report in headless Chromium (Debian's, never a downloaded one): every chart draws, the page is not blank."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from simulator.report import build_report, load_results, write_report

from .results_fixtures import write_results

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                "(apt-get install chromium; `make browser` does it as root)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--virtual-time-budget=20000"]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"  # a fresh profile per launch
    return subprocess.run([str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          timeout=120, check=True)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory, seed_loaded, seed_compiled):
    base = tmp_path_factory.mktemp("browser")
    results = write_results(base / "results", seed_loaded, seed_compiled, {0: {}}, 30, "montecarlo")
    page, sections = build_report(load_results(results))
    write_report(page, base / "report.html")
    return base / "report.html", [s.id for s in sections if s.figure is not None]


def test_every_chart_is_drawn(report_file, tmp_path):
    path, figures = report_file
    dom = chromium(tmp_path, "--dump-dom", path.as_uri()).stdout.decode("utf-8")
    drawn = re.findall(r'<div id="fig-([a-z0-9_-]+)" class="plotly-graph-div js-plotly-plot"', dom)
    assert drawn == figures  # plotly.js ran offline and drew each figure into its div
    assert dom.count('class="main-svg"') >= len(figures) - 1  # tables draw into a main-svg too, so this is loose


def test_screenshot_is_not_blank(report_file, tmp_path):
    from PIL import Image

    path, _ = report_file
    shot = tmp_path / "report.png"
    chromium(tmp_path, "--window-size=1400,6000", f"--screenshot={shot}", path.as_uri())
    pixels = np.asarray(Image.open(shot).convert("RGB"))
    assert pixels.shape == (6000, 1400, 3)
    packed = (pixels[..., 0].astype(np.int32) << 16) | (pixels[..., 1].astype(np.int32) << 8) | pixels[..., 2]
    values, counts = np.unique(packed, return_counts=True)
    count = dict(zip(values.tolist(), counts.tolist()))
    colours = len(values)
    inked = float((pixels.min(axis=2) < 235).mean())
    assert colours > 500, colours  # lines, bands, markers and text in many colours, not a blank page
    assert inked > 0.05, inked
    # the five meeting-level colours are drawn (plotly D3 palette, see charts/palette.py), exactly, in lines and stars
    for hex_colour in ("1F77B4", "FF7F0E", "2CA02C", "D62728", "9467BD"):
        assert count.get(int(hex_colour, 16), 0) > 200, hex_colour


def test_png_export_through_system_chromium(report_file, tmp_path, seed_loaded, seed_compiled):
    pytest.importorskip("kaleido", reason="kaleido not installed (pip install 'diplosim[png]')")
    from PIL import Image
    from typer.testing import CliRunner

    from simulator.cli import app

    results = write_results(tmp_path / "results", seed_loaded, seed_compiled, {0: {}}, 10, "montecarlo")
    pngs = tmp_path / "png"
    result = CliRunner().invoke(app, ["report", str(results), "-o", str(tmp_path / "r.html"), "--png", str(pngs)])
    assert result.exit_code == 0, result.output
    _, figures = report_file
    assert sorted(p.stem for p in pngs.glob("*.png")) == sorted(figures)
    with Image.open(pngs / "calendar.png") as im:
        assert im.size == (1280, 520)
        assert len(np.unique(np.asarray(im.convert("RGB")).reshape(-1, 3), axis=0)) > 100
