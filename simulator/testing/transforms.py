"""Transformations of a validated scenario that the model checks (``testing.properties``) compare against.

Each function takes a ``Scenario`` and returns a new, validated ``Scenario`` (the input is frozen and left
alone). They work on the scenario's own data, walked with the types the schema declares: a string is an id
reference when its field is typed ``Id``, ``MilestoneRef`` or ``DateRef`` (``lang.base``), and a date is a
``datetime.date``, wherever it sits (conditions, calendar items, history, questions, sources). So a new
construct of the language is transformed as soon as its fields use those types: nothing here lists kinds.

- ``shift_dates(sc, days)``: every date moved by ``days``;
- ``rename_ids(sc)``: every id renamed consistently everywhere it is referenced (with parameter names in
  effects), to names that sort in the opposite order; returns the scenario and the id map;
- ``with_step_days(sc, days)``: another step length;
- ``fix_named_end(sc)`` / ``extend_end(sc, days)``: the name ``end`` replaced by the calendar's end date, then
  the calendar run on for longer (nothing before the old end changes: later steps come after);
- ``with_questions(sc, extra)``: questions added (they take no draws and change no other column).
"""

from __future__ import annotations

import datetime as dt
import types
from typing import Annotated, Any, Callable, Union, get_args, get_origin

from pydantic import BaseModel, RootModel

from ..lang.base import DateRef, Id, MilestoneRef, ParamChange
from ..lang.outcomes import RESULTS
from ..scenario.schema import Scenario


def _pattern(tp) -> str:
    """The string pattern declared somewhere inside a type (``Annotated[str, StringConstraints(pattern=...)]``)."""
    for a in get_args(tp):
        found = getattr(a, "pattern", None) or (_pattern(a) if get_args(a) else None)
        if found:
            return found
    return None


class RefKind:
    """What a reference string of one declared type names (its kind of reference), and how it is renamed."""

    def ids(self, s: str) -> list[str]:
        """The declared ids the string names."""
        raise NotImplementedError

    def rename(self, s: str, mapping: dict[str, str]) -> str:
        """The string with every id it names renamed by ``mapping``."""
        raise NotImplementedError

    def container(self, s: str) -> str | None:
        """The id of what the named thing lies within (a track level's track), or None."""
        return None

    def is_date_name(self, s: str, name: str) -> bool:
        """Is the string the date name ``name`` ('start', 'end')?"""
        return False


class IdRef(RefKind):
    """An ``Id``: one declared id."""

    def ids(self, s):
        return [s]

    def rename(self, s, mapping):
        return mapping[s]


class MilestoneRefKind(RefKind):
    """A ``MilestoneRef``: a milestone id, or ``track.level``."""

    def ids(self, s):  # a one-shot result's word (``drill.success``, lang/outcomes.py) is no id
        return [t for i, t in enumerate(s.split(".")) if not (i and t in RESULTS)]

    def rename(self, s, mapping):
        return ".".join(t if i and t in RESULTS and t not in mapping else mapping[t] for i, t in enumerate(s.split(".")))

    def container(self, s):
        return s.split(".")[0] if "." in s else None


class DateRefKind(RefKind):
    """A ``DateRef``: an ISO date (not a string here), ``start``/``end``, ``election.<id>.<round>`` or an event's
    id."""

    NAMES = ("start", "end")

    def ids(self, s):
        parts = s.split(".")
        if s in self.NAMES:
            return []
        if parts[0] == "election" and len(parts) == 3:
            return [parts[1]]
        return [s]

    def rename(self, s, mapping):
        parts = s.split(".")
        if s in self.NAMES:
            return s
        if parts[0] == "election" and len(parts) == 3:
            return f"election.{mapping[parts[1]]}.{parts[2]}"
        return mapping[s]

    def is_date_name(self, s, name):
        return s == name


class EventRefKind(RefKind):
    """An ``EventRef`` (lang/conditions.py): an event's id, or ``<milestone>.success``/``.failure`` (a one-shot
    result, lang/outcomes.py: the milestone is renamed, the result word kept)."""

    def ids(self, s):
        return [s.split(".")[0]]

    def rename(self, s, mapping):
        head, dot, result = s.partition(".")
        return mapping[head] + dot + result


def _patterns() -> dict[str, RefKind]:
    from ..lang.conditions import EventRef

    return {_pattern(Id): IdRef(), _pattern(MilestoneRef): MilestoneRefKind(), _pattern(DateRef): DateRefKind(),
            _pattern(EventRef): EventRefKind()}


_KINDS = _patterns()
_UNIONS = (Union, types.UnionType)


