"""Fast child iteration for the hot walks of the analysis.

``ast.iter_child_nodes`` and ``ast.walk`` are generators over ``ast.iter_fields``, and they also
yield the shared ``Load``/``Store`` context and operator singletons (a third of a tree's nodes).
:func:`children` reads only the fields that can hold other nodes, from a table built once per
node type, and returns the same nodes in the same order, minus those singletons.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator

# Fields that never hold a node to visit: the context and operator singletons, and plain values.
_NOT_CHILDREN = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "kind", "conversion", "is_async", "level",
                           "module", "type_comment", "lineno", "col_offset", "end_lineno", "end_col_offset"})
_FIELDS: dict[type, tuple[str, ...]] = {ast.Constant: ()}  # a Constant's value is never a node


def child_fields(node_type: type) -> tuple[str, ...]:
    """The fields of ``node_type`` that may hold child nodes, in ``_fields`` order."""
    fields = _FIELDS.get(node_type)
    if fields is None:
        fields = _FIELDS[node_type] = tuple(name for name in node_type._fields if name not in _NOT_CHILDREN)
    return fields


def children(node: ast.AST) -> list[ast.AST]:
    """``ast.iter_child_nodes(node)`` as a list, without the context and operator singletons."""
    node_type = type(node)
    # The most frequent nodes (two in five of the calls), read without the field loop.
    if node_type is ast.Attribute:
        return [node.value]
    if node_type is ast.Call:
        return [node.func, *node.args, *node.keywords]
    found = []
    fields = _FIELDS.get(node_type)
    for name in fields if fields is not None else child_fields(node_type):
        value = getattr(node, name, None)
        if type(value) is list:
            for item in value:
                if isinstance(item, ast.AST):
                    found.append(item)
        elif isinstance(value, ast.AST):
            found.append(value)
    return found


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """``ast.walk(node)``: the same nodes in the same (breadth-first) order, minus the singletons."""
    todo = deque([node])
    while todo:
        node = todo.popleft()
        todo.extend(children(node))
        yield node


_OWN_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def is_generator(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether ``function`` yields (in its own body, not in a nested function): calling it only
    builds a generator (an async generator for an ``async def``), it runs none of the body."""
    stack = list(function.body)
    while stack:
        node = stack.pop()
        if type(node) is ast.Yield or type(node) is ast.YieldFrom:
            return True
        if not isinstance(node, _OWN_SCOPES):
            stack.extend(children(node))
    return False


def name_chain(expr: ast.expr) -> list[str] | None:
    """``self.paginator.paginate_queryset`` -> ``["self", "paginator", "paginate_queryset"]``; None
    when the chain does not start at a name (a call, a subscript). A loop: a call chain may be long."""
    parts = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    parts.append(expr.id)
    parts.reverse()
    return parts
