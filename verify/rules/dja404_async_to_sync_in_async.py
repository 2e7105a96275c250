"""## What it does
Checks for calls of an `async_to_sync(...)` wrapper in async code. Building the wrapper to keep
it for a worker thread (`self.send_sync = async_to_sync(send)`) runs nothing and is fine.

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

from verify import types as ty
from verify.registry import Rule

rule = Rule("DJA404", "async-to-sync-in-async", __doc__, min_version=(4, 1))
_ASYNC_TO_SYNC = {"asgiref.sync.async_to_sync", "asgiref.sync.AsyncToSync"}


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    """A call of what ``async_to_sync(f)`` returns: ``async_to_sync(f)(...)`` here, or a name
    that holds it. Wrapping alone runs nothing: a wrapper stored for a worker thread
    (``self.send_sync = async_to_sync(send)``, a post-render callback) is fine."""
    func = node.func
    if isinstance(func, ast.Call) and (ctx.qualified(func.func) or "") in _ASYNC_TO_SYNC:
        wrapper = func
    else:
        held = ctx.type_of(func) if isinstance(func, ast.Name) else None
        if held is None or held.kind != ty.OBJECT or held.cls not in _ASYNC_TO_SYNC:
            return
        wrapper = node
    wrapped = ctx.source(wrapper.args[0]) if wrapper is not node and wrapper.args else "the function"
    ctx.report(node, f"`{ctx.source(node)}` in async code: asgiref raises RuntimeError "
               "(you cannot use AsyncToSync in the same thread as an async event loop)",
               hint=f"await it directly: `await {wrapped}(...)`")
