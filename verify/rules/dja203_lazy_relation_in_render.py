"""## What it does
Checks for `render()`, `render_to_string()` and a template's `render()` called from async code
with model instances (or lists of them) whose relations the template reads and the query did not
load: `{{ order.customer.name }}` without `select_related("customer")`, `{% for item in
order.items.all %}` without `prefetch_related("items")`, `{% for o in orders %}{{ o.customer }}`.
The template is read from the project's `templates/` folders when exactly one file has the
name given (or from the string given to `Template(...)`); what it includes or extends is not
read.

## Why is this bad?
These render immediately, on the event loop. The template reads the relation as Python code
would, and an unloaded relation runs its query there: `SynchronousOnlyOperation`. Evaluating
the QuerySet first (DJA201) does not help when the template then follows each object's
relations. `TemplateResponse` is different: Django renders it later in a worker thread.

## Example
```python
from django.db import models
from django.http import HttpResponse
from django.template import Context, Template


class Customer(models.Model):  # in shop/models.py
    name = models.CharField(max_length=50)


class Order(models.Model):  # in shop/models.py
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)


async def order_detail(request, pk):
    order = await Order.objects.aget(pk=pk)
    page = Template("<h1>Order for {{ order.customer.name }}</h1>")
    return HttpResponse(page.render(Context({"order": order})))
```

## Use instead
```python
from django.db import models
from django.http import HttpResponse
from django.template import Context, Template


class Customer(models.Model):  # in shop/models.py
    name = models.CharField(max_length=50)


class Order(models.Model):  # in shop/models.py
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)


async def order_detail(request, pk):
    order = await Order.objects.select_related("customer").aget(pk=pk)
    page = Template("<h1>Order for {{ order.customer.name }}</h1>")
    return HttpResponse(page.render(Context({"order": order})))
```

## Fix safety
None: loading the relations changes the query, which a person chooses.
"""

import ast

from verify.analysis import template_reads
from verify.analysis import types as ty
from verify.analysis.registry import Rule

rule = Rule("DJA203", "lazy-relation-in-render", __doc__, min_version=(4, 1))
# qualified renderer -> (index of the template name, index of the context)
_RENDERERS = {"django.shortcuts.render": (1, 2), "django.template.loader.render_to_string": (0, 1)}
_TEMPLATE_CLASSES = ("django.template.Template", "django.template.base.Template")
_CONTEXT_CLASSES = {"django.template.Context": 0, "django.template.context.Context": 0,
                    "django.template.RequestContext": 1, "django.template.context.RequestContext": 1}
_TO_ONE = ("fk", "o2o", "reverse_o2o")
_MANAGER_READS = frozenset({"all", template_reads.ELEMENT})


def _argument(node: ast.Call, index: int, names: tuple[str, ...]) -> ast.expr | None:
    if len(node.args) > index:
        return node.args[index]
    return next((k.value for k in node.keywords if k.arg in names), None)


