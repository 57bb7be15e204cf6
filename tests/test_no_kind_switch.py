"""No string switch on a kind outside the kind's own class (issue 26).

A kind of question, milestone, condition, calendar item, reference class, answer or logged event is one class
holding its words and behaviour, and every reader asks that class. A comparison of a ``kind`` string
(``q["kind"] == "date"``, ``m.kind != "unilateral"``, ``entry.get("kind") == "count"``) outside the kinds' own
classes (the scenario language ``simulator/lang/``, and the event log's vocabulary ``simulator/eventlog.py``) is
such a switch: this test greps the code for them.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: the packages searched, and what is left out: the kinds' own classes
SEARCHED = ("simulator", "dashboards")
OWN_CLASSES = ("simulator/lang/", "simulator/eventlog.py")
#: a kind (``x["kind"]``, ``x.get("kind")``, ``kind``, ``x.kind``) compared with a string: ``== "date"``,
#: ``!= 'count'``, ``"soft" == x.kind``, ``in ("blocked", "election")``
_KIND = r"""(?:\[["']kind["']\]|\.get\(["']kind["']\)|\bkind)"""
_TEXT = r"""[rbuf]?["']"""
SWITCH = re.compile(rf"""{_KIND}\s*[!=]=\s*{_TEXT}|["']\s*[!=]=\s*(\w+\.)*kind\b"""
                    rf"""|{_KIND}\s+(?:not\s+)?in\s*[(\[{{]\s*{_TEXT}""")


def kind_switches(root: Path = ROOT) -> list[str]:
    """'file:line: code' for every comparison of a kind string in the searched packages, outside ``lang/``."""
    hits = []
    for package in SEARCHED:
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            if rel.startswith(OWN_CLASSES):
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                code = line.split("#", 1)[0]
                if SWITCH.search(code):
                    hits.append(f"{rel}:{n}: {line.strip()}")
    return hits


def test_the_pattern_finds_every_form_of_a_kind_switch(tmp_path):
    """The grep is not blind: each form of a switch is found, outside ``lang/`` only, and a comment or a word
    merely containing 'kind' is not."""
    pkg = tmp_path / "simulator"
    (pkg / "lang").mkdir(parents=True)
    (tmp_path / "dashboards").mkdir()
    forms = ['if q["kind"] == "date":', "if e['kind'] != 'count':", 'if entry.get("kind") == "count":',
             'if m.kind == "meeting":', 'x = [p for p in ps if p.kind != "hard"]', 'if kind == "blocked":',
             'blocked = ev[(ev.kind == "blocked")]', 'if "soft" == pre.kind:',
             'if e["kind"] in ("blocked", "election") and x:', "if kind not in ['a']:"]
    (pkg / "a.py").write_text("\n".join(forms) + "\n")
    fine = ['kinds = {a: b}', '# if q["kind"] == "date": a comment', 'x = kindness == 3', 'mankind = 1',
            'if q.kind_label:', 'return Answer.class_of(q).cells()', 'if kind_name != "x":',
            'same = a.kind == b.kind', 'if kind != self.kind:', 'if kind in KINDS:']
    (tmp_path / "dashboards" / "b.py").write_text("\n".join(fine) + "\n")
    (pkg / "lang" / "c.py").write_text('if self.kind == "soft":\n')
    (pkg / "eventlog.py").write_text('return kinds == self.name\n')
    hits = kind_switches(tmp_path)
    assert [h.split(":")[1] for h in hits] == [str(n) for n in range(1, len(forms) + 1)]
    assert all(h.startswith("simulator/a.py:") for h in hits)


def test_no_kind_switch_outside_the_kinds_own_classes():
    """A new string switch on a kind anywhere outside the kinds' own classes fails at once."""
    hits = kind_switches()
    assert not hits, ("a string switch on a kind outside its class (ask the kind's class instead):\n"
                      + "\n".join(hits))