def _ref_kind(tp, meta=()) -> RefKind | None:
    """The kind of reference (``IdRef``, ``MilestoneRefKind``, ``DateRefKind``) when a string of this declared
    type is a reference, else None."""
    for m in meta:
        kind = _KINDS.get(getattr(m, "pattern", None))
        if kind:
            return kind
    origin = get_origin(tp)
    if origin is Annotated:
        args = get_args(tp)
        return _ref_kind(args[0], args[1:])
    if origin in _UNIONS:
        for a in get_args(tp):
            kind = _ref_kind(a)
            if kind:
                return kind
    return None


def _container(tp):
    """(origin, element types) of the list/tuple/dict inside a declared type, or (None, ())."""
    origin = get_origin(tp)
    if origin is Annotated:
        return _container(get_args(tp)[0])
    if origin in _UNIONS:
        for a in get_args(tp):
            found = _container(a)
            if found[0] is not None:
                return found
        return None, ()
    if origin in (list, tuple, dict, set, frozenset):
        return origin, get_args(tp)
    return None, ()


Visitor = Callable[[RefKind, str], str]  # (kind of reference, string) -> string


def _walk(obj: Any, data: Any, tp, meta, on_ref: Visitor | None, on_date, on_model) -> Any:
    if isinstance(obj, RootModel):  # a model that is one value (``lang.pace.Pace``: a mapping by actor id)
        f = type(obj).model_fields["root"]
        return _walk(obj.root, data, f.annotation, f.metadata, on_ref, on_date, on_model)
    if isinstance(obj, BaseModel):
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for name, f in type(obj).model_fields.items():
            key = f.alias or name
            if key in out:
                out[key] = _walk(getattr(obj, name), out[key], f.annotation, f.metadata, on_ref, on_date, on_model)
        return on_model(obj, out) if on_model else out
    if isinstance(obj, (list, tuple)) and isinstance(data, (list, tuple)):
        _, args = _container(tp)
        elem = lambda i: (args[0] if len(args) == 1 or (len(args) == 2 and args[1] is Ellipsis)  # noqa: E731
                          else args[i] if i < len(args) else None) if args else None
        items = [_walk(o, d, elem(i), (), on_ref, on_date, on_model) for i, (o, d) in enumerate(zip(obj, data))]
        return type(data)(items) if isinstance(data, tuple) else items
    if isinstance(obj, dict) and isinstance(data, dict):
        _, args = _container(tp)
        ktp, vtp = args if len(args) == 2 else (None, None)
        kkind = _ref_kind(ktp) if ktp is not None else None
        key = lambda k: on_ref(kkind, k) if kkind and on_ref else k  # noqa: E731
        return {key(k): _walk(obj[k], data[k], vtp, (), on_ref, on_date, on_model) for k in data}
    if isinstance(obj, str) and isinstance(data, str):
        kind = _ref_kind(tp, meta) if tp is not None or meta else None
        return on_ref(kind, data) if kind and on_ref else data
    if isinstance(obj, dt.date) and not isinstance(obj, dt.datetime) and on_date is not None:
        return on_date(data)
    return data


def transform(sc: Scenario, *, on_ref: Visitor | None = None, on_date=None, on_model=None) -> dict:
    """The scenario's data (python-mode dump) with every reference string passed through ``on_ref(kind, s)``,
    every date through ``on_date(d)`` and every model's mapping through ``on_model(model, mapping)``."""
    data = sc.model_dump(mode="python", by_alias=True)
    return _walk(sc, data, Scenario, (), on_ref, on_date, on_model)


def validated(data: dict) -> Scenario:
    return Scenario.model_validate(data)


# ----------------------------------------------------------------------------- the transformations

def shift_dates(sc: Scenario, days: int) -> Scenario:
    """Every date of the scenario moved by ``days`` (calendar, events, elections, windows, history, questions,
    conditions, sources and ``as_of``)."""
    delta = dt.timedelta(days=days)
    return validated(transform(sc, on_date=lambda d: d + delta))


def with_step_days(sc: Scenario, days: int) -> Scenario:
    data = sc.model_dump(mode="python", by_alias=True)
    data["calendar"]["step_days"] = int(days)
    return validated(data)


def fix_named_end(sc: Scenario) -> Scenario:
    """The date name ``end`` replaced by the calendar's end date everywhere (deadlines, windows, questions), so
    that running the calendar on for longer changes nothing that was pinned to the end."""
    end = sc.calendar.end
    return validated(transform(sc, on_ref=lambda ref, s: end if ref.is_date_name(s, "end") else s))


def extend_end(sc: Scenario, days: int) -> Scenario:
    """The calendar run on ``days`` longer (call ``fix_named_end`` first so nothing pinned to the end moves)."""
    data = sc.model_dump(mode="python", by_alias=True)
    data["calendar"]["end"] = sc.calendar.end + dt.timedelta(days=days)
    return validated(data)


def with_questions(sc: Scenario, extra: list[dict]) -> Scenario:
    data = sc.model_dump(mode="python", by_alias=True)
    data["questions"] = list(data["questions"]) + list(extra)
    return validated(data)


