"""## What it does
Checks for `await` on values that are not awaitable: a QuerySet or manager (also inside
`asyncio.gather`), `qs.aiterator()`, which is an async generator, and the wrapper
`sync_to_async(f)` itself, never called (`await sync_to_async(f)` instead of
`await sync_to_async(f)()`). Also checks `async for` over a manager or related manager, which
has no `__aiter__`.

## Why is this bad?
A QuerySet has `__aiter__` but no `__await__`: `await qs` raises
`TypeError: object QuerySet can't be used in 'await' expression`, and `asyncio.gather(qs)`
raises `TypeError: An asyncio.Future, a coroutine or an awaitable is required`.
`sync_to_async(f)` returns a callable, not a coroutine: awaiting it raises
`TypeError: object SyncToAsync can't be used in 'await' expression` (any asgiref version).

## Example
```python
async def product_detail(request, product_id):
    reviews, related = await asyncio.gather(
        Review.objects.filter(product_id=product_id)[:5],
        Product.objects.exclude(id=product_id)[:4],
    )
```

## Use instead
```python
async def product_detail(request, product_id):
    reviews = [r async for r in Review.objects.filter(product_id=product_id)[:5]]
    related = [p async for p in Product.objects.exclude(id=product_id)[:4]]
```

## Fix safety
None: whether to drop the `await` or call the async twin depends on what the code needs.
"""

import ast

from verify.analysis import types as ty
from verify.analysis.registry import Rule

rule = Rule("DJA104", "await-not-awaitable", __doc__, min_version=(4, 1))


def _problem(node: ast.AST, ctx) -> str | None:
    value = ctx.type_of(node)
    if value is None:
        return None
    text = ctx.source(node, 50)
    if value.kind == ty.ASYNC_GEN:
        return f"`{text}` is an async generator, not awaitable: iterate it with `async for obj in {text}`"
    if value.is_lazy:
        return f"QuerySet `{text}` is not awaitable: build a list with `[obj async for obj in {text}]`"
    return None


_WRAPPERS = {"asgiref.sync.sync_to_async", "asgiref.sync.SyncToAsync", "channels.db.database_sync_to_async"}


@rule.visits(ast.Await)
def check_await(node: ast.Await, ctx) -> None:
    value = node.value
    if isinstance(value, ast.Call) and value.args and (ctx.qualified(value.func) or "") in _WRAPPERS:
        wrapped = ctx.source(value.args[0], 40)
        ctx.report(node, f"`await {ctx.source(value, 50)}` awaits the wrapper, which is never called (TypeError)",
                   f"call the wrapper, then await it: `await {ctx.source(value.func, 30)}({wrapped})(...)`")
        return
    problem = _problem(value, ctx)
    if problem:
        ctx.report(node, f"`await` on a value that is not awaitable (TypeError)", problem)


@rule.visits(ast.Call)
def check_gather(node: ast.Call, ctx) -> None:
    if (ctx.qualified(node.func) or "").endswith(("asyncio.gather", "asyncio.wait")) or (
        isinstance(node.func, ast.Name) and node.func.id == "gather"
    ):
        for arg in node.args:
            problem = _problem(arg, ctx)
            if problem:
                ctx.report(arg, "`asyncio.gather` got a QuerySet, which is not awaitable (TypeError)", problem)


@rule.visits(ast.AsyncFor)
def check_async_for(node: ast.AsyncFor, ctx) -> None:
    value = ctx.type_of(node.iter)
    if value is not None and value.kind in (ty.MANAGER, ty.RELATED_MANAGER):
        text = ctx.source(node.iter, 50)
        ctx.report(node.iter, f"`async for` over manager `{text}`: managers are not iterable (TypeError)", f"iterate `{text}.all()`")


@rule.visits(ast.comprehension)
def check_async_comprehension(node: ast.comprehension, ctx) -> None:
    if node.is_async:
        value = ctx.type_of(node.iter)
        if value is not None and value.kind in (ty.MANAGER, ty.RELATED_MANAGER):
            text = ctx.source(node.iter, 50)
            ctx.report(node.iter, f"`async for` over manager `{text}`: managers are not iterable (TypeError)", f"iterate `{text}.all()`")
