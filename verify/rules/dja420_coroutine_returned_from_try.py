"""## What it does
Checks for a sync function whose `try` block only returns a coroutine (`return fetch(...)`,
where `fetch` is an `async def` of the project, a Django async API such as
`Order.objects.aget(...)`, or a `sync_to_async(...)(...)` call) while its `except` clauses
expect to catch what that coroutine raises. The finding sits on the call that makes the
coroutine, with the handler as a second location. (Like every rule, in the modules the verifier
analyses: those with async code.)

## Why is this bad?
Calling a coroutine function runs none of its body: the sync wrapper returns the coroutine object
at once and leaves the `try`. The body runs later, when the caller awaits it, and its exceptions
reach the caller: the `except` clause never fires (`Order.DoesNotExist` escapes, the fallback
value is never returned).

## Example
```python
from django.http import Http404, JsonResponse

from shop.models import Order


def order_or_none(pk):
    try:
        return Order.objects.aget(pk=pk)
    except Order.DoesNotExist:
        return None


async def order_detail(request, pk):
    order = await order_or_none(pk)  # raises Order.DoesNotExist for an unknown pk
    if order is None:
        raise Http404
    return JsonResponse({"id": order.pk})
```

## Use instead
```python
from django.http import Http404, JsonResponse

from shop.models import Order


async def order_or_none(pk):
    try:
        return await Order.objects.aget(pk=pk)
    except Order.DoesNotExist:
        return None


async def order_detail(request, pk):
    order = await order_or_none(pk)
    if order is None:
        raise Http404
    return JsonResponse({"id": order.pk})
```

## Fix safety
No automatic fix: making the wrapper `async def` changes every caller, which must then await it.
Handlers for what the call expression itself raises at once (`AttributeError`, `NameError`,
`ImportError`, `TypeError`) and a handler that only re-raises are not reported.
"""

import ast

from verify.analysis import types as ty
from verify.analysis.context import statements
from verify.analysis.inference import Typer
from verify.analysis.registry import Rule

rule = Rule("DJA420", "coroutine-returned-from-try", __doc__, scope="module", triggers=("try",))

# Raised by the call expression itself, before any coroutine exists: a handler for one of these
# works (`try: return client.afetch() except AttributeError: return client.fetch()`).
_RAISED_AT_ONCE = {"AttributeError", "NameError", "ImportError", "ModuleNotFoundError", "TypeError"}


@rule.visits(ast.FunctionDef)
def check(node: ast.FunctionDef, ctx) -> None:
    tries = [statement for statement in statements(node.body) if type(statement) is ast.Try and statement.handlers
             and len(statement.body) == 1 and isinstance(statement.body[0], ast.Return)
             and isinstance(statement.body[0].value, ast.Call)]
    if not tries:
        return
    owner = ctx.parent(node)
    typer = Typer(ctx.file, {}, owner.name if isinstance(owner, ast.ClassDef) else None, local_names=_local_names(node))
    for statement in tries:
        if _enclosing_function(statement, node, ctx) is not node:
            continue  # a nested function's own try: checked when it is visited
        handlers = [handler for handler in statement.handlers if _expects_a_late_error(handler)]
        call = statement.body[0].value
        value = typer.type_of(call)
        if not handlers or value is None or value.kind != ty.COROUTINE:
            continue
        handler = f"`except {ctx.source(handlers[0].type, 40)}`" if handlers[0].type is not None else "the bare `except`"
        ctx.report(call, f"coroutine `{ctx.source(call, 50)}` is returned from the `try` of sync function `{node.name}`: it runs "
                   f"when the caller awaits it, after the `try` is left, so {handler} never catches its errors",
                   hint=f"make `{node.name}` an `async def` and `return await {ctx.source(call, 40)}` inside the `try`",
                   related=((handlers[0], "this handler never sees the coroutine's errors"),))


def _expects_a_late_error(handler: ast.ExceptHandler) -> bool:
    if len(handler.body) == 1 and isinstance(handler.body[0], ast.Raise) and handler.body[0].exc is None:
        return False  # re-raises: catching nothing changes nothing
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type] if handler.type else []
    names = {expr.attr if isinstance(expr, ast.Attribute) else getattr(expr, "id", "") for expr in caught}
    return not names & _RAISED_AT_ONCE


def _enclosing_function(statement: ast.AST, default: ast.AST, ctx) -> ast.AST:
    parent = ctx.parent(statement)
    while parent is not None and not isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        parent = ctx.parent(parent)
    return parent if parent is not None else default


def _local_names(function: ast.FunctionDef) -> frozenset[str]:
    """Parameters and assigned names: they hide module functions of the same name."""
    args = function.args
    names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a}
    names.update(n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
    names.update(n.name for n in ast.walk(function) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n is not function)
    return frozenset(names)
