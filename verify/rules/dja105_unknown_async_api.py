"""## What it does
Checks for async APIs that do not exist, or not in the target Django version: `afilter`,
`aall`, `aexclude`, `avalues` (chain methods are lazy and have no async twin), `a<relation>`
attributes such as `await user.aprofile`, `asend_mail`, `arender`, `aset_password`,
`afull_clean`; and real APIs used before they were added: `request.auser()` (5.0),
`aget_object_or_404` (5.0), session `a*` methods (5.1), `ahas_perm` (5.2), `AsyncPaginator`
(6.0), model `asave()` (4.2).

## Why is this bad?
They raise `AttributeError` or `ImportError` at runtime. AI assistants invent them often,
because the names look like the real `a`-prefixed twins.

## Example
```python
async def user_dashboard(request):
    user = await request.auser()
    profile = await user.aprofile
    reviews = await Review.objects.afilter(user=user)
```

## Use instead
```python
async def user_dashboard(request):
    user = await request.auser()
    profile = await Profile.objects.aget(user=user)
    reviews = [r async for r in Review.objects.filter(user=user)]
```

## Fix safety
None: the method does not exist; the right one depends on what was meant.
"""

import ast

from verify.analysis import django_api as api
from verify.analysis import types as ty
from verify.analysis.django_api import fmt
from verify.analysis.registry import Rule

rule = Rule("DJA105", "unknown-async-api", __doc__, min_version=(4, 1))


def _too_new(node, ctx, name: str, added) -> None:
    if added and ctx.version < added and not _version_guarded(node, ctx):
        ctx.report(node, f"`{name}` does not exist in Django {fmt(ctx.version)} (added in {fmt(added)})",
                   "wrap the sync call with `sync_to_async`, or raise the project's Django version")


def _version_guarded(node, ctx) -> bool:
    """Inside ``if hasattr(request, "auser"):`` or ``if django.VERSION >= (5, 0):``: the code
    supports older Django versions in its other branch."""
    attr = node.attr if isinstance(node, ast.Attribute) else getattr(node.func, "attr", getattr(node.func, "id", ""))
    child, parent = node, ctx.parent(node)
    while parent is not None and not isinstance(parent, (ast.AsyncFunctionDef, ast.FunctionDef)):
        if isinstance(parent, (ast.If, ast.IfExp)) and child is not parent.test and _checks_version(parent.test, attr, ctx):
            return True
        child, parent = parent, ctx.parent(parent)
    return False


def _checks_version(test: ast.expr, attr: str, ctx) -> bool:
    for node in ast.walk(test):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "hasattr" and len(node.args) == 2 \
                and isinstance(node.args[1], ast.Constant) and node.args[1].value == attr:
            return True
        if isinstance(node, (ast.Name, ast.Attribute)) and (ctx.qualified(node) or "") in ("django.VERSION", "django.__version__"):
            return True
    return False


@rule.visits(ast.Attribute)
def check_attribute(node: ast.Attribute, ctx) -> None:
    name = node.attr
    if not name.startswith("a") or not isinstance(node.ctx, ast.Load):
        return
    receiver = ctx.type_of(node.value)
    text = ctx.source(node, 50)
    if receiver is None:
        # `await order.auser`: an awaited attribute named after a relation of some project model
        if isinstance(ctx.parent(node), ast.Await) and name[1:] in ctx.file.models.relation_names() and name not in api.all_async_names():
            ctx.report(node, f"`{text}` does not exist: Django has no async relation accessors",
                       f"fetch it with a query, e.g. `select_related(\"{name[1:]}\")` on the query that loaded the object")
        return
    if receiver.is_lazy:
        if name in api.NONEXISTENT_QUERYSET_METHODS or name[1:] in api.QUERYSET_CHAIN_METHODS:
            ctx.report(node, f"`{name}()` does not exist: `{name[1:]}()` returns a lazy QuerySet and needs no async twin",
                       f"use `{name[1:]}()` and evaluate with `async for` (or an `a`-method such as `aget`, `acount`)")
            return
        if receiver.kind == ty.RELATED_MANAGER and name in api.RELATED_MANAGER_ASYNC:
            _too_new(node, ctx, name, api.RELATED_MANAGER_ASYNC[name][1])
        elif receiver.model == "User" and name in api.USER_MANAGER_ASYNC:
            _too_new(node, ctx, name, api.USER_MANAGER_ASYNC[name][1])
        return
    if receiver.kind == ty.INSTANCE:
        relation = ctx.typer.relation(receiver.model, name[1:])
        if relation is not None and name not in api.MODEL_ASYNC:
            ctx.report(node, f"`{text}` does not exist: Django has no async relation accessors (no `a{relation.name}`)",
                       f"load it with `select_related(\"{relation.name}\")` before `aget`, or query it: `await {relation.target}.objects.aget(...)`"
                       if relation.kind in ("fk", "o2o", "reverse_o2o") else f"iterate `{ctx.source(node.value, 30)}.{relation.name}.all()` with `async for`")
        elif name in api.NONEXISTENT_MODEL_METHODS:
            sync = name[1:]
            ctx.report(node, f"`{name}()` does not exist in Django", f"call `{sync}()` inside a sync function run with `sync_to_async`" + (
                " (`set_password` only hashes: use `sync_to_async(user.set_password, thread_sensitive=False)`)" if sync == "set_password" else ""))
        elif name in api.MODEL_ASYNC:
            _too_new(node, ctx, name, api.MODEL_ASYNC[name][1])
        elif receiver.model == "User" and name in api.USER_ASYNC:
            _too_new(node, ctx, name, api.USER_ASYNC[name][1])
        return
    if receiver.kind == ty.REQUEST and name == "auser":
        _too_new(node, ctx, "request.auser()", api.REQUEST_AUSER)
    elif receiver.kind == ty.SESSION and name in api.SESSION_ASYNC:
        _too_new(node, ctx, f"request.session.{name}()", api.SESSION_ASYNC_VERSION)
    elif receiver.kind == ty.OBJECT and name in api.TASK_ASYNC:
        _too_new(node, ctx, name, api.TASKS_VERSION)


@rule.visits(ast.Call)
def check_function(node: ast.Call, ctx) -> None:
    qualified = ctx.qualified(node.func) or ""
    name = qualified.rsplit(".", 1)[-1]
    if name in api.NONEXISTENT_FUNCTIONS:
        defined_here = isinstance(node.func, ast.Name) and (name in ctx.file.async_functions or name in ctx.file.sync_functions)
        imported_elsewhere = qualified != name and not qualified.startswith("django.")
        if not defined_here and not imported_elsewhere:
            ctx.report(node, f"`{name}()` does not exist in Django", api.NONEXISTENT_FUNCTIONS[name])
        return
    if qualified.startswith("django.") and qualified in api.FUNCTION_ASYNC:
        _too_new(node, ctx, name, api.FUNCTION_ASYNC[qualified][1])
    elif qualified.startswith("django.") and name == "AsyncPaginator":
        _too_new(node, ctx, "AsyncPaginator", api.ASYNC_PAGINATOR_VERSION)
