"""The Python API (``simulator.api``): the same answers as the command line, typed answers that render themselves,
tables, one-line errors, the example notebook, and a light ``import simulator``."""

import json
import runpy
import subprocess
import sys

import pytest

import simulator
from simulator.answers import ANSWERS, table_columns

from .conftest import ROOT, SEED_SCENARIO

ALL_KINDS = ROOT / "scenarios" / "black_sea_grain_2022.yaml"  # yes/no, date and count questions


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def seed_forecast():
    return simulator.run(SEED_SCENARIO, runs=300, seed=4, fragile=True)


@pytest.fixture(scope="module")
def all_kinds():
    return simulator.run(ALL_KINDS, runs=200, seed=1)


def test_answers_equal_the_command_lines_json(seed_forecast):
    """Same scenario, seed and runs: the API's summary is what ``diplosim run --json`` prints, and each typed
    answer carries its question's numbers and words from it."""
    done = cli("run", str(SEED_SCENARIO), "--runs", "300", "--seed", "4", "--json")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert json.loads(json.dumps(seed_forecast.summary)) == printed
    by_id = {q["id"]: q for q in printed["questions"]}
    assert list(seed_forecast.answers) == list(by_id)
    for answer in seed_forecast:
        entry = by_id[answer.id]
        assert (answer.p, answer.low, answer.high) == (entry["p"], entry["low"], entry["high"])
        assert answer.words() == answer.question.answer_words(entry)
        if "median" in entry:
            assert str(answer.median) == entry["median"]


def test_each_answer_type_renders_words_a_row_and_a_figure(all_kinds):
    import plotly.graph_objects as go

    seen = set()
    for answer in all_kinds:
        seen.add(type(answer))
        words = answer.words()
        assert isinstance(words, str) and words and "\n" not in words
        row = answer.row()
        assert set(row) <= set(table_columns()) and row["id"] == answer.id and row["words"] == words
        assert set(type(answer).columns) <= set(row)
        fig = answer.figure()
        assert isinstance(fig, go.Figure) and fig.data and len(fig.data[0].x) > 0
    assert seen == set(ANSWERS.values())  # every kind of answer is rendered here
    count = next(a for a in all_kinds if a.question.answer_kind == "count")
    assert sum(count.distribution.values()) == count.runs == 200
    assert count.p == pytest.approx(1 - count.distribution.get(0, 0) / 200)  # happens at least once
    date = next(a for a in all_kinds if a.question.answer_kind == "date")
    assert date.p == pytest.approx(sum(date.distribution.values()) / 200)  # by the end
    assert [d["date"] for d in date.by_date] == sorted(d["date"] for d in date.by_date)


def test_to_pandas_one_row_per_question_with_typed_columns(all_kinds):
    df = all_kinds.to_pandas()
    assert list(df.columns) == list(table_columns())
    assert list(df["id"]) == [q.id for q in all_kinds.compiled.questions]
    dtypes = {c: str(t) for c, t in df.dtypes.items()}
    assert {dtypes[c] for c in ("id", "text", "kind", "words")} == {"string"}
    assert {dtypes[c] for c in ("p", "low", "high", "mean")} == {"float64"}
    assert {dtypes[c] for c in ("runs", "count_p10", "count_median", "count_p90")} == {"Int64"}
    assert all(dtypes[c].startswith("datetime64") for c in ("date_p10", "date_median", "date_p90"))
    kinds = dict(zip(df["id"], df["kind"]))
    assert df.loc[df["kind"] == "count", "mean"].notna().all() and df.loc[df["kind"] != "count", "mean"].isna().all()
    assert df.loc[df["kind"] != "count", "count_median"].isna().all()
    assert df["p"].between(0, 1).all() and set(kinds.values()) == {"yes/no", "date", "count"}
    assert all_kinds.to_arrow().num_rows == len(df)


def test_engines_give_the_same_forecast_and_event_logs():
    mesa = simulator.run(SEED_SCENARIO, runs=20, seed=7, engine="mesa")
    batch = simulator.run(SEED_SCENARIO, runs=20, seed=7, engine="batch")
    assert (mesa.engine, batch.engine) == ("mesa", "batch")
    assert mesa.runs.equals(batch.runs) and mesa.events.equals(batch.events) and mesa.events.num_rows > 0
    assert [a.row() for a in mesa] == [a.row() for a in batch]


