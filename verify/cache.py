"""The result cache: one JSON manifest in the cache folder, read once and written once per run.

Each entry holds one checked file's findings under a slot named by everything that decides them
besides its content (the kit's version, the Django version, the options, the model files, the
file's path and its enabled rules), and the content hash it was computed for. It is valid while
the file's content is the same and the other files its analysis read (helpers in other modules)
are unchanged. The project pass (settings, requirements, deployment files) has entries of the
same form.

The manifest is replaced atomically (temporary file, then ``os.replace``): a concurrent run never
reads half of it. Each run merges its entries into the manifest on disk as it is when it writes,
so two runs at once lose at most each other's newest entries, which are then misses. An
unreadable manifest is an empty cache.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from verify import __version__
from verify.finding import Finding

DEFAULT_DIR = ".django-async-kit-cache"
MANIFEST = "results.json"


def digest(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Cache:
    def __init__(self, directory: Path, settings: str):
        self.directory = directory
        self.settings = digest(f"{__version__}\0{settings}")
        self._hashes: dict[str, str | None] = {}
        self._entries: dict[str, dict] | None = None
        self._written: dict[str, dict] = {}

    def slot(self, name: str) -> str:
        """The entry name for ``name`` (a file and its rules) under this cache's settings."""
        return digest(f"{self.settings}\0{name}")

    def file_hash(self, path: str) -> str | None:
        """Content hash of a dependency, read once per run (None when it is gone)."""
        if path not in self._hashes:
            try:
                self._hashes[path] = digest(Path(path).read_bytes())
            except OSError:
                self._hashes[path] = None
        return self._hashes[path]

    @property
    def entries(self) -> dict[str, dict]:
        if self._entries is None:
            self._entries = _load(self.directory / MANIFEST)
        return self._entries

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
        if not self._written:
            return
        manifest = self.directory / MANIFEST
        entries = {slot: entry for slot, entry in _load(manifest).items()
                   if isinstance(entry, dict) and entry.get("kit") == __version__}  # an upgrade starts afresh
        entries.update(self._written)
        import tempfile  # only runs that write pay for it

        temporary = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if not (self.directory / ".gitignore").exists():
                (self.directory / ".gitignore").write_text("*\n")
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump({"entries": entries}, stream, separators=(",", ":"))
            os.replace(temporary, manifest)
        except OSError:  # a read-only checkout still gets its findings, just no cache
            if temporary is not None and os.path.exists(temporary):
                os.unlink(temporary)
        self._written.clear()


def _load(manifest: Path) -> dict[str, dict]:
    try:
        entries = json.loads(manifest.read_bytes())["entries"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return entries if isinstance(entries, dict) else {}
