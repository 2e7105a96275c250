"""## What it does
Checks for the sync `Paginator` used in async code: `page()`, `get_page()`, `count`,
`num_pages`, `page_range`; and for a page of a QuerySet read as a sequence (`len(page)`,
`for obj in page`, `page[0]`, `list(page)`) before its objects are loaded: a `Page` got in a
thread (`await sync_to_async(paginator.get_page)(n)`), or an `AsyncPage` (Django 6.0+) before
`await page.aget_object_list()`. (`page.object_list` iterated is DJA103, a page passed to
`render()` DJA201.)

## Why is this bad?
They count and slice the QuerySet with sync queries and raise `SynchronousOnlyOperation`.
Django 6.0 added `AsyncPaginator` (`await paginator.aget_page(n)`). A page only slices the
QuerySet: a `Page` evaluates it when it is first read as a sequence, wherever that is, and an
`AsyncPage` raises `TypeError` ("AsyncPage.aget_object_list() must be awaited before calling
len().") until `await page.aget_object_list()` has loaded it. Before 6.0, load a `Page` in the
thread: `page.object_list = await sync_to_async(list)(page.object_list)`.

## Example
```python
async def product_list(request):
    page = Paginator(Product.objects.all(), 20).get_page(request.GET.get("page"))
```

## Use instead
```python
async def product_list(request):
    page = await AsyncPaginator(Product.objects.all(), 20).aget_page(request.GET.get("page"))
```

## Fix safety
Unsafe from Django 6.0: where the function builds the `Paginator` itself (in the same
expression, or in a variable it uses for nothing but these calls), `Paginator` becomes
`AsyncPaginator` (imported from `django.core.paginator` when needed) and each call or property
its awaited twin: `await paginator.aget_page(n)`, `await paginator.acount()`. When the page is
assigned to a name, `await page.aget_object_list()` follows, so that a template, `len()` or an
index can read it. Unsafe because the page is now an `AsyncPage`: its `has_next()`,
`start_index()`... are `ahas_next()`, `astart_index()`... (a template that calls
`page.has_next` gets nothing). No fix for a paginator built elsewhere or a project subclass.
"""

import ast

from verify.analysis import fixes, hints, pages
from verify.analysis import types as ty
from verify.analysis.finding import Edit, Fix
from verify.analysis.name_uses import names_in
from verify.analysis.registry import Rule

rule = Rule("DJA111", "sync-paginator", __doc__, min_version=(4, 1))
_METHODS = {"page": "apage", "get_page": "aget_page", "validate_number": "avalidate_number", "get_elided_page_range": "aget_elided_page_range"}
_PROPERTIES = {"count": "acount", "num_pages": "anum_pages", "page_range": "apage_range"}


def _hint(twin: str, ctx) -> str:
    if ctx.version >= (6, 0):
        return f"use `AsyncPaginator` and `await paginator.{twin}(...)`"
    return "`AsyncPaginator` needs Django 6.0+: " + hints.offload("the pagination")


@rule.visits(ast.Attribute)
def check(node: ast.Attribute, ctx) -> None:
    receiver = ctx.type_of(node.value)
    if receiver is None or receiver.kind != ty.PAGINATOR or not isinstance(node.ctx, ast.Load):
        return
    parent = ctx.parent(node)
    is_call = isinstance(parent, ast.Call) and parent.func is node
    fix = _fix(node, parent if is_call else node, ctx) if ctx.version >= (6, 0) else None
    if is_call and node.attr in _METHODS:
        ctx.report(parent, f"`Paginator.{node.attr}()` runs sync queries in async code (raises SynchronousOnlyOperation)",
                   _hint(_METHODS[node.attr], ctx), fix=fix)
    elif not is_call and node.attr in _PROPERTIES:
        ctx.report(node, f"`Paginator.{node.attr}` runs a sync count query in async code", _hint(_PROPERTIES[node.attr], ctx), fix=fix)


_PAGINATOR = "django.core.paginator.Paginator"
_REASON = "the page becomes an AsyncPage, whose has_next(), start_index()... are a-methods a template cannot call"


