"""Charts of individual runs and of why meetings were postponed."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .frames import add_markers, as_frame, calendar_markers, level_names, to_dates
from .palette import NEUTRAL, actor_colors, level_colors
from .words import blocked_sentence, election_sentence, short_name

CALENDAR_LANE = "Calendar (scheduled, shocks)"
ELECTION_LANE = "Election"
SHOCK_COLOR = "#d62728"
WHAT_WHEN = "%{text}, %{x|%d %b %Y}<extra></extra>"
CALENDAR_KINDS = {"scheduled": ("scheduled talks or event", dict(symbol="triangle-up", size=10, color="#444")),
                  "shock": ("shock", dict(symbol="triangle-down", size=10, color=SHOCK_COLOR))}


def pick_sample_runs(runs, compiled, k: int = 3, events=None) -> list[tuple[int, int, str]]:
    """Up to ``k`` contrasting runs: fewest, typical and most meetings held -> [(point, replication, why)].

    With ``events`` given, only runs whose events were kept are candidates (a
    run may keep the event log of its first runs only).
    """
    df = as_frame(runs)
    if events is not None:
        ev = as_frame(events)[["point", "replication"]].drop_duplicates()
        df = df.merge(ev, on=["point", "replication"], how="inner")
    if df.empty:
        return []
    held = sum(to_dates(df[f"first.{lv}"]).notna().to_numpy().astype(int) for lv in compiled.level_order)
    order = pd.DataFrame({"point": df["point"], "replication": df["replication"], "held": held}).sort_values(
        ["held", "point", "replication"], kind="stable").reset_index(drop=True)
    picks = sorted({round(i) for i in np.linspace(0, len(order) - 1, k)})
    names = {0: "fewest meetings", len(order) - 1: "most meetings"}
    return [(int(order.point[i]), int(order.replication[i]), names.get(i, "in between")) for i in picks]


def _lanes(compiled) -> list[str]:
    sc = compiled.scenario
    lanes = [tr.name for tr in sc.tracks] + [lad.name for lad in sc.concessions]
    if sc.calendar.election is not None:
        lanes.append(ELECTION_LANE)
    return lanes + [CALENDAR_LANE]


def _postponements(ev: pd.DataFrame, sc) -> pd.DataFrame:
    """One row per postponed proposal (step, level), with its proposer and every blocking reason as a sentence."""
    blocked = ev[ev.kind == "blocked"]
    proposers = ev[ev.kind == "proposed"].set_index(["step", "level"])["actor"]
    actors = {a.id: short_name(a.name) for a in sc.actors}
    scheduled = {e.id: e.name for e in sc.calendar.scheduled}
    rows = []
    for (step, level), grp in blocked.groupby(["step", "level"], sort=True):
        reasons = "<br>".join(blocked_sentence(a, d, level, sc) for a, d in zip(grp.actor, grp.detail))
        proposer = proposers.get((step, level), "")
        if proposer.startswith("calendar:"):
            proposer = scheduled.get(proposer.partition(":")[2], "scheduled talks")
        rows.append({"date": grp.date.iloc[0], "level": level, "track": grp.track.iloc[0],
                     "proposer": actors.get(proposer, proposer or "unknown"), "reasons": reasons})
    return pd.DataFrame(rows, columns=["date", "level", "track", "proposer", "reasons"])


def run_timelines(events, compiled, sample: list[tuple[int, int, str]]) -> go.Figure:
    """Swimlanes for a few runs: tracks, concession ladders, election and calendar as lanes, time across.

    Each run is a row of subplots with one trace of held meetings per level,
    then postponed proposals (hover: who proposed, who blocked and why),
    concessions, election rounds, and scheduled talks with shocks.
    """
    ev_all = as_frame(events)
    sc = compiled.scenario
    track_name = {tr.id: tr.name for tr in sc.tracks}
    ladder_name = {lad.id: lad.name for lad in sc.concessions}
    stage_name = {(lad.id, s.id): s.name for lad in sc.concessions for s in lad.stages}
    event_name = {e.id: e.name for e in sc.calendar.scheduled} | {s.id: s.name for s in sc.calendar.shocks}
    lcolor, acolor, names = level_colors(compiled), actor_colors(compiled), level_names(compiled)
    lanes = _lanes(compiled)
    titles = [f"Run {rep}" + (f" (point {pt})" if pt else "") + f": {why}" for pt, rep, why in sample]
    fig = make_subplots(rows=max(len(sample), 1), cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        subplot_titles=titles or ["no runs"])
    for row, (pt, rep, _) in enumerate(sample, start=1):
        ev = ev_all[(ev_all.point == pt) & (ev_all.replication == rep)].copy()
        ev["date"] = to_dates(ev["date"]).to_numpy()
        held = ev[ev.kind == "held"]
        for level in compiled.level_order:  # one trace per level, so the legend names the colours
            at = held[held.level == level]
            fig.add_trace(go.Scatter(
                x=at.date, y=[track_name[t] for t in at.track], mode="markers", name=f"held: {names[level]}",
                marker=dict(symbol="star", size=16, color=lcolor[level], line=dict(width=1, color="#333")),
                legendgroup=f"held.{level}", showlegend=False,
                hovertemplate=f"{names[level]} held, %{{x|%d %b %Y}}<extra></extra>"), row=row, col=1)
        post = _postponements(ev, sc)
        fig.add_trace(go.Scatter(
            x=post.date, y=[track_name[t] for t in post.track], mode="markers", name="proposed, postponed",
            marker=dict(symbol="x-thin-open", size=8, color=[lcolor[lv] for lv in post.level], line=dict(width=1.5)),
            customdata=np.column_stack([[names[lv] for lv in post.level], post.proposer, post.reasons])
            if len(post) else None,
            legendgroup="postponed", showlegend=False,
            hovertemplate=("%{customdata[0]} proposed by %{customdata[1]}, %{x|%d %b %Y}; postponed:<br>"
                           "%{customdata[2]}<extra></extra>")), row=row, col=1)
        conc = ev[ev.kind == "conceded"]
        parts = [d.split(":", 1) for d in conc.detail]
        fig.add_trace(go.Scatter(
            x=conc.date, y=[ladder_name[lad] for lad, _ in parts], mode="markers", name="concession",
            marker=dict(symbol="diamond", size=11, color=[acolor[a] for a in conc.actor]),
            text=[stage_name[(lad, st)] for lad, st in parts], legendgroup="conceded",
            showlegend=False, hovertemplate=WHAT_WHEN), row=row, col=1)
        elec = ev[ev.kind == "election"]
        fig.add_trace(go.Scatter(
            x=elec.date, y=[ELECTION_LANE] * len(elec), mode="markers", name="election round",
            marker=dict(symbol="square", size=11, color=[acolor.get(a, NEUTRAL) for a in elec.actor]),
            text=[election_sentence(a, d, sc) for a, d in zip(elec.actor, elec.detail)], legendgroup="election",
            showlegend=False, hovertemplate=WHAT_WHEN), row=row, col=1)
        for kind, (name, marker) in CALENDAR_KINDS.items():
            cal = ev[ev.kind == kind]
            fig.add_trace(go.Scatter(
                x=cal.date, y=[CALENDAR_LANE] * len(cal), mode="markers", name=name, marker=marker,
                text=[event_name.get(d, d) for d in cal.detail], legendgroup=kind, showlegend=False,
                hovertemplate=WHAT_WHEN), row=row, col=1)
        fig.update_yaxes(categoryorder="array", categoryarray=lanes[::-1], range=[-0.5, len(lanes) - 0.3],
                         type="category", row=row, col=1)
    _legend(fig, compiled, lcolor, names)
    markers = calendar_markers(compiled)
    add_markers(fig, [(m, m.date) for m in markers])
    pad = dt.timedelta(days=10)
    fig.update_xaxes(type="date", range=[compiled.dates[0] - pad, compiled.dates[-1] + pad], tickformat="%b %Y")
    fig.update_xaxes(title="Date", row=max(len(sample), 1), col=1)
    fig.update_yaxes(automargin=True)
    fig.update_layout(title=dict(text="What happens in a few sample runs? (hover a mark for who proposed, who "
                                      "blocked and why)"),
                      height=170 + 260 * max(len(sample), 1), template="plotly_white",
                      legend=dict(title="Marks and lines", x=1.02, xanchor="left", y=1, yanchor="top"))
    return fig


def _legend(fig, compiled, lcolor: dict, names: dict) -> None:
    """One legend entry per kind of mark, whether or not these runs have one, so the legend stays put while a
    run is stepped through and every symbol on the chart is explained."""
    entries = [(f"held: {names[lv]}", f"held.{lv}", dict(symbol="star", size=14, color=lcolor[lv],
                                                          line=dict(width=1, color="#333")))
               for lv in compiled.level_order]
    entries.append(("proposed, postponed (colour: meeting)", "postponed",
                    dict(symbol="x-thin-open", size=9, color="#555", line=dict(width=1.5))))
    if compiled.scenario.concessions:
        entries.append(("concession (colour: conceding actor)", "conceded",
                        dict(symbol="diamond", size=10, color=NEUTRAL)))
    if compiled.election is not None:
        entries.append(("election round (colour: winner)", "election", dict(symbol="square", size=10, color=NEUTRAL)))
    entries += [(name, kind, marker) for kind, (name, marker) in CALENDAR_KINDS.items()]
    for rank, (name, group, marker) in enumerate(entries, start=1):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name, legendgroup=group, marker=marker,
                                 legendrank=rank, hoverinfo="skip"))


def postponement_reasons(summary: dict, compiled) -> go.Figure:
    """Per level, the share of blocked proposals by who blocked them and why (from ``summary.summarize``).

    The summary keeps the most frequent reasons per level; any remainder is
    shown as "other reasons" so each bar adds up to 100%.
    """
    acolor = actor_colors(compiled)
    sc = compiled.scenario
    levels = [lv for lv in summary["levels"] if lv["blockers"]]
    ylabels = [f"{lv['name']}<br>({lv['postponed_mean']:.1f} weeks postponed per run)" for lv in levels]
    keys: list[tuple[str, str]] = []
    for lv in levels:
        keys += [(b["actor"], b["reason"]) for b in lv["blockers"] if (b["actor"], b["reason"]) not in keys]
    fig = go.Figure()
    for actor, reason in keys:
        found = [next((b for b in lv["blockers"] if (b["actor"], b["reason"]) == (actor, reason)), None)
                 for lv in levels]
        share = [b["share"] if b else 0.0 for b in found]
        custom = [[b["count"] if b else 0, b["runs_share"] if b else 0.0] for b in found]
        fig.add_trace(go.Bar(
            x=share, y=ylabels, orientation="h", name=_reason_label(actor, reason, sc),
            marker=dict(color=acolor.get(actor, NEUTRAL), line=dict(color="white", width=1),
                        pattern=dict(shape=_pattern(reason), fgcolor="white", solidity=0.25)),
            customdata=custom,
            hovertemplate=("%{y}<br><b>" + _reason_label(actor, reason, sc) + "</b>: %{x:.1%} of blocks "
                           "(%{customdata[0]:,} blocks); blocked it at least once in %{customdata[1]:.1%} of runs"
                           "<extra></extra>")))
    rest = [max(0.0, 1.0 - sum(b["share"] for b in lv["blockers"])) for lv in levels]
    if any(r > 1e-9 for r in rest):
        fig.add_trace(go.Bar(x=rest, y=ylabels, orientation="h", name="other reasons", marker=dict(color="#d9d9d9"),
                             hovertemplate="%{y}<br>other reasons: %{x:.1%} of blocks<extra></extra>"))
    fig.update_layout(
        barmode="stack", title=f"Why were meetings postponed? Who blocked proposed meetings, and why "
                               f"({summary['runs']:,} runs)",
        xaxis=dict(title="Share of blocked proposals", tickformat=".0%", range=[0, 1]),
        yaxis=dict(title="", autorange="reversed"), legend=dict(title="Blocked by: reason"),
        height=180 + 70 * max(len(levels), 1), template="plotly_white")
    return fig


def _reason_label(actor: str, reason: str, sc) -> str:
    """Who blocked and why, as a sentence: "Syria refused: it wants Turkey's statement of intent ... first"."""
    if reason == "declined":
        return f"{short_name(next((a.name for a in sc.actors if a.id == actor), actor))} declined: not ready yet"
    return blocked_sentence(actor, reason, "", sc)


def _pattern(reason: str) -> str:
    return {"precondition": "/", "shock": "."}.get(reason.partition(":")[0], "")
