"""## What it does
Checks for decorators on async views that cannot wrap an async view in the target Django
version: Django's view decorators (`csrf_exempt`, `require_POST`, `never_cache`, `vary_on_headers`
and the rest of the 5.0 list, and `cache_page`, whose middleware-based wrapper learned async views
in 5.0 too) before 5.0, the auth decorators (`login_required`,
`permission_required`, `user_passes_test`, `staff_member_required`) before 5.1, `method_decorator`
on an async handler before 5.2, and, in every version, `transaction.atomic`, django-waffle's
`waffle_flag` / `waffle_switch` and the project's own
decorators (defined in the same module or imported from another one, such as a rate limiter)
whose sync wrapper calls the view without awaiting it.

## Why is this bad?
A decorator that wraps the view in a plain `def` hides the coroutine function: Django sees a
sync view, runs it in a thread, gets a coroutine back instead of a response and fails with
"The view ... didn't return an HttpResponse object. It returned an unawaited coroutine
instead." On a class-based view the handler turns sync, and the view either fails the same way
or raises `ImproperlyConfigured` for mixing sync and async handlers.

## Example
```python
from functools import wraps


def with_timing(view_func):
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        response = view_func(request, *args, **kwargs)
        response["Server-Timing"] = "app"
        return response

    return wrapper


@with_timing
async def product_list(request):
    products = [p async for p in Product.objects.all()]
    return JsonResponse({"count": len(products)})
```

## Use instead
```python
from functools import wraps


def with_timing(view_func):
    @wraps(view_func)
    async def wrapper(request, *args, **kwargs):
        response = await view_func(request, *args, **kwargs)
        response["Server-Timing"] = "app"
        return response

    return wrapper


@with_timing
async def product_list(request):
    products = [p async for p in Product.objects.all()]
    return JsonResponse({"count": len(products)})
```

## Fix safety
None: the change is not mechanical, a person writes it.
"""

import ast

from verify.analysis.django_api import fmt
from verify.analysis.registry import Rule
from verify.analysis.view_shapes import HTTP_HANDLERS, takes_request

rule = Rule("DJA403", "decorator-not-async-ready", __doc__, min_version=(4, 1), scope="module")

# Decorators that wrap async views since a given version (docs/releases/5.0.txt, 5.1.txt;
# cache_page through make_middleware_decorator, which has an async wrapper since 5.0).
_READY_SINCE: dict[str, tuple[int, int]] = {
    **{f"django.views.decorators.{name}": (5, 0) for name in (
        "cache.cache_control", "cache.never_cache", "common.no_append_slash",
        "csrf.csrf_exempt", "csrf.csrf_protect", "csrf.ensure_csrf_cookie", "csrf.requires_csrf_token",
        "debug.sensitive_variables", "debug.sensitive_post_parameters", "gzip.gzip_page",
        "http.condition", "http.conditional_page", "http.etag", "http.last_modified",
        "http.require_http_methods", "http.require_GET", "http.require_POST", "http.require_safe",
        "vary.vary_on_cookie", "vary.vary_on_headers", "cache.cache_page",
        "clickjacking.xframe_options_deny", "clickjacking.xframe_options_sameorigin", "clickjacking.xframe_options_exempt",
    )},
    "django.contrib.auth.decorators.login_required": (5, 1),
    "django.contrib.auth.decorators.permission_required": (5, 1),
    "django.contrib.auth.decorators.user_passes_test": (5, 1),
    "django.contrib.admin.views.decorators.staff_member_required": (5, 1),
}
_AUTH_DECORATORS = frozenset({"login_required", "permission_required", "user_passes_test", "staff_member_required"})


def _instead(name: str, version) -> str:
    """What to do inside the async view instead of the decorator, on a version it does not support."""
    if name in _AUTH_DECORATORS:
        if version >= (5, 0):
            return "do the check inside the view (`user = await request.auser()`)"
        return "do the check in a sync function run with `await sync_to_async(check)(request)` (`request.auser()` needs Django 5.0)"
    if name == "cache_page":
        return "cache inside the view with `await cache.aget(key)` and `await cache.aset(key, value, timeout)`"
    return "do its work inside the view"


# Decorators that wrap async views in no Django version (probed on 6.1.3: "The view ... returned an
# unawaited coroutine").
_NEVER_READY = {
    "django.db.transaction.atomic": ("Django has no async transactions",
                                     "move the transactional work into a sync function and call it with `await sync_to_async(func)(...)`"),
    # waffle/decorators.py: a plain `def _wrapped_view` that returns `view(request, ...)`.
    **{f"waffle.decorators.waffle_{kind}": (f"django-waffle's `waffle_{kind}` wraps views in a sync function",
                                            f"check the {kind} inside the view: `if not await sync_to_async({kind}_is_active)({'request, ' if kind == 'flag' else ''}\"name\"): raise Http404`")
       for kind in ("flag", "switch")},
}
_METHOD_DECORATOR = "django.utils.decorators.method_decorator"
_METHOD_DECORATOR_READY = (5, 2)
_DUAL_MARKERS = {"iscoroutinefunction", "markcoroutinefunction", "sync_and_async_middleware"}


@rule.visits(ast.AsyncFunctionDef)
def check_function(node: ast.AsyncFunctionDef, ctx) -> None:
    owner = ctx.parent(node)
    is_handler = isinstance(owner, ast.ClassDef) and node.name in (*HTTP_HANDLERS, "dispatch")
    is_view = isinstance(owner, ast.Module) and takes_request(node)
    if not (is_handler or is_view):
        return
    for decorator in node.decorator_list:
        _check_decorator(decorator, node.name, ctx, method=is_handler)


