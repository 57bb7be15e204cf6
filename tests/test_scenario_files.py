"""Files a scenario names (source texts, `defaults:`, reference classes): read only inside the scenario's own
folder tree, only regular files, only up to a size limit; a source text's header is never searched for quotes."""

from __future__ import annotations

import os
import shutil

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.scenario import ScenarioError, load

from .conftest import ROOT, SEED_SCENARIO

SEED_TEXT = SEED_SCENARIO.read_text(encoding="utf-8")
SOURCE = ROOT / "scenarios" / "sources" / "alwatan_2023-02_quartet.txt"
FILE_LINE = "    file: sources/alwatan_2023-02_quartet.txt\n"
QUOTE = "Moscow is trying to arrange a meeting between the Syrian and Turkish foreign ministers"
AT = f"{SEED_TEXT[:SEED_TEXT.index(FILE_LINE)].count(chr(10)) + 1}:5"  # line:column of the source's `file:`


def seed_copy(folder, *, scenario_text: str = SEED_TEXT, source_text: str | None = None):
    """The seed scenario written into ``folder`` with its source text (optionally replaced)."""
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    if source_text is None:
        shutil.copy(SOURCE, folder / "sources")
    else:
        (folder / "sources" / SOURCE.name).write_text(source_text, encoding="utf-8")
    path = folder / "s.yaml"
    path.write_text(scenario_text, encoding="utf-8")
    return path


def validate(path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["validate", str(path)])
    return result.exit_code, result.stderr.splitlines()


def with_source_file(name: str) -> str:
    assert FILE_LINE in SEED_TEXT, "fixture drifted from the seed scenario"
    return SEED_TEXT.replace(FILE_LINE, f"    file: {name}\n", 1)


# ------------------------------------------------------------------ the header of a source text
def header_and_body(separator: str) -> str:
    header, body = SOURCE.read_text(encoding="utf-8").split("\n----\n", 1)
    return f"{header}\n{separator}\n{body}"


def quoting(words: str) -> str:
    return SEED_TEXT.replace(f'quote: "{QUOTE}"', f'quote: "{words}"', 1)


@pytest.mark.parametrize("separator", ["---", "----", "--------------------"])
def test_a_quote_from_the_header_is_refused_whatever_the_dashes(separator, tmp_path):
    header_words = "relayed in English; published in the first week of February 2023"
    assert header_words in SOURCE.read_text(encoding="utf-8").split("----")[0]
    path = seed_copy(tmp_path, scenario_text=quoting(header_words), source_text=header_and_body(separator))
    status, lines = validate(path)
    assert status == 2
    assert len(lines) == 1 and lines[0].endswith("evidence.quote: quote does not occur in the text of source "
                                                 "'alwatan'"), lines


@pytest.mark.parametrize("separator", ["---", "----"])
def test_a_quote_from_the_body_is_found_below_a_three_or_four_dash_line(separator, tmp_path):
    path = seed_copy(tmp_path, source_text=header_and_body(separator))
    assert validate(path) == (0, [])


def test_a_source_text_without_a_separator_is_refused_in_one_line(tmp_path):
    path = seed_copy(tmp_path, source_text=SOURCE.read_text(encoding="utf-8").replace("\n----\n", "\n\n", 1))
    status, lines = validate(path)
    assert status == 2
    assert lines == [f"{path}:{AT}: sources[0].file: source text 'sources/alwatan_2023-02_quartet.txt' has no line "
                     "of dashes ('---') between its header and its body"]


def test_a_leading_dash_line_is_not_the_separator(tmp_path):
    """Front matter (`---`, header, `---`, body): the header between the two lines is still the header."""
    header, body = SOURCE.read_text(encoding="utf-8").split("\n----\n", 1)
    text = f"---\n{header}\n---\n{body}"
    assert validate(seed_copy(tmp_path, source_text=text)) == (0, [])
    header_words = "relayed in English; published in the first week of February 2023"
    status, lines = validate(seed_copy(tmp_path, scenario_text=quoting(header_words), source_text=text))
    assert status == 2 and "quote does not occur" in lines[0]


def test_the_corpus_source_text_still_validates():
    assert validate(SEED_SCENARIO) == (0, [])


# ------------------------------------------------------------------ paths outside the scenario's folder
OUTSIDE = "is outside the scenario's folder (a scenario names only files in its own folder and below)"


@pytest.mark.parametrize("name", ["../../../../../../../../etc/passwd", "/etc/passwd", "../secret.txt",
                                  "../no_such_file.txt", "/no/such/file.txt", "sources/../../secret.txt"])
