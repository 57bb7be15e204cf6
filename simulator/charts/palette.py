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


def question_subject(q, compiled) -> tuple[str, str] | None:
    """What a question is about: ('milestone', id), ('actor', id) or None (an event, a date, a mix of nothing)."""
    from ..lang.conditions import Winner, walk

    if getattr(q, "date_of", None) is not None:
        return ("milestone", q.date_of) if q.date_of in compiled.mi else None
    if getattr(q, "count", None) is not None:
        return "milestone", q.count
    when = getattr(q, "when", None)
    if when is None:
        return None
    for cond in walk(when):
        found = [m for m in cond.milestones() if m in compiled.mi] if not cond.children() else []
        if found:
            return "milestone", found[0]
        if isinstance(cond, Winner):
            return "actor", cond.winner.is_
    return None


def question_color(q, compiled) -> str:
    """A question takes the colour of what it asks about: its milestone, or the actor who wins an election."""
    subject = question_subject(q, compiled)
    if subject is None:
        return NEUTRAL
    kind, ident = subject
    colors = milestone_colors(compiled) if kind == "milestone" else actor_colors(compiled)
    return colors.get(ident, NEUTRAL)


def translucent(color: str, alpha: float) -> str:
    """``rgba(...)`` of a ``#rrggbb`` or ``rgb(...)`` colour, for bands behind lines."""
    if color.startswith("#"):
        r, g, b = hex_to_rgb(color)
    else:
        r, g, b = (int(float(v)) for v in color[color.index("(") + 1:color.index(")")].split(",")[:3])
    return f"rgba({r},{g},{b},{alpha})"
