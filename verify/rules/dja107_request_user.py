"""## What it does
Checks for `request.user` read in async code while it is still Django's lazy user, also when
it is read as `getattr(request, "user", None)` or behind `hasattr(request, "user")`, and where a
user that `await sync_to_async(lambda: request.user)()` handed back unloaded is read
(`lambda: request.user.is_staff` loads it in the thread and is fine).

Not reported, because the user is already loaded or not loaded there:

- after `request.user = <user>` in the function (`request.user = await request.auser()`), or
  after `await alogin(request, user)` / `await alogout(request)`;
- in a handler whose framework authenticates before it runs: adrf views and viewsets
  (`adrf.views.APIView`, `adrf.decorators.api_view`), django-ninja operations whose `auth` is
  Django's session (`django_auth`, `django_auth_superuser`, `django_auth_is_staff`) on the
  decorator or on the module's `Router`/`NinjaAPI`, and django-bolt handlers with a
  `CurrentUser` parameter;
- in django-bolt handlers, after `await request.auser()`, also through an alias bound before it
  (bolt's lazy user is the object `auser()` fills; Django's own `auser()` caches apart, so there
  `request.user` still queries), and on a `BoltAPI(middleware=[...])` whose middleware class
  assigns `request.user` on every request;
- as an argument of the ORM's async methods that run their sync twin in a worker thread
  (`await Profile.objects.aget(user=request.user)`, `acreate(...)`, `aget_or_create(...)`,
  `group.user_set.aadd(request.user)`): the lazy user loads in that thread. A lookup built on the
  event loop (`Order.objects.filter(customer=request.user)`) is still reported;
- after a decorator of the project whose wrapper assigns `request.user`, or a django-ninja auth
  class of the project whose `authenticate` does;
- after your own decorators, view base classes or django-ninja auth objects, listed by
  qualified name in `pyproject.toml`:
  ```toml
  [tool.django-async-kit]
  user-loaders = ["myproject.auth.with_user", "myproject.views.AuthenticatedView"]
  ```
- when it is only handed on (`await sync_to_async(audit)(request.user)`,
  `asyncio.to_thread(...)`) or tested by identity (`request.user is None`).

## Why is this bad?
`request.user` is a lazy object that loads the session and the user with sync queries. In an
async view it raises `SynchronousOnlyOperation` for logged-in users only (an anonymous request
without a session cookie makes no query), so tests with anonymous clients miss it. It still
fails under `@login_required`, which caches the user for `auser()`, not for `request.user`.

## Example
```python
async def user_dashboard(request):
    if not request.user.is_authenticated:
        return redirect("login")
```

## Use instead
`request.auser()` needs Django 5.0; before it, read `request.user` in a sync function called with
`sync_to_async`.
```python
async def user_dashboard(request):
    user = await request.auser()
    if not user.is_authenticated:
        return redirect("login")
```

## Fix safety
Unsafe from Django 5.0: a statement `user = await request.auser()` goes before the first
statement of the function that reads `request.user`, and the reads reported become `user`
(`user = request.user` itself becomes `user = await request.auser()`). Unsafe because the user
is now read once, where the statement is, and `auser()` does not set `request.user`: code that
reads `request.user` elsewhere (a helper, a template's `{{ request.user }}`) still gets the lazy
user. No fix where the function already uses the name `user` for something else, assigns
`request.user`, or logs in or out (the user changes in the middle), or in a sync helper.
"""

import ast

from verify.analysis import fixes, hints, request_user
from verify.analysis import types as ty
from verify.analysis.finding import Edit, Fix
from verify.analysis.inference import constant_getattr
from verify.analysis.name_uses import later_uses, names_in
from verify.analysis.registry import Rule

rule = Rule("DJA107", "request-user-in-async", __doc__, min_version=(4, 1))


# Calls that run what they are given in a worker thread, where the lazy user may load.
_OFFLOADERS = {"asyncio.to_thread"}
_OFFLOADING_WRAPPERS = ("sync_to_async", "database_sync_to_async")
# QuerySet and related-manager methods whose body is `sync_to_async(<sync twin>)(*args, **kwargs)`
# in every Django from 4.1 (django/db/models/query.py, fields/related_descriptors.py).
_ORM_OFFLOADED = {"aget", "acreate", "aget_or_create", "aupdate_or_create", "aupdate", "acontains", "aaggregate",
                  "abulk_create", "abulk_update", "ain_bulk", "aadd", "aremove", "aset"}
_ORM_RECEIVERS = {ty.MANAGER, ty.QUERYSET, ty.RELATED_MANAGER}
_RELATED_MANAGER_WRITES = {"aadd", "aremove", "aset"}


@rule.visits(ast.Attribute)
def check(node: ast.Attribute, ctx) -> None:
    if node.attr == "user" and isinstance(node.ctx, ast.Load):
        _check_read(node, ctx)