def test_a_source_outside_the_folder_is_refused_without_saying_whether_it_exists(name, tmp_path):
    (tmp_path / "secret.txt").write_text("header\n---\nMoscow is trying to arrange a meeting between the Syrian "
                                         "and Turkish foreign ministers", encoding="utf-8")
    path = seed_copy(tmp_path / "scenario", scenario_text=with_source_file(name))
    status, lines = validate(path)
    assert status == 2
    assert lines == [f"{path}:{AT}: sources[0].file: '{name}' {OUTSIDE}"]


def test_a_link_out_of_the_folder_is_refused(tmp_path):
    (tmp_path / "secret.txt").write_text("header\n---\nbody", encoding="utf-8")
    path = seed_copy(tmp_path / "scenario")
    os.symlink(tmp_path / "secret.txt", tmp_path / "scenario" / "sources" / "link.txt")
    path.write_text(with_source_file("sources/link.txt"), encoding="utf-8")
    status, lines = validate(path)
    assert status == 2
    assert lines == [f"{path}:{AT}: sources[0].file: 'sources/link.txt' {OUTSIDE}"]


def test_a_link_inside_the_folder_is_followed(tmp_path):
    path = seed_copy(tmp_path)
    os.symlink(tmp_path / "sources" / SOURCE.name, tmp_path / "sources" / "link.txt")
    path.write_text(with_source_file("sources/link.txt"), encoding="utf-8")
    assert validate(path) == (0, [])


def test_a_source_that_is_not_a_regular_file_is_refused(tmp_path):
    path = seed_copy(tmp_path, scenario_text=with_source_file("sources"))
    status, lines = validate(path)
    assert status == 2 and lines == [f"{path}:{AT}: sources[0].file: 'sources' is not a regular file"]
    os.mkfifo(tmp_path / "sources" / "pipe.txt")  # opening a FIFO for reading would wait for a writer for ever
    path.write_text(with_source_file("sources/pipe.txt"), encoding="utf-8")
    status, lines = validate(path)
    assert status == 2 and lines == [f"{path}:{AT}: sources[0].file: 'sources/pipe.txt' is not a regular file"]


def test_a_source_text_larger_than_the_limit_is_refused(tmp_path, monkeypatch):
    from simulator.scenario import files

    monkeypatch.setattr(files, "MAX_SOURCE_TEXT_BYTES", 2048)
    path = seed_copy(tmp_path)
    status, lines = validate(path)
    assert status == 2
    assert lines == [f"{path}:{AT}: sources[0].file: 'sources/alwatan_2023-02_quartet.txt' is larger than the "
                     "2 KB limit for a source text"]


