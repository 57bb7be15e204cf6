"""Charts of individual runs and of why milestones were postponed."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import layout as L
from ..eventlog import BLOCKED, BROKE, ELECTION, HAPPENED, PROPOSED, of
from ..lang.calendar import MARKED, marked_items
from .dates import DATE_TICKS
from .frames import DATE_FORMAT, add_markers, as_frame, calendar_markers, milestone_names, to_dates, verb
from .palette import NEUTRAL, actor_colors, milestone_colors
from ..lang.words import blocked_sentence, election_sentence, proposer_name, step_words

CALENDAR_LANE = "Calendar (events, shocks, occasions, arrivals)"
OTHER_LANE = "Other milestones"
WHAT_WHEN = f"%{{text}}, %{{x|{DATE_FORMAT}}}<extra></extra>"
CALENDAR_KINDS = {cls.logged: cls.mark for cls in MARKED}  # event kind -> each calendar item's mark


def pick_sample_runs(runs, compiled, k: int = 3, events=None) -> list[tuple[int, int, str]]:
    """Up to ``k`` contrasting runs: fewest, typical and most milestones reached -> [(point, replication, why)].

    With ``events`` given, only runs whose events were kept are candidates (a
    run may keep the event log of its first runs only).
    """
    df = as_frame(runs)
    if events is not None:
        ev = as_frame(events)[["point", "replication"]].drop_duplicates()
        df = df.merge(ev, on=["point", "replication"], how="inner")
    if df.empty:
        return []
    held = sum(to_dates(df[L.first(m.id)]).notna().to_numpy().astype(int) for m in compiled.milestones)
    order = pd.DataFrame({"point": df["point"], "replication": df["replication"], "held": held}).sort_values(
        ["held", "point", "replication"], kind="stable").reset_index(drop=True)
    picks = sorted({round(i) for i in np.linspace(0, len(order) - 1, k)})
    names = {0: "fewest milestones", len(order) - 1: "most milestones"}
    return [(int(order.point[i]), int(order.replication[i]), names.get(i, "in between")) for i in picks]


def lane_of(compiled, m) -> str:
    """The swimlane of a milestone: its track or concession ladder, else the lane of other milestones."""
    return compiled.words.name(m.track) if m.track is not None else OTHER_LANE


def election_lane(compiled, e) -> str:
    return compiled.words.name(f"election.{e.id}")


def _lanes(compiled) -> list[str]:
    lanes: list[str] = []
    for m in compiled.milestones:
        lane = lane_of(compiled, m)
        if lane not in lanes:
            lanes.append(lane)
    lanes += [election_lane(compiled, e) for e in compiled.elections]
    return lanes + [CALENDAR_LANE]


def _postponements(ev: pd.DataFrame, compiled) -> pd.DataFrame:
    """One row per postponed proposal (step, milestone) of a meeting or joint act, with its proposer and
    every blocking reason as a sentence (a unilateral step not taken is its actor's weekly choice, not a
    postponement)."""
    proposable = {m.id for m in compiled.milestones if m.proposable}
    blocked = ev[BLOCKED.mask(ev.kind) & ev.milestone.isin(proposable)]
    proposers = PROPOSED.rows(ev).set_index(["step", "milestone"])["actor"]
    rows = []
    for (step, milestone), grp in blocked.groupby(["step", "milestone"], sort=True):
        reasons = "<br>".join(blocked_sentence(compiled, a, d) for a, d in zip(grp.actor, grp.detail))
        proposer = proposers.get((step, milestone), None)
        if isinstance(proposer, pd.Series):
            proposer = ", ".join(dict.fromkeys(proposer_name(compiled, p) for p in proposer))
        else:
            proposer = "unknown" if proposer is None else proposer_name(compiled, proposer)
        rows.append({"date": grp.date.iloc[0], "milestone": milestone, "proposer": proposer, "reasons": reasons})
    return pd.DataFrame(rows, columns=["date", "milestone", "proposer", "reasons"])


def exact_dates(happened: pd.DataFrame, ev: pd.DataFrame, compiled) -> pd.DataFrame:
    """Milestones held at a dated event or occasion keep that exact date (as in the run record), while event
    rows carry the step's first day: move those to the date of the event or occasion that proposed them."""
    fixed = {f"calendar:{e.id}": e.date for e in compiled.scenario.calendar.events}
    fixed |= {f"occasion:{o.id}": o.date for o in compiled.scenario.calendar.occasions if o.date is not None}
    if happened.empty or not fixed:
        return happened
    proposed = ev[PROPOSED.mask(ev.kind) & ev.actor.isin(list(fixed))]
    if proposed.empty:
        return happened
    by = {(s, m): fixed[a] for s, m, a in zip(proposed.step, proposed.milestone, proposed.actor)}
    out = happened.copy()
    out["date"] = [pd.Timestamp(by[(s, m)]) if (s, m) in by else d
                   for s, m, d in zip(out.step, out.milestone, out.date)]
    return out


