"""## What it does
Checks for the sync `Paginator` used in async code: `page()`, `get_page()`, `count`,
`num_pages`, `page_range`; and for a page of a QuerySet read as a sequence (`len(page)`,
`for obj in page`, `page[0]`, `list(page)`) before its objects are loaded: a `Page` got in a
thread (`await sync_to_async(paginator.get_page)(n)`), or an `AsyncPage` (Django 6.0+) before
`await page.aget_object_list()`. (`page.object_list` iterated is DJA103, a page passed to
`render()` DJA201.)

## Why is this bad?
They count and slice the QuerySet with sync queries and raise `SynchronousOnlyOperation`.
Django 6.0 added `AsyncPaginator` (`await paginator.aget_page(n)`). A page only slices the
QuerySet: a `Page` evaluates it when it is first read as a sequence, wherever that is, and an
`AsyncPage` raises `TypeError` ("AsyncPage.aget_object_list() must be awaited before calling
len().") until `await page.aget_object_list()` has loaded it. Before 6.0, load a `Page` in the
thread: `page.object_list = await sync_to_async(list)(page.object_list)`.

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

from verify.analysis import hints, pages
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


def _report_page(node: ast.AST, value: ast.expr, how: str, ctx) -> None:
    kind = pages.unloaded_page(ctx.type_of(value))
    if kind is None:
        return
    page = ctx.source(value, 40)
    if kind == "AsyncPage":
        message = f"{how} reads `AsyncPage` `{page}` as a sequence before `await {page}.aget_object_list()`: raises TypeError"
    else:
        message = f"{how} reads `Page` `{page}` as a sequence: it evaluates the page's QuerySet with a sync query in async code (raises SynchronousOnlyOperation)"
    ctx.report(node, message, pages.load_hint(kind, ctx.version, page))


_SEQUENCE_READERS = frozenset({"len", "list", "tuple", "sorted", "set", "reversed"})


@rule.visits(ast.Call)
def check_page_builtin(node: ast.Call, ctx) -> None:
    if isinstance(node.func, ast.Name) and node.func.id in _SEQUENCE_READERS and len(node.args) == 1 and not node.keywords:
        _report_page(node, node.args[0], f"`{node.func.id}()`", ctx)


@rule.visits(ast.For)
def check_page_loop(node: ast.For, ctx) -> None:
    _report_page(node.iter, node.iter, "a `for` loop", ctx)


@rule.visits(ast.comprehension)
def check_page_comprehension(node: ast.comprehension, ctx) -> None:
    if not node.is_async:
        _report_page(node.iter, node.iter, "a comprehension", ctx)


@rule.visits(ast.Subscript)
def check_page_index(node: ast.Subscript, ctx) -> None:
    if isinstance(node.ctx, ast.Load):
        _report_page(node, node.value, "indexing", ctx)
