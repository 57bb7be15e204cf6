"""Charts: pure functions from results (runs/events tables, summaries, sweep points) and the compiled
scenario to plotly figures. No I/O here; the report and the dashboard both call these.

Inputs are Arrow tables or pandas DataFrames of runs/events/points (``store`` layout), the dict of
``summary.summarize``, and a ``compiled.Compiled``; every function returns a ``plotly.graph_objects.Figure``.
"""

_WHERE = {"calendar_variants": "calendar", "probability_over_calendar": "calendar", "timing_vs_election": "calendar",
          "question_summary": "questions", "pick_sample_runs": "runs", "postponement_reasons": "runs",
          "run_timelines": "runs", "actor_network": "scenario", "evidence_table": "scenario",
          "point_outcomes": "sweeps", "sweep_heatmap": "sweeps", "sweep_line": "sweeps", "sweep_parallel": "sweeps",
          "varied_parameters": "sweeps", "class_curves": "outside_view"}
__all__ = sorted(_WHERE) + ["FIGURE_CONFIG"]

# How every chart is shown, in the HTML report and in the dashboard (plotly.js's config; not part of a figure): no
# plotly logo, and no mode-bar button that sends the chart and its data to a cloud service ("Share chart", Chart
# Studio), which plotly.js shows by default: a scenario's forecast stays on the machine that made it.
FIGURE_CONFIG = {"displaylogo": False, "showSendToCloud": False,
                 "modeBarButtonsToRemove": ["sendChartToCloud", "sendDataToCloud", "editInChartStudio"]}


def __getattr__(name: str):
    """Chart functions load plotly on first use, so ``simulator.charts.words`` (plain words, which ``diplosim
    run`` uses for its fragile-forecast flags) stays light to import."""
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