@rule.visits(ast.Call)
def check_getattr(node: ast.Call, ctx) -> None:
    """``getattr(request, "user", None)`` reads ``request.user``. Code written so defensively
    often only hands the lazy object on (middleware and adapters copy it to another request
    without loading it), so it is reported only where the user itself is read: an attribute
    (``.is_authenticated``) or a truth test, directly or through the variable it is stored in."""
    attribute = constant_getattr(node)
    if attribute is None or attribute.attr != "user":
        return
    value = ctx.type_of(node)
    if value is None or not value.extra.get("request_user"):
        return
    parent = ctx.parent(node)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        parent_of = names_in(ctx.function)[1].get
        filled_at = _bolt_auser_line(node.args[0], ctx)
        read = any(use.lineno <= filled_at and _reads_user(use, parent_of(use)) for use in later_uses(parent.targets[0].id, parent, ctx.function))
    else:
        read = _reads_user(node, parent)
    if read:
        ctx.report(node, f"`{ctx.source(node)}` runs sync queries for logged-in users in async code (raises SynchronousOnlyOperation)",
                   hints.auser(ctx.version))


@rule.visits(ast.Call)
def check_lazy_handoff(node: ast.Call, ctx) -> None:
    """``user = await sync_to_async(lambda: request.user)()``: the thread hands back the lazy
    object without touching it, so the user loads where ``user`` is read, on the event loop."""
    if not (node.args and isinstance(node.args[0], ast.Lambda) and isinstance(node.args[0].body, ast.Attribute)
            and (ctx.qualified(node.func) or "").rpartition(".")[2] in _OFFLOADING_WRAPPERS):
        return
    lazy = node.args[0].body
    value = ctx.type_of(lazy) if lazy.attr == "user" and not _binds(node.args[0], lazy.value) else None
    call, awaited = ctx.parent(node), None
    if value is None or not value.extra.get("request_user") or not (isinstance(call, ast.Call) and call.func is node):
        return
    awaited = ctx.parent(call)
    if not isinstance(awaited, ast.Await):
        return
    parent = ctx.parent(awaited)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        parent_of = names_in(ctx.function)[1].get
        reads = [use for use in later_uses(parent.targets[0].id, parent, ctx.function)
                 if not _left_alone(use, parent_of(use), parent_of, ctx)]
        if not reads:
            return
        read = min(reads, key=lambda use: (use.lineno, use.col_offset))
    elif _left_alone(awaited, parent, ctx.parent, ctx) or not _reads_user(awaited, parent):
        return
    else:
        read = awaited
    # Reported where the user loads (and raises); the lambda, where the fix goes, is the second place.
    ctx.report(read, f"`{ctx.source(node)}` handed the lazy user back unloaded: reading it here runs sync queries in async "
               "code (raises SynchronousOnlyOperation)", hints.auser(ctx.version),
               related=((lazy, "the thread returns request.user without loading it here"),))


def _binds(function: ast.Lambda, name: ast.expr) -> bool:
    """Whether the lambda's own parameter is the name (``lambda request: request.user``)."""
    arguments = function.args.posonlyargs + function.args.args + function.args.kwonlyargs
    return isinstance(name, ast.Name) and any(argument.arg == name.id for argument in arguments)


def _reads_user(node: ast.expr, parent: ast.AST | None) -> bool:
    """``user.is_authenticated``, ``getattr(user, "pk", None)``, ``if user:``, ``not user``, ``user and ...``."""
    if isinstance(parent, ast.Attribute):
        return True
    if isinstance(parent, ast.Call) and parent.args[:1] == [node]:
        attribute = constant_getattr(parent)
        return attribute is not None
    if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)):
        return parent.test is node
    return isinstance(parent, ast.BoolOp) or isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not)


def _check_read(node: ast.Attribute, ctx) -> None:
    value = ctx.type_of(node)
    parent = ctx.parent(node)
    if value is None or not value.extra.get("request_user") or _left_alone(node, parent, ctx.parent, ctx):
        return
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        # `user = request.user`: it depends on what the code does with `user` next
        uses = later_uses(parent.targets[0].id, parent, ctx.function)
        parent_of = names_in(ctx.function)[1].get
        filled_at = _bolt_auser_line(node.value, ctx)
        if uses and all(_left_alone(use, parent_of(use), parent_of, ctx) or use.lineno > filled_at for use in uses):
            return
    ctx.report(node, f"`{ctx.source(node)}` runs sync queries for logged-in users in async code (raises SynchronousOnlyOperation)",
               hints.auser(ctx.version), fix=_fix(node, ctx) if ctx.version >= (5, 0) else None)


_REASON = "the user is read once, by the statement; auser() does not set request.user, which code elsewhere may still read"
_LOGIN = frozenset({"login", "alogin", "logout", "alogout", "force_login"})


