"""## What it does
Checks for sync database calls in async code: QuerySet and manager methods that run a query
(`get`, `create`, `count`, `exists`, `first`, `update`, `delete`, `aggregate`..., and `iterator()`
where a `for` loop or `list()` runs through it on the event loop), model `save()` / `delete()` / `refresh_from_db()` and validation (`full_clean()`), related-manager
writes (`add`, `remove`, `set`, `clear`; also `getattr(obj, field_name).add(...)` / `.set(...)` on
an instance whose model has many-to-many or reverse foreign-key relations), user permission checks,
a ModelForm's `save()`, the `save()` of a model formset the project builds with
`modelformset_factory()` / `inlineformset_factory()`, `save()` on a project `ModelSerializer` of
Django REST framework (or adrf), a method of the project's custom manager or QuerySet that runs
one of those queries on its own QuerySet (`self.active().first()`), and `self.get_object()` in an
async handler of a `DetailView`, `UpdateView` or `DeleteView` (Django's `get_object()` runs
`queryset.get()`).
Validating a bound form queries when it has model choices to look up or unique fields to check:
a `ModelForm` whose fields include a foreign key, one-to-one or many-to-many field (Django builds a
`ModelChoiceField` / `ModelMultipleChoiceField` for them), a `unique=True` field or all the
fields of a `unique_together` / `UniqueConstraint` (`validate_unique()`, `validate_constraints()`),
or those a `CheckConstraint` reads (Django runs its condition as a query), or a project form that
declares a `ModelChoiceField` / `ModelMultipleChoiceField`. Django validates on the first
`is_valid()`, `errors`, `non_field_errors()` or `has_error()`; later ones read the result, and an
unbound form (`PostForm(instance=post)`) validates nothing. A Django REST framework serializer's
`is_valid()` on data queries the same way when a writable field looks an object up
(`PrimaryKeyRelatedField`, `SlugRelatedField`, a `ModelSerializer`'s foreign keys and
many-to-many fields) or a model field is `unique=True` (`UniqueValidator`).

## Why is this bad?
Django's database layer is sync-only: called from the event loop it raises
`SynchronousOnlyOperation`. Most of these have an `a`-prefixed twin (a thin `sync_to_async`
wrapper) that is safe to await, but not all: `full_clean()`, a ModelForm's `save()` and
`is_valid()` have none in any version, and `has_perm()` none before Django 5.2 (`ahas_perm`);
those go into a sync function called with `sync_to_async`. `aiterator()` is not awaited: it is
iterated with `async for`.

## Example
```python
async def product_detail(request, product_id):
    product = Product.objects.get(id=product_id)
    ...
```

```python
from django import forms
from django.db import models
from django.http import JsonResponse


class Order(models.Model):  # in shop/models.py
    customer = models.ForeignKey("Customer", on_delete=models.CASCADE)
    note = models.TextField()


class OrderForm(forms.ModelForm):  # in shop/forms.py
    class Meta:
        model = Order
        fields = ["customer", "note"]  # customer: a foreign key, looked up when validated


async def create_order(request):
    form = OrderForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    ...
```

## Use instead
```python
async def product_detail(request, product_id):
    product = await Product.objects.aget(id=product_id)
    ...
```

```python
from asgiref.sync import sync_to_async
from django import forms
from django.db import models
from django.http import JsonResponse


class Order(models.Model):  # in shop/models.py
    customer = models.ForeignKey("Customer", on_delete=models.CASCADE)
    note = models.TextField()


class OrderForm(forms.ModelForm):  # in shop/forms.py
    class Meta:
        model = Order
        fields = ["customer", "note"]


async def create_order(request):
    form = OrderForm(request.POST)
    if not await sync_to_async(form.is_valid)():
        return JsonResponse({"errors": form.errors}, status=400)
    ...
```

## Fix safety
Safe where the target version has the twin: the method gets its `a`-twin's name and the call
`await` (in parentheses when the result is used, `(await qs.afirst()).name`); the arguments
stay as they are, since each twin takes the sync method's. No fix for `iterator()`, for calls
in a generator expression (`await` there would make it an async generator), or where the fix
is a sync function (validation, a ModelForm, a twin the version lacks).
"""

import ast

from verify.analysis import django_api as api
from verify.analysis import drf_checks
from verify.analysis import drf_serializers
from verify.analysis import fixes
from verify.analysis import hints
from verify.analysis import types as ty
from verify.analysis.models_index import USER_MODEL
from verify.analysis.registry import Rule
from verify.analysis.view_shapes import class_views, project_bases

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


# QuerySet methods that answer from the result cache once the QuerySet has been evaluated.
_CACHE_READERS = frozenset({"count", "exists", "contains"})
# Builtins that run through an iterator they are given.
_CONSUMERS = frozenset({"list", "tuple", "set", "sorted", "dict", "sum", "any", "all", "max", "min", "next", "enumerate"})


