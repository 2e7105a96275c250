"""## What it does
Checks for lazy QuerySets (or managers, or related managers) passed from async code in the
context of `render()`, `render_to_string()` or a template's `render()`, and for pages of a
paginator whose QuerySet is not loaded yet: a `Page` got with `sync_to_async(paginator.get_page)`,
or an `AsyncPage` (Django 6.0+) without `await page.aget_object_list()`.

## Why is this bad?
These render immediately, in the event loop: when the template iterates the QuerySet, it runs
its query there and raises `SynchronousOnlyOperation`. `TemplateResponse` is different: Django
renders it later in a worker thread, so lazy QuerySets are fine there. A `Page` runs its query
when the template iterates it; an `AsyncPage` raises `TypeError` when it is read as a sequence
(`{% for obj in page_obj %}`, `len`) before `aget_object_list()` loads it.

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

from verify.analysis import pages
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


def _unloaded_pages(context: ast.AST | None, ctx) -> list[tuple[str, str, str]]:
    """(key, "Page" / "AsyncPage", the variable holding it) of the pages in a context whose
    QuerySet is not loaded."""
    value = ctx.type_of(context) if context is not None else None
    if value is None or value.kind != ty.DICT:
        return []
    written = {k.value: v for k, v in zip(context.keys, context.values) if isinstance(k, ast.Constant)} if isinstance(context, ast.Dict) else {}
    found = []
    for key, item in value.items:
        kind = pages.unloaded_page(item)
        if kind is not None:
            variable = written.get(key)
            found.append((key, kind, variable.id if isinstance(variable, ast.Name) else "page"))
    return found


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
    for key, kind, variable in _unloaded_pages(context, ctx):
        failure = ("raises TypeError" if kind == "AsyncPage" else "runs its query on the event loop (raises SynchronousOnlyOperation)")
        hint = pages.load_hint(kind, ctx.version, variable) + (", or return a `TemplateResponse`" if kind == "Page" else "")
        ctx.report(node, f"`{kind}` `{key}` is passed to `{name}()` before its QuerySet is loaded: where the template reads the page, it {failure}",
                   hint)
    for key in lazy_items(context, ctx):
        ctx.report(node, f"lazy QuerySet `{key}` is passed to `{name}()`: where the template reads it, its query runs on the event loop (raises SynchronousOnlyOperation)",
                   "evaluate it first with `[obj async for obj in qs]`, or return a `TemplateResponse`")
