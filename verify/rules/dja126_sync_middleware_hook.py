"""## What it does
Checks for a Django middleware's hooks called directly in async code: `process_request()`,
`process_view()`, `process_response()`, `process_exception()` and
`process_template_response()`, when the call is neither awaited nor run with `sync_to_async`.

## Why is this bad?
A middleware's hooks are sync functions unless it defines them with `async def`; Django's own
`MiddlewareMixin` runs them with `sync_to_async` when the request is async. Called on the event
loop they do their work there: `SessionMiddleware.process_response()` saves the session (a
query with the database engine), which raises `SynchronousOnlyOperation`, and any blocking hook
stalls every request the worker serves. django-bolt 0.5.1's async middleware stack shipped this.

## Example
```python
async def run_middleware(middleware, request, response):
    response = middleware.process_response(request, response)
    return response
```

## Use instead
```python
async def run_middleware(middleware, request, response):
    response = await sync_to_async(middleware.process_response)(request, response)
    return response
```

## Fix safety
None: a middleware with `async def` hooks needs `await` instead, which the call does not show.
"""

import ast

from verify.analysis import types as ty
from verify.analysis.registry import Rule

rule = Rule("DJA126", "sync-middleware-hook", __doc__, min_version=(4, 1))

_HOOKS = {"process_request", "process_view", "process_response", "process_exception", "process_template_response"}


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in _HOOKS:
        return
    if isinstance(ctx.parent(node), ast.Await):
        return  # an async hook
    value = ctx.type_of(node)
    if value is not None and value.kind == ty.COROUTINE:
        return  # known async: a missing await is DJA101's
    ctx.report(node, f"`{ctx.source(node, 60)}` runs a middleware hook synchronously in async code: hooks are sync "
                     "unless defined with `async def` (SessionMiddleware's process_response saves the session with a "
                     "query): SynchronousOnlyOperation, or a blocked event loop",
               f"run it as Django does: `await sync_to_async({ctx.source(func, 50)})(...)`")