def test_a_configured_extra_root_allows_a_shared_folder(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    shutil.copy(SOURCE, shared)
    path = seed_copy(tmp_path / "scenario", scenario_text=with_source_file(f"../shared/{SOURCE.name}"))
    assert validate(path)[0] == 2
    monkeypatch.setenv("DIPLOSIM_FILE_ROOTS", str(shared))
    assert validate(path) == (0, [])
    absolute = str(shared / SOURCE.name)  # an absolute name is judged by where it lands, like any other
    path.write_text(with_source_file(absolute), encoding="utf-8")
    assert validate(path) == (0, [])
    monkeypatch.delenv("DIPLOSIM_FILE_ROOTS")
    status, lines = validate(path)
    assert status == 2 and lines == [f"{path}:{AT}: sources[0].file: '{absolute}' {OUTSIDE}"]
    monkeypatch.setenv("DIPLOSIM_FILE_ROOTS", str(shared))
    # the extra root is never granted to a caller that asks for the scenario's own folder only (uploads)
    with pytest.raises(ScenarioError, match=OUTSIDE.replace("(", r"\(").replace(")", r"\)")):
        load(path, extra_roots=())


def test_validate_refuses_a_device_or_a_pipe_named_on_the_command_line(tmp_path):
    """The same limits on the command line: a path that is no regular file is one line, never an endless read."""
    import subprocess
    import sys

    os.mkfifo(tmp_path / "pipe.yaml")
    for path in ("/dev/zero", str(tmp_path / "pipe.yaml")):
        done = subprocess.run([sys.executable, "-m", "simulator", "validate", path], capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 2
        assert done.stderr.splitlines() == [f"{path}:0:0: file: '{path}' is not a regular file"]


# ------------------------------------------------------------------ defaults: FILE
def with_defaults(name: str) -> str:
    return SEED_TEXT.replace("\nsources:\n", f"\ndefaults: {name}\n\nsources:\n", 1)


@pytest.mark.parametrize("name", ["/etc/passwd", "../../../../../../../../etc/passwd", "/no/such/file.yaml",
                                  "../cal.yaml"])
def test_a_defaults_file_outside_the_folder_is_refused_without_saying_whether_it_exists(name, tmp_path):
    (tmp_path / "cal.yaml").write_text("calibration_version: 1\nconstants: {}\n", encoding="utf-8")
    path = seed_copy(tmp_path / "scenario", scenario_text=with_defaults(name))
    status, lines = validate(path)
    assert status == 2
    assert len(lines) == 1 and lines[0].endswith(f": defaults: '{name}' {OUTSIDE}"), lines
    assert "no such file" not in lines[0] and "not found" not in lines[0]


def test_a_defaults_file_that_is_not_a_regular_file_or_too_large_is_refused(tmp_path, monkeypatch):
    from simulator.scenario import files

    path = seed_copy(tmp_path, scenario_text=with_defaults("sources"))
    status, lines = validate(path)
    assert status == 2 and len(lines) == 1 and lines[0].endswith(": defaults: 'sources' is not a regular file")
    limit = 64 * 1024  # above the seed scenario's size
    assert len(SEED_TEXT.encode()) < limit - 100
    big = tmp_path / "big.yaml"
    big.write_text("constants: {}\n" + "# padding\n" * (limit // 5), encoding="utf-8")
    monkeypatch.setattr(files, "MAX_YAML_BYTES", limit)
    path.write_text(with_defaults("big.yaml"), encoding="utf-8")
    status, lines = validate(path)
    assert status == 2 and len(lines) == 1 and lines[0].endswith(
        ": defaults: 'big.yaml' is larger than the 64 KB limit for a YAML file"), lines


# ------------------------------------------------------------------ reference classes
def test_a_reference_folder_linked_out_of_the_scenario_folder_is_not_read(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(ROOT / "scenarios" / "reference" / "ceasefire_agreement_fails.yaml", outside / "mine.yaml")
    (outside / "mine.yaml").write_text((outside / "mine.yaml").read_text().replace(
        "id: ceasefire_agreement_fails", "id: mine"), encoding="utf-8")
    folder = tmp_path / "scenario"
    folder.mkdir()
    os.symlink(outside, folder / "reference")
    path = seed_copy(folder)
    from simulator.scenario.loader import find_reference
    from simulator.scenario.reference import ReferenceError_

    with pytest.raises(ReferenceError_, match="unknown reference 'mine'"):
        find_reference("mine", path.parent)
    assert find_reference("ceasefire_agreement_fails", path.parent).id == "ceasefire_agreement_fails"


# ------------------------------------------------------------------ an observed-outcomes file's scenario and forecast
OBSERVED = ("schema_version: 2\nkind: observed\nscenario: {scenario}\nforecast: {forecast}\nresolved_on: 2024-02-01\n"
            "sources:\n  - {{id: r, title: Report, publisher: Wire, date: 2024-01-05}}\n"
            "questions:\n  - {{question: talks_held, answer: true, evidence: [{{source: r, note: The talks met.}}]}}\n")


@pytest.mark.parametrize("field, scenario, forecast", [
    ("scenario", "/etc/passwd", "null"), ("scenario", "../../../../../../../../etc/hostname", "null"),
    ("forecast", "coin.yaml", "/etc/passwd"), ("forecast", "coin.yaml", "../../../../../../../../no/such.json"),
])
def test_an_observed_file_names_only_files_in_its_own_folder(field, scenario, forecast, tmp_path):
    from .synthetic import coin_flip, write

    write(tmp_path, coin_flip(), "coin.yaml")
    path = tmp_path / "coin.observed.yaml"
    path.write_text(OBSERVED.format(scenario=scenario, forecast=forecast), encoding="utf-8")
    status, lines = validate(path)
    line = 3 if field == "scenario" else 4
    assert status == 2
    assert lines == [f"{path}:{line}:1: {field}: '{scenario if field == 'scenario' else forecast}' {OUTSIDE}"]


# ------------------------------------------------------------------ every file of the corpus
def test_every_reference_file_under_scenarios_still_validates():
    """(The corpus scenarios and their observed files: tests/test_validate.py::test_every_corpus_scenario_validates.)"""
    files = sorted((ROOT / "scenarios" / "reference").glob("*.yaml"))
    assert len(files) >= 4
    result = CliRunner().invoke(app, ["validate", *map(str, files)])
    assert result.exit_code == 0, result.output
