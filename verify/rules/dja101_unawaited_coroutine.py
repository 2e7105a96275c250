"""## What it does
Checks for coroutines that are never awaited: Django async APIs (`aget`, `acount`, `asave`,
`request.auser()`, `aget_object_or_404`...), coroutine functions of the same module, and
`sync_to_async(...)(...)` calls whose result is not awaited, gathered, returned or stored and
awaited later.

## Why is this bad?
Calling a coroutine function only creates a coroutine object: the query never runs, Python
warns "coroutine ... was never awaited", and the code goes on with a coroutine where it expected
a model instance (`AttributeError`, or a truthy value in an `if`).

## Example
```python
async def product_detail(request, product_id):
    product = Product.objects.aget(id=product_id)
    return JsonResponse({"name": product.name})
```

## Use instead
```python
async def product_detail(request, product_id):
    product = await Product.objects.aget(id=product_id)
    return JsonResponse({"name": product.name})
```
"""

import ast

from verify import types as ty
from verify.name_uses import later_uses, names_in
from verify.registry import Rule

rule = Rule("DJA101", "unawaited-coroutine", __doc__, min_version=(4, 1))

# Calls that take a coroutine and run it.
_RUNNERS = {"gather", "wait", "wait_for", "shield", "create_task", "ensure_future", "as_completed",
            "run_coroutine_threadsafe", "start_soon", "spawn", "run", "timeout", "aenqueue"}
# Calls that would use a coroutine object as a plain value.
_PLAIN_CONSUMERS = {"JsonResponse", "HttpResponse", "render", "render_to_string", "TemplateResponse", "redirect",
                    "str", "len", "list", "tuple", "dict", "bool", "int", "float", "print", "dumps", "sorted"}
# Django coroutine method names: a bare statement calling one of these is a missing await whatever the receiver.
_DJANGO_COROUTINE_METHODS = {"asave", "adelete", "arefresh_from_db", "aupdate", "acreate", "abulk_create",
                             "abulk_update", "aget_or_create", "aupdate_or_create", "aadd", "aremove", "aclear",
                             "aset", "alogin", "alogout", "aflush", "acycle_key", "aenqueue"}


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _misuse(node: ast.AST, ctx, parent_of=None) -> str | None:
    """How the coroutine value at ``node`` is used wrongly, or None if the use is fine."""
    parent_of = parent_of or ctx.parent
    parent = parent_of(node)
    if isinstance(parent, ast.keyword):
        node, parent = parent, parent_of(parent)
    if isinstance(parent, ast.Starred):
        node, parent = parent, parent_of(parent)
    while isinstance(parent, ast.IfExp) and node is not parent.test:  # `await (a() if x else b())`: used as the branch is
        node, parent = parent, parent_of(parent)
    if isinstance(parent, (ast.Await, ast.Return, ast.Yield, ast.YieldFrom, ast.List, ast.Tuple, ast.Set,
                           ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.Lambda, ast.NamedExpr)):
        return None
    if isinstance(parent, ast.Call):
        if node is parent.func:
            return "called"
        name = _callee(parent)
        if name in _PLAIN_CONSUMERS:
            return f"passed to `{name}()`"
        return None
    if isinstance(parent, ast.Dict):
        holder = parent_of(parent)
        if isinstance(holder, ast.keyword):
            holder = parent_of(holder)
        if isinstance(holder, ast.Call) and _callee(holder) in _PLAIN_CONSUMERS:
            return f"put in a dict passed to `{_callee(holder)}()`"
        return None
    if isinstance(parent, ast.Attribute):
        return f"used as an object (`.{parent.attr}`)"
    if isinstance(parent, ast.Subscript) and node is parent.value:
        return "indexed"
    if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.BoolOp, ast.UnaryOp, ast.Assert)):
        return "used as a truth value (a coroutine is always true)"
    if isinstance(parent, ast.Compare):
        return "compared"
    if isinstance(parent, ast.FormattedValue):
        return "formatted into a string"
    if isinstance(parent, (ast.For, ast.comprehension)):
        return "iterated"
    if isinstance(parent, ast.Expr):
        return "never awaited"
    return None


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    value = ctx.type_of(node)
    parent = ctx.parent(node)
    if value is None or value.kind != ty.COROUTINE:
        if isinstance(parent, ast.Expr) and isinstance(node.func, ast.Attribute) and node.func.attr in _DJANGO_COROUTINE_METHODS:
            _report(node, ctx, "never awaited")
        return
    if isinstance(parent, (ast.Assign, ast.AnnAssign)):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        if any(isinstance(t, (ast.Tuple, ast.List)) for t in targets):
            _report(node, ctx, "unpacked without `await` (TypeError: cannot unpack non-iterable coroutine)")
            return
        if len(targets) != 1 or not isinstance(targets[0], ast.Name):
            return
        uses = later_uses(targets[0].id, parent, ctx.function)
        if not uses:
            _report(node, ctx, f"stored in `{targets[0].id}` and never awaited")
            return
        misuse = _misuse(uses[0], ctx, names_in(ctx.function)[1].get)
        if misuse and misuse != "never awaited":
            _report(uses[0], ctx, f"stored in `{targets[0].id}`, then {misuse} without `await`", origin=node)
        return
    misuse = _misuse(node, ctx)
    if misuse:
        _report(node, ctx, misuse)


def _report(node: ast.AST, ctx, how: str, origin: ast.AST | None = None) -> None:
    call = ctx.source(origin or node)
    ctx.report(
        node,
        f"coroutine `{call}` is {how}: it never runs" if how == "never awaited" else f"coroutine `{call}` is {how}",
        hint=f"write `await {ctx.source(origin or node)}`",
    )
