"""## What it does
Checks for the result of `get_or_create()` / `update_or_create()` (and their async twins
`aget_or_create()` / `aupdate_or_create()`) used as a model instance: `obj.name`,
`obj.asave()`, when `obj` holds the whole result.

## Why is this bad?
These methods return a tuple `(obj, created)`, not the instance. Reading a field of the tuple
raises `AttributeError: 'tuple' object has no attribute ...`. Converted views often keep the
sync code's `obj = ...get_or_create(...)[0]` shape but lose the `[0]` when `await` is added.
Applies to every Django version with the async twins (4.1+).

## Example
```python
async def follow(request, user_id):
    follow = await Follow.objects.aget_or_create(follower_id=request.user.id, followed_id=user_id)
    return JsonResponse({"since": follow.created_at})
```

## Use instead
```python
async def follow(request, user_id):
    follow, created = await Follow.objects.aget_or_create(follower_id=request.user.id, followed_id=user_id)
    return JsonResponse({"since": follow.created_at, "new": created})
```

## Fix safety
None: the change is not mechanical, a person writes it.
"""

import ast

from verify.analysis import types as ty
from verify.analysis.registry import Rule

rule = Rule("DJA119", "created-pair-as-instance", __doc__, min_version=(4, 1))

_TUPLE_METHODS = {"count", "index"}


@rule.visits(ast.Attribute)
def check(node: ast.Attribute, ctx) -> None:
    if node.attr in _TUPLE_METHODS or node.attr.startswith("__"):
        return
    value = ctx.type_of(node.value)
    if value is None or value.kind != ty.LIST or not value.extra.get("created_pair"):
        return
    text = ctx.source(node.value, 40)
    method = value.extra["created_pair"]
    ctx.report(node, f"`{text}` is the `(obj, created)` tuple that `{method}()` returns: `.{node.attr}` raises AttributeError",
               f"unpack it: `obj, created = ...{method}(...)`, or take `[0]`")
