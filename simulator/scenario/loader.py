"""Load a scenario file: YAML (with line numbers) -> pydantic -> semantic checks.

Every problem becomes one line ``file:line:col: field.path: message``. YAML is
read into plain maps, lists and scalars only (by libyaml when the file is
ordinary, ``yaml_fast``; otherwise by ruamel's round-trip loader, the reference
reading): a scenario file can never execute code, and any explicit tag is
refused.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .schema import Scenario


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {_one_line(self.field)}: {_one_line(self.message)}"


#: every character that ends a line somewhere (str.splitlines, editors, terminals), written as its escape
_LINE_BREAKS = {ord(c): c.encode("unicode_escape").decode() for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


def _one_line(text) -> str:
    """``text`` on one line: a line break typed in a file shows as its escape (``\\n``, ``\\u2028``)."""
    return str(text).translate(_LINE_BREAKS)


class ScenarioError(Exception):
    """One or more problems in a scenario file; str() gives one line per problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class LoadedScenario:
    scenario: Scenario
    path: Path
    text: str
    locations: dict[tuple, tuple[int, int]]

    @functools.cached_property
    def digest(self) -> str:
        """Hash of the validated content (not the file's bytes): formatting changes don't alter it."""
        return scenario_hash(self.scenario)


def scenario_hash(sc: Scenario) -> str:
    """Hash of what the scenario says; its ``metadata.track`` (which corpus it is filed in) is bookkeeping and
    left out, so marking a scenario's track does not make it look edited."""
    data = sc.model_dump(mode="json")
    data["metadata"].pop("track", None)
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- YAML


_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}


def _plain(node, path: tuple, locs: dict, file: str, problems: list[Problem]):
    """Convert ruamel's round-trip nodes to plain Python, recording (line, col) per path."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    tag = getattr(getattr(node, "tag", None), "value", None)
    if tag is not None and tag not in _PLAIN_TAGS:
        line, col = locs.get(path, (1, 1))
        problems.append(Problem(file, line, col, _dotted(path), f"YAML tag '{tag}' is not allowed"))
        return None
    if type(node) not in (CommentedMap, CommentedSeq) and not isinstance(node, (str, int, float, dt.date)) \
            and node is not None and tag is None:  # !!omap, !!set, !!pairs' tuples, !!binary...: no plain value
        line, col = locs.get(path, (1, 1))
        kind = {"CommentedOrderedMap": "!!omap", "CommentedSet": "!!set", "list": "!!pairs", "bytes": "!!binary"}.get(
            type(node).__name__, type(node).__name__)
        problems.append(Problem(file, line, col, _dotted(path), f"YAML type '{kind}' is not allowed: write a "
                                "plain mapping, list or value"))
        return None
    shape = "map" if isinstance(node, CommentedMap) else "seq" if isinstance(node, CommentedSeq) else None
    if shape is not None and tag is not None and tag != f"tag:yaml.org,2002:{shape}":  # !!str on a list...
        line, col = locs.get(path, (1, 1))
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        problems.append(Problem(file, line, col, _dotted(path), f"YAML tag '{shown}' does not fit its value (a "
                                f"{'mapping' if shape == 'map' else 'list'}): remove the tag"))
        return None
    if isinstance(node, CommentedMap):
        out = {}
        for key in node:
            line, col = node.lc.key(key)
            child = (*path, str(key))
            locs[child] = (line + 1, col + 1)
            out[str(key)] = _plain(node[key], child, locs, file, problems)
        return out
    if isinstance(node, CommentedSeq):
        out = []
        for i, item in enumerate(node):
            line, col = node.lc.item(i)
            child = (*path, i)
            locs[child] = (line + 1, col + 1)
            out.append(_plain(item, child, locs, file, problems))
        return out
    if isinstance(node, dt.datetime):
        return node.date() if node.time() == dt.time() else node
    if hasattr(node, "value") and tag is not None:  # a tagged scalar that resolved to a standard type
        return node.value
    for kind in (str, float, int):  # ruamel's ScalarFloat, FoldedScalarString...: the same value, plain
        if isinstance(node, kind) and type(node) is not kind and not isinstance(node, bool):
            return kind(node)
    return node


def read_yaml(path: Path) -> tuple[object, dict, str]:
    """(plain data, document path -> (line, column), text) of a YAML file: read by libyaml when it takes the
    file (``yaml_fast``, a few milliseconds), else by ruamel (the reference reading, which also words the
    errors). Only a regular file is read, up to ``files.MAX_YAML_BYTES``."""
    from . import files

    file = str(path)
    if not Path(path).exists():
        raise ScenarioError([Problem(file, 0, 0, "file", "no such file")])
    try:
        text = files.read_limited(Path(path), files.MAX_YAML_BYTES, "a YAML file").decode("utf-8")
    except files.FileRefError as exc:
        raise ScenarioError([Problem(file, 0, 0, "file", str(exc))]) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem(file, 0, 0, "file", f"cannot read: {exc}")]) from None
    from .yaml_fast import read

    fast = read(text)
    if fast is not None:
        return *fast, text
    return *read_yaml_text(text, file), text


def read_yaml_text(text: str, file: str) -> tuple[object, dict]:
    """(plain data, document path -> (line, column)) of YAML text, read by ruamel's round-trip parser."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    import warnings

    from ruamel.yaml.error import ReusedAnchorWarning

    yaml = YAML(typ="rt", pure=True)
    try:
        with warnings.catch_warnings(record=True) as said:  # ruamel warns on stderr, over several lines
            warnings.simplefilter("always")
            doc = yaml.load(text)
        for w in said:
            if issubclass(w.category, ReusedAnchorWarning):
                raise ScenarioError([_reused_anchor(text, file)])
            raise ScenarioError([Problem(file, 1, 1, "yaml", " ".join(str(w.message).split()))])
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        msg = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise ScenarioError([Problem(file, line, col, "yaml", msg)]) from None
    except YAMLError as exc:
        raise ScenarioError([Problem(file, 1, 1, "yaml", " ".join(str(exc).split()))]) from None
    except ScenarioError:
        raise
    except Exception as exc:  # noqa: BLE001 - ruamel's constructors raise anything on a tag that does not fit
        raise ScenarioError([_misfit_tag(text, file, exc)]) from None
    locs: dict[tuple, tuple[int, int]] = {(): (1, 1)}
    problems: list[Problem] = []
    data = _plain(doc, (), locs, file, problems)
    if problems:
        raise ScenarioError(problems)
    return data, locs


