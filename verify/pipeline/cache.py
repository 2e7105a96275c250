"""The result cache: one JSON manifest in the cache folder, read once and written once per run.

Each entry holds one checked file's findings under a slot named by everything that decides them
besides its content (the kit's version, the Django version, the options, the model files, the
file's path and its enabled rules), and the content hash it was computed for. It is valid while
the file's content is the same and the other files its analysis read (helpers in other modules)
are unchanged. The project pass (settings, requirements, deployment files) has entries of the
same form.

An entry also lists the function names its analysis asked the rest of the project about (whether
a function is awaited or run with ``sync_to_async`` somewhere: verify.analysis.evidence) and the
names its own file awaits or wraps. A changed file that awaits or wraps a name anew, or no more,
makes the entries that asked about that name misses (verify.pipeline.runner), though it was not
one of their dependencies. (A file outside the checked paths is not compared that way.)

Content hashes of the files a run read are kept too, with each file's size, modification time,
inode and status-change time: while those are the same, the next run takes the hash without
reading the file (as git's index does). A file replaced with same-size content and its old
modification time restored (``cp -p``, ``rsync -t``, an unpacked archive) has a new status-change
time. Files modified less than two seconds before they were hashed are not kept, and a status
change that recent is not trusted, so that an edit within the clock's resolution is never
mistaken for no edit.

Every entry and record is checked for its fields and their types when used: a malformed one is
a miss, and is dropped when the manifest is next written.

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
from collections.abc import Callable
from pathlib import Path

from verify import __version__
from verify.analysis.finding import Finding, Severity
from verify.pipeline import reading

DEFAULT_DIR = ".django-async-kit-cache"
MANIFEST = "results.json"
_FORMAT = "findings at absolute paths, evidence names"  # entries written before (display paths, no fixes, no evidence names) are misses
_MANIFEST_MAX_BYTES = 1 << 30  # the kit's own file, but in the repository's folder: read as carefully
_SETTLED_NS = 2_000_000_000  # a file untouched this long before it was hashed can be known by its stat


def digest(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Cache:
    """``settings`` is part of every key. An entry's dependencies are the files its analysis read,
    each checked by content hash, and the project ``facts`` it used (a name and a function that
    tells the fact's current value, asked at most once per run, only for entries that used it)."""

    def __init__(self, directory: Path, settings: str, facts: dict[str, Callable[[], str]] | None = None):
        self.directory = directory
        self.facts = facts or {}
        self.settings = digest(f"{__version__}\0{_FORMAT}\0{settings}")
        self._hashes: dict[str, str | None] = {}
        self._manifest: dict | None = None
        self._written: dict[str, dict] = {}
        self._stats_written: dict[str, list] = {}
        self._models_written: dict[str, list] = {}

    def slot(self, name: str) -> str:
        """The entry name for ``name`` (a file and its rules) under this cache's settings."""
        return digest(f"{self.settings}\0{name}")

    def file_hash(self, path: str) -> str | None:
        """Content hash of a dependency, found once per run (None when it is gone); for a project
        fact, its value."""
        if path in self.facts:
            if path not in self._hashes:
                self._hashes[path] = self.facts[path]()
            return self._hashes[path]
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
        """(content hash, whether it has async code, when known) of an unchanged file, unread:
        the same modification time, size, inode and status-change time (which ``cp -p``,
        ``rsync -t`` and unpacking an archive cannot set back) as when it was hashed."""
        record = self.manifest["files"].get(path)
        if (_valid_record(record) and record[0] == stat.st_mtime_ns and record[1] == stat.st_size
                and record[4] == stat.st_ino and record[5] == stat.st_ctime_ns):
            return record[2], record[3]
        return None

    def record_content(self, path: str, stat: os.stat_result, content_hash: str, analysable: bool | None) -> None:
        now = time.time_ns()
        if now - stat.st_mtime_ns > _SETTLED_NS:
            # A status change within the clock's resolution of the hashing is not trusted: such a
            # record never matches (ctime None), and the file is hashed again next time.
            ctime = stat.st_ctime_ns if now - stat.st_ctime_ns > _SETTLED_NS else None
            self._stats_written[path] = self.manifest["files"][path] = [
                stat.st_mtime_ns, stat.st_size, content_hash, analysable, stat.st_ino, ctime]

    def model_headers(self) -> dict[str, list]:
        """path -> [mtime_ns, size, whether it has a model class header] (verify.models_index)."""
        return self.manifest["models"]

    def record_model_headers(self, records: dict[str, list]) -> None:
        """Keep what the run learnt about which files define models, for settled files."""
        now = time.time_ns()
        known = self.manifest["models"]
        for path, record in records.items():
            if known.get(path) != record and now - record[0] > _SETTLED_NS:
                self._models_written[path] = known[path] = record

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
            if _valid_entry(entry) and changed.intersection(entry["deps"]) and entry["path"] not in changed:
                found.add(entry["path"])
        return found

    def asked(self, slot: str) -> set[str]:
        """The function names the slot's last analysis asked the rest of the project about."""
        entry = self.entries.get(slot)
        return set(entry["asked"]) if _valid_entry(entry) else set()

    def offered(self, slot: str) -> set[str]:
        """The function names the file of the slot awaited or wrapped when it was last analysed
        (whatever its content is now)."""
        entry = self.entries.get(slot)
        return set(entry["offered"]) if _valid_entry(entry) else set()

    def get(self, slot: str, content_hash: str) -> list[Finding] | None:
        entry = self.entries.get(slot)
        if not _valid_entry(entry) or entry["content"] != content_hash:
            return None  # (a malformed entry is a miss, replaced by this run's result)
        if any(self.file_hash(path) != expected for path, expected in entry["deps"].items()):
            return None
        return [Finding.from_dict(item) for item in entry["findings"]]

    def put(self, slot: str, content_hash: str, findings: list[Finding], deps: set[str], path: str,
            asked: set[str] = frozenset(), offered: set[str] = frozenset()) -> None:
        """``asked``: the function names the analysis asked the rest of the project about;
        ``offered``: those the file awaits or wraps (verify.analysis.evidence)."""
        entry = {"kit": __version__, "path": path, "content": content_hash, "findings": [f.as_dict() for f in findings],
                 "deps": {dep: self.file_hash(dep) for dep in sorted(deps)}, "asked": sorted(asked), "offered": sorted(offered)}
        self.entries[slot] = entry
        self._written[slot] = entry

    def save(self) -> None:
        """Merge this run's new entries into the manifest on disk (a no-op when there are none)."""
        if not self._written and not self._stats_written and not self._models_written:
            return
        manifest = self.directory / MANIFEST
        on_disk = _load(manifest)
        entries = {slot: entry for slot, entry in on_disk["entries"].items()
                   if _valid_entry(entry) and entry["kit"] == __version__}  # an upgrade starts afresh
        entries.update(self._written)
        files = {path: record for path, record in on_disk["files"].items() if _valid_record(record) and os.path.exists(path)}
        files.update(self._stats_written)
        models = {path: record for path, record in on_disk["models"].items() if os.path.exists(path)}
        models.update(self._models_written)
        import tempfile  # only runs that write pay for it

        temporary = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if not (self.directory / ".gitignore").exists():
                (self.directory / ".gitignore").write_text("*\n")
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump({"entries": entries, "files": files, "models": models}, stream, separators=(",", ":"))
            os.replace(temporary, manifest)
        except OSError:  # a read-only checkout still gets its findings, just no cache
            if temporary is not None and os.path.exists(temporary):
                os.unlink(temporary)
        self._written.clear()
        self._stats_written.clear()
        self._models_written.clear()


# A finding's fields and their types, as Finding.as_dict writes them.
_FINDING_FIELDS = {"path": str, "line": int, "column": int, "end_line": int, "end_column": int, "code": str, "name": str,
                   "message": str, "hint": str, "severity": str}
_SEVERITIES = frozenset(severity.value for severity in Severity)


def _valid_finding(item) -> bool:
    return (type(item) is dict and item.keys() - _OPTIONAL_FIELDS == _FINDING_FIELDS.keys()
            and all(type(item[name]) is kind for name, kind in _FINDING_FIELDS.items()) and item["severity"] in _SEVERITIES
            and _valid_related(item.get("related", [])) and ("fix" not in item or _valid_fix(item["fix"])))


_OPTIONAL_FIELDS = frozenset({"related", "fix"})


def _valid_related(related) -> bool:
    return type(related) is list and all(type(place) is list and len(place) == 3 and type(place[0]) is int
                                         and type(place[1]) is int and type(place[2]) is str for place in related)


def _valid_position(position) -> bool:
    return type(position) is list and len(position) == 2 and all(type(number) is int for number in position)


def _valid_fix(fix) -> bool:
    return (type(fix) is dict and fix.keys() == {"edits", "unsafe", "reason"} and type(fix["unsafe"]) is bool
            and type(fix["reason"]) is str and type(fix["edits"]) is list
            and all(type(edit) is dict and edit.keys() == {"start", "end", "text"} and _valid_position(edit["start"])
                    and _valid_position(edit["end"]) and type(edit["text"]) is str for edit in fix["edits"]))


def _valid_entry(entry) -> bool:
    """Whether a manifest entry has every field with its type: anything else is discarded, so
    that a damaged or hand-edited cache is a miss, never a crash."""
    if type(entry) is not dict:
        return False
    deps, findings = entry.get("deps"), entry.get("findings")
    return (type(entry.get("kit")) is str and type(entry.get("path")) is str and type(entry.get("content")) is str
            and type(deps) is dict and all(type(value) is str or value is None for value in deps.values())
            and type(findings) is list and all(_valid_finding(item) for item in findings)
            and all(type(entry.get(names)) is list and all(type(name) is str for name in entry[names]) for names in ("asked", "offered")))


def _valid_record(record) -> bool:
    """``[mtime_ns, size, content hash, has async code (or None), inode, ctime_ns (or None)]``."""
    return (type(record) is list and len(record) == 6 and type(record[0]) is int and type(record[1]) is int
            and type(record[2]) is str and (record[3] is None or type(record[3]) is bool) and type(record[4]) is int
            and (record[5] is None or type(record[5]) is int))


def _load(manifest: Path) -> dict:
    """``{"entries": {slot: entry}, "files": {path: record}}`` (see :func:`_valid_entry` and
    :func:`_valid_record`); an unreadable manifest, or a part of the wrong type, is empty."""
    try:
        data = json.loads(reading.read_bytes(manifest, limit=_MANIFEST_MAX_BYTES))
    except (ValueError, RecursionError):  # (reading.Unreadable is a ValueError)
        data = None
    if not isinstance(data, dict):
        data = {}
    return {name: data[name] if isinstance(data.get(name), dict) else {} for name in ("entries", "files", "models")}
