"""Which finding is which across edits: a fingerprint that survives line shifts and unrelated edits.

A finding's fingerprint hashes its rule code, the qualified name of the function (or class) it
is in, the flagged source text with its whitespace removed, and an occurrence index that tells
identical findings in one function apart. Line numbers are not part of it, so inserting lines
above a finding or renaming another function keeps it; the baseline (``--baseline``) and SARIF's
``partialFingerprints`` both use it.
"""

from __future__ import annotations

import ast
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from verify.analysis.finding import Finding
from verify.analysis.lines import source_lines
from verify.pipeline import reading

FINGERPRINT_KEY = "djangoAsyncKit/v1"  # SARIF partialFingerprints key; a new scheme gets a new version
WHOLE_TEXT_MAX_LINES = 10  # a longer flagged span is known by its first line


@dataclass(frozen=True)
class Scope:
    start: int  # first line, decorators included
    header: int  # the `def` or `class` line
    end: int
    qualname: str
    is_function: bool


class SourceMap:
    """One file's lines and its functions and classes, by line."""

    def __init__(self, text: str):
        self.lines = source_lines(text)
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            tree = None
        self.scopes = sorted(_scopes(tree), key=lambda scope: (scope.start, -scope.end)) if tree else []

    @classmethod
    def of(cls, path: str) -> SourceMap:
        try:
            return cls(reading.read_python(path))
        except (OSError, ValueError):  # reading.Unreadable is a ValueError
            return cls("")

    def innermost(self, line: int, functions_only: bool = False) -> Scope | None:
        found = None
        for scope in self.scopes:  # sorted outer before inner: the last match is the innermost
            if scope.start > line:
                break
            if scope.end >= line and (scope.is_function or not functions_only):
                found = scope
        return found

    def qualname(self, line: int) -> str:
        scope = self.innermost(line)
        return scope.qualname if scope else ""

    def flagged_text(self, finding: Finding) -> str:
        """The flagged source, whitespace removed (columns are 1-based UTF-8 offsets, as ast gives them).
        A flagged function or class is known by its first line: edits in its body do not make it another finding."""
        whole_scope = any(scope.header == finding.line and scope.end == finding.end_line for scope in self.scopes)
        long = finding.end_line - finding.line >= WHOLE_TEXT_MAX_LINES
        last = finding.line if whole_scope or long else finding.end_line
        parts = []
        for number in range(finding.line, min(last, len(self.lines)) + 1):
            data = self.lines[number - 1].encode("utf-8")
            start = finding.column - 1 if number == finding.line else 0
            end = finding.end_column - 1 if number == finding.end_line else len(data)
            parts.append(data[max(start, 0):max(end, start, 0)].decode("utf-8", errors="replace"))
        return "".join("".join(parts).split())


def _scopes(tree: ast.AST) -> Iterable[Scope]:
    def visit(node: ast.AST, prefix: str) -> Iterable[Scope]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                start = min([child.lineno] + [decorator.lineno for decorator in child.decorator_list])
                yield Scope(start, child.lineno, child.end_lineno or child.lineno, name, not isinstance(child, ast.ClassDef))
                yield from visit(child, f"{name}.")
            else:
                yield from visit(child, prefix)

    return visit(tree, "")


def fingerprints(findings: Iterable[Finding]) -> dict[Finding, str]:
    """Each finding's fingerprint (the path is not part of it: a baseline keys by path too)."""
    maps: dict[str, SourceMap] = {}
    keys: dict[Finding, tuple[str, str, str]] = {}
    for finding in sorted(set(findings)):
        if finding.path not in maps:
            maps[finding.path] = SourceMap.of(finding.path)
        source = maps[finding.path]
        keys[finding] = (finding.code, source.qualname(finding.line), source.flagged_text(finding))
    seen: dict[tuple[str, tuple[str, str, str]], int] = defaultdict(int)
    out = {}
    for finding, key in keys.items():  # sorted by path and position: the occurrence index follows the file's order
        occurrence = seen[finding.path, key]
        seen[finding.path, key] += 1
        out[finding] = hashlib.sha256("\0".join((*key, str(occurrence))).encode("utf-8")).hexdigest()[:32]
    return out
