"""## What it does
Checks for coroutines that are never awaited: Django async APIs (`aget`, `acount`, `asave`,
`request.auser()`, `aget_object_or_404`...), coroutine functions of the project,
`sync_to_async(...)(...)` calls, the test client's requests in async tests
(`self.async_client.get(...)`, pytest-django's `async_client`), and a callable known to be
async because the code tested it (`if iscoroutinefunction(handler): handler(request)`, also
`is_async_callable` and `getattr(handler, "is_async", False)`; in a middleware factory, the
`get_response` that the async def of its `if iscoroutinefunction(get_response):` branch calls),
a function the rest of the project awaits or hands to `async_to_sync(...)` where the kit cannot
see an `async def` (one made by a decorator or factory it cannot read, a method of a module-level
object such as `api = make_client(...)`; the message names that place), and `self.hook()` in a
base class's async method when a project subclass that runs it overrides `hook` with an
`async def`, whose result is not awaited,
gathered, returned or stored and awaited later. A coroutine put in a dict or list that is then
handed to `render()`, `JsonResponse()` and the like (a template context) is reported too. Each
finding points at the call that made the coroutine, where `await` belongs; when the mistake
shows later, that place is a second location (SARIF `relatedLocations`). An async view (or middleware `__call__`) that
returns another view's coroutine, `return other_view(request)`, is flagged too: Django expects
a response. So is an async callable (a `sync_to_async(func)` wrapper, an `async def` of the
module) handed to a sync function of the module that calls it as a statement, dropping the
coroutine: `cleanup(request, sync_to_async(check))` where `cleanup` runs `check(request)`.

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

## Fix safety
Adds `await` where the coroutine is made (in parentheses when its result is used,
`(await qs.afirst()).name`). Safe for Django's coroutines (`aget`, `asave`, `request.auser()`...);
unsafe for the project's own coroutine functions and other callables, whose coroutine may be
meant to run elsewhere (a task, a gather) that the code does not show yet. No fix inside a
generator expression, where `await` would make an async generator.
"""

import ast

from verify.analysis import fixes
from verify.analysis import types as ty
from verify.analysis.finding import Fix
from verify.analysis.name_uses import later_uses, names_in
from verify.analysis.registry import Rule
from verify.analysis.view_shapes import HTTP_HANDLERS, takes_request

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


