"""The outside-view dataset: dated, sourced negotiation milestones ("spells"), one YAML file per negotiation in
``timelines/``. A spell runs from the day a step became possible (its class's gate, ``classes.py``) to the day it
happened, or is censored on the last day known without it; later work counts how often and how fast each class
of step happened (survival analysis).

Reading and checking reuse the scenario loader: YAML with line numbers (``scenario.loader.read_yaml``), strict
pydantic models, and one line per problem, ``file:line:col: field: message`` (``ScenarioError``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from ..lang.base import Id, Strict
from ..scenario.loader import Problem, ScenarioError, load_document, problems_at
from .classes import CLASSES, known_class

from ..lang.class_curves import CORPUS, TIMELINES  # noqa: F401 - the folders the curves are counted from, said once
#: No spell may know anything after this day (the blind track record starts in 2025).
LAST_DATE = dt.date(2024, 12, 31)
#: What the dataset aims at (dataset.md): negotiations, spells, classes with at least ``per_class`` spells.
TARGETS = {"negotiations": 40, "spells": 300, "classes": 12, "per_class": 15}

Region = Literal["middle_east", "africa", "europe", "asia", "americas", "oceania", "global"]
Kind = Literal["interstate_peace", "civil_war", "normalisation", "territorial", "nuclear_arms", "hostage_prisoner",
               "trade_economic", "political_transition"]


def _date(v):
    """A day: an unquoted YAML date or a quoted ISO ``YYYY-MM-DD``; a bare year or month is refused (not a day)."""
    if isinstance(v, dt.datetime):
        raise ValueError("give a day (YYYY-MM-DD) without a time")
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", v):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            raise ValueError(f"'{v}' is not a calendar day") from None
    raise ValueError("a day YYYY-MM-DD is needed (a month alone: use the 15th and approx: month; a year alone: "
                     "leave the spell out)")


def _published(v):
    """A publication date: a day, or a month (``YYYY-MM``) or a year when the source gives no more."""
    if isinstance(v, int) and not isinstance(v, bool) and 1000 <= v <= 9999:
        return str(v)
    if isinstance(v, str) and re.fullmatch(r"[0-9]{4}(-[0-9]{2})?", v):
        return v
    return _date(v)


Day = Annotated[dt.date, BeforeValidator(_date)]
Published = Annotated[dt.date | str, BeforeValidator(_published)]
Words = Annotated[str, Field(min_length=4)]
Name = Annotated[str, Field(min_length=2)]  # a party, a publisher: "UN", "CNN"


class Period(Strict):
    start: Day
    end: Day


class Source(Strict):
    """A bibliographic record; ``note`` says in our own words what it establishes."""

    id: Id
    title: Words
    author: str | None = None
    publisher: Name
    date: Published | None = None
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    note: Annotated[str, Field(min_length=12)]


class Spell(Strict):
    """One milestone: possible from ``possible``; ``happened`` on a day, or ``censored`` (still not) on a day."""

    id: Id
    class_: Annotated[str, AfterValidator(known_class)] = Field(alias="class")
    what: Words
    possible: Day
    possible_because: Words
    happened: Day | None = None
    censored: Day | None = None
    approx: Literal["month"] | None = None
    sources: list[Id] = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _one_end(self):
        if (self.happened is None) == (self.censored is None):
            raise ValueError("give exactly one of 'happened' (the day it happened) or 'censored' (the last day "
                             "known without it)")
        return self

    @property
    def end(self) -> dt.date:
        return self.happened or self.censored

    @property
    def event(self) -> bool:
        return self.happened is not None


class Negotiation(Strict):
    id: Id
    title: Words
    region: Region
    kind: Kind
    parties: list[Name] = Field(min_length=2)
    mediators: list[Name] = []
    period: Period
    sources: list[Source] = Field(min_length=1)
    spells: list[Spell] = Field(min_length=1)

    def problems(self, stem: str) -> list[tuple[tuple, str]]:
        """(document path, message) of every problem the models alone cannot see."""
        found: list[tuple[tuple, str]] = []
        if self.id != stem:
            found.append((("id",), f"'{self.id}' must match the file name ('{stem}.yaml')"))
        p = self.period
        if p.start > p.end:
            found.append((("period", "end"), f"{p.end} is before the start ({p.start})"))
        if p.end > LAST_DATE:
            found.append((("period", "end"), f"{p.end} is after {LAST_DATE} (end the period there at the latest)"))
        found += _duplicates([s.id for s in self.sources], "sources", "source")
        found += _duplicates([s.id for s in self.spells], "spells", "spell")
        known = {s.id for s in self.sources}
        for i, s in enumerate(self.spells):
            at = ("spells", i)
            for name in ("possible", "happened", "censored"):
                day = getattr(s, name)
                if day is None:
                    continue
                if day > LAST_DATE:
                    found.append(((*at, name), f"{day} is after {LAST_DATE}: the dataset must not know it "
                                  f"(censor the spell on {LAST_DATE} at the latest)"))
                elif not p.start <= day <= p.end:
                    found.append(((*at, name), f"{day} is outside the period ({p.start} to {p.end})"))
            end_name = "happened" if s.happened is not None else "censored"
            if s.possible > s.end:
                found.append(((*at, end_name), f"{s.end} is before the day it became possible ({s.possible})"))
            if s.approx == "month" and 15 not in (s.possible.day, s.end.day):
                found.append(((*at, "approx"), "approx: month marks a day put on the 15th for a month alone, "
                              "but neither date is a 15th"))
            for j, ref in enumerate(s.sources):
                if ref not in known:
                    found.append(((*at, "sources", j), f"unknown source '{ref}' (sources of this file: "
                                  f"{', '.join(sorted(known))})"))
        rule = left_out(self)
        if rule is not None:
            found.append((("parties",), f"{rule.what} is on the leave-out list (kept aside for independent "
                          "checks): do not record it"))
        return found


def _duplicates(ids: list[str], where: str, what: str) -> list[tuple[tuple, str]]:
    seen: set[str] = set()
    out = []
    for i, ident in enumerate(ids):
        if ident in seen:
            out.append(((where, i, "id"), f"{what} id '{ident}' is used twice"))
        seen.add(ident)
    return out


# --------------------------------------------------------------------------- the leave-out list


@dataclass(frozen=True)
class LeftOut:
    """A negotiation kept out of the dataset: every group of ``parties`` (regular expressions) names a party or
    mediator, and the negotiation's period overlaps ``start``..``end`` (any time when not given)."""

    what: str
    parties: tuple[str, ...]
    start: dt.date | None = None
    end: dt.date | None = None
    kind: str | None = None
    corpus: bool = False  # a negotiation of the scenario corpus: its spells come from its replay, not a timeline

    def matches(self, neg: Negotiation) -> bool:
        return self.matches_names([*neg.parties, *neg.mediators], neg.period.start, neg.period.end, neg.kind)

    def matches_names(self, names, start: dt.date, end: dt.date, kind: str | None) -> bool:
        """Do parties and mediators called ``names``, negotiating from ``start`` to ``end``, fall under it?"""
        if self.kind is not None and kind != self.kind:
            return False
        if self.start is not None and end < self.start:
            return False
        if self.end is not None and start > self.end:
            return False
        names = [n.lower() for n in names]
        return all(any(re.search(rf"\b(?:{group})\b", n) for n in names) for group in self.parties)


