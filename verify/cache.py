"""The result cache: one JSON manifest in the cache folder, read once and written once per run.

Each entry holds one checked file's findings under a slot named by everything that decides them
besides its content (the kit's version, the Django version, the options, the model files, the
file's path and its enabled rules), and the content hash it was computed for. It is valid while
the file's content is the same and the other files its analysis read (helpers in other modules)
are unchanged. The project pass (settings, requirements, deployment files) has entries of the
same form.

Content hashes of the files a run read are kept too, with each file's size and modification
time: while those are the same, the next run takes the hash without reading the file (as git's
index does). Files modified less than two seconds before they were hashed are not kept, so that
an edit within the clock's resolution is never mistaken for no edit.

The manifest is replaced atomically (temporary file, then ``os.replace``): a concurrent run never
reads half of it. Each run merges its entries into the manifest on disk as it is when it writes,
so two runs at once lose at most each other's newest entries, which are then misses. An
unreadable manifest is an empty cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from verify import __version__, reading
from verify.finding import Finding

DEFAULT_DIR = ".django-async-kit-cache"
MANIFEST = "results.json"
_SETTLED_NS = 2_000_000_000  # a file untouched this long before it was hashed can be known by its stat


def digest(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Cache:
    def __init__(self, directory: Path, settings: str):
        self.directory = directory
        self.settings = digest(f"{__version__}\0{settings}")
        self._hashes: dict[str, str | None] = {}
        self._manifest: dict | None = None
        self._written: dict[str, dict] = {}
        self._stats_written: dict[str, list] = {}

    def slot(self, name: str) -> str:
        """The entry name for ``name`` (a file and its rules) under this cache's settings."""
        return digest(f"{self.settings}\0{name}")

    def file_hash(self, path: str) -> str | None:
        """Content hash of a dependency, found once per run (None when it is gone)."""
        if path not in self._hashes:
            try:
                stat = os.stat(path)
                known = self.known_content(path, stat)
                if known is not None:
                    self._hashes[path] = known[0]
                else:
                    self._hashes[path] = digest(reading.read_bytes(path))
                    self.record_content(path, stat, self._hashes[path], None)
            except (OSError, reading.Unreadable):
                self._hashes[path] = None
        return self._hashes[path]

    def known_content(self, path: str, stat: os.stat_result) -> tuple[str, bool | None] | None:
        """(content hash, whether it has async code, when known) of an unchanged file, unread."""
        record = self.manifest["files"].get(path)
        if isinstance(record, list) and len(record) == 4 and record[0] == stat.st_mtime_ns and record[1] == stat.st_size:
            return record[2], record[3]
        return None

    def record_content(self, path: str, stat: os.stat_result, content_hash: str, analysable: bool | None) -> None:
        if time.time_ns() - stat.st_mtime_ns > _SETTLED_NS:
            self._stats_written[path] = self.manifest["files"][path] = [stat.st_mtime_ns, stat.st_size, content_hash, analysable]

    @property
    def manifest(self) -> dict:
        if self._manifest is None:
            self._manifest = _load(self.directory / MANIFEST)
        return self._manifest

    @property
    def entries(self) -> dict[str, dict]:
        return self.manifest["entries"]

    def dependents(self, changed: set[str]) -> set[str]:
        """Files whose last analysis read one of ``changed`` (absolute paths): the callers of a
        changed helper, which ``verify --changed`` checks again."""
        found = set()
        for entry in self.entries.values():
            try:
                if changed.intersection(entry["deps"]) and entry["path"] not in changed:
                    found.add(entry["path"])
            except (KeyError, TypeError):
                continue
        return found

    def get(self, slot: str, content_hash: str) -> list[Finding] | None:
        entry = self.entries.get(slot)
        try:
            if entry is None or entry["content"] != content_hash:
                return None
            if any(self.file_hash(path) != expected for path, expected in entry["deps"].items()):
                return None
            return [Finding.from_dict(item) for item in entry["findings"]]
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def put(self, slot: str, content_hash: str, findings: list[Finding], deps: set[str], path: str) -> None:
        entry = {"kit": __version__, "path": path, "content": content_hash, "findings": [f.as_dict() for f in findings],
                 "deps": {dep: self.file_hash(dep) for dep in sorted(deps)}}
        self.entries[slot] = entry
        self._written[slot] = entry

    def save(self) -> None:
        """Merge this run's new entries into the manifest on disk (a no-op when there are none)."""
        if not self._written and not self._stats_written:
            return
        manifest = self.directory / MANIFEST
        on_disk = _load(manifest)
        entries = {slot: entry for slot, entry in on_disk["entries"].items()
                   if isinstance(entry, dict) and entry.get("kit") == __version__}  # an upgrade starts afresh
        entries.update(self._written)
        files = {path: record for path, record in on_disk["files"].items() if os.path.exists(path)}
        files.update(self._stats_written)
        import tempfile  # only runs that write pay for it

        temporary = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if not (self.directory / ".gitignore").exists():
                (self.directory / ".gitignore").write_text("*\n")
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump({"entries": entries, "files": files}, stream, separators=(",", ":"))
            os.replace(temporary, manifest)
        except OSError:  # a read-only checkout still gets its findings, just no cache
            if temporary is not None and os.path.exists(temporary):
                os.unlink(temporary)
        self._written.clear()
        self._stats_written.clear()


def _load(manifest: Path) -> dict:
    """``{"entries": {slot: entry}, "files": {path: [mtime_ns, size, hash, has async code]}}``."""
    try:
        data = json.loads(manifest.read_bytes())
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict):
        data = {}
    return {name: data[name] if isinstance(data.get(name), dict) else {} for name in ("entries", "files")}