def test_the_runs_table_is_the_command_lines(tmp_path):
    forecast = simulator.run(SEED_SCENARIO, runs=120, seed=3)
    done = cli("run", str(SEED_SCENARIO), "--runs", "120", "--seed", "3", "--out", str(tmp_path / "out"),
               "--no-fragile", "--json")
    assert done.returncode == 0, done.stderr
    stored = simulator.open_results(tmp_path / "out")
    assert forecast.runs.num_rows == 120 and forecast.runs.equals(stored.runs.select(forecast.runs.column_names))
    explained = simulator.explain(forecast, question="fm_before_round1")
    assert explained == simulator.explain(stored, question="fm_before_round1")
    assert explained["question"]["answer"] == {k: v for k, v in forecast.summary["questions"][0].items()
                                               if k not in ("id", "text", "kind")}


def test_a_bad_scenario_is_a_scenario_error_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SEED_SCENARIO.read_text().replace("  - id: turkey\n", "  - id: turkey\n    colour: red\n", 1))
    with pytest.raises(simulator.ScenarioError) as err:
        simulator.load(bad)
    problem = err.value.problems[0]
    assert problem.file == str(bad) and problem.line > 1 and problem.col >= 1 and "colour" in problem.field
    assert str(problem).startswith(f"{bad}:{problem.line}:{problem.col}: ")
    with pytest.raises(simulator.ScenarioError):
        simulator.run(tmp_path / "missing.yaml", runs=5)


@pytest.mark.parametrize(("sets", "message"), [
    ({"nope": 1}, "sets: unknown parameter 'nope'"),
    (["syria.resolve=high"], "sets: 'high' for Syria's resolve (syria.resolve) is not a number"),
    ({"turkey.rule": "nope"}, "sets turkey.rule=nope: unknown party rule 'nope'"),
])
def test_bad_sets_are_one_line_value_errors(sets, message):
    with pytest.raises(ValueError) as err:
        simulator.run(SEED_SCENARIO, runs=5, sets=sets)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_compare_of_two_forecasts_is_the_command_lines_compare():
    base = simulator.run(SEED_SCENARIO, runs=200, seed=2)
    whatif = simulator.run(SEED_SCENARIO, runs=200, seed=2, sets={"iran.active": 0})
    mine = simulator.compare(base, whatif)
    done = cli("compare", str(SEED_SCENARIO), "--runs", "200", "--seed", "2", "--set-b", "iran.active=0", "--json")
    assert done.returncode == 0, done.stderr
    theirs = json.loads(done.stdout)
    assert mine["questions"] == theirs["questions"] and mine["milestones"] == theirs["milestones"]
    again = simulator.compare(SEED_SCENARIO, runs=200, seed=2, sets_b={"iran.active": 0})  # run here, paired
    assert again["questions"] == theirs["questions"]
    assert mine.to_pandas()["diff"].tolist() == [q["diff"] for q in theirs["questions"]]
    assert mine.figure().data
    with pytest.raises(ValueError, match="not paired"):
        simulator.compare(base, simulator.run(SEED_SCENARIO, runs=100, seed=2))


def test_sweep_writes_what_the_command_line_writes(tmp_path):
    from simulator.store import read_table

    res = simulator.run_sweep(SEED_SCENARIO, tmp_path / "api", vary=["iran.active=0,1"], runs=15, seed=5)
    done = cli("sweep", str(SEED_SCENARIO), "--out", str(tmp_path / "cli"), "--vary", "iran.active=0,1",
               "--runs", "15", "--seed", "5")
    assert done.returncode == 0, done.stderr
    assert res.runs.num_rows == 30 and res.runs.equals(read_table(tmp_path / "cli", "runs"))
    assert res.manifest["complete"] and callable(simulator.run_sweep)


def test_the_example_notebook_runs_as_its_script(monkeypatch):
    """The notebook's code cells are the script's (``examples/notebook_to_script.py``); the script runs and
    gives what the notebook shows (nbclient and a kernel are not installed: the script is run instead)."""
    examples = ROOT / "examples"
    spec = runpy.run_path(str(examples / "notebook_to_script.py"))
    assert (examples / "api_tour.py").read_text(encoding="utf-8") == spec["script_of"](examples / "api_tour.ipynb")
    monkeypatch.chdir(examples)
    out = runpy.run_path(str(examples / "api_tour.py"), run_name="__main__")
    forecast, whatif = out["forecast"], out["whatif"]
    assert out["comparison"] is not None
    assert forecast.summary["runs"] == whatif.summary["runs"] == 2000
    assert whatif.overrides == {"iran.active": 0.0}
    row = out["changes"].set_index("text").iloc[0]
    assert row["diff"] == pytest.approx(whatif["fm_before_round1"].p - forecast["fm_before_round1"].p)
    assert row["high"] < 0  # without Iran's mediation the ministers meet less often before round 1
    assert out["why"].question["id"] == "fm_before_round1" and out["why"].levels
    assert out["fig"].data and out["overview"].data
    assert list(out["table"].columns[:3]) == ["id", "text", "kind"] and len(out["table"]) == len(forecast)


