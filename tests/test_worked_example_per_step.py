"""The per-step worked example (docs/worked-example-per-step.md): it validates, every decision on a meeting or a
concession stage is stated per step (a pace, or a class curve) rather than left to actor-wide numbers, and both
engines agree on it."""

from pathlib import Path

from simulator.compiled import Compiled
from simulator.runner import run_replications
from simulator.scenario import load

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "per_step" / "syria_turkey_2023_per_step.yaml"


def test_every_step_is_said_per_step():
    sc = load(EXAMPLE).scenario
    assert sc.schema_version == 3 and sc.metadata.track == "sighted"
    unsaid = [m.id for m, _ in sc.all_milestones if m.pace is None and m.class_ is None and m.id != "turkey_presence.none"]
    assert unsaid == []
    soft = next(p for p in sc.preconditions if p.id == "steps_before_fm")
    assert soft.waiver.resists is not None and soft.waiver.threshold is None


def test_both_engines_agree_on_the_example():
    c = Compiled(load(EXAMPLE).scenario)
    mesa, _ = run_replications(c, 2, list(range(20)), engine="mesa")
    batch, _ = run_replications(c, 2, list(range(20)), engine="batch")
    assert mesa.equals(batch)