def _constant(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _template_source(node: ast.Call, ctx) -> tuple[str | None, str | None, ast.expr | None, str]:
    """(template text, its file, the context expression, what renders) for a render call."""
    qualified = ctx.qualified(node.func) or ""
    if qualified in _RENDERERS:
        name_at, context_at = _RENDERERS[qualified]
        name = _constant(_argument(node, name_at, ("template_name",)))
        path = template_reads.find(ctx.file.project, name) if name else None
        text = template_reads.read(ctx.file.project, path) if path is not None else None
        return text, name, _argument(node, context_at, ("context",)), qualified.rsplit(".", 1)[1] + "()"
    if not (isinstance(node.func, ast.Attribute) and node.func.attr == "render"):
        return None, None, None, ""
    built = node.func.value
    if isinstance(built, ast.Name):  # page = Template("..."), in the function or the module
        built = _assigned(built.id, ctx) or ctx.file.module_values.get(built.id)
    if not (isinstance(built, ast.Call) and (ctx.qualified(built.func) or "") in _TEMPLATE_CLASSES):
        return None, None, None, ""
    context = _argument(node, 0, ("context",))
    if isinstance(context, ast.Call) and (ctx.qualified(context.func) or "") in _CONTEXT_CLASSES:
        context = _argument(context, _CONTEXT_CLASSES[ctx.qualified(context.func)], ("dict_",))
    return _constant(_argument(built, 0, ("template_string",))), None, context, "Template.render()"


def _assigned(name: str, ctx) -> ast.expr | None:
    """The value of the one plain assignment to ``name`` in the function being checked."""
    values = [statement.value for statement in ast.walk(ctx.function) if isinstance(statement, ast.Assign)
              and any(isinstance(target, ast.Name) and target.id == name for target in statement.targets)]
    return values[0] if len(values) == 1 else None


def _to_one_loaded(instance: ty.T, attr: str, relation) -> bool:
    return attr in instance.loaded or ("*" in instance.loaded and relation.kind != "reverse_o2o" and not relation.null)


def lazy_step(steps: tuple[str, ...], value: ty.T, models) -> tuple[int, str, bool] | None:
    """Where following ``steps`` from ``value`` runs a query: (step index, the relation path from
    the context value, whether only prefetch_related loads it); None when it runs none or that is not known."""
    current, path, through_many = value, [], False
    for index, step in enumerate(steps[1:], 1):
        if current.kind == ty.LIST and step == template_reads.ELEMENT and current.elem is not None:
            current = current.elem
            continue
        if current.kind == ty.RELATED_MANAGER and step in _MANAGER_READS:  # prefetched: read from the cache
            current = current.element() if step == template_reads.ELEMENT else current
            continue
        if current.kind != ty.INSTANCE or ty.UNKNOWN_LOADS in current.loaded or step in current.deferred:
            return None
        relation = models.relation(current.model, step)
        if relation is None:
            return None  # a field, a method, a property: not followed
        path.append(step)
        back = frozenset({relation.field}) if relation.kind in ("reverse_fk", "reverse_o2o") and relation.field else frozenset()
        below = ty.instance_loaded(current.loaded, step) | back
        if relation.kind in _TO_ONE:
            if not _to_one_loaded(current, step, relation):
                return index, "__".join(path), through_many  # below a to-many relation, only prefetch_related reaches it
            star = "*" in current.loaded and relation.kind != "reverse_o2o" and not relation.null
            current = ty.T(ty.INSTANCE, relation.target, loaded=below | ({"*"} if star else frozenset()))
            continue
        if step not in current.loaded:
            # {{ order.items }} alone prints the manager; .all, .count, a loop query
            return (index, "__".join(path), True) if index + 1 < len(steps) else None
        current = ty.T(ty.RELATED_MANAGER, relation.target, loaded=below, extra={"prefetched": True})
        through_many = True
    return None


def _as_written(read: template_reads.Read, index: int) -> str:
    """The template's own text up to the step at ``index``: `o.customer` in ``{{ o.customer.name }}``."""
    parts = read.text.split(".")
    return ".".join(parts[:index - read.first_attr + 2]) if index >= read.first_attr else parts[0]


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    text, name, context, renderer = _template_source(node, ctx)
    if text is None or context is None:
        return
    value = ctx.type_of(context)
    if value is None or value.kind != ty.DICT:
        return
    items = dict(value.items)
    found: dict[str, tuple[int, str, bool]] = {}
    for read in template_reads.reads(text):
        item = items.get(read.steps[0])
        if item is None or item.kind not in (ty.INSTANCE, ty.LIST):
            continue  # a lazy QuerySet is DJA201's finding
        lazy = lazy_step(read.steps, item, ctx.file.models)
        if lazy is not None:  # one per relation, where the template first reads it
            found.setdefault(lazy[1], (_as_written(read, lazy[0]), read.line, lazy[2]))
    if not found:
        return
    where = f"`{name}`" if name else "the template"
    (first, line, _), *others = found.values()
    more = f" (and {len(others)} more: " + ", ".join(f"`{shown}`" for shown, _l, _m in others[:3]) + ")" if others else ""
    selects = sorted(path for path, (_s, _l, many) in found.items() if not many)
    prefetches = sorted(path for path, (_s, _l, many) in found.items() if many)
    loads = ".".join(filter(None, ("select_related(" + ", ".join(f'"{p}"' for p in selects) + ")" if selects else "",
                                    "prefetch_related(" + ", ".join(f'"{p}"' for p in prefetches) + ")" if prefetches else "")))
    ctx.report(node, f"`{renderer}` renders {where} on the event loop, and it reads `{first}` (line {line}){more}: a relation the "
               "query did not load, which runs its query there (raises SynchronousOnlyOperation)",
               f"load it in the query that loads the object (`{loads}`), or return a `TemplateResponse`, which Django renders later in a thread")
