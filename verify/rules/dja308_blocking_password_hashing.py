"""## What it does
Checks for password hashing in async code: `check_password()`, `make_password()`,
`user.set_password()` and `user.check_password()`, and outside Django `bcrypt`, `argon2`'s
`PasswordHasher`, `hashlib.pbkdf2_hmac` and `hashlib.scrypt`.

## Why is this bad?
Hashing is deliberately slow CPU work (hundreds of milliseconds with the default PBKDF2 settings)
and runs on the event loop thread. `acheck_password` exists from Django 5.0; `set_password` and
`make_password` have no async twin: run them with
`sync_to_async(..., thread_sensitive=False)`, as Django's own `aauthenticate` does.

## Example
```python
async def change_password(request):
    user = await request.auser()
    user.set_password(request.POST["password"])
    await user.asave()
    return HttpResponse("changed")
```

## Use instead
```python
from asgiref.sync import sync_to_async


async def change_password(request):
    user = await request.auser()
    await sync_to_async(user.set_password, thread_sensitive=False)(request.POST["password"])
    await user.asave()
    return HttpResponse("changed")
```

## Fix safety
None: the change is not mechanical, a person writes it.
"""

import ast

from verify.analysis import blocking
from verify.analysis.finding import Severity
from verify.analysis.registry import Rule

rule = Rule("DJA308", "blocking-password-hashing", __doc__, severity=Severity.WARNING)


# The visitor every DJA3xx rule shares: the engine runs it once per call for all of them.
rule.visits(ast.Call)(blocking.report)
