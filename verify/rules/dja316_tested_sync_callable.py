"""## What it does
Checks for a callable that the async code itself found to be a plain function, then calls on the
event loop: the call in the `else` of `if iscoroutinefunction(handler):` (also
`is_async_callable`, `getattr(handler, "is_async", False)`, `or`-ed together, or negated), or
after an `if iscoroutinefunction(handler): return await handler(...)` that returned; also in an
async def that a sync function defines in such a branch (an async wrapper made for a plain
callback).

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

from verify.analysis.ast_walk import name_chain
from verify.analysis.finding import Severity
from verify.analysis.registry import Rule

# Only a file that tests a callable (the names below, all holding one of these) can have the finding.
rule = Rule("DJA316", "tested-sync-callable", __doc__, severity=Severity.WARNING,
            triggers=("coroutinefunction", "is_coroutine_function", "is_async"))

_COROUTINE_FUNCTION_TESTS = {"iscoroutinefunction", "is_async_callable", "is_coroutine_function"}
_ASYNC_FLAGS = {"is_async", "view_is_async"}


def _dotted(node: ast.expr) -> str | None:
    """``handler`` or ``self.paginator.paginate_queryset``."""
    chain = name_chain(node)
    return ".".join(chain) if chain is not None else None


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


_enclosing: list = [None, {}]  # the last file's tree and, per async def, the names its enclosing tests found sync


def _sync_from_enclosing_tests(tree: ast.Module, ctx) -> dict[ast.AsyncFunctionDef, dict[str, ast.expr]]:
    """Per async def nested in the sync branch of a test in an enclosing function (``if
    iscoroutinefunction(method): async def wrapper(): ... else: async def wrapper(): method()``,
    or after the async branch returned), the names found sync and the test that found them. A
    def's own parameters shadow what it inherits."""
    if _enclosing[0] is tree:
        return _enclosing[1]
    found: dict[ast.AsyncFunctionDef, dict[str, ast.expr]] = {}
    todo: list[tuple[list[ast.stmt], dict[str, ast.expr]]] = [(tree.body, {})]
    while todo:
        statements, known = todo.pop()
        for statement in statements:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                arguments = statement.args
                shadowed = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                                            arguments.vararg, arguments.kwarg) if a}
                inner = {name: test for name, test in known.items() if name not in shadowed}
                if isinstance(statement, ast.AsyncFunctionDef) and inner:
                    found[statement] = inner
                todo.append((statement.body, inner))
            elif isinstance(statement, ast.If):
                subject = _tested_subject(statement.test)
                verdict = _tests_async(statement.test, subject, ctx) if subject and "." not in subject else None
                sync_branch = {**known, subject: statement.test} if verdict is not None else known
                todo.append((statement.body, sync_branch if verdict is False else known))
                todo.append((statement.orelse, sync_branch if verdict is True else known))
                if verdict is True and statement.body and isinstance(statement.body[-1], (ast.Return, ast.Raise)) and not statement.orelse:
                    known = sync_branch  # the rest of the block runs only for a plain function
            elif isinstance(statement, ast.ClassDef):
                todo.append((statement.body, {}))  # a class body's names do not reach its methods
            else:
                for name in ("body", "orelse", "finalbody"):
                    todo.append((getattr(statement, name, None) or [], known))
                for handler in getattr(statement, "handlers", None) or []:
                    todo.append((handler.body, known))
    _enclosing[:] = [tree, found]
    return found


def _tested_subject(test: ast.expr) -> str | None:
    """The callable a coroutine-function test is about (its first argument)."""
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
    if isinstance(test, ast.BoolOp) and test.values:
        test = test.values[0]
    return _dotted(test.args[0]) if isinstance(test, ast.Call) and test.args else None


def _local_names(function: ast.AsyncFunctionDef) -> set[str]:
    arguments = function.args
    names = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg) if a}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    if not isinstance(node.func, (ast.Name, ast.Attribute)) or ctx.function is None:
        return
    test = _tested_sync(node, ctx)
    if test is None and isinstance(node.func, ast.Name) and isinstance(ctx.function, ast.AsyncFunctionDef):
        inherited = _sync_from_enclosing_tests(ctx.file.tree, ctx).get(ctx.function, {})
        if node.func.id in inherited and node.func.id not in _local_names(ctx.function):
            test = inherited[node.func.id]
    if test is None:
        return
    callee = ctx.source(node.func, 50)
    ctx.report(node, f"`{ctx.source(node, 60)}` runs a plain function on the event loop: here `{callee}` is not a "
                     f"coroutine function (the code tested `{ctx.source(test, 60)}`); if it queries it raises "
                     "SynchronousOnlyOperation, if it does I/O it blocks the loop",
               f"run it in a thread: `await sync_to_async({callee})(...)`")
