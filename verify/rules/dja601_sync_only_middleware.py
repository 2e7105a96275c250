"""## What it does
Checks `MIDDLEWARE` for the project's own sync-only middleware, when it has async views.

A middleware class is sync-only when it neither sets `async_capable = True` nor derives from
`MiddlewareMixin`; a function middleware when it has neither `@sync_and_async_middleware` nor
`@async_only_middleware`. Third-party and Django middleware are not checked (Django's own all
derive from `MiddlewareMixin`).

## Why is this bad?
Django adapts a sync-only middleware for async requests by switching to a thread around it,
on every request, and a sync middleware between the ASGI server and an async view holds a
thread for the request. Each one eats into what the async views gain.

## Example
```python
# settings.py
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "shop.middleware.TimingMiddleware",
]

# shop/middleware.py
import time


class TimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={time.monotonic() - started:.3f}"
        return response
```

## Use instead
```python
# shop/middleware.py
import time
from asgiref.sync import iscoroutinefunction, markcoroutinefunction


class TimingMiddleware:
    async_capable = True
    sync_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        started = time.monotonic()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={time.monotonic() - started:.3f}"
        return response

    async def __acall__(self, request):
        started = time.monotonic()
        response = await self.get_response(request)
        response["Server-Timing"] = f"app;dur={time.monotonic() - started:.3f}"
        return response
```

## Fix safety
None: settings and deployment files are changed by hand.
"""

from verify.analysis.finding import Severity
from verify.analysis.registry import Rule
from verify.project.checks import project_check
from verify.project.middleware import Loader, sync_only_reason

rule = Rule("DJA601", "sync-only-middleware", __doc__, min_version=(4, 1), severity=Severity.WARNING, scope="project")

@project_check(rule)
def check(ctx) -> None:
    if not ctx.has_async_views:
        return
    seen = set()
    for settings in ctx.settings:
        for entry in settings.middleware:
            where = (entry.at.path, entry.at.line, entry.at.column)
            if where in seen:
                continue
            seen.add(where)
            kind = sync_only_reason(entry.dotted, _project_modules(ctx))
            if kind is None:
                continue
            ctx.report(entry.at.path, entry.at.line, entry.at.column,
                       f"middleware `{entry.dotted}` is sync-only ({kind}): with async views, Django switches to a thread "
                       "and back around it on every request",
                       hint="make it async-capable: `async_capable = True` with an async branch (see Django's "
                            "\"Asynchronous support\" for middleware), or `@sync_and_async_middleware` on a function middleware",
                       end_column=entry.at.end_column)


def _project_modules(ctx) -> Loader:
    """The project's own modules only: third-party and Django middleware are not checked."""
    def load(module: str):
        path = ctx.finder.resolve(module) if module else None
        tree = ctx.files.tree(path) if path else None
        return (tree, path) if tree is not None else None
    return load
