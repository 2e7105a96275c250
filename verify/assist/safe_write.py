"""Write generated files into a user's repository without destroying what the user wrote.

The kit owns only a *managed block* inside each file, between two marker lines::

    <!-- django-async-kit:begin -->        (Markdown)
    # django-async-kit:begin              (YAML; the marker line may be indented)

Everything outside the markers belongs to the user and is kept byte for byte. Marker lines
inside a Markdown code fence or a YAML block scalar are text, not markers, and lines end at
``\n`` only. A file that
does not exist yet is created from the full generated text. A file that exists without
markers gets the marked block through the file's ``merge_unmarked`` function (Markdown:
appended at the end); without one, planning fails. Files whose whole name is the kit's (a
JSON hook file, which cannot hold comments) are owned whole.

Use it in two phases, so that one bad file stops the run before anything is written::

    plans = [plan_write(ManagedFile.markdown(path, generated_text), inside=root) for path, ... in outputs]
    # raises SafeWriteError (MalformedBlockError, UnreadableFileError, UnmergeableFileError,
    # OutsideFolderError for a link that leads out of ``root``)
    for plan in plans:
        print(plan.diff(relative_name))     # --dry-run
    stale = [plan for plan in plans if plan.changed]   # --check: exit 1 when not empty
    apply_writes(plans)                      # atomic: temp file + os.replace, mode kept;
                                             # ReadOnlyFileError before any write

Planning twice on an up-to-date tree gives plans with ``changed == False``.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from verify.assist import front_matter
from verify.analysis.lines import lines_of
from verify.pipeline import reading

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


class OutsideFolderError(SafeWriteError):
    """The file, or a folder on its way, is a link that leads out of the folder the kit writes in."""


class ReadOnlyFileError(SafeWriteError):
    """The file exists and is not writable: the kit does not replace it behind the user's back."""


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
    front_matter_keys: tuple[str, ...] = ()  # Markdown: front matter keys refreshed in an existing file

    @classmethod
    def markdown(cls, path: Path, new_text: str, front_matter_keys: tuple[str, ...] = ()) -> ManagedFile:
        return cls(Path(path), new_text, CommentStyle.HTML, append_block, front_matter_keys)

    @classmethod
    def yaml(cls, path: Path, new_text: str, merge_unmarked: Merge | None = None) -> ManagedFile:
        # Appending YAML at the end of a user's file could land in the wrong mapping: only a
        # format-aware merge may place the block.
        return cls(Path(path), new_text, CommentStyle.HASH, merge_unmarked)

    @classmethod
    def owned(cls, path: Path, new_text: str) -> ManagedFile:
        return cls(Path(path), new_text, CommentStyle.NONE)

    def _marker_lines(self) -> tuple[list[str], int, int]:
        lines = lines_of(self.new_text)
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
        old = [] if self.old_text is None else lines_of(self.old_text)
        new = lines_of(self.new_text)
        lines = difflib.unified_diff(
            old, new, "/dev/null" if self.old_text is None else f"a/{name}", f"b/{name}"
        )
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def plan_write(managed: ManagedFile, inside: Path | None = None) -> PlannedWrite:
    """Work out the new content of ``managed.path`` without touching the disk.

    With ``inside``, a path that resolves out of that folder (through a symbolic link, dangling
    or not, to the file or to a folder on its way) raises OutsideFolderError.
    """
    if inside is not None:
        refuse_outside(managed.path, inside)
    old_text = read_text(managed.path)
    if old_text is None:
        return PlannedWrite(managed.path, None, managed.new_text)
    if managed.style is CommentStyle.NONE:
        return PlannedWrite(managed.path, old_text, managed.new_text)

    newline = "\r\n" if "\r\n" in old_text else "\n"
    block = managed.block.replace("\n", newline) if newline != "\n" else managed.block
    lines = lines_of(old_text)
    begin, end = _find_block(lines, managed.style, str(managed.path))
    if begin is not None:
        # Keep the block where the user's markers are indented (a YAML list may sit deeper).
        generated, generated_begin, _ = managed._marker_lines()
        block = reindent(block, _indent(lines[begin]) - _indent(generated[generated_begin]))
        new_text = "".join(lines[: begin + 1]) + block + "".join(lines[end:])
        return PlannedWrite(managed.path, old_text, _with_front_matter(managed, new_text))
    if managed.merge_unmarked is None:
        raise UnmergeableFileError(
            f"{managed.path}: exists without a {MARKER_NAME} block; add the lines "
            f"'{managed.style.begin}' and '{managed.style.end}' where the kit's part belongs, "
            "or leave this file out with --targets"
        )
    marked_block = managed.marked_block.replace("\n", newline) if newline != "\n" else managed.marked_block
    return PlannedWrite(managed.path, old_text, _with_front_matter(managed, managed.merge_unmarked(old_text, marked_block)))


