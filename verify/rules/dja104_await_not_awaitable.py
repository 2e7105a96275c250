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
Safe: `await qs` becomes `[obj async for obj in qs]`, the list the code awaited; a statement
`a, b = await asyncio.gather(qs1, qs2)` whose arguments are all QuerySets or Django ORM
coroutines becomes one statement per name, `a = [obj async for obj in qs1]` then
`b = await qs2.aget(...)` (run one after the other, as Django runs the queries anyway: its sync
database calls share one thread), each keeping the comment of its argument's line. No fix for `await` on a manager, `aiterator()` or an uncalled `sync_to_async(f)` (what
the code needs is not mechanical), for a `gather` with other arguments or whose result is not
unpacked into as many names, with a comment elsewhere inside it, or on a line shared with
another statement.
"""

import ast

from verify.analysis import fixes
from verify.analysis import types as ty
from verify.analysis.finding import Edit, Fix
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
        ctx.report(node, f"`await` on a value that is not awaitable (TypeError)", problem, fix=_await_fix(node, ctx))


def _is_queryset(node: ast.AST, ctx) -> bool:
    value = ctx.type_of(node)
    return value is not None and value.kind == ty.QUERYSET


def _is_orm_coroutine(node: ast.AST, ctx) -> bool:
    """A coroutine of Django's async API (``Payment.objects.aget(...)``): awaited in turn, it runs
    as it did in the gather, since Django runs a request's database calls one at a time."""
    value = ctx.type_of(node)
    return value is not None and value.kind == ty.COROUTINE and bool(value.extra.get("django"))


def _await_fix(node: ast.Await, ctx) -> Fix | None:
    """``await qs`` -> ``[obj async for obj in qs]``."""
    if not _is_queryset(node.value, ctx) or fixes.unfixable_place(node, ctx.parent):
        return None
    head, tail = fixes.async_list(node.value)
    return Fix((Edit(fixes.start(node), fixes.start(node.value), head), Edit(fixes.end(node.value), fixes.end(node), tail)))


def _gather_fix(call: ast.Call, ctx) -> Fix | None:
    """``a, b = await asyncio.gather(qs1, qs2)`` -> ``a = [obj async for obj in qs1]`` and
    ``b = [obj async for obj in qs2]``, one statement per line."""
    awaited = ctx.parent(call)
    statement = ctx.parent(awaited) if isinstance(awaited, ast.Await) else None
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], (ast.Tuple, ast.List))):
        return None
    names = statement.targets[0].elts
    if call.keywords or len(names) != len(call.args) or not all(isinstance(n, ast.Name) for n in names):
        return None
    if not all(_is_queryset(arg, ctx) or _is_orm_coroutine(arg, ctx) for arg in call.args) or not fixes.awaitable_here(statement, ctx):
        return None
    if not fixes.alone_on_its_lines(statement, ctx.file.lines):
        return None
    texts = [ctx.file.segment(arg) for arg in call.args]
    if None in texts:
        return None
    comments = fixes.comments_inside(statement, ctx.file.lines)
    ends = [arg.end_lineno for arg in call.args]
    if comments is None or any(ends.count(line) != 1 for line in comments):
        return None  # a comment that belongs to no one argument would be lost
    indent = fixes.newline(ctx.file.source) + ctx.file.lines[statement.lineno - 1].encode()[:statement.col_offset].decode()
    assignments = []
    for name, arg, text in zip(names, call.args, texts):
        head, tail = fixes.async_list(arg) if _is_queryset(arg, ctx) else ("await ", "")
        comment = comments.get(arg.end_lineno)
        assignments.append(f"{name.id} = {head}{text}{tail}" + (f"  {comment}" if comment else ""))
    return Fix((Edit(fixes.start(statement), fixes.end(statement), indent.join(assignments)),))


@rule.visits(ast.Call)
def check_gather(node: ast.Call, ctx) -> None:
    if (ctx.qualified(node.func) or "").endswith(("asyncio.gather", "asyncio.wait")) or (
        isinstance(node.func, ast.Name) and node.func.id == "gather"
    ):
        for arg in node.args:
            problem = _problem(arg, ctx)
            if problem:
                ctx.report(arg, "`asyncio.gather` got a QuerySet, which is not awaitable (TypeError)", problem, fix=_gather_fix(node, ctx))


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
