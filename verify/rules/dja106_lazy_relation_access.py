"""## What it does
Checks for lazy relation access on model instances in async code: a forward foreign key or
one-to-one (`order.user`), a reverse one-to-one (`user.profile`), or a field deferred by
`only()` / `defer()`, unless the query that loaded the instance covered it with
`select_related` (or `prefetch_related`, a `Prefetch` object, `aprefetch_related_objects`).
Relations are those the project's models declare (any module that defines model classes): a
name alone (`author`, `user`) is never taken for one. Objects fetched through a reverse relation
(`order.items.afirst()`) know their `order`.
`select_related()` without names follows only non-null foreign keys. `order.user_id` is a plain
column and is fine (also after `only("user")`, which loads the key, not the related object).
A Channels consumer's `self.scope["user"]` was loaded by Channels' `AuthMiddleware` before the
consumer ran, without its relations: `self.scope["user"].is_authenticated` is fine,
`self.scope["user"].profile` runs a query.

The model's own `__str__` counts too, wherever async code turns an instance into text: `str()`,
f-strings, `%` formatting, `str.format()`, `print()`, and `repr()` (Django's `Model.__repr__`
is `<Order: ...>` around `str(self)`, unless the model defines its own). So do the arguments of
a logging call at info level or above (`logger.info("paid %s", order)`): logging formats them
when a handler emits the record, still on the event loop, and reports the error as
`--- Logging error ---` in place of the line. `logger.debug(...)` is left alone: debug records
are usually dropped before they are formatted.

A Django REST framework serializer of the project reads relations too when `.data` represents
an instance (or, with `many=True`, each one): a nested serializer, a `source="customer.name"`, a
`StringRelatedField` or `SlugRelatedField`, `depth = n`. A `ModelSerializer`'s foreign keys at
`depth = 0` are `PrimaryKeyRelatedField`s, which read the key column only. adrf's
`await serializer.adata` makes the reads in a thread.

## Why is this bad?
An uncached relation runs a query on first access, and from the event loop that raises
`SynchronousOnlyOperation`. Django has no async attribute accessor (`await order.auser` does
not exist), so the relation must be loaded by the query.

## Example
```python
from django.conf import settings
from django.db import models
from django.http import JsonResponse


class Order(models.Model):  # in shop/models.py
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)


async def order_detail(request, order_id):
    order = await Order.objects.aget(id=order_id)
    return JsonResponse({"customer": order.user.email})
```

```python
import logging

from django.conf import settings
from django.db import models
from django.http import HttpResponse

logger = logging.getLogger(__name__)


class Order(models.Model):  # in shop/models.py
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    def __str__(self):
        return f"order {self.pk} of {self.user.username}"


async def pay(request, order_id):
    order = await Order.objects.aget(id=order_id)
    logger.info("paid %s", order)
    return HttpResponse(f"Paid: {order}")
```

## Use instead
```python
from django.conf import settings
from django.db import models
from django.http import JsonResponse


class Order(models.Model):  # in shop/models.py
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)


async def order_detail(request, order_id):
    order = await Order.objects.select_related("user").aget(id=order_id)
    return JsonResponse({"customer": order.user.email})
```

```python
import logging

from django.conf import settings
from django.db import models
from django.http import HttpResponse

logger = logging.getLogger(__name__)


class Order(models.Model):  # in shop/models.py
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    def __str__(self):
        return f"order {self.pk} of {self.user.username}"


async def pay(request, order_id):
    order = await Order.objects.select_related("user").aget(id=order_id)
    logger.info("paid order %s", order.pk)
    return HttpResponse(f"Paid: {order}")
```

## Fix safety
Unsafe: for a foreign key or one-to-one read on a variable the function loads once, with
`await <query>.aget(...)` (or `afirst()`, `alast()`, `aearliest()`, `alatest()`, also through
a variable holding that coroutine) or as the target of `async for obj in <query>`,
`.select_related("<relation>")` is added to that query. Unsafe because the query changes: it
joins the related table and loads its columns, which a person should weigh. No fix for deferred
fields, for an object loaded in another function, or loaded (or assigned) more than once.
"""

import ast

from verify.analysis import drf_checks
from verify.analysis import fixes
from verify.analysis import types as ty
from verify.analysis.finding import Edit, Fix
from verify.analysis.name_uses import names_in
from verify.analysis.registry import Rule

rule = Rule("DJA106", "lazy-relation-access", __doc__, min_version=(4, 1))


