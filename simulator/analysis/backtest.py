"""Backtests: a scenario's forecasts (or a corpus of them) scored against observed outcomes.

Every scenario runs ``runs`` replications with the root seed (batch engine when
the rules allow; the engines give identical runs), and each resolved item is
scored by its kind (the question class says how: ``scale`` None = a
probability, else a distribution in weeks or times):

* yes/no questions: Brier and log score; summaries add the binned Murphy
  decomposition and skill against 50% and against the base rate (``scores``);
* date questions and dated milestones: CRPS in weeks of the whole date
  distribution, "not by the end" a point one week after the calendar end, and
  the randomised PIT of the observed date; count questions: CRPS in times and
  PIT. These are never averaged with the yes/no scores.

Pooled scores put the items of every scenario together. Variants (rule switches
and numeric what-ifs) run the same replications with the same seed (common
random numbers) and are compared item by item with the baseline: paired
differences of Brier (yes/no) and CRPS (dates, counts), with bootstrap intervals
across items.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import layout as L
from ..stats import wilson
from . import scores as S
from .observed import SUFFIX, LoadedObserved, exposures_beside, load_exposures

BOOTSTRAP_REPS = 2000


# --------------------------------------------------------------------------- scoring one scenario


def _pit_uniform(seed: int, scenario: str, item: str) -> float:
    """The uniform draw of an item's randomised PIT: fixed by (seed, scenario file name, item id)."""
    key = zlib.crc32(f"{scenario}\0{item}".encode())
    return float(np.random.default_rng([seed, key]).random())


