"""## What it does
Checks for the sync cache API in async code: `cache.get()`, `cache.set()`, `get_or_set()`,
`delete()`... on `django.core.cache.cache` or `caches[...]`.

## Why is this bad?
Sync cache calls are not `async_unsafe`: with Redis or Memcached they do network I/O on the event
loop thread and raise nothing. Since Django 4.0 every method has an `a`-prefixed twin (`aget`,
`aset`, `aget_or_set`, `adelete`...). Only names that resolve to Django's cache are checked:
`dict.get()` or a local variable called `cache` never match.

## Example
```python
from django.core.cache import cache


async def dashboard(request):
    stats = cache.get("dashboard-stats")
    return JsonResponse(stats or {})
```

## Use instead
```python
from django.core.cache import cache


async def dashboard(request):
    stats = await cache.aget("dashboard-stats")
    return JsonResponse(stats or {})
```

## Fix safety
Safe: `cache.get(...)` becomes `await cache.aget(...)` (each method of Django's cache API its
`a`-twin), with the arguments as they are, since each twin takes the sync method's. No fix for
the django-redis methods, which have no twin (`delete_pattern`, `ttl`, `lock`...), in a
generator expression, or in a sync helper.
"""

import ast

from verify.analysis import blocking
from verify.analysis.finding import Severity
from verify.analysis.registry import Rule

rule = Rule("DJA307", "blocking-cache", __doc__, severity=Severity.WARNING)


# The visitor every DJA3xx rule shares: the engine runs it once per call for all of them.
rule.visits(ast.Call)(blocking.report)