def _fix(node: ast.Attribute, used: ast.expr, ctx) -> Fix | None:
    """``Paginator(...).get_page(n)`` -> ``await AsyncPaginator(...).aget_page(n)`` (the same through
    a variable), then ``await page.aget_object_list()`` when the page is assigned to a name."""
    if not fixes.awaitable_here(used, ctx) or isinstance(ctx.parent(used), ast.Await):
        return None
    built = _construction(node.value, ctx)
    if built is None:
        return None
    if isinstance(built.func, ast.Attribute):
        construct = (fixes.rename_method(built, "AsyncPaginator"),)
    else:
        imported = fixes.import_edit(ctx, "django.core.paginator", "AsyncPaginator")
        if imported is None:
            return None
        construct = (Edit(fixes.start(built.func), fixes.end(built.func), "AsyncPaginator"), *imported)
    parent = ctx.parent(used)
    if used is node:  # a property: `paginator.count` -> `await paginator.acount()`
        line, column = fixes.end(node)
        call = (Edit((line, column - len(node.attr.encode())), (line, column), _PROPERTIES[node.attr] + "()"),)
    else:
        call = (fixes.rename_method(used, _METHODS[node.attr]),)
    edits = [*construct, *call, *fixes.await_edits(used, parent)]
    if used is not node and isinstance(parent, ast.Assign) and parent.value is used and len(parent.targets) == 1 \
            and isinstance(parent.targets[0], ast.Name) and fixes.alone_on_its_lines(parent, ctx.file.lines):
        indent = fixes.indentation(parent, ctx.file.lines)
        line = ctx.file.lines[parent.end_lineno - 1]
        position = (parent.end_lineno, len(line.encode()))
        edits.append(Edit(position, position, f"{fixes.newline(ctx.file.source)}{indent}await {parent.targets[0].id}.aget_object_list()"))
    return Fix(tuple(edits), True, _REASON)


def _construction(value: ast.expr, ctx) -> ast.Call | None:
    """The ``Paginator(...)`` call that made ``value``: the expression itself, or the only value
    of a variable the function uses for nothing but paginator calls and properties."""
    if isinstance(value, ast.Call):
        return value if ctx.qualified(value.func) == _PAGINATOR else None
    if not isinstance(value, ast.Name):
        return None
    by_name, parents = names_in(ctx.function)
    uses = by_name.get(value.id, [])
    stores = [n for n in uses if not isinstance(n.ctx, ast.Load)]
    if len(stores) != 1 or any(a.arg == value.id for a in ast.walk(ctx.function.args) if isinstance(a, ast.arg)):
        return None
    assign = parents.get(stores[0])
    if not (isinstance(assign, ast.Assign) and assign.targets == stores and isinstance(assign.value, ast.Call)):
        return None
    for use in uses:
        if use is stores[0]:
            continue
        attribute = parents.get(use)
        called = isinstance(parents.get(attribute), ast.Call) and parents[attribute].func is attribute
        if not isinstance(attribute, ast.Attribute) or (attribute.attr not in _METHODS if called else attribute.attr not in _PROPERTIES):
            return None  # handed on, or read in a way the fix does not rewrite
    return _construction(assign.value, ctx)


def _report_page(node: ast.AST, value: ast.expr, how: str, ctx) -> None:
    kind = pages.unloaded_page(ctx.type_of(value))
    if kind is None:
        return
    page = ctx.source(value, 40)
    if kind == "AsyncPage":
        message = f"{how} reads `AsyncPage` `{page}` as a sequence before `await {page}.aget_object_list()`: raises TypeError"
    else:
        message = f"{how} reads `Page` `{page}` as a sequence: it evaluates the page's QuerySet with a sync query in async code (raises SynchronousOnlyOperation)"
    ctx.report(node, message, pages.load_hint(kind, ctx.version, page))


_SEQUENCE_READERS = frozenset({"len", "list", "tuple", "sorted", "set", "reversed"})


@rule.visits(ast.Call)
def check_page_builtin(node: ast.Call, ctx) -> None:
    if isinstance(node.func, ast.Name) and node.func.id in _SEQUENCE_READERS and len(node.args) == 1 and not node.keywords:
        _report_page(node, node.args[0], f"`{node.func.id}()`", ctx)


@rule.visits(ast.For)
def check_page_loop(node: ast.For, ctx) -> None:
    _report_page(node.iter, node.iter, "a `for` loop", ctx)


@rule.visits(ast.comprehension)
def check_page_comprehension(node: ast.comprehension, ctx) -> None:
    if not node.is_async:
        _report_page(node.iter, node.iter, "a comprehension", ctx)


@rule.visits(ast.Subscript)
def check_page_index(node: ast.Subscript, ctx) -> None:
    if isinstance(node.ctx, ast.Load):
        _report_page(node, node.value, "indexing", ctx)
