"""Access checks as comparable signatures, shared by DJA502 (decorators) and DJA503 (checks in the body).

A signature names what a check tests, not how it is spelled, so the sync and async spellings
compare equal: ``order.user != request.user``, ``order.user_id != user.pk`` (after
``user = await request.auser()``) and a query filtered by ``user=request.user`` are all
``("owner", "user")``; ``request.user.has_perm("x")`` and ``await user.ahas_perm("x")`` are ``("perm", "x")``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from verify.compare.functions import Function
from verify.compare.names import (
    USER,
    call_name,
    current_user_names,
    is_user,
    is_user_id,
    normalized,
    query_base,
    receiver,
)

Signature = tuple[str, ...]
AUTHENTICATED: Signature = ("authenticated",)
_USER_FLAGS = ("is_staff", "is_superuser", "is_active")
_PERMISSION_CALLS = {"has_perm": "perm", "ahas_perm": "perm", "has_perms": "perms", "ahas_perms": "perms",
                     "has_module_perms": "module-perms", "ahas_module_perms": "module-perms"}
# Calls whose user-valued keyword restricts what is fetched (an ownership check), unlike create(user=...).
_QUERY_CALLS = {"filter", "get", "aget", "exclude", "get_object_or_404", "aget_object_or_404", "get_list_or_404",
                "aget_list_or_404", "Q", "exists", "aexists", "first", "afirst"}
_SHORTCUTS = {"get_object_or_404", "aget_object_or_404", "get_list_or_404", "aget_list_or_404"}
_FORBIDDEN = ("HttpResponseForbidden", "PermissionDenied")
_NOT_FOUND = ("Http404", "HttpResponseNotFound")


@dataclass(frozen=True)
class AccessCheck:
    signatures: frozenset[Signature]
    node: ast.AST  # the `if` statement or the filtering call
    denial: str | None  # what the old branch answered: "forbidden", "login", "unauthorized", "not-found"
    is_query: bool = False


def _ownership_field(node: ast.expr) -> str | None:
    """``user`` for ``order.user``, ``order.user_id``, ``order.user.pk`` and ``project.members.all()``."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.func.value
    if isinstance(node, ast.Attribute) and node.attr in ("id", "pk") and isinstance(node.value, ast.Attribute):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr.removesuffix("_id")
    return node.id.removesuffix("_id") if isinstance(node, ast.Name) else None


def _keyword_field(name: str) -> str:
    """``order__user__id`` -> ``user``: the relation a filter keyword ends on."""
    parts = [part for part in name.split("__") if part not in ("id", "pk", "exact")]
    return (parts[-1] if parts else name).removesuffix("_id")


def signatures(node: ast.AST, users: set[str]) -> set[Signature]:
    """Access-check signatures found anywhere in ``node``."""
    found: set[Signature] = set()
    for child in ast.walk(node):
        found |= _node_signatures(child, users)
    return found


def _node_signatures(node: ast.AST, users: set[str]) -> set[Signature]:
    if isinstance(node, ast.Attribute):
        if node.attr in ("is_authenticated", "is_anonymous"):
            return {AUTHENTICATED}
        if node.attr in _USER_FLAGS:
            return {("flag", node.attr)}
    elif isinstance(node, ast.Call):
        return _call_signatures(node, users)
    elif isinstance(node, ast.Compare):
        sides = [node.left, *node.comparators]
        mine = [side for side in sides if is_user(side, users) or is_user_id(side, users)]
        others = [side for side in sides if side not in mine]
        field_name = _ownership_field(others[0]) if mine and others else None
        if field_name:
            return {("owner", field_name)}
    return set()


