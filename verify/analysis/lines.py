"""Lines of source text numbered as Python numbers them.

``str.splitlines()`` also breaks at form feeds and other separators (``\\f``, ``\\v``, ``\\x1c``,
``\\u2028``...), which Python's parser keeps inside a line: after a page break (``^L``) its line
numbers would point at the wrong line, and ``# noqa`` comments at the wrong findings.
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