def test_import_simulator_stays_light():
    """``import simulator`` and reaching the API's names import no numpy, pyarrow, pandas or plotly."""
    code = ("import sys, simulator; simulator.run, simulator.load, simulator.Forecast, simulator.compare; "
            "heavy = ('numpy', 'pyarrow', 'pandas', 'plotly', 'pydantic', 'scipy'); "
            "print(' '.join(m for m in heavy if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_the_readmes_python_example_runs(monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = readme.split("### Python API", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    assert len(code.strip().splitlines()) == 5
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})
    assert capsys.readouterr().out.startswith("yes in ")


# ------------------------------------------------------------------ answers rendered from summary entries
ENTRY_RENDERINGS = ("cells", "when_words", "point_cell", "card")


def test_every_answer_kind_gives_every_rendering_itself():
    """A rendering every kind must answer is abstract in ``Answer``: no kind silently inherits an empty one."""
    from simulator.answers import Answer
    from simulator.lang.questions import KINDS

    assert {q.answer_kind for q in KINDS.values()} == set(ANSWERS)  # every question kind has its answer class
    for cls in ANSWERS.values():
        for name in ENTRY_RENDERINGS:
            assert getattr(cls, name) is not getattr(Answer, name), f"{cls.__name__} does not render {name}"
        assert cls.symbol and cls.legend


def test_answers_from_summary_entries_render_each_kind_in_its_own_words(all_kinds):
    """The console cells, the report's column, the chart's probability and a sweep point's cell of each kind, from
    the summary entry alone (what a results directory or the dashboard holds)."""
    from simulator.answers import Answer
    from simulator.lang.words import day_words

    entries = {e["kind"]: e for e in all_kinds.summary["questions"]}
    assert set(entries) == {"yes/no", "date", "count"}
    yes, date, count = (Answer.of_entry(entries[k]) for k in ("yes/no", "date", "count"))
    e = entries["yes/no"]
    assert yes.cells() == (f"{100 * e['p']:.1f}%", f"[{100 * e['low']:.1f}%, {100 * e['high']:.1f}%]", "")
    assert yes.point_cell() == (e, "") and yes.when_words() == "" and yes.number() == e["p"]
    e = entries["date"]
    assert date.cells()[0] == f"{100 * e['p']:.1f}% by end" and date.point_cell() == (e, e["median"])
    assert date.when_words() == f"median {day_words(e['median'], 'not by end')}"  # '3 May 2023' (issue 25 item 11)
    e = entries["count"]
    assert count.cells() == (f"mean {e['mean']:.2f}", "", f"{e['p10']} / {e['median']} / {e['p90']} times")
    assert count.point_cell() is None and count.number() == e["mean"]  # a count has no probability in a sweep cell
    once = count.as_probability()  # happens at least once, over the runs of its distribution
    assert once["n"] == all_kinds.n_runs and once["yes"] == all_kinds.n_runs - int(e["distribution"].get("0", 0))
    assert not Answer.class_of(e).in_probability and Answer.class_of(entries["date"]).in_probability
    with pytest.raises(KeyError):
        Answer.of_entry({**e, "kind": "yes_no"})  # a kind no question class gives


def test_paired_cells_are_points_or_times_by_kind():
    from simulator.answers import Answer

    row = {"a": 0.5, "b": 0.62, "diff": 0.12, "low": 0.08, "high": 0.16, "kind": "yes/no"}
    assert Answer.class_of(row).paired_cells(row) == ["50.0%", "62.0%", "+12.0 pts", "[+8.0, +16.0]"]
    row = {"a": 6.12, "b": 6.3, "diff": 0.18, "low": 0.1, "high": 0.26, "kind": "count"}
    assert Answer.class_of(row).paired_cells(row) == ["6.12", "6.30", "+0.18 times", "[+0.10, +0.26]"]


# ------------------------------------------------------------------ the event log's vocabulary
def test_every_event_kind_the_engine_logs_is_in_the_vocabulary(all_kinds):
    """``simulator.eventlog`` declares every kind the kernel logs (read from its source) and every kind in a run's
    event log; each has words, and says whose doing it is."""
    import re

    from simulator import eventlog

    kernel = (ROOT / "simulator" / "engine" / "kernel.py").read_text(encoding="utf-8")
    logged = set(re.findall(r'log\("(\w+)"', kernel)) | set(re.findall(r'"(\w+)" if \w+(?:\.\w+)* else "(\w+)"',
                                                                         kernel)[0])
    seen = set(all_kinds.events.column("kind").to_pylist())
    assert seen and logged
    assert logged | seen <= set(eventlog.EVENT_KINDS), (logged | seen) - set(eventlog.EVENT_KINDS)
    assert all(k.meaning and k.meaning != k.name for k in eventlog.EVENT_KINDS.values())
    assert eventlog.of("held").on_calendar("") and not eventlog.of("acted").on_calendar("turkey")
    assert eventlog.of("blocked").on_calendar("") and not eventlog.of("blocked").on_calendar("turkey")
    assert eventlog.of("proposed").on_calendar("calendar:talks") and not eventlog.of("proposed").on_calendar("syria")
    assert eventlog.of("a_plugins_kind").by_actor and "a_plugins_kind" not in eventlog.EVENT_KINDS


