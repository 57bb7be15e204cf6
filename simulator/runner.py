"""Running the reference model: one run, a chunk of runs, a Monte Carlo.

A run is addressed by (root seed, point, replication); its generator comes
from ``draws.run_generator``, so a run's record never depends on which chunk,
process or order it ran in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from .compiled import Compiled
from .draws import run_generator
from .model import DiplomacyModel
from .outcome import event_rows


def run_one(compiled: Compiled, root_seed: int, replication: int, point: int = 0,
            overrides: Mapping[str, float] | None = None) -> tuple[dict, list[tuple]]:
    model = DiplomacyModel(compiled, rng=run_generator(root_seed, replication, point),
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


def monte_carlo(compiled: Compiled, runs: int, root_seed: int, overrides: Mapping[str, float] | None = None,
                *, progress: Callable[[int], None] | None = None, chunk: int = 50,
                on_chunk: Callable[[list[dict], list[tuple]], None] | None = None) -> int:
    """Run replications 0..runs-1 of point 0, handing each finished chunk to ``on_chunk``.

    Returns how many runs finished (fewer than ``runs`` only if interrupted).
    """
    done = 0
    for start in range(0, runs, chunk):
        tasks = [(0, r) for r in range(start, min(start + chunk, runs))]
        rows, events = run_chunk(compiled, root_seed, tasks, {0: overrides or {}})
        if on_chunk is not None:
            on_chunk(rows, events)
        done += len(tasks)
        if progress is not None:
            progress(len(tasks))
    return done
