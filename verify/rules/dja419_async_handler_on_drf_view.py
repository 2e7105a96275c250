"""## What it does
Checks for `async def` handlers on Django REST framework views: an HTTP method handler
(`get`, `post`...) or a viewset action (`list`, `retrieve`, `create`, `update`,
`partial_update`, `destroy`, `@action` methods) of an `APIView`, generic view or viewset
(also through the project's own base classes), and `async def` functions decorated with
`@api_view`. Views built on `adrf` (async DRF) and classes that define their own
`async def dispatch` are left alone.

## Why is this bad?
DRF's `APIView.dispatch` is sync and calls the handler without awaiting it: the handler's
coroutine never runs, and DRF fails with `AssertionError: Expected a Response, HttpResponse or
HttpStreamingResponse to be returned from the view, but received a <class 'coroutine'>`.
DRF has no async views in any version up to 3.16; the `adrf` package provides async `APIView`,
`ViewSet` and `@api_view` that do await them. Applies to every Django version.

## Example
```python
from rest_framework.response import Response
from rest_framework.views import APIView


class OrderCount(APIView):
    async def get(self, request):
        return Response({"count": await Order.objects.acount()})
```

## Use instead
```python
from adrf.views import APIView
from rest_framework.response import Response


class OrderCount(APIView):
    async def get(self, request):
        return Response({"count": await Order.objects.acount()})
```

## Fix safety
None: the change is not mechanical, a person writes it.
"""

import ast

from verify.analysis.registry import Rule
from verify.analysis.view_shapes import HTTP_HANDLERS, project_bases

rule = Rule("DJA419", "async-handler-on-drf-view", __doc__, min_version=(4, 1), scope="module")

_ACTIONS = {*HTTP_HANDLERS, "list", "retrieve", "create", "update", "partial_update", "destroy"}
# Views, generic views, viewsets and their mixins: not serializers, whose `create` is no handler.
_DRF_VIEW_MODULES = ("rest_framework.views.", "rest_framework.generics.", "rest_framework.viewsets.", "rest_framework.mixins.")
_HINT = "DRF calls handlers synchronously: build the view on `adrf` (`from adrf.views import APIView`, `adrf.viewsets`), or make the handler sync"


@rule.visits(ast.ClassDef)
def check_class(node: ast.ClassDef, ctx) -> None:
    if not node.bases:
        return
    handlers = [item for item in node.body if isinstance(item, ast.AsyncFunctionDef) and _is_handler(item, ctx)]
    if not handlers or _framework(node, ctx.file, set()) != "drf":
        return
    for handler in handlers:
        ctx.report(handler, f"`async def {handler.name}` on DRF view `{node.name}`: DRF calls it without awaiting, so it returns a "
                   "coroutine and DRF raises AssertionError (the handler never runs)", _HINT)


@rule.visits(ast.AsyncFunctionDef)
def check_function(node: ast.AsyncFunctionDef, ctx) -> None:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if (ctx.qualified(target) or "") == "rest_framework.decorators.api_view":
            ctx.report(node, f"`async def {node.name}` under DRF's `@api_view`: DRF calls it without awaiting and raises AssertionError",
                       "use `adrf.decorators.api_view`, which awaits async views, or make the view sync")
            return


def _is_handler(function: ast.AsyncFunctionDef, ctx) -> bool:
    if function.name in _ACTIONS:
        return True
    return any((ctx.qualified(d.func if isinstance(d, ast.Call) else d) or "").startswith("rest_framework.decorators.action")
               for d in function.decorator_list)


def _framework(cls: ast.ClassDef, file, seen: set) -> str | None:
    """"drf" when the class is a DRF view, "async" when it (or a base) is adrf's or awaits its
    handlers itself (``async def dispatch``, ``view_is_async``), else None."""
    if (file.path, cls.name) in seen:
        return None
    seen.add((file.path, cls.name))
    for item in cls.body:
        if isinstance(item, ast.AsyncFunctionDef) and item.name == "dispatch":
            return "async"
        names = [t.id for t in item.targets if isinstance(t, ast.Name)] if isinstance(item, ast.Assign) else []
        if "view_is_async" in names or isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "view_is_async":
            return "async"
    found = None
    qualified = [file.qualified(base) or "" for base in cls.bases]
    if any(name.startswith("adrf.") for name in qualified):
        return "async"
    if any(name.startswith(_DRF_VIEW_MODULES) for name in qualified):
        found = "drf"
    for base_file, base in project_bases(cls, file):
        inherited = _framework(base, base_file, seen)
        if inherited == "async":
            return "async"
        found = found or inherited
    return found