_D = dt.date
_SUDAN = r"(?<!south )sudan(?:ese)?"
_TURKEY = r"turkey|türkiye|turkiye|turkish"
LEFT_OUT = (
    LeftOut("Saudi Arabia–Iran 2021–23", (r"saudi(?: arabia)?", r"iran"), _D(2021, 1, 1), _D(2023, 12, 31)),
    LeftOut("Ethiopia–TPLF 2022–23", (r"ethiopia(?:n)?", r"tplf|tigray(?:an)?"), _D(2022, 1, 1), _D(2023, 12, 31)),
    LeftOut("Armenia–Azerbaijan (avoided altogether)", (r"armenia(?:n)?", r"azerbaijan(?:i)?")),
    LeftOut("Pakistan–Afghanistan (Taliban government) talks", (r"pakistan", r"afghanistan|afghan|taliban"),
            _D(2021, 8, 15)),
    LeftOut("Russia–Ukraine (avoided altogether)", (r"russia(?:n federation)?|russian", r"ukraine|ukrainian")),
    LeftOut("DR Congo–Rwanda and DR Congo–M23 (avoided altogether)",
            (r"dr ?congo|drc|democratic republic of (?:the )?congo|congo-kinshasa", r"rwanda|m23")),
    LeftOut("Sudan 2023–26 (avoided altogether)", (_SUDAN,), _D(2023, 1, 1)),
    LeftOut("the Syria–Turkey rapprochement 2022–23 (in the scenario corpus)", (r"syria(?:n)?", _TURKEY),
            _D(2022, 1, 1), _D(2023, 12, 31), corpus=True),
    LeftOut("Colombia–ELN 2022– (in the scenario corpus)",
            (r"colombia(?:n)?", r"eln|national liberation army|ejército de liberación nacional"), _D(2022, 1, 1),
            corpus=True),
    LeftOut("the Iran nuclear Vienna talks 2021–22 (in the scenario corpus)",
            (r"iran", r"united states|usa|us|p5\+1|e3|eu|european union|united kingdom|uk|france|germany|china"),
            _D(2021, 4, 1), _D(2022, 12, 31), kind="nuclear_arms", corpus=True),
    LeftOut("Israel–Hamas talks from October 2023 (the November 2023 truce is in the scenario corpus)",
            (r"israel", r"hamas"), _D(2023, 10, 7), corpus=True),
    LeftOut("the Israel–Lebanon maritime talks 2020–22 (in the scenario corpus)", (r"israel", r"lebanon"),
            _D(2020, 10, 1), _D(2022, 12, 31), corpus=True),
    LeftOut("the Abraham Accords normalisations 2020 (in the scenario corpus)",
            (r"israel", rf"uae|united arab emirates|emirates|bahrain|morocco|{_SUDAN}"), _D(2020, 1, 1),
            _D(2021, 12, 31), corpus=True),
    LeftOut("Finland/Sweden NATO accession and Turkey 2022–24 (in the scenario corpus)",
            (r"finland|sweden", rf"{_TURKEY}|nato"), _D(2022, 1, 1), _D(2024, 12, 31), corpus=True),
    LeftOut("the EU-facilitated Serbia–Kosovo round of 2023 (in the scenario corpus)", (r"serbia", r"kosovo"),
            _D(2022, 9, 1), _D(2024, 12, 31), corpus=True),
    LeftOut("the South Sudan revitalised agreement (R-ARCSS, IGAD) 2018 (in the scenario corpus)",
            (r"south sudan|splm-io|splm/a-io",), _D(2017, 6, 1), _D(2020, 12, 31), corpus=True),
    LeftOut("the US–Taliban Doha talks 2018–20 (in the scenario corpus)",
            (r"united states|usa|us", r"taliban"), _D(2018, 1, 1), _D(2021, 12, 31), corpus=True),
)


