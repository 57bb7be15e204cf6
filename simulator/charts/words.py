"""Plain words for what the model calls by code: parameter labels and the reasons behind events.

``human_label`` is the one place a dotted parameter name becomes words. It
takes a ``label`` given in the scenario when the element carries one (an
optional field a later schema may add to parameters, preconditions and
mediators), and otherwise builds a readable form from the names the scenario
already gives its actors, meetings, ladders and shocks.

``event_sentence`` turns an event row (kind, level, actor, detail) into a
sentence built from the same names ("Syria refused: it wants Turkey's
statement of intent to withdraw first"), never internal codes such as
``round1:p_win=0.397``.
"""

from __future__ import annotations

import re

FIELD_WORDS = {
    "flexibility": "flexibility", "resolve": "resolve", "pressure_sensitivity": "sensitivity to pressure",
    "concession_rate": "readiness to concede", "initiative": "initiative",
    "base": "urgency at the start", "peak": "peak urgency", "ramp_weeks": "weeks for urgency to build",
    "after_deadline": "urgency after the deadline",
    "p_runoff": "chance of a run-off", "base_win": "incumbent's basic chance to win",
    "progress_effect": "incumbent's gain per meeting held",
    "pressure_decay": "weekly decay of pressure", "sharpness": "sharpness of decisions",
}


def short_name(name: str) -> str:
    """'Syria (Damascus government)' -> 'Syria': the name without its parenthesis, for use inside sentences."""
    return re.sub(r"\s*\(.*\)\s*$", "", name).strip() or name


def readable(code: str) -> str:
    """A code as words: 'pressure_sensitivity' -> 'pressure sensitivity'."""
    return code.replace("_", " ").replace(".", " ").strip()


def _names(sc) -> dict:
    """Short names of everything a dotted name can start with (cached on nothing: scenarios are small)."""
    out = {"actor": {a.id: short_name(a.name) for a in sc.actors},
           "level": {lv.id: lv.name for tr in sc.tracks for lv in tr.levels},
           "ladder": {lad.id: lad for lad in sc.concessions},
           "pre": {p.id: p for p in sc.preconditions},
           "mediator": {m.mediator: m for m in sc.mediation},
           "shock": {s.id: s.name for s in sc.calendar.shocks},
           "scheduled": {e.id: e.name for e in sc.calendar.scheduled}}
    return out


def _given_label(dotted: str, sc) -> str | None:
    """A ``label:`` the scenario gives the parameter (or its precondition or mediator), if the schema has one."""
    from ..scenario.params import iter_parameters

    head, _, tail = dotted.partition(".")
    if tail == "enabled":
        owner = next((p for p in sc.preconditions if p.id == head), None)
    elif tail == "active":
        owner = next((m for m in sc.mediation if m.mediator == head), None)
    else:
        owner = next((p for name, p, _ in iter_parameters(sc) if name == dotted), None)
    label = getattr(owner, "label", None) if owner is not None else None
    return label if isinstance(label, str) and label.strip() else None


def requirement(pre, sc) -> str:
    """What a precondition asks for, in words: "Turkey's statement of intent to withdraw"."""
    names = _names(sc)
    r = pre.requires
    if hasattr(r, "concession"):
        lad = names["ladder"].get(r.concession)
        if lad is None:
            return readable(r.stage)
        stage = next((s.name for s in lad.stages if s.id == r.stage), readable(r.stage))
        who = names["actor"].get(lad.actor, readable(lad.actor))
        return f"{who}'s {stage[:1].lower() + stage[1:]}"
    if hasattr(r, "meeting"):
        return f"the {names['level'].get(r.meeting, readable(r.meeting))} meeting held"
    return names["scheduled"].get(r.event) or names["shock"].get(r.event) or readable(r.event)


