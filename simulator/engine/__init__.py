"""The weekly step, written once on arrays over runs (``kernel``), and the run state it works on (``state``).

The Mesa model runs it with one run and asks its agents for every decision;
the batch engine runs it with many runs and asks the array forms of the rules.
"""
