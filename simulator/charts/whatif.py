"""How a what-if (or a second scenario) moves each question compared with a baseline."""

from __future__ import annotations

import plotly.graph_objects as go

from .frames import wrap
from .palette import NEGATIVE, NEUTRAL, POSITIVE


def difference_from_baseline(rows: list[dict], runs: int, label_a: str = "baseline",
                             label_b: str = "what-if") -> go.Figure:
    """Dot-and-whisker of paired differences (B - A) in each question's probability, in percentage points, with
    95% intervals.

    ``rows`` are dicts with ``text``, ``diff``, ``low``, ``high`` and ``runs_changed`` (as
    ``analysis.compare.compare(...)["questions"]`` or the dashboard's paired differences give them).
    Green: B makes it more likely, red: less likely, grey: the interval includes zero.
    """
    def colour(r: dict) -> str:
        return POSITIVE if r["low"] > 0 else NEGATIVE if r["high"] < 0 else NEUTRAL

    from .words import points

    fig = go.Figure(go.Scatter(
        x=[100 * r["diff"] for r in rows], y=[wrap(r["text"]) for r in rows], mode="markers", name="paired difference",
        marker=dict(size=12, color=[colour(r) for r in rows], line=dict(color="#333", width=1)),
        error_x=dict(type="data", symmetric=False, array=[100 * (r["high"] - r["diff"]) for r in rows],
                     arrayminus=[100 * (r["diff"] - r["low"]) for r in rows], thickness=2, width=6, color="#555"),
        customdata=[[points(r["diff"], r["low"], r["high"]), r["runs_changed"]] for r in rows],
        hovertemplate=("%{y}<br><b>%{customdata[0]}</b>; "
                       f"the answer changed in %{{customdata[1]:,}} of {runs:,} paired runs<extra></extra>")))
    fig.add_vline(x=0, line=dict(color="#444", width=1))
    span = 100 * max([0.05] + [abs(v) for r in rows for v in (r["low"], r["high"])])
    fig.update_layout(
        title=f"How much does {label_b} change each question compared with {label_a}? "
              f"({runs:,} paired runs, 95% intervals)",
        xaxis=dict(title=f"Difference in probability, percentage points ({label_b} minus {label_a})",
                   tickformat="+.0f", ticksuffix=" pts",
                   range=[-1.1 * span, 1.1 * span]),
        yaxis=dict(autorange="reversed"), showlegend=False,
        height=160 + 60 * max(len(rows), 1), template="plotly_white", margin=dict(l=360))
    return fig
