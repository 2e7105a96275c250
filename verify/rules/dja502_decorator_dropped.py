"""## What it does
Checks that a view converted from `def` to `async def` keeps every decorator of the sync version,
with the same arguments: `login_required`, `permission_required`, `user_passes_test`, `csrf_*`,
`require_http_methods` / `require_GET` / `require_POST`, `cache_*`, `transaction.*` and the
project's own decorators. A `method_decorator(...)` on the class counts for its methods, and so do
the auth mixins `LoginRequiredMixin` and `PermissionRequiredMixin` (as `login_required` and
`permission_required`: an async handler needs `method_decorator(..., name="get")` instead, which
wraps async methods from Django 5.2 only; see DJA408).

## Why is this bad?
A dropped `@login_required` or `@permission_required` opens the view to everyone, a dropped
`@require_POST` lets a GET change data, a dropped `@csrf_protect` or `@never_cache` changes what
the browser may do. The async view runs and its tests pass, so nothing else notices.

## Example
```python
# before
@login_required
def order_detail(request, order_id): ...

# after the AI edit
async def order_detail(request, order_id): ...
```

## Use instead
```python
@login_required  # wraps async views since Django 5.1
async def order_detail(request, order_id): ...
```
A `@transaction.atomic` cannot wrap an async view: move the transactional block into a sync
function decorated with it and call that through `sync_to_async` (DJA502 accepts that).

## Fix safety
None: the converted view has to get back what its sync version did, which a person writes.
"""

from __future__ import annotations

import ast

from verify.analysis.registry import Rule
from verify.compare.access import Signature, new_access
from verify.compare.decorators import Decorator, decorators, last_name, signatures_of
from verify.compare.functions import Function, FunctionPair
from verify.compare.registry import SCOPE, Reporter, compares_functions, header_node

rule = Rule("DJA502", "decorator-dropped", __doc__, scope=SCOPE)

_ATOMIC = ("atomic", "non_atomic_requests")
# Decorators whose project async twin is often spelled with a leading "a" (`alogin_required`).
_TWINNED = {"login_required", "permission_required", "user_passes_test", "staff_member_required"}


def _sync_spelling(short: str) -> str:
    """``alogin_required`` / ``login_required_async`` -> ``login_required``: a project's async twin
    of a decorator stands for it, wherever it is imported from."""
    short = short.removesuffix("_async").removeprefix("async_")
    return short[1:] if short.startswith("a") and short[1:] in _TWINNED else short


def _checked_in_body(decorator: Decorator, body_signatures: set[Signature]) -> bool:
    """An access decorator the async view replaced by the same check in its body."""
    checks = signatures_of(decorator)
    return bool(checks) and checks <= body_signatures


def _atomic_moved(decorator: Decorator, function: Function) -> bool:
    """``transaction.atomic`` now wraps a sync block the async view calls (it cannot wrap the view)."""
    if decorator.short not in _ATOMIC:
        return False
    return any(isinstance(node, (ast.Attribute, ast.Name)) and last_name(node) == decorator.short for node in function.reachable_nodes())


@compares_functions(rule)
def check(pair: FunctionPair, reporter: Reporter) -> None:
    new_decorators = decorators(pair.new)
    by_name = {decorator.name: decorator for decorator in new_decorators}
    twins = {_sync_spelling(d.short): d for d in new_decorators if _sync_spelling(d.short) != d.short}
    body_signatures = new_access(pair.new, set()).signatures
    for old in decorators(pair.old):
        new = by_name.get(old.name) or twins.get(old.short)
        where = f"`{pair.old.qualname}` (old line {old.node.lineno})"
        if new is None:
            if _checked_in_body(old, body_signatures) or _atomic_moved(old, pair.new):
                continue
            reporter.report(rule, pair.new.file.path, header_node(pair.new.node),
                            f"{old.display(pair.old)} of {where} is missing in the async version (line {pair.new.line})",
                            f"put {old.display(pair.old)} back on the async view (Django 5.0+ decorators wrap async views; auth ones since 5.1)")
        elif new.arguments != old.arguments:
            reporter.report(rule, pair.new.file.path, new.node,
                            f"{old.display(pair.old)} of {where} became {new.display(pair.new)} in the async version (line {new.node.lineno})",
                            "keep the decorator's arguments: they are part of the view's behaviour")
