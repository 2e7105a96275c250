"""## What it does
Checks for `get_object_or_404()` and `get_list_or_404()` in async code.

## Why is this bad?
Both run a sync query and raise `SynchronousOnlyOperation` from the event loop. Django 5.0
added `aget_object_or_404()` and `aget_list_or_404()`.

## Example
```python
from django.shortcuts import get_object_or_404

from shop.models import Product


async def product_detail(request, product_id):
    product = get_object_or_404(Product, id=product_id)
```

## Use instead
```python
from django.shortcuts import aget_object_or_404

from shop.models import Product


async def product_detail(request, product_id):
    product = await aget_object_or_404(Product, id=product_id)
```

## Fix safety
Safe from Django 5.0: `get_object_or_404(...)` becomes `await aget_object_or_404(...)` (and
`get_list_or_404` `await aget_list_or_404`), with the arguments as they are and
`from django.shortcuts import aget_object_or_404` added when the module lacks it. No fix before
5.0, in a generator expression, or where the async name is bound to something else.
"""

import ast

from verify.analysis import fixes, hints
from verify.analysis.registry import Rule

rule = Rule("DJA110", "sync-shortcut", __doc__, min_version=(4, 1))
_SHORTCUTS = {"django.shortcuts.get_object_or_404": "aget_object_or_404", "django.shortcuts.get_list_or_404": "aget_list_or_404"}


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    qualified = ctx.qualified(node.func) or ""
    if qualified in _SHORTCUTS:
        name = qualified.rsplit(".", 1)[1]
        ctx.report(node, f"`{name}()` runs a sync query in async code (raises SynchronousOnlyOperation)",
                   hints.async_twin(f"{name}(...)", f"{_SHORTCUTS[qualified]}(...)", (5, 0), ctx.version),
                   fix=fixes.awaited_function_twin(node, "django.shortcuts", _SHORTCUTS[qualified], ctx) if ctx.version >= (5, 0) else None)
