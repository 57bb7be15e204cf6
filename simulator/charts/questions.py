"""The scenario's questions at a glance: probability and interval per question."""

from __future__ import annotations

import plotly.graph_objects as go

from .frames import wrap
from .palette import question_color


def question_summary(answers: list, runs: int, compiled, title_note: str = "") -> go.Figure:
    """Dot-and-whisker chart of each question's probability with its 95% Wilson interval, from the questions'
    typed answers (``answers.Answer``; ``answers.question_chart`` makes them from a summary).

    Date questions are plotted as "happens within the calendar" (their median date is in the hover
    text), count questions as "happens at least once" (their mean and median count are in the hover).
    """
    by_id = {q.id: q for q in compiled.questions}
    fig = go.Figure()
    for cls in dict.fromkeys(type(a) for a in answers):  # one trace per kind of answer, its own mark and legend
        mine = [a for a in answers if type(a) is cls and a.as_probability()["p"] is not None]
        entries = [{**a.as_probability(), "detail": a.hover()} for a in mine]
        if not entries:
            continue
        symbol, label = cls.symbol, cls.legend
        fig.add_trace(go.Scatter(
            x=[e["p"] for e in entries], y=[wrap(e["text"]) for e in entries], mode="markers", name=label,
            marker=dict(symbol=symbol, size=12, color=[question_color(by_id[e["id"]], compiled) for e in entries],
                        line=dict(color="#333", width=1)),
            error_x=dict(type="data", symmetric=False, array=[e["high"] - e["p"] for e in entries],
                         arrayminus=[e["p"] - e["low"] for e in entries], thickness=2, width=6, color="#555"),
            customdata=[[e["low"], e["high"], e["yes"], e["n"], e["detail"]] for e in entries],
            hovertemplate=("%{y}<br><b>%{x:.1%}</b> [%{customdata[0]:.1%}, %{customdata[1]:.1%}], "
                           "%{customdata[2]:,} of %{customdata[3]:,} runs%{customdata[4]}<extra></extra>")))
    fig.update_layout(
        title=f"How likely is each question to come true? ({runs:,} runs, 95% Wilson intervals{title_note})",
        xaxis=dict(title="Probability", tickformat=".0%", range=[-0.02, 1.02]),
        yaxis=dict(autorange="reversed"), legend=dict(orientation="h", y=-0.2),
        height=160 + 60 * len(answers), template="plotly_white", margin=dict(l=360))
    return fig

