"""``verify --add-noqa``: suppress today's findings with ``# noqa: CODE`` comments, as ruff does.

Each comment names the rule codes (never a bare ``# noqa``, which would hide every future
finding on the line). A line that already has a ``# noqa: ...`` comment gets the new codes added
to it; another comment stays, with the noqa comment after it. Files are rewritten atomically.
A comment cannot go on a line that ends inside a string or continues with a backslash, nor into
a file that is not Python: such findings are counted as not suppressed.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from verify.analysis.engine import noqa_comment
from verify.analysis.finding import Finding
from verify.analysis.lines import source_lines

_LINE = re.compile(r"(.*?)(\r\n|\r|\n|)$", re.DOTALL)
_LINE_BREAK = re.compile(r"(?<=\r\n)|(?<=\r)(?!\n)|(?<=\n)")


@dataclass
class NoqaResult:
    added: int = 0  # codes added to lines
    files: set[str] = field(default_factory=set)
    skipped: list[Finding] = field(default_factory=list)


def add_noqa(findings: list[Finding]) -> NoqaResult:
    from verify.assist.safe_write import atomic_write

    result = NoqaResult()
    by_path: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for finding in findings:
        if finding.path.endswith(".py") and Path(finding.path).is_file():
            by_path[finding.path][finding.line].add(finding.code)
        else:
            result.skipped.append(finding)
    for path, codes_by_line in sorted(by_path.items()):
        data = Path(path).read_bytes()
        bom = data.startswith(b"\xef\xbb\xbf")
        text = data.decode("utf-8-sig")
        lines = [line for line in _LINE_BREAK.split(text) if line]
        comments, unsafe = _comments_and_unsafe_lines(text)
        changed = False
        for number, codes in sorted(codes_by_line.items()):
            if number > len(lines) or number in unsafe:
                result.skipped.extend(finding for finding in findings if finding.path == path and finding.line == number)
                continue
            body, newline = _LINE.match(lines[number - 1]).groups()
            lines[number - 1] = _with_codes(body, comments.get(number), sorted(codes)) + newline
            result.added += len(codes)
            changed = True
        if changed:
            atomic_write(Path(path), (b"\xef\xbb\xbf" if bom else b"") + "".join(lines).encode("utf-8"))
            result.files.add(path)
    return result


def _with_codes(body: str, comment: tuple[int, str] | None, codes: list[str]) -> str:
    """The line with ``codes`` in its noqa comment. ``comment``: (column, text) of the line's comment."""
    if comment is not None:
        column, text = comment
        match = noqa_comment(text)
        if match is not None and match.group("codes"):
            existing = [code for code in re.split(r"[\s,]+", match.group("codes")) if code]
            merged = existing + [code for code in codes if code.upper() not in {c.upper() for c in existing}]
            text = text[:match.start()] + "# noqa: " + ", ".join(merged) + text[match.end():]
            return body[:column] + text + body[column + len(comment[1]):]
    return f"{body.rstrip()}  # noqa: {', '.join(codes)}"


def _comments_and_unsafe_lines(text: str) -> tuple[dict[int, tuple[int, str]], set[int]]:
    """line -> its comment (column, text); and the lines a comment cannot end (inside a string, or
    continued with a backslash)."""
    comments: dict[int, tuple[int, str]] = {}
    unsafe: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            start, end = token.start[0], token.end[0]
            if token.type == tokenize.COMMENT:
                comments[start] = (token.start[1], token.string)
            if end > start:  # a token across lines: a string (or f-string part)
                unsafe.update(range(start, end))
    except (tokenize.TokenError, SyntaxError):
        pass
    for number, line in enumerate(source_lines(text), 1):
        if line.rstrip().endswith("\\"):
            unsafe.add(number)
    return comments, unsafe
