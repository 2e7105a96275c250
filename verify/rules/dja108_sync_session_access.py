"""## What it does
Checks for sync session access in async code: `request.session["key"]`, `.get()`, `.pop()`,
`.setdefault()`, `in`, `.flush()`, `.cycle_key()`..., and the same on a Channels consumer's
`self.scope["session"]` (the lazy session store of Channels' `SessionMiddleware`). In any other
ASGI code, `scope["session"].save()` (or `self.scope["session"]`'s `load`, `create`, `delete`,
`flush`, `cycle_key`): those always go to the session store, loaded session or not.

## Why is this bad?
With the database (or cached_db) session engine, the first access loads the session with a
sync query: it raises `SynchronousOnlyOperation`, but only when a session cookie exists, so
anonymous tests miss it. Django 5.1 added async session methods (`aget`, `aset`, `apop`...).

## Example
```python
async def cart(request):
    items = request.session.get("cart", [])
```

## Use instead
```python
async def cart(request):
    items = await request.session.aget("cart", [])
```

## Fix safety
None: the session's async methods take different arguments and need `await` where the value is read.
"""

import ast

from verify.analysis import django_api as api
from verify.analysis import hints
from verify.analysis import types as ty
from verify.analysis.registry import Rule

rule = Rule("DJA108", "sync-session-access", __doc__, min_version=(4, 1))
_SUBSCRIPT_TWIN = {ast.Load: "aget", ast.Store: "aset", ast.Del: "apop"}


def _is_session(node: ast.AST, ctx) -> bool:
    value = ctx.type_of(node)
    return value is not None and value.kind == ty.SESSION


def _hint(twin: str, ctx, session: ast.AST) -> str:
    if ctx.version >= api.SESSION_ASYNC_VERSION:
        return f"use `await {ctx.source(session, 40)}.{twin}(...)`"
    return "Django < 5.1 has no async session API: " + hints.offload("the session access")


@rule.visits(ast.Subscript)
def check_subscript(node: ast.Subscript, ctx) -> None:
    if _is_session(node.value, ctx):
        twin = _SUBSCRIPT_TWIN.get(type(node.ctx), "aget")
        ctx.report(node, f"`{ctx.source(node)}` accesses the session synchronously in async code", _hint(twin, ctx, node.value))


# What reads or writes the session store itself, whatever has loaded the session before.
_STORE_METHODS = frozenset({"save", "load", "create", "delete", "flush", "cycle_key"})


def _scope_session(node: ast.AST) -> bool:
    """``scope["session"]`` or ``self.scope["session"]``: the session an ASGI app or middleware
    gets from Channels' ``SessionMiddleware``."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == "session"):
        return False
    scope = node.value
    return (isinstance(scope, ast.Name) and scope.id == "scope") or (
        isinstance(scope, ast.Attribute) and scope.attr == "scope" and isinstance(scope.value, ast.Name) and scope.value.id == "self")


@rule.visits(ast.Call)
def check_method(node: ast.Call, ctx) -> None:
    if not isinstance(node.func, ast.Attribute):
        return
    if node.func.attr in _STORE_METHODS and _scope_session(node.func.value) and not _is_session(node.func.value, ctx):
        twin = "a" + node.func.attr
        ctx.report(node, f"`{ctx.source(node)}` runs the session store's sync I/O (a query with the database engine) in async code",
                   _hint(twin, ctx, node.func.value))
        return
    if node.func.attr in api.SESSION_SYNC_METHODS and _is_session(node.func.value, ctx):
        twin = "a" + node.func.attr if "a" + node.func.attr in api.SESSION_ASYNC else "ahas_key"
        ctx.report(node, f"`{ctx.source(node)}` accesses the session synchronously in async code", _hint(twin, ctx, node.func.value))


@rule.visits(ast.Compare)
def check_in(node: ast.Compare, ctx) -> None:
    for op, right in zip(node.ops, node.comparators):
        if isinstance(op, (ast.In, ast.NotIn)) and _is_session(right, ctx):
            ctx.report(node, f"`{ctx.source(node)}` reads the session synchronously in async code", _hint("ahas_key", ctx, right))