def _weeks_to_words(c, weeks: float) -> str:
    """A point on the weeks scale as a date, or 'not by the end'."""
    day = c.min_day + int(round(weeks * 7))
    if day > c.max_day:
        return "not by the end"
    return (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()


def _distribution_row(c, x: np.ndarray, y: float, v: float, scale: str) -> dict:
    lo, hi = S.pit_bounds(x, y)
    q10, q50, q90 = np.quantile(x, [0.1, 0.5, 0.9], method="inverted_cdf")
    row = {"scale": scale, "crps": S.crps_sample(x, y), "pit": lo + v * (hi - lo), "pit_low": lo, "pit_high": hi,
           "forecast_mean": float(x.mean()), "observed_value": y}
    if scale == "weeks":
        never = (c.max_day - c.min_day) / 7.0 + 1.0
        row.update({"forecast_p10": _weeks_to_words(c, q10), "forecast_median": _weeks_to_words(c, q50),
                    "forecast_p90": _weeks_to_words(c, q90), "p_not_by_end": float((x >= never).mean())})
    else:
        row.update({"forecast_p10": float(q10), "forecast_median": float(q50), "forecast_p90": float(q90)})
    return row


def score_runs(lo: LoadedObserved, compiled, table, runs: int, seed: int, frozen: dict | None = None,
               exposed: dict | None = None) -> dict:
    """Score one scenario's run table against its observed outcomes: the items and their summaries.

    With ``frozen`` (a frozen forecast of this very scenario) the forecasts scored are the frozen ones, as they
    were committed, and ``table`` is not read. ``exposed`` (question id -> what the writer saw of it: the blind
    check's) scores those questions apart, under ``exposed`` with their exposure, never in the items summarised;
    only questions can be exposed, never the milestones' dates."""
    c = compiled
    name = lo.scenario_path.name
    questions = {q.id: q for q in c.questions}
    if frozen is not None:
        from ..lang.questions import frozen_date_weeks

        frozen_q = {e["id"]: e for e in frozen["questions"]}
        frozen_m = {e["id"]: e for e in frozen["milestones"]}
    yes_no, dists = [], []
    exposed = exposed or {}
    apart = {"yes_no": [], "distributions": []}  # exposed questions' rows, scored apart
    unresolved = [{"id": o.question, "text": questions[o.question].text, "reason": o.unresolved}
                  for o in lo.observed.questions if o.unresolved is not None]
    for o in lo.observed.questions:
        if o.unresolved is not None:
            continue
        q = questions[o.question]
        x = (q.forecast_values(table.column(L.question(q.id)), c) if frozen is None
             else q.frozen_values(frozen_q[q.id], c))
        y = q.observed_value(o, c)
        base = {"id": q.id, "kind": q.kind_label, "text": q.text, "observed": q.observed_words(o)}
        if q.scale is None:
            p = float(x.mean())
            low, high = wilson([x.sum()], [len(x)])
            row = {**base, "forecast": p, "low": float(low[0]), "high": float(high[0]), "happened": bool(y),
                   "brier": S.brier(p, y), "log_score": S.log_score(p, y, runs)}
            prior = getattr(q, "prior", None)
            if prior is not None:
                row["prior"] = prior.value
                row["prior_brier"] = S.brier(prior.value, y)
            (apart["yes_no"] if q.id in exposed else yes_no).append(row)
        else:
            row = {**base, **_distribution_row(c, x, y, _pit_uniform(seed, name, q.id), q.scale)}
            (apart["distributions"] if q.id in exposed else dists).append(row)
    from ..lang.questions import date_weeks, observed_date_weeks

    w = c.words
    for m in lo.observed.milestones:
        x = (date_weeks(table.column(L.first(m.milestone)), c) if frozen is None
             else frozen_date_weeks(frozen_m[m.milestone], c))
        y = observed_date_weeks(m.date, c)
        dists.append({"id": m.milestone, "kind": "milestone", "text": f"First date of {w.name(m.milestone)}",
                      "name": w.name(m.milestone),
                      "observed": m.date.isoformat() if m.date is not None else "not by the end",
                      **_distribution_row(c, x, y, _pit_uniform(seed, name, "milestone:" + m.milestone), "weeks")})
    out = {"yes_no": yes_no, "distributions": dists, "unresolved": unresolved,
           "summary": summarise(yes_no, dists, runs)}
    if exposed:
        out["exposed"] = [{**r, "exposure": exposed[r["id"]]} for key in ("yes_no", "distributions")
                          for r in apart[key]]
    return out


def summarise(yes_no: list[dict], dists: list[dict], runs: int, bins: int = S.DEFAULT_BINS) -> dict:
    """Mean scores of a set of items: yes/no (with Murphy and skill), dates (CRPS weeks, PIT), counts."""
    out: dict = {"yes_no": S.binary_summary([r["forecast"] for r in yes_no], [r["happened"] for r in yes_no],
                                            runs, bins)}
    with_prior = [r for r in yes_no if "prior" in r]
    if with_prior:
        bm = float(np.mean([r["brier"] for r in with_prior]))
        bp = float(np.mean([r["prior_brier"] for r in with_prior]))
        out["yes_no"].update({"questions_with_prior": len(with_prior), "brier_on_those": bm, "prior_brier": bp,
                              "skill_vs_prior": S.skill(bm, bp)})
    for key, scale in (("dates", "weeks"), ("counts", "times")):
        rows = [r for r in dists if r["scale"] == scale]
        entry: dict = {"n": len(rows)}
        if rows:
            pits = [r["pit"] for r in rows]
            entry.update({"crps": float(np.mean([r["crps"] for r in rows])), "unit": scale,
                          "mean_pit": float(np.mean(pits)), "pit_histogram": S.pit_histogram(pits)})
        out[key] = entry
    return out


# --------------------------------------------------------------------------- a corpus


def simulate(compiled, runs: int, seed: int, engine: str, overrides: dict | None = None):
    from ..runner import run_replications

    table, _ = run_replications(compiled, seed, list(range(runs)), 0, overrides or None, engine=engine,
                                events_for=0)
    return table


def find_observed(target: Path) -> list[Path]:
    """The observed files of a corpus directory (``*.observed.yaml``), or the single file given."""
    if target.is_dir():
        return sorted(target.glob("*" + SUFFIX))
    return [target]


def scenario_entry(lo: LoadedObserved, compiled, engine: str, scored: dict) -> dict:
    obs = lo.observed
    entry = {"scenario": str(lo.scenario_path), "title": lo.loaded.scenario.metadata.title,
             "track": lo.loaded.scenario.metadata.track,
             "observed": str(lo.path), "as_of": lo.loaded.scenario.metadata.as_of.isoformat(),
             "resolved_on": obs.resolved_on.isoformat(), "engine": engine,
             "scenario_hash": lo.loaded.digest, "recorded_hash": obs.scenario_hash,
             "edited_after_outcomes": lo.edited_after_outcomes, **scored}
    if lo.forecast_path is not None:
        entry["frozen_forecast"] = frozen_forecast_check(lo)
    return entry


def frozen_forecast_check(lo: LoadedObserved) -> dict:
    """Whether the frozen forecast named by the observed file exists and was made from this very scenario."""
    import json

    from ..scenario import files

    path = lo.forecast_path
    out = {"path": str(path), "exists": path.is_file()}
    if out["exists"]:
        try:
            frozen = json.loads(files.read_limited(path, files.MAX_JSON_BYTES, "a frozen forecast"))
            out["scenario_hash"] = frozen.get("scenario_hash")
            out["what_ifs"] = frozen.get("sets", [])
            out["matches_scenario"] = frozen.get("scenario_hash") == lo.loaded.digest and not out["what_ifs"]
        except (OSError, ValueError) as exc:
            out["error"] = f"cannot read: {exc}"
    return out


# --------------------------------------------------------------------------- the blind track record

#: the groups a backtest scores apart, in the order it shows them (never pooled without saying so)
TRACKS = (("blind", "Blind track record: forecasts committed before anyone looked up the outcomes"),
          ("unconfirmed", "Marked blind, but the checks do not confirm it: scored apart, not called blind"),
          ("sighted", "Sighted corpus: written by people who knew, at least broadly, how it ended"))


def first_commit(path: Path) -> dt.datetime | None:
    """When ``path`` was first committed (the commit that added it), from git; None without git history or if
    it was never committed."""
    import subprocess

    try:
        out = subprocess.run(["git", "log", "--diff-filter=A", "--format=%cI", "--", path.name],
                             cwd=path.parent, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = out.stdout.split()
    return dt.datetime.fromisoformat(lines[-1]) if out.returncode == 0 and lines else None


def has_git_history(folder: Path) -> bool:
    import subprocess

    try:
        return subprocess.run(["git", "rev-parse", "--git-dir"], cwd=folder, capture_output=True,
                              timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def blind_check(lo: LoadedObserved, frozen: dict | None, ff: dict | None) -> dict:
    """Whether a scenario marked ``track: blind`` can be called blind: its observed file names a frozen forecast
    made from this very scenario (hash, no what-ifs), the scenario was not edited since, the forecast was made
    before the outcomes were looked up (``created`` against ``resolved_on``) and, where git history is at hand,
    committed before the observed file (the commit that added each). ``reasons`` says what fails."""
    reasons, notes = [], []
    obs = lo.observed
    if ff is None:
        reasons.append("its observed file names no frozen forecast (forecast: null)")
    elif not ff.get("exists"):
        reasons.append(f"its frozen forecast {ff['path']} does not exist")
    elif "error" in ff:
        reasons.append(f"its frozen forecast {ff['error']}")
    else:
        if ff.get("what_ifs"):
            reasons.append("its frozen forecast was made with what-ifs")
        if ff.get("scenario_hash") != lo.loaded.digest:
            reasons.append(f"its frozen forecast was made from another version of the scenario (hash "
                           f"{ff.get('scenario_hash')}, now {lo.loaded.digest})")
        if obs.scenario_hash is not None and ff.get("scenario_hash") != obs.scenario_hash:
            reasons.append(f"the outcomes were recorded against hash {obs.scenario_hash}, the forecast made from "
                           f"{ff.get('scenario_hash')}")
    if lo.edited_after_outcomes:
        reasons.append("the scenario was edited after its outcomes were recorded")
    out: dict = {"exposed": {}}
    if lo.forecast_path is not None and (ex_path := exposures_beside(lo.forecast_path)).is_file():
        from ..scenario import ScenarioError

        try:
            ex = load_exposures(ex_path, lo.loaded.scenario)
        except ScenarioError as exc:
            reasons.append(f"its exposures file does not load ({exc.problems[0]})")
        else:
            out["exposures_file"] = str(ex_path)
            if ex.whole_scenario is not None:
                reasons.append(f"its writer {'knew' if ex.whole_scenario.exposure == 'known' else 'may have known'} "
                               f"later events of the whole negotiation: {ex.whole_scenario.note}")
            out["exposed"] = {e.question: e.exposure for e in ex.questions}
            if has_git_history(lo.path.parent):
                e_at, o_at = first_commit(ex_path), first_commit(lo.path)
                if e_at is None or (o_at is not None and not e_at < o_at):
                    declared = _declared_before(ex, lo.path, o_at)
                    if declared is None:
                        reasons.append("its exposures were not recorded (committed) before its outcomes")
                    else:
                        notes.append(f"its exposures were written down after its outcomes, from the message of "
                                     f"commit {ex.declared_in} ({declared}), which names each of them")
    if frozen is not None:
        created = frozen.get("created")
        out["forecast_created"] = created
        if created and dt.datetime.fromisoformat(created).date() > obs.resolved_on:
            reasons.append(f"its forecast was made on {created[:10]}, after the outcomes were looked up "
                           f"({obs.resolved_on})")
    dated = [o.date for o in (*obs.questions, *obs.milestones) if getattr(o, "date", None) is not None]
    if dated and frozen is not None and frozen.get("created") \
            and dt.datetime.fromisoformat(frozen["created"]).date() > min(dated):
        notes.append(f"retrospective: the forecast was made after the first dated outcome ({min(dated)}); it is blind "
                     "because its writer read nothing after as_of, not because the events were still to come")
    if lo.forecast_path is not None and lo.forecast_path.is_file():
        if has_git_history(lo.path.parent):
            f_at, o_at = first_commit(lo.forecast_path), first_commit(lo.path)
            out.update({"forecast_committed": f_at and f_at.isoformat(), "outcomes_committed": o_at and o_at.isoformat()})
            if f_at is None:
                reasons.append("its frozen forecast is not committed")
            elif o_at is not None and not f_at < o_at:
                reasons.append(f"its forecast was committed ({f_at.isoformat()}) after its outcomes "
                               f"({o_at.isoformat()})")
            if o_at is None:
                notes.append("the observed file is not committed yet")
        else:
            notes.append("no git history here: the order of commits was not checked (the hashes were)")
    return {**out, "blind": not reasons, "reasons": reasons, "notes": notes}


def _declared_before(ex, folder_file: Path, outcomes_at: dt.datetime | None) -> str | None:
    """The date of the commit ``ex.declared_in`` if its message names every exposed question (and the whole
    scenario's exposure, if any, says so) and it came before the outcomes; None otherwise."""
    import subprocess

    if ex.declared_in is None:
        return None
    try:
        out = subprocess.run(["git", "show", "-s", "--format=%cI%n%B", ex.declared_in], cwd=folder_file.parent,
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    when, _, message = out.stdout.partition("\n")
    at = dt.datetime.fromisoformat(when.strip())
    if outcomes_at is not None and not at < outcomes_at:
        return None
    if any(e.question not in message for e in ex.questions) or (ex.whole_scenario is not None
                                                                 and "whole" not in message):
        return None
    return at.isoformat()


def read_frozen(lo: LoadedObserved) -> dict | None:
    """The frozen forecast the observed file names, or None if there is none or it cannot be read."""
    import json

    from ..scenario import files

    path = lo.forecast_path
    if path is None or not path.is_file():
        return None
    try:
        return json.loads(files.read_limited(path, files.MAX_JSON_BYTES, "a frozen forecast"))
    except (OSError, ValueError):
        return None


def group_of(entry: dict) -> str:
    """The group of ``TRACKS`` a scored scenario falls in."""
    if entry["track"] != "blind":
        return "sighted"
    return "blind" if entry.get("blind_check", {}).get("blind") else "unconfirmed"


def pooled_by_track(entries: list[dict], runs: int) -> dict:
    """Pooled scores of each group of ``TRACKS`` that has scenarios."""
    return {name: pooled(group, runs) for name, _ in TRACKS
            if (group := [e for e in entries if group_of(e) == name])}


def pooled(entries: list[dict], runs: int) -> dict:
    yes_no = [r for e in entries for r in e["yes_no"]]
    dists = [r for e in entries for r in e["distributions"]]
    out = summarise(yes_no, dists, runs)
    out["scenarios"] = len(entries)
    out["reliability"] = S.reliability_bins([r["forecast"] for r in yes_no], [r["happened"] for r in yes_no])
    out["edited_after_outcomes"] = [e["scenario"] for e in entries if e["edited_after_outcomes"]]
    return out


# --------------------------------------------------------------------------- variants


@dataclass
class Variant:
    """A named what-if applied to every scenario it fits: rule switches and numeric ``name=value`` sets."""

    name: str
    assignments: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str) -> Variant:
        """``NAME:actor.rule=RULE[,name=value...]``; ``*.rule=RULE`` switches every party (or mediator)."""
        import re

        name, sep, rest = text.partition(":")
        name = name.strip()
        parts = [p.strip() for p in rest.split(",") if p.strip()]
        if not sep or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_\-]*", name) or not parts \
                or any("=" not in p for p in parts):
            raise ValueError(f"--variant '{text}': expected NAME:actor.rule=RULE or NAME:name=value "
                             "(several separated by commas), e.g. eu:*.rule=expected_utility")
        return cls(name, parts)

    def apply(self, loaded) -> tuple[object, dict[str, float], list[str], set[str]] | None:
        """(scenario, numeric overrides, assignments as applied, the variant's assignments that matched) for
        this scenario, or None when nothing applies. Raises ValueError (one line) for an unknown rule or bad value."""
        from ..compiled import Compiled
        from ..rules import registry
        from ..scenario.switch import switch_rules
        from ..scenario.params import parse_assignment

        sc = loaded.scenario
        where = f"--variant {self.name}"
        actors = {a.id: a for a in sc.actors}
        choices: dict[str, str] = {}
        numeric: list[str] = []
        matched: set[str] = set()
        for text in self.assignments:
            target, _, value = (p.strip() for p in text.partition("="))
            actor, _, fld = target.rpartition(".")
            if fld != "rule":
                numeric.append(text)
                continue
            if actor == "*":
                rule = registry().get(value)
                if rule is None:
                    raise ValueError(f"{where}: unknown rule '{value}' (known: {', '.join(sorted(registry()))})")
                mediators = {m.mediator for m in sc.mediation}
                targets = ([a for a in actors if actors[a].role == "mediator" and a in mediators]
                           if rule.role == "mediator" else [a for a in actors if actors[a].role == "party"])
            else:
                targets = [actor] if actor in actors else []
            if targets:
                matched.add(text)
            choices.update({t: value for t in targets})
        used = [f"{a}.rule={r}" for a, r in choices.items()]
        if choices:
            sc = switch_rules(sc, choices, where)
        table = Compiled(sc).table
        overrides = {}
        for text in numeric:
            if text.partition("=")[0].strip() in table.index:
                k, v = parse_assignment(text, table, where)
                overrides[k] = v
                used.append(text)
                matched.add(text)
        if not used:
            return None
        return sc, overrides, used, matched


def paired_differences(base: list[dict], variant: list[dict], seed: int) -> dict:
    """Variant minus baseline, item by item over the same scenarios (in the same order): mean Brier (yes/no),
    mean CRPS (dates, weeks; counts, times), each with a bootstrap interval across items."""
    out = {}
    for key, rows_of, score, scale in (("brier", "yes_no", "brier", None), ("crps_weeks", "distributions", "crps",
                                                                           "weeks"),
                                       ("crps_counts", "distributions", "crps", "times")):
        a = [r[score] for e in base for r in e[rows_of] if scale is None or r["scale"] == scale]
        b = [r[score] for e in variant for r in e[rows_of] if scale is None or r["scale"] == scale]
        d = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
        entry = S.bootstrap_mean(d, BOOTSTRAP_REPS, seed)
        entry.update({"baseline": float(np.mean(a)) if a else None, "variant": float(np.mean(b)) if b else None})
        out[key] = entry
    return out


def score_variant(var: Variant, items, entries: list[dict], runs: int, seed: int, engine: str) -> dict:
    """A variant on the same runs as the baseline, compared on the scenarios it changes.

    A scenario where the variant cannot apply (no such actor or parameter, or the switched rule does not
    fit the scenario) is left out and listed with the reason; if it applies nowhere, ValueError (one line)."""
    from ..compiled import Compiled
    from ..runner import resolve_engine

    base, ventries, changed, skipped, matched = [], [], [], [], set()
    for (lo, _), entry in zip(items, entries):
        try:
            applied = var.apply(lo.loaded)
        except ValueError as exc:
            skipped.append({"scenario": str(lo.scenario_path), "reason": str(exc)})
            continue
        if applied is None:
            skipped.append({"scenario": str(lo.scenario_path), "reason": "no such actor or parameter"})
            continue
        sc, overrides, used, hits = applied
        matched |= hits
        vc = Compiled(sc)
        table = simulate(vc, runs, seed, resolve_engine(vc, engine), overrides)
        base.append(entry)
        ventries.append({**score_runs(lo, vc, table, runs, seed), "scenario": str(lo.scenario_path),
                         "edited_after_outcomes": entry["edited_after_outcomes"]})
        changed.append({"scenario": str(lo.scenario_path), "applied": used})
    if not changed and any(s["reason"] != "no such actor or parameter" for s in skipped):
        raise ValueError(next(s["reason"] for s in skipped if s["reason"] != "no such actor or parameter"))
    unmatched = [a for a in var.assignments if a not in matched]
    if unmatched:
        raise ValueError(f"--variant {var.name}: '{unmatched[0]}' applies to no scenario here "
                         "(no such actor or parameter; see `diplosim params SCENARIO`)")
    return {"name": var.name, "assignments": var.assignments, "changed": changed, "skipped": skipped,
            "pooled": pooled(ventries, runs), "baseline_pooled": pooled(base, runs),
            "vs_baseline": paired_differences(base, ventries, seed)}


# --------------------------------------------------------------------------- the whole backtest


def backtest(items: list[tuple[LoadedObserved, object]], runs: int, seed: int, engine: str = "auto",
             variants: list[Variant] = ()) -> dict:
    """Score every (observed file, compiled scenario) pair, pool them, and compare variants on the same runs."""
    from ..runner import resolve_engine

    entries = []
    for lo, compiled in items:
        eng = resolve_engine(compiled, engine)
        table = simulate(compiled, runs, seed, eng)
        frozen = check = None
        if lo.loaded.scenario.metadata.track == "blind":
            frozen = read_frozen(lo)
            ff = frozen_forecast_check(lo) if lo.forecast_path is not None else None
            check = blind_check(lo, frozen, ff)
            if not check["blind"]:
                frozen = None
        n = runs if frozen is None else int(frozen["runs"])
        # exposed questions are scored apart, never in the blind pool
        scored = score_runs(lo, compiled, table, n, seed, frozen, check["exposed"] if check is not None else None)
        entry = scenario_entry(lo, compiled, eng, scored)
        if check is not None:
            entry["blind_check"] = check
            entry["scored_from"] = "frozen forecast" if frozen is not None else "new runs"
            if frozen is not None:
                entry["frozen_runs"], entry["frozen_seed"] = frozen["runs"], frozen["seed"]
        entries.append(entry)
    out = {"runs": runs, "seed": seed, "scenarios": entries, "pooled": pooled(entries, runs),
           "pooled_covers": sorted({group_of(e) for e in entries}), "tracks": pooled_by_track(entries, runs),
           "variants": []}
    for var in variants:
        out["variants"].append(score_variant(var, items, entries, runs, seed, engine))
    return out


# --------------------------------------------------------------------------- a results directory


def score_results(manifest: dict, compiled, table) -> dict | None:
    """Score a Monte Carlo's stored runs against the observed-outcomes file beside its scenario, if there is one.

    Returns None when the scenario has no observed file; otherwise a backtest dict (one scenario, pooled) with
    ``notes``: sentences on anything that makes these runs differ from the forecast the outcomes test (what-ifs,
    a scenario edited since the outcomes were recorded, an observed file with problems).
    """
    from ..scenario import ScenarioError
    from .observed import load_observed, observed_beside

    path = (manifest.get("scenario") or {}).get("path")
    if not path or not observed_beside(path).is_file():
        return None
    obs_path = observed_beside(path)
    try:
        lo = load_observed(obs_path)
    except ScenarioError as exc:
        return {"notes": [f"The outcomes in {obs_path} could not be read: {exc.problems[0]}"], "scenarios": []}
    notes = []
    ran_hash = (manifest.get("scenario") or {}).get("hash")
    if lo.observed.scenario_hash is not None and ran_hash != lo.observed.scenario_hash:
        notes.append("These runs come from a scenario that differs from the one the outcomes were recorded "
                     f"against (hash {ran_hash}, outcomes recorded against {lo.observed.scenario_hash}).")
    if manifest.get("overrides"):
        notes.append("These runs carry what-ifs (" + ", ".join(f"{k} = {v:g}" for k, v in manifest["overrides"].items())
                     + "), so they score the what-if, not the scenario as written.")
    runs = table.num_rows
    entry = scenario_entry(lo, compiled, manifest.get("engine", ""),
                           score_runs(lo, compiled, table, runs, int(manifest.get("seed", 0))))
    return {"runs": runs, "seed": manifest.get("seed"), "scenarios": [entry], "pooled": pooled([entry], runs),
            "notes": notes, "observed": str(obs_path)}
