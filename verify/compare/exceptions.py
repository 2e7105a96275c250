"""Exception handling compared across versions: which ``except`` clauses of the old view the new
one still has, counting equivalent spellings (``ObjectDoesNotExist`` for ``Order.DoesNotExist``,
``aget_object_or_404`` for a ``DoesNotExist`` handler that raised ``Http404``, an ``isinstance``
test on ``gather(..., return_exceptions=True)`` results, httpx errors for requests errors)."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from verify.compare.functions import Function, FunctionPair
from verify.compare.names import call_name, current_user_names, query_base

SHORTCUTS = {"get_object_or_404", "aget_object_or_404", "get_list_or_404", "aget_list_or_404"}

_CATCH_ALL = {"Exception", "BaseException"}
# Errors of HTTP clients: moving from requests to httpx changes the class, not what is handled.
_HTTP_ERRORS = {"RequestException", "HTTPError", "RequestError", "ClientError", "TransportError",
                "ConnectionError", "ConnectError", "Timeout", "TimeoutException", "HTTPStatusError"}


def handler_names(handler: ast.ExceptHandler) -> list[str]:
    if handler.type is None:
        return ["BaseException"]
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return [ast.unparse(kind) for kind in types]


def _last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def covers(caught: str, old: str) -> bool:
    caught_last, old_last = _last(caught), _last(old)
    if caught_last in _CATCH_ALL or caught_last == old_last:
        return True
    if caught_last == "ObjectDoesNotExist" and old_last == "DoesNotExist":
        return True
    return caught_last in _HTTP_ERRORS and old_last in _HTTP_ERRORS


def caught_in(function: Function) -> set[str]:
    """Exception classes the new view handles: ``except`` clauses and ``isinstance(x, Error)`` tests."""
    caught: set[str] = set()
    for node in function.reachable_nodes():
        if isinstance(node, ast.ExceptHandler):
            caught.update(handler_names(node))
        elif isinstance(node, ast.Call) and call_name(node) == "isinstance" and len(node.args) == 2:
            kinds = node.args[1].elts if isinstance(node.args[1], ast.Tuple) else [node.args[1]]
            caught.update(ast.unparse(kind) for kind in kinds)
    return caught


def shortcut_bases(function: Function, nodes: Iterable[ast.AST]) -> dict[str, ast.Call]:
    """Model (or queryset base) -> the first 404 shortcut on it."""
    users = current_user_names(function)
    found: dict[str, ast.Call] = {}
    for node in nodes:
        if isinstance(node, ast.Call) and call_name(node) in SHORTCUTS and node.args:
            found.setdefault(query_base(node.args[0], users), node)
    return found


def lost_handlers(pair: FunctionPair) -> list[tuple[ast.ExceptHandler, str]]:
    """(handler, exception name) for each exception the old view handled and the new one does not."""
    caught = caught_in(pair.new)
    shortcuts = shortcut_bases(pair.new, pair.new.reachable_nodes())
    lost = []
    for handler in (node for node in pair.old.nodes() if isinstance(node, ast.ExceptHandler)):
        for name in handler_names(handler):
            if any(covers(new, name) for new in caught):
                continue
            model = name.removesuffix(".DoesNotExist")
            if name.endswith("DoesNotExist") and (model in shortcuts or (name == "ObjectDoesNotExist" and shortcuts)):
                continue
            lost.append((handler, name))
    return lost
