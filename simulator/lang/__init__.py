"""The scenario language, one concept per class.

Each kind of condition, milestone, occasion, effect and question is one class
that holds its schema (it is a pydantic model), its validation (``check``), its
evaluation on the run state (arrays over runs: the Mesa model's state is the
same arrays with one run, so both engines evaluate the same code), its record
columns and its words for people (``label``). Engines, the record layout,
charts and the dashboard iterate over these classes.
"""
