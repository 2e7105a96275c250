"""## What it does
Checks for the sync auth functions in async code: `authenticate()`, `login()`, `logout()`,
`get_user()`, `update_session_auth_hash()`.

## Why is this bad?
They query the user and write the session synchronously, which raises
`SynchronousOnlyOperation`. Django 5.0 added `aauthenticate()`, `alogin()`, `alogout()`,
`aget_user()` and `aupdate_session_auth_hash()`.

## Example
```python
from django.contrib.auth import authenticate, login


async def login_view(request, name, password):
    user = authenticate(request, username=name, password=password)
    login(request, user)
```

## Use instead
```python
from django.contrib.auth import aauthenticate, alogin


async def login_view(request, name, password):
    user = await aauthenticate(request, username=name, password=password)
    await alogin(request, user)
```

## Fix safety
Safe from Django 5.0: `login(...)` becomes `await alogin(...)` (and `authenticate`, `logout`,
`get_user`, `update_session_auth_hash` their `a`-twins), with the arguments as they are (each
twin takes the sync function's) and `from django.contrib.auth import alogin` added when the
module lacks it (the sync name's import stays; a linter reports it when nothing else uses it).
No fix before 5.0, in a generator expression, or where the async name is bound to something else.
"""

import ast

from verify.analysis import fixes, hints
from verify.analysis.registry import Rule

rule = Rule("DJA112", "sync-auth-function", __doc__, min_version=(4, 1))
_FUNCTIONS = {"authenticate", "login", "logout", "get_user", "update_session_auth_hash"}


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    qualified = ctx.qualified(node.func) or ""
    module, _, name = qualified.rpartition(".")
    if module == "django.contrib.auth" and name in _FUNCTIONS:
        ctx.report(node, f"`{name}()` queries the database synchronously in async code (raises SynchronousOnlyOperation)",
                   hints.async_twin(f"{name}(...)", f"a{name}(...)", (5, 0), ctx.version),
                   fix=fixes.awaited_function_twin(node, module, f"a{name}", ctx) if ctx.version >= (5, 0) else None)
