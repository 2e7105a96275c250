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
"""

import ast

from verify.analysis import hints
from verify.analysis.registry import Rule

rule = Rule("DJA110", "sync-shortcut", __doc__, min_version=(4, 1))
_SHORTCUTS = {"django.shortcuts.get_object_or_404": "aget_object_or_404", "django.shortcuts.get_list_or_404": "aget_list_or_404"}


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    qualified = ctx.qualified(node.func) or ""
    if qualified in _SHORTCUTS:
        name = qualified.rsplit(".", 1)[1]
        ctx.report(node, f"`{name}()` runs a sync query in async code (raises SynchronousOnlyOperation)",
                   hints.async_twin(f"{name}(...)", f"{_SHORTCUTS[qualified]}(...)", (5, 0), ctx.version))