def _with_front_matter(managed: ManagedFile, text: str) -> str:
    """``text`` with the kit's front matter keys set as in the generated text (when it has them)."""
    ours = front_matter.key_lines(managed.new_text, managed.front_matter_keys) if managed.front_matter_keys else {}
    return front_matter.merge(text, ours) if ours else text


def refuse_outside(path: Path, folder: Path) -> None:
    """Raise OutsideFolderError unless ``path``, with every link resolved, is inside ``folder``."""
    real = os.path.realpath(path)  # follows dangling links too, as far as they lead
    if not is_within(real, os.path.realpath(folder)):
        raise OutsideFolderError(
            f"{path}: leads to {real}, outside {folder}; the kit writes only inside it "
            "(replace the link with a file, or leave this file out with --targets)"
        )


def is_within(path: str | Path, folder: str | Path) -> bool:
    """Whether ``path`` is ``folder`` or below it, comparing the paths as written."""
    try:
        return os.path.commonpath([os.path.abspath(path), os.path.abspath(folder)]) == os.path.abspath(folder)
    except ValueError:  # Windows: on another drive
        return False


def reindent(text: str, shift: int) -> str:
    """``text`` with ``shift`` spaces added to (or removed from) the start of every non-blank line."""
    if shift == 0:
        return text
    lines = lines_of(text)
    if shift > 0:
        return "".join(" " * shift + line if line.strip() else line for line in lines)
    return "".join(line[min(-shift, _indent(line)):] for line in lines)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def apply_writes(plans: Iterable[PlannedWrite]) -> list[PlannedWrite]:
    """Write every changed plan atomically; return the plans that were written.

    A read-only file among them raises ReadOnlyFileError before anything is written.
    """
    changed = [plan for plan in plans if plan.changed]
    for plan in changed:
        _refuse_read_only(plan.path)
    for plan in changed:
        atomic_write(plan.path, plan.new_text.encode("utf-8"))
    return changed


def _refuse_read_only(path: Path) -> None:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    # No write bit at all counts too: root may write anything, but the owner asked for read-only.
    if not mode & 0o222 or not os.access(path, os.W_OK):
        raise ReadOnlyFileError(f"{path}: is read-only; the kit will not replace it (make it writable, or leave it out with --targets)")


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
    _remove_stale_temp_files(target)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{TEMP_TAG}-{os.getpid()}-", suffix=".tmp")
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


# Temporary files are ``.<name>.django-async-kit-tmp-<pid>-<random>.tmp`` next to the file they replace.
# A run killed between creating one and renaming it leaves it behind; the next write to the same
# file removes it once its process is gone (where that cannot be asked, once it is an hour old).
TEMP_TAG = f"{MARKER_NAME}-tmp"
STALE_TEMP_SECONDS = 3600


def _remove_stale_temp_files(target: Path) -> None:
    pattern = re.compile(re.escape(f".{target.name}.{TEMP_TAG}-") + r"(\d+)-[^/\\]*\.tmp")
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        match = pattern.fullmatch(name)
        if match and _writer_gone(int(match.group(1)), target.parent / name):
            (target.parent / name).unlink(missing_ok=True)


def _writer_gone(pid: int, temp_file: Path) -> bool:
    if os.name == "posix":  # signal 0 only asks; on Windows os.kill would terminate the process
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # alive, under another user
            pass
        return False
    try:
        return time.time() - temp_file.stat().st_mtime > STALE_TEMP_SECONDS
    except OSError:
        return False


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
    """Indexes of the begin and end marker lines, or ``(None, None)`` when there are none.

    Marker text inside code is an example, not the block: in Markdown, inside a fenced code block;
    in YAML, inside a block scalar (``run: |``). Inside the block itself, the kit's own text, only
    the end marker counts.
    """
    begins, ends, hiding = _block_markers(lines, style, not_fences=set())
    if ends and not begins and hiding is not None:
        # A fence the user left open before the block is closed by the first fence inside the kit's
        # block: the begin marker looks like code, the end marker does not. That fence is text.
        begins, ends, _ = _block_markers(lines, style, not_fences={hiding})
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


