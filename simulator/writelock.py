"""One writer per results directory.

A writer (``diplosim run --out``, ``diplosim sweep``) holds an exclusive
``flock`` on ``<out>/.writer.lock`` for as long as it works there. The lock
belongs to the open file, so the operating system drops it when the process
ends in any way, ``kill -9`` included: a crashed writer never leaves the
directory stuck. The file also records who holds it (pid, host, command, start
time), so a refused second writer can say whom it is waiting for.

After a clean finish the file is removed; after a crash it stays behind,
unlocked, and the next writer simply takes it over.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import sys
from pathlib import Path

LOCK_NAME = ".writer.lock"


class DirectoryBusy(RuntimeError):
    """Another live process writes this results directory; the message names it, in one line."""


def describe_holder(info: dict) -> str:
    """'pid 123 on host, since 2026-01-01 10:00:00: diplosim sweep ...' from a lock file's record."""
    if not info.get("pid"):
        return "another process"
    text = f"pid {info['pid']}"
    if info.get("host"):
        text += f" on {info['host']}"
    if info.get("started"):
        text += f", since {info['started']}"
    if info.get("command"):
        text += f": {info['command']}"
    return text


def read_holder(out: Path) -> dict:
    """The record in a results directory's lock file ({} if absent or unreadable)."""
    try:
        return json.loads((Path(out) / LOCK_NAME).read_text())
    except (OSError, ValueError):
        return {}


class WriterLock:
    """The exclusive right to write one results directory, for the life of this object (or process)."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.path = self.out / LOCK_NAME
        self.created_dir = False
        self._fd: int | None = None

    def acquire(self, command: list[str] | None = None) -> WriterLock:
        """Take the lock without waiting, creating the directory if needed; raise DirectoryBusy if it is held."""
        if not self.out.is_dir():
            self.out.mkdir(parents=True)
            self.created_dir = True
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                self._forget_dir()
                raise DirectoryBusy(describe_holder(read_holder(self.out))) from None
            # The previous holder may have removed the file between our open and our lock: then we locked a
            # file nobody else can find, so start again on the one now at the path.
            try:
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        self._fd = fd
        record = {"pid": os.getpid(), "host": socket.gethostname(),
                  "command": " ".join(command if command is not None else ["diplosim", *sys.argv[1:]]),
                  "started": dt.datetime.now().astimezone().isoformat(sep=" ", timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(record) + "\n").encode(), 0)
        return self

    def release(self) -> None:
        """Remove the lock file and let go (the directory too, if this lock made it and nothing else is there)."""
        if self._fd is None:
            return
        try:
            if os.stat(self.path).st_ino == os.fstat(self._fd).st_ino:
                self.path.unlink()  # while still locked, so nobody takes over a file about to vanish
        except FileNotFoundError:
            pass
        os.close(self._fd)
        self._fd = None
        self._forget_dir()

    def _forget_dir(self) -> None:
        if self.created_dir:
            try:
                self.out.rmdir()  # only succeeds if empty: a refused or failed start leaves nothing behind
            except OSError:
                pass

    def __enter__(self) -> WriterLock:
        return self.acquire() if self._fd is None else self

    def __exit__(self, *exc) -> None:
        self.release()


def is_empty(out: Path) -> bool:
    """Whether a results directory holds nothing but (perhaps) a lock file."""
    return not any(p.name != LOCK_NAME for p in Path(out).iterdir())
