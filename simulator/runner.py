"""Running the model: one run, a chunk of runs, and replications of a point on either engine.

A run is addressed by (root seed, point, replication); its generator comes
from ``draws.py`` (keyed by them), so a run's record never depends on which chunk,
process or order it ran in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .compiled import Compiled
from .outcome import event_rows


def run_one(compiled: Compiled, root_seed: int, replication: int, point: int = 0,
            overrides: Mapping[str, float] | None = None) -> tuple[dict, list[tuple]]:
    from .model import DiplomacyModel  # imported here: the batch engine's workers never need Mesa

    model = DiplomacyModel(compiled, rng=root_seed,
                           overrides=dict(overrides or {}), point=point, replication=replication)
    row = model.run()
    return row, event_rows(model)


def run_chunk(compiled: Compiled, root_seed: int, tasks: Iterable[tuple[int, int]],
              overrides_by_point: Mapping[int, Mapping[str, float]] | None = None) -> tuple[list[dict], list[tuple]]:
    """Run (point, replication) pairs in order; returns their rows and event rows."""
    rows, events = [], []
    for point, rep in tasks:
        row, ev = run_one(compiled, root_seed, rep, point, (overrides_by_point or {}).get(point))
        rows.append(row)
        events.extend(ev)
    return rows, events


ENGINES = ("auto", "batch", "mesa")


def resolve_engine(compiled: Compiled, engine: str = "auto") -> str:
    """'auto' picks the batch engine when every actor's rule has an array form, else Mesa."""
    from .batch.engine import supports

    if engine not in ENGINES:
        raise ValueError(f"--engine: unknown engine '{engine}' (choose from {', '.join(ENGINES)})")
    if engine == "auto":
        return "batch" if supports(compiled) else "mesa"
    if engine == "batch" and not supports(compiled):
        raise ValueError("--engine batch: some actor uses a rule without an array form; use --engine mesa")
    return engine


def run_replications(compiled: Compiled, root_seed: int, replications: Sequence[int], point: int = 0,
                     overrides: Mapping[str, float] | None = None, *, engine: str = "auto",
                     events_for: int | None = None):
    """Run replications of one point on either engine; returns (Arrow run table, event rows).

    The run table is identical on both engines, and so are the event logs, kept
    for the replications below ``events_for`` (all if None).
    """
    import pyarrow as pa

    from .store import runs_schema

    engine = resolve_engine(compiled, engine)
    want_events = [r for r in replications if events_for is None or r < events_for]
    if engine == "batch":
        from .batch.engine import engine_for

        batch = engine_for(compiled)
        table = batch.table(batch.run(root_seed, replications, point, overrides, events_for=events_for))
        return table, sorted(batch.events, key=lambda e: (e[1], e[2]))  # by run, then step, in logging order
    keep = set(want_events)
    rows, events = [], []
    for rep in replications:
        row, ev = run_one(compiled, root_seed, rep, point, overrides)
        rows.append(row)
        if rep in keep:
            events.extend(ev)
    return pa.Table.from_pylist(rows, schema=runs_schema(compiled)), events


def recreate_runs(compiled: Compiled, root_seed: int, keys: Sequence[tuple[int, int]],
                  overrides_by_point: Mapping[int, Mapping[str, float]] | None = None,
                  engine: str = "auto") -> list[tuple[dict, list[tuple]]]:
    """Any runs, made again exactly from (root seed, point, replication): each one's record and event log, in the
    order of ``keys``. A run's draws come from its own generator and both engines take the same step, so event
    logs need not be stored: ``diplosim events`` and the dashboard's sample runs ask for them here."""
    by_point = overrides_by_point or {}
    if resolve_engine(compiled, engine) == "mesa":  # a plugin rule: the reference model
        return [run_one(compiled, root_seed, rep, point, by_point.get(point)) for point, rep in keys]
    from .batch.engine import engine_for
    from .layout import record_rows

    batch = engine_for(compiled)
    state = batch.run_keys(root_seed, list(keys), by_point, events_for=None)
    logs: dict[tuple[int, int], list[tuple]] = {(int(p), int(r)): [] for p, r in keys}
    for ev in batch.events:  # logged step by step for all runs together: each run's rows keep their order
        logs[(ev[0], ev[1])].append(ev)
    return [(record, logs[(int(p), int(r))]) for record, (p, r) in zip(record_rows(compiled, state), keys)]
