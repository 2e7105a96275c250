"""## What it does
Checks for lazy QuerySets passed from async code to `JsonResponse`, `HttpResponse` or
`serializers.serialize()`.

## Why is this bad?
`serializers.serialize()` and `HttpResponse` iterate the QuerySet immediately, in the event
loop (`SynchronousOnlyOperation`); `JsonResponse` cannot encode a QuerySet at all
(`TypeError: Object of type QuerySet is not JSON serializable`).

## Example
```python
from django.http import JsonResponse

from shop.models import Product


async def product_api(request):
    products = Product.objects.values("id", "name")
    return JsonResponse({"products": products})
```

## Use instead
```python
from django.http import JsonResponse

from shop.models import Product


async def product_api(request):
    products = [p async for p in Product.objects.values("id", "name")]
    return JsonResponse({"products": products})
```

## Fix safety
None: evaluating the QuerySet before the response changes what the code builds.
"""

import ast

from verify.analysis.registry import Rule
from verify.rules.dja201_lazy_queryset_in_render import context_argument, lazy_items

rule = Rule("DJA202", "lazy-queryset-in-response", __doc__, min_version=(4, 1))
_CONSUMERS = {"django.http.JsonResponse": 0, "django.http.response.JsonResponse": 0, "django.http.HttpResponse": 0,
              "django.http.response.HttpResponse": 0, "django.core.serializers.serialize": 1}


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    qualified = ctx.qualified(node.func) or ""
    if qualified not in _CONSUMERS:
        return
    name = qualified.rsplit(".", 1)[1]
    for key in lazy_items(context_argument(node, _CONSUMERS[qualified]), ctx):
        ctx.report(node, f"lazy QuerySet `{key}` is passed to `{name}()` from async code",
                   "evaluate it first: `[obj async for obj in qs]`")
