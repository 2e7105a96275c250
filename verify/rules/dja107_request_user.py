"""## What it does
Checks for `request.user` in async code.

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
```python
async def user_dashboard(request):
    user = await request.auser()
    if not user.is_authenticated:
        return redirect("login")
```
"""

import ast

from verify.analysis import hints
from verify.analysis import types as ty
from verify.analysis.registry import Rule

rule = Rule("DJA107", "request-user-in-async", __doc__, min_version=(4, 1))


@rule.visits(ast.Attribute)
def check(node: ast.Attribute, ctx) -> None:
    if node.attr != "user" or not isinstance(node.ctx, ast.Load):
        return
    receiver = ctx.type_of(node.value)
    if receiver is not None and receiver.kind == ty.REQUEST:
        ctx.report(node, f"`{ctx.source(node)}` runs sync queries for logged-in users in async code (raises SynchronousOnlyOperation)",
                   hints.auser(ctx.version))
