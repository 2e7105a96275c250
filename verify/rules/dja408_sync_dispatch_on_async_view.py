"""## What it does
Checks for class-based views with async handlers whose `dispatch` stays sync and wrapped: a
`@method_decorator(..., name="dispatch")` on the class, or one of Django's auth mixins
(`LoginRequiredMixin`, `PermissionRequiredMixin`, `UserPassesTestMixin`), also inherited
through the project's own base views in other modules, when neither the class nor one of its
project base classes defines `async def dispatch`.

## Why is this bad?
`View.dispatch` and the auth mixins' `dispatch` are sync, even in Django 6.1. Django awaits
an async view's result, so when the sync wrapper refuses the request it returns a plain
response and Django fails with `TypeError: object HttpResponseRedirect can't be used in 'await'
expression`; when it checks a logged-in user, `request.user` runs a sync query on the event loop
and raises `SynchronousOnlyOperation`. Converting the handlers to `async def` while keeping the
access check on `dispatch` breaks the view. `csrf_exempt` and the `sensitive_*` decorators only
mark the view and are left alone.

## Example
```python
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View


@method_decorator(login_required, name="dispatch")
class OrderListView(View):
    async def get(self, request):
        return JsonResponse({"count": await Order.objects.acount()})
```

## Use instead
```python
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View


# method_decorator wraps async methods from Django 5.2; before 5.2, check
# `(await request.auser()).is_authenticated` in the handler instead.
@method_decorator(login_required, name="get")
class OrderListView(View):
    async def get(self, request):
        return JsonResponse({"count": await Order.objects.acount()})
```

## Fix safety
None: the change is not mechanical, a person writes it.
"""

import ast

from verify.analysis.registry import Rule
from verify.analysis.view_shapes import class_views, project_bases

rule = Rule("DJA408", "sync-dispatch-on-async-view", __doc__, min_version=(4, 1), scope="module")

_METHOD_DECORATOR = "django.utils.decorators.method_decorator"
# Decorators whose sync wrapper passes the handler's coroutine through untouched.
_PASS_THROUGH = {"django.views.decorators.csrf.csrf_exempt", "django.views.decorators.debug.sensitive_post_parameters",
                 "django.views.decorators.debug.sensitive_variables"}
_AUTH_MIXINS = {f"django.contrib.auth.mixins.{name}" for name in ("LoginRequiredMixin", "PermissionRequiredMixin", "UserPassesTestMixin")}


@rule.visits(ast.ClassDef)
def check(node: ast.ClassDef, ctx) -> None:
    if not node.bases:
        return
    views = class_views(ctx.file)
    handlers = views.handlers(node)
    if not views.is_view(node) or not handlers or not all(h.is_async for h in handlers.values()):
        return
    if _async_dispatch(node, ctx.file, set()):
        return
    for decorator in node.decorator_list:
        if _wraps_dispatch(decorator, ctx):
            ctx.report(decorator, f"`{ctx.source(decorator)}` wraps the sync `dispatch` of async view `{node.name}`: a refused request "
                       "returns a plain response that Django then awaits (TypeError), and the check runs sync code on the event loop",
                       hint=f"decorate the async handlers instead: `name=\"{sorted(handlers)[0]}\"` for each (Django 5.2+), "
                            "or do the check inside them with `user = await request.auser()`")
    for mixin in _auth_mixins(node, ctx.file, set()):
        name = mixin.rsplit(".", 1)[1]
        ctx.report(node, f"`{name}` checks access in a sync `dispatch` but `{node.name}`'s handlers are async: a refused request returns a "
                   "plain response that Django then awaits (TypeError), and `request.user` is read on the event loop",
                   hint="drop the mixin and check in the async handlers (`user = await request.auser()`), "
                        "or use `@method_decorator(login_required, name=...)` on each handler (Django 5.2+)")


def _wraps_dispatch(decorator: ast.expr, ctx) -> bool:
    if not (isinstance(decorator, ast.Call) and (ctx.qualified(decorator.func) or "") == _METHOD_DECORATOR and decorator.args):
        return False
    name = next((k.value.value for k in decorator.keywords if k.arg == "name" and isinstance(k.value, ast.Constant)), None)
    if name != "dispatch":
        return False
    wrapped = decorator.args[0]
    elements = wrapped.elts if isinstance(wrapped, (ast.List, ast.Tuple)) else [wrapped]
    names = [ctx.qualified(e.func if isinstance(e, ast.Call) else e) or "" for e in elements]
    return any(name not in _PASS_THROUGH for name in names)


def _async_dispatch(cls: ast.ClassDef, file, seen: set) -> bool:
    """The class or a base of the project defines ``async def dispatch``."""
    if (file.path, cls.name) in seen:
        return False
    seen.add((file.path, cls.name))
    if any(isinstance(item, ast.AsyncFunctionDef) and item.name == "dispatch" for item in cls.body):
        return True
    return any(_async_dispatch(base, base_file, seen) for base_file, base in project_bases(cls, file))


def _auth_mixins(cls: ast.ClassDef, file, seen: set) -> list[str]:
    """Django's auth mixins among the class's bases, through the project's own base classes."""
    if (file.path, cls.name) in seen:
        return []
    seen.add((file.path, cls.name))
    found = [qualified for qualified in (file.qualified(base) or "" for base in cls.bases) if qualified in _AUTH_MIXINS]
    for base_file, base in project_bases(cls, file):
        found += _auth_mixins(base, base_file, seen)
    return found
