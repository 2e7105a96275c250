"""How a DJA5xx rule module plugs its comparison in, and how it reports.

A rule module declares ``rule = Rule("DJA502", ..., scope=SCOPE)`` like any rule (so ``rules``,
``--select`` and ``--ignore`` know it), then registers one comparison::

    @compares_functions(rule)
    def check(pair: FunctionPair, reporter: Reporter) -> None: ...

The engine's single-file walk skips this scope: these rules need both versions of a file.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from verify.analysis.finding import Finding
from verify.analysis.registry import Rule
from verify.compare.functions import FunctionPair, ParsedFile

SCOPE = "compare"


@dataclass
class FileChange:
    """One changed file: ``new`` is empty when the file was deleted."""

    old: ParsedFile
    new: ParsedFile
    root: Path  # where to look for urls.py and templates that may still refer to the old code
    new_path: Path  # the file on disk
    old_sources: dict[Path, str] = field(default_factory=dict)  # every changed file's old text (e.g. an edited urls.py)
    moved_from: Path | None = None  # the file's old place when the edit renamed it


@dataclass
class Reporter:
    findings: list[Finding] = field(default_factory=list)

    def report(self, rule: Rule, path: str, node: ast.AST, message: str, hint: str = "") -> None:
        self.findings.append(Finding(
            path=path, line=node.lineno, column=node.col_offset + 1,
            end_line=getattr(node, "end_lineno", None) or node.lineno,
            end_column=(getattr(node, "end_col_offset", None) or node.col_offset) + 1,
            code=rule.code, name=rule.name, message=message, hint=hint, severity=rule.severity,
        ))


PairCheck = Callable[[FunctionPair, Reporter], None]
FileCheck = Callable[[FileChange, Reporter], None]
PAIR_CHECKS: dict[str, PairCheck] = {}
FILE_CHECKS: dict[str, FileCheck] = {}


def compares_functions(rule: Rule) -> Callable[[PairCheck], PairCheck]:
    """Register a check run on every function converted from ``def`` to ``async def``."""
    def decorator(check: PairCheck) -> PairCheck:
        PAIR_CHECKS[rule.code] = check
        return check
    return decorator


def compares_files(rule: Rule) -> Callable[[FileCheck], FileCheck]:
    """Register a check run once per changed file."""
    def decorator(check: FileCheck) -> FileCheck:
        FILE_CHECKS[rule.code] = check
        return check
    return decorator


def header_node(function_node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
    """Where a finding about a whole function points: ``async def name``, not the whole body."""
    keyword = "async def " if isinstance(function_node, ast.AsyncFunctionDef) else "def "
    return ast.Name(id=function_node.name, lineno=function_node.lineno, col_offset=function_node.col_offset,
                    end_lineno=function_node.lineno, end_col_offset=function_node.col_offset + len(keyword + function_node.name))
