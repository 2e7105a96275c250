"""Reading expressions the same way in both versions: the current user under its sync and async
spellings, call names through ``await`` and ``sync_to_async``, and queries by their model."""

from __future__ import annotations

import ast
import copy

from verify.compare.functions import Function

USER = "<user>"  # how the current user reads in normalized text, whatever its spelling
_WRAPPERS = ("sync_to_async", "database_sync_to_async")


def current_user_names(function: Function) -> set[str]:
    """Local names bound to the current user: ``user = request.user`` / ``user = await request.auser()``."""
    names: set[str] = set()
    for node in function.nodes():
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and is_user(node.value, set()):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(target.id for target in targets if isinstance(target, ast.Name))
    return names


def is_user(node: ast.AST, users: set[str]) -> bool:
    """``request.user``, ``self.request.user``, ``await request.auser()``, ``aget_user(request)`` or a name bound to one."""
    if isinstance(node, ast.Await):
        node = node.value
    if isinstance(node, ast.Name):
        return node.id in users
    if isinstance(node, ast.Attribute) and node.attr == "user":
        base = node.value
        return (isinstance(base, ast.Name) and base.id == "request") or (isinstance(base, ast.Attribute) and base.attr == "request")
    if isinstance(node, ast.Call):
        callee = call_name(node)
        return callee == "auser" or (callee in ("get_user", "aget_user") and bool(node.args))
    return False


def is_user_id(node: ast.AST, users: set[str]) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in ("id", "pk") and is_user(node.value, users)


def call_name(call: ast.Call) -> str:
    """Last name of what is called, seen through ``sync_to_async(f)(...)``: ``Order.objects.aget`` -> ``aget``."""
    target = wrapped_callable(call) or call.func
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ""


def wrapped_callable(call: ast.Call) -> ast.expr | None:
    """``f`` in ``sync_to_async(f)(...)``, ``asyncio.to_thread(f, ...)`` and
    ``loop.run_in_executor(None, f, ...)``, else None."""
    inner = call.func
    if isinstance(inner, ast.Call) and inner.args and _name(inner.func) in _WRAPPERS:
        return inner.args[0]
    if _name(inner) == "to_thread" and call.args:
        return call.args[0]
    if _name(inner) == "run_in_executor" and len(call.args) > 1:
        return call.args[1]
    return None


def receiver(call: ast.Call) -> ast.expr | None:
    """What a method is called on: ``order`` in ``order.save()`` and in ``sync_to_async(order.save)()``."""
    target = wrapped_callable(call) or call.func
    return target.value if isinstance(target, ast.Attribute) else None


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


class _UserSpelling(ast.NodeTransformer):
    def __init__(self, users: set[str]):
        self.users = users

    def visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, ast.expr) and is_user(node, self.users):
            return ast.Name(USER)
        if isinstance(node, ast.Attribute) and node.attr in ("id", "pk") and is_user(node.value, self.users):
            return ast.Name(USER + ".pk")
        if isinstance(node, ast.Await):
            return self.visit(node.value)
        return self.generic_visit(node)


def normalized(node: ast.AST, users: set[str]) -> str:
    """Source text with the current user spelled one way and ``await`` dropped, for comparing versions."""
    return " ".join(ast.unparse(_UserSpelling(users).visit(copy.deepcopy(node))).split())


def query_base(node: ast.expr, users: set[str]) -> str:
    """The model (or related manager) a query starts from: ``Order`` for
    ``Order.objects.select_related("user").aget(...)``, ``<user>.orders`` for ``request.user.orders.all()``."""
    while True:
        if isinstance(node, ast.Await):
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            node = node.func.value
        elif isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager"):
            node = node.value
        else:
            return normalized(node, users)
