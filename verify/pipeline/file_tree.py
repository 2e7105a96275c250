"""One walk per folder, one read and (mostly) one parse per file in a run.

A run needs the same folder listing three times (the files to check, the model files, the
project files that say how it is deployed), the same file texts twice (the checks, the project
pass), and some syntax trees twice (a model file with async code is indexed and checked; a helper
module is followed and checked). They are kept here for the length of one run (the trees, the
most recently parsed few): :func:`new_run` starts the next.
"""

from __future__ import annotations

import ast
import os
from collections import OrderedDict
from pathlib import Path

from verify.pipeline import reading

# Never project code: VCS data, virtualenvs and installed packages, caches, build output, generated
# migrations. With hidden folders and egg-info (``skipped_folder``), the one set of folders every
# walk of the kit leaves out; a folder holding ``pyvenv.cfg`` (a virtualenv by any name) is left too.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "migrations", "__pycache__", ".tox", ".nox", ".venv", "venv",
                       ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", ".django-async-kit-cache",
                       "build", "dist"})


def skipped_folder(name: str) -> bool:
    """Whether every walk of the kit leaves this folder out (named explicitly, it is still checked)."""
    return name in SKIP_DIRS or name.startswith(".") or name.endswith(".egg-info")

_LISTINGS: dict[str, list[str]] = {}  # absolute folder -> its files, relative to it
_OTHERS: dict[str, list[str]] = {}  # absolute folder -> what is neither a folder nor a regular file there
_TEXTS: dict[str, str] = {}
_TREES: OrderedDict[str, tuple[str, ast.Module]] = OrderedDict()  # path -> (text, tree), least recent first
MAX_TREES = 64


_RUN = [0]  # how many runs this process started: the key of what other modules learn once per run


def new_run() -> None:
    """Forget listings and texts: files may have been added, removed or edited since."""
    _RUN[0] += 1
    _LISTINGS.clear()
    _OTHERS.clear()
    _TEXTS.clear()
    _TREES.clear()


def run_number() -> int:
    """Changes with every :func:`new_run`: part of the key of a fact read once per run."""
    return _RUN[0]


def relative_files_under(folder: Path) -> list[str]:
    """Every file below ``folder`` outside skipped folders (and dangling symbolic links, which
    its readers report as unreadable; never a FIFO or a device), relative to it
    (``app/views.py``) and sorted as os.walk would give them; the folder is walked once per run."""
    key = os.path.abspath(folder)
    if key not in _LISTINGS:
        found: list[str] = []
        others: list[str] = []
        _scan(key, len(key.rstrip(os.sep)) + 1, found, others)
        _LISTINGS[key] = found
        _OTHERS[key] = others
    return _LISTINGS[key]


def other_entries_under(folder: Path) -> list[str]:
    """What the walk of ``folder`` met that exists but is neither a folder nor a regular file
    (FIFOs, devices, sockets): never read, relative to ``folder``."""
    relative_files_under(folder)
    return _OTHERS[os.path.abspath(folder)]


def _scan(top: str, prefix: int, found: list[str], others: list[str]) -> None:
    """Depth first, a folder's files before its subfolders', as os.walk gives them. A loop over
    a stack, and each folder once (a symbolic link to a parent would otherwise never end)."""
    seen: set[tuple[int, int]] = set()
    todo = [top]
    while todo:
        folder = todo.pop()
        try:
            status = os.stat(folder)
            with os.scandir(folder) as entries:
                ordered = sorted(entries, key=lambda entry: entry.name)
        except OSError:  # unreadable or vanished while walking: nothing to check there
            continue
        if (status.st_dev, status.st_ino) in seen:
            continue
        seen.add((status.st_dev, status.st_ino))
        files, subfolders, special = [], [], []
        for entry in ordered:
            name = entry.name
            try:
                is_dir = entry.is_dir()
                regular = not is_dir and (entry.is_file() or _unreadable(entry.path))
            except OSError:  # a symbolic link loop
                is_dir, regular = False, True
            if is_dir:
                if not skipped_folder(name):
                    subfolders.append(entry.path)
            elif name == "pyvenv.cfg" and folder != top:
                break  # a virtualenv inside the project
            else:
                (files if regular else special).append(entry.path[prefix:])
        else:
            found.extend(files)
            others.extend(special)
            todo.extend(reversed(subfolders))


def _unreadable(path: str) -> bool:
    """A dangling symbolic link or a loop: listed with the files, whose readers say it cannot be
    read; what exists but is not a regular file (a FIFO, a device, a socket) is never read."""
    try:
        os.stat(path)
    except OSError:
        return True
    return False


def read_text(path: Path) -> str:
    """The file's text read once per run (undecodable bytes replaced; "" when it is not a
    regular file within the size limit, or unreadable)."""
    key = os.path.abspath(path)
    text = _TEXTS.get(key)
    if text is None:
        try:
            text = reading.read_bytes(path).decode("utf-8-sig", errors="replace")
        except reading.Unreadable:
            text = ""
        _TEXTS[key] = text
    return text


def known_text(path: str | Path) -> str | None:
    """The file's text if the run has read it already, else None (nothing is read)."""
    return _TEXTS.get(os.path.abspath(path))


def remember_text(path: Path, text: str) -> None:
    """A text the run has already read (and decoded strictly): later readers share it."""
    _TEXTS[os.path.abspath(path)] = text


class TooDeeplyNested(SyntaxError):
    """Python's own parser gave up on the file: nested too deeply, or too large, to parse."""

    def __init__(self, path: str | Path):
        super().__init__("too deeply nested to check", (str(path), 1, 1, None))


def parse_source(text: str, path: str | Path = "<unknown>") -> ast.Module:
    """``ast.parse``, with the parser running out of stack or memory as :class:`TooDeeplyNested`."""
    try:
        return ast.parse(text, filename=str(path))
    except (RecursionError, MemoryError):
        raise TooDeeplyNested(path) from None


def parse(path: str | Path, text: str) -> ast.Module:
    """``ast.parse(text)``, or the tree this run already made of the same text at ``path``.
    Raises SyntaxError (:class:`TooDeeplyNested` where the parser runs out of stack or memory)
    or ValueError as ``ast.parse`` does. Callers must not change the tree."""
    key = os.path.abspath(path)
    known = _TREES.get(key)
    if known is not None and known[0] == text:
        _TREES.move_to_end(key)
        return known[1]
    tree = parse_source(text, path)
    _TREES[key] = (text, tree)
    _TREES.move_to_end(key)
    if len(_TREES) > MAX_TREES:
        _TREES.popitem(last=False)
    return tree
