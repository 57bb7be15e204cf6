"""Reference classes counted from the dataset: for each milestone class, the chance it has happened within a
number of days of becoming possible, from a Kaplan–Meier estimate that handles censored spells
(``statsmodels.duration.survfunc.SurvfuncRight``), with 95% intervals from a cluster bootstrap over negotiations.

- A spell's time is ``duration_days`` (possible to happened, or to the day it was censored); a spell that happened
  on the day it became possible is an event at day 0. ``approx: month`` spells (a day put on the 15th) are kept.
- The chance within ``t`` days is ``1 - S(t)``, events on day ``t`` included. Past a class's longest spell, when that
  spell is censored, the estimate is undefined (nothing is known that far out) and is given as ``None``.
- Intervals: the class's negotiations are resampled with replacement (all the spells of a drawn negotiation come
  together, so spells of one negotiation are not counted as independent), ``resamples`` times, with a numpy
  Generator seeded by ``(seed, the class's position in CLASSES)``: one class's interval does not move when
  another class or a left-out negotiation changes. The interval is the 2.5% and 97.5% percentiles of the resamples
  in which the estimate is defined at that day; a resample whose longest spell stops short of the day, censored, is
  undefined there and left out, and when more than ``UNDEFINED_MAX`` of the resamples are undefined at a day no
  interval is given (``None``).
- The spells are the timelines' and the classed spells of the scenario corpus's replays (``diplosim replay``; a
  scenario's negotiation id is its file's stem), each negotiation once; scenarios of the blind track and those on
  the leave-out list are not counted (``corpus.counted_corpus_spells``); ``corpus=False`` counts the timelines only.
- ``build_classes(exclude=[...])`` rebuilds without the given negotiations (leave-one-negotiation-out).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from pydantic import BaseModel, ConfigDict

from .classes import CLASSES

HORIZONS = (7, 30, 90, 180, 365)
#: The days at which every curve is stored (each week of the first year, and the horizons).
GRID = tuple(sorted(set(range(0, 366, 7)) | set(HORIZONS)))
RESAMPLES = 1000
SEED = 0
LEVEL = 0.95
#: Above this share of undefined resamples at a day, the interval there is not given.
UNDEFINED_MAX = 0.10
#: What "thin" and "fair" mean (spells, negotiations, events); above both is "solid".
THIN = {"spells": 20, "negotiations": 15, "events": 15}
FAIR = {"spells": 40, "negotiations": 30, "events": 30}


def chance_within(durations, events, days) -> np.ndarray:
    """``1 - S(t)`` at each of ``days`` from the Kaplan–Meier estimate of the spells (statsmodels); NaN where it is
    undefined (past the longest spell when that spell is censored, or with no spells)."""
    from statsmodels.duration.survfunc import SurvfuncRight

    durations = np.asarray(durations, dtype=float)
    events = np.asarray(events, dtype=int)
    days = np.asarray(days, dtype=float)
    if durations.size == 0:
        return np.full(days.shape, np.nan)
    sf = SurvfuncRight(durations, events)
    times, surv = np.asarray(sf.surv_times, dtype=float), np.asarray(sf.surv_prob, dtype=float)
    idx = np.searchsorted(times, days, side="right") - 1
    s = np.where(idx >= 0, surv[np.clip(idx, 0, None)] if surv.size else 1.0, 1.0)
    last = durations.max()
    s_last = surv[-1] if surv.size else 1.0
    return np.where((days > last) & (s_last > 0), np.nan, 1.0 - s)


def _opt(x) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


class ClassCurve(BaseModel):
    """One reference class counted from the dataset: its spells, the chance by day with an interval, and words."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    label: str
    spells: int
    events: int
    censored: int
    approx_month: int
    negotiations: list[str]
    corpus_spells: int = 0  # of ``spells``, those from the replays of the scenario corpus
    excluded: list[str] = []
    days: list[int]
    chance: list[float | None]
    low: list[float | None]
    high: list[float | None]
    undefined: list[int]
    resamples: int
    seed: int
    level: float = LEVEL

    # ------------------------------------------------------------------ numbers

    def at(self, day: int) -> tuple[float | None, float | None, float | None]:
        """(chance, low, high) within ``day`` days; ``day`` must be one of ``days``."""
        i = self.days.index(day)
        return self.chance[i], self.low[i], self.high[i]

    def horizons(self) -> list[dict]:
        """The chance within each of ``HORIZONS`` days, with its interval."""
        return [dict(zip(("days", "chance", "low", "high"), (d, *self.at(d)))) for d in HORIZONS]

    # ------------------------------------------------------------------ words

    def thinness(self) -> str:
        """How much the curve rests on, in plain words: 'thin: 12 spells from 5 negotiations (10 happened)'."""
        n_neg = len(self.negotiations)
        what = (f"{self.spells} spell{'s' if self.spells != 1 else ''} from {n_neg} "
                f"negotiation{'s' if n_neg != 1 else ''} ({self.events} happened, {self.censored} censored)")
        if self.spells == 0:
            return "empty: no spells in the dataset"
        counts = {"spells": self.spells, "negotiations": n_neg, "events": self.events}
        if any(counts[k] < v for k, v in THIN.items()):
            return f"thin: {what}"
        if any(counts[k] < v for k, v in FAIR.items()):
            return f"fair: {what}"
        return f"solid: {what}"

    def sentence(self, day: int) -> str:
        """'in 62% of cases within 90 days (95% interval 48% to 75%)', or why there is no number."""
        chance, low, high = self.at(day)
        if chance is None:
            return f"not known within {day} days (no spell followed that long)"
        ci = (f" ({100 * self.level:.0f}% interval {100 * low:.0f}% to {100 * high:.0f}%)"
              if low is not None else " (no interval: too few resamples followed that long)")
        return f"in {100 * chance:.0f}% of cases within {day} days{ci}"

    def title(self) -> str:
        return f"{self.label} ({self.name})"

    # ------------------------------------------------------------------ rendering

    def table_row(self, days: Iterable[int] = HORIZONS) -> list[str]:
        """The class's label, chances with intervals at ``days``, and its spell and negotiation counts."""
        cells = [self.label]
        for d in days:
            chance, low, high = self.at(d)
            cells.append(_pct_ci(chance, low, high))
        return cells + [str(self.spells), str(self.events), str(self.censored), str(len(self.negotiations))]

    def render(self, console, spells=None, published=()) -> None:
        """The class for ``diplosim reference show``: verdict, the chance at the horizons, the spells it rests on
        (``spells``: rows of ``spells_table`` for this class), and published rates speaking to it."""
        from rich.markup import escape as esc
        from rich.table import Table

        console.print(f"[bold]{esc(self.title())}[/bold]: {esc(self.thinness())}", soft_wrap=True)
        console.print(f"from the replays of the scenario corpus (diplosim replay): {self.corpus_spells} of the "
                      f"{self.spells} spells; the others from the timelines", soft_wrap=True)
        if self.excluded:
            console.print(f"left out: {esc(', '.join(self.excluded))}", soft_wrap=True)
        t = Table(title="Chance it has happened, by days since it became possible", title_justify="left")
        for col in ("within", "chance", f"{100 * self.level:.0f}% interval", "undefined resamples"):
            t.add_column(col, justify="right")
        for h in self.horizons():
            i = self.days.index(h["days"])
            t.add_row(f"{h['days']} days", _pct(h["chance"]),
                      "-" if h["low"] is None else f"{_pct(h['low'])} to {_pct(h['high'])}",
                      f"{self.undefined[i]} of {self.resamples}")
        console.print(t)
        console.print(f"Intervals: {self.resamples} resamples of the {len(self.negotiations)} negotiations "
                      f"(seed {self.seed}); {self.approx_month} spell(s) dated to the month only.", soft_wrap=True)
        if spells is not None and len(spells):
            t = Table(title=f"The spells it rests on ({len(spells)})", title_justify="left")
            for col in ("negotiation", "spell", "possible", "until", "days", "outcome"):
                t.add_column(col)
            for r in spells.itertuples(index=False):
                end = r.happened if r.event else r.censored
                outcome = "happened" if r.event else "not yet (censored)"
                if r.approx == "month":
                    outcome += ", dated to the month"
                t.add_row(r.negotiation, r.spell, r.possible.date().isoformat(), end.date().isoformat(),
                          str(r.duration_days), outcome)
            console.print(t)
        for p in published:
            console.print(f"[bold]Published[/bold] ({esc(p.citation())}): {esc(p.words())}", soft_wrap=True)

    def records(self) -> list[dict]:
        """One row per stored day (the Parquet layout of ``diplosim reference build --parquet``)."""
        return [{"class": self.name, "label": self.label, "day": d, "chance": c, "low": lo, "high": hi,
                 "undefined_resamples": u, "resamples": self.resamples, "spells": self.spells, "events": self.events,
                 "censored": self.censored, "negotiations": len(self.negotiations), "verdict": self.thinness()}
                for d, c, lo, hi, u in zip(self.days, self.chance, self.low, self.high, self.undefined)]


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def _pct_ci(chance, low, high) -> str:
    if chance is None:
        return "-"
    return _pct(chance) + ("" if low is None else f" [{_pct(low)}, {_pct(high)}]")


