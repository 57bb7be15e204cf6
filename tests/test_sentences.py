"""Every generated sentence reads as a person would write it (issue 25 item 12), for every corpus scenario: the
labels of its parameters and switches, the switches with their state, the scenario's tables and what every number
rests on, its questions, and the events of a sample of runs with why things were blocked.

A text fails if it holds a dotted id (``turkey.flexibility``), a snake_case token (``deadline_pressure``), a
switch's state glued to its sentence ("meeting on (as in the scenario)"), a doubled word, a signed change written
'+ -', 'None' or 'nan'; a label or an event sentence must start with a capital letter.
"""

from __future__ import annotations

import re

import pytest

from .conftest import CORPUS

DOTTED = re.compile(r"\b[a-z][a-z0-9_]+(?:\.[a-z0-9_]+)+\b")  # turkey.flexibility; not e.g.
SNAKE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")
DOUBLED = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)
FILE = re.compile(r"[\w./-]+\.(?:ya?ml|json|parquet|csv|html|txt|zip)\b")  # a file's name is read and typed as is


def faults(text: str) -> list[str]:
    text = FILE.sub(" ", text)
    found = [f"code name '{m}'" for m in DOTTED.findall(text) + SNAKE.findall(text)]
    found += [f"doubled word '{m.group(0)}'" for m in DOUBLED.finditer(text) if not m.group(1).isdigit()]
    found += [f"'{bad}'" for bad in ("on (as", "+ -", "+-", "None", "nan") if re.search(rf"(?<!\w){re.escape(bad)}"
                                                                                    r"(?!\w)", text)]
    return found


def capitalised(text: str) -> bool:
    first = text.lstrip("“'\"(")[:1]
    return not first.isalpha() or first.isupper()


def sentences(path) -> list[tuple[str, str, bool]]:
    """(where, text, must start with a capital) for the texts the dashboard and the report generate."""
    from dashboards.whatif import toggle_options
    from simulator.charts.scenario import evidence_rows, scenario_tables
    from simulator.charts.words import event_sentence, human_label
    from simulator.compiled import Compiled
    from simulator.layout import EVENT_COLUMNS
    from simulator.runner import run_chunk
    from simulator.scenario import load
    from simulator.scenario.params import iter_parameters

    c = Compiled(load(path).scenario)
    out = []
    for name, _, _ in iter_parameters(c.scenario):
        out.append((f"label of {name}", human_label(name, c), True))
    for option in toggle_options(c, {}) + toggle_options(c, {n["value"]: 0.0 for n in toggle_options(c, {})}):
        label, state = option["label"].children
        out.append((f"switch {option['value']}", f"{label}{state.children}", True))
    for title, _, rows in scenario_tables(c):  # the questions' own text (the author's words) aside
        out += [(f"table {title}", str(cell), False) for row in rows for cell in row[title == "Questions":]]
    for r in evidence_rows(c):  # the quote or the author's note (r["text"]) is the author's own text
        out += [("evidence item", r["item"], False), (f"evidence value of {r['item']}", r["value"], False)]
    for q in c.questions:
        out.append((f"question {q.id}", q.asks(c.words), False))
    _, events = run_chunk(c, 7, [(0, rep) for rep in range(4)])
    seen = set()
    for row in events:
        e = dict(zip(EVENT_COLUMNS, row))
        key = (e["kind"], e["milestone"], e["actor"], e["detail"])
        if key not in seen:
            seen.add(key)
            out.append((f"event {key}", event_sentence(c, e["kind"], e["milestone"], e["actor"], e["detail"],
                                                       e["step"]), True))
    return out


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_generated_sentences_read_as_a_person_would_write_them(path):
    texts = sentences(path)
    assert len(texts) > 40  # a real sample: labels, switches, tables, evidence, questions and events
    assert any(where.startswith("event") for where, _, _ in texts)
    bad = [f"{where}: {text!r}: {', '.join(found)}" for where, text, cap in texts
           for found in [faults(text) + ([] if not cap or capitalised(text) else ["not capitalised"])] if found]
    assert bad == []


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_a_milestones_name_inside_a_sentence_starts_lower_case_unless_a_proper_noun(path):
    """Issue 25 item 12: "... before Both sides accept the pause-for-hostages package". A milestone's name inside a
    generated sentence is lower-cased at its first letter (``lang.words.mid_sentence``) unless its first word is a
    proper noun or an acronym: after 'before' in every text, and after any lower-case word in the labels and
    switches (an event, the tables and the questions may also name it inside a condition's words: not yet)."""
    from simulator.compiled import Compiled
    from simulator.lang.words import mid_sentence
    from simulator.scenario import load

    c = Compiled(load(path).scenario)
    names = {c.words.name(m.id) for m in c.milestones}
    lowered = [n for n in names if mid_sentence(c, n) != n]
    bad = []
    for where, text, _ in sentences(path):
        inside = r"\b[a-z]+ " if where.startswith(("label", "switch")) else r"\bbefore "
        bad += [f"{where}: {text!r}" for n in lowered if re.search(inside + re.escape(n), text)]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("stem, name, inside", [
    ("israel_hamas_truce_2023", "Both sides accept the pause-for-hostages package",
     "both sides accept the pause-for-hostages package"),
    ("israel_hamas_truce_2023", "A batch of hostages exchanged for Palestinian prisoners",
     "a batch of hostages exchanged for Palestinian prisoners"),
    ("syria_turkey_2023", "Foreign ministers", "foreign ministers"),
    ("iran_vienna_2021", "Direct US-Iran talks", "direct US-Iran talks"),
    ("iran_vienna_2021", "Iran returns to the JCPOA's nuclear limits", "Iran returns to the JCPOA's nuclear limits"),
    ("armenia_turkey_2025", "Erdogan visits Armenia", "Erdogan visits Armenia"),  # a name the actors' names hold
    ("gaza_phase2_2026", "Israeli army withdraws from part of the area behind the yellow line",
     "Israeli army withdraws from part of the area behind the yellow line"),  # a word an actor's name starts
])
def test_mid_sentence_keeps_proper_nouns_and_acronyms(stem, name, inside):
    from simulator.compiled import Compiled
    from simulator.lang.words import mid_sentence
    from simulator.scenario import load

    from .conftest import ROOT

    assert mid_sentence(Compiled(load(ROOT / "scenarios" / f"{stem}.yaml").scenario), name) == inside