@rule.visits(ast.ClassDef)
def check_class(node: ast.ClassDef, ctx) -> None:
    """``@method_decorator(login_required, name="get")`` on a class whose ``get`` is async."""
    async_handlers = {item.name for item in node.body if isinstance(item, ast.AsyncFunctionDef) and item.name in (*HTTP_HANDLERS, "dispatch")}
    for decorator in node.decorator_list:
        if not (isinstance(decorator, ast.Call) and (ctx.qualified(decorator.func) or "") == _METHOD_DECORATOR):
            continue
        name = next((k.value.value for k in decorator.keywords if k.arg == "name" and isinstance(k.value, ast.Constant)), None)
        if name in async_handlers:
            _check_decorator(decorator, name, ctx, method=True)


def _check_decorator(decorator: ast.expr, view: str, ctx, method: bool) -> None:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    qualified = ctx.qualified(target) or ""
    if qualified == _METHOD_DECORATOR:
        if ctx.version < _METHOD_DECORATOR_READY:
            ctx.report(decorator, f"`method_decorator` wraps async method `{view}` in a sync function before Django 5.2: "
                       "the handler is no longer a coroutine function, so the view breaks",
                       hint="upgrade to Django 5.2+, or do the decorator's check inside the async handler")
            return
        if isinstance(decorator, ast.Call) and decorator.args:  # method_decorator(login_required): check the inner one
            inner = decorator.args[0]
            for element in inner.elts if isinstance(inner, (ast.List, ast.Tuple)) else [inner]:
                _check_decorator(element, view, ctx, method)
        return
    if qualified in _NEVER_READY:
        name = qualified.rsplit(".", 1)[1]
        reason, hint = _NEVER_READY[qualified]
        ctx.report(decorator, f"`@{name}` cannot wrap async {'handler' if method else 'view'} `{view}` ({reason}): "
                   "it wraps it in a sync function, so Django gets an unawaited coroutine instead of a response", hint=hint)
        return
    ready = _READY_SINCE.get(qualified)
    if ready is not None:
        if ctx.version < ready:
            name = qualified.rsplit(".", 1)[1]
            ctx.report(decorator, f"`@{name}` supports async views only from Django {fmt(ready)}: on Django {fmt(ctx.version)} it wraps "
                       f"`{view}` in a sync function, so Django gets an unawaited coroutine instead of a response",
                       hint=f"upgrade to Django {fmt(ready)}+, or {_instead(name, ctx.version)}")
        return
    if _sync_wrapper(_project_function(target, ctx), isinstance(decorator, ast.Call)) is not None:
        ctx.report(decorator, f"decorator `{ctx.source(target, 40)}` wraps async {'handler' if method else 'view'} `{view}` in a sync function that "
                   "calls it without `await`: Django gets an unawaited coroutine instead of a response",
                   hint=f"give `{ctx.source(target, 40)}` an `async def` wrapper that awaits the view (check `inspect.iscoroutinefunction(view)` "
                   "to support both kinds)")


def _project_function(target: ast.expr, ctx) -> ast.FunctionDef | None:
    """The project's own function a decorator names: defined in this module, imported from
    another module of the project (``from shop.decorators import rate_limit``), or written
    ``decorators.rate_limit``."""
    file = ctx.file
    if isinstance(target, ast.Name):
        local = next((n for n in file.tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == target.id), None)
        if local is not None:
            return local if isinstance(local, ast.FunctionDef) else None
    project = file.project
    if project is None or getattr(file, "module_name", None) is None:
        return None
    if isinstance(target, ast.Name) and target.id in file.imports:
        found = project.resolve_name(file, target.id)
    elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id in file.imports:
        module = project.module(file.imports[target.value.id])
        found = (module, target.attr) if module is not None else None
    else:
        return None
    function = found[0].functions.get(found[1]) if found is not None else None
    return function if isinstance(function, ast.FunctionDef) else None


def _sync_wrapper(decorator: ast.FunctionDef | None, is_factory: bool) -> ast.FunctionDef | None:
    """The sync wrapper a project decorator returns, if it calls the view without awaiting it."""
    if decorator is None or _is_dual(decorator):
        return None
    if is_factory:  # @with_header("X-Frame"): the factory returns the real decorator
        decorator = _returned_function(decorator)
        if decorator is None or isinstance(decorator, ast.AsyncFunctionDef):
            return None
    params = decorator.args.posonlyargs + decorator.args.args
    if not params:
        return None
    view_param = params[0].arg
    wrapper = _returned_function(decorator)
    if not isinstance(wrapper, ast.FunctionDef):
        return None
    calls_view = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == view_param for n in ast.walk(wrapper))
    return wrapper if calls_view else None


def _returned_function(function: ast.FunctionDef) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """A function defined directly in ``function``'s body and returned by name."""
    defined = {n.name: n for n in function.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for statement in function.body:
        if isinstance(statement, ast.Return) and isinstance(statement.value, ast.Name) and statement.value.id in defined:
            return defined[statement.value.id]
    return None


def _is_dual(decorator: ast.FunctionDef) -> bool:
    """A decorator that checks for coroutine functions (or defines an async wrapper) handles both kinds."""
    for node in ast.walk(decorator):
        if isinstance(node, ast.AsyncFunctionDef):
            return True
        if isinstance(node, (ast.Name, ast.Attribute)) and (node.id if isinstance(node, ast.Name) else node.attr) in _DUAL_MARKERS:
            return True
    return False
