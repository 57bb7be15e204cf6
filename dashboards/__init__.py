"""The diplosim dashboard (Dash): scenario, what-if, sweep explorer, one run week by week, compare.

A top-level package next to ``simulator`` (installed with it, see pyproject's
``packages.find``), so the app reads as its own layer on top of the
simulator and imports only its public pieces. Start it with ``diplosim
dashboard`` or ``dashboards.app.create_app(...)``.
"""
