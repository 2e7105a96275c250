"""## What it does
Checks for Celery tasks sent from async code with `task.delay(...)` or
`task.apply_async(...)`, for tasks the project defines with `@shared_task` or `@app.task`
(in the same file or in the project module they are imported from).

## Why is this bad?
`delay()` and `apply_async()` are sync: they publish the message to the broker over the
network (connecting first, and retrying while the broker is unreachable), blocking every
request of the worker meanwhile. With `task_always_eager` (common in tests and development)
they run the task inline on the event loop, where a task that uses the ORM raises
`SynchronousOnlyOperation`. Celery has no async send API; run the call in a thread. Any Django
version.

## Example
```python
from celery import shared_task


@shared_task
def send_receipt(order_id):
    ...


async def checkout(request, order_id):
    send_receipt.delay(order_id)
    return JsonResponse({"ok": True})
```

## Use instead
```python
from asgiref.sync import sync_to_async
from celery import shared_task


@shared_task
def send_receipt(order_id):
    ...


async def checkout(request, order_id):
    await sync_to_async(send_receipt.delay)(order_id)
    return JsonResponse({"ok": True})
```

## Fix safety
None: the change is not mechanical, a person writes it.
"""

import ast

from verify.analysis.finding import Severity
from verify.analysis.registry import Rule

rule = Rule("DJA319", "blocking-celery-enqueue", __doc__, severity=Severity.WARNING, triggers=(".delay(", ".apply_async("))


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr in ("delay", "apply_async") and isinstance(func.value, ast.Name)):
        return
    if not _is_celery_task(func.value.id, ctx.file):
        return
    call = f"{func.value.id}.{func.attr}"
    ctx.report(node, f"`{call}(...)` sends a Celery task to the broker synchronously, blocking the event loop "
               "(and runs the task inline, on the loop, when tasks are eager)",
               f"run it in a thread: `await sync_to_async({call})(...)`")


def _is_celery_task(name: str, file) -> bool:
    """A function of this file, or imported from a project module, decorated as a Celery task."""
    for node in file.tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return _celery_decorated(node, file)
    project = file.project
    if project is None or getattr(file, "module_name", None) is None or name not in file.imports:
        return False
    found = project.resolve_name(file, name)
    if found is None or found[1] not in found[0].functions:
        return False
    return _celery_decorated(found[0].functions[found[1]], found[0].file)


def _celery_decorated(function: ast.FunctionDef | ast.AsyncFunctionDef, file) -> bool:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        qualified = file.qualified(target) or ""
        if qualified.startswith("celery.") and qualified.endswith("shared_task"):
            return True
        if isinstance(target, ast.Attribute) and target.attr == "task" and _is_celery_app(target.value, file):
            return True
    return False


def _is_celery_app(node: ast.expr, file) -> bool:
    """``app`` in ``@app.task``: a module-level ``Celery(...)``, or imported from a module (``from
    proj.celery import app``) whose name says it is one."""
    if not isinstance(node, ast.Name):
        return False
    value = file.module_values.get(node.id)
    if isinstance(value, ast.Call):
        return (file.qualified(value.func) or "").startswith("celery.")
    return ".celery." in f".{file.imports.get(node.id, '')}"
