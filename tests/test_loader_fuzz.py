"""Fuzzing the loader: every mutant of a corpus file is accepted, or refused in one-line problems, exit 2.

Mutants of the corpus scenarios (and of some observed-outcomes and reference-class files) are made
with a fixed seed: a value replaced by one of another type (a mapping, a list, a number, a string,
null, a bool) or by another value of the same file, a key deleted, a key duplicated, a YAML tag or an
anchor and alias put in, a line indented differently, a character put in or taken out, the file cut
off at a random point; a quarter of the mutants get several of these at once. ``diplosim validate``
must then either say the file is ok, or print one line per problem, each ``file:line:col: field:
message`` (``file: message`` when no line can be known), and exit with status 2: never a traceback,
never a warning.

The committed test runs 300 mutants in-process (about 20 s of one core); a bigger batch runs offline
with ``python -m tests.test_loader_fuzz N [SEED]``.
"""

from __future__ import annotations

import random
import re
import sys
import warnings
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from simulator.cli import app
from simulator.scenario.loader import ScenarioError, read_yaml, read_yaml_text

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(p for p in (ROOT / "scenarios").glob("*.yaml") if not p.name.endswith(".observed.yaml"))
OBSERVED = sorted((ROOT / "scenarios").glob("*.observed.yaml"))
REFERENCES = sorted((ROOT / "scenarios" / "reference").glob("*.yaml"))  # reference classes: validate reads them too

#: what a wrong-typed value is replaced by
WRONG_VALUES = [{"x": 1}, {"kind": "meeting"}, [1, 2], [], ["a"], 3, -1, 0, 1.5, 1e309, -1e309, float("nan"), 2**70,
                "word", "", "syria", None, True, False, "2023-02-30", "9999-12-31", {"held": "x"}, [{"x": 1}],
                "a" * 200, "\n", -0.0, "start", "end", "election.x.round1", "a.b", "1e3"]
TAGS = ["!!python/object:os.system", "!!python/object/apply:os.system", "!!binary", "!!str", "!!int", "!!float",
        "!!map", "!!seq", "!!set", "!!omap", "!!timestamp", "!custom", "!!null", "!!bool", "!<tag:x,2000:y>"]


def _paths(node, path=()):
    """Every (path, value) of a plain YAML document."""
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*path, i))


def _set(doc, path, value, delete=False):
    node = doc
    for p in path[:-1]:
        node = node[p]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value


def _copy(node):
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    return node


def _dump(doc) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def mutate_data(text: str, data, rng: random.Random) -> str:
    """A structural mutant: a value of another type, a key deleted, or a list emptied (as YAML text)."""
    doc = _copy(data)
    paths = [p for p, _ in _paths(doc) if p]
    path = rng.choice(paths)
    how = rng.random()
    if how < 0.45:
        _set(doc, path, _copy(rng.choice(WRONG_VALUES)))
    elif how < 0.7:  # a value found elsewhere in the same file (an id, a date, a number, a whole block)
        _set(doc, path, _copy(dict(_paths(doc))[rng.choice(paths)]))
    elif how < 0.9:
        _set(doc, path, None, delete=True)
    else:  # a second change elsewhere as well
        _set(doc, path, _copy(rng.choice(WRONG_VALUES)))
        other = [p for p, _ in _paths(doc) if p]
        _set(doc, rng.choice(other), None, delete=True)
    return _dump(doc)


_KEY_LINE = re.compile(r"^(\s*(?:- )?)([A-Za-z_][\w.]*):(.*)$")