def run_timelines(events, compiled, sample: list[tuple[int, int, str]]) -> go.Figure:
    """Swimlanes for a few runs: tracks, concession ladders, other milestones, elections and the calendar as
    lanes, time across.

    Each run is a row of subplots with one trace per milestone (when it happened), then postponed
    proposals (hover: who proposed, who blocked and why), breakdowns, election results, and the calendar
    (dated events, shocks, occasions, actors entering or leaving). The legend, beside the plot, has one entry
    per kind of mark and line the scenario can produce, whether or not these runs have one, so it stays put
    while a run is stepped through.
    """
    ev_all = as_frame(events)
    w = compiled.words
    mcolor, acolor, names = milestone_colors(compiled), actor_colors(compiled), milestone_names(compiled)
    lane = {m.id: lane_of(compiled, m) for m in compiled.milestones}
    lanes = _lanes(compiled)
    titles = [f"Run {rep}" + (f" (point {pt})" if pt else "") + f": {why}" for pt, rep, why in sample]
    fig = make_subplots(rows=max(len(sample), 1), cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        subplot_titles=titles or ["no runs"])
    for row, (pt, rep, _) in enumerate(sample, start=1):
        ev = ev_all[(ev_all.point == pt) & (ev_all.replication == rep)].copy()
        ev["date"] = to_dates(ev["date"]).to_numpy()
        happened = exact_dates(HAPPENED.rows(ev), ev, compiled)
        for m in compiled.milestones:  # one trace per milestone, so the legend names the colours
            at = happened[happened.milestone == m.id]
            fig.add_trace(go.Scatter(
                x=at.date, y=[lane[m.id]] * len(at), mode="markers", name=f"{verb(m)}: {names[m.id]}",
                marker=dict(symbol=m.marker, size=m.marker_sizes[0],
                            color=mcolor[m.id], line=dict(width=1, color="#333")),
                legendgroup=f"happened.{m.id}", showlegend=False,
                hovertemplate=f"{names[m.id]} {verb(m)}, %{{x|{DATE_FORMAT}}}<extra></extra>"), row=row, col=1)
        post = _postponements(ev, compiled)
        fig.add_trace(go.Scatter(
            x=post.date, y=[lane[m] for m in post.milestone], mode="markers", name="proposed, postponed",
            marker=dict(symbol="x-thin-open", size=8, color=[mcolor[m] for m in post.milestone],
                        line=dict(width=1.5)),
            customdata=np.column_stack([[names[m] for m in post.milestone], post.proposer, post.reasons])
            if len(post) else None,
            legendgroup="postponed", showlegend=False,
            hovertemplate=(f"%{{customdata[0]}} proposed by %{{customdata[1]}}, %{{x|{DATE_FORMAT}}}; postponed:<br>"
                           "%{customdata[2]}<extra></extra>")), row=row, col=1)
        broke = BROKE.rows(ev)
        fig.add_trace(go.Scatter(
            x=broke.date, y=[lane[m] for m in broke.milestone], mode="markers", name="broke down",
            marker=dict(symbol="x", size=11, color=[mcolor[m] for m in broke.milestone],
                        line=dict(width=1, color="#333")),
            text=[f"{names[m]} broke down" for m in broke.milestone], legendgroup="broke",
            showlegend=False, hovertemplate=WHAT_WHEN), row=row, col=1)
        elec = ELECTION.rows(ev)
        texts = [election_sentence(compiled, a, d, s) for a, d, s in zip(elec.actor, elec.detail, elec.step)]
        ys = [_election_lane(compiled, d) for d in elec.detail]
        fig.add_trace(go.Scatter(
            x=elec.date, y=list(ys), mode="markers", name="election round",
            marker=dict(symbol="square", size=11, color=[acolor.get(a, NEUTRAL) for a in elec.actor]),
            text=list(texts), legendgroup="election",
            showlegend=False, hovertemplate=WHAT_WHEN), row=row, col=1)
        cal = ev[ev.kind.isin(list(CALENDAR_KINDS))]
        fig.add_trace(go.Scatter(
            x=cal.date, y=[CALENDAR_LANE] * len(cal), mode="markers", name="calendar: event, shock, occasion",
            marker=dict(symbol=[CALENDAR_KINDS[k][1] for k in cal.kind], size=10,
                        color=[CALENDAR_KINDS[k][2] for k in cal.kind]),
            text=[CALENDAR_KINDS[k][3] + w.name(a if of(k).by_actor else d)  # who joins or leaves; else the item
                  for k, a, d in zip(cal.kind, cal.actor, cal.detail)],
            legendgroup="calendar", showlegend=False, hovertemplate=WHAT_WHEN),
            row=row, col=1)
        fig.update_yaxes(categoryorder="array", categoryarray=lanes[::-1], range=[-0.5, len(lanes) - 0.3],
                         type="category", row=row, col=1)
    _legend(fig, compiled, mcolor, names)
    markers = calendar_markers(compiled)
    add_markers(fig, [(m, m.date) for m in markers])
    pad = dt.timedelta(days=10)
    fig.update_xaxes(type="date", range=[compiled.dates[0] - pad, compiled.dates[-1] + pad], **DATE_TICKS)
    fig.update_xaxes(title="Date", row=max(len(sample), 1), col=1)
    fig.update_yaxes(automargin=True)
    fig.update_layout(title=dict(text="What happens in a few sample runs? (hover a mark for who proposed, who "
                                      "blocked and why)"),
                      height=170 + (120 + 22 * len(lanes)) * max(len(sample), 1), template="plotly_white",
                      legend=dict(title="Marks and lines", x=1.02, xanchor="left", y=1, yanchor="top"))
    return fig