def test_event_kinds_select_rows_of_an_events_table(all_kinds):
    from simulator import eventlog

    ev = all_kinds.events.to_pandas()
    assert len(eventlog.HELD.rows(ev)) == int((ev["kind"] == "held").sum()) > 0
    assert len(eventlog.HAPPENED.rows(ev)) == int(ev["kind"].isin(["held", "acted"]).sum())
    assert eventlog.BLOCKED.mask(ev["kind"]).tolist() == (ev["kind"] == "blocked").tolist()


# ------------------------------------------------------------------ every command has its function
# (the README's table against the whole command tree: tests/test_api_commands.py)
def test_results_functions_give_what_the_commands_print(tmp_path):
    """summarize, params and events: the same as ``--json`` of the commands (which call them); report writes the
    page the command writes; an unusable directory is one line (ValueError)."""
    out = tmp_path / "sw"
    res = simulator.run_sweep(SEED_SCENARIO, out, vary=["iran.active=0,1"], runs=6, seed=2)
    assert res.session["outcome"] == "finished" and res.session["new_runs"] == 12
    done = cli("summarize", str(out), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(simulator.summarize(out).to_json())
    done = cli("params", str(SEED_SCENARIO), "--json")
    assert json.loads(done.stdout) == simulator.params(SEED_SCENARIO).as_json()
    log = simulator.events(out, 3, point=1)
    done = cli("events", str(out), "-p", "1", "-r", "3", "--json")
    assert json.loads(done.stdout) == json.loads(json.dumps(log.to_dicts(), default=str))
    assert len(log.sentences()) == len(log.rows) > 0 and not log.stored_differs
    page = simulator.html_report(res, tmp_path / "r.html")
    assert (tmp_path / "r.html").read_text(encoding="utf-8") == page.page and page.charts > 0
    with pytest.raises(ValueError, match=r"^--point: no point 5 in"):
        simulator.events(out, 0, point=5)
    with pytest.raises(ValueError, match=r"^summarize: '.*' has no manifest.json"):
        simulator.summarize(tmp_path)
    with pytest.raises(ValueError, match=r"^--out: '.*' is not empty \(pass --resume"):
        simulator.run_sweep(SEED_SCENARIO, out, vary=["iran.active=0,1"], runs=6, seed=2)
    again = simulator.run_sweep(SEED_SCENARIO, out, vary=["iran.active=0,1"], runs=6, seed=2, resume=True)
    assert again.session == {**again.session, "new_runs": 0, "already": 12, "outcome": "finished"}
    with pytest.raises(ValueError, match=r"^--sample: 'nope' is not one of"):
        simulator.run_sweep(SEED_SCENARIO, tmp_path / "x", sample="nope")


def test_check_model_is_the_commands():
    results = simulator.check_model(SEED_SCENARIO, runs=40, seed=1, only=["no_op_what_if"])
    done = cli("check-model", str(SEED_SCENARIO), "--runs", "40", "--seed", "1", "--only", "no_op_what_if", "--json")
    printed = json.loads(done.stdout)["results"]
    assert [(r["property"], r["status"], r["sentence"]) for r in printed] == [(r.name, r.status, r.sentence)
                                                                             for r in results]
    with pytest.raises(ValueError, match=r"^--only: unknown property 'nope' \(choose from "):
        simulator.check_model(SEED_SCENARIO, only=["nope"])


def test_validate_gives_the_commands_lines():
    files = [SEED_SCENARIO, ROOT / "scenarios" / "cyprus_2026.observed.yaml", ROOT / "scenarios" / "milestone_classes.yaml",
             next((ROOT / "scenarios" / "reference").glob("*.yaml"))]
    done = cli("validate", *map(str, files))
    assert done.returncode == 0, done.stderr
    checked = [simulator.validate(f) for f in files]
    assert done.stdout == "".join(c.words() for c in checked) and done.stdout.splitlines() == [c.summary for c in checked]
    assert [c.kind for c in checked] == ["scenario", "observed outcomes", "milestone classes", "reference class"]
    assert all(c.as_json() == {"path": str(f), "kind": c.kind, "ok": True, "summary": c.summary}
               for c, f in zip(checked, files))
    assert list(checked[0].to_pandas().columns) == ["path", "kind", "ok", "summary"] and str(checked[0]) == (
        checked[0].summary + "\n")
