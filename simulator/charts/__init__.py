"""Charts: pure functions from results (runs/events tables, summaries, sweep points) and the compiled
scenario to plotly figures. No I/O here; the report and the dashboard both call these.

Inputs are Arrow tables or pandas DataFrames of runs/events/points (``store`` layout), the dict of
``summary.summarize``, and a ``compiled.Compiled``; every function returns a ``plotly.graph_objects.Figure``.
"""

from .calendar import calendar_variants, probability_over_calendar, timing_vs_election
from .questions import question_summary
from .runs import pick_sample_runs, postponement_reasons, run_timelines
from .scenario import actor_network, evidence_table
from .sweeps import point_outcomes, sweep_heatmap, sweep_line, sweep_parallel, varied_parameters

__all__ = ["actor_network", "calendar_variants", "evidence_table", "pick_sample_runs", "point_outcomes", "postponement_reasons",
           "probability_over_calendar", "question_summary", "run_timelines", "sweep_heatmap", "sweep_line",
           "sweep_parallel", "timing_vs_election", "varied_parameters"]
