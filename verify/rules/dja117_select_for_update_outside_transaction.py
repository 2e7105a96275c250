"""## What it does
Checks for a `select_for_update()` QuerySet evaluated in async code: `await
qs.select_for_update().aget(...)`, `afirst()`, `ain_bulk()`, `async for` over it.

## Why is this bad?
Row locks last until the end of a transaction, so Django refuses `select_for_update()` in
autocommit mode: `TransactionManagementError: select_for_update cannot be used outside of a
transaction` (on PostgreSQL, MySQL, MariaDB and Oracle; SQLite ignores the lock). Async code
cannot open a transaction: `transaction.atomic()` raises `SynchronousOnlyOperation` there, and
`ATOMIC_REQUESTS` refuses async views. A sync view converted to async loses its
`@transaction.atomic` this way. Every Django version up to 6.1 (no async transactions).

## Example
```python
from django.http import JsonResponse

from shop.models import Product


async def reserve(request, product_id):
    product = await Product.objects.select_for_update().aget(id=product_id)
    product.stock -= 1
    await product.asave()
    return JsonResponse({"stock": product.stock})
```

## Use instead
```python
from asgiref.sync import sync_to_async
from django.db import transaction
from django.http import JsonResponse

from shop.models import Product


@transaction.atomic
def take_one(product_id):
    product = Product.objects.select_for_update().get(id=product_id)
    product.stock -= 1
    product.save()
    return product.stock


async def reserve(request, product_id):
    return JsonResponse({"stock": await sync_to_async(take_one)(product_id)})
```

## Fix safety
None: where the transaction belongs is a design decision.
"""

import ast

from verify.analysis.registry import Rule

rule = Rule("DJA117", "select-for-update-outside-transaction", __doc__, min_version=(4, 1), triggers=("select_for_update",))

_EVALUATING = {"aget", "afirst", "alast", "alatest", "aearliest", "ain_bulk", "aiterator", "aget_or_create", "aupdate_or_create"}
_HINT = ("put the locking read and the writes in one sync function decorated with `@transaction.atomic`, "
         "and call it with `await sync_to_async(func)(...)`")


def _locks(node: ast.AST, ctx) -> bool:
    value = ctx.type_of(node)
    return value is not None and value.is_lazy and value.extra.get("for_update", False)


@rule.visits(ast.Call)
def check_call(node: ast.Call, ctx) -> None:
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in _EVALUATING and _locks(func.value, ctx):
        _report(node, ctx.source(node, 60), ctx)


@rule.visits(ast.AsyncFor, ast.comprehension)
def check_loop(node, ctx) -> None:
    if (isinstance(node, ast.AsyncFor) or node.is_async) and _locks(node.iter, ctx):
        _report(node.iter, f"async for ... in {ctx.source(node.iter, 50)}", ctx)


def _report(node: ast.AST, text: str, ctx) -> None:
    ctx.report(node, f"`{text}` runs `select_for_update()` in async code, where no transaction can be open: "
               "raises TransactionManagementError", _HINT)
