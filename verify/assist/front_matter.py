"""The YAML front matter at the top of a Markdown file (``---`` lines around ``key: value`` lines).

Files the kit generates carry a few keys the kit owns (a prompt file's ``name`` and ``description``,
an instructions file's ``description``, which names the Django version). On refresh those keys are
set in place; keys the user added (``model``, ``tools``...), comments and layout stay as they are.
"""

from __future__ import annotations

import re

from verify.analysis.lines import lines_of

_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z0-9_-]+)\s*:")


def key_lines(text: str, keys: tuple[str, ...]) -> dict[str, str]:
    """The lines (a key's continuation lines included, without the final newline) of ``keys`` in the
    front matter of ``text``, in the order given."""
    header = _header(lines_of(text))
    found: dict[str, str] = {}
    for start, end in _entries(header or []):
        match = _TOP_LEVEL_KEY.match(header[start])
        if match and match.group(1) in keys:
            found[match.group(1)] = "".join(header[start:end]).rstrip("\r\n")
    return {key: found[key] for key in keys if key in found}


def merge(text: str, ours: dict[str, str]) -> str:
    """``text`` with the front matter keys in ``ours`` (key -> its line) set, other keys untouched;
    a file without front matter gets one."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = lines_of(text)
    if not lines or lines[0].strip() != "---":
        return "---" + newline + "".join(line + newline for line in ours.values()) + "---" + newline + text
    header = _header(lines)
    if header is None:  # an opening --- without a closing one: not front matter we can edit
        return text
    merged: list[str] = []
    seen = set()
    for start, end in _entries(header):
        match = _TOP_LEVEL_KEY.match(header[start])
        if match and match.group(1) in ours:
            key = match.group(1)
            if key not in seen:
                merged.append(ours[key] + newline)
            seen.add(key)
        else:
            merged.extend(header[start:end])
    merged.extend(ours[key] + newline for key in ours if key not in seen)
    return lines[0] + "".join(merged) + "".join(lines[len(header) + 1 :])


def _header(lines: list[str]) -> list[str] | None:
    """The lines between the opening and the closing ``---``, or None when there is no front matter."""
    if not lines or lines[0].strip() != "---":
        return None
    close = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    return None if close is None else lines[1:close]


def _entries(header: list[str]):
    """(start, end) of each entry: a line and the lines that continue its value."""
    index = 0
    while index < len(header):
        end = index + 1
        while end < len(header) and _continues_value(header[end]):
            end += 1
        yield index, end
        index = end


def _continues_value(line: str) -> bool:
    """An indented line or a block-sequence item belongs to the key above it; comments do not."""
    return line[:1] in (" ", "\t") and line.strip() != "" or line.startswith("- ")
