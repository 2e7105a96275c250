"""## What it does
Checks for the sync `Paginator` used in async code: `page()`, `get_page()`, `count`,
`num_pages`, `page_range`.

## Why is this bad?
They count and slice the QuerySet with sync queries and raise `SynchronousOnlyOperation`.
Django 6.0 added `AsyncPaginator` (`await paginator.aget_page(n)`).

## Example
```python
async def product_list(request):
    page = Paginator(Product.objects.all(), 20).get_page(request.GET.get("page"))
```

## Use instead
```python
async def product_list(request):
    page = await AsyncPaginator(Product.objects.all(), 20).aget_page(request.GET.get("page"))
```

## Fix safety
None yet: `AsyncPaginator` (Django 6.0+) is built and read differently.
"""

import ast

from verify.analysis import hints
from verify.analysis import types as ty
from verify.analysis.registry import Rule

rule = Rule("DJA111", "sync-paginator", __doc__, min_version=(4, 1))
_METHODS = {"page": "apage", "get_page": "aget_page", "validate_number": "avalidate_number", "get_elided_page_range": "aget_elided_page_range"}
_PROPERTIES = {"count": "acount", "num_pages": "anum_pages", "page_range": "apage_range"}


def _hint(twin: str, ctx) -> str:
    if ctx.version >= (6, 0):
        return f"use `AsyncPaginator` and `await paginator.{twin}(...)`"
    return "`AsyncPaginator` needs Django 6.0+: " + hints.offload("the pagination")


@rule.visits(ast.Attribute)
def check(node: ast.Attribute, ctx) -> None:
    receiver = ctx.type_of(node.value)
    if receiver is None or receiver.kind != ty.PAGINATOR or not isinstance(node.ctx, ast.Load):
        return
    parent = ctx.parent(node)
    is_call = isinstance(parent, ast.Call) and parent.func is node
    if is_call and node.attr in _METHODS:
        ctx.report(parent, f"`Paginator.{node.attr}()` runs sync queries in async code (raises SynchronousOnlyOperation)", _hint(_METHODS[node.attr], ctx))
    elif not is_call and node.attr in _PROPERTIES:
        ctx.report(node, f"`Paginator.{node.attr}` runs a sync count query in async code", _hint(_PROPERTIES[node.attr], ctx))
