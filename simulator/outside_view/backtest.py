"""The backtest of the outside view (``diplosim backtest CORPUS --outside-view``): four forecasts of every scored
question side by side, leave-one-negotiation-out.

For each scenario with observed outcomes, Brier (yes/no questions) and CRPS (dates, in weeks) of

* **as written**: the forecast as the backtest scores it (``analysis.backtest``: a confirmed blind scenario from its
  frozen forecast, the others from new runs);
* **outside view**: the class curves only (``views.outside_view``: every classed milestone paced by its class's
  curve, the author's paces and adjustments left out, the structure kept);
* **with defaults**: the forecast as written, with the class curves where the author stated no pace
  (``views.with_defaults``);
* **priors**: the writer's ``prior:`` (yes/no questions that have one; priors give no dates).

The class curves used for a scenario are counted without its negotiation: its own replayed spells (its file stem)
and any timeline of the same negotiation (``forecast.own_negotiations``: a timeline whose period overlaps the scenario's
calendar and that names two or more of its parties) are left out before the curves are counted, so a forecast never
sees its own outcome. The spells are read once; only the counting is repeated per scenario. The views read the
curves' chances only, so each class is counted with ``RESAMPLES`` bootstrap resamples (its interval is not used).

A scenario none of whose milestones has a class has no outside view: its row shows the forecast as written and the
priors only, and it is left out of the pooled scores (listed under ``without_classes``). Pooled scores are per
track, as the backtest pools them (blind, unconfirmed, sighted), never across tracks without saying so, over the
scenarios with a classed milestone; the four Brier scores are compared on the same questions (those with a prior),
and the first three also on every yes/no question.
"""

from __future__ import annotations

import numpy as np

#: runs per scenario and view of ``backtest --outside-view`` unless --runs says otherwise (three Monte Carlos each)
OUTSIDE_VIEW_RUNS = 300

#: bootstrap resamples per class curve here (the views read the point curve only)
RESAMPLES = 1
#: the four forecasts, in the order they are shown, with their words
COLUMNS = (("as_written", "as written"), ("outside_view", "outside view"), ("with_defaults", "with defaults"),
           ("priors", "priors"))


class Curves:
    """Every counted spell read once (timelines and corpus replays, ``curves.counted_spells``); ``without(ids)``
    counts each class leaving out the negotiations ``ids``."""

    def __init__(self, negotiations=None, corpus_folder=None):
        from .curves import counted_spells
        from .dataset import load_dataset

        self.negotiations = load_dataset() if negotiations is None else negotiations
        self.table, self.scenarios = counted_spells((), negotiations=self.negotiations, corpus_folder=corpus_folder)

    def without(self, exclude: list[str]) -> dict:
        from .classes import CLASSES
        from .curves import count_class

        kept = self.table[~self.table["negotiation"].isin(list(exclude))]
        return {name: count_class(name, kept[kept["class"] == name], resamples=RESAMPLES, excluded=exclude,
                                  corpus=self.scenarios)
                for name in CLASSES}


def _same_items(rows: list[dict], like: list[dict]) -> list[dict]:
    """The rows of ``rows`` that score the items of ``like`` (exposed questions stay out, as in the baseline)."""
    keys = {(r["id"], r.get("kind")) for r in like}
    return [r for r in rows if (r["id"], r.get("kind")) in keys]


def score_view(lo, scenario, runs: int, seed: int, engine: str, entry: dict) -> dict:
    """Score the scenario ``scenario`` (a view of ``lo``'s) on ``lo``'s outcomes with new runs: its yes/no and date
    rows on the items ``entry`` (the as-written entry) scores."""
    from ..analysis.backtest import score_runs, simulate
    from ..compiled import Compiled
    from ..runner import resolve_engine

    c = Compiled(scenario.scenario if hasattr(scenario, "scenario") else scenario)
    table = simulate(c, runs, seed, resolve_engine(c, engine))
    scored = score_runs(lo, c, table, runs, seed)
    return {"yes_no": _same_items(scored["yes_no"], entry["yes_no"]),
            "distributions": _same_items(scored["distributions"], entry["distributions"])}