def _reused_anchor(text: str, file: str) -> Problem:
    """The problem of an anchor defined twice (YAML lets the second hide the first: an alias would silently
    take the later value): at the second definition."""
    from ruamel.yaml import YAML
    from ruamel.yaml.events import AliasEvent

    first: dict[str, int] = {}
    for event in YAML(typ="rt", pure=True).parse(text):
        anchor = getattr(event, "anchor", None)
        if anchor is None or isinstance(event, AliasEvent):
            continue
        mark = event.start_mark
        if anchor in first:
            return Problem(file, mark.line + 1, mark.column + 1, "yaml", f"anchor '&{anchor}' is defined twice "
                           f"(first on line {first[anchor]}): give each anchor its own name")
        first[anchor] = mark.line + 1
    return Problem(file, 1, 1, "yaml", "an anchor is defined twice: give each anchor its own name")


def _misfit_tag(text: str, file: str, exc: Exception) -> Problem:
    """The problem of a document ruamel could parse but not construct: an explicit tag that does not fit its
    node (``!!int`` on a word, ``!!set`` on a scalar, ``!!binary`` on text that is not base64...), found by
    composing the document again and comparing each node's tag with the one YAML would give it."""
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    import warnings

    yaml = YAML(typ="rt", pure=True)
    implicit = {MappingNode: "tag:yaml.org,2002:map", SequenceNode: "tag:yaml.org,2002:seq"}
    with warnings.catch_warnings():  # an anchor defined twice as well: the tag is the problem reported here
        warnings.simplefilter("ignore")
        stack = [yaml.compose(text)]
    seen = set()
    while stack:
        node = stack.pop()  # depth first, in document order
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        tag = str(getattr(node.tag, "value", node.tag))
        plain = getattr(node, "style", None) in (None, "")  # quoted, literal or folded: a string
        want = (yaml.resolver.resolve(ScalarNode, node.value, (plain, not plain)) if isinstance(node, ScalarNode)
                else implicit.get(type(node)))
        want = str(getattr(want, "value", want))
        if tag != want:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            what = repr(node.value) if isinstance(node, ScalarNode) else "a " + ("mapping" if isinstance(
                node, MappingNode) else "list")
            return Problem(file, node.start_mark.line + 1, node.start_mark.column + 1, "yaml",
                           f"YAML tag '{shown}' does not fit its value ({what}): remove the tag")
        if isinstance(node, MappingNode):
            stack.extend(reversed([x for pair in node.value for x in pair]))
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
    return Problem(file, 1, 1, "yaml", f"cannot read the YAML: {' '.join(str(exc).split())}")


