"""A pytest plug-in for the model checks (``simulator.testing.properties``) on your own scenarios.

Two ways to use it; each needs two lines.

1. A test per property, no plug-in needed (a test file of its own)::

       from simulator.testing.properties import scenario_properties
       test_my_scenario = scenario_properties("scenarios/my_scenario.yaml", runs=1000)

2. The ``check_model`` fixture: the plug-in is registered with pytest when diplosim is installed (entry point
   ``pytest11``), so any test may ask for it::

       def test_my_scenario(check_model):
           check_model("scenarios/my_scenario.yaml")

   ``check_model(scenario, only=None, runs=None, seed=None)`` runs the properties and fails the test with
   each failing property's sentence; it returns the results. ``--model-check-runs N`` and
   ``--model-check-seed S`` set the defaults for a whole session.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("diplosim model checks")
    group.addoption("--model-check-runs", type=int, default=1000, help="Monte Carlo runs per model-check comparison")
    group.addoption("--model-check-seed", type=int, default=0, help="root seed of the model checks")


@pytest.fixture
def check_model(request):
    """``check_model(scenario, only=None, runs=None, seed=None)``: run the model checks on a scenario (a path or
    a loaded scenario); the test fails with every failing property's sentence."""
    from .properties import assert_properties

    runs = request.config.getoption("--model-check-runs")
    seed = request.config.getoption("--model-check-seed")

    def run(scenario, only=None, runs=runs, seed=seed):
        return assert_properties(scenario, runs=runs, seed=seed, only=only)

    return run