def left_out(neg: Negotiation) -> LeftOut | None:
    """The leave-out rule this negotiation falls under, or None."""
    title = f"{neg.id} {neg.title}".lower()
    if re.search(r"grain (?:deal|initiative|corridor)", title):
        return LeftOut("the Black Sea grain deal 2022–23 (in the scenario corpus)", (), corpus=True)
    return next((rule for rule in LEFT_OUT if rule.matches(neg)), None)


def scenario_left_out(sc) -> LeftOut | None:
    """The rule of the leave-out list that keeps a corpus scenario's spells out of the class curves, or None: a rule
    for independent checks (not one that only keeps the corpus's own negotiations out of the timelines) that its
    actors (names) and calendar (start to end) fall under. Scenarios say no kind, so rules for one kind do not
    apply."""
    if re.search(r"grain (?:deal|initiative|corridor)", sc.metadata.title.lower()):
        return None  # the Black Sea grain deal, in the corpus (its actors are Russia and Ukraine)
    names = [a.name for a in sc.actors]
    return next((rule for rule in LEFT_OUT if not rule.corpus
                 and rule.matches_names(names, sc.calendar.start, sc.calendar.end, None)), None)


# --------------------------------------------------------------------------- reading


def read_negotiation(path: str | Path) -> Negotiation:
    """One timeline file, fully checked; raises ScenarioError (one line per problem)."""
    path = Path(path)
    neg, locs, _ = load_document(path, Negotiation, "a negotiation timeline")
    found = neg.problems(path.stem)
    if found:
        raise problems_at(path, locs, found)
    return neg


def check_folder(folder: str | Path | None = None) -> tuple[list[Negotiation], list[Problem]]:
    """Every timeline of ``folder`` (default: the packaged ``timelines/``) that validates, and every problem."""
    folder = Path(folder) if folder is not None else TIMELINES
    if not folder.is_dir():
        return [], [Problem(str(folder), 0, 0, "folder", "no such folder")]
    good: list[Negotiation] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            good.append(read_negotiation(path))
        except ScenarioError as exc:
            problems += exc.problems
    return good, problems


def load_dataset(folder: str | Path | None = None) -> list[Negotiation]:
    """All negotiations of ``folder`` (default: the packaged timelines); raises ScenarioError if any file is bad."""
    good, problems = check_folder(folder)
    if problems:
        raise ScenarioError(problems)
    return good


# --------------------------------------------------------------------------- tables

COLUMNS = ("negotiation", "spell", "region", "kind", "class", "possible", "happened", "censored", "duration_days",
           "event", "approx", "sources")


def spell_rows(negotiations: list[Negotiation]) -> list[dict]:
    """One dict per spell (``COLUMNS``): duration in days from possible to happened (or censored)."""
    return [{"negotiation": n.id, "spell": s.id, "region": n.region, "kind": n.kind, "class": s.class_,
             "possible": s.possible, "happened": s.happened, "censored": s.censored,
             "duration_days": (s.end - s.possible).days, "event": s.event, "approx": s.approx,
             "sources": list(s.sources)}
            for n in negotiations for s in n.spells]


