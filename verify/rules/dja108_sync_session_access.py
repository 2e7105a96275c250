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
Safe from Django 5.1 (the async session methods): `session.get(...)` becomes
`await session.aget(...)` (each method its `a`-twin, with the arguments as they are),
`session["k"] = v` as a statement `await session.aset("k", v)`, `del session["k"]`
`await session.apop("k")` (both raise `KeyError` for a missing key), and `"k" in session`
`await session.ahas_key("k")`. Unsafe: reading `session["k"]` becomes `await session.aget("k")`,
which gives `None` for a missing key where the subscript raised `KeyError`. No fix before 5.1,
for `session["k"] += 1`, in a generator expression or a sync helper, nor for the session-store
calls on `scope["session"]` outside a consumer.
"""

import ast

from verify.analysis import django_api as api
from verify.analysis import fixes, hints
from verify.analysis import types as ty
from verify.analysis.finding import Edit, Fix
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
        ctx.report(node, f"`{ctx.source(node)}` accesses the session synchronously in async code", _hint(twin, ctx, node.value),
                   fix=_subscript_fix(node, ctx) if ctx.version >= api.SESSION_ASYNC_VERSION else None)


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
        twin = "a" + node.func.attr
        fix = fixes.awaited_method_twin(node, twin, ctx) if ctx.version >= api.SESSION_ASYNC_VERSION else None
        ctx.report(node, f"`{ctx.source(node)}` accesses the session synchronously in async code", _hint(twin, ctx, node.func.value), fix=fix)


@rule.visits(ast.Compare)
def check_in(node: ast.Compare, ctx) -> None:
    for op, right in zip(node.ops, node.comparators):
        if isinstance(op, (ast.In, ast.NotIn)) and _is_session(right, ctx):
            fix = _in_fix(node, ctx) if ctx.version >= api.SESSION_ASYNC_VERSION else None
            ctx.report(node, f"`{ctx.source(node)}` reads the session synchronously in async code", _hint("ahas_key", ctx, right), fix=fix)


def _subscript_fix(node: ast.Subscript, ctx) -> Fix | None:
    """``session[k]`` read -> ``await session.aget(k)`` (unsafe); ``session[k] = v`` ->
    ``await session.aset(k, v)``; ``del session[k]`` -> ``await session.apop(k)``."""
    if not fixes.awaitable_here(node, ctx) or isinstance(node.slice, ast.Slice):
        return None
    session, key = ctx.file.segment(node.value), ctx.file.segment(node.slice)
    if session is None or key is None:
        return None
    statement = ctx.parent(node)
    if isinstance(node.ctx, ast.Load):
        awaited = fixes.await_edits(node, statement)
        return Fix((Edit(fixes.end(node.value), fixes.start(node.slice), ".aget("), Edit(fixes.end(node.slice), fixes.end(node), ")"),
                    *awaited), unsafe=True, reason="a missing key gives None where the subscript raised KeyError")
    if isinstance(node.ctx, ast.Store) and isinstance(statement, ast.Assign) and statement.targets == [node]:
        return Fix((Edit(fixes.start(statement), fixes.start(statement.value), f"await {session}.aset({key}, "),
                    Edit(fixes.end(statement.value), fixes.end(statement), ")")))
    if isinstance(node.ctx, ast.Del) and isinstance(statement, ast.Delete) and statement.targets == [node]:
        return Fix((Edit(fixes.start(statement), fixes.end(statement), f"await {session}.apop({key})"),))
    return None


def _in_fix(node: ast.Compare, ctx) -> Fix | None:
    """``k in session`` -> ``await session.ahas_key(k)`` (``not in``: ``not await ...``)."""
    if len(node.ops) != 1 or not fixes.awaitable_here(node, ctx):
        return None
    session = ctx.file.segment(node.comparators[0])
    if session is None or "\n" in session:
        return None
    negated = "not " if isinstance(node.ops[0], ast.NotIn) else ""
    head = f"{negated}await {session}.ahas_key("
    parent = ctx.parent(node)
    if negated and isinstance(parent, (ast.UnaryOp, ast.BinOp, ast.Compare)) or isinstance(parent, fixes.NEEDS_PARENTHESES):
        head, tail = "(" + head, "))"
    else:
        tail = ")"
    return Fix((Edit(fixes.start(node), fixes.start(node.left), head), Edit(fixes.end(node.left), fixes.end(node), tail)))
