"""Reading the repository's files: regular files only, up to a size limit, Python decoded as
Python decodes it. Every command reads through here, so that a FIFO named ``views.py``, a symlink
to ``/dev/zero`` named ``pyproject.toml`` or a multi-gigabyte file never hangs a run or exhausts
its memory, and every file that cannot be read is named with the reason (docs/limits.md).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from verify.analysis.limits import DEFAULT_MAX_FILE_BYTES

_max_bytes = DEFAULT_MAX_FILE_BYTES
_NONBLOCKING = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO to read waits for a writer otherwise
_BOM = b"\xef\xbb\xbf"


class Unreadable(ValueError):
    """A file the kit does not read; the message is one line naming it and saying why."""


class TooLarge(Unreadable):
    """A regular file over ``max-file-size`` bytes."""


@contextmanager
def size_limit(limit: int | None) -> Iterator[None]:
    """The largest file read while in the block (``max-file-size``; None: the default)."""
    global _max_bytes
    outer, _max_bytes = _max_bytes, DEFAULT_MAX_FILE_BYTES if limit is None else limit
    try:
        yield
    finally:
        _max_bytes = outer


def max_file_size() -> int:
    return _max_bytes


def read_bytes(path: str | Path, limit: int | None = None, *, name: str | Path | None = None) -> bytes:
    """The file's bytes; :class:`Unreadable` for anything but a regular file of at most
    ``limit`` bytes (default: ``max-file-size``); symbolic links are followed. Messages name the
    file ``name`` (its display path; default: ``path``)."""
    limit = _max_bytes if limit is None else limit
    name = path if name is None else name
    try:
        handle = os.open(path, os.O_RDONLY | _NONBLOCKING)
    except OSError as error:
        raise Unreadable(f"cannot read {name}: {_reason(error)}") from None
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            raise Unreadable(f"{name} is not a regular file ({_kind(status.st_mode)})")
        check_size(name, status.st_size, limit)
        chunks, size = [], 0
        while size <= limit:  # a file growing while it is read stops at the limit too
            chunk = os.read(handle, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        check_size(name, size, limit)
        return b"".join(chunks)
    except OSError as error:
        raise Unreadable(f"cannot read {name}: {_reason(error)}") from None
    finally:
        os.close(handle)


def check_size(path: str | Path, size: int, limit: int | None = None) -> None:
    """:class:`TooLarge` when a file of ``size`` bytes is over ``limit`` (default: ``max-file-size``)."""
    limit = _max_bytes if limit is None else limit
    if size > limit:
        raise TooLarge(f"{path} is too large: {size:,} bytes, over the {limit:,}-byte limit (max-file-size)")


def read_text(path: str | Path) -> str:
    """A text file (UTF-8, a BOM dropped); :class:`Unreadable` when it cannot be read or decoded."""
    data = read_bytes(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable(f"cannot decode {path} as UTF-8 (byte {error.start})") from None


_overlay: dict[str, str] = {}  # absolute path -> the text to read instead of the file's


@contextmanager
def overlay(texts: dict[str, str]) -> Iterator[None]:
    """While in the block, :func:`read_python` gives ``texts[absolute path]`` for the files it
    names (``verify --diff`` checks fixed text it does not write). ``texts`` may grow meanwhile."""
    global _overlay
    outer, _overlay = _overlay, texts
    try:
        yield
    finally:
        _overlay = outer


def overlay_active() -> bool:
    return bool(_overlay)


def read_python(path: str | Path, *, name: str | Path | None = None) -> str:
    """Python source decoded as Python would (PEP 263: a BOM, else a ``coding`` declaration in
    the first two lines, else UTF-8); :class:`Unreadable` for a binary or undecodable file
    (messages name it ``name``, default ``path``)."""
    if _overlay:
        replaced = _overlay.get(os.path.abspath(path))
        if replaced is not None:
            return replaced
    name = path if name is None else name
    data = read_bytes(path, name=name)
    if b"\0" in data[:8192]:
        kind = " (UTF-16 or UTF-32 text)" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ""
        raise Unreadable(f"{name} is a binary file{kind}, not Python source")
    encoding = python_encoding(data, name)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise Unreadable(f"cannot decode {name} as {encoding.removesuffix('-sig').upper()} (byte {error.start})") from None


def python_encoding(data: bytes, path: str | Path) -> str:
    """The codec Python reads this source with: ``utf-8-sig`` (a BOM, or no ``coding`` line),
    else the declared one."""
    return "utf-8-sig" if data.startswith(_BOM) or b"coding" not in data[:400] else _declared_encoding(data, path)


def _declared_encoding(data: bytes, path: str | Path) -> str:
    import io
    import tokenize  # only for the rare file with a coding declaration

    try:
        encoding, _lines = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:  # an unknown encoding, or a declaration that contradicts a BOM
        raise Unreadable(f"cannot decode {path}: {error.msg}") from None
    return encoding


def _reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "symbolic link loop"
    if isinstance(error, FileNotFoundError) and os.path.islink(error.filename or ""):
        return "dangling symbolic link"
    return error.strerror or str(error)


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a file"
