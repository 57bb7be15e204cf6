"""The outside-view dataset (simulator/outside_view): every shipped timeline validates, the spells load into
pandas, Arrow and polars, and a bad file gets one line per problem naming file, line, column and field."""

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.outside_view import CLASSES, TIMELINES, load_dataset, read_negotiation, spells_table, to_arrow
from simulator.outside_view.classes import markdown_table
from simulator.outside_view.dataset import check_folder, summary
from simulator.scenario.loader import ScenarioError

SHIPPED = sorted(TIMELINES.glob("*.yaml"))

GOOD = """\
id: {id}
title: Egypt–Israel peace process
region: middle_east
kind: interstate_peace
parties: [Egypt, Israel]
mediators: [United States]
period: {{start: 1977-11-19, end: 1982-04-25}}
sources:
  - id: s1
    title: "Camp David Accords"
    publisher: "Office of the Historian"
    url: https://history.state.gov/milestones/1977-1980/camp-david
    note: "Dates of the summit and of the signing of the two frameworks."
spells:
  - id: camp_david_accords
    class: framework_agreement
    what: "Camp David frameworks signed"
    possible: 1978-09-05
    possible_because: "Camp David summit opened"
    happened: 1978-09-17
    sources: [s1]
  - id: second_summit
    class: leaders_meeting
    what: "a summit that never came"
    possible: 1981-03-15
    possible_because: "proposed in the press"
    censored: 1982-04-25
    approx: month
    sources: [s1]
"""