def count_class(name: str, spells, *, seed: int = SEED, resamples: int = RESAMPLES, excluded=(),
                days=GRID, corpus=()) -> ClassCurve:
    """The curve of class ``name`` from ``spells`` (rows of ``spells_table`` of that class); ``corpus``: the
    negotiations among them that are corpus scenarios."""
    days = np.asarray(days)
    negs = sorted(spells["negotiation"].unique()) if len(spells) else []
    dur = spells["duration_days"].to_numpy(dtype=float)
    ev = spells["event"].to_numpy(dtype=bool)
    point = chance_within(dur, ev, days)
    boot = np.full((resamples, days.size), np.nan)
    if negs:
        groups = [np.flatnonzero(spells["negotiation"].to_numpy() == n) for n in negs]
        rng = np.random.default_rng([seed, list(CLASSES).index(name) if name in CLASSES else len(CLASSES)])
        for b in range(resamples):
            pick = np.concatenate([groups[i] for i in rng.integers(0, len(groups), len(groups))])
            boot[b] = chance_within(dur[pick], ev[pick], days)
    undefined = np.isnan(boot).sum(axis=0)
    tail = (1 - LEVEL) / 2
    low, high = [], []
    for j in range(days.size):
        col = boot[~np.isnan(boot[:, j]), j]
        if not negs or np.isnan(point[j]) or undefined[j] > UNDEFINED_MAX * resamples:
            low.append(None)
            high.append(None)
        else:
            lo, hi = np.quantile(col, [tail, 1 - tail])
            low.append(float(lo))
            high.append(float(hi))
    label = CLASSES[name].label if name in CLASSES else name
    from_corpus = int(spells["negotiation"].isin(list(corpus)).sum()) if len(spells) else 0
    return ClassCurve(name=name, label=label, spells=int(len(spells)), corpus_spells=from_corpus,
                      events=int(ev.sum()), censored=int((~ev).sum()),
                      approx_month=int((spells["approx"] == "month").sum()) if len(spells) else 0,
                      negotiations=list(negs), excluded=sorted(excluded), days=[int(d) for d in days],
                      chance=[_opt(x) for x in point], low=low, high=high, undefined=[int(u) for u in undefined],
                      resamples=resamples, seed=seed)


