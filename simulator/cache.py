"""A small on-disk cache of deterministic results, keyed by everything they depend on.

Some results cost far more than the command that shows them, yet depend only on their inputs: the
fragile-forecast screen of ``diplosim run`` (about 8,000 extra runs on the seed scenario, while
``--runs 1000`` needs 1,000) is fixed by the scenario as compiled, the parameter values of its runs,
the seed and the code. Such a result is stored under the SHA-256 of a description of those inputs, so
the same command again (another ``--runs``, ``--json``, ``--out`` or ``--report``) reuses it, and any
change of input, including an edit of the simulator's own source, gives another key.

Where: ``$DIPLOSIM_CACHE`` if set (``off`` turns the cache off), else ``$XDG_CACHE_HOME/diplosim``,
else ``~/.cache/diplosim``. A cache that cannot be read or written is treated as empty: it never
makes a command fail, and a damaged entry is computed again. Each kind keeps its newest ``KEEP``
entries; delete the folder at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

KEEP = 256


def folder() -> Path | None:
    """The cache folder, or None when ``DIPLOSIM_CACHE=off``."""
    env = os.environ.get("DIPLOSIM_CACHE")
    if env:
        return None if env.strip().lower() == "off" else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "diplosim"


_CODE: list[str] = []


def code_fingerprint() -> str:
    """The simulator's source files by path, size and modification time (about 2 ms for ~100 files): an
    edited or upgraded simulator never reads another version's entries."""
    if not _CODE:
        root = os.path.dirname(os.path.abspath(__file__))
        seen = []
        for folder_, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for name in files:
                if name.endswith(".py"):
                    st = os.stat(os.path.join(folder_, name))
                    seen.append(f"{os.path.relpath(os.path.join(folder_, name), root)}:{st.st_size}:{st.st_mtime_ns}")
        _CODE.append(hashlib.sha256("\n".join(sorted(seen)).encode()).hexdigest())
    return _CODE[0]


def key(*parts) -> str:
    """SHA-256 of the parts (strings, bytes, or JSON-able values) and of the simulator's code."""
    h = hashlib.sha256(code_fingerprint().encode())
    for p in parts:
        b = p if isinstance(p, bytes) else p.encode() if isinstance(p, str) else \
            json.dumps(p, sort_keys=True, separators=(",", ":")).encode()
        h.update(len(b).to_bytes(8, "little") + b)
    return h.hexdigest()


def get(kind: str, k: str) -> dict | None:
    base = folder()
    if base is None:
        return None
    try:
        with open(base / kind / f"{k}.json", encoding="utf-8") as fh:
            entry = json.load(fh)
    except (OSError, ValueError):
        return None
    return entry.get("value") if isinstance(entry, dict) and entry.get("key") == k else None


def exact(value):
    """``value`` (dicts, lists, tuples, strings, numbers, booleans, None) as JSON that ``restored`` gives back
    equal and of the same types: a dict's keys keep their type (a count distribution's whole numbers stay numbers)
    and a tuple stays a tuple, where plain JSON would turn them into strings and lists."""
    if isinstance(value, dict):
        return {"d": [[exact(k), exact(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return {"t" if isinstance(value, tuple) else "l": [exact(v) for v in value]}
    if value is None or type(value) in (str, int, float, bool):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} exactly")


def restored(value):
    """What ``exact`` was given."""
    if isinstance(value, dict):
        (tag, items), = value.items()
        if tag == "d":
            return {restored(k): restored(v) for k, v in items}
        return tuple(restored(v) for v in items) if tag == "t" else [restored(v) for v in items]
    return value


def put(kind: str, k: str, value: dict) -> bool:
    """Store ``value`` (JSON-able) atomically; False if the cache is off or cannot be written."""
    base = folder()
    if base is None:
        return False
    where = base / kind
    tmp = where / f".tmp-{os.getpid()}-{k}.json"  # this process's own name: written whole, then renamed
    try:
        where.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"key": k, "value": value}, fh)
        os.replace(tmp, where / f"{k}.json")
        entries = sorted(where.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
        for old in entries[:-KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        return False
    return True
