"""## What it does
Checks for class-based views that mix `async def` and `def` HTTP handlers.

The handlers are `get`, `post`, `put`, `patch`, `delete`, `head` and `trace`, including those a
class inherits from Django's generic views (`TemplateView.get`, `FormView.post`...) and from base
classes defined in the same file. `options`, which every `View` inherits, is left out, as Django
does.

## Why is this bad?
Django requires the handlers of one view to be all sync or all async: `as_view()` raises
`ImproperlyConfigured: ... HTTP handlers must either be all sync or all async.` when the URLconf
loads. Converting only `post` of a `FormView`, or only `get` of a view whose `post` stays sync,
breaks the whole view.

## Example
```python
from django.http import JsonResponse
from django.views import View


class OrderView(View):
    async def get(self, request, order_id):
        order = await Order.objects.aget(id=order_id)
        return JsonResponse({"total": order.total})

    def post(self, request, order_id):
        Order.objects.filter(id=order_id).update(status="paid")
        return JsonResponse({"ok": True})
```

## Use instead
```python
from django.http import JsonResponse
from django.views import View


class OrderView(View):
    async def get(self, request, order_id):
        order = await Order.objects.aget(id=order_id)
        return JsonResponse({"total": order.total})

    async def post(self, request, order_id):
        await Order.objects.filter(id=order_id).aupdate(status="paid")
        return JsonResponse({"ok": True})
```

## Fix safety
None: the change is not mechanical, a person writes it.
"""

import ast

from verify.analysis.registry import Rule
from verify.analysis.view_shapes import class_views

rule = Rule("DJA402", "mixed-sync-async-handlers", __doc__, min_version=(4, 1), scope="module")


@rule.visits(ast.ClassDef)
def check(node: ast.ClassDef, ctx) -> None:
    if not node.bases:
        return
    views = class_views(ctx.file)
    if not views.is_view(node):
        return
    handlers = views.handlers(node)
    async_ones = sorted(h.name for h in handlers.values() if h.is_async)
    sync_ones = sorted(h.name for h in handlers.values() if not h.is_async)
    if not async_ones or not sync_ones:
        return
    inherited = [f"`{h.name}` from {h.owner}" for h in handlers.values() if not h.is_async and h.owner != node.name]
    where = f" (inherited: {', '.join(sorted(inherited))})" if inherited else ""
    ctx.report(
        node,
        f"view `{node.name}` mixes async handlers ({_names(async_ones)}) with sync ones ({_names(sync_ones)}){where}: "
        "Django raises ImproperlyConfigured (handlers must be all sync or all async)",
        hint=f"make {_names(sync_ones)} `async def` too (override inherited ones), or keep every handler sync",
    )


def _names(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)
