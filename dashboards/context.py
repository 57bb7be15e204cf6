"""What the dashboard server holds: the scenarios it knows (the --scenario file and uploads), settings, caches.

Scenarios are addressed by a short key that goes into the URL: ``main`` for
the file given on the command line, ``upload-<hash>`` for an uploaded one.
Uploads belong to the browser session that made them (``Session``: an id kept
in the tab's session storage, ``dashboards.app``): another session never sees
them, not in its menus and not by their key. Each session keeps its uploads in
its own folder, within a size cap per session and one for the server, and
loses them after some hours unused.
Uploads are size-limited, written to a private temporary directory and
validated by the same loader as ``diplosim validate`` (plain YAML only: no tag
can build an object, and rules are names from the registry, never import
paths). A scenario may come with its source texts, as several files or one
zip archive; then its evidence quotes are checked against them exactly as
``diplosim validate`` does. Every file an uploaded scenario names (source
texts, ``defaults:``, reference classes) is read only inside its own upload
folder (``simulator/scenario/files.py``; no extra root is granted), so a
scenario cannot read, or learn the existence of, any other file. Archives are extracted by hand, never with
``extractall``: member names must be relative paths without ``..``, links are
refused, and the number of files and the bytes actually read are bounded.
"""

from __future__ import annotations

import base64
import binascii
import functools
import io
import re
import shutil
import stat
import tempfile
import threading
import time
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

MAX_UPLOAD_BYTES = 256 * 1024  # a scenario is a few tens of KB; anything larger is a mistake or abuse
MAX_BUNDLE_BYTES = 4 * 1024 * 1024  # a scenario with its source texts (files or a zip, and what a zip holds)
MAX_BUNDLE_FILES = 50
MAX_UPLOADS = 16  # uploaded scenarios kept per session (oldest dropped first)
MAX_SESSION_BYTES = 16 * 2**20  # what one browser session may keep uploaded (files as received, zips unpacked)
MAX_SERVER_BYTES = 256 * 2**20  # what all sessions together may keep uploaded
SESSION_IDLE_HOURS = 6.0  # a session's uploads (memory and folder) are removed after this long unused
MAIN = "main"
LOCAL_SESSION = "local-session-of-this-process"  # the one session of callers that name none (tests, scripts)
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")  # what dashboards.app gives each browser tab (secrets.token_urlsafe)


CORPUS = "corpus-"  # the key of a scenario picked from a --scenario-root folder: 'corpus-<file name>'
NO_SESSION = ""  # a page whose session is not known (yet): it sees the server's own scenario only


def browser_session(value) -> str:
    """What a callback got from the page's ``session`` store, as a session id (``NO_SESSION`` if malformed)."""
    return value if isinstance(value, str) and SESSION_ID.fullmatch(value) else NO_SESSION


def new_session_id() -> str:
    """A browser tab's session id: random, unguessable (it is what keeps one user's uploads from another)."""
    import secrets

    return secrets.token_urlsafe(24)


@dataclass
class Session:
    """One browser session's uploads: its scenarios, its folder, the bytes it holds and when it was last used."""

    folder: Path
    scenarios: OrderedDict = field(default_factory=OrderedDict)  # key -> Entry
    sizes: dict = field(default_factory=dict)  # key -> bytes kept in the folder for it
    last_used: float = 0.0

    @property
    def bytes(self) -> int:
        return sum(self.sizes.values())


