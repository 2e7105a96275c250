"""## What it does
Checks for async views that await nothing: an `async def` view (first parameter `request`, or
an HTTP handler of a class-based view) with no `await`, `async for`, `async with` or other
asyncio use. It is informational.

## Why is this bad?
An async view only pays off when it waits on something concurrently. One that awaits nothing
gains nothing from being async: under WSGI Django runs it through `async_to_sync` (an event loop
per request), and under ASGI any blocking call it makes (a sync query raises, a sync HTTP call
stalls every request on the loop). A plain `def` view says what it does. Helpers that other code
awaits, handlers of a class whose other handlers await, and stubs are left alone.

## Example
```python
async def health(request):
    return JsonResponse({"status": "ok"})
```

## Use instead
```python
def health(request):
    return JsonResponse({"status": "ok"})
```
"""

import ast

from verify.ast_walk import children, walk
from verify.finding import Severity
from verify.registry import Rule
from verify.view_shapes import HTTP_HANDLERS, class_views, takes_request

rule = Rule("DJA407", "async-view-without-await", __doc__, min_version=(4, 1), severity=Severity.INFO)


@rule.visits(ast.AsyncFunctionDef)
def check(node: ast.AsyncFunctionDef, ctx) -> None:
    if _does_async_work(node, ctx):  # the common case, and the cheapest test
        return
    owner = _owner(node, ctx)
    if isinstance(owner, ast.Module):
        if node.name.startswith("_") or not takes_request(node) or _awaited_in_module(node.name, ctx):
            return
        kind = "view"
    elif isinstance(owner, ast.ClassDef) and node.name in HTTP_HANDLERS and node.name != "options":
        if not class_views(ctx.file).is_view(owner):
            return
        siblings = [item for item in owner.body if isinstance(item, ast.AsyncFunctionDef) and item.name in HTTP_HANDLERS]
        if any(_does_async_work(sibling, ctx) for sibling in siblings):
            return  # all handlers of a view must be async once one of them awaits
        kind = f"handler `{owner.name}.{node.name}`"
    else:
        return
    if _is_stub(node) or _does_async_work(node, ctx):
        return
    label = f"view `{node.name}`" if kind == "view" else kind
    ctx.report(node, f"async {label} awaits nothing: it gains nothing from being async, and any blocking call in it would stall the event loop",
               hint="make it a plain `def` view, unless it is about to await something")


def _owner(node: ast.AsyncFunctionDef, ctx) -> ast.Module | ast.ClassDef | None:
    """The module or top-level class whose body defines the function."""
    parent = ctx.parent(node)  # the engine links each async function to its parent: no scan of the module's body
    if parent is ctx.file.tree:
        return parent
    cls = class_views(ctx.file).classes.get(ctx.class_name or "")
    return cls if cls is not None and parent is cls else None


_NESTED = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef})
_ASYNC_WORK = frozenset({ast.Await, ast.AsyncFor, ast.AsyncWith, ast.Yield, ast.YieldFrom})


def _does_async_work(function: ast.AsyncFunctionDef, ctx) -> bool:
    """Whether the body, without nested function, lambda or class bodies, awaits or otherwise
    works asynchronously. One loop over a stack: it runs for every async function."""
    async_functions = ctx.file.async_functions
    stack = list(function.body)
    while stack:
        node = stack.pop()
        node_type = type(node)
        if node_type in _ASYNC_WORK:
            return True
        if node_type is ast.comprehension and node.is_async:
            return True
        if node_type is ast.Call and (ctx.qualified(node.func) or "").startswith("asyncio."):
            return True
        if node_type is ast.Name:
            if node.id in async_functions:  # e.g. an async generator streamed
                return True
        elif node_type not in _NESTED:
            stack.extend(children(node))
    return False


def _awaited_in_module(name: str, ctx) -> bool:
    """Something in the module calls it: then it is a helper coroutine, not a view."""
    called = ctx.file.options.get("_called_names")
    if called is None:  # one walk per file, not one per async function
        called = ctx.file.options["_called_names"] = frozenset(
            node.func.id for node in walk(ctx.file.tree) if type(node) is ast.Call and type(node.func) is ast.Name)
    return name in called


def _is_stub(function: ast.AsyncFunctionDef) -> bool:
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        body = body[1:]
    return all(isinstance(s, (ast.Pass, ast.Raise)) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)) for s in body)
