"""Tools for testing scenarios, rules and the model itself.

- ``scenarios``, ``scenario_dicts``, ``seeds`` (``testing.scenarios``): valid scenarios, bounded by arguments.
- ``actors``, ``party_views``, ``mediator_views``, ``rule_inputs``, ``draws``, ``scenarios_using``
  (``testing.rules``): rule inputs and scenarios in which a given rule is used.
- ``check_rule(RuleClass, **settings)`` and ``rule_properties(RuleClass)``: the standard rule properties.
- ``check_model(scenario, runs=, seed=, only=)`` and ``assert_properties`` (``testing.properties``): the model
  checks (metamorphic and analytic properties) on a scenario; ``testing.pytest_plugin`` is their pytest plug-in.

The hypothesis tools need hypothesis (the ``test`` extra); the model checks do not, so they are imported on
first use.
"""

_LAZY = {
    **dict.fromkeys(("PROPERTIES", "RuleCheckFailed", "RuleReport", "actors", "applicable_properties", "check_rule",
                     "draws", "mediator_inputs", "mediator_views", "party_inputs", "party_views", "rule_inputs",
                     "rule_properties", "scenarios_using"), "rules"),
    **dict.fromkeys(("scenario_dicts", "scenarios", "seeds"), "scenarios"),
    **dict.fromkeys(("check_model", "assert_properties", "PropertyResult", "PropertyFailed"), "properties"),
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'simulator.testing' has no attribute '{name}'")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
