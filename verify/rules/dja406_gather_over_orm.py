"""## What it does
Checks for `asyncio.gather(...)` whose awaitables are all Django ORM calls.

The calls are Django's async database methods (`acount()`, `aget()`, `afirst()`,
`request.auser()`...). It is advice (severity info) on correct code: off by default, on with
`--select DJA406` (or `--extend-select DJA406`), and it never fails the check.

## Why is this bad?
Django's async ORM methods are `sync_to_async` wrappers, and every thread-sensitive call of one
request runs on the same single thread, one after another. Gathering them runs the queries
serially, as plain sequential `await`s would, while suggesting a speed-up that is not there.
`gather` pays off for concurrent network I/O (HTTP calls with an async client), not for queries.

## Example
```python
import asyncio


async def stats(request):
    orders, products = await asyncio.gather(Order.objects.acount(), Product.objects.acount())
    return JsonResponse({"orders": orders, "products": products})
```

## Use instead
```python
async def stats(request):
    orders = await Order.objects.acount()
    products = await Product.objects.acount()
    return JsonResponse({"orders": orders, "products": products})
```

## Fix safety
None: the gathered work has to move out of the ORM calls.
"""

import ast

from verify.analysis import types as ty
from verify.analysis.finding import Severity
from verify.analysis.registry import Rule

rule = Rule("DJA406", "gather-over-orm", __doc__, min_version=(4, 1), severity=Severity.INFO)


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    if (ctx.qualified(node.func) or "") != "asyncio.gather" or len(node.args) < 2:
        return
    if any(isinstance(arg, ast.Starred) for arg in node.args):
        return
    calls = []
    for arg in node.args:
        value = ctx.type_of(arg)
        if value is None or value.kind != ty.COROUTINE or not value.extra.get("django"):
            return
        calls.append(f"`{value.extra['django']}()`")
    ctx.report(node, f"`asyncio.gather` over {len(calls)} Django ORM calls ({', '.join(calls)}) runs them serially on the request's "
               "one ORM thread: correct, but no faster than awaiting them one by one",
               hint="await the queries one after another (or merge them into one query); keep `gather` for concurrent network I/O")
