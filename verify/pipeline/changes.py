"""Which Python files changed against a git revision, and what each one was in that revision.

``changed_files(start, base)`` compares the working tree (staged, unstaged and untracked files,
minus what ``.gitignore`` hides) with ``base``. Git's rename detection pairs a moved file with its
old path, so the comparison sees the old version under the old name. The real index is never
touched: the working tree is staged into a throwaway copy of it (``GIT_INDEX_FILE``). Each file
also carries the lines that changed (``git diff -U0``), so a report can keep to the change.

``default_base(start)`` is where a branch started: the merge-base of HEAD with the repository's
default branch when HEAD carries commits that are not on it (an agent that commits as it works),
else HEAD.
"""

from __future__ import annotations

import os
import re
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
    changed_lines: frozenset[int] | None = None  # lines of the new version added or edited; None: all of it (a new file)
    deletions: frozenset[int] = frozenset()  # lines next to which old lines were removed


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


def _staged_snapshot_diff(root: Path, commit: str) -> tuple[str, str]:
    """``git diff --name-status`` and ``git diff -U0`` between ``commit`` and the whole working
    tree, untracked files included."""
    index = Path(_git(root, "rev-parse", "--absolute-git-dir").stdout.strip()) / "index"
    with tempfile.TemporaryDirectory(prefix="django-async-kit-") as scratch:
        scratch_index = Path(scratch) / "index"
        if index.exists():
            # copy2 keeps the index's modification time: git re-reads a file changed in the same
            # second as the index was written ("racy git") only when it can compare the two.
            shutil.copy2(index, scratch_index)
        env = {**os.environ, "GIT_INDEX_FILE": str(scratch_index)}
        added = _git(root, "add", "--all", "--", PYTHON_FILES, env=env)
        if added.returncode != 0:
            raise ChangesError(f"git add (into a scratch index) failed: {added.stderr.strip()}")
        diff = _git(root, "diff", "--cached", "--name-status", "-z", "--find-renames", commit, "--", PYTHON_FILES, env=env)
        if diff.returncode != 0:
            raise ChangesError(f"git diff failed: {diff.stderr.strip()}")
        hunks = _git(root, "diff", "--cached", "-U0", "--find-renames", "--no-color", "--src-prefix=a/", "--dst-prefix=b/",
                     commit, "--", PYTHON_FILES, env=env)
        if hunks.returncode != 0:
            raise ChangesError(f"git diff failed: {hunks.stderr.strip()}")
    return diff.stdout, hunks.stdout


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_C_ESCAPES = {"a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def _patch_path(name: str) -> str:
    """A path of a ``+++ b/...`` line: git quotes unusual names C-style (octal bytes for the rest)."""
    if not (name.startswith('"') and name.endswith('"')):
        return name
    raw, position, body = bytearray(), 0, name[1:-1]
    while position < len(body):
        char = body[position]
        if char == "\\" and body[position + 1:position + 4].isdigit():
            raw.append(int(body[position + 1:position + 4], 8))
            position += 4
        elif char == "\\" and position + 1 < len(body):
            raw.extend(_C_ESCAPES.get(body[position + 1], body[position + 1]).encode())
            position += 2
        else:
            raw.extend(char.encode())
            position += 1
    return raw.decode("utf-8", errors="replace")


def _changed_lines(patch: str) -> dict[str, tuple[set[int], set[int]]]:
    """new path -> (lines added or edited, lines next to which lines were deleted), from ``git diff -U0``.
    Read line by line, not from the hunk headers: a configured ``diff.interHunkContext`` joins
    nearby hunks with unchanged lines between them."""
    out: dict[str, tuple[set[int], set[int]]] = {}
    current: tuple[set[int], set[int]] | None = None
    in_header = False  # between `diff --git` and the first hunk: a `+++` line there names the file, not content
    number = 0  # the new version's line the next content line is at
    deleting = False  # after `-` lines: a deletion, unless `+` lines replace them

    def end_deletion() -> None:
        nonlocal deleting
        if deleting and current is not None:
            current[1].update({max(number - 1, 1), number})  # between these two lines
        deleting = False

    for line in patch.split("\n"):
        if line.startswith(("diff --git ", "@@")) or (not line.startswith(("+", "-", "\\")) and not in_header):
            end_deletion()
        if line.startswith("diff --git "):
            in_header, current = True, None
        elif in_header and line.startswith("+++ "):
            name = _patch_path(line[4:].rstrip("\t"))
            current = out.setdefault(name[2:], (set(), set())) if name.startswith("b/") else None
        elif line.startswith("@@"):
            in_header = False
            hunk = _HUNK.match(line)
            if hunk is not None:
                number = int(hunk.group(1)) + (1 if hunk.group(2) == "0" else 0)  # an empty side names the line before
        elif current is None or in_header:
            continue
        elif line.startswith("+"):
            deleting = False
            current[0].add(number)
            number += 1
        elif line.startswith("-"):
            deleting = True
        elif line.startswith(" "):
            number += 1
    end_deletion()
    return out


def _old_source(root: Path, commit: str, path: str) -> str:
    shown = _git(root, "show", f"{commit}:{path}")
    if shown.returncode != 0:
        raise ChangesError(f"cannot read {path} at {commit[:12]}: {shown.stderr.strip()}")
    return shown.stdout


def changed_files(start: Path, base: str = "HEAD") -> list[ChangedFile]:
    """Python files that differ between ``base`` and the working tree of the repository holding ``start``."""
    root = repository_root(start)
    commit = _resolve(root, base)
    names, patch = _staged_snapshot_diff(root, commit)
    fields = names.split("\0")
    lines = _changed_lines(patch)
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
            changed.append(ChangedFile(root / new, moved[new], _old_source(root, commit, moved[new]), moved_from=root / moved[new],
                                       **_lines_of(new, lines, wholly=True)))
        elif status[0] == "A":
            changed.append(ChangedFile(root / new, None, None))
        elif status[0] == "D" and old in moved.values():
            continue  # paired with its new path above
        elif status[0] == "D":
            changed.append(ChangedFile(root / old, old, _old_source(root, commit, old), deleted=True))
        else:
            changed.append(ChangedFile(root / new, old, _old_source(root, commit, old), moved_from=root / old if old != new else None,
                                       **_lines_of(new, lines, wholly=False)))
    return changed


def _lines_of(path: str, lines: dict[str, tuple[set[int], set[int]]], wholly: bool) -> dict:
    """``changed_lines``/``deletions`` of a ChangedFile; a file moved with ``git mv`` and rewritten
    (``wholly``) is paired with its old path by name only, so all of it counts as changed."""
    if wholly:
        return {}
    edited, deleted = lines.get(path, (set(), set()))
    return {"changed_lines": frozenset(edited), "deletions": frozenset(deleted)}


def default_base(start: Path) -> str:
    """The merge-base of HEAD with the default branch (``origin/HEAD``, else ``main`` or ``master``)
    when HEAD has commits that are not on it, else ``HEAD``."""
    root = repository_root(start)
    head = _git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if head.returncode != 0:
        return "HEAD"  # no commit yet: the comparison says so
    for branch in _default_branches(root):
        fork = _git(root, "merge-base", "--end-of-options", "HEAD", branch)
        if fork.returncode == 0:
            point = fork.stdout.strip()
            return "HEAD" if point == head.stdout.strip() else point
    return "HEAD"


def _default_branches(root: Path) -> list[str]:
    origin = _git(root, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD")
    candidates = [origin.stdout.strip()] if origin.returncode == 0 else []
    candidates += ["refs/heads/main", "refs/heads/master", "refs/remotes/origin/main", "refs/remotes/origin/master"]
    return [ref for ref in candidates
            if _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").returncode == 0]