def write(folder: Path, text: str, name: str = "egypt_israel_1977") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(text.format(id=name) if "{id}" in text else text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_timeline_validates(path):
    neg = read_negotiation(path)
    assert neg.id == path.stem


def test_shipped_folder_loads_whole():
    _, problems = check_folder()
    assert problems == []
    assert len(load_dataset()) == len(SHIPPED)


def test_good_file_and_its_table(tmp_path):
    write(tmp_path, GOOD)
    negs = load_dataset(tmp_path)
    df = spells_table(negs)
    assert list(df["spell"]) == ["camp_david_accords", "second_summit"]
    assert list(df["duration_days"]) == [12, (dt.date(1982, 4, 25) - dt.date(1981, 3, 15)).days]
    assert list(df["event"]) == [True, False]
    assert df["approx"].isna().tolist() == [True, False] and df["approx"][1] == "month"
    assert df["sources"].tolist()[0] == ["s1"]
    assert str(df["possible"].dtype).startswith("datetime64")
    s = summary(negs)
    assert s["per_class"]["leaders_meeting"] == {"spells": 1, "happened": 0, "censored": 1}
    assert s["per_decade"] == {"1970s": 1}


def test_whole_dataset_in_pandas_arrow_and_polars():
    pl = pytest.importorskip("polars")
    negs = load_dataset()
    table = to_arrow(negs)
    df = spells_table(negs)
    frame = pl.from_arrow(table)
    n = sum(len(x.spells) for x in negs)
    assert table.num_rows == len(df) == frame.height == n
    assert set(df["class"]) <= set(CLASSES)
    # a spell's duration runs from possible to happened, or to censored when it had not happened
    ends = df["happened"].where(df["event"], df["censored"])
    assert ((ends - df["possible"]).dt.days == df["duration_days"]).all()
    assert (df["duration_days"] >= 0).all()
    assert df[["happened", "censored"]].notna().sum(axis=1).eq(1).all()
    assert (ends <= "2024-12-31").all()


BAD = [
    ("wrong class", ("class: framework_agreement", "class: peace_deal"), 16, "spells[0].class",
     "unknown class (known: talks_opened, "),
    ("both ends", ("happened: 1978-09-17", "happened: 1978-09-17\n    censored: 1979-01-01"), 15, "spells[0]",
     "exactly one of 'happened'"),
    ("neither end", ("    happened: 1978-09-17\n", ""), 15, "spells[0]", "exactly one of 'happened'"),
    ("possible after happened", ("possible: 1978-09-05", "possible: 1978-09-20"), 20, "spells[0].happened",
     "before the day it became possible (1978-09-20)"),
    ("after 2024", ("end: 1982-04-25}", "end: 2026-01-01}\n# later"), 7, "period.end", "after 2024-12-31"),
    ("spell after 2024", ("censored: 1982-04-25", "censored: 2025-02-01"), 27, "spells[1].censored",
     "after 2024-12-31"),
    ("unknown source", ("    sources: [s1]\n  - id: second", "    sources: [s2]\n  - id: second"), 21,
     "spells[0].sources[0]", "unknown source 's2'"),
    ("year only", ("possible: 1978-09-05", "possible: 1978"), 18, "spells[0].possible", "a day YYYY-MM-DD"),
    ("approx without a 15th", ("possible: 1981-03-15", "possible: 1981-03-16"), 28, "spells[1].approx",
     "neither date is a 15th"),
    ("outside the period", ("possible: 1978-09-05", "possible: 1976-09-05"), 18, "spells[0].possible",
     "outside the period"),
    ("duplicate spell id", ("id: second_summit", "id: camp_david_accords"), 22, "spells[1].id", "used twice"),
    ("unknown region", ("region: middle_east", "region: levant"), 3, "region", "'levant'"),
    ("unknown field", ("    sources: [s1]\n  - id: second", "    sources: [s1]\n    outcome: yes\n  - id: second"),
     22, "spells[0].outcome", "unknown field"),
    ("left out: Russia–Ukraine", ("parties: [Egypt, Israel]", "parties: [Russia, Ukraine]"), 5, "parties",
     "Russia–Ukraine"),
    ("left out: Armenia–Azerbaijan", ("parties: [Egypt, Israel]", "parties: [Armenia, Azerbaijan]"), 5,
     "parties", "leave-out list"),
    ("left out: Saudi–Iran in 2021-23", (("parties: [Egypt, Israel]", "parties: [Saudi Arabia, Iran]"),
                                         ("start: 1977-11-19, end: 1982-04-25", "start: 1977-11-19, end: 2021-04-25"),
                                         ("censored: 1982-04-25", "censored: 2021-04-25")), 5, "parties",
     "Saudi Arabia–Iran"),
    ("left out: Sudan 2023", (("parties: [Egypt, Israel]", "parties: [Sudan, Rapid Support Forces]"),
                              ("start: 1977-11-19, end: 1982-04-25", "start: 1977-11-19, end: 2023-05-20"),
                              ("censored: 1982-04-25", "censored: 2023-05-20")), 5, "parties", "Sudan 2023"),
]


@pytest.mark.parametrize(("edit", "line", "field", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_file_one_line_error(tmp_path, edit, line, field, message):
    edits = edit if isinstance(edit[0], tuple) else (edit,)
    text = GOOD.format(id="egypt_israel_1977")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as err:
        read_negotiation(path)
    lines = str(err.value).splitlines()
    assert len(lines) == 1, lines
    m = re.fullmatch(r"(.+):(\d+):(\d+): ([^:]+): (.+)", lines[0])
    assert m, lines[0]
    assert (m[1], int(m[2]), m[4]) == (str(path), line, field), lines[0]
    assert message in m[5], lines[0]


def test_file_name_must_be_id(tmp_path):
    path = write(tmp_path, GOOD.format(id="egypt_israel_1977"), name="camp_david")
    with pytest.raises(ScenarioError, match=r"camp_david.yaml:1:1: id: 'egypt_israel_1977' must match the file name"):
        read_negotiation(path)


def test_not_left_out_nearby():
    """South Sudan is not Sudan; Saudi–Iran before 2021 and Israel–Lebanon in 2024 are allowed."""
    from simulator.outside_view.dataset import Negotiation, left_out

    def neg(parties, start, end):
        return Negotiation.model_validate(
            {"id": "x_y", "title": "a test", "region": "africa", "kind": "civil_war", "parties": parties,
             "period": {"start": start, "end": end}, "sources": [{"id": "s1", "title": "a title", "publisher": "UN",
                                                                  "note": "what it shows, in our words"}],
             "spells": [{"id": "a", "class": "ceasefire", "what": "a ceasefire", "possible": start,
                         "possible_because": "talks opened", "censored": end, "sources": ["s1"]}]})

    assert left_out(neg(["South Sudan", "SPLM-IO"], "2014-01-01", "2015-12-31")) is None
    assert left_out(neg(["Saudi Arabia", "Iran"], "2015-01-01", "2016-12-31")) is None
    assert left_out(neg(["Israel", "Hezbollah", "Lebanon"], "2024-10-01", "2024-12-31")) is None
    assert left_out(neg(["Sudan", "SPLM"], "2002-06-01", "2005-01-09")) is None
    assert left_out(neg(["Sudan", "RSF"], "2023-04-15", "2024-12-31")) is not None


def test_cli_validate(tmp_path):
    write(tmp_path, GOOD)
    ok = subprocess.run([sys.executable, "-m", "simulator", "timelines", "validate", str(tmp_path)],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "1 negotiations, 2 spells (1 happened, 1 censored)" in ok.stdout
    assert "first leaders' summit (leaders_meeting): 1 (0 happened, 1 censored)" in ok.stdout
    assert "negotiations: 1 of 40 (not yet)" in ok.stdout
    write(tmp_path, GOOD.replace("class: framework_agreement", "class: peace_deal"), name="other")
    bad = subprocess.run([sys.executable, "-m", "simulator", "timelines", "validate", str(tmp_path)],
                         capture_output=True, text=True)
    assert bad.returncode == 2
    err = bad.stderr.strip().splitlines()
    assert len(err) == 1 and "other.yaml:16:5: spells[0].class: unknown class" in err[0], err
    assert "1 files valid, 1 with problems" in bad.stdout


def test_classes_table_is_the_docs_table():
    """The documentation shows the registry's own text (one concept, one place)."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "outside-view.md").read_text(encoding="utf-8")
    assert markdown_table() in doc


def test_timelines_ship_with_the_package():
    import tomllib

    conf = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    globs = conf["tool"]["setuptools"]["package-data"]["simulator.outside_view"]
    assert any(p.endswith("*.yaml") and p.startswith("timelines") for p in globs)


def test_same_process_twice_is_flagged_not_refused(tmp_path):
    """Two files of the same kind sharing the parties over overlapping periods are named for a check (one
    process recorded by two people counts its spells twice); the folder still validates."""
    write(tmp_path, GOOD)
    write(tmp_path, GOOD, name="camp_david_1978")
    done = subprocess.run([sys.executable, "-m", "simulator", "timelines", "validate", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "double counting" in done.stdout and "camp_david_1978 and egypt_israel_1977" in done.stdout
    write(tmp_path, GOOD.replace("kind: interstate_peace", "kind: normalisation"), name="camp_david_1978")
    apart = subprocess.run([sys.executable, "-m", "simulator", "timelines", "validate", str(tmp_path)],
                           capture_output=True, text=True)
    assert "double counting" not in apart.stdout
