"""Running a sweep's chunks: in this process, in a local process pool, or on a Dask cluster.

Runs are numbered in (point, replication) order, ``index = point * runs + replication``,
and cut into fixed spans of ``chunk`` runs. A span's part id comes from its
bounds, so a resumed sweep knows which spans are done. Each span returns its
runs and events as Arrow tables; the caller writes them as they arrive, and at
most a small window of spans is in flight, so memory does not grow with the
number of runs.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..compiled import Compiled


@dataclass
class SweepContext:
    """Everything a worker needs, sent once per worker (pool initializer or Dask scatter)."""

    compiled: Compiled
    seed: int
    runs: int  # replications per point
    overrides: list[dict[str, float]]  # per point
    engine: str = "mesa"  # "batch" or "mesa": identical runs either way
    events_for: int | None = None  # keep event logs of replications below this (None: all)
    copies: object = None  # batch engine: copies stepped with the first span (``batch.engine.Copies``; the fragile screen)
    _schema: object = field(default=None, repr=False)

    @property
    def total(self) -> int:
        return self.runs * len(self.overrides)

    def schema(self):
        if self._schema is None:
            from ..store import runs_schema

            self._schema = runs_schema(self.compiled)
        return self._schema


def spans(total: int, chunk: int) -> list[tuple[int, int]]:
    return [(start, min(start + chunk, total)) for start in range(0, total, chunk)]


def part_id(span: tuple[int, int]) -> str:
    return f"{span[0]:010d}-{span[1]:010d}"


def run_span(ctx: SweepContext | None, start: int, end: int):
    """Run flat indices [start, end); returns (runs, events): the runs table (``layout.Records`` on the batch
    engine, an Arrow table on Mesa's) and the event rows (tuples, ``layout.EVENT_COLUMNS``), and the records of
    ``ctx.copies`` as a third item for the first span when it has copies. ``ctx=None`` uses the pool worker's.

    On the batch engine the whole span is stepped together, however many points it spans (each run keeps
    its own parameters and draws), so a sweep of small points runs as fast as one big point. On the Mesa
    engine the span is cut at point boundaries.
    """
    from ..runner import resolve_engine, run_replications

    ctx = ctx if ctx is not None else _WORKER_CONTEXT
    if resolve_engine(ctx.compiled, ctx.engine) == "batch":
        from ..batch.engine import engine_for

        engine = engine_for(ctx.compiled)
        keys = [divmod(i, ctx.runs) for i in range(start, end)]
        points = sorted({p for p, _ in keys})
        copies = ctx.copies if start == 0 else None
        st = engine.run_keys(ctx.seed, keys, {p: ctx.overrides[p] for p in points}, ctx.events_for, copies=copies)
        records = engine.records(st)
        events = sorted(engine.events, key=lambda e: (e[0], e[1], e[2]))
        if copies is not None:  # the copies' records come back beside the span's
            return records.slice(0, end - start), events, records.slice(end - start)
        return records, events
    import pyarrow as pa

    tables, events = [], []
    i = start
    while i < end:
        point, first = divmod(i, ctx.runs)
        last = min(end - point * ctx.runs, ctx.runs)
        table, ev = run_replications(ctx.compiled, ctx.seed, list(range(first, last)), point,
                                     ctx.overrides[point], engine=ctx.engine, events_for=ctx.events_for)
        tables.append(table)
        events.extend(ev)
        i = point * ctx.runs + last
    return pa.concat_tables(tables), events


_WORKER_CONTEXT: SweepContext | None = None


def _init_worker(ctx: SweepContext) -> None:
    global _WORKER_CONTEXT
    _WORKER_CONTEXT = ctx
    # Ctrl-C is handled by the parent alone, which cancels what has not started.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class ExecutorError(RuntimeError):
    """The executor could not be started (e.g. no Dask scheduler at the address); one-line message."""


class InlineExecutor:
    """Runs the spans one after the other in this process (``--jobs 1``): no pickling, no worker start-up, and
    no futures (``execute`` runs them itself)."""


def pool_start_method() -> str:
    # forkserver avoids forking a parent that runs threads (Rich's refresh thread); spawn where it does not exist.
    import multiprocessing

    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


@contextmanager
def local_executor(ctx: SweepContext, jobs: int) -> Iterator[tuple[object, SweepContext | None]]:
    """A process pool started once; each worker receives the context once, through the initializer."""
    if jobs == 1:
        yield InlineExecutor(), ctx
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor  # a pool's modules only when there is a pool

    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(pool_start_method()),
                               initializer=_init_worker, initargs=(ctx,))
    try:
        yield pool, None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def open_executor(ctx: SweepContext, jobs: int = 1, scheduler: str | None = None, dask_local: int | None = None):
    """The executor for these options, as a context manager yielding (executor, context argument for run_span)."""
    if scheduler is not None or dask_local is not None:
        return dask_executor(ctx, scheduler, dask_local)
    return local_executor(ctx, jobs)


@contextmanager
def dask_executor(ctx: SweepContext, scheduler: str | None = None, local_workers: int | None = None):
    """Dask distributed: an existing cluster (``scheduler`` address) or a LocalCluster of one-thread processes.

    The context is scattered to every worker once; each span task then names it by its future.
    """
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler is not None:
        try:  # waits up to Dask's distributed.comm.timeouts.connect (env DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT)
            client = Client(scheduler)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ExecutorError(f"--scheduler: cannot reach a Dask scheduler at '{scheduler}': {exc}") from None
    else:
        cluster = LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        ctx_future = client.scatter(ctx, broadcast=True)
        yield client.get_executor(pure=False), ctx_future
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


@contextmanager
def sigint_deferred():
    """Hold Ctrl-C back until the block is done, then raise it.

    A Python-level handler, not a signal mask: the signal may be delivered to
    any thread (Rich's refresh thread, say), but handlers run in the main one.
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def execute(executor, ctx_arg, todo: Iterable[tuple[int, int]],
            on_part: Callable[[tuple[int, int], object, object], None], window: int) -> int:
    """Submit spans with at most ``window`` in flight; ``on_part(span, runs, events)`` as each finishes (with the
    copies' records as a fourth argument for a span that has them).

    On KeyboardInterrupt, spans not started are cancelled, those already running
    are waited for and handed to ``on_part`` too, then the interrupt is re-raised.
    Returns the number of runs handed over.
    """
    if isinstance(executor, InlineExecutor):  # in this process: each span handed over as it finishes
        done_runs = 0
        for span in todo:
            runs_table, events_table, *copies = run_span(ctx_arg, *span)
            with sigint_deferred():  # a part is written and counted whole, or not at all
                on_part(span, runs_table, events_table, *copies)
            done_runs += span[1] - span[0]
        return done_runs
    from concurrent.futures import FIRST_COMPLETED, wait

    pending: dict = {}  # future -> span
    queue = iter(todo)
    done_runs = 0

    def hand_over(fut) -> None:
        nonlocal done_runs
        span = pending.pop(fut)
        runs_table, events_table, *copies = fut.result()
        with sigint_deferred():  # a part is written and counted whole, or not at all
            on_part(span, runs_table, events_table, *copies)
        done_runs += span[1] - span[0]

    try:
        for span in queue:
            fut = executor.submit(run_span, ctx_arg, *span)
            pending[fut] = span
            while len(pending) >= window:
                finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
                for fut in finished:
                    hand_over(fut)
        while pending:
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for fut in finished:
                hand_over(fut)
    except KeyboardInterrupt:
        for fut in list(pending):
            if fut.cancel():
                pending.pop(fut)
        finished, _ = wait(list(pending))
        for fut in finished:
            if not fut.cancelled() and fut.exception() is None:
                hand_over(fut)
        raise
    return done_runs
