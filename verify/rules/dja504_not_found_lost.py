"""## What it does
Checks that a view converted from `def` to `async def` still answers 404 where the sync version
did, and still handles the exceptions the sync version handled:

- `get_object_or_404()` / `get_list_or_404()` replaced by `aget()` (or a `get()` wrapped in
  `sync_to_async`) with no `except Model.DoesNotExist`, or by `afirst()` with no `None` check;
- `get_list_or_404()` replaced by a list built with `[x async for x in query]` that is never
  tested for emptiness;
- an `except` clause of the sync view with no counterpart in the async one.

`aget_object_or_404()`, `sync_to_async(get_object_or_404)`, a `try`/`except Model.DoesNotExist`
(or `ObjectDoesNotExist`) around `aget()`, an `isinstance(result, SomeError)` test on the results
of `asyncio.gather(..., return_exceptions=True)`, and a broader `except Exception` all count.

## Why is this bad?
A missing object becomes an unhandled `DoesNotExist`: a 500 and an error report instead of a
404. A dropped `except` turns an expected failure (an external API down, bad input) into a 500.

## Example
```python
# before
def order_detail(request, order_id):
    order = get_object_or_404(Order, id=order_id)

# after the AI edit
async def order_detail(request, order_id):
    order = await Order.objects.aget(id=order_id)
```

## Use instead
```python
async def order_detail(request, order_id):
    order = await aget_object_or_404(Order, id=order_id)
```

## Fix safety
None: the converted view has to get back what its sync version did, which a person writes.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from verify.analysis.registry import Rule
from verify.compare.exceptions import (
    covers,
    handler_names,
    lost_handlers,
    shortcut_bases,
)
from verify.compare.functions import Function, FunctionPair
from verify.compare.names import call_name, current_user_names, query_base
from verify.compare.registry import SCOPE, Reporter, compares_functions, header_node

rule = Rule("DJA504", "not-found-lost", __doc__, scope=SCOPE)

_RAISING_LOOKUPS = {"get", "aget", "earliest", "aearliest", "latest", "alatest"}  # raise DoesNotExist
_NONE_LOOKUPS = {"first", "afirst", "last", "alast"}  # give None


def _parents(function: Function) -> dict[ast.AST, ast.AST]:
    parents = {}
    for node in ast.walk(function.node):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return parents


def _handles_does_not_exist(call: ast.Call, parents: dict[ast.AST, ast.AST]) -> bool:
    child, parent = call, parents.get(call)
    while parent is not None:
        if isinstance(parent, ast.Try) and any(child is statement for statement in parent.body):
            if any(covers(name, "DoesNotExist") for handler in parent.handlers for name in handler_names(handler)):
                return True
        child, parent = parent, parents.get(parent)
    return False


def _none_checked(call: ast.Call, function: Function, parents: dict[ast.AST, ast.AST]) -> bool:
    """``x = await qs.afirst()`` followed by a test of ``x`` (``if x is None``, ``if not x``)."""
    statement = parents.get(call)
    while statement is not None and not isinstance(statement, ast.stmt):
        statement = parents.get(statement)
    if not isinstance(statement, ast.Assign) or not isinstance(statement.targets[0], ast.Name):
        return True  # used inline (`if await qs.afirst():`) or unknown: no claim
    name = statement.targets[0].id
    return any(isinstance(node, (ast.If, ast.IfExp, ast.While, ast.Assert)) and
               any(isinstance(part, ast.Name) and part.id == name for part in ast.walk(node.test))
               for node in function.nodes())


@dataclass(frozen=True)
class Lookup:
    call: ast.Call
    base: str  # the model or related manager it queries, see names.query_base
    handled: bool  # a missing object is caught (DoesNotExist handler, None check)


def _lookups(function: Function) -> list[Lookup]:
    """Every single-object lookup of the view (``get``/``aget``/``first``/..., wrapped or not)."""
    users = current_user_names(function)
    parents = _parents(function)
    found = []
    for node in function.nodes():
        if not isinstance(node, ast.Call) or not isinstance(node.func, (ast.Attribute, ast.Call)):
            continue
        name = call_name(node)
        if name not in _RAISING_LOOKUPS | _NONE_LOOKUPS:
            continue
        target = node.func.args[0] if isinstance(node.func, ast.Call) and node.func.args else node.func
        if not isinstance(target, ast.Attribute):
            continue
        handled = _handles_does_not_exist(node, parents) if name in _RAISING_LOOKUPS else _none_checked(node, function, parents)
        found.append(Lookup(node, query_base(target.value, users), handled))
    return found


def _escaping(lookups: list[Lookup]) -> ast.Call | None:
    """The first lookup that lets a missing object escape, unless another one on the same base is handled."""
    if not lookups or any(lookup.handled for lookup in lookups):
        return None
    return lookups[0].call


@compares_functions(rule)
def check(pair: FunctionPair, reporter: Reporter) -> None:
    _check_shortcuts(pair, reporter)
    _check_handlers(pair, reporter)


def _unchecked_lists(function: Function) -> dict[str, ast.AST]:
    """Query base -> ``name = [x async for x in <query>]`` (or ``list(...)`` of one) whose
    ``name`` is never tested afterwards (``if not name:``): an empty result goes on as an
    empty page instead of a 404."""
    users = current_user_names(function)
    found: dict[str, ast.AST] = {}
    for node in function.nodes():
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        value = node.value
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.ListComp) and len(value.generators) == 1 and value.generators[0].is_async:
            query = value.generators[0].iter
        else:
            continue
        name = node.targets[0].id
        tested = any(isinstance(other, (ast.If, ast.IfExp, ast.While, ast.Assert)) and
                     any(isinstance(part, ast.Name) and part.id == name for part in ast.walk(other.test))
                     for other in function.nodes())
        if not tested:
            found.setdefault(query_base(query, users), node.value)
    return found


def _check_shortcuts(pair: FunctionPair, reporter: Reporter) -> None:
    old_shortcuts = shortcut_bases(pair.old, pair.old.nodes())
    new_shortcuts = shortcut_bases(pair.new, pair.new.reachable_nodes())
    old_bases = set(old_shortcuts) | {lookup.base for lookup in _lookups(pair.old)}
    new_lookups = _lookups(pair.new)
    for base, old in old_shortcuts.items():
        if base in new_shortcuts:
            continue
        if call_name(old) in ("get_list_or_404", "aget_list_or_404"):
            listed = _unchecked_lists(pair.new).get(base)
            if listed is not None:
                reporter.report(rule, pair.new.file.path, listed,
                                f"`{pair.old.source(old)}` of `{pair.old.qualname}` (old line {old.lineno}) became "
                                f"`{pair.new.source(listed)}` (line {listed.lineno}) with no emptiness check: no match gives an "
                                "empty page, not a 404", f"`await aget_list_or_404(...)` with the same arguments (Django 5.0+), "
                                "or raise `Http404` when the list is empty")
            continue
        replacements = [lookup for lookup in new_lookups if lookup.base == base]
        if not replacements and not set(new_shortcuts) - old_bases:
            # The query now starts elsewhere (`request.user.orders` -> `Order.objects`): look at
            # the lookups the old view did not make.
            replacements = [lookup for lookup in new_lookups if lookup.base not in old_bases]
        lookup = _escaping(replacements)
        if lookup is None:
            continue
        handling = "handling `DoesNotExist`" if call_name(lookup) in _RAISING_LOOKUPS else "a `None` check"
        reporter.report(rule, pair.new.file.path, lookup,
                        f"`{pair.old.source(old)}` of `{pair.old.qualname}` (old line {old.lineno}) became "
                        f"`{pair.new.source(lookup)}` (line {lookup.lineno}) without {handling}: a missing object gives a 500, not a 404",
                        f"`await a{call_name(old)}(...)` with the same arguments, "
                        "or catch `DoesNotExist` and raise `Http404`")


def _check_handlers(pair: FunctionPair, reporter: Reporter) -> None:
    for handler, name in lost_handlers(pair):
        model = name.removesuffix(".DoesNotExist")
        lookup = _escaping([lookup for lookup in _lookups(pair.new) if lookup.base == model]) if model != name else None
        where = lookup or header_node(pair.new.node)
        clause = f"except {name}" if handler.type is not None else "except"
        reporter.report(rule, pair.new.file.path, where,
                        f"`{clause}:` of `{pair.old.qualname}` (old line {handler.lineno}) has no counterpart in the async "
                        f"version (line {where.lineno}): that error now escapes as a 500",
                        "handle the same exception in the async view")