def human_label(dotted: str, sc) -> str:
    """A parameter's (or switch's) label for people: the scenario's own ``label`` if any, else built from names."""
    given = _given_label(dotted, sc)
    if given:
        return given
    names = _names(sc)
    parts = dotted.split(".")
    head, rest = parts[0], parts[1:]
    actor = names["actor"].get(head)
    if head in names["pre"] and rest == ["enabled"]:
        pre = names["pre"][head]
        who = names["actor"].get(pre.demanded_by, readable(pre.demanded_by))
        before = names["level"].get(pre.before, readable(pre.before))
        strength = "insists on" if pre.kind == "hard" else "asks for"
        return f"{who} {strength} {requirement(pre, sc)} before the {before} meeting"
    if head in names["pre"] and rest == ["waiver_threshold"]:
        pre = names["pre"][head]
        who = names["actor"].get(pre.demanded_by, readable(pre.demanded_by))
        return f"Pressure at which {who} drops its demand for {requirement(pre, sc)}"
    if head in names["mediator"] and rest == ["active"]:
        return f"{names['actor'].get(head, readable(head))} mediates"
    if actor is not None and rest:
        if rest[0] == "leverage" and len(rest) == 2:
            return f"{actor}'s leverage over {names['actor'].get(rest[1], readable(rest[1]))}"
        if rest[0] == "alignment" and len(rest) == 2:
            return f"{actor}'s alignment with {names['actor'].get(rest[1], readable(rest[1]))}"
        if rest[0] == "urgency" and len(rest) == 2:
            return f"{actor}'s {FIELD_WORDS.get(rest[1], 'urgency: ' + readable(rest[1]))}"
        return f"{actor}'s {FIELD_WORDS.get(rest[-1], readable('.'.join(rest)))}"
    if head in names["level"] and rest == ["stakes"]:
        return f"Stakes of the {names['level'][head]} meeting"
    if head in names["ladder"] and len(rest) == 2 and rest[1] == "cost":
        lad = names["ladder"][head]
        stage = next((s.name for s in lad.stages if s.id == rest[0]), readable(rest[0]))
        return f"Cost to {names['actor'].get(lad.actor, readable(lad.actor))} of '{stage}'"
    if head in names["shock"] and rest == ["hazard"]:
        return f"Weekly chance of '{names['shock'][head]}'"
    if head == "election" and rest:
        return f"Election: {FIELD_WORDS.get(rest[0], readable(rest[0]))}"
    if head == "dynamics" and rest:
        return f"Dynamics: {FIELD_WORDS.get(rest[0], readable(rest[0]))}"
    text = readable(dotted)
    return text[:1].upper() + text[1:]


def event_sentence(kind: str, level: str, actor: str, detail: str, sc) -> str:
    """One event of a run as a sentence built from the scenario's names (no internal codes)."""
    names = _names(sc)
    who = names["actor"].get(actor, readable(actor)) if actor else ""
    meeting = names["level"].get(level, readable(level)) if level else ""
    if kind == "blocked":
        return blocked_sentence(actor, detail, level, sc)
    if kind == "proposed":
        if actor.startswith("calendar:"):
            event = names["scheduled"].get(actor.partition(":")[2], "scheduled talks")
            return f"{event} put the {meeting} meeting on the table"
        return f"{who} proposed the {meeting} meeting"
    if kind == "held":
        return f"The {meeting} meeting was held"
    if kind == "pushed":
        urgency = detail.removeprefix("urgency ").strip()
        try:
            how = f" (urgency {float(urgency):.0%})"
        except ValueError:
            how = ""
        return f"{who} pushed for the {meeting} meeting{how}"
    if kind == "conceded":
        ladder, _, stage = detail.partition(":")
        lad = names["ladder"].get(ladder)
        stage_name = next((s.name for s in lad.stages if s.id == stage), readable(stage)) if lad else readable(stage)
        return f"{who} conceded: {stage_name[:1].lower() + stage_name[1:]}"
    if kind == "waived":
        pre = names["pre"].get(detail)
        what = requirement(pre, sc) if pre is not None else readable(detail)
        return f"{who} dropped its demand for {what} before the {meeting} meeting"
    if kind == "election":
        return election_sentence(actor, detail, sc)
    if kind == "scheduled":
        return f"{names['scheduled'].get(detail, readable(detail))} took place"
    if kind == "shock":
        return f"Shock: {names['shock'].get(detail, readable(detail))}"
    return f"{who} {readable(kind)} {meeting}".strip()


def blocked_sentence(actor: str, detail: str, level: str, sc) -> str:
    """Why a proposed meeting did not happen: "Syria refused: it wants Turkey's ... first"."""
    names = _names(sc)
    who = names["actor"].get(actor, readable(actor)) if actor else ""
    meeting = names["level"].get(level, readable(level)) if level else "the meeting"
    kind, _, what = detail.partition(":")
    if kind == "shock":
        return f"Talks frozen by '{names['shock'].get(what, readable(what))}'"
    if kind == "precondition":
        pre = names["pre"].get(what)
        wants = requirement(pre, sc) if pre is not None else readable(what)
        return f"{who} refused: it wants {wants} first"
    if kind == "declined":
        return f"{who} declined the {meeting} meeting: not ready yet"
    return f"{who} blocked the {meeting} meeting ({readable(detail)})"


def election_sentence(winner: str, detail: str, sc) -> str:
    """'round1:p_win=0.397' -> 'Turkey (Erdogan government, AKP) won in round 1 (the incumbent's chance ...)'."""
    full = {a.id: a.name for a in sc.actors}
    round_name, _, rest = detail.partition(":")
    when = "round 1" if round_name == "round1" else "the run-off"
    if rest == "runoff":
        return "No majority in round 1: a run-off is needed"
    chance = ""
    if rest.startswith("p_win="):
        try:
            chance = f" (the incumbent's chance to win was {float(rest.removeprefix('p_win=')):.0%})"
        except ValueError:
            chance = ""
    return f"{full.get(winner, readable(winner))} won in {when}{chance}"
