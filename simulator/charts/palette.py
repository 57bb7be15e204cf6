"""Colours that mean the same thing in every chart: one per meeting level, one per actor.

Levels and actors draw from two different qualitative palettes so that a
level is never mistaken for an actor; assignment follows scenario order, so
the same scenario always gets the same colours.
"""

from __future__ import annotations

from plotly.colors import hex_to_rgb, qualitative

LEVEL_PALETTE = qualitative.D3
ACTOR_PALETTE = qualitative.Dark2
NEUTRAL = "#7f7f7f"  # shocks, "other", anything without an owner
POSITIVE, NEGATIVE = "#1a9850", "#d73027"  # alignment sign


def level_colors(compiled) -> dict[str, str]:
    return {level: LEVEL_PALETTE[i % len(LEVEL_PALETTE)] for i, level in enumerate(compiled.level_order)}


def actor_colors(compiled) -> dict[str, str]:
    actors = [a.id for a in compiled.scenario.actors]
    return {a: ACTOR_PALETTE[i % len(ACTOR_PALETTE)] for i, a in enumerate(actors)}


def question_color(q, compiled) -> str:
    """A question takes the colour of what it asks about: its meeting level, or the conceding/incumbent actor."""
    if q.meeting is not None:
        return level_colors(compiled)[q.meeting]
    if q.concession is not None:
        return actor_colors(compiled)[compiled.ladders[q.concession][0]]
    return actor_colors(compiled)[compiled.election.incumbent]


def translucent(color: str, alpha: float) -> str:
    """``rgba(...)`` of a ``#rrggbb`` or ``rgb(...)`` colour, for bands behind lines."""
    if color.startswith("#"):
        r, g, b = hex_to_rgb(color)
    else:
        r, g, b = (int(float(v)) for v in color[color.index("(") + 1:color.index(")")].split(",")[:3])
    return f"rgba({r},{g},{b},{alpha})"
