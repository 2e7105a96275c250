"""## What it does
Checks for `transaction.atomic` in async code: as a `with` / `async with` block, a decorator
on an `async def`, or a call.

## Why is this bad?
Transactions are sync-only up to Django 6.1: `atomic()` opens the connection from the event
loop and raises `SynchronousOnlyOperation`; `Atomic` has no `__aenter__`, so `async with`
raises `TypeError`; decorating an `async def` wraps only the creation of the coroutine.

## Example
```python
from django.db import transaction

from shop.models import Order, Payment


async def checkout(request):
    user = await request.auser()
    async with transaction.atomic():
        order = await Order.objects.acreate(user=user)
        await Payment.objects.acreate(order=order)
```

## Use instead
```python
from asgiref.sync import sync_to_async
from django.db import transaction

from shop.models import Order, Payment


def _create_order(user):
    with transaction.atomic():
        order = Order.objects.create(user=user)
        Payment.objects.create(order=order)
    return order

async def checkout(request):
    order = await sync_to_async(_create_order)(await request.auser())
```

## Fix safety
None: the block has to move into a sync function called with `sync_to_async`, and that is not
mechanical. Its async calls (`await qs.aget()`) must become their sync forms, the names it assigns
and uses after it must be returned, and a `return`, `break` or `continue` inside it changes
meaning in a function of its own: a rewrite that gets one of these wrong still compiles.
"""

import ast

from verify.analysis import hints
from verify.analysis.registry import Rule

rule = Rule("DJA109", "sync-transaction", __doc__, min_version=(4, 1))
_HINT = hints.offload("the whole transaction")


def _is_atomic(node: ast.AST, ctx) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    qualified = ctx.qualified(target) or ""
    return qualified in ("django.db.transaction.atomic",) or (qualified.endswith("transaction.atomic") and "django" in qualified)


@rule.visits(ast.With, ast.AsyncWith)
def check_with(node, ctx) -> None:
    for item in node.items:
        if _is_atomic(item.context_expr, ctx):
            ctx.report(item.context_expr, "`transaction.atomic()` cannot be used in async code (Django has no async transactions)", _HINT)


@rule.visits(ast.AsyncFunctionDef)
def check_decorator(node: ast.AsyncFunctionDef, ctx) -> None:
    for decorator in node.decorator_list:
        if _is_atomic(decorator, ctx):
            ctx.report(decorator, f"`@transaction.atomic` on `async def {node.name}` does not make its queries atomic", _HINT)
