"""Which files to check: explicit files always; directories recursively, without virtualenvs,
``node_modules``, ``migrations``, caches, excluded globs, and (inside git) ignored files.

Each file found is a :class:`SourceFile`, made here once: the engine (runner, analysis, cache)
knows a file by its absolute path only; its display path is what the report shows.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from verify.pipeline import git
from verify.pipeline.file_tree import other_entries_under, relative_files_under


class PathError(Exception):
    pass


@dataclass(frozen=True)
class SourceFile:
    """A file to check. ``path``: absolute and normalised (symbolic links kept: the name the user
    gave), the one form every layer from discovery to the cache uses; ``display``: how findings
    and messages show it (:func:`display_path` of the path as given), used only in the report."""

    path: Path
    display: str

    @classmethod
    def of(cls, given: Path) -> SourceFile:
        return cls(Path(os.path.abspath(given)), display_path(given))

    def child(self, relative: str) -> SourceFile:
        """A file below this folder, ``relative`` as the walk lists it (no ``.`` or ``..`` parts):
        joined, where :meth:`of` would compute the same paths again for each of thousands of files."""
        shown = relative if os.sep == "/" else relative.replace(os.sep, "/")
        if self.display != ".":
            shown = f"{self.display}{'' if self.display.endswith('/') else '/'}{shown}"
        return SourceFile(self.path / relative, shown)


def excluded(path: Path, patterns: list[str], root: Path) -> bool:
    """Whether a configured ``exclude`` glob matches the path (relative to ``root``) or its name."""
    if not patterns:
        return False
    relative = os.path.relpath(os.path.abspath(path), root)
    if relative.startswith(".."):
        relative = path.as_posix()
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(path.name, p) or fnmatch.fnmatch(relative, p.rstrip("/") + "/*") for p in patterns)


def _in_git_work_tree(folder: Path) -> bool:
    """A ``.git`` here or above: only then can git ignore anything (saves starting git)."""
    start = folder.resolve()
    return any((parent / ".git").exists() for parent in (start, *start.parents))


def _git_ignored(folder: Path, files: list[Path]) -> set[str]:
    """Files (absolute paths) git ignores (empty set when git or a repository is not available)."""
    if not files or not _in_git_work_tree(folder):
        return set()
    try:
        result = git.run(folder, "check-ignore", "--stdin", "-z", input="\0".join(map(str, files)), timeout=10)
    except (OSError, subprocess.SubprocessError):
        return set()
    if result.returncode not in (0, 1):
        return set()
    return {p for p in result.stdout.split("\0") if p}


def collect(paths: list[str], exclude: list[str], root: Path, skipped: list[str] | None = None) -> list[SourceFile]:
    """The Python files to check; what a folder holds under a ``.py`` name that is not a regular
    file (a FIFO, a device, a dangling symbolic link) is never read, and noted in ``skipped``."""
    found: list[SourceFile] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise PathError(f"path not found: {raw}")
        if path.is_file():
            found.append(SourceFile.of(path))
            continue
        if not path.is_dir():
            raise PathError(f"{raw} is not a regular file or a folder")
        folder = SourceFile.of(path)
        files = [folder.child(relative) for relative in relative_files_under(path)
                 if relative.endswith(".py") and not (exclude and excluded(path / relative, exclude, root))]
        if skipped is not None:
            skipped += [f"{folder.child(relative).display} is not a regular file" for relative in other_entries_under(path)
                        if relative.endswith(".py") and not excluded(path / relative, exclude, root)]
        ignored = _git_ignored(path, [file.path for file in files])
        found.extend(file for file in files if str(file.path) not in ignored)
    unique: dict[Path, SourceFile] = {}
    for file in found:
        unique.setdefault(file.path, file)
    return list(unique.values())


def display_path(path: Path) -> str:
    """A path as findings and messages show it: relative to the working directory when below it."""
    if not path.is_absolute():
        return Path(os.path.normpath(path)).as_posix()
    relative = os.path.relpath(path)
    outside = relative == os.pardir or relative.startswith(os.pardir + os.sep)  # (not a name like `..x.py`)
    return path.as_posix() if outside else Path(relative).as_posix()
