"""Monte Carlo runs for the dashboard and paired differences between two variants.

A what-if and its baseline run the same replications with the same root seed,
so run r of both shares its random draws (common random numbers): the
difference of a question's answer is paired: ``analysis.compare.paired_differences`` computes it, as for
``diplosim compare``.
"""

from __future__ import annotations

import time

from .jobs import Outcome  # the result of a simulation (held by the lower module, which makes them)


def simulate(compiled, seed: int, runs: int, overrides: dict[str, float], engine: str = "auto") -> Outcome:
    from simulator.runner import run_replications
    from simulator.summary import SummaryAccumulator

    start = time.perf_counter()
    table, _ = run_replications(compiled, seed, list(range(runs)), 0, overrides or None, engine=engine, events_for=0)
    summary = SummaryAccumulator(compiled).add(table).result()
    return Outcome(table, summary, time.perf_counter() - start)


def simulate_many(ctx, wanted: list[tuple], session: str | None = None, slot: str | None = None) -> list[tuple]:
    """[(outcome, came from the cache)] for each (key, seed, runs, overrides) of ``wanted``: cached ones at once,
    the others run by the server's workers (``jobs.Scheduler``: off this request thread, fair between sessions)
    as one request of ``session`` that a newer one of the same ``slot`` supersedes (``jobs.Superseded``); too many
    waiting requests give ``jobs.Busy``. ``key`` is looked up as ``session`` sees it (``Context.get``)."""
    from simulator.runner import resolve_engine

    from .jobs import CHUNK_RUNS, Sim

    out: list = [None] * len(wanted)
    sims: dict[tuple, Sim] = {}
    for i, (key, seed, runs, overrides) in enumerate(wanted):
        cache_key = (key, seed, runs, ctx.engine, tuple(sorted(overrides.items())))
        hit = ctx.outcomes.get(cache_key)
        if hit is not None:
            out[i] = (hit, True)
        elif cache_key not in sims:
            compiled = ctx.get(key, session).compiled
            engine = resolve_engine(compiled, ctx.engine)
            sims[cache_key] = Sim(cache_key, compiled, seed, runs, dict(overrides), engine, CHUNK_RUNS[engine])
    done = dict(zip(sims, ctx.scheduler.run(session or "", slot, list(sims.values()))))
    for i, (key, seed, runs, overrides) in enumerate(wanted):
        if out[i] is None:
            out[i] = (done[(key, seed, runs, ctx.engine, tuple(sorted(overrides.items())))], False)
    return out


def cached_simulate(ctx, key: str, seed: int, runs: int, overrides: dict[str, float],
                    session: str | None = None) -> tuple[Outcome, bool]:
    """(outcome, came from the cache): the baseline of a session is computed once, then reused."""
    return simulate_many(ctx, [(key, seed, runs, overrides)], session)[0]


def paired_differences(base, alt, compiled_base, compiled_alt) -> list[dict]:
    """Per question shared by both: P(base), P(alt), mean paired difference and its 95% t interval.

    Date questions count "happens within the calendar"; count questions compare the count itself (mean
    paired difference in the number of times), as ``diplosim compare`` does. Both tables must hold the
    same replications in the same order (run_replications returns them so).
    """
    from simulator.analysis.compare import paired_differences as differences

    summary_a = {e["id"]: e for e in base.summary["questions"]}
    summary_b = {e["id"]: e for e in alt.summary["questions"]}
    rows = []
    for row in differences(compiled_base, compiled_alt, base.table, alt.table):
        q = row.pop("question")
        rows.append({"id": q.id, "text": q.text, "kind": summary_a[q.id]["kind"],
                     **row, "a": summary_a[q.id], "b": summary_b[q.id]})
    return rows