def mutate_text(text: str, rng: random.Random) -> str:
    """A textual mutant: a duplicated key, a tag, an anchor and alias, or the file cut off."""
    lines = text.splitlines(keepends=True)
    keyed = [i for i, line in enumerate(lines) if _KEY_LINE.match(line)]
    how = rng.randrange(8)
    if how == 0 and keyed:  # duplicate a key (same indentation, the "- " of a list item becomes spaces)
        i = rng.choice(keyed)
        m = _KEY_LINE.match(lines[i])
        indent = " " * len(m.group(1))
        lines.insert(i + 1, f"{indent}{m.group(2)}: {rng.choice(['1', 'x', '{}', '[]', 'null'])}\n")
    elif how == 1 and keyed:  # a tag before a value
        i = rng.choice(keyed)
        m = _KEY_LINE.match(lines[i])
        rest = m.group(3).strip() or "x"
        lines[i] = f"{m.group(1)}{m.group(2)}: {rng.choice(TAGS)} {rest}\n"
    elif how == 2 and len(keyed) > 1:  # an anchor on one value, an alias to it in place of another
        i, j = sorted(rng.sample(keyed, 2))
        mi, mj = _KEY_LINE.match(lines[i]), _KEY_LINE.match(lines[j])
        lines[i] = f"{mi.group(1)}{mi.group(2)}: &anchor1 {mi.group(3).strip()}\n"
        lines[j] = f"{mj.group(1)}{mj.group(2)}: *anchor1\n"
    elif how == 3 and keyed:  # an alias to nothing, or a merge key
        i = rng.choice(keyed)
        m = _KEY_LINE.match(lines[i])
        lines[i] = rng.choice([f"{m.group(1)}{m.group(2)}: *nowhere\n", f"{m.group(1)}<<: *nowhere\n",
                               f"{m.group(1)}{m.group(2)}: &a [*a]\n"])
    elif how == 4 and keyed:  # a line moved in or out by some spaces, or a tab put in
        i = rng.choice(keyed)
        lines[i] = rng.choice(["  ", " ", "\t", ""]) + (lines[i][rng.choice([1, 2, 4]):] if rng.random() < 0.5
                                                         else lines[i])
    elif how == 5:  # a character put in or taken out at a random point
        cut = rng.randrange(len(text) + 1)
        return text[:cut] + rng.choice(["", ":", "-", "[", "{", "}", "'", '"', "#", "&", "*", "!", "|", ">", "%",
                                        "\x00", "\ufeff", "\u2028"]) + text[cut + rng.choice([0, 1]):]
    else:  # cut off at a random point
        cut = rng.randrange(len(text) + 1)
        return text[:cut]
    return "".join(lines)


def mutants(n: int, seed: int, observed_share: float = 0.1, reference_share: float = 0.05):
    """n (name, original path, mutant text) made with a fixed seed."""
    rng = random.Random(seed)
    cache: dict[Path, tuple[str, object]] = {}
    for k in range(n):
        draw = rng.random()
        pool = OBSERVED if draw < observed_share else REFERENCES if draw < observed_share + reference_share \
            else SCENARIOS
        path = rng.choice(pool)
        if path not in cache:
            cache[path] = (path.read_text(encoding="utf-8"), read_yaml(path)[0])
        text, data = cache[path]
        for step in range(1 if rng.random() < 0.75 else rng.randint(2, 4)):  # a quarter have several changes
            if step:
                try:
                    data = read_yaml_text(text, str(path))[0]
                except ScenarioError:
                    data = None
            text = mutate_data(text, data, rng) if isinstance(data, dict) and rng.random() < 0.6 \
                else mutate_text(text, rng)
        yield f"m{k}", path, text


def workdir(tmp: Path) -> Path:
    """A folder where a mutant finds what the corpus file would: source texts, reference classes and, for an
    observed file, the scenario it names."""
    for name in ("sources", "reference"):
        (tmp / name).symlink_to(ROOT / "scenarios" / name)
    for p in SCENARIOS:
        (tmp / p.name).symlink_to(p)
    return tmp


def check_mutant(runner: CliRunner, file: Path) -> str | None:
    """None if ``validate`` behaves (ok, or one-line problems and exit 2), else what went wrong."""
    with warnings.catch_warnings(record=True) as said:  # a warning would reach the user's stderr over lines
        warnings.simplefilter("always")
        result = runner.invoke(app, ["validate", str(file)])
    if said:
        return f"a warning: {said[0].category.__name__}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        return "".join(traceback.format_exception(result.exception)).strip().splitlines()[-1]
    out, err = result.stdout, result.stderr
    if "Traceback" in out + err:
        return "traceback printed"
    if result.exit_code == 0:
        return None if out.startswith(f"{file}: ok") and not err else f"exit 0 but: {out!r} {err!r}"
    if result.exit_code != 2:
        return f"exit {result.exit_code}: {err!r}"
    lines = err.splitlines()
    pattern = re.compile(rf"^{re.escape(str(file))}(:\d+:\d+)?: \S[^\n]*$")
    if not lines or not err.endswith("\n") or any(not pattern.match(line) for line in lines):
        return f"not one-line problems: {err!r}"
    if len(set(lines)) != len(lines):
        return f"a problem repeated: {err!r}"
    return None


