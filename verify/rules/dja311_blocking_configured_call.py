"""## What it does
Checks for calls the project lists as blocking in `[tool.django-async-kit]`:

```toml
[tool.django-async-kit]
blocking-calls = {"mylib.fetch" = "use `await mylib.afetch(...)`", "*.sync_report" = "use the task"}
allowed-calls = ["os.path.exists"]
```

Keys are qualified names (imports resolved) or `fnmatch` patterns matched against the qualified name
and the call as written, as in flake8-async's ASYNC200; the value is the hint. `allowed-calls`
silences every DJA3xx rule for the names or patterns it lists. One file can add its own with a
comment: `# django-async-kit: blocking-call mylib.fetch -> use await mylib.afetch(...)`.

## Why is this bad?
The project knows its own slow sync helpers (an SDK, an internal client) better than any built-in
list: once listed, a call to one in async code is reported like any other blocking call.

## Example
```python
import mylib


# django-async-kit: blocking-call mylib.fetch -> use `await mylib.afetch(...)`


async def prices(request):
    return JsonResponse(mylib.fetch("prices"))
```

## Use instead
```python
import mylib


async def prices(request):
    return JsonResponse(await mylib.afetch("prices"))
```

## Fix safety
None: the change is not mechanical, a person writes it.
"""

import ast

from verify.analysis import blocking
from verify.analysis.finding import Severity
from verify.analysis.registry import Rule

rule = Rule("DJA311", "blocking-configured-call", __doc__, severity=Severity.WARNING)


# The visitor every DJA3xx rule shares: the engine runs it once per call for all of them.
rule.visits(ast.Call)(blocking.report)
