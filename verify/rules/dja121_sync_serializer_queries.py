"""## What it does
Checks for Django REST framework serializers used synchronously in async code where they query:
`.data` and `.is_valid()` (a `ModelSerializer`'s `.save()` is DJA102's).

`.data` queries when the serializer (a project class built on `rest_framework.serializers` or
`adrf.serializers`) reads a relation the instance's query did not load (a nested serializer, a
`source="customer.name"`, a `StringRelatedField` or `SlugRelatedField`, `depth`), lists a
to-many relation (`many=True` fields, a `ModelSerializer`'s many-to-many fields) that
`prefetch_related` did not load, runs a `SerializerMethodField` method that queries, or
serializes a QuerySet with `many=True` (which evaluates it). A `ModelSerializer`'s foreign keys
at `depth = 0` are `PrimaryKeyRelatedField`s: they read the key column and are fine, and so are
plain model fields of a loaded instance.

`.is_valid()` (on a serializer given `data=`) queries when a writable field looks an object up
(`PrimaryKeyRelatedField`, `SlugRelatedField`, the foreign keys and many-to-many fields a
`ModelSerializer` builds) or a model field is `unique=True` (`UniqueValidator`).

## Why is this bad?
`.data` runs `to_representation()`, which reads the instance's attributes synchronously: each
relation not loaded is a query, and on the event loop a query raises
`SynchronousOnlyOperation`. Validation queries the same way. This holds in every Django and
DRF version. adrf's async serializers offer `await serializer.adata` (the same reads, each in a
thread).

## Example
```python
from django.db import models
from django.http import JsonResponse
from rest_framework import serializers


class Customer(models.Model):  # in shop/models.py
    name = models.CharField(max_length=50)


class Order(models.Model):  # in shop/models.py
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    number = models.CharField(max_length=10)


class CustomerSerializer(serializers.ModelSerializer):  # in shop/serializers.py
    class Meta:
        model = Customer
        fields = ["id", "name"]


class OrderSerializer(serializers.ModelSerializer):
    customer = CustomerSerializer()

    class Meta:
        model = Order
        fields = ["id", "number", "customer"]


async def order_detail(request, pk):
    order = await Order.objects.aget(pk=pk)
    return JsonResponse(OrderSerializer(order).data)
```

## Use instead
```python
from django.db import models
from django.http import JsonResponse
from rest_framework import serializers


class Customer(models.Model):  # in shop/models.py
    name = models.CharField(max_length=50)


class Order(models.Model):  # in shop/models.py
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    number = models.CharField(max_length=10)


class CustomerSerializer(serializers.ModelSerializer):  # in shop/serializers.py
    class Meta:
        model = Customer
        fields = ["id", "name"]


class OrderSerializer(serializers.ModelSerializer):
    customer = CustomerSerializer()

    class Meta:
        model = Order
        fields = ["id", "number", "customer"]


async def order_detail(request, pk):
    order = await Order.objects.select_related("customer").aget(pk=pk)
    return JsonResponse(OrderSerializer(order).data)
```

## Fix safety
None: loading the relations changes the query that loads the instance, which a person chooses.
"""

import ast
from pathlib import Path

from verify.analysis import drf_serializers
from verify.analysis import types as ty
from verify.analysis.arguments import bind_arguments
from verify.analysis.registry import Rule

rule = Rule("DJA121", "sync-serializer-queries", __doc__, min_version=(4, 1))


def _instance_argument(receiver: ty.T) -> ty.T | None:
    """The instance the serializer represents; None when it was given data too (after
    ``save()`` its relations are the objects validation looked up, not what a query left out)."""
    positional, keywords = receiver.extra.get("arguments") or ((), ())
    keywords = dict(keywords)
    if len(positional) > 1 or "data" in keywords:
        return None
    return positional[0] if positional else keywords.get("instance")


def _missing(read: drf_serializers.Read, instance: ty.T) -> bool:
    loaded = instance.loaded
    if read.path in loaded:
        return False
    return not (read.star_loaded and "*" in loaded)


