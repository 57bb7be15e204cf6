"""diplosim: an agent-based simulator of diplomatic negotiations.

The Python API (``simulator.api``): ``load``, ``run`` (a ``Forecast`` of typed answers), ``compare``, ``explain``,
``explain_gap``, ``adjustment_effects``, ``fragile_screen``, ``backtest``, ``run_sweep`` (``simulator.sweep`` is the sweep package), ``open_results``, ``summarize``,
``html_report``, ``sensitivity``, ``discover``, ``params``, ``events``, ``check_model`` and
``validate``; the remaining commands' (``simulator.api_commands``): ``calibrate``, ``replay``, ``decision_rules``,
``schema``, ``migrate``, ``reference_build``, ``reference_ship``, ``reference_show``, ``timelines_validate``,
``freeze_forecast``; ``dashboard`` (``dashboards.api``); ``ScenarioError``
for a bad scenario file. The names are loaded on first use, so ``import simulator`` (and the command line's
start-up) stays quick.
"""

_API = ("load", "run", "compare", "explain", "explain_gap", "adjustment_effects", "fragile_screen", "backtest",
        "run_sweep",
        "open_results", "summarize", "html_report", "sensitivity", "discover", "params", "events", "check_model",
        "validate", "Forecast", "Comparison")
#: the remaining commands' functions (``simulator.api_commands``)
_COMMANDS = ("calibrate", "replay", "decision_rules", "schema", "migrate", "reference_build", "reference_ship",
             "reference_show", "timelines_validate", "freeze_forecast")
__all__ = [*_API, *_COMMANDS, "dashboard", "ScenarioError"]


def __getattr__(name: str):
    if name in _API:
        from . import api

        return getattr(api, name)
    if name in _COMMANDS:
        from . import api_commands

        return getattr(api_commands, name)
    if name == "dashboard":  # with the dashboard (the interfaces layer), which the API may not import
        from dashboards.api import dashboard

        return dashboard
    if name == "ScenarioError":
        from .scenario import ScenarioError

        return ScenarioError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *__all__])
