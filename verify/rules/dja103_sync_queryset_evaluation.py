"""## What it does
Checks for QuerySets evaluated synchronously in async code: `for` loops and comprehensions,
`list()`, `tuple()`, `set()`, `sorted()`, `len()`, `bool()`, truth tests (`if qs:`), indexing
(`qs[0]`) and membership (`obj in qs`); and `model_to_dict(instance)`, which lists every editable
many-to-many field it includes (`list(instance.tags.all())`) unless `fields=` / `exclude=` leave
them out or `prefetch_related` loaded them; and a Django REST framework serializer's `.data`
with `many=True` over a QuerySet, or listing a to-many relation (`many=True` fields, a
`ModelSerializer`'s many-to-many fields) that `prefetch_related` did not load.

## Why is this bad?
Evaluating a QuerySet runs its query, and from the event loop that raises
`SynchronousOnlyOperation`. A QuerySet read through `prefetch_related` (`order.items.all()`
after `prefetch_related("items")`) is already in memory and is fine, and so is one that
`async for` (or an async comprehension) has run through: it keeps its results.

## Example
```python
async def order_list(request):
    orders = Order.objects.filter(paid=True)
    return JsonResponse({"ids": [order.id for order in orders], "total": len(orders)})
```

```python
from django.db import models
from django.forms.models import model_to_dict
from django.http import JsonResponse


class Product(models.Model):  # in shop/models.py
    name = models.CharField(max_length=50)
    tags = models.ManyToManyField("Tag")


async def product_detail(request, pk):
    product = await Product.objects.aget(pk=pk)
    return JsonResponse(model_to_dict(product))
```

## Use instead
```python
async def order_list(request):
    orders = [order async for order in Order.objects.filter(paid=True)]
    return JsonResponse({"ids": [order.id for order in orders], "total": len(orders)})
```

```python
from django.db import models
from django.forms.models import model_to_dict
from django.http import JsonResponse


class Product(models.Model):  # in shop/models.py
    name = models.CharField(max_length=50)
    tags = models.ManyToManyField("Tag")


async def product_detail(request, pk):
    product = await Product.objects.prefetch_related("tags").aget(pk=pk)
    return JsonResponse(model_to_dict(product))
```

## Fix safety
Safe for a QuerySet: `for x in qs` becomes `async for x in qs`; a list, set or dict comprehension
over it an async comprehension; `list(qs)` becomes `[obj async for obj in qs]`. No fix for a
generator expression (an async one cannot be passed to `sum()` or `any()`), for managers and
related managers (not iterable either way), or for `len()`, indexing and `in`, whose async
forms run a different query. Unsafe for a truth test: `if qs:` becomes `if await qs.aexists():`,
which runs an `EXISTS` query and leaves the QuerySet unevaluated, so code that reads it next
queries again (`async for` after it runs its own query; before, it read the filled result cache).
"""

import ast

from verify.analysis import drf_checks
from verify.analysis import fixes
from verify.analysis import types as ty
from verify.analysis.finding import Edit, Fix
from verify.analysis.models_index import USER_MODEL
from verify.analysis.registry import Rule

rule = Rule("DJA103", "sync-queryset-evaluation", __doc__, min_version=(4, 1))

_BUILTINS = {"list": "a list", "tuple": "a tuple", "set": "a set", "sorted": "a sorted list", "dict": "a dict",
             "len": "its length", "bool": "its truth value", "sum": "a sum", "any": "any()", "all": "all()",
             "max": "max()", "min": "min()", "enumerate": "enumerate()", "next": "next()", "iter": "iter()"}
_FIX = {
    "len": "use `await {qs}.acount()`",
    "bool": "use `await {qs}.aexists()`",
    "truth": "use `await {qs}.aexists()`",
    "index": "use `await {qs}.afirst()` (or slice and iterate with `async for`)",
    "in": "use `await {qs}.acontains(obj)`",
}


def _lazy(node: ast.AST, ctx):
    value = ctx.type_of(node)
    if value is None or not value.is_lazy or value.extra.get("prefetched") or value.extra.get("evaluated"):
        return None
    return value


def _report(node: ast.AST, target: ast.AST, how: str, ctx, fix: str = "", edits: Fix | None = None) -> None:
    qs = ctx.source(target, 50)
    hint = (fix or "build a list with `[obj async for obj in {qs}]` first").format(qs=qs)
    ctx.report(node, f"QuerySet `{qs}` is evaluated synchronously ({how}) in async code: raises SynchronousOnlyOperation", hint,
               fix=edits)


@rule.visits(ast.For)
def check_for(node: ast.For, ctx) -> None:
    value = _lazy(node.iter, ctx)
    if value:
        fix = Fix((Edit(fixes.start(node), fixes.start(node), "async "),)) if value.kind == ty.QUERYSET else None
        _report(node.iter, node.iter, "a `for` loop", ctx, "use `async for obj in {qs}`", fix)


@rule.visits(ast.comprehension)
def check_comprehension(node: ast.comprehension, ctx) -> None:
    value = None if node.is_async else _lazy(node.iter, ctx)
    if value:
        fix = None
        if value.kind == ty.QUERYSET and not isinstance(ctx.parent(node), ast.GeneratorExp) \
                and not fixes.unfixable_place(ctx.parent(node), ctx.parent):
            fix = fixes.async_comprehension(node, ctx.file.lines)
        _report(node.iter, node.iter, "a comprehension", ctx, "use `[obj async for obj in {qs}]`", fix)


