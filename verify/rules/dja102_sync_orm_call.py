"""## What it does
Checks for sync database calls in async code: QuerySet and manager methods that run a query
(`get`, `create`, `count`, `exists`, `first`, `update`, `delete`, `aggregate`, `iterator`...),
model `save()` / `delete()` / `refresh_from_db()` and validation (`full_clean()`), related-manager
writes (`add`, `remove`, `set`, `clear`), user permission checks, and a ModelForm's `save()` (and
`is_valid()` when its model has relations to look up).

## Why is this bad?
Django's database layer is sync-only: called from the event loop it raises
`SynchronousOnlyOperation`. Every one of these has an `a`-prefixed twin (a thin
`sync_to_async` wrapper) that is safe to await.

## Example
```python
async def product_detail(request, product_id):
    product = Product.objects.get(id=product_id)
    ...
```

## Use instead
```python
async def product_detail(request, product_id):
    product = await Product.objects.aget(id=product_id)
    ...
```
"""

import ast

from verify.analysis import django_api as api
from verify.analysis import hints
from verify.analysis import types as ty
from verify.analysis.models_index import USER_MODEL
from verify.analysis.registry import Rule

rule = Rule("DJA102", "sync-orm-call", __doc__, min_version=(4, 1))


def _twin(receiver, method: str):
    """(async twin, version added) of a sync method on this receiver, or None."""
    if receiver.is_lazy:
        if method in api.SYNC_QUERY_METHODS:
            return api.SYNC_QUERY_METHODS[method], (4, 1)
        if receiver.kind == ty.RELATED_MANAGER and method in api.RELATED_MANAGER_SYNC_METHODS:
            twin = api.RELATED_MANAGER_SYNC_METHODS[method]
            return twin, api.RELATED_MANAGER_ASYNC[twin][1]
        if receiver.model == USER_MODEL and "a" + method in api.USER_MANAGER_ASYNC:
            return "a" + method, api.USER_MANAGER_ASYNC["a" + method][1]
    elif receiver.kind == ty.INSTANCE:
        if method in api.MODEL_SYNC_QUERY_METHODS:
            twin = api.MODEL_SYNC_QUERY_METHODS[method]
            return twin, api.MODEL_ASYNC[twin][1]
        if receiver.model == USER_MODEL and "a" + method in api.USER_ASYNC and method != "check_password":
            return "a" + method, api.USER_ASYNC["a" + method][1]
    return None


# Model validation that queries (unique checks, foreign-key existence) and has no async twin.
_VALIDATION = {"full_clean", "clean_fields", "validate_unique", "validate_constraints"}


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    if not isinstance(node.func, ast.Attribute):
        return
    receiver = ctx.type_of(node.func.value)
    if receiver is None or receiver.extra.get("request_user"):
        return  # request.user itself is DJA107's finding
    method = node.func.attr
    if receiver.kind == ty.INSTANCE and method in _VALIDATION:
        ctx.report(node, f"`{ctx.source(node)}` in async code: model validation queries the database for unique fields and relations "
                   "(raises SynchronousOnlyOperation when it does)",
                   hints.offload(f"`{method}()`"))
        return
    if receiver.kind == ty.FORM and method in ("is_valid", "save", "full_clean", "validate_unique"):
        if method == "save" and any(k.arg == "commit" and isinstance(k.value, ast.Constant) and k.value.value is False for k in node.keywords):
            return  # builds the instance without saving it
        if method == "is_valid" and not receiver.extra.get("queries_on_validation"):
            return
        what = "saves with database queries" if method == "save" else "validates with database queries (model choices, unique checks)"
        ctx.report(node, f"ModelForm `{ctx.source(node)}` {what} in async code (raises SynchronousOnlyOperation)",
                   hints.offload("the form handling"))
        return
    twin = _twin(receiver, method)
    if twin is None:
        return
    name, added = twin
    call = ctx.source(node)
    receiver_text = ctx.source(node.func.value, 40)
    if method == "iterator":
        hint = f"iterate with `async for obj in {receiver_text}.aiterator()`"
    else:
        hint = hints.async_twin(f"{receiver_text}.{method}(...)", f"{receiver_text}.{name}(...)", added, ctx.version)
    ctx.report(node, f"`{call}` runs a database query synchronously in async code (raises SynchronousOnlyOperation)", hint)
