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


# ----------------------------------------------------------------------------- two parties, constructed for a test
# The scaffolding of the tests of the per-step language (pace, worlds, stalls, effects as numbers, preconditions
# held with a chance): two threshold parties that decide nothing of their own, a mediator where needed, runs on
# either engine, days until a milestone, the Monte Carlo bound and one-line error checks through the CLI.

import datetime as _dt  # noqa: E402

START = _dt.date(2024, 1, 1)
RUNS = 4000
NEVER = 10 ** 9


def party(pid, **params):
    """A threshold party that proposes nothing of its own (initiative 0 unless given), flexibility 0.5."""
    return {"id": pid, "name": pid.upper(), "role": "party", "rule": "threshold",
            "params": {"initiative": fixed(params.get("initiative", 0.0)), "flexibility": fixed(0.5),
                       "resolve": fixed(1.0), "pressure_sensitivity": fixed(0.0), "concession_rate": fixed(0.0)}}


def meeting(mid="talks", **kw):
    """A meeting of ``a`` and ``b`` with stakes 0.5."""
    return {"id": mid, "kind": "meeting", "name": mid.replace("_", " ").title(), "attendees": ["a", "b"],
            "stakes": fixed(0.5), "assumption": A, **kw}


def run(d, runs=RUNS, engine="batch", overrides=None, seed=7):
    """The runs table of the scenario dict ``d`` (checked first)."""
    from simulator.compiled import Compiled
    from simulator.runner import run_replications
    from simulator.scenario.schema import Scenario
    from simulator.scenario.semantics import check

    sc = Scenario.model_validate(d)
    assert check(sc, None, check_sources=False) == []
    table, _ = run_replications(Compiled(sc), seed, list(range(runs)), engine=engine, overrides=overrides)
    return table


def engines_agree(d, seed=3, runs=20) -> tuple[list[dict], list]:
    """Both engines give the same records and event logs on the scenario dict ``d``, run by run: the batch engine's
    records and events."""
    from simulator.batch.engine import BatchEngine
    from simulator.compiled import Compiled
    from simulator.draws import run_seed
    from simulator.model import DiplomacyModel
    from simulator.scenario.schema import Scenario

    c = Compiled(Scenario.model_validate(d))
    eng = BatchEngine(c)
    batch = eng.table(eng.run(seed, range(runs), events_for=runs)).to_pylist()
    for r in range(runs):
        m = DiplomacyModel(c, run_seed(seed, r))
        assert m.run() == batch[r], r
        mine = [(k, kind, tr, ms, ac, det) for (p, rep, k, date, kind, tr, ms, ac, det) in eng.events if rep == r]
        assert [e[:6] for e in m.events] == mine, r
    return batch, eng.events


def days(table, m):
    """Days from ``START`` to milestone ``m`` in each run (``NEVER`` where it did not happen)."""
    import numpy as np

    from simulator import layout as L

    return np.array([NEVER if x is None else (x - START).days for x in table.column(L.first(m)).to_pylist()])


def mc_bound(p, n=RUNS):
    """Five standard errors of a share ``p`` over ``n`` runs (never below that of 1e-4)."""
    import math

    return 5 * math.sqrt(max(p * (1 - p), 1e-4) / n)


def write_yaml(d) -> str:
    """``d`` written as a scenario file in a fresh temporary folder; its path."""
    import json
    import tempfile

    import yaml

    path = Path(tempfile.mkdtemp()) / "s.yaml"
    path.write_text(yaml.safe_dump(json.loads(json.dumps(d, default=str)), sort_keys=False))
    return str(path)


def cli(args):
    """The command line invoked in this process (typer's runner)."""
    from typer.testing import CliRunner

    from simulator.cli import app

    return CliRunner().invoke(app, args)


def one_error(d, field, words):
    """``validate`` refuses ``d`` in one line, exit status 2, naming the file, ``field`` and ``words``."""
    r = cli(["validate", write_yaml(d)])
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert r.exit_code == 2, r.output
    assert len(lines) == 1 and "Traceback" not in r.output, r.output
    assert f": {field}: " in lines[0] and words in lines[0] and ".yaml:" in lines[0], lines[0]


def component_texts(node, out=None) -> list[str]:
    """Every text of a Dash component tree (a page section), in order."""
    out = [] if out is None else out
    if isinstance(node, str):
        out.append(node)
        return out
    kids = getattr(node, "children", None)
    for kid in kids if isinstance(kids, list) else [] if kids is None else [kids]:
        component_texts(kid, out)
    return out