def corpus_title(path: Path) -> str:
    """A corpus scenario's title for the picker, read from the top of its file (its metadata come first); the file
    name if none is found there. The scenario itself is loaded and checked only when picked."""
    return _title(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _title(path: str, stamp: int) -> str:
    with open(path, encoding="utf-8", errors="replace") as f:
        head = f.read(8192)
    found = re.search(r"^  title: *(.+)$", head, re.M)
    return found.group(1).strip().strip("'\"") if found else Path(path).name


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
    quotes_checked: bool = True  # False for an upload that came without its source texts

    @property
    def unchecked_quotes(self) -> int:
        """How many of its evidence quotes could not be checked against their sources (0 when checked, or when
        the scenario quotes nothing)."""
        from simulator.scenario.semantics import quote_count

        return 0 if self.quotes_checked else quote_count(self.loaded.scenario)


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
    results_roots: tuple = ()  # the Sweep explorer opens only folders at or below these (--results, --results-root)
    # folders of scenarios the page may pick from (--scenario-root): only their own *.yaml files, by name
    scenario_roots: tuple = ()
    tasks: object = None  # jobs.Tasks: longer work started from the page (track record, sweeps, sensitivity)
    sweeps_root: Path | None = None  # where sweeps started from the page write (made on the first one)
    scenarios: OrderedDict = field(default_factory=OrderedDict)  # key -> Entry
    outcomes: LRU = field(default_factory=lambda: LRU(64))  # (key, seed, runs, overrides) -> compute.Outcome
    sweeps: LRU = field(default_factory=lambda: LRU(3))  # results path -> report.Results
    # (what-if view, key, scenario digest, engine, address) -> the What-if tab's numbers, cards and charts
    views: LRU = field(default_factory=lambda: LRU(64))  # (and a lock per state being drawn)
    lock: threading.Lock = field(default_factory=threading.Lock)  # guards ``scenarios`` and ``sessions``
    scheduler: object = None  # jobs.Scheduler: runs the simulations off the request threads (made with the context)
    # uploads are kept per browser session (``Session``), each in its own folder under ``upload_root``; an
    # upload is seen only by the session that made it, and goes when that session has been idle for ``idle_hours``
    sessions: dict = field(default_factory=dict)  # session id -> Session
    upload_root: Path | None = None  # made on the first upload (a private temporary folder)
    idle_hours: float = SESSION_IDLE_HOURS
    session_bytes: int = MAX_SESSION_BYTES
    server_bytes: int = MAX_SERVER_BYTES

    def __post_init__(self):
        from .jobs import Scheduler

        if self.scheduler is None:
            self.scheduler = Scheduler(self.outcomes)
        if self.tasks is None:
            from .jobs import Tasks

            self.tasks = Tasks(yield_to=self.scheduler.waiting)  # the page's simulations go first

    def add(self, key: str, label: str, loaded, quotes_checked: bool = True) -> Entry:
        """The server's own scenario (``main``: the --scenario file), seen by every session."""
        from simulator.compiled import Compiled

        entry = Entry(key, label, loaded, Compiled(loaded.scenario), quotes_checked)
        with self.lock:
            self.scenarios[key] = entry
        return entry

    def session(self, session: str | None, create: bool = False) -> Session | None:
        """A session's uploads (touched: used now), None for an unknown or malformed id; idle sessions go first."""
        self.expire()
        if not isinstance(session, str) or not SESSION_ID.fullmatch(session):
            return None
        with self.lock:
            found = self.sessions.get(session)
            if found is None and create:
                import hashlib

                if self.upload_root is None:
                    self.upload_root = Path(tempfile.mkdtemp(prefix="diplosim-uploads-"))
                # the folder is named by a hash of the id, so the id itself (a secret) is never on disk
                folder = self.upload_root / hashlib.sha256(session.encode()).hexdigest()[:24]
                found = self.sessions[session] = Session(folder)
            if found is not None:
                found.last_used = time.monotonic()
            return found

    def expire(self, now: float | None = None) -> list[str]:
        """Remove the sessions idle for longer than ``idle_hours`` (their uploads and folders); their ids."""
        now = time.monotonic() if now is None else now
        with self.lock:
            gone = [sid for sid, s in self.sessions.items() if now - s.last_used > self.idle_hours * 3600]
            folders = [self.sessions.pop(sid).folder for sid in gone]
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
        return gone

    def get(self, key: str | None, session: str | None = None) -> Entry | None:
        """The scenario ``key`` as ``session`` sees it: the server's own, or one of that session's uploads.
        ``None``: the server's own scenario, else the session's first upload."""
        if key in self.scenarios:
            return self.scenarios[key]
        if isinstance(key, str) and key.startswith(CORPUS):
            try:
                return self.add_corpus(key)
            except ValueError:  # not in the listing, or does not load: as unknown as any other key
                return None
        own = self.session(LOCAL_SESSION if session is None else session)
        if key is None:
            first = next(iter(self.scenarios.values()), None)
            return first if first is not None or own is None else next(iter(own.scenarios.values()), None)
        return None if own is None else own.scenarios.get(key)

    def table(self, key: str, session: str | None = None):
        """The scenario's ParameterTable, or None for an unknown key (``state.parse_search`` takes this)."""
        entry = self.get(key, session)
        return None if entry is None else entry.compiled.table

    def table_for(self, session: str | None):
        """``table`` for one session: what ``state.parse_search`` takes."""
        return lambda key: self.table(key, session)

    def corpus(self) -> dict[str, Path]:
        """The scenarios the page may pick: key ('corpus-<name>') -> file, for every scenario file directly in a
        --scenario-root folder (as ``analysis.observed.corpus_scenarios`` lists them: no observed-outcomes files,
        no side files); the first root wins a name found twice. Nothing outside those folders is ever listed."""
        from simulator.analysis.observed import corpus_scenarios

        found: dict[str, Path] = {}
        for root in self.scenario_roots:
            for path in corpus_scenarios(root):
                if path.is_file() and not path.is_symlink():
                    found.setdefault(CORPUS + path.name.removesuffix(".yaml").removesuffix(".yml"), path)
        return found

    def corpus_options(self) -> list[dict]:
        """The picker's menu: each corpus scenario's title and file name (titles are read from the files once)."""
        return [{"label": f"{corpus_title(path)} ({path.name})", "value": key} for key, path in self.corpus().items()]

    def add_corpus(self, key: str) -> Entry:
        """A corpus scenario, loaded (validated, quotes checked) on first use and kept like the server's own;
        ValueError (one line) for a key not in the listing or a file that does not load."""
        from simulator.scenario import ScenarioError, load

        path = self.corpus().get(key)
        if path is None:
            raise ValueError(f"scenario: '{str(key)[:60]}' is not a scenario of this server's --scenario-root folders")
        with self.lock:
            if key in self.scenarios:
                return self.scenarios[key]
        try:
            loaded = load(path)
        except ScenarioError as exc:
            raise ValueError(str(exc.problems[0]) if exc.problems else str(exc)) from None
        return self.add(key, path.name, loaded)

    def options(self, session: str | None = None) -> list[dict]:
        own = self.session(LOCAL_SESSION if session is None else session)
        entries = list(self.scenarios.values()) + ([] if own is None else list(own.scenarios.values()))
        return ([{"label": e.label, "value": e.key} for e in entries if not e.key.startswith(CORPUS)]
                + self.corpus_options())  # the --scenario-root folders' scenarios, loaded when chosen

    def add_upload(self, filename, contents, session: str | None = None) -> Entry:
        """Validate an uploaded scenario, alone or with its source texts, and keep it for ``session`` only; raise
        UploadError with one-line problems.

        ``filename``/``contents`` are what ``dcc.Upload`` gives: one name and data URL, or lists of them (several
        files, or one zip archive). The scenario is the one YAML file; the other files are its source texts.
        ``session`` is the browser tab's id (``new_session_id``); tests and scripts may leave it out (one local
        session). The session's and the server's upload size caps are checked before anything is written.
        """
        from simulator.compiled import Compiled
        from simulator.scenario import ScenarioError, load

        session = LOCAL_SESSION if session is None else session
        own = self.session(session, create=True)
        if own is None:
            raise UploadError(["upload: this page has no valid session (reload the page and upload again)"])

        names = filename if isinstance(filename, list) else [filename]
        datas = contents if isinstance(contents, list) else [contents]
        if len(names) != len(datas) or not datas:
            raise UploadError(["upload: the files were not received; try again"])
        if len(datas) > MAX_BUNDLE_FILES:
            raise UploadError([f"upload: {len(datas):,} files; at most {MAX_BUNDLE_FILES} (a scenario and its "
                               "source texts)"])
        files: dict[str, bytes] = {}  # relative path -> bytes
        total = 0
        for raw_name, data_url in zip(names, datas):
            name = safe_name(raw_name)
            limit = MAX_UPLOAD_BYTES if is_yaml(name) else MAX_BUNDLE_BYTES
            data = decode_upload(name, data_url, limit)
            total += len(data)
            if total > MAX_BUNDLE_BYTES:
                raise UploadError([f"upload: the files add up to more than the {MAX_BUNDLE_BYTES // 2**20} MB limit "
                                   "for a scenario with its source texts"])
            if name.lower().endswith(".zip"):
                files.update(unzip(name, data))
            else:
                files[name] = data
        yamls = sorted(n for n in files if is_yaml(n))
        if len(yamls) != 1:
            which = f" ({', '.join(yamls[:5])})" if yamls else ""
            raise UploadError([f"upload: found {len(yamls)} scenario files (.yaml/.yml){which}; upload exactly one, "
                               "with its source texts if you want the quotes checked"])
        (scenario_name,) = yamls
        size = len(files[scenario_name])
        if size > MAX_UPLOAD_BYTES:
            raise UploadError([f"{scenario_name}: upload: {size / 2**20:.1f} MB, larger than the "
                               f"{MAX_UPLOAD_BYTES // 1024} KB limit for a scenario"])
        texts = {n: d for n, d in files.items() if n != scenario_name}
        size = sum(len(d) for d in files.values())
        self.check_room(own, size)
        own.folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="upload-", dir=own.folder) as tmp:
            root = Path(tmp)
            path = root / Path(scenario_name).name
            path.write_bytes(files[scenario_name])
            check = bool(texts)
            if check:
                try:
                    place_sources(root, path, scenario_name, texts)
                except ScenarioError as exc:
                    raise UploadError([str(p).replace(str(path), Path(scenario_name).name)
                                       for p in exc.problems]) from None
            try:
                # with its source texts, the same check as `diplosim validate`; alone, quotes cannot be checked
                loaded = load(path, check_sources=check, extra_roots=())  # only its own upload folder
            except ScenarioError as exc:
                raise UploadError([str(p).replace(str(path), Path(scenario_name).name) for p in exc.problems]) from None
            key = f"upload-{loaded.digest[:12]}" + ("" if check else "-unchecked")
            kept = own.folder / key
            with self.lock:
                shutil.rmtree(kept, ignore_errors=True)  # the same upload again replaces its folder
                root.rename(kept)  # the session's folder keeps what it uploaded, until the session goes
                root.mkdir()  # (for TemporaryDirectory's clean-up)
        sources = f", {len(texts)} source text(s)" if check else ""
        entry = Entry(key, f"{Path(scenario_name).name} (uploaded{sources})", loaded, Compiled(loaded.scenario),
                      check)
        with self.lock:
            own.scenarios[key] = entry
            own.scenarios.move_to_end(key)
            own.sizes[key] = size
            for old in list(own.scenarios)[:max(0, len(own.scenarios) - MAX_UPLOADS)]:
                del own.scenarios[old]
                own.sizes.pop(old, None)
                shutil.rmtree(own.folder / old, ignore_errors=True)
        return entry

    def check_room(self, own: Session, size: int) -> None:
        """Refuse (one line) an upload of ``size`` bytes that would take the session or the server over its cap."""
        mb = lambda b: f"{b / 2**20:.1f} MB"  # noqa: E731
        with self.lock:
            held = own.bytes
            total = sum(s.bytes for s in self.sessions.values())
        if held + size > self.session_bytes:
            raise UploadError([f"upload: this session already keeps {mb(held)} of uploads; {mb(size)} more would "
                               f"pass its {mb(self.session_bytes)} limit (uploads go after {self.idle_hours:g} hours "
                               "unused; or open the dashboard in a new tab)"])
        if total + size > self.server_bytes:
            raise UploadError([f"upload: the server keeps {mb(total)} of uploads for all users; {mb(size)} more "
                               f"would pass its {mb(self.server_bytes)} limit; try again later"])