def _consumed_here(node: ast.Call, ctx) -> bool:
    """Whether the iterator ``qs.iterator()`` builds is run through where it is built, on the event
    loop: a ``for`` loop, a sync comprehension, ``list(...)``. Building it runs no query; passed on
    (``await sync_to_async(list)(qs.iterator())``) it runs where it is consumed."""
    parent = ctx.parent(node)
    if isinstance(parent, (ast.For, ast.comprehension)):
        return parent.iter is node and not getattr(parent, "is_async", 0)
    return (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id in _CONSUMERS
            and parent.args[:1] == [node])


# Django's views whose get_object() runs queryset.get() (django/views/generic/detail.py, edit.py, dates.py).
_SINGLE_OBJECT_VIEWS = frozenset({
    "SingleObjectMixin", "BaseDetailView", "DetailView", "BaseUpdateView", "UpdateView", "BaseDeleteView",
    "DeleteView", "DateDetailView", "BaseDateDetailView",
})


def _generic_get_object(node: ast.Call, ctx) -> str | None:
    """The Django view whose ``get_object()`` this ``self.get_object()`` runs, or None."""
    func = node.func
    if not (isinstance(func.value, ast.Name) and func.value.id == "self" and func.attr == "get_object" and ctx.class_name):
        return None
    views = class_views(ctx.file)
    cls = views.classes.get(ctx.class_name)
    return views.django_method_owner(cls, "get_object", _SINGLE_OBJECT_VIEWS) if cls is not None else None


# Django REST framework's serializers whose save() creates or updates a model row.
_DRF_MODEL_SERIALIZERS = frozenset({"rest_framework.serializers.ModelSerializer",
                                    "rest_framework.serializers.HyperlinkedModelSerializer",
                                    "adrf.serializers.ModelSerializer"})  # adrf keeps DRF's sync save() beside asave()


def _saves_a_model(receiver, ctx) -> bool:
    """Whether ``receiver`` is an object of a project ``ModelSerializer`` that keeps DRF's ``save()``."""
    project = ctx.file.project
    if receiver.kind != ty.OBJECT or not receiver.cls or project is None:
        return False
    module_name, _, class_name = receiver.cls.rpartition(".")
    module = project.module(module_name) if module_name else None
    cls = module.classes.get(class_name) if module is not None else None
    return cls is not None and _model_serializer(module.file, cls, set())


def _model_serializer(file, cls: ast.ClassDef, seen: set) -> bool:
    if (file.path, cls.name) in seen or any(
            isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "save" for item in cls.body):
        return False  # the project's own save(): followed like any helper
    seen.add((file.path, cls.name))
    if any((file.qualified(base) or "") in _DRF_MODEL_SERIALIZERS for base in cls.bases):
        return True
    return any(_model_serializer(base_file, base, seen) for base_file, base in project_bases(cls, file))


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    if not isinstance(node.func, ast.Attribute):
        return
    if node.func.attr == "save":
        receiver = ctx.type_of(node.func.value)
        if receiver is not None and _saves_a_model(receiver, ctx):
            name = ctx.source(node.func.value, 40)
            twin = f"use `await {name}.asave()`, or " if drf_serializers.is_adrf(ctx.file.project, receiver.cls) else "use "
            ctx.report(node, f"`{ctx.source(node)}` saves a ModelSerializer's instance, a database write, synchronously in async code "
                       "(raises SynchronousOnlyOperation)", f"{twin}`await sync_to_async({name}.save)(...)`")
            return
    view = _generic_get_object(node, ctx)
    if view is not None:
        ctx.report(node, f"`{ctx.source(node)}` runs {view}'s `get_object()`, a `queryset.get()`, synchronously in async code "
                   "(raises SynchronousOnlyOperation)", "use `await sync_to_async(self.get_object)()`")
        return
    receiver = ctx.type_of(node.func.value)
    if receiver is not None and receiver.extra.get("request_user"):
        return  # request.user itself is DJA107's finding
    method = node.func.attr
    if receiver is None:
        _check_dynamic_relation_write(node, method, ctx)
        return
    if receiver.kind == ty.INSTANCE and method in _VALIDATION:
        ctx.report(node, f"`{ctx.source(node)}` in async code: model validation queries the database for unique fields and relations "
                   "(raises SynchronousOnlyOperation when it does)",
                   hints.offload(f"`{method}()`"))
        return
    if receiver.kind == ty.FORM and method in ("save", "full_clean", "validate_unique", *_FORM_VALIDATION):
        if method == "save" and any(k.arg == "commit" and isinstance(k.value, ast.Constant) and k.value.value is False for k in node.keywords):
            return  # builds the instance without saving it
        if method in _FORM_VALIDATION and (not receiver.extra.get("queries_on_validation") or _validated_before(node.func, ctx)):
            return
        _report_form(node, receiver, "saves with database queries" if method == "save" else _VALIDATES, ctx)
        return
    if method in _CACHE_READERS and receiver.extra.get("evaluated"):
        return  # `async for` filled the QuerySet's result cache: these read it
    twin = _twin(receiver, method)
    if twin is None and receiver.is_lazy and not method.startswith("_"):
        query = ctx.file.models.custom_method_query(receiver.model, method)
        if query is not None:
            ctx.report(node, f"`{ctx.source(node)}` runs a database query synchronously in async code: the project's "
                       f"`{method}()` calls `{query}()` (raises SynchronousOnlyOperation)", hints.offload(f"`{method}()`"))
        return
    if twin is None or method == "iterator" and not _consumed_here(node, ctx):
        return
    name, added = twin
    call = ctx.source(node)
    receiver_text = ctx.source(node.func.value, 40)
    if method == "iterator":
        hint = f"iterate with `async for obj in {receiver_text}.aiterator()`"
    else:
        hint = hints.async_twin(f"{receiver_text}.{method}(...)", f"{receiver_text}.{name}(...)", added, ctx.version)
    fix = fixes.awaited_method_twin(node, name, ctx) if method != "iterator" and ctx.version >= added else None
    ctx.report(node, f"`{call}` runs a database query synchronously in async code (raises SynchronousOnlyOperation)", hint, fix=fix)