@rule.visits(ast.Attribute)
def check(node: ast.Attribute, ctx) -> None:
    if node.attr != "data" or not isinstance(node.ctx, ast.Load):
        return
    receiver = ctx.type_of(node.value)
    if receiver is None or receiver.kind != ty.OBJECT or "arguments" not in receiver.extra or ctx.file.project is None:
        return
    given = _instance_argument(receiver)
    if given is None:
        return
    many = receiver.extra.get("many")
    evaluates = many and given.is_lazy and not given.extra.get("prefetched") and not given.extra.get("evaluated")
    instance = given.element() if many else given
    if instance is None or instance.kind != ty.INSTANCE:
        return
    shape = drf_serializers.shape(ctx.file.project, receiver.cls, instance.model)
    if shape is None:
        return
    text = ctx.source(node, 50)
    name = ctx.source(node.value, 40)
    problems = []
    if evaluates:
        problems.append(f"evaluates the QuerySet `{given.origin or 'it'}` (`many=True`)")
    missing = [] if ty.UNKNOWN_LOADS in instance.loaded else [read for read in shape.reads if _missing(read, instance)]
    if missing:
        listed = ", ".join(f"`{read.path}` ({'to-many, not prefetched' if read.many else 'not loaded'})" for read in missing[:4])
        problems.append(f"reads relation{'s' if len(missing) > 1 else ''} {listed}" + (f" and {len(missing) - 4} more" if len(missing) > 4 else ""))
    if problems:
        ctx.report(node, f"`{text}` {' and '.join(problems)} in async code: a query on the event loop (raises SynchronousOnlyOperation)",
                   _hint(missing, evaluates, name, shape.adrf))
    for method in shape.methods:
        _check_method(node, method, instance, ctx)


def _hint(missing: list, evaluates: bool, name: str, adrf: bool) -> str:
    select = [read.path for read in missing if not read.many]
    deepest = [read.path for read in missing if read.many and not any(other.path.startswith(read.path + "__") for other in missing if other.many)]
    loads = []
    if select:
        loads.append("select_related(" + ", ".join(f'"{path}"' for path in select) + ")")
    if deepest:
        loads.append("prefetch_related(" + ", ".join(f'"{path}"' for path in deepest) + ")")
    how = f"load them in the query (`{'.'.join(loads)}`)" if loads else "build the list first (`[obj async for obj in qs]`)"
    if evaluates and loads:
        how += " and build the list first (`[obj async for obj in qs]`)"
    adata = f"`await {name}.adata`" if adrf else f"build it on adrf's serializers and `await {name}.adata`"
    return f"{how}, or {adata}, or serialize in a sync function run with `sync_to_async`"


def _check_method(node: ast.Attribute, method, instance: ty.T, ctx) -> None:
    """A ``SerializerMethodField``: ``get_<field>(obj)`` runs with the instance the caller loaded."""
    summary = ctx.file.project.summary(method.module, method.qualname, method.node,
                                       bind_arguments(method.node, ((instance,), ()), None, True))
    if summary is None or summary.is_coroutine or not summary.effects:
        return
    effect = summary.effects[0]
    where = f"{Path(effect.finding.path).name}:{effect.finding.line}"
    chain = " -> ".join(f"`{text}`" for text in (ctx.source(node, 50), f"{method.qualname}(obj)", *effect.chain))
    ctx.report(node, f"{chain} -> {effect.finding.message} ({where})",
               f"load what `{method.qualname}` reads in the query, or serialize in a sync function run with `sync_to_async`")


@rule.visits(ast.Call)
def check_is_valid(node: ast.Call, ctx) -> None:
    """``serializer.is_valid()`` that looks objects up (a ModelSerializer's ``save()`` is DJA102's)."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == "is_valid") or ctx.file.project is None:
        return
    receiver = ctx.type_of(func.value)
    if receiver is None or receiver.kind != ty.OBJECT or "arguments" not in receiver.extra:
        return
    project = ctx.file.project
    name = ctx.source(func.value, 40)
    positional, keywords = receiver.extra["arguments"]
    if len(positional) < 2 and "data" not in dict(keywords):
        return  # no data: is_valid() fails its assertion before validating anything
    lookups = drf_serializers.validation_lookups(project, receiver.cls)
    if lookups:
        fields = ", ".join(f"`{field}`" for field in lookups[:4]) + (f" and {len(lookups) - 4} more" if len(lookups) > 4 else "")
        ctx.report(node, f"`{ctx.source(node, 50)}` validates {fields} with database queries (related-object lookups, unique checks) "
                   "in async code (raises SynchronousOnlyOperation)", f"call it with `await sync_to_async({name}.is_valid)(...)`")
