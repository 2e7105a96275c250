"""Where a local variable is used after it is assigned: the rules that judge a value by what the
code later does with it (a stored coroutine, a stored lazy user) ask here."""

from __future__ import annotations

import ast

_NAMES: dict[int, tuple[ast.AST, dict[str, list[ast.Name]], dict[ast.AST, ast.AST]]] = {}


def names_in(function: ast.AST) -> tuple[dict[str, list[ast.Name]], dict[ast.AST, ast.AST]]:
    """Name nodes of a function by identifier, and every node's parent: computed once per
    function, and only for functions that store such a value (the walk has not reached later uses)."""
    cached = _NAMES.get(id(function))
    if cached is None or cached[0] is not function:
        by_id: dict[str, list[ast.Name]] = {}
        parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(function):
            for child in ast.iter_child_nodes(node):
                parents[child] = node
            if isinstance(node, ast.Name):
                by_id.setdefault(node.id, []).append(node)
        _NAMES.clear()  # one function at a time: keep memory flat
        cached = _NAMES[id(function)] = (function, by_id, parents)
    return cached[1], cached[2]


def later_uses(var: str, assign: ast.stmt, function: ast.AST) -> list[ast.Name]:
    """Loads of ``var`` after ``assign`` (in source order) until it is assigned again."""
    start = (assign.end_lineno, assign.end_col_offset)
    names = [n for n in names_in(function)[0].get(var, []) if (n.lineno, n.col_offset) > start]
    names.sort(key=lambda n: (n.lineno, n.col_offset))
    uses = []
    for name in names:
        if isinstance(name.ctx, ast.Store):
            break
        uses.append(name)
    return uses