def run_batch(n: int, seed: int, tmp: Path, *, show: bool = False) -> tuple[int, dict[str, list[str]]]:
    """(mutants tried, fault -> mutant files showing it)."""
    runner = CliRunner()
    faults: dict[str, list[str]] = {}
    tried = 0
    for name, original, text in mutants(n, seed):
        suffix = ".observed.yaml" if original.name.endswith(".observed.yaml") else ".yaml"
        file = tmp / f"{name}_{original.name.split('.')[0]}{suffix}"
        if original.parent.name == "reference":  # a reference class's id must match its file name
            (tmp / name).mkdir()
            file = tmp / name / original.name
        file.write_text(text, encoding="utf-8")
        tried += 1
        fault = check_mutant(runner, file)
        if fault is None:
            file.unlink()
        else:
            faults.setdefault(fault, []).append(str(file))
            if show:
                print(f"{file}: {fault}", flush=True)
    return tried, faults


def test_every_mutant_is_accepted_or_refused_in_one_line_problems(tmp_path):
    tried, faults = run_batch(300, seed=20261207, tmp=workdir(tmp_path))
    assert tried == 300
    assert not faults, "\n".join(f"{fault} ({len(files)}x, e.g. {files[0]})" for fault, files in faults.items())


if __name__ == "__main__":  # the offline batch: python -m tests.test_loader_fuzz N [SEED]
    import tempfile

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    tmp = workdir(Path(tempfile.mkdtemp(prefix="diplosim-fuzz-")))
    tried, faults = run_batch(n, seed, tmp, show=True)
    print(f"{tried} mutants tried (seed {seed}), {sum(map(len, faults.values()))} misbehaved, "
          f"{len(faults)} distinct faults; mutants kept in {tmp}")
    for fault, files in sorted(faults.items(), key=lambda kv: -len(kv[1])):
        print(f"{len(files):5d}  {fault}  e.g. {files[0]}")


# faults the fuzzer found, each kept as a regression test: (text in the seed scenario, replacement, expected
# stderr after "<file>:")
FOUND = {
    "a line separator in a key": ("  title: Syria-Turkey", "  ti\u2028tle: Syria-Turkey",
                                  "6:3: metadata.ti\\u2028tle: unknown field (allowed: title, description, "),
    "a string tag on a list": ("  authors: [diplosim project]", "  authors: !!str [diplosim project]",
                               "{line}:3: metadata.authors: YAML tag '!!str' does not fit its value (a list): remove "
                               "the tag"),
    "a string tag on a mapping": ("  as_of: 2023-02-04", "  as_of: !!str {day: 4}",
                                  "{line}:3: metadata.as_of: YAML tag '!!str' does not fit its value (a mapping): "
                                  "remove the tag"),
    "an ordered-map tag": ("  as_of: 2023-02-04", "  as_of: !!omap [{day: 4}]",
                           "{line}:3: metadata.as_of: YAML type '!!omap' is not allowed: write a plain mapping, list "
                           "or value"),
    "a set tag": ("  as_of: 2023-02-04", "  as_of: !!set {day, month}",
                  "{line}:3: metadata.as_of: YAML type '!!set' is not allowed: write a plain mapping, list or value"),
    "a binary tag": ("  title: Syria-Turkey rapprochement before the 2023 Turkish elections",
                     "  title: !!binary U3lyaWEtVHVya2V5", "6:3: metadata.title: YAML type '!!binary' is not "
                     "allowed: write a plain mapping, list or value"),  # it was read as the decoded text
    # found by stacking several mutations: ruamel's warning about an anchor defined twice went to stderr over lines
    "an anchor defined twice": ("  title: Syria-Turkey", "  subtitle: &t x\n  title: &t Syria-Turkey",
                                "7:10: yaml: anchor '&t' is defined twice (first on line 6): give each anchor its "
                                "own name"),
    "an anchor defined twice and a tag that does not fit": (
        "  title: Syria-Turkey", "  subtitle: &t x\n  when: !!bool later\n  title: &t Syria-Turkey",
        "7:9: yaml: YAML tag '!!bool' does not fit its value ('later'): remove the tag"),
}


@pytest.mark.parametrize("case", sorted(FOUND))
def test_faults_the_fuzzer_found_are_one_line(case, tmp_path):
    old, new, expected = FOUND[case]
    seed = ROOT / "scenarios" / "syria_turkey_2023.yaml"
    text = seed.read_text(encoding="utf-8")
    assert text.count(old) == 1, "fixture drifted from the seed scenario"
    line = text[:text.index(old)].count("\n") + 1
    file = workdir(tmp_path) / "s.yaml"
    file.write_text(text.replace(old, new), encoding="utf-8")
    assert check_mutant(CliRunner(), file) is None
    result = CliRunner().invoke(app, ["validate", str(file)])
    assert f"{file}:{expected.format(line=line)}" in result.stderr.splitlines()[-1]  # escaped, on its line