def _call_signatures(call: ast.Call, users: set[str]) -> set[Signature]:
    name = call_name(call)
    if name in _PERMISSION_CALLS:
        argument = call.args[0] if call.args else None
        text = argument.value if isinstance(argument, ast.Constant) else (ast.unparse(argument) if argument else "")
        return {(_PERMISSION_CALLS[name], str(text))}
    if name not in _QUERY_CALLS:
        return set()
    found = {("owner", _keyword_field(keyword.arg)) for keyword in call.keywords
             if keyword.arg and (is_user(keyword.value, users) or is_user_id(keyword.value, users))}
    # A query that starts from the user's related manager: `request.user.orders.get(...)`,
    # `get_object_or_404(request.user.orders, ...)`.
    source = call.args[0] if name in _SHORTCUTS and call.args else receiver(call)
    base = query_base(source, users) if source is not None else ""
    if base.startswith(USER + "."):
        found.add(("owner", base.removeprefix(USER + ".")))
    return found


def denial(statements: list[ast.stmt]) -> str | None:
    """What a branch answers when it refuses: a 403, a login redirect, a 401 or a 404."""
    for statement in statements:
        for node in ast.walk(statement):
            kind = _refusal(node)
            if kind:
                return kind
    return None


def _refusal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Raise) and node.exc is not None:
        raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        name = raised.attr if isinstance(raised, ast.Attribute) else getattr(raised, "id", "")
        return "forbidden" if name in _FORBIDDEN else "not-found" if name in _NOT_FOUND else None
    if not isinstance(node, ast.Return) or not isinstance(node.value, ast.Call):
        return None
    call = node.value
    name = call_name(call)
    status = next((k.value.value for k in call.keywords if k.arg == "status" and isinstance(k.value, ast.Constant)), None)
    if name in _FORBIDDEN or status == 403:
        return "forbidden"
    if status == 401:
        return "unauthorized"
    if name in _NOT_FOUND or status == 404:
        return "not-found"
    if name == "redirect_to_login" or (name in ("redirect", "HttpResponseRedirect") and "login" in ast.unparse(call).lower()):
        return "login"
    return None


def old_checks(function: Function) -> list[AccessCheck]:
    """The access checks of the old view: ``if`` statements that test the user or refuse, and user-filtered queries."""
    users = current_user_names(function)
    checks = []
    conditions = set()
    for node in function.nodes():
        if isinstance(node, ast.If):
            conditions.update(id(child) for child in ast.walk(node.test))
            found = signatures(node.test, users)
            refused = denial(node.body)
            if not found and refused in ("forbidden", "login", "unauthorized"):
                found = {("refusal", refused, normalized(node.test, users))}
            if found:
                checks.append(AccessCheck(frozenset(found), node, refused))
    seen = set()  # `request.user.orders.filter(...).get(...)` is one check, not one per call of the chain
    for node in function.nodes():
        if isinstance(node, ast.Call) and id(node) not in conditions:
            found = frozenset(_call_signatures(node, users))
            if found and (found, node.lineno) not in seen:
                seen.add((found, node.lineno))
                checks.append(AccessCheck(found, node, "not-found", is_query=True))
    return checks


@dataclass
class NewAccess:
    """What the new view checks, wherever it does it (conditions, queries, helpers, decorators)."""

    signatures: set[Signature]
    denials: set[str]  # what its refusing branches answer
    refusals: set[Signature]  # ("refusal", kind, test) of its refusing branches
    queries: set[Signature]  # signatures of user-filtered queries (a 404 for other users' objects)
    decorators: set[Signature]  # checks its decorators make (they refuse in their own way)


def new_access(function: Function, decorator_signatures: set[Signature]) -> NewAccess:
    # Helpers often take the user as a parameter: `user` there is the current user.
    users = current_user_names(function) | {"user"}
    access = NewAccess(set(decorator_signatures), set(), set(), set(), set(decorator_signatures))
    for node in function.reachable_nodes():
        access.signatures |= _node_signatures(node, users)
        if isinstance(node, ast.If):
            refused = denial(node.body)
            if refused:
                access.denials.add(refused)
                access.refusals.add(("refusal", refused, normalized(node.test, users)))
        elif isinstance(node, ast.Call):
            access.queries |= _call_signatures(node, users)
    return access