# --------------------------------------------------------------------------- errors


def _dotted(path) -> str:
    from .semantics import field_path  # the lower module holds it (semantics is imported lazily here: start-up)

    return field_path(path)


def locate(path: tuple, locs: dict) -> tuple[int, int]:
    """The (line, col) of the deepest existing prefix of ``path``."""
    for n in range(len(path), -1, -1):
        if path[:n] in locs:
            return locs[path[:n]]
    return (1, 1)


def _data_path(loc: tuple, data) -> tuple:
    """Drop pydantic's union-member tags from an error location, keeping real keys/indices."""
    out, node = [], data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            out.append(part)
            node = node[part]
        elif i == len(loc) - 1 and isinstance(part, str) and part[:1].islower() and "[" not in part:
            out.append(part)  # a missing or extra field: keep it in the path
            node = None
        # else: a union tag such as 'Meeting' or 'date' -> skip
    return tuple(out)


def allowed_fields(root, loc: tuple) -> list[str]:
    """The field names allowed where an unknown field was found, following the error's location from ``root``."""
    import typing

    from pydantic import BaseModel, RootModel

    def members(tp):
        if isinstance(tp, type) and issubclass(tp, RootModel):  # a model that is one value (lang.pace.Pace)
            return members(tp.model_fields["root"].annotation)
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            return members(typing.get_args(tp)[0])
        if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            return [m for a in typing.get_args(tp) for m in members(a)]
        return [tp]

    current = [root]
    for part in loc[:-1]:
        nxt = []
        for tp in current:
            origin = typing.get_origin(tp)
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                field = tp.model_fields.get(part) or next(
                    (f for f in tp.model_fields.values() if f.alias == part), None)
                if field is not None:
                    nxt.extend(members(field.annotation))
                elif any(getattr(m, "key", None) == part or getattr(m, "__name__", None) == part for m in [tp]):
                    nxt.append(tp)
            elif origin in (list, tuple) and isinstance(part, int):
                nxt.extend(m for a in typing.get_args(tp) if a is not Ellipsis for m in members(a))
            elif origin is dict:
                nxt.extend(members(typing.get_args(tp)[1]))
            else:
                nxt.append(tp)
        tagged = [t for t in nxt if getattr(t, "__name__", None) == part or getattr(t, "key", None) == part]
        current = tagged or [t for t in nxt if not (isinstance(part, str) and typing.get_origin(t) is None
                                                    and not isinstance(t, type))]
        current = [m for t in current for m in members(t)]
    models = [t for t in current if isinstance(t, type) and issubclass(t, BaseModel)]
    if len(models) != 1:
        return []
    return [f.alias or name for name, f in models[0].model_fields.items() if not f.exclude]


def _named(path: tuple, data) -> str | None:
    """The item at ``path`` named for people: by the id of the innermost item with one (a milestone, an actor,
    an event...), followed by the keys below it as a dotted parameter name is (``syria.flexibility``,
    ``fm_meeting.stakes``); None if no item on the way has an id."""
    node, named, rest = data, None, []
    for part in path:
        node = node[part] if isinstance(node, (dict, list)) else None
        ident = node.get("id") if isinstance(node, dict) else None
        if isinstance(ident, str):
            named, rest = ident, []
        elif named is not None and part != "params":
            rest.append(f"[{part}]" if isinstance(part, int) else str(part))
    return None if named is None else ".".join([named, *rest]).replace(".[", "[")


def _pydantic_problems(exc: ValidationError, data, locs: dict, file: str, root=None) -> list[Problem]:
    merged: dict[tuple, list[str]] = {}
    for err in exc.errors(include_url=False):
        path = _data_path(tuple(err["loc"]), data)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            allowed = allowed_fields(root, tuple(err["loc"]))
            msg = "unknown field" + (f" (allowed: {', '.join(allowed)})" if allowed else "")
        elif err["type"] == "missing":
            msg = "required field missing"
        elif isinstance(err.get("input"), (str, int, float)) and not isinstance(err.get("input"), bool):
            msg = f"{msg} (got {err['input']!r})"  # repr: quoted, and a newline stays on one line
        if msg.startswith("give exactly one of 'evidence'"):
            named = _named(path, data)
            msg = f"{msg} (for '{named}')" if named else msg
        bucket = merged.setdefault(path, [])
        if msg not in bucket:
            bucket.append(msg)
    problems = []
    for path, msgs in merged.items():
        line, col = locate(path, locs)
        problems.append(Problem(file, line, col, _dotted(path), "; or ".join(msgs)))
    return sorted(problems, key=lambda p: (p.line, p.col))


