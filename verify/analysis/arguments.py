"""Which parameters of a called function get which known types, from the arguments at the call."""

from __future__ import annotations

import ast

from verify.analysis import types as ty

_USEFUL = {ty.INSTANCE, ty.QUERYSET, ty.MANAGER, ty.RELATED_MANAGER, ty.REQUEST, ty.LIST, ty.SESSION}


def bind_arguments(node, arg_types: tuple, self_type: ty.T | None, is_method: bool) -> frozenset:
    """(parameter, type) pairs for the known types at a call: positional and keyword arguments,
    and the instance a model method is called on."""
    positional, keywords = arg_types
    params = [a.arg for a in node.args.posonlyargs + node.args.args]
    bound: dict[str, ty.T] = {}
    if is_method and params and "staticmethod" not in decorator_names(node):
        if self_type is not None:
            bound[params[0]] = self_type
        params = params[1:]
    for name, value in zip(params, positional):
        if value is not None and value.kind in _USEFUL:
            bound[name] = value
    known = set(params) | {a.arg for a in node.args.kwonlyargs}
    for name, value in keywords:
        if name in known and value is not None and value.kind in _USEFUL:
            bound[name] = value
    return frozenset(bound.items())


def decorator_names(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The last names of a function's decorators: `login_required`, `sync_to_async`, `property`."""
    names = set()
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.add(target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "?"))
    return names
