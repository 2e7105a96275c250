"""## What it does
Checks for the sync permission and authentication hooks of Django REST framework style views
called in async code: `check_permissions()`, `check_object_permissions()`,
`perform_authentication()` and `check_throttles()`, as DRF's `APIView`, adrf,
django-ninja-extra's controllers and django-socio-grpc's services define them, when the call is
neither awaited nor run with `sync_to_async`.

## Why is this bad?
These hooks run the view's permission, authentication and throttle classes synchronously. A
permission class reads `request.user`, which authenticates the request with sync queries (the
session and the user with `SessionAuthentication`, the token table with `TokenAuthentication`);
an object permission often follows a foreign key of the object; a throttle reads and writes the
cache. On the event loop the queries raise `SynchronousOnlyOperation`, and the rest blocks every
request the worker serves. Real releases shipped this: adrf 0.1.11's `aget_object()`,
django-ninja-extra 0.15.8's async routes, django-socio-grpc 0.19.2's async auth middleware.

## Example
```python
class OrderViewSet(ViewSet):
    async def aget_object(self):
        order = await Order.objects.aget(pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, order)
        return order
```

## Use instead
```python
class OrderViewSet(ViewSet):
    async def aget_object(self):
        order = await Order.objects.aget(pk=self.kwargs["pk"])
        await sync_to_async(self.check_object_permissions)(self.request, order)
        return order
```
(or the framework's async twin, where it has one).

## Fix safety
None: the framework may have an async twin that the call should use instead.
"""

import ast

from verify.analysis import types as ty
from verify.analysis.registry import Rule

rule = Rule("DJA125", "sync-permission-check", __doc__, min_version=(4, 1))

_HOOKS = {
    "check_permissions": "runs the permission classes",
    "check_object_permissions": "runs the object permission classes",
    "perform_authentication": "runs the authentication classes",
    "check_throttles": "runs the throttle classes",
}


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in _HOOKS:
        return
    if isinstance(ctx.parent(node), ast.Await):
        return  # an async hook of the project's own
    value = ctx.type_of(node)
    if value is not None and value.kind == ty.COROUTINE:
        return  # known async: a missing await is DJA101's
    call = ctx.source(node, 60)
    ctx.report(node, f"`{call}` {_HOOKS[func.attr]} synchronously in async code: they read `request.user` "
                     "(sync authentication queries), related objects or the cache (SynchronousOnlyOperation, "
                     "or a blocked event loop)",
               f"run it with `await sync_to_async({ctx.source(func, 50)})(...)`, or use the framework's async twin")
