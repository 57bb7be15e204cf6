"""Small constructed scenarios whose probabilities are known exactly."""

from pathlib import Path

from ruamel.yaml import YAML

A = "Constructed for a test."


def fixed(v):
    return {"value": v, "assumption": A}


def coin_flip(precondition: str | None = None) -> dict:
    """One week, one meeting that party `a` accepts with probability exactly 1/2.

    flexibility 0.5, no pressure, resolve 1, stakes 0.5: logistic(k * 0) = 0.5.
    With ``precondition='hard'`` the meeting needs an event that never happens (probability 0).
    """
    party = lambda pid: {"id": pid, "name": pid.upper(), "role": "party", "rule": "threshold",  # noqa: E731
                         "params": {"flexibility": fixed(0.5), "resolve": fixed(1.0),
                                    "pressure_sensitivity": fixed(0.0), "concession_rate": fixed(0.0),
                                    "initiative": fixed(0.0)}}
    sc = {
        "schema_version": 1,
        "metadata": {"title": "Coin flip", "description": "A meeting with a known chance.", "as_of": "2024-01-01"},
        "sources": [{"id": "none", "title": "none", "publisher": "none", "date": "2024-01-01", "file": "none.txt"}],
        "actors": [party("a"), party("b")],
        "tracks": [{"id": "t", "name": "Track", "levels": [
            {"id": "talks", "name": "Talks", "attendees": ["a"], "stakes": fixed(0.5), "assumption": A}]}],
        "calendar": {"start": "2024-01-01", "end": "2024-01-06",
                     "scheduled": [{"id": "invite", "name": "Invitation", "date": "2024-01-01", "track": "t",
                                    "assumption": A}],
                     "shocks": [{"id": "never", "name": "Never happens", "hazard": fixed(0.0),
                                 "effect": {"weeks": 0}, "assumption": A}]},
        "dynamics": {"pressure_decay": fixed(0.5), "sharpness": fixed(8.0)},
        "questions": [
            {"id": "talks_held", "text": "Are talks held?", "meeting": "talks", "before": "2030-01-01",
             "prior": fixed(0.8)},
            {"id": "talks_date", "text": "When?", "meeting": "talks"},
        ],
    }
    if precondition:
        sc["preconditions"] = [{"id": "needs_never", "demanded_by": "a", "before": "talks",
                                "requires": {"event": "never"}, "kind": "hard", "assumption": A}]
    return sc


def write(tmp_path: Path, data: dict, name: str = "s.yaml") -> Path:
    (tmp_path / "none.txt").write_text("A made-up source (header)\n---\nnone")
    path = tmp_path / name
    yaml = YAML()
    with path.open("w") as f:
        yaml.dump(data, f)
    return path


def threshold_switch() -> dict:
    """The coin flip made deterministic: talks happen iff a.flexibility > 0.5; b.flexibility does nothing.

    Sharpness 1e5 turns logistic(k * (flexibility - 0.5)) into a step, so each
    sweep point's yes-share is exactly 0 or 1 (barring a draw within 2e-4 of 0.5).
    """
    sc = coin_flip()
    for actor in sc["actors"]:
        actor["params"]["flexibility"] = {"dist": "uniform", "low": 0.0, "high": 1.0, "assumption": A}
    sc["dynamics"]["sharpness"] = fixed(1e5)
    return sc
