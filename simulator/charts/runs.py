"""Charts of individual runs and of why meetings were postponed."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .frames import add_markers, as_frame, calendar_markers, level_names, marker_key, to_dates
from .palette import NEUTRAL, actor_colors, level_colors

CALENDAR_LANE = "Calendar (scheduled, shocks)"
ELECTION_LANE = "Election"
SHOCK_COLOR = "#d62728"
WHAT_WHEN = "%{text}, %{x|%d %b %Y}<extra></extra>"


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


def _postponements(ev: pd.DataFrame) -> pd.DataFrame:
    """One row per postponed proposal (step, level), with its proposer and every blocking reason."""
    blocked = ev[ev.kind == "blocked"]
    proposers = ev[ev.kind == "proposed"].set_index(["step", "level"])["actor"]
    rows = []
    for (step, level), grp in blocked.groupby(["step", "level"], sort=True):
        reasons = "<br>".join(f"{a or 'track frozen'}: {d.replace(':', ' ', 1)}" for a, d in zip(grp.actor, grp.detail))
        rows.append({"date": grp.date.iloc[0], "level": level, "track": grp.track.iloc[0],
                     "proposer": proposers.get((step, level), "?"), "reasons": reasons})
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
    shown: set[str] = set()

    def legend_once(group: str, n_points: int) -> bool:
        """Show a legend entry the first time its group has something to show (empty traces get none)."""
        if n_points == 0 or group in shown:
            return False
        shown.add(group)
        return True

    for row, (pt, rep, _) in enumerate(sample, start=1):
        ev = ev_all[(ev_all.point == pt) & (ev_all.replication == rep)].copy()
        ev["date"] = to_dates(ev["date"]).to_numpy()
        held = ev[ev.kind == "held"]
        for level in compiled.level_order:  # one trace per level, so the legend names the colours
            at = held[held.level == level]
            fig.add_trace(go.Scatter(
                x=at.date, y=[track_name[t] for t in at.track], mode="markers", name=f"held: {names[level]}",
                marker=dict(symbol="star", size=16, color=lcolor[level], line=dict(width=1, color="#333")),
                legendgroup=f"held.{level}", showlegend=legend_once(f"held.{level}", len(at)),
                hovertemplate=f"{names[level]} held, %{{x|%d %b %Y}}<extra></extra>"), row=row, col=1)
        post = _postponements(ev)
        fig.add_trace(go.Scatter(
            x=post.date, y=[track_name[t] for t in post.track], mode="markers", name="proposed, postponed",
            marker=dict(symbol="x-thin-open", size=8, color=[lcolor[lv] for lv in post.level], line=dict(width=1.5)),
            customdata=np.column_stack([[names[lv] for lv in post.level], post.proposer, post.reasons])
            if len(post) else None,
            legendgroup="postponed", showlegend=legend_once("postponed", len(post)),
            hovertemplate=("%{customdata[0]} proposed by %{customdata[1]}, %{x|%d %b %Y}; postponed:<br>"
                           "%{customdata[2]}<extra></extra>")), row=row, col=1)
        conc = ev[ev.kind == "conceded"]
        parts = [d.split(":", 1) for d in conc.detail]
        fig.add_trace(go.Scatter(
            x=conc.date, y=[ladder_name[lad] for lad, _ in parts], mode="markers", name="concession",
            marker=dict(symbol="diamond", size=11, color=[acolor[a] for a in conc.actor]),
            text=[stage_name[(lad, st)] for lad, st in parts], legendgroup="conceded",
            showlegend=legend_once("conceded", len(conc)), hovertemplate=WHAT_WHEN), row=row, col=1)
        elec = ev[ev.kind == "election"]
        fig.add_trace(go.Scatter(
            x=elec.date, y=[ELECTION_LANE] * len(elec), mode="markers", name="election round",
            marker=dict(symbol="square", size=11, color=[acolor.get(a, NEUTRAL) for a in elec.actor]),
            text=[_election_text(a, d) for a, d in zip(elec.actor, elec.detail)], legendgroup="election",
            showlegend=legend_once("election", len(elec)), hovertemplate=WHAT_WHEN), row=row, col=1)
        cal = ev[ev.kind.isin(["scheduled", "shock"])]
        fig.add_trace(go.Scatter(
            x=cal.date, y=[CALENDAR_LANE] * len(cal), mode="markers", name="scheduled event or shock",
            marker=dict(symbol=["triangle-up" if k == "scheduled" else "triangle-down" for k in cal.kind], size=10,
                        color=["#444" if k == "scheduled" else SHOCK_COLOR for k in cal.kind]),
            text=[("shock: " if k == "shock" else "") + event_name.get(d, d) for k, d in zip(cal.kind, cal.detail)],
            legendgroup="calendar", showlegend=legend_once("calendar", len(cal)), hovertemplate=WHAT_WHEN),
            row=row, col=1)
        fig.update_yaxes(categoryorder="array", categoryarray=lanes[::-1], range=[-0.5, len(lanes) - 0.3],
                         type="category", row=row, col=1)
    markers = calendar_markers(compiled)
    add_markers(fig, [(m, m.date) for m in markers], labels=False)
    pad = dt.timedelta(days=10)
    fig.update_xaxes(type="date", range=[compiled.dates[0] - pad, compiled.dates[-1] + pad], tickformat="%b %Y")
    fig.update_xaxes(title="Date", row=max(len(sample), 1), col=1)
    fig.update_layout(title=dict(text="What happens in a few sample runs? (hover a mark for who proposed, who "
                                      f"blocked and why)<br><sup>{marker_key(markers)}</sup>"),
                      height=170 + 260 * max(len(sample), 1), template="plotly_white",
                      legend=dict(orientation="h", y=-0.08 if len(sample) > 1 else -0.25))
    return fig


def _election_text(winner: str, detail: str) -> str:
    round_name, _, rest = detail.partition(":")
    label = "Round 1" if round_name == "round1" else "Run-off"
    if rest == "runoff":
        return f"{label}: no majority, run-off needed"
    return f"{label}: {winner} wins ({rest.replace('p_win=', 'incumbent win chance ')})"


def postponement_reasons(summary: dict, compiled) -> go.Figure:
    """Per level, the share of blocked proposals by who blocked them and why (from ``summary.summarize``).

    The summary keeps the most frequent reasons per level; any remainder is
    shown as "other reasons" so each bar adds up to 100%.
    """
    acolor = actor_colors(compiled)
    pre = {p.id: _requirement(p, compiled) for p in compiled.preconditions}
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
            x=share, y=ylabels, orientation="h", name=_reason_label(actor, reason, pre),
            marker=dict(color=acolor.get(actor, NEUTRAL), line=dict(color="white", width=1),
                        pattern=dict(shape=_pattern(reason), fgcolor="white", solidity=0.25)),
            customdata=custom,
            hovertemplate=("%{y}<br><b>" + _reason_label(actor, reason, pre) + "</b>: %{x:.1%} of blocks "
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


def _reason_label(actor: str, reason: str, pre: dict) -> str:
    kind, _, what = reason.partition(":")
    if kind == "precondition" and what in pre:
        return f"{actor}: precondition {what} ({pre[what]})"
    if kind == "shock":
        return f"track frozen by shock {what}"
    return f"{actor}: {reason}"


def _requirement(p, compiled) -> str:
    if p.ladder is not None:
        need = f"{p.ladder} at {compiled.ladders[p.ladder][1][p.stage]}"
    else:
        need = p.meeting or f"event {p.event}"
    return f"{p.kind}, needs {need}"


def _pattern(reason: str) -> str:
    return {"precondition": "/", "shock": "."}.get(reason.partition(":")[0], "")
