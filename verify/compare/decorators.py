"""A function's decorators as comparable values: ``method_decorator`` on the method or the class
unwrapped, and a class-based view's auth mixins read as the decorators they stand for."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from verify.compare.access import AUTHENTICATED, Signature, signatures
from verify.compare.functions import Function

_AUTH_DECORATORS = "django.contrib.auth.decorators."
_MIXINS = {"LoginRequiredMixin": "login_required", "PermissionRequiredMixin": "permission_required"}
# Spellings of the same decorator, so that `@require_GET` and `@require_http_methods(["GET"])` match.
_ALIASES = {
    "require_GET": ("require_http_methods", "['GET']"),
    "require_POST": ("require_http_methods", "['POST']"),
    "require_safe": ("require_http_methods", "['GET', 'HEAD']"),
}


@dataclass(frozen=True)
class Decorator:
    name: str  # import-resolved dotted name, e.g. django.contrib.auth.decorators.login_required
    arguments: str  # normalized argument text, "" for a bare decorator
    node: ast.expr  # where it is written (for a class's method_decorator: that whole call)
    placement: str  # "function"; "class": method_decorator(..., name=...) on the class; "mixin": an auth mixin base
    expression: ast.expr  # the decorator itself, method_decorator unwrapped

    @property
    def short(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    def display(self, function: Function) -> str:
        if self.placement == "mixin":
            return f"`{function.source(self.node)}` base of the class"
        text = f"`@{function.source(self.node)}`"
        return f"{text} on the class" if self.placement == "class" else text


def decorators(function: Function) -> list[Decorator]:
    found = []
    for node in function.node.decorator_list:
        found.extend(_unwrap(function, node, node, "function"))
    if function.owner is not None:
        for node in function.owner.decorator_list:
            if isinstance(node, ast.Call) and last_name(node.func) == "method_decorator" and _targets(node, function.name):
                found.extend(_unwrap(function, node, node, "class"))
        found.extend(_mixins(function.owner))
    return found


def _mixins(owner: ast.ClassDef) -> list[Decorator]:
    """``LoginRequiredMixin`` checks what ``@login_required`` does; ``PermissionRequiredMixin`` with
    ``permission_required = "x"`` what ``@permission_required("x")`` does."""
    found = []
    for base in owner.bases:
        decorator = _MIXINS.get(last_name(base))
        if decorator is None:
            continue
        expression: ast.expr = ast.Name(decorator)
        arguments = ""
        permission = _class_attribute(owner, "permission_required")
        if decorator == "permission_required" and permission is not None:
            expression, arguments = ast.Call(ast.Name(decorator), [permission], []), ast.unparse(permission)
        found.append(Decorator(_AUTH_DECORATORS + decorator, arguments, base, "mixin", expression))
    return found


def _class_attribute(owner: ast.ClassDef, name: str) -> ast.expr | None:
    for statement in owner.body:
        if isinstance(statement, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in statement.targets):
            return statement.value
    return None


def _targets(call: ast.Call, method: str) -> bool:
    name = next((k.value for k in call.keywords if k.arg == "name"), None)
    return isinstance(name, ast.Constant) and name.value in (method, "dispatch")


def _unwrap(function: Function, node: ast.expr, shown: ast.expr, placement: str) -> list[Decorator]:
    """``method_decorator(login_required)`` is ``login_required``; a list argument is several decorators."""
    if isinstance(node, ast.Call) and last_name(node.func) == "method_decorator" and node.args:
        inner = node.args[0]
        items = inner.elts if isinstance(inner, (ast.List, ast.Tuple)) else [inner]
        return [decorator for item in items for decorator in _unwrap(function, item, shown if placement == "class" else item, placement)]
    target = node.func if isinstance(node, ast.Call) else node
    name = function.file.qualified(target)
    arguments = ""
    if isinstance(node, ast.Call):
        arguments = ", ".join([ast.unparse(a) for a in node.args] + [ast.unparse(k) for k in node.keywords])
    short = name.rsplit(".", 1)[-1]
    if short in _ALIASES:
        alias, arguments = _ALIASES[short]
        name = name[: -len(short)] + alias
    return [Decorator(name, arguments, shown, placement, node)]


def last_name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def decorator_signatures(function: Function) -> set[Signature]:
    """The access checks its decorators make."""
    return set().union(*(signatures_of(decorator) for decorator in decorators(function)))


def signatures_of(decorator: Decorator) -> set[Signature]:
    """``@login_required`` tests ``is_authenticated``, ``@permission_required("x")`` tests ``has_perm("x")``."""
    call = decorator.expression
    if decorator.short == "login_required":
        return {AUTHENTICATED}
    if not isinstance(call, ast.Call) or not call.args:
        return set()
    if decorator.short == "permission_required":
        permission = call.args[0]
        return {("perm", permission.value if isinstance(permission, ast.Constant) else ast.unparse(permission))}
    if decorator.short == "user_passes_test" and isinstance(call.args[0], ast.Lambda):
        test = call.args[0]
        return signatures(test.body, {argument.arg for argument in test.args.args})
    return set()
