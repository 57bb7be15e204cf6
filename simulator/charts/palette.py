"""Colours that mean the same thing in every chart: one per milestone, one per actor.

Milestones and actors draw from two different qualitative palettes so that a
milestone is never mistaken for an actor; assignment follows scenario order,
so the same scenario always gets the same colours.
"""

from __future__ import annotations

from plotly.colors import hex_to_rgb, qualitative

MILESTONE_PALETTE = [c for c in qualitative.D3 if c != "#7F7F7F"] + qualitative.Plotly  # grey is for "no owner"
ACTOR_PALETTE = qualitative.Dark2
NEUTRAL = "#7f7f7f"  # shocks, "other", anything without an owner
POSITIVE, NEGATIVE = "#1a9850", "#d73027"  # alignment sign


def milestone_colors(compiled) -> dict[str, str]:
    return {m.id: MILESTONE_PALETTE[i % len(MILESTONE_PALETTE)] for i, m in enumerate(compiled.milestones)}


def actor_colors(compiled) -> dict[str, str]:
    actors = [a.id for a in compiled.scenario.actors]
    return {a: ACTOR_PALETTE[i % len(ACTOR_PALETTE)] for i, a in enumerate(actors)}


def question_color(q, compiled) -> str:
    """A question takes the colour of what it asks about: its first milestone (``QuestionBase.subjects``), else
    the first actor it wants to win an election (``QuestionBase.actors``); grey when it names neither."""
    subjects = q.subjects(compiled)
    if subjects:
        return milestone_colors(compiled).get(subjects[0][0], NEUTRAL)
    actors = q.actors(compiled)
    return actor_colors(compiled).get(actors[0], NEUTRAL) if actors else NEUTRAL


def translucent(color: str, alpha: float) -> str:
    """``rgba(...)`` of a ``#rrggbb`` or ``rgb(...)`` colour, for bands behind lines."""
    if color.startswith("#"):
        r, g, b = hex_to_rgb(color)
    else:
        r, g, b = (int(float(v)) for v in color[color.index("(") + 1:color.index(")")].split(",")[:3])
    return f"rgba({r},{g},{b},{alpha})"