def _list_fix(node: ast.Call, ctx) -> Fix | None:
    """``list(qs)`` -> ``[obj async for obj in qs]``: the text of ``qs`` is kept as written."""
    iterated = node.args[0]
    if len(node.args) != 1 or node.keywords or fixes.unfixable_place(node, ctx.parent):
        return None
    head, tail = fixes.async_list(iterated)
    return Fix((Edit(fixes.start(node), fixes.start(iterated), head), Edit(fixes.end(iterated), fixes.end(node), tail)))


@rule.visits(ast.Call)
def check_builtin(node: ast.Call, ctx) -> None:
    if isinstance(node.func, ast.Name) and node.func.id in _BUILTINS and node.args and node.func.id not in ctx.typer.env:
        if node.func.id in ctx.file.sync_functions or node.func.id in ctx.file.imports:
            return
        value = _lazy(node.args[0], ctx)
        if value:
            fix = _list_fix(node, ctx) if node.func.id == "list" and value.kind == ty.QUERYSET else None
            _report(node, node.args[0], f"`{node.func.id}()`", ctx, _FIX.get(node.func.id, ""), fix)


@rule.visits(ast.If, ast.While, ast.IfExp, ast.Assert)
def check_truth(node, ctx) -> None:
    _truth(node.test, ctx)


@rule.visits(ast.BoolOp)
def check_boolop(node: ast.BoolOp, ctx) -> None:
    for value in node.values[:-1]:  # the last operand is returned, not tested
        _truth(value, ctx)


@rule.visits(ast.UnaryOp)
def check_not(node: ast.UnaryOp, ctx) -> None:
    if isinstance(node.op, ast.Not):
        _truth(node.operand, ctx)


def _truth(test: ast.AST, ctx) -> None:
    value = _lazy(test, ctx)
    if value:
        fix = None
        if value.kind == ty.QUERYSET and fixes.awaitable_here(test, ctx):
            simple = isinstance(test, (ast.Name, ast.Attribute, ast.Call, ast.Subscript))
            fix = Fix((Edit(fixes.start(test), fixes.start(test), "await " if simple else "await ("),
                       Edit(fixes.end(test), fixes.end(test), ".aexists()" if simple else ").aexists()")), True,
                      "aexists() runs an EXISTS query and leaves the QuerySet unevaluated: reading it next runs its query")
        _report(test, test, "a truth test", ctx, _FIX["truth"], fix)


@rule.visits(ast.Subscript)
def check_index(node: ast.Subscript, ctx) -> None:
    if isinstance(node.slice, ast.Slice) or not isinstance(node.ctx, ast.Load):
        return
    value = _lazy(node.value, ctx)
    if value is not None and value.kind == ty.QUERYSET:
        _report(node, node.value, "indexing", ctx, _FIX["index"])


@rule.visits(ast.Compare)
def check_in(node: ast.Compare, ctx) -> None:
    for op, right in zip(node.ops, node.comparators):
        if isinstance(op, (ast.In, ast.NotIn)) and _lazy(right, ctx):
            _report(node, right, "`in`", ctx, _FIX["in"])


_MODEL_TO_DICT = frozenset({"django.forms.models.model_to_dict", "django.forms.model_to_dict"})
# What Django's own User model adds; a custom user model declares its own relations.
_AUTH_USER_RELATIONS = frozenset({"groups", "user_permissions"})


@rule.visits(ast.Call)
def check_model_to_dict(node: ast.Call, ctx) -> None:
    """``model_to_dict(instance)`` lists each editable many-to-many field it includes:
    ``list(instance.tags.all())``, a query unless ``prefetch_related`` loaded it."""
    if not node.args or ctx.qualified(node.func) not in _MODEL_TO_DICT:
        return
    instance = ctx.type_of(node.args[0])
    if instance is None or instance.kind != ty.INSTANCE or ty.UNKNOWN_LOADS in instance.loaded:
        return
    info = ctx.file.models.get(instance.model)
    if info is None:
        return
    arguments = dict(zip(("fields", "exclude"), node.args[1:]))
    arguments.update((k.arg, k.value) for k in node.keywords if k.arg in ("fields", "exclude"))
    chosen = {name: _names(value) for name, value in arguments.items() if not (isinstance(value, ast.Constant) and value.value is None)}
    if any(names is None for names in chosen.values()):
        return  # a list built at run time: which fields it keeps is not known
    listed = [name for name, relation in info.relations.items()
              if relation.kind == "m2m" and relation.editable and name not in instance.loaded
              and not (info.path is not None and name in _AUTH_USER_RELATIONS and instance.model == USER_MODEL)
              and ("fields" not in chosen or name in chosen["fields"]) and name not in chosen.get("exclude", ())]
    if not listed:
        return
    text = ctx.source(node.args[0], 40)
    fields = ", ".join(f"`{name}`" for name in listed)
    quoted = ", ".join(f'"{name}"' for name in listed)
    ctx.report(node, f"`{ctx.source(node, 50)}` evaluates the many-to-many field{'s' if len(listed) > 1 else ''} {fields} of `{text}` "
               f"synchronously in async code: {'a query each' if len(listed) > 1 else 'a query'} (raises SynchronousOnlyOperation)",
               f"load {'them' if len(listed) > 1 else 'it'} in the query that loads `{text}` (`prefetch_related({quoted})`), "
               f"leave {'them' if len(listed) > 1 else 'it'} out (`exclude=[{quoted}]`), or call it in a sync function run with `sync_to_async`")


def _names(value: ast.expr) -> frozenset[str] | None:
    """The field names of a literal list, tuple or set of strings; None for anything else."""
    if not isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return None
    names = [element.value for element in value.elts if isinstance(element, ast.Constant) and isinstance(element.value, str)]
    return frozenset(names) if len(names) == len(value.elts) else None


# A Django REST framework serializer's `.data` (and `.is_valid()`): verify.analysis.drf_checks.
rule.visits(ast.Attribute)(drf_checks.report)
