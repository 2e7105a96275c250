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
None: loading the relation (`select_related`, `prefetch_related`, an `a`-method) changes the query that loads the object, which a person should choose.
"""

import ast

from verify.analysis import types as ty
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
        ctx.report(node, f"`{text}.{attr}` loads a relation lazily in async code (raises SynchronousOnlyOperation)", hint)
        return
    if receiver.only is not None and relation is None:
        info = ctx.file.models.get(receiver.model)
        # only("user") loads the key column: `user_id`, not the related object
        if info is not None and attr in info.fields and attr not in receiver.only and not (
                attr.endswith("_id") and attr[:-3] in receiver.only):
            ctx.report(node, f"`{text}.{attr}` reads a field deferred by `only()`: it runs a query (raises SynchronousOnlyOperation)",
                       f"add \"{attr}\" to `only()`")
