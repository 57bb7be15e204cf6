"""The scenario's questions at a glance: probability and interval per question."""

from __future__ import annotations

import plotly.graph_objects as go

from .frames import as_probability, wrap
from .palette import question_color

KINDS = (("yes/no", "circle", "yes/no question"),
         ("date", "diamond", "date question: happens by the end of the calendar"),
         ("count", "square", "count question: happens at least once (by its date)"))


def question_summary(summary: dict, compiled, title_note: str = "") -> go.Figure:
    """Dot-and-whisker chart of each question's probability with its 95% Wilson interval.

    Date questions are plotted as "happens within the calendar" (their median date is in the hover
    text), count questions as "happens at least once" (their mean and median count are in the hover).
    """
    by_id = {q.id: q for q in compiled.questions}
    fig = go.Figure()
    for kind, symbol, label in KINDS:
        entries = [as_probability(e) for e in summary["questions"] if e["kind"] == kind]
        entries = [e for e in entries if e["p"] is not None]
        if not entries:
            continue
        fig.add_trace(go.Scatter(
            x=[e["p"] for e in entries], y=[wrap(e["text"]) for e in entries], mode="markers", name=label,
            marker=dict(symbol=symbol, size=12, color=[question_color(by_id[e["id"]], compiled) for e in entries],
                        line=dict(color="#333", width=1)),
            error_x=dict(type="data", symmetric=False, array=[e["high"] - e["p"] for e in entries],
                         arrayminus=[e["p"] - e["low"] for e in entries], thickness=2, width=6, color="#555"),
            customdata=[[e["low"], e["high"], e["yes"], e["n"], _detail(e)] for e in entries],
            hovertemplate=("%{y}<br><b>%{x:.1%}</b> [%{customdata[0]:.1%}, %{customdata[1]:.1%}], "
                           "%{customdata[2]:,} of %{customdata[3]:,} runs%{customdata[4]}<extra></extra>")))
    n = summary["runs"]
    fig.update_layout(
        title=f"How likely is each question to come true? ({n:,} runs, 95% Wilson intervals{title_note})",
        xaxis=dict(title="Probability", tickformat=".0%", range=[-0.02, 1.02]),
        yaxis=dict(autorange="reversed"), legend=dict(orientation="h", y=-0.2),
        height=160 + 60 * len(summary["questions"]), template="plotly_white", margin=dict(l=360))
    return fig


def _detail(entry: dict) -> str:
    if entry["kind"] == "date":
        return f"<br>median date {entry['median'] or 'not within the calendar'}"
    if entry["kind"] == "count" and entry.get("mean") is not None:
        return f"<br>mean {entry['mean']:.2f} times, median {entry['median']}"
    return ""
