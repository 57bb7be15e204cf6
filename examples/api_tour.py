"""api_tour.ipynb as a script (written by examples/notebook_to_script.py: edit the notebook)."""

# # A tour of the Python API
#
# Load the seed scenario, run it, make a what-if, compare the two on common random numbers, explain one question and plot with plotly. Run from this folder (`examples/`); `examples/api_tour.py` is the same code as a script (`python examples/notebook_to_script.py` writes it from this notebook).

import simulator

scenario = simulator.load("../scenarios/syria_turkey_2023.yaml")
forecast = simulator.run(scenario, runs=2000, seed=4)
print(forecast.words())

# Each answer is typed: a probability with its interval, a date distribution or a count distribution. Each renders itself as words, a table row and a figure.

meet = forecast["fm_before_round1"]
first = forecast["fm_meeting_date"]
print(meet.p, meet.low, meet.high)
print(first.median, first.quantiles["90%"], first.by_date[:2])
table = forecast.to_pandas()
table[["text", "kind", "p", "low", "high", "date_median"]]

# A what-if: Iran does not mediate. The same seed gives the same random draws, so the comparison is paired run by run.

whatif = simulator.run(scenario, runs=2000, seed=4, sets={"iran.active": 0})
comparison = simulator.compare(forecast, whatif)
changes = comparison.to_pandas()
changes[["text", "a", "b", "diff", "low", "high"]]

# Why do the foreign ministers meet before round 1, or not? What each milestone the question names waited for, and who held it up.

why = simulator.explain(forecast, question="fm_before_round1")
print(why.question["answer_text"])
for level in why.levels:
    print(level["name"], level["gate"], [b["text"] for b in level["blocked_by"][:2]])

# Plots: every question at a glance, then one answer's own figure.

overview = forecast.figure()
overview

fig = first.figure()
fig
