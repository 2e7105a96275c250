"""Applying the fixes findings carry (``verify --fix``, ``--unsafe-fixes``, ``--diff``).

Per file: the chosen fixes are taken in source order, and a fix with an edit that overlaps an
edit of a fix already taken waits for the next round (the findings are checked again after each
round; edits two fixes share, such as one ``import asyncio``, are applied once). The edits are
applied from the end of the file, so that each one's positions are still those the analysis
saw. The result must parse: when it does not, the fixes that break it are dropped and reported,
and the file keeps the rest. Files are replaced atomically (a temporary file, then
``os.replace``), keeping their mode.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from verify.analysis.finding import Finding, Fix
from verify.pipeline import reading

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as verify.analysis.lines: the lines ast counts


@dataclass
class FileFixes:
    """One file's result: the new text, the findings fixed, the fixes that did not parse."""

    path: str
    before: str
    after: str
    fixed: list[Finding] = field(default_factory=list)
    broken: list[Finding] = field(default_factory=list)

    def diff(self) -> str:
        return "".join(difflib.unified_diff(self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
                                            f"a/{self.path}", f"b/{self.path}"))


def applicable(finding: Finding, unsafe: bool) -> bool:
    return finding.fix is not None and (unsafe or not finding.fix.unsafe)


def _offsets(source: str) -> Callable[[tuple[int, int]], int]:
    starts = [0] + [match.end() for match in _LINE_BREAK.finditer(source)]

    def offset(position: tuple[int, int]) -> int:
        line, column = position
        if line > len(starts):
            return len(source)
        begin = starts[line - 1]
        return begin + len(source[begin:begin + column].encode()[:column].decode(errors="ignore"))

    return offset


def _ranges(fix: Fix, offset) -> list[tuple[int, int, str]]:
    return [(offset(edit.start), offset(edit.end), edit.text) for edit in fix.edits]


def _overlaps(edit: tuple[int, int, str], taken: set[tuple[int, int, str]]) -> bool:
    start, end, _ = edit
    for other in taken:
        if other == edit:
            continue  # the same edit, shared: applied once
        other_start, other_end, _ = other
        # Ranges that share text; or two insertions at one place, whose order would be a guess.
        if start < other_end and other_start < end or start == end == other_start == other_end:
            return True
    return False


def _apply(source: str, edits: set[tuple[int, int, str]]) -> str:
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    return source


def _parses(source: str, path: str) -> bool:
    """Compiled, not only parsed: ``await`` outside an async function parses but does not compile."""
    try:
        compile(source, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def fix_source(path: str, source: str, findings: list[Finding]) -> FileFixes:
    """Apply the non-overlapping fixes of ``findings`` (all of one file) to ``source``."""
    offset = _offsets(source)
    taken: set[tuple[int, int, str]] = set()
    chosen: list[tuple[Finding, list[tuple[int, int, str]]]] = []
    for finding in sorted(findings, key=lambda f: min(e.start for e in f.fix.edits)):
        edits = _ranges(finding.fix, offset)
        if any(_overlaps(edit, taken) for edit in edits):
            continue
        taken.update(edits)
        chosen.append((finding, edits))
    result = FileFixes(path, source, _apply(source, taken))
    if _parses(result.after, path):
        result.fixed = [finding for finding, _ in chosen]
        return result
    # Find the fixes that break it: each one is kept only if the file still parses with it.
    kept: set[tuple[int, int, str]] = set()
    for finding, edits in chosen:
        attempt = kept | set(edits)
        if _parses(_apply(source, attempt), path):
            kept = attempt
            result.fixed.append(finding)
        else:
            result.broken.append(finding)
    result.after = _apply(source, kept)
    return result


def plan(findings: list[Finding], unsafe: bool, read: Callable[[str], str]) -> list[FileFixes]:
    """The fixes of ``findings``, file by file (files whose fixes change nothing are left out)."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if applicable(finding, unsafe):
            by_path.setdefault(finding.path, []).append(finding)
    results = [fix_source(path, read(path), found) for path, found in sorted(by_path.items())]
    return [result for result in results if result.after != result.before or result.broken]


_BOM = "\ufeff"


def read(path: str) -> str:
    """The text the analysis saw (decoded as Python decodes it, without a byte order mark), line
    ends as they are."""
    return reading.read_python(path)


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path``'s content in one step, keeping its mode and its byte order mark."""
    mode = stat.S_IMODE(os.stat(path).st_mode)
    data = path.read_bytes()
    encoding = reading.python_encoding(data, path)  # a `coding: latin-1` file stays Latin-1
    bom = _BOM if data[:3] == _BOM.encode() else ""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8" if encoding == "utf-8-sig" else encoding, newline="") as stream:
            stream.write(bom + text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise



@dataclass
class Outcome:
    """What ``verify --fix`` did over all its rounds."""

    changed: dict[str, list[Finding]] = field(default_factory=dict)  # path -> findings fixed
    broken: list[Finding] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)

    @property
    def fixed(self) -> int:
        return sum(len(found) for found in self.changed.values())

    def lines(self) -> list[str]:
        """Per file, the codes fixed; then each fix dropped because the result did not parse."""
        lines = []
        for path, found in sorted(self.changed.items()):
            codes: dict[str, int] = {}
            for finding in found:
                codes[finding.code] = codes.get(finding.code, 0) + 1
            lines.append(f"fixed {path}: " + ", ".join(f"{code} x{count}" if count > 1 else code for code, count in sorted(codes.items())))
        for finding in self.broken:
            lines.append(f"not fixed {finding.path}:{finding.line}:{finding.column}: {finding.code}: the fixed file would not parse")
        return lines


MAX_ROUNDS = 10  # a fix that overlaps another waits for the next round


def fix_rounds(findings: list[Finding], check_again: Callable[[], list[Finding]], *, unsafe: bool, write: bool) -> tuple[Outcome, list[Finding]]:
    """Apply fixes round by round until none is left: written to the files (``write``), or kept
    in memory, where ``check_again`` reads them (:func:`reading.overlay`), for the diff of all
    the rounds. Returns what was done and the findings after it."""
    outcome = Outcome()
    fixed_text: dict[str, str] = {}  # absolute path -> text after the rounds so far (not written)
    originals: dict[str, FileFixes] = {}
    with reading.overlay(fixed_text):
        for _ in range(MAX_ROUNDS):
            planned = plan(findings, unsafe, read)
            outcome.broken += [finding for result in planned for finding in result.broken if finding not in outcome.broken]
            planned = [result for result in planned if result.fixed]
            if not planned:
                break
            for result in planned:
                outcome.changed.setdefault(result.path, []).extend(result.fixed)
                originals.setdefault(result.path, result).after = result.after
                if write:
                    write_atomically(Path(result.path), result.after)
                else:
                    fixed_text[os.path.abspath(result.path)] = result.after
            findings = check_again()
    outcome.diffs = [FileFixes(path, first.before, first.after).diff() for path, first in sorted(originals.items())]
    return outcome, findings
