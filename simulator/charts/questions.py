"""The scenario's questions at a glance: probability and interval per question."""

from __future__ import annotations

import plotly.graph_objects as go

from .frames import wrap
from .palette import question_color


def question_summary(answers: list, runs: int, compiled, title_note: str = "") -> go.Figure:
    """Dot-and-whisker chart of each question's answer, from the questions' typed answers (``answers.Answer``;
    ``answers.question_chart`` makes them from a summary), each drawn as its class draws a cell (``sweep_cell``) on
    its class's axis (``sweep_scale``): a probability with its 95% Wilson interval, a count question's chance to
    happen at least once (its mean and median count in the hover), a date question's median date with the 10–90%
    range of its runs (the share within the calendar in the hover), in a panel of dates below the probabilities."""
    from plotly.subplots import make_subplots

    by_id = {q.id: q for q in compiled.questions}
    drawn = [(a, a.sweep_cell(compiled)) for a in answers]
    drawn = [(a, c) for a, c in drawn if c["z"] is not None]
    scales: dict[str, list] = {}
    for a, c in drawn:  # one panel per scale (probabilities, dates), in the answers' order
        scales.setdefault(type(a).scale, []).append((a, c))
    sizes = [len({a.id for a, _ in panel}) for panel in scales.values()] or [1]
    fig = make_subplots(rows=len(sizes), cols=1, row_heights=[n / sum(sizes) for n in sizes],
                        vertical_spacing=0.5 / (2 + sum(sizes)))
    for row, panel in enumerate(scales.values(), start=1):
        for cls in dict.fromkeys(type(a) for a, _ in panel):  # one trace per kind of answer, its own mark and legend
            mine = [(a, c) for a, c in panel if type(a) is cls]
            fig.add_trace(go.Scatter(
                x=[c["z"] for _, c in mine], y=[wrap(a.text) for a, _ in mine], mode="markers", name=cls.legend,
                marker=dict(symbol=cls.symbol, size=12, color=[question_color(by_id[a.id], compiled) for a, _ in mine],
                            line=dict(color="#333", width=1)),
                error_x=dict(type="data", symmetric=False, array=[c["high"] - c["z"] for _, c in mine],
                             arrayminus=[c["z"] - c["low"] for _, c in mine], thickness=2, width=6, color="#555"),
                customdata=["<br>".join(c["hover"]) + a.hover() for a, c in mine],
                hovertemplate="%{y}<br>%{customdata}<extra></extra>"), row=row, col=1)
        scale = type(panel[0][0]).sweep_scale(compiled)
        axis = {k: scale[k] for k in ("tickformat", "tickvals", "ticktext", "type") if k in scale}
        lo, hi = scale["range"]
        fig.update_xaxes(title=scale["title"], range=[lo - 0.02 * (hi - lo), hi + 0.02 * (hi - lo)], **axis,
                         row=row, col=1)
        fig.update_yaxes(autorange="reversed", row=row, col=1)
    fig.update_layout(
        title=f"How likely is each question to come true, and when? ({runs:,} runs; 95% Wilson intervals, "
              f"dates: the median and 10–90% of runs{title_note})",
        legend=dict(orientation="h", y=-0.2), height=160 + 60 * len(answers) + 80 * (len(sizes) - 1),
        template="plotly_white", margin=dict(l=360))
    return fig