def _election_lane(compiled, detail: str) -> str:
    """The lane of an election event (``<id>`` or ``<id>:runoff``)."""
    eid = detail.partition(":")[0]
    if eid in compiled.gi:
        return election_lane(compiled, compiled.elections[compiled.gi[eid]])
    return compiled.words.name(f"election.{eid}")


def _legend(fig, compiled, mcolor: dict, names: dict) -> None:
    """One legend entry per kind of mark the scenario can produce, whether or not these runs have one, so the
    legend stays put while a run is stepped through and every symbol on the chart is explained."""
    sc = compiled.scenario
    entries = [(f"{verb(m)}: {names[m.id]}", f"happened.{m.id}",
                dict(symbol=m.marker, size=m.marker_sizes[1], color=mcolor[m.id],
                     line=dict(width=1, color="#333")))
               for m in compiled.milestones]
    if any(m.proposable for m in compiled.milestones):
        entries.append(("proposed, postponed (colour: milestone)", "postponed",
                        dict(symbol="x-thin-open", size=9, color="#555", line=dict(width=1.5))))
    if any(m.breakdown is not None for m in compiled.milestones):
        entries.append(("broke down (colour: milestone)", "broke",
                        dict(symbol="x", size=10, color=NEUTRAL, line=dict(width=1, color="#333"))))
    if compiled.elections:
        entries.append(("election round (colour: winner)", "election", dict(symbol="square", size=10, color=NEUTRAL)))
    present = {type(x) for x in marked_items(sc)}
    entries += [(name, "calendar", dict(symbol=symbol, size=10, color=color))
                for cls in MARKED if cls in present for name, symbol, color, _ in [cls.mark]]
    for rank, (name, group, marker) in enumerate(entries, start=1):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name, legendgroup=group, marker=marker,
                                 legendrank=rank, hoverinfo="skip"))


