"""Version-1 scenario files into version 2 (``diplosim migrate``; also done on the fly when loading).

Version 1 knew meetings on track ladders, concession ladders, one election and
preconditions held by attendees; everything it could say has a direct
version-2 form, so the conversion is mechanical and loses nothing.
"""

from __future__ import annotations

import copy

MIGRATED_ELECTION = "main"  # the id given to a version-1 file's single election


def _date(ref):
    if isinstance(ref, str) and ref.startswith("election."):
        return f"election.{MIGRATED_ELECTION}.{ref.split('.', 1)[1]}"
    return ref


def _condition(req: dict) -> dict:
    if "meeting" in req:
        return {"held": req["meeting"]}
    if "concession" in req:
        return {"stage": {"ladder": req["concession"], "at_least": req["stage"]}}
    return {"event": req["event"]}


def _held_all(ids: list[str]) -> dict | None:
    if not ids:
        return None
    conds = [{"held": i} for i in ids]
    return conds[0] if len(conds) == 1 else {"all": conds}


def _prov(d: dict) -> dict:
    return {k: d[k] for k in ("evidence", "assumption") if k in d}


def migrate(doc: dict) -> dict:
    """A version-1 scenario document (plain dicts, already valid as version 1) in version 2."""
    v1 = copy.deepcopy(doc)
    out: dict = {"schema_version": 2, "metadata": v1["metadata"], "sources": v1["sources"], "actors": []}
    mediation_rules = {m["mediator"]: m.get("rule") for m in v1.get("mediation", [])}
    extra_params: dict[str, dict] = {}
    for a in v1["actors"]:
        a = dict(a)
        if a.get("role") == "mediator" and a.get("params"):
            extra_params[a["id"]] = a.pop("params")
        out["actors"].append(a)
    tracks = []
    for tr in v1.get("tracks", []):
        levels = []
        for lv in tr["levels"]:
            lv = dict(lv)
            req = _held_all(lv.pop("requires", []))
            if req is not None:
                lv["requires"] = req
            levels.append(lv)
        tracks.append({**tr, "levels": levels})
    out["tracks"] = tracks
    if v1.get("concessions"):
        out["concessions"] = v1["concessions"]
    if v1.get("preconditions"):
        out["preconditions"] = []
        for p in v1["preconditions"]:
            p = dict(p)
            p["held_by"] = p.pop("demanded_by")
            p["requires"] = _condition(p["requires"])
            out["preconditions"].append(p)
    top = {tr["id"]: tr["levels"][-1]["id"] for tr in v1.get("tracks", [])}
    if v1.get("mediation"):
        out["mediation"] = []
        for m in v1["mediation"]:
            urgency = m.get("urgency", {})
            rule = m.get("rule") or "deadline_pressure"
            fields = ("base", "after_deadline") if rule == "even_handed" else \
                ("base", "peak", "ramp_weeks", "after_deadline")
            params = {f"urgency.{f}": urgency[f] for f in fields if f in urgency}
            params.update(extra_params.get(m["mediator"], {}))
            pushes = [{"milestone": p["level"], **({"when": {"held": p["after"]}} if p.get("after") else {})}
                      for p in m["pushes"]]
            entry = {"mediator": m["mediator"], **({"rule": m["rule"]} if m.get("rule") else {}),
                     "deadline": _date(urgency.get("deadline", "election.round1")), "pushes": pushes,
                     "params": params, **_prov(m)}
            out["mediation"].append(entry)
    cal = dict(v1["calendar"])
    new_cal: dict = {k: cal[k] for k in ("start", "end", "step_days") if k in cal}
    el = cal.get("election")
    if el:
        new_cal["elections"] = [{"id": MIGRATED_ELECTION, **el}]
    events = []
    for ev in cal.get("scheduled", []):
        ev = dict(ev)
        track, level = ev.pop("track", None), ev.pop("level", None)
        if track is not None:
            ev["proposes"] = {"toward": level or top[track]}
        events.append(ev)
    if events:
        new_cal["events"] = events
    shocks = []
    for sh in cal.get("shocks", []):
        sh = dict(sh)
        effect = sh.pop("effect", {})
        start, end = sh.pop("start", "start"), sh.pop("end", "end")
        sh["between"] = [_date(start), _date(end)]
        if effect.get("freeze_tracks"):
            sh["freezes"] = effect["freeze_tracks"]
        if effect.get("weeks"):
            sh["weeks"] = effect["weeks"]
        if effect.get("params"):
            sh["effects"] = effect["params"]
        shocks.append(sh)
    if shocks:
        new_cal["shocks"] = shocks
    out["calendar"] = new_cal
    start, as_of = cal.get("start"), v1["metadata"].get("as_of")
    if start is not None and as_of is not None and start < as_of:
        out["history"] = {"through": as_of}
    out["dynamics"] = v1["dynamics"]
    out["questions"] = [_question(q, el) for q in v1["questions"]]
    return out


def _question(q: dict, el: dict | None) -> dict:
    base = {k: q[k] for k in ("id", "text") if k in q}
    if q.get("election"):
        if q["election"] == "runoff":
            cond = {"event": "__runoff__"}  # no version-2 form: validation names the question
        else:
            who = el["incumbent"] if q["election"] == "incumbent_wins" else el["challenger"]
            cond = {"winner": {"election": MIGRATED_ELECTION, "is": who}}
        return {**base, "when": cond, **({"prior": q["prior"]} if "prior" in q else {})}
    if q.get("meeting"):
        subject, target = {"held": q["meeting"]}, q["meeting"]
    else:
        subject = {"stage": {"ladder": q["concession"], "at_least": q["stage"]}}
        target = f"{q['concession']}.{q['stage']}"
    if q.get("before") is None:
        return {**base, "date_of": target}
    return {**base, "when": subject, "before": _date(q["before"]), **({"prior": q["prior"]} if "prior" in q else {})}


def to_current(doc: dict) -> dict:
    """A scenario document of version 1 or 2 (already valid as such) in the current version, meaning the same:
    each default the newer versions changed is stated with the older version's value (``schema.EDITION_DEFAULTS``)."""
    from .schema import EDITION_DEFAULTS, SCHEMA_VERSION

    out = migrate(doc) if doc.get("schema_version") == 1 else copy.deepcopy(doc)
    old = EDITION_DEFAULTS[out["schema_version"]]
    dynamics = out.setdefault("dynamics", {})
    for key, value in old.items():
        if key not in dynamics and value != EDITION_DEFAULTS[SCHEMA_VERSION][key]:
            dynamics[key] = value
    out["schema_version"] = SCHEMA_VERSION
    return out