@rule.visits(ast.Attribute)
def check(node: ast.Attribute, ctx) -> None:
    if not isinstance(node.ctx, ast.Load):
        return
    receiver = ctx.type_of(node.value)
    if receiver is None or receiver.kind != ty.INSTANCE:
        return
    attr = node.attr
    text = ctx.source(node.value, 40)
    if attr in receiver.deferred:
        ctx.report(node, f"`{text}.{attr}` reads a field deferred by `defer()`: it runs a query (raises SynchronousOnlyOperation)",
                   f"drop \"{attr}\" from `defer()`")
        return
    relation = ctx.typer.relation(receiver.model, attr)
    if relation is not None and relation.kind in ("fk", "o2o", "reverse_o2o"):
        if attr in receiver.loaded or ty.UNKNOWN_LOADS in receiver.loaded:
            return
        if "*" in receiver.loaded and relation.kind != "reverse_o2o" and not relation.null:
            return  # select_related() with no names loads every non-null foreign key
        if receiver.extra.get("request_user"):
            hint = f"load it in the query: `await {relation.target}.objects.aget(user=user)` after `user = await request.auser()`"
        elif receiver.extra.get("scope_user"):  # Channels' AuthMiddleware loads the user alone
            lookup = f"{relation.field}={text}" if relation.kind == "reverse_o2o" and relation.field else f"pk={text}.{attr}_id"
            hint = f"fetch it: `await {relation.target}.objects.aget({lookup})`"
        elif relation.kind == "reverse_o2o":
            hint = f"add `select_related(\"{attr}\")` to the query that loads `{text}`, or fetch it: `await {relation.target}.objects.aget(...)`"
        else:
            hint = f"add `select_related(\"{attr}\")` to the query that loads `{text}`" + (
                f" (or compare `{text}.{attr}_id`)" if relation.kind != "reverse_o2o" else "")
        fix = None if receiver.extra.get("request_user") else _select_related_fix(node, ctx)
        ctx.report(node, f"`{text}.{attr}` loads a relation lazily in async code (raises SynchronousOnlyOperation)", hint, fix=fix)
        return
    if receiver.only is not None and relation is None:
        info = ctx.file.models.get(receiver.model)
        # only("user") loads the key column: `user_id`, not the related object
        if info is not None and attr in info.fields and attr not in receiver.only and not (
                attr.endswith("_id") and attr[:-3] in receiver.only):
            ctx.report(node, f"`{text}.{attr}` reads a field deferred by `only()`: it runs a query (raises SynchronousOnlyOperation)",
                       f"add \"{attr}\" to `only()`")


_LOADERS = frozenset({"aget", "afirst", "alast", "aearliest", "alatest"})


def _select_related_fix(node: ast.Attribute, ctx) -> Fix | None:
    """``.select_related("relation")`` added to the one query in the function that loads the
    variable ``node`` reads the relation of."""
    if not isinstance(node.value, ast.Name) or not isinstance(ctx.function, ast.AsyncFunctionDef):
        return None
    by_name, parents = names_in(ctx.function)
    parent_of = parents.get
    query = _loading_query(node.value.id, by_name, parent_of, ctx.function)
    if query is None or fixes.start(query) > fixes.start(node):
        return None
    position = fixes.end(query)
    return Fix((Edit(position, position, f'.select_related("{node.attr}")'),), True,
               "the query that loads the object changes: it joins the related table")


def _loading_query(name: str, by_name, parent_of, function) -> ast.expr | None:
    """The QuerySet expression whose result is the only value ``name`` gets in ``function``."""
    if any(a.arg == name for a in ast.walk(function.args) if isinstance(a, ast.arg)):
        return None
    stores = [n for n in by_name.get(name, []) if not isinstance(n.ctx, ast.Load)]
    if len(stores) != 1:
        return None
    holder = parent_of(stores[0])
    if isinstance(holder, (ast.AsyncFor, ast.comprehension)) and holder.target is stores[0] and getattr(holder, "is_async", 1):
        return holder.iter
    if not (isinstance(holder, ast.Assign) and holder.targets == [stores[0]] and isinstance(holder.value, ast.Await)):
        return None
    loading = holder.value.value
    if isinstance(loading, ast.Name):  # `task = Order.objects.aget(...)`, then `order = await task`
        if loading.id == name:
            return None
        assigned = [n for n in by_name.get(loading.id, []) if not isinstance(n.ctx, ast.Load)]
        origin = parent_of(assigned[0]) if len(assigned) == 1 else None
        if not (isinstance(origin, ast.Assign) and origin.targets == assigned):
            return None
        loading = origin.value
    if isinstance(loading, ast.Call) and isinstance(loading.func, ast.Attribute) and loading.func.attr in _LOADERS:
        return loading.func.value
    return None


# A Django REST framework serializer's `.data` (and `.is_valid()`): verify.analysis.drf_checks.
rule.visits(ast.Attribute)(drf_checks.report)
