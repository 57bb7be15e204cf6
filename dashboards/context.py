"""What the dashboard server holds: the scenarios it knows (the --scenario file and uploads), settings, caches.

Scenarios are addressed by a short key that goes into the URL: ``main`` for
the file given on the command line, ``upload-<hash>`` for an uploaded one
(kept in this server's memory, so such a link works while the server runs).
Uploads are size-limited, written to a private temporary file and validated
by the same loader as ``diplosim validate`` (plain YAML only: no tag can
build an object, and rules are names from the registry, never import paths).
"""

from __future__ import annotations

import base64
import binascii
import re
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

MAX_UPLOAD_BYTES = 256 * 1024  # a scenario is a few tens of KB; anything larger is a mistake or abuse
MAX_UPLOADS = 16  # uploaded scenarios kept in memory (oldest dropped first)
MAIN = "main"


class UploadError(ValueError):
    """Why an upload was refused: one line per problem (``file:line:col: field: message``)."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Entry:
    key: str
    label: str
    loaded: object  # scenario.LoadedScenario
    compiled: object  # compiled.Compiled


class LRU:
    """A small thread-safe least-recently-used cache (Dash may serve callbacks from several threads)."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return None

    def put(self, key, value):
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


@dataclass
class Context:
    runs: int = 500
    seed: int = 1
    engine: str = "auto"
    results_dir: str | None = None
    scenarios: OrderedDict = field(default_factory=OrderedDict)  # key -> Entry
    outcomes: LRU = field(default_factory=lambda: LRU(64))  # (key, seed, runs, overrides) -> compute.Outcome
    sweeps: LRU = field(default_factory=lambda: LRU(3))  # results path -> report.Results
    lock: threading.Lock = field(default_factory=threading.Lock)  # guards ``scenarios``
    compute_lock: threading.Lock = field(default_factory=threading.Lock)  # one Monte Carlo at a time

    def add(self, key: str, label: str, loaded) -> Entry:
        from simulator.compiled import Compiled

        entry = Entry(key, label, loaded, Compiled(loaded.scenario))
        with self.lock:
            self.scenarios[key] = entry
            uploads = [k for k in self.scenarios if k != MAIN]
            for old in uploads[:max(0, len(uploads) - MAX_UPLOADS)]:
                del self.scenarios[old]
        return entry

    def get(self, key: str | None) -> Entry | None:
        if key is None:
            return next(iter(self.scenarios.values()), None)
        return self.scenarios.get(key)

    def table(self, key: str):
        """The scenario's ParameterTable, or None for an unknown key (``state.parse_search`` takes this)."""
        entry = self.get(key)
        return None if entry is None else entry.compiled.table

    def options(self) -> list[dict]:
        return [{"label": e.label, "value": e.key} for e in self.scenarios.values()]

    def add_upload(self, filename: str | None, contents: str | None) -> Entry:
        """Validate an uploaded scenario (a ``dcc.Upload`` data URL); raise UploadError with one-line problems."""
        from simulator.scenario import ScenarioError, load

        name = safe_name(filename)
        data = decode_upload(name, contents)
        with tempfile.TemporaryDirectory(prefix="diplosim-upload-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(data)
            try:
                # source texts are files next to a scenario; an upload comes alone, so quotes cannot be checked
                loaded = load(path, check_sources=False)
            except ScenarioError as exc:
                raise UploadError([str(p).replace(str(path), name) for p in exc.problems]) from None
        key = f"upload-{loaded.digest[:12]}"
        return self.add(key, f"{name} (uploaded)", loaded)


def safe_name(filename: str | None) -> str:
    """The upload's base name with only harmless characters (it is shown in messages and used as a file name)."""
    base = re.sub(r"[^A-Za-z0-9._-]", "_", Path(filename or "upload.yaml").name)[:80].lstrip(".")
    return base or "upload.yaml"


def decode_upload(name: str, contents: str | None) -> bytes:
    if not contents or "," not in contents:
        raise UploadError([f"{name}: upload: the file is empty or was not received"])
    payload = contents.split(",", 1)[1]
    if len(payload) > MAX_UPLOAD_BYTES * 4 // 3 + 8:
        raise UploadError([f"{name}: upload: larger than the {MAX_UPLOAD_BYTES // 1024} KB limit for a scenario"])
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise UploadError([f"{name}: upload: not a readable file (bad encoding)"]) from None
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError([f"{name}: upload: larger than the {MAX_UPLOAD_BYTES // 1024} KB limit for a scenario"])
    return data
