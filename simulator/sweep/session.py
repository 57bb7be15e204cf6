"""One session of a parameter sweep into a results directory: what ``diplosim sweep`` and ``simulator.run_sweep``
both run.

``SweepSession`` checks the options, makes the design, becomes the only writer of the directory, decides what
is missing (a new sweep, or ``resume`` of an interrupted one with the same plan), then ``run`` runs the missing
chunks on the local pool or a Dask cluster, writing each Parquet part as it arrives, and records the session in
the manifest. Bad options and a directory that cannot be used raise ``ValueError`` with one line naming the
option as the command line spells it (``--out: ...``); Ctrl-C keeps every finished chunk (``run`` returns with
``outcome`` 'interrupted'); a rule's error (``RuleError``) and a dead worker (``BrokenProcessPool``) are raised
after the finished chunks are recorded.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from . import DEFAULT_CHUNK


def sweep_manifest(loaded, compiled, seed: int, design, runs: int, chunk: int, engine: str, events: int | None,
                   plugins=()) -> dict:
    """A new sweep's manifest (``store.base_manifest``): its design, runs per point, chunk, engine, event logs
    kept, and the versions of the packages a sweep may use besides the run's."""
    from importlib import metadata

    from ..store import base_manifest

    manifest = base_manifest("sweep", loaded, compiled, seed, {
        "sweep": {**design.to_json(), "runs": runs, "chunk": chunk, "run_order": "point * runs + replication",
                  "plugins": list(plugins), "engine": engine, "events_for": events},
        "runs_total": len(design.points) * runs, "complete": False, "sessions": []})
    for name in ("dask", "distributed", "SALib"):
        try:
            manifest["packages"][name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            manifest["packages"][name] = "not installed"
    return manifest


def check_options(sample: str, jobs: int, scheduler: str | None, dask_local: int | None) -> None:
    """The options that need no scenario: ValueError with one line."""
    from .sampling import SAMPLERS

    if sample not in SAMPLERS:
        raise ValueError(f"--sample: '{sample}' is not one of {', '.join(SAMPLERS)}")
    if scheduler is not None and dask_local is not None:
        raise ValueError("--scheduler and --dask-local: choose one")
    if (scheduler is not None or dask_local is not None) and jobs != 1:
        raise ValueError("--jobs: applies to the local pool; with Dask the cluster's workers set the parallelism")


def _previous(out: Path, resume: bool) -> dict | None:
    """Check ``out`` (already locked); the manifest already there when resuming, else None."""
    from ..store import read_manifest
    from ..writelock import is_empty

    if out.exists() and not out.is_dir():
        raise ValueError(f"--out: '{out}' exists and is not a directory")
    if not out.is_dir() or is_empty(out):
        return None
    if not resume:
        raise ValueError(f"--out: '{out}' is not empty (pass --resume to continue the sweep there, or choose another "
                         "directory)")
    if not (out / "manifest.json").is_file():
        raise ValueError(f"--resume: '{out}' has no manifest.json, so it is not a results directory")
    try:
        return read_manifest(out)
    except (OSError, ValueError) as exc:
        raise ValueError(f"--resume: cannot read '{out / 'manifest.json'}': {exc}") from None


def lock_out_dir(out: Path):
    """Become the only writer of ``out`` (a ``WriterLock``, to release), or ValueError with one line naming the
    writer there."""
    from ..writelock import DirectoryBusy, WriterLock

    if out.exists() and not out.is_dir():
        raise ValueError(f"--out: '{out}' exists and is not a directory")
    lock = WriterLock(out)
    try:
        lock.acquire()
    except DirectoryBusy as exc:
        raise ValueError(f"--out: '{out}' is being written by another diplosim ({exc}); "
                         "wait for it to finish, or choose another directory") from None
    except OSError as exc:
        raise ValueError(f"--out: cannot write to '{out}': {exc.strerror or exc}") from None
    return lock


class SweepSession:
    """A sweep of ``loaded`` (a loaded scenario) into ``out``, planned and locked on entering (``with``), run by
    ``run``. ``locked``: the caller already holds ``out``'s writer lock (the command line holds it for the whole
    command)."""

    def __init__(self, loaded, out, *, vary=(), sample: str = "grid", points: int | None = None,
                 second_order: bool = True, runs: int = 100, seed: int = 0, jobs: int = 1,
                 scheduler: str | None = None, dask_local: int | None = None, chunk: int | None = None,
                 engine: str = "auto", events: int | None = None, resume: bool = False, plugins=(),
                 command: list[str] | None = None, locked: bool = False):
        from ..compiled import Compiled
        from ..runner import resolve_engine
        from .sampling import make_design
        from .specs import parse_varies

        check_options(sample, jobs, scheduler, dask_local)
        self.loaded, self.out, self.runs, self.seed = loaded, Path(out), runs, seed
        self.jobs, self.scheduler, self.dask_local, self.resume = jobs, scheduler, dask_local, resume
        self.plugins, self.chunk, self.locked = list(plugins), chunk, locked
        self.command = list(sys.argv if command is None else command)
        self.compiled = Compiled(loaded.scenario)
        self.engine = resolve_engine(self.compiled, engine)
        # logging costs the batch engine as much as simulating: by default all logs with mesa, none with batch
        self.events = (None if self.engine == "mesa" else 0) if events is None else events
        table = self.compiled.table
        self.design = make_design(sample, parse_varies(list(vary), table.names, table), table, points, seed,
                                  second_order)
        self._lock = None
        self._stack = None

    @property
    def total(self) -> int:
        return len(self.design.points) * self.runs

    def __enter__(self) -> SweepSession:
        from contextlib import ExitStack

        from ..store import ResultsWriter, finished_parts, remove_temp_files
        from .execution import ExecutorError, SweepContext, open_executor, part_id, spans
        from .resume import check_resume, points_match

        if not self.locked:
            self._lock = lock_out_dir(self.out)
        try:
            old = _previous(self.out, self.resume)
            if self.chunk is None:  # a resume keeps the chunk its directory was made with (part ids depend on it)
                self.chunk = (old or {}).get("sweep", {}).get("chunk") or DEFAULT_CHUNK[self.engine]
            self.ctx = SweepContext(self.compiled, self.seed, self.runs, self.design.points, self.engine, self.events)
            desc = (f"dask {self.scheduler}" if self.scheduler else f"dask LocalCluster x{self.dask_local}"
                    if self.dask_local else f"process pool x{self.jobs}" if self.jobs > 1 else "in process")
            self.session = {"command": self.command,
                            "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                            "executor": desc}
            manifest = sweep_manifest(self.loaded, self.compiled, self.seed, self.design, self.runs, self.chunk,
                                      self.engine, self.events, self.plugins)
            if old is not None:
                check_resume(old, manifest, self.out)
                if not points_match(self.out, self.design.points):
                    raise ValueError(f"--resume: the points in '{self.out / 'points.parquet'}' differ from this "
                                     "sweep's; use another --out")
                manifest = old
            manifest["sessions"].append(self.session)
            self._stack = ExitStack()
            try:  # connect before touching --out, so a wrong address leaves nothing behind
                self.executor = self._stack.enter_context(open_executor(self.ctx, self.jobs, self.scheduler,
                                                                        self.dask_local))
            except ExecutorError as exc:
                raise ValueError(str(exc)) from None
            self.writer = ResultsWriter(self.out, self.compiled, manifest)
            if old is None:
                self.writer.write_points(dict(enumerate(self.design.points)))
            remove_temp_files(self.out)
            done = finished_parts(self.out)
            self._all_spans = spans(self.ctx.total, self.chunk)
            self.todo = [s for s in self._all_spans if part_id(s) not in done]
            self.already = self.ctx.total - sum(e - s for s, e in self.todo)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self._stack is not None:
            self._stack.close()
            self._stack = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def run(self, on_start=None, on_part=None) -> dict:
        """Run the missing chunks, writing each part as it arrives: ``on_start(total, already)`` first,
        ``on_part(runs, rate)`` after each part (its runs, 'N runs/s' so far). Returns {'new_runs', 'seconds',
        'already', 'outcome'} ('finished' or 'interrupted': Ctrl-C keeps what finished). A rule's error or a dead
        worker is raised once the finished parts are recorded (``new_runs`` on the exception)."""
        from concurrent.futures.process import BrokenProcessPool

        from ..errors import RuleError
        from ..store import finished_parts
        from .execution import execute, part_id

        started = time.perf_counter()
        new_runs = 0
        workers = max(self.jobs, self.dask_local or 1)

        def part(span, runs, events, *copies):
            nonlocal new_runs
            self.writer.write_tables(part_id(span), runs, events)
            new_runs += span[1] - span[0]
            if on_part is not None:
                on_part(span[1] - span[0], f"{new_runs / (time.perf_counter() - started):,.0f} runs/s")

        def close(outcome: str) -> float:
            elapsed = time.perf_counter() - started
            self.session.update(seconds=round(elapsed, 3), runs=new_runs, outcome=outcome)
            seconds = sum(s.get("seconds", 0) for s in self.writer.manifest["sessions"])
            self.writer.finish(complete=len(finished_parts(self.out)) == len(self._all_spans),
                               seconds=round(seconds, 3))
            return elapsed

        if on_start is not None:
            on_start(self.ctx.total, self.already)
        outcome = "finished"
        try:  # enough in flight to keep every worker busy; bounded so memory stays flat
            execute(*self.executor, self.todo, part, 2 * workers + 2)
        except KeyboardInterrupt:
            outcome = "interrupted"
        except (RuleError, BrokenProcessPool) as exc:
            close("rule error" if isinstance(exc, RuleError) else "worker died")
            exc.new_runs = new_runs
            raise
        return {"new_runs": new_runs, "seconds": close(outcome), "already": self.already, "outcome": outcome}
