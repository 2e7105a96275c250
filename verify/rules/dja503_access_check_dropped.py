"""## What it does
Checks that a view converted from `def` to `async def` keeps the access checks of the sync
version: conditions on `is_authenticated` / `is_anonymous`, `is_staff` / `is_superuser`,
`has_perm()` / `ahas_perm()`, ownership comparisons with the current user (`order.user !=
request.user`), queries filtered by the current user (`Order.objects.get(id=..., user=request.user)`),
and the branches that refused with `HttpResponseForbidden`, `PermissionDenied` or a login redirect.

The async spellings count as the same check: `order.user_id != user.pk` after
`user = await request.auser()`, `await user.ahas_perm(...)`, a query filtered by `user=user`
instead of a comparison, `@login_required` instead of an `is_authenticated` test, or the check
moved into a helper the view calls.

## Why is this bad?
Without the ownership check any logged-in user reads any other user's order; without the
`is_authenticated` test anonymous users reach code written for logged-in ones. The async view
still answers 200 to its owner, so tests written for the happy path keep passing.

## Example
```python
# before
def order_detail(request, order_id):
    order = get_object_or_404(Order, id=order_id)
    if order.user != request.user:
        return HttpResponseForbidden()
    ...

# after the AI edit
async def order_detail(request, order_id):
    order = await aget_object_or_404(Order, id=order_id)
    ...
```

## Use instead
```python
async def order_detail(request, order_id):
    user = await request.auser()
    order = await aget_object_or_404(Order, id=order_id)
    if order.user_id != user.pk:
        return HttpResponseForbidden()
    ...
```

## Fix safety
None: the converted view has to get back what its sync version did, which a person writes.
"""

from __future__ import annotations

import ast

from verify.analysis.registry import Rule
from verify.compare.access import AccessCheck, Signature, new_access, old_checks
from verify.compare.decorators import decorator_signatures
from verify.compare.functions import FunctionPair
from verify.compare.registry import SCOPE, Reporter, compares_functions, header_node

rule = Rule("DJA503", "access-check-dropped", __doc__, scope=SCOPE)
# A 404 for someone else's object hides that it exists: as good as the 403, and what a query
# filtered by the user answers anyway.
_SAME_REFUSAL = {"forbidden": {"forbidden", "not-found"}, "unauthorized": {"unauthorized", "forbidden", "not-found"},
                 "login": {"login"}, "not-found": {"not-found"}}
_ANSWERS = {"forbidden": "a 403", "login": "a login redirect", "unauthorized": "a 401", "not-found": "a 404"}


def _describe(check: AccessCheck, pair: FunctionPair) -> str:
    if check.is_query:
        return f"the ownership filter in `{pair.old.source(check.node)}`"
    assert isinstance(check.node, ast.If)
    return f"the access check `if {pair.old.source(check.node.test, 80)}:`"


def _kept(signature: Signature, present: set[Signature]) -> bool:
    """Ownership is ownership whatever the field: `order.user != request.user` may become a query
    on `user.orders` or filtered by `customer=user` in a correct conversion."""
    if signature[0] == "owner":
        return any(other[0] == "owner" for other in present)
    return signature in present


@compares_functions(rule)
def check(pair: FunctionPair, reporter: Reporter) -> None:
    new = new_access(pair.new, decorator_signatures(pair.new))
    for old in old_checks(pair.old):
        where = f"of `{pair.old.qualname}` (old line {old.node.lineno})"
        missing = [signature for signature in old.signatures if not _kept(signature, new.signatures | new.refusals)]
        if missing:
            reporter.report(rule, pair.new.file.path, header_node(pair.new.node),
                            f"{_describe(old, pair)} {where} is missing in the async version (line {pair.new.line})",
                            "keep the check: `user = await request.auser()` gives the user without a sync query")
            continue
        # A query or a decorator that does the check refuses its own way (404, login redirect).
        elsewhere = any(_kept(signature, new.queries | new.decorators) for signature in old.signatures)
        if old.denial and not old.is_query and not new.denials & _SAME_REFUSAL[old.denial] and not elsewhere:
            reporter.report(rule, pair.new.file.path, header_node(pair.new.node),
                            f"{_describe(old, pair)} {where} answered {_ANSWERS[old.denial]}; the async version "
                            f"(line {pair.new.line}) tests it but never answers {_ANSWERS[old.denial]}",
                            "refuse the same way as the sync view did")

