"""Issue 25 item 11: one date format wherever a person reads a date ('3 May 2023', ``lang.words.DATE_FORMAT``):
the scenario's words, the answers' cells, cards and hovers, the charts' hovers and ticks, the report and the
console. The scenario tables wrote '11 April 2021', the console and the report '2023-04-26'."""

from __future__ import annotations

import datetime as dt
import re

from typer.testing import CliRunner

from simulator.answers import Answer
from simulator.cli import app
from simulator.lang.words import DATE_FORMAT, Words, day

from .conftest import SEED_SCENARIO
from .test_charts import mc  # noqa: F401  (a seed Monte Carlo: its runs, events and summary)

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
SHORT = re.compile(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b")
DATE = {"id": "d", "text": "When?", "kind": "date", "n": 100, "yes": 80, "p": 0.8, "low": 0.71, "high": 0.87,
        "p10": "2023-03-08", "median": "2023-04-26", "p90": None}


def test_the_one_format():
    assert DATE_FORMAT == "%-d %b %Y" and day(dt.date(2021, 4, 11)) == "11 Apr 2021"
    assert Words({}).date(dt.date(2021, 4, 11)) == "11 Apr 2021"  # the scenario's words (its tables) wrote 'April'


def test_a_date_answer_writes_its_dates_one_way(seed_compiled):
    answer = Answer.of_entry(DATE)
    card = answer.card(None, None, "baseline", "what-if")
    cell = answer.sweep_cell(seed_compiled)
    texts = [*answer.cells(), answer.when_words(), answer.level_words(), card["big"],
             *(part[0] for part in card["small"] if part), *cell["hover"], cell["text"]]
    for text in texts:
        assert not ISO.search(text), text
    joined = " ".join(texts)
    assert "26 Apr 2023" in joined and "8 Mar 2023" in joined


def test_the_charts_hovers_and_ticks_write_dates_one_way(mc, seed_compiled):
    from simulator import charts
    from simulator.charts.dates import DATE_TICKS

    runs, events, _ = mc
    figures = [charts.probability_over_calendar(runs, seed_compiled),
               charts.run_timelines(events, seed_compiled, charts.pick_sample_runs(runs, seed_compiled, events=events))]
    formats = {f for fig in figures for t in fig.data for f in re.findall(r"%\{[xy]\|([^}]*)\}", t.hovertemplate or "")}
    assert formats == {DATE_FORMAT}
    assert DATE_TICKS["tickformatstops"][0]["value"] == DATE_FORMAT


def test_the_console_and_the_report_write_dates_one_way(mc, seed_compiled):
    from simulator.report import _questions_html

    _, _, summary = mc
    html = _questions_html(summary)
    assert SHORT.search(html) and not ISO.search(html)
    out = CliRunner().invoke(app, ["run", str(SEED_SCENARIO), "--runs", "100", "--seed", "1"], env={"COLUMNS": "300"})
    assert out.exit_code == 0, out.output
    assert SHORT.search(out.output) and not ISO.search(out.output), ISO.findall(out.output)[:3]
