"""## What it does
Checks for `task.enqueue()` on a Django task (`django.tasks`, 6.0+) in async code.

## Why is this bad?
With the default `ImmediateBackend`, `enqueue()` runs the task inline: if the task touches the
database, it fails with `SynchronousOnlyOperation`, and the failure is stored in the task result
instead of being raised, so nothing tells you. `aenqueue()` is the async API.

## Example
```python
from shop.tasks import send_order_email


async def order_confirmation(request, order_id):
    send_order_email.enqueue(order_id)
```

## Use instead
```python
from shop.tasks import send_order_email


async def order_confirmation(request, order_id):
    await send_order_email.aenqueue(order_id)
```

## Fix safety
Safe: `task.enqueue(...)` becomes `await task.aenqueue(...)`, with the arguments as they are
(`aenqueue` takes `enqueue`'s). No fix in a generator expression or a sync helper.
"""

import ast

from verify.analysis import fixes
from verify.analysis.registry import Rule

rule = Rule("DJA113", "sync-task-enqueue", __doc__, min_version=(6, 0))


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == "enqueue" and isinstance(func.value, ast.Name)):
        return
    name = func.value.id
    imported = ctx.file.imports.get(name, "")
    if name in ctx.file.task_functions or (imported and ".tasks." in f".{imported}" and not imported.startswith(("celery", "rq", "huey"))):
        ctx.report(node, f"`{name}.enqueue()` is the sync API in async code: with the default `ImmediateBackend` it runs the task on "
                   "the event loop, where a task that queries fails silently (its result holds SynchronousOnlyOperation)",
                   f"use `await {name}.aenqueue(...)`", fix=fixes.awaited_method_twin(node, "aenqueue", ctx))
