import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
SEED_SCENARIO = ROOT / "scenarios" / "syria_turkey_2023.yaml"

# parsed scenario files go to a cache of this test session (also for the CLI processes tests start), not ~/.cache
os.environ.setdefault("DIPLOSIM_CACHE", tempfile.mkdtemp(prefix="diplosim-test-cache-"))
# tests/data/sources links to the corpus's source texts, outside tests/data: an extra root for the files scenarios
# name (simulator/scenario/files.py), as a user would configure for texts shared between folders
os.environ.setdefault("DIPLOSIM_FILE_ROOTS", str(ROOT / "scenarios" / "sources"))

from simulator.analysis.observed import corpus_scenarios  # noqa: E402

# the scenario files of the corpus (observed-outcomes files sit beside them in scenarios/)
CORPUS = corpus_scenarios(ROOT / "scenarios")



def child_takes_ctrl_c() -> None:
    """``preexec_fn`` for a command a test interrupts with SIGINT: Python ignores Ctrl-C for good when it starts
    with SIGINT ignored, and a test run may inherit that (a background job of a shell script, or a library
    that set it in this process), so the child starts with the default disposition."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(autouse=True)
def _keep_sigint_handler():
    """A test that changes this process's SIGINT handler gets it put back, so it cannot leak into later tests
    (children inherit an ignored SIGINT)."""
    import signal

    before = signal.getsignal(signal.SIGINT)
    yield
    if signal.getsignal(signal.SIGINT) is not before:
        signal.signal(signal.SIGINT, before)


# Profiles: "ci" (default) keeps the suite fast; "thorough" is for nightly-style runs:
#   pytest --hypothesis-profile=thorough
settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def seed_loaded():
    from simulator.scenario import load

    return load(SEED_SCENARIO)


@pytest.fixture(scope="session")
def seed_compiled(seed_loaded):
    from simulator.compiled import Compiled

    return Compiled(seed_loaded.scenario)
