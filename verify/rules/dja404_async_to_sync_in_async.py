"""## What it does
Checks for calls of an `async_to_sync(...)` wrapper in async code, and for the other ways of
running a coroutine to completion from sync code: `asyncio.run(...)` and
`asyncio.get_event_loop().run_until_complete(...)` (or on a new event loop). A sync helper of the
project that does it, called directly from async code, is reported at the call. Building the
wrapper to keep it for a worker thread (`self.send_sync = async_to_sync(send)`) runs nothing and
is fine.

## Why is this bad?
`async_to_sync` runs a coroutine function from sync code by driving an event loop. Called from
code that already runs on the event loop, asgiref refuses with `RuntimeError: You cannot use
AsyncToSync in the same thread as an async event loop - just await the async function
directly.` Converted views often keep a helper that was wrapped for the sync version.
`asyncio.run()` raises `RuntimeError: asyncio.run() cannot be called from a running event
loop`, and `run_until_complete()` raises `RuntimeError: This event loop is already running`
(or `Cannot run the event loop while another loop is running`). Any Django version.

## Example
```python
from asgiref.sync import async_to_sync


async def dashboard(request):
    stats = async_to_sync(fetch_stats)(request.GET.get("range"))
    return JsonResponse(stats)
```

## Use instead
```python
async def dashboard(request):
    stats = await fetch_stats(request.GET.get("range"))
    return JsonResponse(stats)
```

## Fix safety
None: the change is not mechanical, a person writes it.
"""

import ast

from verify.analysis import types as ty
from verify.analysis.registry import Rule

rule = Rule("DJA404", "async-to-sync-in-async", __doc__, min_version=(4, 1))
_ASYNC_TO_SYNC = {"asgiref.sync.async_to_sync", "asgiref.sync.AsyncToSync"}


_LOOP_FACTORIES = {"asyncio.get_event_loop", "asyncio.new_event_loop", "asyncio.get_running_loop"}


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    qualified = ctx.qualified(node.func) or ""
    if qualified == "asyncio.run" or _runs_a_loop(node, ctx):
        coroutine = ctx.source(node.args[0]) if node.args else "the coroutine"
        ctx.report(node, f"`{ctx.source(node)}` in async code: an event loop is already running here (RuntimeError)",
                   hint=f"await it directly: `await {coroutine}`")
        return
    # A call of what `async_to_sync(f)` returns: `async_to_sync(f)(...)`, or a name that holds it.
    # Wrapping alone runs nothing: a wrapper stored for a worker thread is fine.
    func = node.func
    if isinstance(func, ast.Call) and (ctx.qualified(func.func) or "") in _ASYNC_TO_SYNC:
        wrapped = ctx.source(func.args[0]) if func.args else "the function"
    else:
        held = ctx.type_of(func) if isinstance(func, ast.Name) else None
        if held is None or held.kind != ty.OBJECT or held.cls not in _ASYNC_TO_SYNC:
            return
        wrapped = "the function"
    ctx.report(node, f"`{ctx.source(node)}` in async code: asgiref raises RuntimeError "
               "(you cannot use AsyncToSync in the same thread as an async event loop)",
               hint=f"await it directly: `await {wrapped}(...)`")


def _runs_a_loop(node: ast.Call, ctx) -> bool:
    """``asyncio.get_event_loop().run_until_complete(...)``."""
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr in ("run_until_complete", "run_forever")
            and isinstance(func.value, ast.Call) and (ctx.qualified(func.value.func) or "") in _LOOP_FACTORIES)