def to_arrow(negotiations: list[Negotiation] | None = None):
    """The spells as an Arrow table (dates as date32, ``sources`` a list of the file's source ids)."""
    return rows_to_arrow(spell_rows(load_dataset() if negotiations is None else negotiations))


def rows_to_arrow(rows: list[dict]):
    """Spell rows (``COLUMNS``) as an Arrow table with the dataset's column types."""
    import pyarrow as pa

    schema = pa.schema([("negotiation", pa.string()), ("spell", pa.string()), ("region", pa.string()),
                        ("kind", pa.string()), ("class", pa.string()), ("possible", pa.date32()),
                        ("happened", pa.date32()), ("censored", pa.date32()), ("duration_days", pa.int32()),
                        ("event", pa.bool_()), ("approx", pa.string()), ("sources", pa.list_(pa.string()))])
    return pa.Table.from_pylist(rows, schema=schema)


def _to_pandas(table):
    df = table.to_pandas()
    for name in ("possible", "happened", "censored"):
        df[name] = df[name].astype("datetime64[ns]")
    return df


def spells_table(negotiations: list[Negotiation] | None = None):
    """The spells as a pandas DataFrame, one row per spell (``COLUMNS``; dates as datetime64)."""
    return _to_pandas(to_arrow(negotiations))


#: The scenario corpus (observed files beside scenarios), in a source checkout.


# --------------------------------------------------------------------------- summary


def summary(negotiations: list[Negotiation]) -> dict:
    """Counts for people: negotiations, spells, spells per class (happened and censored), negotiations per region,
    kind and decade (of the period's start), and which targets are met."""
    spells = [s for n in negotiations for s in n.spells]
    per_class = {name: {"spells": 0, "happened": 0, "censored": 0} for name in CLASSES}
    for s in spells:
        per_class[s.class_]["spells"] += 1
        per_class[s.class_]["happened" if s.event else "censored"] += 1

    def count(key):
        out: dict[str, int] = {}
        for n in negotiations:
            out[key(n)] = out.get(key(n), 0) + 1
        return dict(sorted(out.items()))

    full = sum(1 for c in per_class.values() if c["spells"] >= TARGETS["per_class"])
    return {
        "negotiations": len(negotiations), "spells": len(spells), "per_class": per_class,
        "per_region": count(lambda n: n.region), "per_kind": count(lambda n: n.kind),
        "per_decade": count(lambda n: f"{n.period.start.year // 10 * 10}s"),
        "targets": {
            "negotiations": (len(negotiations), TARGETS["negotiations"]),
            "spells": (len(spells), TARGETS["spells"]),
            f"classes with at least {TARGETS['per_class']} spells": (full, TARGETS["classes"]),
        },
    }


def overlapping(negotiations: list[Negotiation]) -> list[tuple[str, str]]:
    """Pairs of negotiations of the same kind, with two or more parties in common and overlapping periods: perhaps
    the same process recorded twice (its spells would count twice), or successive phases to keep apart. A notice for
    people to check, not an error."""
    out = []
    for i, a in enumerate(negotiations):
        parties_a = {p.casefold() for p in a.parties}
        for b in negotiations[i + 1:]:
            shared = parties_a & {p.casefold() for p in b.parties}
            if (a.kind == b.kind and len(shared) >= 2 and a.period.start <= b.period.end
                    and b.period.start <= a.period.end):
                out.append((a.id, b.id))
    return out


def summary_lines(negotiations: list[Negotiation]) -> list[str]:
    """The summary in plain lines (``diplosim timelines validate``)."""
    s = summary(negotiations)
    happened = sum(c["happened"] for c in s["per_class"].values())
    out = [f"{s['negotiations']} negotiations, {s['spells']} spells ({happened} happened, "
           f"{s['spells'] - happened} censored)", "spells per class:"]
    for name, c in s["per_class"].items():
        out.append(f"  {CLASSES[name].label} ({name}): {c['spells']} ({c['happened']} happened, "
                   f"{c['censored']} censored)")
    for title, key in (("negotiations per region", "per_region"), ("negotiations per kind", "per_kind"),
                       ("negotiations per decade", "per_decade")):
        out.append(f"{title}: " + (", ".join(f"{k.replace('_', ' ')} {v}" for k, v in s[key].items()) or "none"))
    pairs = overlapping(negotiations)
    if pairs:
        out.append("to check for double counting (same kind, two or more shared parties, overlapping periods): "
                   + "; ".join(f"{x} and {y}" for x, y in pairs))
    out.append("targets:")
    for what, (got, want) in s["targets"].items():
        out.append(f"  {what}: {got} of {want} ({'met' if got >= want else 'not yet'})")
    return out
