"""Charts of a track record (``diplosim backtest``): reliability diagram and PIT histogram, from the backtest dict."""

from __future__ import annotations

import plotly.graph_objects as go

from .frames import wrap


def _yes_no(backtest: dict) -> list[dict]:
    return [r for e in backtest.get("scenarios", []) for r in e["yes_no"]]


def reliability_diagram(backtest: dict) -> go.Figure:
    """Pooled yes/no forecasts: observed share per forecast bin (with Wilson intervals) against the diagonal,
    and each question as a point (forecast, happened or not)."""
    pooled = backtest.get("pooled", {})
    bins = pooled.get("reliability", [])
    rows = _yes_no(backtest)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfect calibration",
                             line=dict(color="grey", dash="dash"), hoverinfo="skip"))
    if rows:
        fig.add_trace(go.Scatter(
            x=[r["forecast"] for r in rows], y=[1.0 if r["happened"] else 0.0 for r in rows], mode="markers",
            name="questions (1 = happened)", marker=dict(size=8, opacity=0.5, symbol="line-ns-open"),
            text=[wrap(r["text"], 60) for r in rows],
            hovertemplate="%{text}<br>forecast %{x:.1%}<extra></extra>"))
    if bins:
        fig.add_trace(go.Scatter(
            x=[b["mean_forecast"] for b in bins], y=[b["observed"] for b in bins], mode="lines+markers",
            name="observed share per forecast bin (95% Wilson)",
            error_y=dict(type="data", symmetric=False, array=[b["high"] - b["observed"] for b in bins],
                         arrayminus=[b["observed"] - b["low"] for b in bins]),
            marker=dict(size=[8 + 2 * min(b["n"], 20) for b in bins]), customdata=[b["n"] for b in bins],
            hovertemplate="mean forecast %{x:.1%}: happened %{y:.0%} of %{customdata} questions<extra></extra>"))
    yn = pooled.get("yes_no", {})
    note = (f": mean Brier {yn['brier']:.3f} (0.250 for 50%), reliability {yn['murphy']['reliability']:.3f}, "
            f"resolution {yn['murphy']['resolution']:.3f}") if yn.get("n") else ""
    fig.update_layout(title=wrap(f"Were the forecasts calibrated? {yn.get('n', 0)} yes/no questions{note}", 90),
                      xaxis=dict(title="Forecast probability", tickformat=".0%", range=[-0.02, 1.02]),
                      yaxis=dict(title="Share that happened", tickformat=".0%", range=[-0.05, 1.05]),
                      template="plotly_white", height=500)
    return fig


def pit_histogram(backtest: dict) -> go.Figure:
    """Pooled PIT of observed dates and counts: a flat histogram means the date distributions were calibrated."""
    pooled = backtest.get("pooled", {})
    fig = go.Figure()
    total = 0
    for key, name in (("dates", "dates"), ("counts", "counts")):
        hist = pooled.get(key, {}).get("pit_histogram")
        if not hist:
            continue
        edges = hist["edges"]
        total += hist["n"]
        fig.add_trace(go.Bar(x=[(a + b) / 2 for a, b in zip(edges[:-1], edges[1:])], y=hist["counts"],
                             width=[b - a for a, b in zip(edges[:-1], edges[1:])], name=name,
                             hovertemplate="PIT %{x:.2f}: %{y} items<extra></extra>"))
        fig.add_hline(y=hist["n"] / hist["bins"], line=dict(color="grey", dash="dash"),
                      annotation_text=f"flat ({name})")
    fig.update_layout(title=wrap(f"Where did the observed dates fall in the forecasts? PIT of {total} items "
                                 "(near 0: earlier than forecast, near 1: later or not by the end)", 90),
                      barmode="stack", xaxis=dict(title="PIT (share of the forecast before the observed date)",
                                                  range=[0, 1]),
                      yaxis=dict(title="Items"), template="plotly_white", height=420)
    return fig


def scores_table(backtest: dict) -> go.Figure:
    """Per scenario and pooled: yes/no questions (mean Brier, log score, skill vs 50%), dates (mean CRPS in weeks,
    mean PIT), and whether the scenario was edited after its outcomes were recorded."""
    def row(name, s, edited):
        yn, d = s["yes_no"], s["dates"]
        f = lambda x, fmt: "-" if x is None else format(x, fmt)  # noqa: E731
        return [name, yn["n"], f(yn.get("brier"), ".3f"), f(yn.get("log_score"), ".3f"), f(yn.get("skill_vs_50"), "+.2f"),
                d["n"], f(d.get("crps"), ".2f"), f(d.get("mean_pit"), ".2f"), edited]

    rows = [row(e["title"], e["summary"], "yes" if e["edited_after_outcomes"] else "no")
            for e in backtest.get("scenarios", [])]
    pooled = backtest.get("pooled")
    if pooled:
        n = pooled["scenarios"]
        rows.append(row(f"Pooled ({n} scenario{'' if n == 1 else 's'})", pooled,
                        str(len(pooled["edited_after_outcomes"])) + " edited"))
    header = ["scenario", "yes/no questions", "mean Brier", "mean log score", "skill vs 50%", "dates",
              "mean CRPS (weeks)", "mean PIT", "edited after outcomes"]
    fig = go.Figure(go.Table(columnwidth=[4] + [1] * (len(header) - 1), header={"values": header, "align": "left"},
                             cells={"values": [list(c) for c in zip(*rows)] if rows else [[] for _ in header],
                                    "align": "left", "height": 30}))
    fig.update_layout(title=f"Track record over {backtest.get('runs', 0)} runs per scenario "
                            "(Brier 0.250 = always 50%; lower CRPS is better)",
                      height=220 + 45 * max(len(rows), 1), template="plotly_white")
    return fig


def backtest_figures(backtest: dict) -> list[tuple[str, str, go.Figure]]:
    """The track record's page (``diplosim backtest --html``, the dashboard's Track record report): (id, title,
    figure) of the scores table, the reliability diagram and the PIT histogram."""
    return [("scores", "Scores", scores_table(backtest)), ("reliability", "Reliability", reliability_diagram(backtest)),
            ("pit", "PIT of dates", pit_histogram(backtest))]

