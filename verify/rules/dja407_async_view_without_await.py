"""## What it does
Checks for async views that await nothing, in a project served by WSGI: an `async def` view
(first parameter `request`, or an HTTP handler of a class-based view) with no `await`,
`async for`, `async with` or other asyncio use. It is advice (severity info): off by default,
on with `--select DJA407` (or `--extend-select DJA407`), and it never fails the check.

It advises only where the project is known to be served by WSGI: a deployment file (Procfile,
Dockerfile, compose file, systemd unit...) starts a WSGI server (gunicorn without a uvicorn
worker, uWSGI, waitress, mod_wsgi) and none starts an ASGI server, or the project has a WSGI
entry point and no ASGI one (the same reading of the deployment as DJA605).

## Why is this bad?
Under WSGI, Django runs an async view through `async_to_sync`, in a new event loop per
request: a view that awaits nothing pays for that loop and gains nothing, and a plain `def`
view is cheaper. Under ASGI the advice would be wrong: there an async view that awaits nothing
runs directly on the event loop, without the hop to a worker thread that a sync view costs,
so it is the cheaper choice (as long as it makes no blocking call, which other rules report).
Helpers that other code awaits, handlers of a class whose other handlers await, and stubs are
left alone.

## Example
```python
# Procfile: web: gunicorn config.wsgi
async def health(request):
    return JsonResponse({"status": "ok"})
```

## Use instead
```python
def health(request):
    return JsonResponse({"status": "ok"})
```

## Fix safety
None: the change is not mechanical, a person writes it.
"""

import ast

from verify.analysis.ast_walk import children, walk
from verify.analysis.finding import Severity
from verify.analysis.registry import Rule
from verify.analysis.view_shapes import HTTP_HANDLERS, class_views, takes_request

rule = Rule("DJA407", "async-view-without-await", __doc__, min_version=(4, 1), severity=Severity.INFO)


@rule.visits(ast.AsyncFunctionDef)
def check(node: ast.AsyncFunctionDef, ctx) -> None:
    if not ctx.file.options.get("served_by_wsgi"):  # under ASGI (or unknown) an async view is not worse
        return
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
    ctx.report(node, f"async {label} awaits nothing, and the project is served by WSGI: Django runs it through `async_to_sync` "
               "in a new event loop per request, which a plain `def` view does not cost",
               hint="make it a plain `def` view, unless it is about to await something or the project moves to ASGI")


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
