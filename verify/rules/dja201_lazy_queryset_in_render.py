"""## What it does
Checks for lazy QuerySets (or managers, or related managers) passed from async code in the
context of `render()`, `render_to_string()` or a template's `render()`.

## Why is this bad?
These render immediately, in the event loop: when the template iterates the QuerySet, it runs
its query there and raises `SynchronousOnlyOperation`. `TemplateResponse` is different: Django
renders it later in a worker thread, so lazy QuerySets are fine there.

## Example
```python
from django.shortcuts import render

from shop.models import Order


async def order_list(request):
    user = await request.auser()
    orders = Order.objects.filter(user=user)
    return render(request, "orders.html", {"orders": orders})
```

## Use instead
```python
from django.shortcuts import render

from shop.models import Order


async def order_list(request):
    user = await request.auser()
    orders = [order async for order in Order.objects.filter(user=user)]
    return render(request, "orders.html", {"orders": orders})
```

## Fix safety
None: evaluating the QuerySet before rendering changes what the template gets.
"""

import ast

from verify.analysis import types as ty
from verify.analysis.registry import Rule

rule = Rule("DJA201", "lazy-queryset-in-render", __doc__, min_version=(4, 1))
# qualified renderer -> index of its context argument
_RENDERERS = {"django.shortcuts.render": 2, "django.template.loader.render_to_string": 1}


def lazy_items(context: ast.AST | None, ctx) -> list[str]:
    """Keys of a context dict whose values are lazy QuerySets (or the whole value if it is lazy)."""
    if context is None:
        return []
    value = ctx.type_of(context)
    if value is None:
        return []
    if value.is_lazy and not value.extra.get("prefetched"):
        return [ctx.source(context, 40)]
    if value.kind == ty.DICT:
        return [key for key, item in value.items if item.is_lazy and not item.extra.get("prefetched")]
    return []


def context_argument(node: ast.Call, position: int) -> ast.AST | None:
    if len(node.args) > position:
        return node.args[position]
    return next((k.value for k in node.keywords if k.arg in ("context", "data")), None)


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    qualified = ctx.qualified(node.func) or ""
    if qualified in _RENDERERS:
        context = context_argument(node, _RENDERERS[qualified])
        name = qualified.rsplit(".", 1)[1]
    elif isinstance(node.func, ast.Attribute) and node.func.attr == "render":
        receiver = ctx.type_of(node.func.value)
        if receiver is None or receiver.kind != ty.OBJECT or not receiver.cls.endswith(("get_template", "select_template", "Template")):
            return
        context = context_argument(node, 0)
        name = "template.render"
    else:
        return
    for key in lazy_items(context, ctx):
        ctx.report(node, f"lazy QuerySet `{key}` is passed to `{name}()`: where the template reads it, its query runs on the event loop (raises SynchronousOnlyOperation)",
                   "evaluate it first with `[obj async for obj in qs]`, or return a `TemplateResponse`")