def pin_named_start(sc: Scenario) -> Scenario:
    """The date name ``start`` replaced by the calendar's start date everywhere (windows, deadlines, questions)."""
    start = sc.calendar.start
    return validated(transform(sc, on_ref=lambda ref, s: start if ref.is_date_name(s, "start") else s))


def history_into_calendar(sc: Scenario) -> tuple[Scenario, int, set[str]]:
    """The scenario with its history's own events moved into the calendar as dated events (same dates) and the
    calendar started ``k`` whole steps earlier, on or before the earliest history date, with nothing able to
    happen before the old start: every actor enters on it (an actor entering earlier enters on it too),
    windows, deadlines and questions named ``start`` keep the old start's date, yes/no questions start then,
    and triggered effects, exits and breakdown conditions wait for it. History milestones stay in the history
    (the language has no way to make a milestone happen on a date). Returns (scenario, k, the actors whose
    entry was added or moved: their ``entered`` columns differ by construction)."""
    import math

    S, s = sc.calendar.start, sc.calendar.step_days
    h = sc.history
    dates = [x.date for x in h.milestones] + [x.date for x in h.events]
    k = max(1, math.ceil((S - min(dates)).days / s)) if dates else 1
    pinned = pin_named_start(sc)
    data = pinned.model_dump(mode="python", by_alias=True)
    after = {"after": S}
    gate = lambda cond: after if cond is None else {"all": [after, cond]}  # noqa: E731
    moved_actors = set()
    for a in data["actors"]:
        enters = a.get("enters")
        if enters is None or (enters.get("date") is not None and enters["date"] < S):
            a["enters"] = {"date": S, "assumption": "Enters when the calendar used to start (model check)."}
            moved_actors.add(a["id"])
        elif enters.get("when") is not None:
            enters["when"] = gate(enters["when"])
        if a.get("leaves") is not None and a["leaves"].get("when") is not None:
            a["leaves"]["when"] = gate(a["leaves"]["when"])
    for eff in data.get("effects", []):
        eff["when"] = gate(eff["when"])
    for m in data.get("milestones", []):
        if m.get("breakdown") is not None and m["breakdown"].get("when") is not None:
            m["breakdown"]["when"] = gate(m["breakdown"]["when"])
    for q in data["questions"]:
        if "when" in q and q.get("from") is None:
            q["from"] = S
    own = {x.event for x in sc.history_only_events}
    cal = data["calendar"]
    for x in data["history"]["events"]:
        if x["event"] in own:
            ev = {"id": x["event"], "name": x.get("name") or x["event"], "date": x["date"]}
            ev.update({key: x[key] for key in ("evidence", "assumption") if x.get(key) is not None})
            cal["events"] = list(cal.get("events", [])) + [ev]
    data["history"]["events"] = [x for x in data["history"]["events"] if x["event"] not in own]
    cal["start"] = S - dt.timedelta(days=k * s)
    return validated(data), k, moved_actors


def _declared_ids(sc: Scenario) -> list[str]:
    """Every id string the scenario declares or references (one namespace: a string is renamed the same way
    wherever it appears, so ids shared between namespaces stay shared)."""
    seen: dict[str, None] = {}

    def note(ref, s):
        seen.update(dict.fromkeys(ref.ids(s)))
        return s

    transform(sc, on_ref=note)
    return list(seen)


def _renamer(mapping: dict[str, str]) -> Visitor:
    def rename(ref, s):
        return ref.rename(s, mapping)
    return rename


def rename_ids(sc: Scenario, prefix: str = "r") -> tuple[Scenario, dict[str, str]]:
    """Every id renamed, consistently, to ``<prefix><number>`` names that sort in the opposite order to the
    originals (an order that depends on names would show). Parameter names in effects (``actor.flexibility``,
    ``election.e.base_win``, ...) follow: both scenarios list their parameters in the same order, so the n-th
    name of one is the n-th of the other. Returns (renamed scenario, original id -> new id)."""
    from ..scenario.params import ParameterTable

    ids = sorted(_declared_ids(sc))
    width = len(str(len(ids)))
    mapping = {old: f"{prefix}{len(ids) - i:0{width}d}" for i, old in enumerate(ids)}
    first = validated(transform(sc, on_ref=_renamer(mapping)))
    old_names, new_names = ParameterTable(sc).names, ParameterTable(first).names
    if len(old_names) != len(new_names):
        raise AssertionError(f"renaming changed the number of parameters ({len(old_names)} -> {len(new_names)})")
    names = dict(zip(old_names, new_names))

    def params(model, out):
        if isinstance(model, ParamChange):
            out = dict(out, param=names.get(model.param, model.param))
        return out

    return validated(transform(sc, on_ref=_renamer(mapping), on_model=params)), mapping


__all__ = ["extend_end", "fix_named_end", "history_into_calendar", "pin_named_start", "rename_ids", "shift_dates",
           "transform", "with_questions", "with_step_days"]

