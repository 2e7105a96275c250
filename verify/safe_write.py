"""Write generated files into a user's repository without destroying what the user wrote.

The kit owns only a *managed block* inside each file, between two marker lines::

    <!-- django-async-kit:begin -->        (Markdown)
    # django-async-kit:begin              (YAML; the marker line may be indented)

Everything outside the markers belongs to the user and is kept byte for byte. A file that
does not exist yet is created from the full generated text. A file that exists without
markers gets the marked block through the file's ``merge_unmarked`` function (Markdown:
appended at the end); without one, planning fails. Files whose whole name is the kit's (a
JSON hook file, which cannot hold comments) are owned whole.

Use it in two phases, so that one bad file stops the run before anything is written::

    plans = [plan_write(ManagedFile.markdown(path, generated_text)) for path, ... in outputs]
    # raises SafeWriteError (MalformedBlockError, UnreadableFileError, UnmergeableFileError)
    for plan in plans:
        print(plan.diff(relative_name))     # --dry-run
    stale = [plan for plan in plans if plan.changed]   # --check: exit 1 when not empty
    apply_writes(plans)                      # atomic: temp file + os.replace, mode kept

Planning twice on an up-to-date tree gives plans with ``changed == False``.
"""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from verify import reading

MARKER_NAME = "django-async-kit"


class CommentStyle(Enum):
    """How the markers are written, by file format."""

    HTML = ("<!-- ", " -->")  # Markdown, .mdc
    HASH = ("# ", "")  # YAML, TOML
    NONE = ("", "")  # formats without comments (JSON): the kit owns the whole file

    def marker(self, which: str) -> str:
        prefix, suffix = self.value
        return f"{prefix}{MARKER_NAME}:{which}{suffix}"

    @property
    def begin(self) -> str:
        return self.marker("begin")

    @property
    def end(self) -> str:
        return self.marker("end")


class SafeWriteError(Exception):
    """A file cannot be planned; the message names the file and says what to do."""


class UnreadableFileError(SafeWriteError):
    """The existing file cannot be read or is not UTF-8 text."""


class MalformedBlockError(SafeWriteError):
    """Markers are unbalanced, duplicated or out of order."""


class UnmergeableFileError(SafeWriteError):
    """The file exists without markers and its format gives no safe place to add a block."""


# (the user's text, the marked block in the file's newline style) -> the merged text; raises
# UnmergeableFileError when the format gives no safe place for the block.
Merge = Callable[[str, str], str]


def append_block(existing: str, marked_block: str) -> str:
    """Put the block at the end, one blank line after the user's text."""
    newline = "\r\n" if "\r\n" in existing else "\n"
    if not existing or existing.endswith(newline * 2):
        separator = ""
    elif existing.endswith(newline):
        separator = newline
    else:
        separator = newline * 2
    return existing + separator + marked_block


@dataclass(frozen=True)
class ManagedFile:
    """What the kit wants in one file.

    ``new_text`` is the complete text for a file that does not exist yet. For a commented
    style it must contain exactly one begin/end marker pair; the lines between them are the
    managed block that is refreshed inside existing files.
    """

    path: Path
    new_text: str
    style: CommentStyle
    merge_unmarked: Merge | None = None

    @classmethod
    def markdown(cls, path: Path, new_text: str) -> ManagedFile:
        return cls(Path(path), new_text, CommentStyle.HTML, append_block)

    @classmethod
    def yaml(cls, path: Path, new_text: str, merge_unmarked: Merge | None = None) -> ManagedFile:
        # Appending YAML at the end of a user's file could land in the wrong mapping: only a
        # format-aware merge may place the block.
        return cls(Path(path), new_text, CommentStyle.HASH, merge_unmarked)

    @classmethod
    def owned(cls, path: Path, new_text: str) -> ManagedFile:
        return cls(Path(path), new_text, CommentStyle.NONE)

    def _marker_lines(self) -> tuple[list[str], int, int]:
        lines = self.new_text.splitlines(keepends=True)
        begin, end = _find_block(lines, self.style, f"generated text for {self.path}")
        if begin is None:
            raise ValueError(f"generated text for {self.path} has no {self.style.begin} marker")
        return lines, begin, end

    @property
    def block(self) -> str:
        """The generated lines between the markers (each line ends with a newline)."""
        if self.style is CommentStyle.NONE:
            return self.new_text
        lines, begin, end = self._marker_lines()
        return "".join(lines[begin + 1 : end])

    @property
    def marked_block(self) -> str:
        """The block with its marker lines, as they appear in ``new_text``."""
        lines, begin, end = self._marker_lines()
        return "".join(lines[begin : end + 1])