# Form methods that validate the form the first time (through `errors`), and only then.
_FORM_VALIDATION = ("is_valid", "non_field_errors", "has_error")
_VALIDATES = "validates with database queries (model choices, unique checks)"


@rule.visits(ast.Attribute)
def check_form_errors(node: ast.Attribute, ctx) -> None:
    """``form.errors``: the first read runs ``full_clean()``, as ``is_valid()`` does."""
    if node.attr != "errors" or not isinstance(node.ctx, ast.Load):
        return
    receiver = ctx.type_of(node.value)
    if receiver is None or receiver.kind != ty.FORM or not receiver.extra.get("queries_on_validation") or _validated_before(node, ctx):
        return
    _report_form(node, receiver, f"{_VALIDATES} on first read", ctx)


def _report_form(node: ast.AST, form, what: str, ctx) -> None:
    kind = "Formset" if form.extra.get("formset") else "Form" if form.extra.get("plain_form") else "ModelForm"
    ctx.report(node, f"{kind} `{ctx.source(node)}` {what} in async code (raises SynchronousOnlyOperation)",
               hints.offload("the form handling"))


def _validated_before(node: ast.Attribute, ctx) -> bool:
    """Whether the function validated this form variable earlier in its text: ``form.errors``
    keeps what the first ``is_valid()`` (or ``await sync_to_async(form.is_valid)()``) found."""
    if not isinstance(node.value, ast.Name) or ctx.function is None:
        return False
    cache = ctx.file.options.setdefault("_form_validations", {})
    uses = cache.get(ctx.function)
    if uses is None:
        uses = cache[ctx.function] = [
            (use.value.id, use.lineno, use.col_offset) for use in ast.walk(ctx.function)
            if isinstance(use, ast.Attribute) and use.attr in ("errors", "full_clean", *_FORM_VALIDATION) and isinstance(use.value, ast.Name)]
    return any(name == node.value.id and (line, column) < (node.lineno, node.col_offset) for name, line, column in uses)


# The related managers' writes a field value of no other kind has (a list or dict from an
# ArrayField or JSONField has `remove()` and `clear()` too).
_DYNAMIC_WRITES = {"add": "aadd", "set": "aset"}


def _check_dynamic_relation_write(node: ast.Call, method: str, ctx) -> None:
    """``getattr(obj, name).add(...)`` / ``.set(...)`` on a model instance whose model has
    many-to-many or reverse foreign-key relations: a related manager's write."""
    getter = node.func.value
    if method not in _DYNAMIC_WRITES or not (isinstance(getter, ast.Call) and isinstance(getter.func, ast.Name)
                                             and getter.func.id == "getattr" and len(getter.args) == 2):
        return
    if (ctx.qualified(getter.func) or "getattr") != "getattr" or isinstance(getter.args[1], ast.Constant):
        return  # a constant name is typed like the attribute itself
    instance = ctx.type_of(getter.args[0])
    info = ctx.file.models.get(instance.model) if instance is not None and instance.kind == ty.INSTANCE else None
    if info is None or not any(r.kind in ("m2m", "reverse_m2m", "reverse_fk") for r in info.relations.values()):
        return
    twin = _DYNAMIC_WRITES[method]
    receiver_text = ctx.source(getter, 40)
    ctx.report(node, f"`{ctx.source(node)}` writes a many-to-many or reverse foreign-key relation of a `{instance.model}` "
               "synchronously in async code (raises SynchronousOnlyOperation)",
               hints.async_twin(f"{receiver_text}.{method}(...)", f"{receiver_text}.{twin}(...)", api.RELATED_MANAGER_ASYNC[twin][1], ctx.version))


# A Django REST framework serializer's `.data` (and `.is_valid()`): verify.analysis.drf_checks.
rule.visits(ast.Attribute, ast.Call)(drf_checks.report)
