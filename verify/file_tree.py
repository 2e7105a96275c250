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

# Never project code: virtualenvs, VCS data, caches, generated migrations.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "migrations", "__pycache__", ".tox", ".nox", ".venv", "venv",
                       ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", ".django-async-kit-cache"})

_LISTINGS: dict[str, list[str]] = {}  # absolute folder -> its files, relative to it
_TEXTS: dict[str, str] = {}
_TREES: OrderedDict[str, tuple[str, ast.Module]] = OrderedDict()  # path -> (text, tree), least recent first
MAX_TREES = 64


def new_run() -> None:
    """Forget listings and texts: files may have been added, removed or edited since."""
    _LISTINGS.clear()
    _TEXTS.clear()
    _TREES.clear()


def relative_files_under(folder: Path) -> list[str]:
    """Every file below ``folder`` outside skipped folders, relative to it (``app/views.py``) and
    sorted as os.walk would give them; the folder is walked once per run."""
    key = os.path.abspath(folder)
    if key not in _LISTINGS:
        found: list[str] = []
        _scan(key, len(key.rstrip(os.sep)) + 1, found)
        _LISTINGS[key] = found
    return _LISTINGS[key]


def _scan(folder: str, prefix: int, found: list[str], top: bool = True) -> None:
    try:
        with os.scandir(folder) as entries:
            ordered = sorted(entries, key=lambda entry: entry.name)
    except OSError:  # unreadable or vanished while walking: nothing to check there
        return
    files, subfolders = [], []
    for entry in ordered:
        name = entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if not is_dir:
            if name == "pyvenv.cfg" and not top:
                return  # a virtualenv inside the project
            files.append(entry.path[prefix:])
        elif name not in SKIP_DIRS and not name.endswith(".egg-info"):
            subfolders.append(entry.path)
    found.extend(files)
    for path in subfolders:  # files of a folder before those of its subfolders, as os.walk gives them
        _scan(path, prefix, found, top=False)


def read_text(path: Path) -> str:
    """The file's text read once per run (undecodable bytes replaced; "" when unreadable)."""
    key = os.path.abspath(path)
    text = _TEXTS.get(key)
    if text is None:
        try:
            text = Path(path).read_bytes().decode("utf-8-sig", errors="replace")
        except OSError:
            text = ""
        _TEXTS[key] = text
    return text


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
