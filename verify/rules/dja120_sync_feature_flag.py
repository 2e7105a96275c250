"""## What it does
Checks for database-backed feature flags read from async code: django-waffle's
`flag_is_active()`, `switch_is_active()` and `sample_is_active()`, and django-flags'
`flag_enabled()`, `flag_disabled()`, `flag_state()`, `enable_flag()` and `disable_flag()`.

## Why is this bad?
Neither library has an async API. waffle looks the flag up in Django's cache and, on a miss, in
the database, and a flag's `is_active(request)` reads `request.user` and the user's groups;
django-flags reads the flag conditions stored in the database (its default `FLAG_SOURCES`) and
writes them with `save()`. On the event loop the queries raise `SynchronousOnlyOperation`, and
the cache lookups block it. This holds in every Django version.

## Example
```python
from django.http import JsonResponse
from waffle import flag_is_active


async def checkout(request):
    if flag_is_active(request, "new_checkout"):
        return JsonResponse({"flow": "new"})
    return JsonResponse({"flow": "old"})
```

## Use instead
```python
from asgiref.sync import sync_to_async
from django.http import JsonResponse
from waffle import flag_is_active


async def checkout(request):
    if await sync_to_async(flag_is_active)(request, "new_checkout"):
        return JsonResponse({"flow": "new"})
    return JsonResponse({"flow": "old"})
```

## Fix safety
None: wrapping the call in `sync_to_async` needs an import, which a person adds.
"""

import ast

from verify.analysis.registry import Rule

rule = Rule("DJA120", "sync-feature-flag", __doc__, min_version=(4, 1))

# qualified function -> what it does synchronously (waffle/__init__.py, flags/state.py)
_FLAG_FUNCTIONS = {
    **{f"waffle.{kind}_is_active": f"looks the {kind} up in the cache and, on a miss, in the database"
       for kind in ("flag", "switch", "sample")},
    **{f"flags.state.{name}": "reads the flag's conditions from the database" for name in (
        "flag_enabled", "flag_disabled", "flag_state")},
    **{f"flags.state.{name}": "writes the flag's condition to the database" for name in ("enable_flag", "disable_flag")},
}


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    qualified = ctx.qualified(node.func) or ""
    what = _FLAG_FUNCTIONS.get(qualified)
    if what is None:
        return
    name = qualified.rsplit(".", 1)[1]
    ctx.report(node, f"`{name}()` {what}, synchronously in async code (a query raises SynchronousOnlyOperation)",
               f"call it with `await sync_to_async({ctx.source(node.func, 40)})(...)`")