def counted_spells(exclude: Iterable[str] = (), *, negotiations=None, corpus: bool = True, corpus_folder=None):
    """(the spells the curves count, the corpus scenarios among their negotiations): the timelines of
    ``negotiations`` (default: the shipped dataset) and, unless ``corpus`` is False, the classed spells of the
    corpus replays (``corpus.counted_corpus_spells``: blind scenarios and the leave-out list not counted), each
    negotiation once, its id the timeline's or the scenario file's stem; leaving out the negotiations named in
    ``exclude`` (ValueError if one is neither a timeline nor a replayed scenario)."""
    import pandas as pd

    from .corpus import counted_corpus_spells
    from .dataset import load_dataset, spells_table

    negotiations = load_dataset() if negotiations is None else negotiations
    exclude = list(dict.fromkeys(exclude))
    known = {n.id for n in negotiations}
    found = counted_corpus_spells(corpus_folder) if corpus else None
    scenarios = set(found.scenarios) if found is not None else set()
    twice = sorted(known & scenarios)
    if twice:
        raise ValueError(f"'{twice[0]}' is both a timeline and a corpus scenario: its spells would count twice")
    unknown = [e for e in exclude if e not in known | scenarios]
    if unknown:
        import difflib

        near = difflib.get_close_matches(unknown[0], sorted(known | scenarios), n=3)
        hint = (f" (did you mean {', '.join(near)}?)" if near else
                " (see the file names in the timelines folder and the corpus scenarios)")
        raise ValueError(f"unknown negotiation '{unknown[0]}'{hint}")
    table = spells_table([n for n in negotiations if n.id not in exclude])
    if found is not None and len(found.table):
        table = pd.concat([table, found.table[~found.table["negotiation"].isin(exclude)]], ignore_index=True)
    return table, scenarios


