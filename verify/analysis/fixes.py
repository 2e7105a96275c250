"""Building the edits of a finding's fix from ``ast`` positions.

A fix is a few text edits at exact source ranges taken from the tree the rule already has: the
name of a method (``get`` -> ``aget``), ``await`` before a call, ``async`` before a ``for``. Every
byte outside those ranges is kept, so comments and formatting stay as they are, with no concrete
syntax tree library to import and no second parse of a file that has nothing to fix; the
applier (``verify.pipeline.fixing``) re-parses each fixed file and drops the fixes when the
result does not parse.
"""

from __future__ import annotations

import ast
import re
import sys

from verify.analysis.finding import Edit, Fix

# A call written right before one of these is their operand, not a whole expression:
# ``await`` has to be put in parentheses there (``(await qs.afirst()).name``).
_NEEDS_PARENTHESES = (ast.Attribute, ast.Subscript, ast.Call)
_FOR = re.compile(r"\bfor\b")


def start(node: ast.AST) -> tuple[int, int]:
    return node.lineno, node.col_offset


def end(node: ast.AST) -> tuple[int, int]:
    return node.end_lineno, node.end_col_offset


def await_edits(call: ast.expr, parent: ast.AST | None) -> tuple[Edit, ...]:
    """``await`` before ``call`` (in parentheses when it is the operand of ``.x``, ``[i]`` or a call)."""
    if isinstance(parent, _NEEDS_PARENTHESES) and getattr(parent, "value", getattr(parent, "func", None)) is call:
        return Edit(start(call), start(call), "(await "), Edit(end(call), end(call), ")")
    return (Edit(start(call), start(call), "await "),)


def rename_method(call: ast.Call, name: str) -> Edit:
    """``qs.get(...)`` -> ``qs.aget(...)``: the attribute's name is the end of ``call.func``."""
    func = call.func
    assert isinstance(func, ast.Attribute)
    line, column = end(func)
    return Edit((line, column - len(func.attr.encode())), (line, column), name)


def unfixable_place(node: ast.AST, parent_of) -> bool:
    """Inside ``(... for ...)``, ``await`` would make an async generator the consumer cannot use;
    before Python 3.12, positions inside f-strings are not reliable enough to edit."""
    parent = parent_of(node)
    while parent is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, ast.GeneratorExp) or isinstance(parent, ast.JoinedStr) and sys.version_info < (3, 12):
            return True
        parent = parent_of(parent)
    return False


def async_comprehension(generator: ast.comprehension, lines: list[str]) -> Fix | None:
    """``async `` before the ``for`` of a comprehension: the last ``for`` before its target."""
    line_number, column = start(generator.target)
    text = lines[line_number - 1].encode()[:column].decode(errors="ignore")
    found = list(_FOR.finditer(text))
    if not found:
        return None  # ``for`` on an earlier line than its target: rare, left to a person
    position = (line_number, len(text[:found[-1].start()].encode()))
    return Fix((Edit(position, position, "async "),))


def import_position(tree: ast.Module) -> tuple[int, int]:
    """Where a new top-level ``import`` goes: after the docstring and ``from __future__`` imports."""
    line = 1
    for statement in tree.body:
        docstring = statement is tree.body[0] and isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
            and isinstance(statement.value.value, str)
        future = isinstance(statement, ast.ImportFrom) and statement.module == "__future__"
        if not (docstring or future):
            return min([statement.lineno] + [d.lineno for d in getattr(statement, "decorator_list", ())]), 0
        line = statement.end_lineno + 1
    return line, 0


def sleep_fix(call: ast.Call, ctx) -> Fix | None:
    """``time.sleep(x)`` -> ``await asyncio.sleep(x)``, with ``import asyncio`` when the module lacks it."""
    if not isinstance(ctx.function, ast.AsyncFunctionDef) or unfixable_place(call, ctx.parent):
        return None  # a sync helper run by async code: the sleep goes elsewhere
    if ctx.file.imports.get("asyncio", "asyncio") != "asyncio" or call.keywords or len(call.args) != 1:
        return None  # `asyncio` is some other name here
    parent = ctx.parent(call)
    if isinstance(parent, ast.Await):
        return None
    edits = [Edit(start(call.func), end(call.func), "asyncio.sleep"), *await_edits(call, parent)]
    tree = ctx.file.tree
    if not any(isinstance(s, ast.Import) and any(a.name == "asyncio" and not a.asname for a in s.names) for s in tree.body):
        position = import_position(tree)
        edits.append(Edit(position, position, "import asyncio\n"))
    return Fix(tuple(edits))