def load_document(path: str | Path, model_cls, what: str = "a scenario"):
    """Read a YAML file into a pydantic model; returns (object, locations, text) or raises ScenarioError."""
    path = Path(path)
    data, locs, text = read_yaml(path)
    file = str(path)
    if not isinstance(data, dict):
        raise ScenarioError([Problem(file, 1, 1, "(document)", f"{what} is a YAML mapping")])
    try:
        return model_cls.model_validate(data), locs, text
    except ValidationError as exc:
        raise ScenarioError(_pydantic_problems(exc, data, locs, file, model_cls)) from None


def problems_at(path: Path, locs: dict, found: list[tuple[tuple, str]]) -> ScenarioError:
    """Semantic problems (document path, message) as a ScenarioError with line numbers."""
    problems = [Problem(str(path), *locate(p, locs), _dotted(p), m) for p, m in found]
    return ScenarioError(sorted(problems, key=lambda p: (p.line, p.col)))


def load_scenario_document(path: Path):
    """Read a scenario file of either schema version; a version-1 file is checked as such, then converted."""
    data, locs, text = read_yaml(path)
    file = str(path)
    if not isinstance(data, dict):
        raise ScenarioError([Problem(file, 1, 1, "(document)", "a scenario is a YAML mapping")])
    if data.get("schema_version") == 1:
        from .migrate import migrate
        from .schema_v1 import Scenario as ScenarioV1

        try:
            ScenarioV1.model_validate(data)
        except ValidationError as exc:
            raise ScenarioError(_pydantic_problems(exc, data, locs, file, ScenarioV1)) from None
        data = migrate(data)
    elif data.get("schema_version") not in (2, 3):
        line, col = locs.get(("schema_version",), (1, 1))
        raise ScenarioError([Problem(file, line, col, "schema_version",
                                     f"must be 3 (or 2 or 1 for an older file), got {data.get('schema_version')!r}")])
    try:
        return Scenario.model_validate(data), locs, text
    except ValidationError as exc:
        raise ScenarioError(_pydantic_problems(exc, data, locs, file, Scenario)) from None


def load(path: str | Path, *, check_sources: bool = True, extra_roots: tuple | None = None) -> LoadedScenario:
    """Load and fully validate a scenario; raise ScenarioError listing every problem.

    The files it names are read only inside its folder's tree and ``extra_roots`` (by default the roots of
    ``DIPLOSIM_FILE_ROOTS``; ``()`` for none, as for an uploaded scenario): ``files.Folder``."""
    path = Path(path)
    sc, locs, text = load_scenario_document(path)
    from .files import Folder
    from .reference import resolve_all
    from .semantics import allowed_ranges, check

    folder = Folder.of(path, extra_roots)

    if any(True for _ in _awaiting(sc)):  # numbers named by a reference class: put them in first
        from .params import iter_parameters, parameter_units

        units = parameter_units(sc)
        by_path = {ppath: units[name] for name, _, ppath in iter_parameters(sc) if name in units}
        sc, found = resolve_all(sc, lambda ident: find_reference(ident, path.parent, folder),
                                allowed_ranges(sc, path.parent), by_path)
        if found:
            raise problems_at(path, locs, found)
    found = check(sc, path.parent, check_sources=check_sources, folder=folder)
    if found:
        raise problems_at(path, locs, found)
    if sc.defaults is not None and sc.defaults.constants is None:  # `defaults: FILE` -> its constants
        sc = resolve_defaults(sc, path, locs, folder)
    return LoadedScenario(sc, path, text, locs)


def load_calibration(path: str | Path):
    """Read and check a calibration file (YAML or JSON, ``scenario/defaults.py``); ScenarioError, one line each."""
    from .defaults import CalibrationFile, problems

    path = Path(path)
    if not path.is_file():
        raise ScenarioError([Problem(str(path), 1, 1, "(file)", "calibration file not found")])
    cal, locs, _ = load_document(path, CalibrationFile, "a calibration file")
    found = problems(cal)
    if found:
        raise problems_at(path, locs, found)
    return cal


