"""Check one file's source: a syntax check for code without ``async def``, else the analysis."""

from __future__ import annotations

import symtable
from typing import TYPE_CHECKING

from verify.analysis import newer_syntax
from verify.analysis.django_api import Version
from verify.analysis.finding import Finding
from verify.pipeline import file_tree

if TYPE_CHECKING:  # the analysis is imported only when a file needs it: a cached run never does
    from verify.analysis.models_index import ModelIndex
    from verify.analysis.registry import Rule
    from verify.analysis.summaries import Project


def _syntax_finding(path: str, error: SyntaxError) -> Finding:
    from verify.analysis.registry import get_rule

    rule = get_rule("DJA000")
    needed = newer_syntax.needed_python(error)
    if needed is not None:  # not a mistake: code for a newer Python than this one
        return newer_syntax.finding(path, error, rule, needed)
    line = error.lineno or 1
    column = error.offset or 1
    if isinstance(error, file_tree.TooDeeplyNested):
        return Finding(path, line, column, line, column + 1, rule.code, rule.name, f"{error.msg} (docs/limits.md)",
                       "split the deepest expression or function: nothing else in this file was checked")
    return Finding(path, line, column, line, column + 1, rule.code, rule.name, f"syntax error: {error.msg}",
                   "fix the syntax: nothing else in this file was checked")


def needs_analysis(source: str) -> bool:
    """Only async code can have findings (besides a syntax error)."""
    return "async def" in source


def syntax_findings(path: str, source: str) -> list[Finding]:
    """A syntax error in a file without async code: compiled to a symbol table only, which is
    cheaper than building its AST."""
    try:
        symtable.symtable(source, path, "exec")
    except SyntaxError as error:
        return [_syntax_finding(path, error)]
    except (RecursionError, MemoryError):
        return [_syntax_finding(path, file_tree.TooDeeplyNested(path))]
    except ValueError as error:  # source with NUL bytes
        return [_syntax_finding(path, SyntaxError(str(error)))]
    return []


def check_file_source(path: str, source: str, rules: list[Rule], version: Version, models: ModelIndex,
                      options: dict | None = None, project: Project | None = None) -> list[Finding]:
    """One file's findings, reported at ``path``: the file's absolute path when ``check_paths``
    runs it (the report shows display paths), the name given to ``check_source``."""
    if not needs_analysis(source):
        return syntax_findings(path, source)  # like a syntax error in async code: always reported
    from verify.analysis.context import FileContext
    from verify.analysis.engine import check_tree
    from verify.analysis.module_names import module_name_of

    try:
        tree = file_tree.parse(path, source)
    except SyntaxError as error:
        return [_syntax_finding(path, error)]
    except ValueError as error:  # source with NUL bytes
        return [_syntax_finding(path, SyntaxError(str(error)))]
    try:
        context = FileContext.build(path, source, tree, version, models, options)
        if project is not None:
            project.add_module(module_name_of(path), path, context)
        return check_tree(context, rules)
    except RecursionError:  # the last line of defence: the analysis bounds its depths (verify.analysis.limits)
        return [_syntax_finding(path, file_tree.TooDeeplyNested(path))]