def _misuse(node: ast.AST, ctx, parent_of=None, call: ast.AST | None = None) -> str | None:
    """How the coroutine value at ``node`` (made by ``call``) is used wrongly, or None if the use is fine."""
    parent_of = parent_of or ctx.parent
    parent = parent_of(node)
    if isinstance(parent, ast.keyword):
        node, parent = parent, parent_of(parent)
    if isinstance(parent, ast.Starred):
        node, parent = parent, parent_of(parent)
    while isinstance(parent, ast.IfExp) and node is not parent.test:  # `await (a() if x else b())`: used as the branch is
        node, parent = parent, parent_of(parent)
    if isinstance(parent, ast.Return):
        if _delegates_request(call or node, ctx) and _is_view(ctx):
            return f"returned from async view `{ctx.function.name}`: Django gets a coroutine instead of a response (ValueError)"
        return None  # a coroutine function may hand a coroutine to its caller
    if isinstance(parent, (ast.Await, ast.Yield, ast.YieldFrom, ast.List, ast.Tuple, ast.Set,
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


def _delegates_request(node: ast.AST, ctx) -> bool:
    """``other_view(request, ...)``, ``self.get_response(request)``: a call handing the view's
    request on, so its coroutine is meant to become the response."""
    params = ctx.function.args.posonlyargs + ctx.function.args.args
    request = params[1 if ctx.class_name else 0].arg if len(params) > (1 if ctx.class_name else 0) else None
    return isinstance(node, ast.Call) and bool(node.args) and isinstance(node.args[0], ast.Name) and node.args[0].id == request


def _is_view(ctx) -> bool:
    """The async function is a view Django calls: a function taking ``request``, or an HTTP
    handler (``dispatch``, a middleware's ``__call__``) of a class, whose return value must be a response."""
    function = ctx.function
    if ctx.class_name is None:
        return takes_request(function)
    return function.name in (*HTTP_HANDLERS, "dispatch", "__call__") and takes_request(function, is_method=True)


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
        if len(targets) != 1:
            return
        if isinstance(targets[0], ast.Subscript):  # context["count"] = Product.objects.acount()
            _check_container(node, targets[0].value, parent, ctx)
            return
        if not isinstance(targets[0], ast.Name):
            return
        uses = later_uses(targets[0].id, parent, ctx.function)
        if not uses:
            _report(node, ctx, f"stored in `{targets[0].id}` and never awaited")
            return
        misuse = _misuse(uses[0], ctx, names_in(ctx.function)[1].get, call=node)
        if misuse and misuse != "never awaited":
            _report(node, ctx, f"stored in `{targets[0].id}` without `await`, then {misuse}", used=(uses[0], misuse))
        return
    if isinstance(parent, (ast.Dict, ast.List, ast.Tuple)):
        holder = ctx.parent(parent)
        if isinstance(holder, ast.Assign) and len(holder.targets) == 1 and (node is not getattr(parent, "keys", ())):
            _check_container(node, holder.targets[0], holder, ctx)
            return
    misuse = _misuse(node, ctx)
    if misuse:
        _report(node, ctx, misuse)


def _check_container(node: ast.Call, container: ast.expr, assign: ast.stmt, ctx) -> None:
    """A coroutine put in a dict or list (a template context) that is then handed, whole, to
    a call that uses its values as plain data: ``render(request, "t.html", context)``."""
    if not isinstance(container, ast.Name):
        return
    uses = later_uses(container.id, assign, ctx.function)
    parents = names_in(ctx.function)[1]
    for use in uses:
        holder = parents.get(use)
        if isinstance(holder, ast.keyword):
            holder = parents.get(holder)
        if isinstance(holder, ast.Call) and use is not holder.func:
            name = _callee(holder)
            if name in _PLAIN_CONSUMERS:
                how = f"passed to `{name}()`"
                _report(node, ctx, f"put in `{container.id}` without `await`, then {how} as a value", used=(use, how))
            return  # handed to any other call first: that call may await it (asyncio.gather(*tasks))
        if isinstance(holder, ast.Attribute) and holder.attr not in ("update", "setdefault"):
            return  # read some other way first (`tasks.values()`)


def _report(node: ast.AST, ctx, how: str, used: tuple[ast.AST, str] | None = None) -> None:
    """Reported at the call that made the coroutine (where `await` belongs); ``used``: the
    place it is used, and how."""
    call = ctx.source(node)
    message = f"coroutine `{call}` is {how}: it never runs" if how == "never awaited" else f"coroutine `{call}` is {how}"
    value = ctx.type_of(node) if isinstance(node, ast.Call) else None
    if value is not None and value.extra.get("evidence"):  # a coroutine function only the rest of the project shows
        message += f" (a coroutine function: {value.extra['evidence']})"
    ctx.report(
        node,
        message,
        hint=f"write `await {call}`",
        related=((used[0], f"the coroutine is {used[1]} here"),) if used else (),
        fix=_await_fix(node, ctx),
    )


# Receivers whose coroutine methods are Django's: ``qs.aget()``, ``product.asave()``, ``request.auser()``.
_DJANGO_RECEIVERS = frozenset({*ty.LAZY, ty.INSTANCE, ty.REQUEST, ty.SESSION, ty.PAGINATOR})


def _await_fix(node: ast.AST, ctx) -> Fix | None:
    if not isinstance(node, ast.Call) or fixes.unfixable_place(node, ctx.parent):
        return None
    edits = fixes.await_edits(node, ctx.parent(node))
    if _is_django_coroutine(node, ctx):
        return Fix(edits)
    return Fix(edits, unsafe=True, reason="the project's coroutine may be meant to run elsewhere (a task, a gather)")


def _is_django_coroutine(call: ast.Call, ctx) -> bool:
    if (ctx.qualified(call.func) or "").startswith("django."):
        return True
    if not isinstance(call.func, ast.Attribute):
        return False
    receiver = ctx.type_of(call.func.value)
    return call.func.attr in _DJANGO_COROUTINE_METHODS or receiver is not None and receiver.kind in _DJANGO_RECEIVERS


def _async_callable(node: ast.expr, ctx) -> str | None:
    """How ``node`` is known to be an async callable: a ``sync_to_async(func)`` wrapper, or a
    module-level ``async def`` of this file named directly."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and (ctx.qualified(node.func) or "").rsplit(".", 1)[-1] == "sync_to_async":
        return f"`{ctx.source(node, 50)}` (its calls make coroutines)"
    if isinstance(node, ast.Name) and isinstance(_module_function(node.id, ctx), ast.AsyncFunctionDef):
        return f"coroutine function `{node.id}`"
    return None


_module_functions: list = [None, {}]  # the last file's tree and its top-level functions by name


def _module_function(name: str, ctx) -> ast.AST | None:
    tree = ctx.file.tree
    if _module_functions[0] is not tree:
        functions = {}
        for statement in tree.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions[statement.name] = statement
        _module_functions[:] = [tree, functions]
    return _module_functions[1].get(name)


def _dropped_calls(helper: ast.FunctionDef, parameter: str) -> list[ast.Call]:
    """Statements of the sync ``helper`` (not of functions nested in it) that call ``parameter``
    and throw the result away."""
    found, todo = [], list(helper.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name) \
                and node.value.func.id == parameter:
            found.append(node.value)
        todo.extend(ast.iter_child_nodes(node))
    return sorted(found, key=lambda call: call.lineno)


@rule.visits(ast.Call)
def check_handed_to_sync_helper(node: ast.Call, ctx) -> None:
    """``helper(request, sync_to_async(check))`` where the module's sync ``helper`` runs
    ``check(request)`` as a statement: the coroutine each call makes is dropped, never awaited."""
    if not isinstance(node.func, ast.Name) or not node.args:
        return
    helper = None
    for index, argument in enumerate(node.args):
        what = _async_callable(argument, ctx)
        if what is None:
            continue
        helper = helper or _module_function(node.func.id, ctx)
        if not isinstance(helper, ast.FunctionDef):
            return
        parameters = helper.args.posonlyargs + helper.args.args
        if index >= len(parameters):
            return
        dropped = _dropped_calls(helper, parameters[index].arg)
        if dropped:
            ctx.report(node, f"{what} is handed to the sync function `{helper.name}()`, which calls it without `await` "
                             f"(`{ctx.source(dropped[0], 40)}`, line {dropped[0].lineno}): the coroutine is dropped and never runs",
                       hint=f"make `{helper.name}` async and await the call, or pass it a sync function",
                       related=((dropped[0], "the coroutine is made and dropped here"),))
            return
