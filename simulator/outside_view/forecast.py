"""The outside view beside a forecast, and how far each of the author's adjustments moves each question.

- ``outside_view_of(loaded)``: the scenario seen from the outside (``views.outside_view``: class curves only, every
  author's pace and adjustment left out, the structure kept), its class curves counted without the scenario's own
  negotiation (``own_exclusions``): a forecast's outside view never counts its own outcome. None when no milestone
  of the scenario has a class.
- ``adjustment_effects(loaded, runs, seed, engine)``: each adjustment of ``views.adjustments`` with, for each
  question, how far it moves the answer: the scenario with outside-view defaults (``views.with_defaults``) run as
  is and with that one number set to its neutral value (odds 1, shift 0 days) on the same replications and seed
  (common random numbers): the share answering yes (a date: by the end; a count: at least once) without and with it,
  and the paired difference with its 95% interval (``analysis.compare.paired_interval``).
"""

from __future__ import annotations

from pathlib import Path


def has_classes(loaded) -> bool:
    """Whether any milestone of the scenario has a class (its own ``class:``, or the corpus side file's)."""
    return bool(scenario_classes(loaded))


def _short(name: str) -> str:
    from ..lang.words import short_name

    return short_name(name).casefold()


def own_negotiations(loaded, negotiations) -> list[str]:
    """The negotiation ids whose spells are this scenario's own: its file stem (its replayed spells) and each
    timeline of ``negotiations`` whose period overlaps the scenario's calendar and that names two or more of the
    scenario's parties (by name, without a trailing parenthesis, case ignored)."""
    sc = loaded.scenario
    parties = {_short(a.name) for a in sc.actors if a.role == "party"} | {a.id.casefold() for a in sc.actors
                                                                            if a.role == "party"}
    start, end = sc.calendar.start, sc.calendar.end
    own = [Path(loaded.path).stem]
    for n in negotiations:
        shared = {_short(p) for p in n.parties} & parties
        if len(shared) >= 2 and n.period.start <= end and start <= n.period.end:
            own.append(n.id)
    return own


def own_exclusions(loaded) -> list[str]:
    """The negotiations whose spells are this scenario's own and are counted in the class curves: a timeline of
    the same negotiation (``own_negotiations``) and, for a scenario of the shipped corpus with outcomes,
    its own replayed spells (its file stem)."""
    from ..lang.class_curves import in_corpus_with_outcomes, shipped_exclusions
    from .dataset import CORPUS, load_dataset

    path = Path(loaded.path) if getattr(loaded, "path", None) is not None else None
    if path is not None and path.resolve().parent == CORPUS.resolve():
        known = shipped_exclusions(path.stem)  # as counted by `diplosim reference ship` from these very files
        if known is not None:
            return list(known)
    negotiations = load_dataset()
    own = own_negotiations(loaded, negotiations)
    replayed = (path is not None and in_corpus_with_outcomes(path)
                and loaded.scenario.metadata.track != "blind")  # blind replays are not counted (corpus.py)
    timelines = {n.id for n in negotiations}
    return [n for n in own if n in timelines or (replayed and n == own[0])]


def outside_view_of(loaded):
    """The outside view of ``loaded`` (a LoadedScenario), or None when it has no classed milestone."""
    from .views import outside_view

    if not has_classes(loaded):
        return None
    return outside_view(loaded, exclude=own_exclusions(loaded))


def share_words(entry: dict | None) -> tuple[str, float | None]:
    """A question's answer as a share (yes/no: yes; date: by the end; count: at least once) in words, and the
    share."""
    if entry is None:
        return "-", None
    from ..answers import as_probability

    p = as_probability(entry)
    if p["p"] is None:
        return "-", None
    return f"{100 * p['p']:.1f}% [{100 * p['low']:.0f}, {100 * p['high']:.0f}]", p["p"]


def beside_rows(summary: dict, priors: dict[str, float]) -> list[dict]:
    """One row per question: the forecast, the outside view and the writer's prior (a share, or None), and the
    outside view minus the forecast, in points."""
    ov = {q["id"]: q for q in (summary.get("outside_view") or {}).get("questions", [])}
    rows = []
    for q in summary["questions"]:
        f_words, f = share_words(q)
        o_words, o = share_words(ov.get(q["id"]))
        rows.append({"id": q["id"], "text": q["text"], "forecast": f_words, "outside_view": o_words,
                     "prior": priors.get(q["id"]),
                     "difference": None if f is None or o is None else 100 * (o - f)})
    return rows


def priors_of(compiled) -> dict[str, float]:
    """Question id -> the writer's prior, for the questions that record one."""
    return {q.id: q.prior.value for q in compiled.questions if getattr(q, "prior", None) is not None}


def scenario_classes(loaded) -> dict[str, str]:
    """Milestone id -> its class (its own ``class:``, else the corpus side file's), for the classed milestones."""
    from .corpus_classes import classes_beside

    side = classes_beside(loaded.path) if getattr(loaded, "path", None) is not None else {}
    return {m.id: name for m, _ in loaded.scenario.all_milestones if (name := m.class_ or side.get(m.id))}


def curves_for(loaded, resamples: int = 200) -> dict:
    """The class curves (``curves.ClassCurve``, with intervals from ``resamples`` resamples of negotiations) of the
    classes the scenario's milestones belong to, counted without its own negotiation (``own_exclusions``), as the
    report and the dashboard draw them."""
    from .curves import count_class, counted_spells

    names = sorted(set(scenario_classes(loaded).values()))
    if not names:
        return {}
    excluded = own_exclusions(loaded)
    table, scenarios = counted_spells(excluded)
    return {name: count_class(name, table[table["class"] == name], resamples=resamples, excluded=excluded,
                              corpus=scenarios) for name in names}


