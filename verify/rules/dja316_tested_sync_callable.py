"""## What it does
Checks for a callable that the async code itself found to be a plain function, then calls on the
event loop: the call in the `else` of `if iscoroutinefunction(handler):` (also
`is_async_callable`, `getattr(handler, "is_async", False)`, `or`-ed together, or negated), or
after an `if iscoroutinefunction(handler): return await handler(...)` that returned.

## Why is this bad?
The test tells the two kinds of callables apart so that each runs where it can: the coroutine
function is awaited, the plain function belongs in a thread (`sync_to_async`). Calling the plain
one directly runs it on the event loop: a callable that queries the database raises
`SynchronousOnlyOperation`, and one that does blocking I/O stalls every request the worker
serves. These callables are the user's (authentication callbacks, paginators, hooks), so the
library cannot know they are cheap. django-ninja 1.4.3 (sync auth callbacks of async
operations) and adrf 0.1.9 (sync paginators of async views) shipped this.

## Example
```python
async def authenticate(request, callback):
    if iscoroutinefunction(callback):
        return await callback(request)
    return callback(request)
```

## Use instead
```python
async def authenticate(request, callback):
    if iscoroutinefunction(callback):
        return await callback(request)
    return await sync_to_async(callback)(request)
```

## Fix safety
None: a callable that must stay on the event loop's thread (it touches thread-local state)
needs `sync_to_async(callback, thread_sensitive=True)`, the default, or a different design.
"""

import ast

from verify.analysis.finding import Severity
from verify.analysis.registry import Rule

rule = Rule("DJA316", "tested-sync-callable", __doc__, severity=Severity.WARNING)

_COROUTINE_FUNCTION_TESTS = {"iscoroutinefunction", "is_async_callable", "is_coroutine_function"}
_ASYNC_FLAGS = {"is_async", "view_is_async"}


def _dotted(node: ast.expr) -> str | None:
    """``handler`` or ``self.paginator.paginate_queryset`` (a loop: a call chain may be long)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _tests_async(test: ast.expr, subject: str, ctx) -> bool | None:
    """True when ``test`` holds only if ``subject`` is a coroutine function (``iscoroutinefunction(x)``,
    an ``or`` of such tests), False for its negation, None when it says nothing about ``subject``."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _tests_async(test.operand, subject, ctx)
        return None if inner is None else not inner
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        verdicts = [_tests_async(value, subject, ctx) for value in test.values]
        return True if verdicts and all(verdict is True for verdict in verdicts) else None
    if not (isinstance(test, ast.Call) and test.args and _dotted(test.args[0]) == subject):
        return None
    name = (ctx.qualified(test.func) or "").rsplit(".", 1)[-1]
    if name in _COROUTINE_FUNCTION_TESTS:
        return True
    if name == "getattr" and len(test.args) >= 2 and isinstance(test.args[1], ast.Constant) and test.args[1].value in _ASYNC_FLAGS:
        return True
    return None


def _block_of(statement: ast.AST, holder: ast.AST | None) -> list[ast.stmt]:
    for name in ("body", "orelse", "finalbody"):
        block = getattr(holder, name, None) or []
        if statement in block:
            return block
    for handler in getattr(holder, "handlers", None) or []:
        if statement in handler.body:
            return handler.body
    return []


def _tested_sync(call: ast.Call, ctx) -> ast.expr | None:
    """The test that showed ``call.func`` is not a coroutine function, on the way from the call
    up to the async function: the ``if`` whose sync branch holds the call, or an earlier ``if``
    of the same block that handled the coroutine function and left."""
    subject = _dotted(call.func)
    if subject is None:
        return None
    node, parent = call, ctx.parent(call)
    while node is not ctx.function:
        if parent is None:
            parent = ctx.function
        if isinstance(parent, ast.If) and node is not parent.test:
            verdict = _tests_async(parent.test, subject, ctx)
            if verdict is not None:
                in_body = node in parent.body
                return parent.test if in_body != verdict else None
        if isinstance(node, ast.stmt):
            block = _block_of(node, parent)
            for earlier in block[:block.index(node)] if node in block else ():
                if isinstance(earlier, ast.If) and _tests_async(earlier.test, subject, ctx) is True \
                        and isinstance(earlier.body[-1], (ast.Return, ast.Raise)) and not earlier.orelse:
                    return earlier.test
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return None
        node, parent = parent, ctx.parent(parent)
    return None


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    if not isinstance(node.func, (ast.Name, ast.Attribute)) or ctx.function is None:
        return
    test = _tested_sync(node, ctx)
    if test is None:
        return
    callee = ctx.source(node.func, 50)
    ctx.report(node, f"`{ctx.source(node, 60)}` runs a plain function on the event loop: here `{callee}` is not a "
                     f"coroutine function (the code tested `{ctx.source(test, 60)}`); if it queries it raises "
                     "SynchronousOnlyOperation, if it does I/O it blocks the loop",
               f"run it in a thread: `await sync_to_async({callee})(...)`")
