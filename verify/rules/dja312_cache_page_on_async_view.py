"""## What it does
Checks for `@cache_page(...)` on an async view (or, through `method_decorator`, on an async
handler of a class-based view, from 5.2) from Django 5.0, where the decorator accepts async
views. Before 5.0 it cannot wrap them at all, and `method_decorator` cannot wrap an async method
before 5.2 (both DJA403).

## Why is this bad?
`cache_page` is Django's cache middleware turned into a decorator. Its async wrapper calls the
middleware's sync `process_request` and `process_response` directly on the event loop: the
cache lookup before the view and the cache writes after it use the sync cache API. With Redis,
Memcached or the file cache they block the event loop on every request; with the database
cache they raise `SynchronousOnlyOperation`. The per-site cache middleware
(`UpdateCacheMiddleware`, `FetchFromCacheMiddleware`) is different: Django runs it in a thread
under ASGI. `vary_on_headers`, `vary_on_cookie`, `cache_control` and `never_cache` only set
headers and are fine.

## Example
```python
from django.views.decorators.cache import cache_page


@cache_page(60 * 15)
async def product_list(request):
    products = [p async for p in Product.objects.values("name")]
    return JsonResponse({"products": products})
```

## Use instead
```python
from django.core.cache import cache


async def product_list(request):
    products = await cache.aget("product-list")
    if products is None:
        products = [p async for p in Product.objects.values("name")]
        await cache.aset("product-list", products, 60 * 15)
    return JsonResponse({"products": products})
```

## Fix safety
None: caching in the view changes what is cached (data, not the whole response), a person writes it.
"""

import ast

from verify.analysis.finding import Severity
from verify.analysis.registry import Rule
from verify.analysis.view_shapes import HTTP_HANDLERS, takes_request

rule = Rule("DJA312", "cache-page-on-async-view", __doc__, min_version=(5, 0), severity=Severity.WARNING, scope="module",
            triggers=("cache_page",))

_CACHE_PAGE = "django.views.decorators.cache.cache_page"
_METHOD_DECORATOR = "django.utils.decorators.method_decorator"
_METHOD_DECORATOR_READY = (5, 2)
_HANDLER_NAMES = (*HTTP_HANDLERS, "dispatch")


@rule.visits(ast.AsyncFunctionDef)
def check_function(node: ast.AsyncFunctionDef, ctx) -> None:
    owner = ctx.parent(node)
    is_handler = isinstance(owner, ast.ClassDef) and node.name in _HANDLER_NAMES
    if not (is_handler or isinstance(owner, ast.Module) and takes_request(node)):
        return
    for decorator in node.decorator_list:
        for cache_page in _cache_pages(decorator, ctx, inside_method_decorator=False):
            _report(cache_page, node.name, ctx, "handler" if is_handler else "view")


@rule.visits(ast.ClassDef)
def check_class(node: ast.ClassDef, ctx) -> None:
    """``@method_decorator(cache_page(60), name="get")`` on a class whose ``get`` is async."""
    async_handlers = {item.name for item in node.body if isinstance(item, ast.AsyncFunctionDef) and item.name in _HANDLER_NAMES}
    for decorator in node.decorator_list:
        if not (isinstance(decorator, ast.Call) and (ctx.qualified(decorator.func) or "") == _METHOD_DECORATOR):
            continue
        name = next((k.value.value for k in decorator.keywords if k.arg == "name" and isinstance(k.value, ast.Constant)), None)
        if name in async_handlers:
            for cache_page in _cache_pages(decorator, ctx, inside_method_decorator=False):
                _report(cache_page, name, ctx, "handler")


def _cache_pages(decorator: ast.expr, ctx, inside_method_decorator: bool) -> list[ast.Call]:
    """The ``cache_page(...)`` calls a decorator is, or wraps through ``method_decorator``."""
    if not isinstance(decorator, ast.Call):
        return []
    qualified = ctx.qualified(decorator.func) or ""
    if qualified == _CACHE_PAGE:
        return [decorator]
    # before 5.2 method_decorator itself breaks an async method (DJA403)
    if qualified == _METHOD_DECORATOR and decorator.args and not inside_method_decorator and ctx.version >= _METHOD_DECORATOR_READY:
        inner = decorator.args[0]
        elements = inner.elts if isinstance(inner, (ast.List, ast.Tuple)) else [inner]
        return [found for element in elements for found in _cache_pages(element, ctx, inside_method_decorator=True)]
    return []


def _report(cache_page: ast.Call, view: str, ctx, kind: str) -> None:
    ctx.report(cache_page, f"`@cache_page` on async {kind} `{view}` reads and writes the cache with the sync cache API on the event loop: "
               "it blocks the loop with Redis or Memcached and raises SynchronousOnlyOperation with the database cache",
               hint="cache inside the view with `await cache.aget(key)` and `await cache.aset(key, value, timeout)`, or use the "
               "per-site cache middleware, which Django runs in a thread under ASGI")
