"""Lines of text split where the format of the text breaks them, never with ``str.splitlines()``.

``str.splitlines()`` also breaks at form feeds and other separators (``\\f``, ``\\v``, ``\\x1c``,
``\\u2028``...), which Python's parser keeps inside a line: after a page break (``^L``) its line
numbers would point at the wrong line, and ``# noqa`` comments at the wrong findings. Markdown and
YAML files the kit edits break lines at ``\\n`` only.
"""

from __future__ import annotations

import re

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """``text`` split at the line breaks Python's tokenizer counts, without a trailing empty line."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def lines_of(text: str) -> list[str]:
    """``text`` split after each ``\\n``, line ends kept (a lone ``\\r`` does not end a line)."""
    lines = text.split("\n")
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])
