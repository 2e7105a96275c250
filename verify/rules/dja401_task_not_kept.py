"""## What it does
Checks for tasks started in async code and thrown away.

That is `asyncio.create_task()`, `asyncio.ensure_future()` or `loop.create_task()` as a bare
statement, or with its result stored in a variable that is never used again.

## Why is this bad?
The event loop keeps only a weak reference to a task, so a task nobody holds can be
garbage-collected before it finishes, and its exceptions are never seen. In a Django view it is
worse: a fire-and-forget task outlives its request. Once the request's `ThreadSensitiveContext`
has exited, the task's ORM calls (`acreate`, `aget`...) fail with `RuntimeError:
ThreadSensitiveContext has exited` on recent asgiref releases (3.13); older ones silently run
them on a new executor, outside the request's thread and its cleanup. For work that must outlive the request use a
task queue: on Django 6.0+, a `django.tasks` task with `await task.aenqueue(...)`.

## Example
```python
import asyncio


async def checkout(request, order_id):
    asyncio.create_task(record_checkout(order_id))
    return JsonResponse({"ok": True})
```

## Use instead
```python
import asyncio


async def checkout(request, order_id):
    await record_checkout(order_id)
    return JsonResponse({"ok": True})
```

## Fix safety
None: where the task's reference is kept depends on the code around it.
"""

import ast

from verify.analysis.orm_use import orm_call
from verify.analysis.registry import Rule

rule = Rule("DJA401", "task-not-kept", __doc__, min_version=(4, 1))

_SPAWNERS = {"asyncio.create_task", "asyncio.ensure_future"}
_LOOP_GETTERS = {"asyncio.get_running_loop", "asyncio.get_event_loop", "asyncio.new_event_loop"}


def _spawner(node: ast.Call, ctx) -> str | None:
    """``asyncio.create_task`` / ``loop.create_task`` on a loop from asyncio, else None.

    ``tg.create_task(...)`` on a TaskGroup is fine: the group keeps its tasks.
    """
    qualified = ctx.qualified(node.func) or ""
    if qualified in _SPAWNERS:
        return qualified
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr == "create_task":
        loop = func.value
        if isinstance(loop, ast.Call) and (ctx.qualified(loop.func) or "") in _LOOP_GETTERS:
            return "loop.create_task"
        if isinstance(loop, ast.Name) and _bound_to_loop(loop.id, ctx):
            return f"{loop.id}.create_task"
    return None


def _bound_to_loop(name: str, ctx) -> bool:
    for node in ast.walk(ctx.function):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            value = node.value
            if isinstance(value, ast.Call) and (ctx.qualified(value.func) or "") in _LOOP_GETTERS:
                return True
    return False


def _never_used(name: str, ctx) -> bool:
    """No load of ``name`` anywhere in the function, and the name is not global or nonlocal."""
    for node in ast.walk(ctx.function):
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return False
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            return False
    return True


def _touches_orm(node: ast.Call, ctx) -> bool:
    """The task runs a Django async API, a ``sync_to_async`` call, or a same-module coroutine that uses the ORM."""
    if not node.args:
        return False
    argument = ctx.type_of(node.args[0])
    if argument is None:
        return False
    if argument.extra.get("django") or argument.extra.get("sync_to_async"):
        return True
    local = argument.extra.get("local", "")
    function = next((f for f in ctx.file.tree.body if isinstance(f, ast.AsyncFunctionDef) and f.name == local), None)
    return function is not None and orm_call(function, ctx.file) is not None


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    spawner = _spawner(node, ctx)
    if spawner is None:
        return
    parent = ctx.parent(node)
    if isinstance(parent, (ast.ListComp, ast.SetComp)) and parent.elt is node:  # [create_task(c) for c in ...]
        parent = ctx.parent(parent)
    if isinstance(parent, ast.Expr):
        how = "is not kept"
    elif isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name) and _never_used(parent.targets[0].id, ctx):
        how = f"is stored in `{parent.targets[0].id}` and never used"
    else:
        return
    orm = (" It uses the ORM, which after the request has ended fails with `RuntimeError: ThreadSensitiveContext "
           "has exited` (recent asgiref) or runs outside the request's thread (older asgiref).") if _touches_orm(node, ctx) else ""
    if ctx.version >= (6, 0):
        outlive = "for work that must outlive the request, use a `django.tasks` task and `await my_task.aenqueue(...)`"
    else:
        outlive = "for work that must outlive the request, hand it to a task queue"
    ctx.report(
        node,
        f"the task from `{spawner}(...)` {how}: the event loop holds only a weak reference, so it can be "
        f"garbage-collected mid-flight and its errors are lost.{orm}",
        hint=f"await it (or `asyncio.gather` it) before returning, or keep a reference until it is done; {outlive}",
    )