def build_classes(exclude: Iterable[str] = (), *, negotiations=None, corpus: bool = True, corpus_folder=None,
                  seed: int = SEED, resamples: int = RESAMPLES) -> dict[str, ClassCurve]:
    """Every class of ``CLASSES`` counted from the spells of ``counted_spells`` (the timelines and, unless
    ``corpus`` is False, the corpus replays), leaving out the negotiations named in ``exclude``."""
    exclude = list(dict.fromkeys(exclude))
    table, scenarios = counted_spells(exclude, negotiations=negotiations, corpus=corpus, corpus_folder=corpus_folder)
    return {name: count_class(name, table[table["class"] == name], seed=seed, resamples=resamples, excluded=exclude,
                              corpus=scenarios)
            for name in CLASSES}


def curves_document(curves: dict[str, ClassCurve], published=()) -> dict:
    """The JSON document of ``diplosim reference build``: how it was counted, every class, the published rates."""
    any_curve = next(iter(curves.values()))
    return {"reference_classes": 1, "horizons": list(HORIZONS), "level": LEVEL, "seed": any_curve.seed,
            "resamples": any_curve.resamples, "excluded": any_curve.excluded,
            "estimator": "Kaplan-Meier (statsmodels SurvfuncRight); intervals: percentile cluster bootstrap over "
                         "negotiations",
            "classes": [c.model_dump(mode="json") for c in curves.values()],
            "published": [p.model_dump(mode="json", by_alias=True) for p in published]}


def markdown_table(curves: dict[str, ClassCurve]) -> str:
    """The classes' chances as a Markdown table (docs/outside-view.md; ``diplosim reference build --markdown``)."""
    head = ["kind of step (class)", *(f"{d} days" for d in HORIZONS), "spells (happened, censored)",
            "negotiations", "how thin"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in curves.values():
        cells = c.table_row()
        rows.append("| " + " | ".join([f"{c.label} (`{c.name}`)", *cells[1:1 + len(HORIZONS)],
                                       f"{c.spells} ({c.events}, {c.censored})", str(len(c.negotiations)),
                                       c.thinness().split(":")[0]]) + " |")
    return "\n".join(rows) + "\n"


def to_arrow(curves: dict[str, ClassCurve]):
    """The curves as an Arrow table, one row per class and stored day."""
    import pyarrow as pa

    rows = [r for c in curves.values() for r in c.records()]
    schema = pa.schema([("class", pa.string()), ("label", pa.string()), ("day", pa.int32()),
                        ("chance", pa.float64()), ("low", pa.float64()), ("high", pa.float64()),
                        ("undefined_resamples", pa.int32()), ("resamples", pa.int32()), ("spells", pa.int32()),
                        ("events", pa.int32()), ("censored", pa.int32()), ("negotiations", pa.int32()),
                        ("verdict", pa.string())])
    return pa.Table.from_pylist(rows, schema=schema)
