"""Monte Carlo runs off the request threads: a small worker pool, fair between sessions, bounded, superseding.

A callback that needs simulations submits one ``Request`` (a what-if's baseline and what-if, say) for its
session and slot ("whatif", "compare") and waits for it. Workers run requests in chunks of runs, and each
next chunk goes to the session served least recently, so one user's 2 x 20,000 runs delay another's 500-run
what-if by at most a chunk, not by the whole request. A newer request of the same session and slot supersedes
(cancels) the older one, queued or half done: its callback gets ``Superseded`` and leaves the page to the newer
one. At most ``max_waiting`` requests wait; one more is refused (``Busy``, one line). ``describe(session)``
says where a session's request stands ("busy: 2 requests ahead"), for the page to show while it waits.

Chunks give the same runs as one call (each replication has its own generator, ``draws.run_generator``), and
their tables are joined in replication order; the outcome is cached (``Context.outcomes``) as before.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Outcome:
    table: object  # Arrow run table
    summary: dict  # summary.SummaryAccumulator(...).result()
    seconds: float  # wall time to simulate and summarise

CHUNK_RUNS = {"batch": 5_000, "mesa": 100}  # runs per chunk: the batch engine's fixed cost per call is ~0.07 s
MAX_WAITING = 16
WORKERS = 1  # simulations are CPU-bound and hold Python's lock for much of their time: more threads gain little


class Busy(RuntimeError):
    """The server has ``max_waiting`` requests waiting: this one is refused (one line)."""


class Superseded(RuntimeError):
    """A newer request of the same session and slot replaced this one."""


@dataclass
class Sim:
    """One Monte Carlo of a request: ``runs`` replications of ``compiled`` with ``overrides``."""

    cache_key: tuple
    compiled: object
    seed: int
    runs: int
    overrides: dict
    engine: str
    chunk: int = 5_000
    parts: list = field(default_factory=list)
    next_start: int = 0
    started: float | None = None
    outcome: object = None


class Request:
    def __init__(self, session: str, slot: str | None, sims: list[Sim]):
        self.session, self.slot, self.sims = session, slot, sims
        self.done = threading.Event()
        self.cancelled = False
        self.error: BaseException | None = None
        self.busy = False  # a worker is running one of its chunks
        self.arrived = time.monotonic()

    def current(self) -> Sim | None:
        return next((s for s in self.sims if s.outcome is None), None)

    def runs_done(self) -> int:
        return sum(s.runs if s.outcome is not None else s.next_start for s in self.sims)


class Scheduler:
    def __init__(self, outcomes, workers: int = WORKERS, max_waiting: int = MAX_WAITING):
        self.outcomes = outcomes  # Context.outcomes: the cache finished simulations go to
        self.workers, self.max_waiting = workers, max_waiting
        self.cond = threading.Condition()
        self.requests: list[Request] = []  # not finished, in arrival order
        self.served: dict[str, float] = {}  # session -> when a chunk of it last started
        self.threads: list[threading.Thread] = []

    # ------------------------------------------------------------------ callers
    def submit(self, session: str, slot: str | None, sims: list[Sim]) -> Request:
        """Queue a request (superseding the session's older one of the same slot); Busy if too many wait."""
        request = Request(session, slot, sims)
        with self.cond:
            if slot is not None:
                for old in [r for r in self.requests if r.session == session and r.slot == slot]:
                    self._finish(old, cancelled=True)
            if len(self.requests) >= self.max_waiting:
                raise Busy(f"busy: {len(self.requests)} requests are waiting on this server, its limit; try again "
                           "in a moment")
            self.requests.append(request)
            self._start_workers()
            self.cond.notify_all()
        return request

    def run(self, session: str, slot: str | None, sims: list[Sim]) -> list:
        """Submit and wait: the outcomes of ``sims`` in order (Superseded, Busy or the simulation's error)."""
        if not sims:
            return []
        request = self.submit(session, slot, sims)
        request.done.wait()
        if request.cancelled:
            raise Superseded("a newer request of this page replaced this one")
        if request.error is not None:
            raise request.error
        return [s.outcome for s in request.sims]

    def describe(self, session: str) -> str:
        """Where the session's oldest unfinished request stands, in one line ('' when it has none)."""
        with self.cond:
            mine = next((r for r in self.requests if r.session == session), None)
            if mine is None:
                return ""
            ahead = sum(1 for r in self.requests if r.session != session and r.arrived <= mine.arrived)
            total = sum(s.runs for s in mine.sims)
            done = mine.runs_done()
        if ahead:
            return (f"busy: {ahead} request{'s' if ahead > 1 else ''} ahead of yours (they share the server's "
                    f"time with yours); {done:,} of {total:,} runs done")
        return f"running: {done:,} of {total:,} runs done"

    def waiting(self) -> int:
        with self.cond:
            return len(self.requests)

    # ------------------------------------------------------------------ workers
    def _start_workers(self) -> None:
        while len(self.threads) < self.workers:
            thread = threading.Thread(target=self._work, daemon=True, name=f"diplosim-sim-{len(self.threads)}")
            self.threads.append(thread)
            thread.start()

    def _pick(self) -> tuple[Request, Sim, int, int] | None:
        """The next chunk: of the request whose session was served least recently (ties: the oldest request)."""
        free = [r for r in self.requests if not r.busy and not r.cancelled and r.current() is not None]
        if not free:
            return None
        request = min(free, key=lambda r: (self.served.get(r.session, 0.0), r.arrived))
        sim = request.current()
        start, stop = sim.next_start, min(sim.next_start + sim.chunk, sim.runs)
        sim.next_start = stop
        request.busy = True
        self.served[request.session] = time.monotonic()
        if sim.started is None:
            sim.started = time.perf_counter()
        return request, sim, start, stop

    def _work(self) -> None:
        from simulator.runner import run_replications

        while True:
            with self.cond:
                picked = self._pick()
                while picked is None:
                    self.cond.wait()
                    picked = self._pick()
            request, sim, start, stop = picked
            try:
                cached = self.outcomes.get(sim.cache_key) if start == 0 else None
                if cached is not None:  # computed meanwhile for another request
                    table = None
                else:
                    table, _ = run_replications(sim.compiled, sim.seed, list(range(start, stop)), 0,
                                                sim.overrides or None, engine=sim.engine, events_for=0)
                if cached is None and stop == sim.runs:
                    cached = self._outcome(sim, sim.parts + [table])
            except BaseException as exc:  # noqa: BLE001 - the callback reports it in one line
                with self.cond:
                    request.error = exc
                    self._finish(request)
                continue
            with self.cond:
                request.busy = False
                if request.cancelled:
                    continue
                if cached is not None:
                    sim.outcome, sim.parts, sim.next_start = cached, [], sim.runs
                else:
                    sim.parts.append(table)
                if request.current() is None:
                    self._finish(request)
                self.cond.notify_all()

    def _outcome(self, sim: Sim, parts: list):
        import pyarrow as pa

        from simulator.summary import SummaryAccumulator

        table = parts[0] if len(parts) == 1 else pa.concat_tables(parts)
        summary = SummaryAccumulator(sim.compiled).add(table).result()
        return self.outcomes.put(sim.cache_key, Outcome(table, summary, time.perf_counter() - sim.started))

    def _finish(self, request: Request, cancelled: bool = False) -> None:
        """(under the lock) Take a request off the list and wake its caller."""
        request.cancelled = request.cancelled or cancelled
        if request in self.requests:
            self.requests.remove(request)
        request.done.set()
        self.cond.notify_all()


# ---------------------------------------------------------------------- longer work of the page
MAX_TASKS_WAITING = 8  # background tasks (a track record, a sweep, a sensitivity screen) queued at most
TASK_WORKERS = 1  # they are CPU-bound like the simulations: one thread, besides the simulations' worker
SETTLE_POLL = 0.1  # seconds between looks at a settling task's clock and the simulations' queue


class Task:
    """One piece of longer work (``Tasks.start``): its progress for the page, a cancel flag it checks between
    parts, and its result or error once done."""

    def __init__(self, key: tuple, session: str, what: str, work, slot: str | None = None, settle: float = 0.0):
        self.key, self.session, self.what, self.work = key, session, what, work
        self.slot = slot  # a newer task of the same session and slot replaces this one while it waits
        self.settle = settle  # seconds it waits before starting (and longer while simulations wait)
        self.not_before = time.monotonic() + settle
        self.done = threading.Event()
        self.cancelled = False
        self.started: float | None = None
        self.finished: float | None = None
        self.progress = (0, 0)  # (parts done, parts in all); 0 in all while unknown
        self.result = None
        self.error: BaseException | None = None

    def report(self, done: int, total: int) -> None:
        """Called by the work as it goes; raises ``Superseded`` once the task is cancelled (the work stops)."""
        self.progress = (done, total)
        if self.cancelled:
            raise Superseded(f"{self.what}: cancelled")

    def words(self, waiting_ahead: int = 0) -> str:
        """Where the task stands, in one line."""
        if self.cancelled:
            return f"{self.what}: cancelled"
        if self.error is not None:
            first = (str(self.error).strip().splitlines() or [""])[0]
            return f"{self.what} failed: {type(self.error).__name__}: {first}"
        if self.done.is_set():
            return f"{self.what}: done in {self.finished - self.started:.1f} s"
        if self.started is None:
            return (f"{self.what}: waiting ({waiting_ahead} task{'s' if waiting_ahead != 1 else ''} ahead)"
                    if waiting_ahead else f"{self.what}: starting")
        done, total = self.progress
        part = f"; {done:,} of {total:,} done" if total else ""
        return f"{self.what}: running for {time.monotonic() - self.started:.0f} s{part}"


class Tasks:
    """Longer work started from the page, on a background thread (never a request thread), bounded.

    A task is known by its key: starting a key that is running or done gives that task (the track record of one
    corpus is computed once for every user). At most ``max_waiting`` tasks wait; one more is ``Busy``. A session
    may cancel its own tasks (``cancel``); a cancelled task stops at its next part (``Task.report``).

    Work that follows what the page shows (the sensitivity screen of the what-if on screen) is started with a
    ``slot`` and a ``settle`` time: it starts only once the what-if has stayed put that long and no simulation is
    waiting (``yield_to``: the scheduler's queue), and a newer task of the same session and slot replaces it while
    it waits. So moving a slider again and again neither queues a screen per position nor makes the next what-if
    share the server's time with the screen of the last one (the screen runs whole, in one pass, once started)."""

    def __init__(self, workers: int = TASK_WORKERS, max_waiting: int = MAX_TASKS_WAITING, keep: int = 16,
                 yield_to=None):
        self.workers, self.max_waiting, self.keep = workers, max_waiting, keep
        self.yield_to = yield_to  # () -> true while interactive work (simulations) waits: settling tasks wait too
        self.cond = threading.Condition()
        self.queue: list[Task] = []
        self.known: dict[tuple, Task] = {}  # key -> task (queued, running or done; the last ``keep`` done kept)
        self.threads: list[threading.Thread] = []

    def start(self, key: tuple, session: str, what: str, work, slot: str | None = None,
              settle: float = 0.0) -> Task:
        """The task of ``key``: the known one, or ``work(task)`` queued (``Busy`` when too many wait). A cancelled
        or failed task of the key is started again. With a ``slot``, the session's older task of that slot that
        has not started yet is cancelled; the new one starts after ``settle`` seconds, once no simulation waits."""
        with self.cond:
            known = self.known.get(key)
            if known is not None and not known.cancelled and known.error is None:
                return known
            if slot is not None:
                for old in [t for t in self.queue if t.session == session and t.slot == slot]:
                    old.cancelled = True
                    self.queue.remove(old)
                    old.done.set()
            if len(self.queue) >= self.max_waiting:
                raise Busy(f"busy: {len(self.queue)} longer tasks are waiting on this server, its limit; try again "
                           "in a moment")
            task = self.known[key] = Task(key, session, what, work, slot, settle)
            self.queue.append(task)
            while len(self.threads) < self.workers:
                thread = threading.Thread(target=self._work, daemon=True, name=f"diplosim-task-{len(self.threads)}")
                self.threads.append(thread)
                thread.start()
            self.cond.notify_all()
            return task

    def get(self, key: tuple) -> Task | None:
        with self.cond:
            return self.known.get(key)

    def words(self, task: Task) -> str:
        with self.cond:
            ahead = self.queue.index(task) if task in self.queue else 0
        return task.words(ahead)

    def cancel(self, key: tuple, session: str) -> bool:
        """Cancel a session's own task (queued or running); whether there was one."""
        with self.cond:
            task = self.known.get(key)
            if task is None or task.session != session or task.done.is_set():
                return False
            task.cancelled = True
            if task in self.queue:
                self.queue.remove(task)
                task.done.set()
            return True

    def _next(self) -> tuple[Task | None, float | None]:
        """(under the lock) (the first queued task free to start, or None; how long to wait before looking again:
        None for until notified)."""
        now, wait = time.monotonic(), None
        simulating = None
        for task in self.queue:
            if task.settle:
                if task.not_before > now:
                    wait = min(wait if wait is not None else math.inf, task.not_before - now)
                    continue
                if simulating is None:
                    simulating = bool(self.yield_to and self.yield_to())
                if simulating:
                    wait = min(wait if wait is not None else math.inf, SETTLE_POLL)
                    continue
            return task, None
        return None, wait

    def _work(self) -> None:
        while True:
            with self.cond:
                task, wait = self._next()
                while task is None:
                    self.cond.wait(wait)
                    task, wait = self._next()
                self.queue.remove(task)
                task.started = time.monotonic()
            try:
                task.result = task.work(task)
            except Superseded:
                task.cancelled = True
            except BaseException as exc:  # noqa: BLE001 - the page reports it in one line
                task.error = exc
            with self.cond:
                task.finished = time.monotonic()
                task.done.set()
                done = [k for k, t in self.known.items() if t.done.is_set()]
                for k in done[:max(0, len(done) - self.keep)]:
                    del self.known[k]
                self.cond.notify_all()
