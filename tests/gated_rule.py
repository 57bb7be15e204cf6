"""A rule for interruption tests: the threshold rule, except that it holds some runs back until a file exists.

Tests of Ctrl-C and ``kill -9`` must catch a sweep part-way. Rather than hoping to be quick enough (a fast
engine finishes a small sweep before a signal lands), they make the later points wait for a state: the runs
where Turkey's flexibility is above 0.5 (points varied to 0.6) wait until the file named by the environment
variable ``DIPLOSIM_TEST_GATE`` exists. With the gate open it decides exactly as ``threshold``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from simulator.rules.base import PartyView
from simulator.rules.threshold import ReservationThreshold


class GatedThreshold(ReservationThreshold):
    """The reservation-threshold rule (Raiffa 1982) with a gate: Turkey's runs with flexibility above 0.5 wait
    until the file named by ``DIPLOSIM_TEST_GATE`` exists (test use only; see the module docstring)."""

    name = "gated_threshold"

    def willingness(self, v: PartyView) -> float:
        if v.actor == "turkey" and v.params["flexibility"] > 0.5:
            gate = Path(os.environ["DIPLOSIM_TEST_GATE"])
            while not gate.exists():  # a state: the test opens the gate once it has interrupted the sweep
                time.sleep(0.01)
        return super().willingness(v)


GATED_PLUGIN = ["--plugin", "tests.gated_rule:GatedThreshold"]


def gated_copy(folder: Path) -> Path:
    """The seed scenario with Turkey on the gated rule, beside a copy of its sources; the gate starts closed."""
    import shutil

    from .conftest import SEED_SCENARIO

    shutil.copytree(SEED_SCENARIO.parent / "sources", folder / "sources")
    text = SEED_SCENARIO.read_text(encoding="utf-8")
    at = text.index("rule: threshold", text.index("  - id: turkey"))
    copy = folder / "gated.yaml"
    copy.write_text(text[:at] + "rule: gated_threshold" + text[at + len("rule: threshold"):], encoding="utf-8")
    return copy


def gate_env(copy: Path | None) -> dict[str, str]:
    """The environment of a process running ``copy`` (the gate file sits beside it)."""
    env = dict(os.environ)
    if copy is not None:
        env["DIPLOSIM_TEST_GATE"] = str(copy.parent / "gate")
    return env


def open_gate(copy: Path) -> None:
    (copy.parent / "gate").touch()
