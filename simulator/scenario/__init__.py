"""Scenario files: schema, loading with line numbers, semantic checks, parameters."""

from .loader import LoadedScenario, Problem, ScenarioError, load, load_scenario, scenario_hash
from .params import ParameterTable
from .schema import SCHEMA_VERSION, Scenario

__all__ = ["SCHEMA_VERSION", "LoadedScenario", "ParameterTable", "Problem", "Scenario", "ScenarioError",
           "load", "load_scenario", "scenario_hash"]
