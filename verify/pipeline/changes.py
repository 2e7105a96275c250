"""Which Python files changed against a git revision, and what each one was in that revision.

``changed_files(start, base)`` compares the working tree (staged, unstaged and untracked files,
minus what ``.gitignore`` hides) with ``base``. Git's rename detection pairs a moved file with its
old path, so the comparison sees the old version under the old name. The real index is never
touched: the working tree is staged into a throwaway copy of it (``GIT_INDEX_FILE``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from verify.pipeline import git


PYTHON_FILES = ":(glob)**/*.py"  # git pathspec: every .py file at any depth; nothing else is hashed


class ChangesError(Exception):
    """Not a git repository, an unknown revision, or git itself failing: exit code 2."""


@dataclass(frozen=True)
class ChangedFile:
    path: Path  # the file in the working tree (absolute); for a deleted file, where it was
    old_path: str | None  # path in the base revision, relative to the repository; None: a new file
    old_source: str | None  # its text in the base revision; None: a new file
    deleted: bool = False
    moved_from: Path | None = None  # where a renamed file was (absolute), for what still imports it there


def _git(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    try:
        return git.run(root, *args, env=env)
    except FileNotFoundError:
        raise ChangesError("git is not installed: --changed needs git (use --compare OLD.py NEW.py without it)") from None
    except subprocess.TimeoutExpired:
        raise ChangesError(f"git {args[0]} took more than a minute in {root}") from None


def repository_root(start: Path) -> Path:
    folder = start if start.is_dir() else start.parent
    result = _git(folder, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        raise ChangesError(f"{folder.resolve()} is not inside a git repository: --changed compares with a git "
                           "revision (use --compare OLD.py NEW.py outside git)")
    return Path(result.stdout.strip())


def _resolve(root: Path, base: str) -> str:
    result = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{base}^{{commit}}")
    if result.returncode != 0:
        if base == "HEAD":
            raise ChangesError("the repository has no commit yet: commit the sync version first, or pass --base")
        raise ChangesError(f"--base {base}: no such revision in {root}")
    return result.stdout.strip()


def _staged_renames(root: Path, commit: str) -> dict[str, str]:
    """new path -> old path for the renames staged in the real index (``git mv``): an edit that
    rewrites most of a small file after moving it is too different for similarity to pair them."""
    diff = _git(root, "diff", "--cached", "--name-status", "-z", "--find-renames", commit, "--", PYTHON_FILES)
    fields = diff.stdout.split("\0") if diff.returncode == 0 else []
    renames = {}
    for position, status in enumerate(fields):
        if status.startswith("R") and position + 2 < len(fields):
            renames[fields[position + 2]] = fields[position + 1]
    return renames


def _staged_snapshot_diff(root: Path, commit: str) -> str:
    """``git diff --name-status`` between ``commit`` and the whole working tree, untracked files included."""
    index = Path(_git(root, "rev-parse", "--absolute-git-dir").stdout.strip()) / "index"
    with tempfile.TemporaryDirectory(prefix="django-async-kit-") as scratch:
        scratch_index = Path(scratch) / "index"
        if index.exists():
            shutil.copyfile(index, scratch_index)
        env = {**os.environ, "GIT_INDEX_FILE": str(scratch_index)}
        added = _git(root, "add", "--all", "--", PYTHON_FILES, env=env)
        if added.returncode != 0:
            raise ChangesError(f"git add (into a scratch index) failed: {added.stderr.strip()}")
        diff = _git(root, "diff", "--cached", "--name-status", "-z", "--find-renames", commit, "--", PYTHON_FILES, env=env)
    if diff.returncode != 0:
        raise ChangesError(f"git diff failed: {diff.stderr.strip()}")
    return diff.stdout


def _old_source(root: Path, commit: str, path: str) -> str:
    shown = _git(root, "show", f"{commit}:{path}")
    if shown.returncode != 0:
        raise ChangesError(f"cannot read {path} at {commit[:12]}: {shown.stderr.strip()}")
    return shown.stdout


def changed_files(start: Path, base: str = "HEAD") -> list[ChangedFile]:
    """Python files that differ between ``base`` and the working tree of the repository holding ``start``."""
    root = repository_root(start)
    commit = _resolve(root, base)
    fields = _staged_snapshot_diff(root, commit).split("\0")
    moved = _staged_renames(root, commit)
    changed = []
    position = 0
    while position < len(fields) and fields[position]:
        status = fields[position]
        if status[0] == "R":
            old, new = fields[position + 1], fields[position + 2]
            position += 3
        else:
            old = new = fields[position + 1]
            position += 2
        if not new.endswith(".py"):
            continue
        if status[0] == "A" and new in moved:
            changed.append(ChangedFile(root / new, moved[new], _old_source(root, commit, moved[new]), moved_from=root / moved[new]))
        elif status[0] == "A":
            changed.append(ChangedFile(root / new, None, None))
        elif status[0] == "D" and old in moved.values():
            continue  # paired with its new path above
        elif status[0] == "D":
            changed.append(ChangedFile(root / old, old, _old_source(root, commit, old), deleted=True))
        else:
            changed.append(ChangedFile(root / new, old, _old_source(root, commit, old), moved_from=root / old if old != new else None))
    return changed