def postponement_reasons(summary: dict, compiled) -> go.Figure:
    """Per milestone, the share of its blocks by who blocked it and why (from ``summary.summarize``).

    Meetings and joint acts are shown when they were ever blocked; a unilateral step only when something
    other than its own actor's weekly choice held it back. The summary keeps the most frequent reasons
    per milestone; any remainder is shown as "other reasons" so each bar adds up to 100%.
    """
    acolor = actor_colors(compiled)
    kinds = {m.id: m for m in compiled.milestones}

    def shown(entry) -> bool:
        m = kinds.get(entry["id"])
        if m is None or not entry["blockers"]:
            return False
        if m.proposable:  # a unilateral step not taken is its actor's weekly choice: shown for other reasons only
            return True
        return any(b["reason"] != "declined" for b in entry["blockers"])

    rows = [e for e in summary["milestones"] if shown(e)]
    steps = step_words(compiled).many  # a postponement is counted per step: weeks, days
    ylabels = [f"{e['name']}<br>({e['postponed_mean']:.1f} {steps} postponed per run)" for e in rows]
    keys: list[tuple[str, str]] = []
    for e in rows:
        keys += [(b["actor"], b["reason"]) for b in e["blockers"] if (b["actor"], b["reason"]) not in keys]
    fig = go.Figure()
    for actor, reason in keys:
        found = [next((b for b in e["blockers"] if (b["actor"], b["reason"]) == (actor, reason)), None)
                 for e in rows]
        share = [b["share"] if b else 0.0 for b in found]
        custom = [[b["count"] if b else 0, b["runs_share"] if b else 0.0] for b in found]
        label = next(b.get("text") for b in found if b is not None) or blocked_sentence(compiled, actor, reason)
        fig.add_trace(go.Bar(
            x=share, y=ylabels, orientation="h", name=label,
            marker=dict(color=acolor.get(actor, NEUTRAL), line=dict(color="white", width=1),
                        pattern=dict(shape=_pattern(reason), fgcolor="white", solidity=0.25)),
            customdata=custom,
            hovertemplate=("%{y}<br><b>" + label + "</b>: %{x:.1%} of blocks "
                           "(%{customdata[0]:,} blocks); blocked it at least once in %{customdata[1]:.1%} of runs"
                           "<extra></extra>")))
    rest = [max(0.0, 1.0 - sum(b["share"] for b in e["blockers"])) for e in rows]
    if any(r > 1e-9 for r in rest):
        fig.add_trace(go.Bar(x=rest, y=ylabels, orientation="h", name="other reasons", marker=dict(color="#d9d9d9"),
                             hovertemplate="%{y}<br>other reasons: %{x:.1%} of blocks<extra></extra>"))
    fig.update_layout(
        barmode="stack", title=f"Why were milestones postponed? Who blocked them, and why ({summary['runs']:,} runs)",
        xaxis=dict(title="Share of blocked proposals", tickformat=".0%", range=[0, 1]),
        yaxis=dict(title="", autorange="reversed"), legend=dict(title="Blocked by: reason"),
        height=180 + 70 * max(len(rows), 1), template="plotly_white")
    return fig


def _pattern(reason: str) -> str:
    return {"precondition": "/", "shock": ".", "freeze": "."}.get(reason.partition(":")[0], "")