def resolve_defaults(sc: Scenario, scenario_path: Path, locs: dict, folder=None) -> Scenario:
    """The scenario with its ``defaults: FILE`` read: the file's constants kept in the scenario. The file must be
    inside the scenario's ``folder`` (``files.Folder``), a regular file, within the size limit for YAML."""
    from .files import FileRefError, Folder
    from .schema import Defaults

    folder = Folder.of(scenario_path) if folder is None else folder
    try:
        file = folder.path(sc.defaults.file)
        if not file.exists():
            raise FileRefError(f"calibration file '{sc.defaults.file}' not found (relative to the scenario)")
        if not file.is_file():
            raise FileRefError(f"'{sc.defaults.file}' is not a regular file")
    except FileRefError as exc:
        line, col = locate(("defaults",), locs)
        raise ScenarioError([Problem(str(scenario_path), line, col, "defaults", str(exc))]) from None
    try:
        cal = load_calibration(file)
    except ScenarioError as exc:  # a file over the limit: named as the scenario names it, at `defaults`
        if len(exc.problems) == 1 and exc.problems[0].field == "file" and "limit" in exc.problems[0].message:
            line, col = locate(("defaults",), locs)
            raise ScenarioError([Problem(str(scenario_path), line, col, "defaults", exc.problems[0].message.replace(
                f"'{file}'", f"'{sc.defaults.file}'"))]) from None
        raise
    return sc.model_copy(update={"defaults": Defaults(file=sc.defaults.file, constants=dict(cal.constants))})


def load_scenario(path: str | Path) -> Scenario:
    return load(path).scenario


def _awaiting(sc):
    """The parameters that name a reference class (document order)."""
    from .semantics import walk_params

    return (p for _, p in walk_params(sc) if p.from_reference is not None)


# --------------------------------------------------------------------------- reference classes

REFERENCE_LIBRARY = Path(__file__).resolve().parents[2] / "scenarios" / "reference"


def read_reference(path: Path):
    """Load one reference-class file (``reference.ReferenceClass``); raise ScenarioError, one line per problem."""
    from .reference import ReferenceClass

    path = Path(path)
    ref, locs, _ = load_document(path, ReferenceClass, "a reference class")
    found = ref.problems()
    if ref.id != path.stem:
        found.insert(0, (("id",), f"'{ref.id}' must match the file name ('{path.stem}')"))
    if found:
        raise problems_at(path, locs, found)
    return ref


def is_reference_file(path: Path) -> bool:
    """True for a file that declares ``reference_version`` (a reference class, not a scenario)."""
    from . import files

    try:  # a regular file within the YAML limit only: never a device or a pipe that would not end
        head = files.read_limited(Path(path), files.MAX_YAML_BYTES, "a YAML file")[:4000].decode("utf-8", "replace")
    except files.FileRefError:
        return False
    return any(line.startswith("reference_version:") for line in head.splitlines())


def reference_folders(base_dir: Path) -> list[Path]:
    """Where references are looked up: ``reference/`` next to the scenario, then the project's library."""
    out = [Path(base_dir) / "reference", REFERENCE_LIBRARY]
    return [p for i, p in enumerate(out) if p.resolve() not in [q.resolve() for q in out[:i]]]


@functools.lru_cache(maxsize=256)
def _reference_at(path: Path, mtime: float):
    try:
        return read_reference(path)
    except ScenarioError as exc:
        return str(exc.problems[0])


def find_reference(ident: str, base_dir: Path, folder=None):
    """The reference class ``ident`` (raises ``reference.ReferenceError_`` with one line). A file in the
    scenario's ``reference/`` folder counts only if it lies, links followed, inside the scenario's ``folder``
    (``files.Folder``; by default ``base_dir``'s tree); the project's library is always read."""
    from .files import Folder
    from .reference import ReferenceError_

    folder = Folder.at(base_dir) if folder is None else folder
    library = Folder(REFERENCE_LIBRARY.resolve())

    def usable(path: Path) -> bool:
        resolved = path.resolve()
        return (folder.inside(resolved) or library.inside(resolved)) and resolved.is_file()

    for where in reference_folders(base_dir):
        path = where / f"{ident}.yaml"
        if usable(path):
            found = _reference_at(path.resolve(), path.stat().st_mtime)
            if isinstance(found, str):
                raise ReferenceError_(f"reference '{ident}' is not a valid reference file: {found}")
            return found
    known = sorted({p.stem for f in reference_folders(base_dir) if f.is_dir() for p in f.glob("*.yaml") if usable(p)})
    raise ReferenceError_(f"unknown reference '{ident}' (known: {', '.join(known) or 'none'})")
