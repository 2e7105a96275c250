"""## What it does
Checks for `signal.send(...)` and `signal.send_robust(...)` in async code, on Django's own
signals (`post_save`, `user_logged_in`...) and on the project's `Signal()` instances.

## Why is this bad?
`send()` calls every sync receiver right there, on the event loop: a receiver that touches the
database raises `SynchronousOnlyOperation`, and one that does other I/O blocks every request
of the worker. Since Django 5.0, when a receiver is `async def`, `send()` runs it through
`async_to_sync`, which raises `RuntimeError` on the event loop. Django 5.0 added
`Signal.asend()` / `asend_robust()`, which run sync receivers through `sync_to_async` and
await async ones. Before 5.0, call `send()` through `sync_to_async`.

## Example
```python
from django.dispatch import Signal

order_paid = Signal()


async def pay(request, order_id):
    order = await Order.objects.aget(id=order_id)
    order_paid.send(sender=Order, order=order)
    return JsonResponse({"paid": True})
```

## Use instead
```python
from django.dispatch import Signal

order_paid = Signal()


async def pay(request, order_id):
    order = await Order.objects.aget(id=order_id)
    await order_paid.asend(sender=Order, order=order)
    return JsonResponse({"paid": True})
```

## Fix safety
Safe from Django 5.0: `signal.send(...)` becomes `await signal.asend(...)` (`send_robust`
`await signal.asend_robust(...)`), with the arguments as they are; the receivers are the same
and return the same `(receiver, response)` pairs. No fix before 5.0, in a generator expression
or a sync helper.
"""

import ast

from verify.analysis import fixes, hints
from verify.analysis.finding import Severity
from verify.analysis.registry import Rule

# A warning: whether it raises depends on the receivers, which may be connected anywhere.
rule = Rule("DJA118", "sync-signal-send", __doc__, min_version=(4, 1), severity=Severity.WARNING, triggers=("send",))

_SIGNAL_CLASSES = {"django.dispatch.Signal", "django.dispatch.dispatcher.Signal", "django.dispatch.ModelSignal",
                   "django.db.models.signals.ModelSignal"}


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr in ("send", "send_robust")):
        return
    if not _is_signal(func.value, ctx):
        return
    signal = ctx.source(func.value, 40)
    call = f"{signal}.{func.attr}(...)"
    ctx.report(node, f"`{call}` runs the signal's receivers synchronously on the event loop: one that queries raises "
               "SynchronousOnlyOperation, and async receivers go through async_to_sync (RuntimeError)",
               hints.async_twin(call, f"{signal}.a{func.attr}(...)", (5, 0), ctx.version),
               fix=fixes.awaited_method_twin(node, f"a{func.attr}", ctx) if ctx.version >= (5, 0) else None)


def _is_signal(node: ast.expr, ctx) -> bool:
    """A Django signal (``django.db.models.signals.post_save``), or a module-level ``Signal()``
    of this file or of the project module it is imported from."""
    qualified = ctx.qualified(node) or ""
    if qualified.startswith("django.") and ".signals." in qualified:
        return True
    if isinstance(node, ast.Name):
        return _defined_as_signal(ctx.file, node.id, ctx) or _imported_signal(qualified, ctx)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):  # signals.order_paid
        return _imported_signal(qualified, ctx)
    return False


def _defined_as_signal(file, name: str, ctx) -> bool:
    value = file.module_values.get(name)
    return isinstance(value, ast.Call) and (file.qualified(value.func) or "") in _SIGNAL_CLASSES


def _imported_signal(qualified: str, ctx) -> bool:
    project = ctx.file.project
    module_name, _, name = qualified.rpartition(".")
    if project is None or not module_name or module_name.startswith("django."):
        return False
    module = project.module(module_name)
    return module is not None and _defined_as_signal(module.file, name, ctx)
