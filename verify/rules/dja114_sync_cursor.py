"""## What it does
Checks for raw database cursors in async code: `connection.cursor()` and
`connections[alias].cursor()`.

## Why is this bad?
Django has no async cursor up to 6.1: opening one from the event loop raises
`SynchronousOnlyOperation`.

## Example
```python
from django.db import connection


async def report(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM shop_order")
```

## Use instead
```python
from asgiref.sync import sync_to_async
from django.db import connection


def _count_orders():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM shop_order")
        return cursor.fetchone()[0]

async def report(request):
    count = await sync_to_async(_count_orders)()
```

## Fix safety
None: raw SQL goes into a sync function called with `sync_to_async`.
"""

import ast

from verify.analysis import hints
from verify.analysis.registry import Rule

rule = Rule("DJA114", "sync-cursor", __doc__, min_version=(4, 1))


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == "cursor"):
        return
    owner = func.value.value if isinstance(func.value, ast.Subscript) else func.value
    qualified = ctx.qualified(owner) or ""
    if qualified in ("django.db.connection", "django.db.connections"):
        ctx.report(node, "a database cursor is opened in async code (raises SynchronousOnlyOperation)", hints.offload("the raw SQL"))