def _fix(node: ast.Attribute, ctx) -> Fix | None:
    """``request.user`` -> ``user``, after ``user = await request.auser()`` (put before the
    function's first statement that reads ``request.user``, once for all the reads)."""
    function = ctx.function
    request = ctx.file.segment(node.value)
    if not fixes.awaitable_here(node, ctx) or request is None or "\n" in request:
        return None
    parent = ctx.parent(node)
    if isinstance(parent, ast.Assign) and parent.value is node and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        return Fix((Edit(fixes.start(node), fixes.end(node), f"await {request}.auser()"),), True, _REASON)
    shape = ast.dump(node.value)
    reads, names = [], set()
    for child in ast.walk(function):
        if isinstance(child, ast.Attribute) and child.attr == "user" and ast.dump(child.value) == shape:
            if not isinstance(child.ctx, ast.Load):
                return None  # request.user is assigned: which user a read sees depends on where it is
            reads.append(child)
        elif isinstance(child, ast.Call) and (getattr(child.func, "attr", None) or getattr(child.func, "id", None)) in _LOGIN:
            return None
        elif isinstance(child, ast.Name):
            names.add(child.id)
        elif isinstance(child, ast.arg):
            names.add(child.arg)
    here = fixes.body_statement(node, function, ctx.parent)
    statements = [s for s in (fixes.body_statement(r, function, ctx.parent) for r in reads) if s is not None]
    if here is None or not statements:
        return None
    rename = Edit(fixes.start(node), fixes.end(node), "user")
    loaded = f"user = await {request}.auser()"
    if any(_is_statement(s, loaded, ctx) and fixes.end(s) <= fixes.start(here) for s in function.body):
        return Fix((rename,), True, _REASON)  # the statement is there (an earlier round put it in)
    first = min(statements, key=fixes.start)
    indent = fixes.indentation(first, ctx.file.lines)
    if "user" in names or indent is None or getattr(first, "decorator_list", None):
        return None
    insert = Edit(fixes.start(first), fixes.start(first), loaded + fixes.newline(ctx.file.source) + indent)
    return Fix((insert, rename), True, _REASON)


def _is_statement(statement: ast.stmt, text: str, ctx) -> bool:
    return isinstance(statement, ast.Assign) and ctx.file.segment(statement) == text


def _bolt_auser_line(request: ast.expr, ctx) -> float:
    """The line of the first ``await request.auser()`` in a django-bolt handler: bolt's lazy user is
    the object ``auser()`` fills, so an alias bound before it reads a loaded user after it."""
    if not request_user.auser_fills_request_user(ctx.file) or not isinstance(request, ast.Name):
        return float("inf")
    lines = [node.lineno for node in ast.walk(ctx.function)
             if isinstance(node, ast.Await) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute)
             and node.value.func.attr == "auser" and isinstance(node.value.func.value, ast.Name)
             and node.value.func.value.id == request.id]
    return min(lines, default=float("inf"))


def _left_alone(node: ast.expr, parent: ast.AST | None, parent_of, ctx) -> bool:
    """Uses that leave the lazy object alone: an identity test (`request.user is None`), packing it
    in a tuple, `object.__getattribute__(request.user, "_wrapped")`, handing it to a thread."""
    if isinstance(parent, ast.keyword):
        parent = parent_of(parent)
    if isinstance(parent, ast.Call) and parent.func is not node and _offloads(parent, ctx):
        return True
    if isinstance(parent, ast.Compare):
        return all(isinstance(op, (ast.Is, ast.IsNot)) for op in parent.ops)
    if isinstance(parent, ast.Tuple):
        return True
    return (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) and parent.func.attr == "__getattribute__"
            and isinstance(parent.func.value, ast.Name) and parent.func.value.id == "object")


def _offloads(call: ast.Call, ctx) -> bool:
    """``sync_to_async(fn)(...)``, ``asyncio.to_thread(...)``, ``loop.run_in_executor(...)`` and the
    ORM's async methods that are ``sync_to_async`` of their sync twin (``aget(user=request.user)``):
    the arguments are read (and a lazy user loads, if it must) in the thread."""
    func = call.func
    if isinstance(func, ast.Call):
        return (ctx.qualified(func.func) or "").rpartition(".")[2] in _OFFLOADING_WRAPPERS
    if isinstance(func, ast.Attribute) and func.attr in _ORM_OFFLOADED:
        receiver = ctx.type_of(func.value)
        if receiver is None:  # a relation of a model the index does not hold (Django's Group.user_set)
            return func.attr in _RELATED_MANAGER_WRITES
        return receiver.kind in _ORM_RECEIVERS
    return (ctx.qualified(func) or "") in _OFFLOADERS or isinstance(func, ast.Attribute) and func.attr == "run_in_executor"
