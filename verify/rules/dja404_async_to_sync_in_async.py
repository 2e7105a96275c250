"""## What it does
Checks for `async_to_sync(...)` called in async code.

## Why is this bad?
`async_to_sync` runs a coroutine function from sync code by driving an event loop. Called from
code that already runs on the event loop, asgiref refuses with `RuntimeError: You cannot use
AsyncToSync in the same thread as an async event loop - just await the async function
directly.` Converted views often keep a helper that was wrapped for the sync version.

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
"""

import ast

from verify.analysis.registry import Rule

rule = Rule("DJA404", "async-to-sync-in-async", __doc__, min_version=(4, 1))
_ASYNC_TO_SYNC = {"asgiref.sync.async_to_sync", "asgiref.sync.AsyncToSync"}


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    if (ctx.qualified(node.func) or "") not in _ASYNC_TO_SYNC:
        return
    wrapped = ctx.source(node.args[0]) if node.args else "the function"
    ctx.report(node, f"`{ctx.source(node)}` in async code: asgiref raises RuntimeError "
               "(you cannot use AsyncToSync in the same thread as an async event loop)",
               hint=f"await it directly: `await {wrapped}(...)`")