def is_yaml(name: str) -> bool:
    return name.lower().endswith((".yaml", ".yml"))


def place_sources(root: Path, scenario_path: Path, scenario_name: str, texts: dict[str, bytes]) -> None:
    """Write the source texts where the scenario's ``sources[].file`` expects them, relative to the scenario.

    Files from an archive keep their paths (relative to the scenario file's folder in the archive); loose files
    (a browser sends base names only) go to the path of the source whose file has the same base name.
    """
    from simulator.scenario import ScenarioError
    from simulator.scenario.loader import load_scenario_document

    try:  # the document's own declarations: nothing it names is read here
        declared = [s.file for s in load_scenario_document(scenario_path)[0].sources if s.file is not None]
    except ScenarioError:
        return  # the scenario itself is invalid: its own problems are reported by the full load
    base = Path(scenario_name).parent
    by_base = {}
    for rel in declared:
        by_base.setdefault(Path(rel).name, rel)
    for name, data in texts.items():
        p = Path(name)
        try:
            rel = p.relative_to(base) if base != Path(".") else p
        except ValueError:
            rel = p
        if len(p.parts) == 1 and p.name in by_base:
            rel = Path(by_base[p.name])
        target = (root / rel).resolve()
        if root.resolve() not in target.parents:  # a scenario naming ../x is refused, never written outside
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def unzip(name: str, data: bytes) -> dict[str, bytes]:
    """The files of a zip archive, read safely: relative names only, no links, bounded count and bytes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadError([f"{name}: upload: not a readable zip archive"]) from None
    files = [m for m in members if not m.is_dir()]
    if len(files) > MAX_BUNDLE_FILES:
        raise UploadError([f"{name}: upload: the archive holds {len(files):,} files; at most {MAX_BUNDLE_FILES}"])
    out: dict[str, bytes] = {}
    total = 0
    for m in files:
        member = m.filename.replace("\\", "/")
        parts = member.split("/")
        if (member.startswith("/") or re.match(r"^[A-Za-z]:", member) or ".." in parts
                or any(not part for part in parts[:-1])):
            raise UploadError([f"{name}: upload: the archive member '{member[:80]}' is not a plain relative path; "
                               "nothing was extracted"])
        if stat.S_ISLNK(m.external_attr >> 16):
            raise UploadError([f"{name}: upload: the archive member '{member[:80]}' is a link; nothing was extracted"])
        if parts[0] in ("__MACOSX",) or parts[-1].startswith("."):
            continue  # archivers' side files, never part of a scenario
        with archive.open(m) as fh:
            chunk = fh.read(MAX_BUNDLE_BYTES - total + 1)  # reads what is really there, whatever the header says
        total += len(chunk)
        if total > MAX_BUNDLE_BYTES:
            raise UploadError([f"{name}: upload: the archive unpacks to more than the {MAX_BUNDLE_BYTES // 2**20} MB "
                               "limit for a scenario with its source texts"])
        clean = "/".join(re.sub(r"[^A-Za-z0-9._-]", "_", part)[:80] for part in parts)
        out[clean] = chunk
    return out


def safe_name(filename: str | None) -> str:
    """The upload's base name with only harmless characters (it is shown in messages and used as a file name)."""
    base = re.sub(r"[^A-Za-z0-9._-]", "_", Path(filename or "upload.yaml").name)[:80].lstrip(".")
    return base or "upload.yaml"


def limit_text(limit: int) -> str:
    return f"{limit // 2**20} MB limit for a scenario with its source texts" if limit >= 2**20 else \
        f"{limit // 1024} KB limit for a scenario"


def decode_upload(name: str, contents: str | None, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    if not contents or "," not in contents:
        raise UploadError([f"{name}: upload: the file is empty or was not received"])
    payload = contents.split(",", 1)[1]
    if len(payload) > limit * 4 // 3 + 8:
        raise UploadError([f"{name}: upload: about {len(payload) * 3 / 4 / 2**20:.1f} MB, larger than the "
                           f"{limit_text(limit)}"])
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise UploadError([f"{name}: upload: not a readable file (bad encoding)"]) from None
    if len(data) > limit:
        raise UploadError([f"{name}: upload: {len(data) / 2**20:.1f} MB, larger than the {limit_text(limit)}"])
    return data
