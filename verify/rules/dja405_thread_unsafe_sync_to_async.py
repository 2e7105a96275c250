"""## What it does
Checks for `sync_to_async(func, thread_sensitive=False)` where `func` uses the ORM.

`func` uses the ORM when it touches a manager or QuerySet, `transaction.atomic` or a
`connection` cursor, directly or in a function of the same module that it calls. The decorator
form `@sync_to_async(thread_sensitive=False)` is checked too.

## Why is this bad?
`thread_sensitive=False` runs the function on a pool thread instead of the request's one
sync thread. Django database connections belong to the thread that opened them: each pool
thread opens its own connection, which Django's request-finished cleanup never closes: up to
one open connection per thread of the default executor (`min(32, CPUs + 4)` threads), held
until the thread ends. The work also runs outside the request's
transactions and test-case transactions. Django's own ORM async methods use the default,
`thread_sensitive=True`. Keep `thread_sensitive=False` for CPU-bound or non-database blocking
work (password hashing, image resizing).

## Example
```python
from asgiref.sync import sync_to_async


def close_order(order_id):
    Order.objects.filter(id=order_id).update(status="closed")


async def close(request, order_id):
    await sync_to_async(close_order, thread_sensitive=False)(order_id)
    return JsonResponse({"ok": True})
```

## Use instead
```python
from asgiref.sync import sync_to_async


def close_order(order_id):
    Order.objects.filter(id=order_id).update(status="closed")


async def close(request, order_id):
    await sync_to_async(close_order)(order_id)
    return JsonResponse({"ok": True})
```

## Fix safety
None: the change is not mechanical, a person writes it.
"""

import ast

from verify.analysis import types as ty
from verify.analysis.orm_use import orm_call
from verify.analysis.registry import Rule

rule = Rule("DJA405", "thread-unsafe-sync-to-async", __doc__, min_version=(4, 1), scope="module", triggers=("thread_sensitive",))
_SYNC_TO_ASYNC = {"asgiref.sync.sync_to_async", "asgiref.sync.SyncToAsync"}


def _thread_insensitive(node: ast.Call) -> bool:
    return any(k.arg == "thread_sensitive" and isinstance(k.value, ast.Constant) and k.value.value is False for k in node.keywords)


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    if (ctx.qualified(node.func) or "") not in _SYNC_TO_ASYNC or not _thread_insensitive(node):
        return
    if node.args:
        target = node.args[0]
        uses_orm = _orm_target(target, ctx)
        name = ctx.source(target)
    else:  # @sync_to_async(thread_sensitive=False) on a def
        function = ctx.parent(node)
        if not isinstance(function, ast.FunctionDef) or node not in function.decorator_list:
            return
        uses_orm = orm_call(function, ctx.file) is not None
        name = function.name
    if uses_orm:
        ctx.report(node, f"`{name}` uses the ORM but runs with `thread_sensitive=False`: it gets its own database connection "
                   "on a pool thread, which the request cleanup never closes, outside the request's transaction",
                   hint="drop `thread_sensitive=False` (the default, True, runs ORM code on the request's thread)")


def _orm_target(target: ast.expr, ctx) -> bool:
    """A same-module function that uses the ORM, or a bound ORM method (``Order.objects.get``)."""
    if isinstance(target, ast.Name):
        function = next((f for f in ctx.file.tree.body if isinstance(f, ast.FunctionDef) and f.name == target.id), None)
        return function is not None and orm_call(function, ctx.file) is not None
    if isinstance(target, ast.Attribute):
        receiver = ctx.type_of(target.value)
        return receiver is not None and (receiver.kind in ty.LAZY or (receiver.kind == ty.INSTANCE and target.attr in ("save", "delete", "refresh_from_db")))
    return False