def _block_markers(lines: list[str], style: CommentStyle, not_fences: set[int]) -> tuple[list[int], list[int], int | None]:
    """Begin and end marker lines outside code, and the line of the first fence holding a begin marker."""
    begins, ends = [], []
    in_block = False
    hiding = None
    code = _CodeTracker(style, lines, not_fences)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if in_block:
            if stripped == style.end:
                ends.append(index)
                in_block = False
                code.reset()
            elif stripped == style.begin:
                begins.append(index)
            continue
        if code.is_code(index, line):
            if stripped == style.begin and hiding is None:
                hiding = code.open_fence
            continue
        if stripped == style.begin:
            begins.append(index)
            in_block = True
        elif stripped == style.end:
            ends.append(index)
    return begins, ends, hiding


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# A YAML line whose value is a block scalar: ``key: |``, ``- run: >-``, ``- |`` (a comment may follow).
_BLOCK_SCALAR = re.compile(r"^(?P<lead>[ ]*(?:-[ ]+)*)(?:(?P<key>[^\s#][^#]*?):[ ]+)?[|>][0-9+-]*[ ]*(?:#.*)?$")


def _longest_closing_fences(lines: list[str]) -> dict[str, list[int]]:
    """For each fence character, the length of the longest bare fence line (one that can close a
    code block) at or after each line index."""
    longest = {"`": [0] * (len(lines) + 1), "~": [0] * (len(lines) + 1)}
    for index in range(len(lines) - 1, -1, -1):
        text = lines[index].rstrip("\r\n")
        fence = _FENCE.match(text)
        bare = fence and not text.strip().strip(fence.group(1)[0])
        for character, lengths in longest.items():
            here = len(fence.group(1)) if bare and fence.group(1)[0] == character else 0
            lengths[index] = max(here, lengths[index + 1])
    return longest


class _CodeTracker:
    """Fed the lines of a file in order, tells which are code (or literal text) rather than markup."""

    def __init__(self, style: CommentStyle, lines: list[str], not_fences: set[int]):
        self.style = style
        self.not_fences = not_fences  # Markdown: fence-like lines to take for text
        if style is CommentStyle.HTML:
            self.longest_close_after = _longest_closing_fences(lines)
        self.reset()

    def reset(self) -> None:
        self.fence: str | None = None  # Markdown: the open fence's characters
        self.open_fence: int | None = None  # and its line
        self.scalar_parent: int | None = None  # YAML: the column of the open block scalar's key

    def is_code(self, index: int, line: str) -> bool:
        text = line.rstrip("\r\n")
        if self.style is CommentStyle.HTML:
            return self._markdown(index, text)
        if self.style is CommentStyle.HASH:
            return self._yaml(text)
        return False

    def _markdown(self, index: int, text: str) -> bool:
        fence = _FENCE.match(text)
        if self.fence is None:
            # A fence that nothing after it closes would hide the rest of the file, the kit's block
            # too, and every run would append another block: it is taken for text.
            characters = fence.group(1) if fence else ""
            opens = bool(fence) and index not in self.not_fences and self.longest_close_after[characters[0]][index + 1] >= len(characters)
            if opens:
                self.fence, self.open_fence = characters, index
            return opens
        closing = fence and fence.group(1)[0] == self.fence[0] and len(fence.group(1)) >= len(self.fence)
        if closing and not text.strip().strip(self.fence[0]):
            self.fence = self.open_fence = None
        return True

    def _yaml(self, text: str) -> bool:
        indent = len(text) - len(text.lstrip(" "))
        if self.scalar_parent is not None:
            if not text.strip() or indent > self.scalar_parent:
                return True
            self.scalar_parent = None
        scalar = _BLOCK_SCALAR.match(text)
        if scalar:
            lead = len(scalar.group("lead"))
            # Its content is indented more than the key (``- |``: more than the dash).
            self.scalar_parent = lead if scalar.group("key") is not None else lead - 2
        return False