def adjustment_effects(loaded, runs: int, seed: int, engine: str = "auto") -> list[dict]:
    """Each author's adjustment with how far it moves each question (see the module's docstring); [] when the
    scenario has none. Every kind of question is moved as a share: yes, happened by the end of the calendar (a
    date), at least once (a count) (``QuestionBase.happened``)."""
    import numpy as np

    from .. import layout as L
    from ..analysis.compare import paired_interval
    from ..compiled import Compiled
    from ..runner import resolve_engine, run_replications
    from .views import adjustments, with_defaults

    found = adjustments(loaded)
    if not found:
        return []
    c = Compiled(with_defaults(loaded).scenario)
    engine = resolve_engine(c, engine)
    reps = list(range(runs))
    written, _ = run_replications(c, seed, reps, 0, None, engine=engine, events_for=0)
    out = []
    for adj in found:
        neutral, _ = run_replications(c, seed, reps, 0, {adj.parameter: adj.neutral}, engine=engine, events_for=0)
        rows = []
        for q in c.questions:
            col = L.question(q.id)
            a = np.asarray(q.happened(neutral.column(col)), float)
            b = np.asarray(q.happened(written.column(col)), float)
            low, high = paired_interval(b - a)
            rows.append({"id": q.id, "text": q.text, "without": float(a.mean()), "with": float(b.mean()),
                         "moves": float((b - a).mean()), "low": low, "high": high,
                         "runs_changed": int((a != b).sum())})
        out.append({"milestone": adj.milestone, "what": adj.what, "value": adj.value, "reason": adj.reason,
                    "parameter": adj.parameter, "neutral": adj.neutral, "label": adj.label, "runs": runs,
                    "seed": seed, "questions": rows})
    return out


#: the columns of ``adjustment_rows``
ADJUSTMENT_HEAD = ("adjustment", "question", "without it", "with it", "moves it by (95%)")


def adjustment_rows(effects: list[dict]) -> list[list[str]]:
    """The adjustments' table in words (``diplosim run``, the report, the dashboard; ``ADJUSTMENT_HEAD``): one row
    per adjustment and question, the adjustment named on its first question's row only, the shares without and
    with it, and how far it moves the question with its 95% interval."""
    from ..lang.words import points

    return [[e["label"] if i == 0 else "", q["text"], f"{100 * q['without']:.1f}%", f"{100 * q['with']:.1f}%",
             points(q["moves"], q["low"], q["high"])] for e in effects for i, q in enumerate(e["questions"])]


def cache_key(loaded, seen, compiled, runs: int, seed: int) -> str | None:
    """The on-disk cache's key (``simulator/cache.py``) of the outside view's questions and the adjustments' effects
    for ``runs`` runs from ``seed``: everything they depend on, which is the outside view as run (``seen``, its class
    curves written into its paces), the scenario with outside-view defaults when it has adjustments, and the
    simulator's code. Neither the engine nor the number of processes changes a run. None (nothing is cached) when
    a rule comes from a plug-in, whose code the key cannot cover."""
    from .. import cache
    from ..rules import BUILTIN

    if any(BUILTIN.get(cls.name) is not cls for cls in compiled.rule_classes.values()):
        return None
    from .views import adjustments, with_defaults

    defaults = with_defaults(loaded).digest if adjustments(loaded) else None
    return cache.key("outside-view-1", seen.digest, defaults, {"runs": runs, "seed": seed})


def remembered(key: str | None) -> tuple[list, list] | None:
    """(the outside view's questions, the adjustments' effects) stored under ``key`` by an identical run, or None."""
    from .. import cache

    hit = cache.get("outside_view", key) if key is not None else None
    if hit is None:
        return None
    try:
        return cache.restored(hit["questions"]), cache.restored(hit["adjustments"])
    except (KeyError, TypeError, ValueError, AttributeError):  # a damaged entry: computed again
        return None


def remember(key: str | None, questions: list, effects: list) -> None:
    """Store what ``remembered`` gives back (nothing when a value is not one JSON can hold exactly)."""
    from .. import cache

    if key is None:
        return
    try:
        value = {"questions": cache.exact(questions), "adjustments": cache.exact(effects)}
    except TypeError:
        return
    cache.put("outside_view", key, value)


def write_shipped(path=None) -> dict:
    """Count the curves a run reads (``lang.class_curves``) and write them: from the whole dataset, and without each
    corpus scenario's own negotiation (``forecast.own_exclusions``), with the fingerprint of the files counted."""
    import json

    from ..lang import class_curves
    from ..scenario import load
    from .views import _count, _counted

    exclusions = {}
    for file in sorted(class_curves.CORPUS.glob("*.yaml")):
        if not class_curves.in_corpus_with_outcomes(file):
            continue
        exclusions[file.stem] = own_exclusions(load(file, check_sources=False))
    sets = {(): ()} | {tuple(sorted(set(e))): e for e in exclusions.values()}
    doc = {"fingerprint": class_curves.fingerprint(), "exclusions": exclusions,
           "curves": {class_curves.key(e): {name: [list(d), list(c)] for name, (d, c) in _count(e).items()}
                      for e in sets}}
    target = class_curves.SHIPPED if path is None else path
    target.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    class_curves._document.cache_clear()
    _counted.cache_clear()
    return doc
