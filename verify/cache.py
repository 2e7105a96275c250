"""The result cache: one small JSON file per checked file, keyed by everything that decides its
findings (the file's content, the kit's version, the rules and options, the Django version), and
valid only while the other files its analysis read (helpers in other modules, model files) are
unchanged.

Entries are written atomically (temporary file, then ``os.replace``), so concurrent runs never
read half an entry; an unreadable entry is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from verify import __version__
from verify.finding import Finding

DEFAULT_DIR = ".django-async-kit-cache"


def digest(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Cache:
    def __init__(self, directory: Path, settings: str):
        self.directory = directory
        self.settings = digest(f"{__version__}\0{settings}")
        self._hashes: dict[str, str | None] = {}

    def key(self, path: str, content_hash: str) -> str:
        return digest(f"{self.settings}\0{path}\0{content_hash}")

    def file_hash(self, path: str) -> str | None:
        """Content hash of a dependency, read once per run (None when it is gone)."""
        if path not in self._hashes:
            try:
                self._hashes[path] = digest(Path(path).read_bytes())
            except OSError:
                self._hashes[path] = None
        return self._hashes[path]

    def dependents(self, changed: set[str]) -> set[str]:
        """Files whose last analysis read one of ``changed`` (absolute paths): the callers of a
        changed helper, which ``verify --changed`` checks again."""
        found = set()
        for entry_path in self.directory.glob("??/*"):
            try:
                entry = json.loads(entry_path.read_text(encoding="utf-8"))
                if changed.intersection(entry["deps"]) and entry["path"] not in changed:
                    found.add(entry["path"])
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return found

    def get(self, key: str) -> list[Finding] | None:
        try:
            entry = json.loads((self.directory / key[:2] / key).read_text(encoding="utf-8"))
            if any(self.file_hash(path) != expected for path, expected in entry["deps"].items()):
                return None
            return [Finding.from_dict(item) for item in entry["findings"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, findings: list[Finding], deps: set[str], path: str) -> None:
        entry = {"path": path, "findings": [f.as_dict() for f in findings],
                 "deps": {dep: self.file_hash(dep) for dep in sorted(deps)}}
        folder = self.directory / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if not (self.directory / ".gitignore").exists():
                (self.directory / ".gitignore").write_text("*\n")
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(entry, stream)
            os.replace(temporary, folder / key)
        except OSError:
            pass  # a read-only checkout still gets its findings, just no cache
