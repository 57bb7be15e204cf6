"""The files a scenario names (source texts, ``defaults:``, reference classes, an observed file's scenario and
forecast): where they may be, what they may be, and how much of them is read.

A name is resolved against the naming file's folder and must land, links followed, inside that folder's tree
or inside an extra root configured with ``DIPLOSIM_FILE_ROOTS`` (folders separated by ``os.pathsep``: for
a corpus that keeps shared texts beside its scenario folders). The dashboard grants uploads no extra root:
an uploaded scenario reads only its own upload folder. Whether a path is inside is decided before the file
system is asked anything about it, so the refusal of an outside path never says whether it exists. The file
must be a regular file (never a device, a pipe or a folder: a FIFO is opened without waiting for a writer)
and is read up to a size limit.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_SOURCE_TEXT_BYTES = 4 * 2**20  # an article's text is a few tens of KB
MAX_YAML_BYTES = 8 * 2**20  # scenarios, calibration, reference and observed files: tens of KB
MAX_JSON_BYTES = 64 * 2**20  # a frozen forecast
ROOTS_VARIABLE = "DIPLOSIM_FILE_ROOTS"


class FileRefError(ValueError):
    """A named file cannot be used; str() is one line (without the field, which the caller knows)."""


def limit_words(limit: int) -> str:
    return f"{limit / 2**20:g} MB" if limit >= 2**20 else f"{limit / 1024:g} KB"


def configured_roots() -> tuple[Path, ...]:
    """The extra roots of ``DIPLOSIM_FILE_ROOTS`` (empty entries ignored)."""
    value = os.environ.get(ROOTS_VARIABLE, "")
    return tuple(Path(p).expanduser().resolve() for p in value.split(os.pathsep) if p.strip())


@dataclass(frozen=True)
class Folder:
    """Where the files named by one file may be: ``root`` (the naming file's folder) and below, and ``extra``."""

    root: Path
    extra: tuple[Path, ...] = ()

    @classmethod
    def of(cls, naming_file: str | Path, extra_roots: tuple | None = None) -> Folder:
        """The folder of ``naming_file``; extra roots from ``DIPLOSIM_FILE_ROOTS`` unless given (``()``: none)."""
        extra = configured_roots() if extra_roots is None else tuple(Path(p).resolve() for p in extra_roots)
        return cls(Path(naming_file).parent.resolve(), extra)

    @classmethod
    def at(cls, base_dir: str | Path | Folder) -> Folder:
        return base_dir if isinstance(base_dir, Folder) else cls(Path(base_dir).resolve(), configured_roots())

    def inside(self, path: Path) -> bool:
        return any(path == r or r in path.parents for r in (self.root, *self.extra))

    def path(self, name: str) -> Path:
        """The resolved path of ``name`` (relative to the root, or absolute); FileRefError if it lands outside."""
        if not isinstance(name, str) or not name.strip() or "\0" in name:
            raise FileRefError(f"'{name}' {OUTSIDE}")
        try:
            resolved = (self.root / name).resolve()
        except (OSError, RuntimeError, ValueError):  # a loop of links, a name too long
            raise FileRefError(f"'{name}' {OUTSIDE}") from None
        if not self.inside(resolved):
            raise FileRefError(f"'{name}' {OUTSIDE}")
        return resolved

    def read_bytes(self, name: str, limit: int, what: str) -> bytes:
        """The bytes of ``name``: FileRefError when outside, missing, not a regular file or over ``limit``."""
        return read_limited(self.path(name), limit, what, shown=name)

    def read_text(self, name: str, limit: int, what: str) -> str:
        data = self.read_bytes(name, limit, what)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise FileRefError(f"'{name}' is not UTF-8 text") from None


OUTSIDE = "is outside the scenario's folder (a scenario names only files in its own folder and below)"


def read_limited(path: Path, limit: int, what: str, shown: str | None = None) -> bytes:
    """At most ``limit`` bytes of a regular file (FileRefError, one line, naming ``shown``, when it is missing,
    is not a regular file or is larger). Opened without blocking and checked on the open descriptor."""
    shown = str(path) if shown is None else shown
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise FileRefError(f"'{shown}' not found") from None
    except IsADirectoryError:
        raise FileRefError(f"'{shown}' is not a regular file") from None
    except OSError as exc:
        raise FileRefError(f"'{shown}' cannot be read ({exc.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FileRefError(f"'{shown}' is not a regular file")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise FileRefError(f"'{shown}' cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)
    if size > limit:
        raise FileRefError(f"'{shown}' is larger than the {limit_words(limit)} limit for {what}")
    return b"".join(chunks)