@dataclass(frozen=True)
class PlannedWrite:
    """The outcome of planning one file: its text now (``None`` if missing) and after."""

    path: Path
    old_text: str | None
    new_text: str

    @property
    def changed(self) -> bool:
        return self.old_text != self.new_text

    @property
    def action(self) -> str:
        if self.old_text is None:
            return "create"
        return "update" if self.changed else "unchanged"

    def diff(self, name: str | None = None) -> str:
        """A unified diff from the current file to the planned one ('' when unchanged)."""
        name = name or str(self.path)
        old = [] if self.old_text is None else self.old_text.splitlines(keepends=True)
        new = self.new_text.splitlines(keepends=True)
        lines = difflib.unified_diff(
            old, new, "/dev/null" if self.old_text is None else f"a/{name}", f"b/{name}"
        )
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def plan_write(managed: ManagedFile) -> PlannedWrite:
    """Work out the new content of ``managed.path`` without touching the disk."""
    old_text = read_text(managed.path)
    if old_text is None:
        return PlannedWrite(managed.path, None, managed.new_text)
    if managed.style is CommentStyle.NONE:
        return PlannedWrite(managed.path, old_text, managed.new_text)

    newline = "\r\n" if "\r\n" in old_text else "\n"
    block = managed.block.replace("\n", newline) if newline != "\n" else managed.block
    lines = old_text.splitlines(keepends=True)
    begin, end = _find_block(lines, managed.style, str(managed.path))
    if begin is not None:
        # Keep the block where the user's markers are indented (a YAML list may sit deeper).
        generated, generated_begin, _ = managed._marker_lines()
        block = reindent(block, _indent(lines[begin]) - _indent(generated[generated_begin]))
        new_text = "".join(lines[: begin + 1]) + block + "".join(lines[end:])
        return PlannedWrite(managed.path, old_text, new_text)
    if managed.merge_unmarked is None:
        raise UnmergeableFileError(
            f"{managed.path}: exists without a {MARKER_NAME} block; add the lines "
            f"'{managed.style.begin}' and '{managed.style.end}' where the kit's part belongs, "
            "or leave this file out with --targets"
        )
    marked_block = managed.marked_block.replace("\n", newline) if newline != "\n" else managed.marked_block
    return PlannedWrite(managed.path, old_text, managed.merge_unmarked(old_text, marked_block))


def reindent(text: str, shift: int) -> str:
    """``text`` with ``shift`` spaces added to (or removed from) the start of every non-blank line."""
    if shift == 0:
        return text
    lines = text.splitlines(keepends=True)
    if shift > 0:
        return "".join(" " * shift + line if line.strip() else line for line in lines)
    return "".join(line[min(-shift, _indent(line)):] for line in lines)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def apply_writes(plans: Iterable[PlannedWrite]) -> list[PlannedWrite]:
    """Write every changed plan atomically; return the plans that were written."""
    written = []
    for plan in plans:
        if plan.changed:
            atomic_write(plan.path, plan.new_text.encode("utf-8"))
            written.append(plan)
    return written


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: readers see the old or the new file, never half.

    A symlink is followed so the link survives; an existing file keeps its permission bits, a
    new one gets the usual umask-based mode.
    """
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)  # the only portable way to read the umask is to set it
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def read_text(path: Path) -> str | None:
    """The file's text exactly as stored (no newline translation), or ``None`` if it is missing."""
    if not os.path.lexists(path):
        return None
    if os.path.isdir(path):
        raise UnreadableFileError(f"{path}: is a directory, expected a file")
    try:
        data = reading.read_bytes(path)  # a regular file of at most max-file-size bytes
    except reading.Unreadable as error:
        raise UnreadableFileError(str(error)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableFileError(f"{path}: is not UTF-8 text; the kit will not rewrite it") from None


def _find_block(lines: list[str], style: CommentStyle, where: str) -> tuple[int | None, int | None]:
    """Indexes of the begin and end marker lines, or ``(None, None)`` when there are none."""
    begins = [i for i, line in enumerate(lines) if line.strip() == style.begin]
    ends = [i for i, line in enumerate(lines) if line.strip() == style.end]
    if not begins and not ends:
        return None, None
    if len(begins) > 1 or len(ends) > 1:
        raise MalformedBlockError(
            f"{where}: {len(begins)} begin and {len(ends)} end markers (lines "
            f"{', '.join(str(i + 1) for i in sorted(begins + ends))}); keep exactly one "
            f"{MARKER_NAME} block"
        )
    if not begins:
        raise MalformedBlockError(f"{where}: line {ends[0] + 1} has '{style.end}' without '{style.begin}'")
    if not ends:
        raise MalformedBlockError(f"{where}: line {begins[0] + 1} has '{style.begin}' without '{style.end}'")
    if ends[0] < begins[0]:
        raise MalformedBlockError(f"{where}: the end marker (line {ends[0] + 1}) comes before the begin marker")
    return begins[0], ends[0]