def four_rows(entry: dict, ov: dict | None, wd: dict | None) -> list[dict]:
    """Each scored item with its four scores (``brier`` for yes/no, ``crps`` for dates; None where a forecast gives
    none: priors give no dates, a yes/no question without a prior has no prior score, and a scenario without a
    classed milestone (``ov``, ``wd`` None) has no outside view)."""
    out = []
    none = {"yes_no": [], "distributions": []}
    for key, score in (("yes_no", "brier"), ("distributions", "crps")):
        b = {(r["id"], r.get("kind")): r for r in (ov or none)[key]}
        c = {(r["id"], r.get("kind")): r for r in (wd or none)[key]}
        for r in entry[key]:
            if key == "distributions" and r["scale"] != "weeks":
                continue  # counts are scored apart (CRPS in times), never averaged with dates
            k = (r["id"], r.get("kind"))
            ob, oc = b.get(k, {}), c.get(k, {})
            row = {"id": r["id"], "text": r["text"], "kind": r.get("kind"), "score": score,
                   "observed": r["observed"], "as_written": r[score], "outside_view": ob.get(score),
                   "with_defaults": oc.get(score), "priors": r.get("prior_brier") if key == "yes_no" else None}
            if key == "yes_no":
                row.update({"forecast_as_written": r["forecast"], "forecast_outside_view": ob.get("forecast"),
                            "forecast_with_defaults": oc.get("forecast"), "prior": r.get("prior")})
            out.append(row)
    return out


def summarise_rows(rows: list[dict], seed: int = 0) -> dict:
    """The four mean scores of a set of items: Brier on the yes/no questions with a prior (all four), Brier on
    every yes/no question (the first three), CRPS in weeks on the dates (the first three); and each forecast's
    mean difference from the forecast as written with a bootstrap interval across items."""
    from ..analysis.scores import bootstrap_mean

    groups = {"brier_with_prior": [r for r in rows if r["score"] == "brier" and r["priors"] is not None],
              "brier_all": [r for r in rows if r["score"] == "brier"],
              "crps_weeks": [r for r in rows if r["score"] == "crps"]}
    out = {}
    for name, items in groups.items():
        entry: dict = {"n": len(items)}
        for col, _ in COLUMNS:
            values = [r[col] for r in items]
            if not items or any(v is None for v in values):
                entry[col] = None
                continue
            entry[col] = float(np.mean(values))
            if col != "as_written":
                d = np.asarray(values, float) - np.asarray([r["as_written"] for r in items], float)
                entry[f"{col}_minus_as_written"] = bootstrap_mean(d, 2000, seed)
        out[name] = entry
    return out


def outside_view_backtest(items, base: dict, runs: int, seed: int, engine: str = "auto", negotiations=None,
                          corpus_folder=None) -> dict:
    """The four forecasts of every scenario of ``items`` ((observed file, compiled) pairs) beside ``base`` (the
    backtest of the same items, ``analysis.backtest.backtest``), per scenario and pooled by track."""
    from ..analysis.backtest import TRACKS, group_of
    from .forecast import has_classes, own_negotiations
    from .views import outside_view, with_defaults

    curves = Curves(negotiations, corpus_folder)
    scenarios = []
    for (lo, _), entry in zip(items, base["scenarios"]):
        own = own_negotiations(lo.loaded, curves.negotiations)
        excluded = [n for n in own if n in curves.scenarios or n in {x.id for x in curves.negotiations}]
        classed = has_classes(lo.loaded)
        counted = []
        if classed:
            classes = curves.without(excluded)
            ov = score_view(lo, outside_view(lo.loaded, classes=classes), runs, seed, engine, entry)
            wd = score_view(lo, with_defaults(lo.loaded, classes=classes), runs, seed, engine, entry)
            counted = sorted({n for cc in classes.values() for n in cc.negotiations})
        else:  # no milestone has a class: there is no outside view of it (nor defaults from one)
            ov = wd = None
        rows = four_rows(entry, ov, wd)
        scenarios.append({"scenario": entry["scenario"], "title": entry["title"], "negotiation": own[0],
                          "group": group_of(entry), "as_written_from": entry.get("scored_from", "new runs"),
                          "classed_milestones": classed, "excluded": excluded, "counted_negotiations": counted,
                          "items": rows, "summary": summarise_rows(rows, seed)})
    tracks = {}
    for name, _ in TRACKS:
        group = [s for s in scenarios if s["group"] == name]
        if not group:
            continue
        classed = [s for s in group if s["classed_milestones"]]
        tracks[name] = {"scenarios": len(classed), "without_classes": [s["negotiation"] for s in group
                                                                       if not s["classed_milestones"]]}
        if classed:
            tracks[name].update(summarise_rows([r for s in classed for r in s["items"]], seed))
    return {"runs": runs, "seed": seed, "columns": [c for c, _ in COLUMNS], "scenarios": scenarios,
            "tracks": tracks}
