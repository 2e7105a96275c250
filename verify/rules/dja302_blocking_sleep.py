"""## What it does
Checks for `time.sleep()` in async code (also imported as `from time import sleep`).

## Why is this bad?
`time.sleep()` pauses the event loop thread: no other request on that loop makes progress while it
waits.

## Example
```python
import time


async def poll_export(request, export_id):
    time.sleep(2)
    return JsonResponse({"id": export_id})
```

## Use instead
```python
import asyncio


async def poll_export(request, export_id):
    await asyncio.sleep(2)
    return JsonResponse({"id": export_id})
```

## Fix safety
Safe: `time.sleep(x)` becomes `await asyncio.sleep(x)`, and `import asyncio` is added after the
module's docstring and `__future__` imports when the module does not import it. No fix in a sync
helper that async code calls (the sleep has to move out of it), in a generator expression, or
where `asyncio` names something else.
"""

import ast

from verify.analysis import blocking
from verify.analysis.finding import Severity
from verify.analysis.registry import Rule

rule = Rule("DJA302", "blocking-sleep", __doc__, severity=Severity.WARNING)


# The visitor every DJA3xx rule shares: the engine runs it once per call for all of them.
rule.visits(ast.Call)(blocking.report)
