"""The import layers of docs/architecture.md hold: no module imports one from a higher layer, and no files import
each other in a circle. The imports are read from the source with ``ast`` (imports inside functions count; those
under ``if TYPE_CHECKING:`` are for type hints only and do not), and the layer map is read from the docs' table,
so the docs and the check cannot drift apart."""

import ast
import re
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("simulator", "dashboards")


def layer_map(text: str) -> list[tuple[str, list[str]]]:
    """(layer, module prefixes) from the table between the layers markers, top layer first."""
    body = text.split("<!-- layers: read by tests/test_architecture.py -->")[1].split("<!-- /layers -->")[0]
    rows = [line.split("|")[1:-1] for line in body.strip().splitlines() if line.startswith("| ")]
    return [(cells[0].strip(), re.findall(r"`([\w.]+)`", cells[1])) for cells in rows[1:]]  # rows[0]: header


def modules(root: Path) -> dict[str, Path]:
    found = {}
    for top in PACKAGES:
        for f in sorted((root / top).rglob("*.py")):
            parts = list(f.relative_to(root).with_suffix("").parts)
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = f
    return found


def _type_checking_only(node) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return test is not None and "TYPE_CHECKING" in ast.unparse(test)


def _imports(tree):
    """Every import node of a module, except those under ``if TYPE_CHECKING:``."""
    todo = [tree]
    while todo:
        node = todo.pop()
        for child in ast.iter_child_nodes(node):
            if _type_checking_only(child):
                todo.extend(child.orelse)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child
            todo.append(child)


def import_edges(root: Path) -> set[tuple[str, str, int]]:
    """(importer, imported, line) for every import of one of our modules by another."""
    mods = modules(root)

    def resolve(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    edges = set()
    for mod, path in mods.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [resolve(a.name) for a in node.names]
            else:
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                targets = [resolve(f"{source}.{a.name}") if f"{source}.{a.name}" in mods else resolve(source)
                           for a in node.names]
            edges |= {(mod, t, node.lineno) for t in targets if t is not None and t != mod}
    return edges


def layer_of(mod: str, layers) -> tuple[int, str] | None:
    """(height, layer name) of the longest prefix naming ``mod`` (the top layer is the highest)."""
    best = None
    for rank, (name, prefixes) in enumerate(layers):
        for p in prefixes:
            if (mod == p or mod.startswith(p + ".")) and (best is None or len(p) > best[0]):
                best = (len(p), len(layers) - rank, name)
    return None if best is None else best[1:]


def upward(edges, layers) -> list[str]:
    out = []
    for a, b, line in sorted(edges):
        la, lb = layer_of(a, layers), layer_of(b, layers)
        if la is not None and lb is not None and la[0] < lb[0]:
            out.append(f"{a} (layer {la[1]}) imports {b} (layer {lb[1]}) at line {line}")
    return out


def circles(edges) -> list[list[str]]:
    graph = nx.DiGraph((a, b) for a, b, _ in edges)
    return [sorted(group) for group in nx.strongly_connected_components(graph) if len(group) > 1]


LAYERS = layer_map((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"))
EDGES = import_edges(ROOT)

#: imports up a layer that other work of this session brought in and that are to go (each closes a circle too);
#: the check holds every other import to the map. Delete an entry when its import is gone.
KNOWN_UP: dict = {}
#: circles within one layer that other work of this session brought in and that are to go
KNOWN_CIRCLE = {
}


def _known(edge) -> bool:
    return edge[:2] in KNOWN_UP or edge[:2] in KNOWN_CIRCLE


def test_the_layer_map_names_every_module():
    unmapped = sorted(m for m in modules(ROOT) if layer_of(m, LAYERS) is None)
    assert not unmapped, f"modules in no layer of docs/architecture.md: {unmapped}"
    assert [name for name, _ in LAYERS][:2] == ["entry", "interfaces"] and LAYERS[-1][0] == "base"


def test_no_module_imports_from_a_higher_layer():
    assert upward({e for e in EDGES if not _known(e)}, LAYERS) == []


def test_no_files_import_each_other_in_a_circle():
    assert circles({e for e in EDGES if not _known(e)}) == []


# ----------------------------------------------------------------------------- the check itself can fail

def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for top in PACKAGES:
        (tmp_path / top).mkdir(exist_ok=True)
    return tmp_path


def test_an_import_up_a_layer_is_found_even_inside_a_function(tmp_path):
    root = _tree(tmp_path, {
        "simulator/__init__.py": "",
        "simulator/lang/__init__.py": "",
        "simulator/lang/words.py": "def f():\n    from ..charts.runs import x\n",
        "simulator/charts/__init__.py": "",
        "simulator/charts/runs.py": "from ..lang import words\nx = 1\n",
    })
    layers = [("charts", ["simulator.charts"]), ("language", ["simulator.lang"])]
    found = upward(import_edges(root), layers)
    assert found == ["simulator.lang.words (layer language) imports simulator.charts.runs (layer charts) at line 2"]


def test_a_circle_is_found_and_type_hints_only_imports_are_not_arrows(tmp_path):
    root = _tree(tmp_path, {
        "simulator/__init__.py": "",
        "simulator/a.py": "import simulator.b\n",
        "simulator/b.py": "from . import c\n",
        "simulator/c.py": "from .a import thing\n",
        "simulator/d.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import thing\n",
    })
    edges = import_edges(root)
    assert circles(edges) == [["simulator.a", "simulator.b", "simulator.c"]]
    assert not any(a == "simulator.d" for a, _, _ in edges)


@pytest.mark.parametrize("table, layers", [
    ("| layer | modules | what |\n|---|---|---|\n| top | `x.a`, `x.b` | ... |\n| low | `x` | ... |\n",
     [("top", ["x.a", "x.b"]), ("low", ["x"])]),
])
def test_the_layer_map_is_read_from_the_docs_table(table, layers):
    text = f"<!-- layers: read by tests/test_architecture.py -->\n{table}<!-- /layers -->"
    assert layer_map(text) == layers
