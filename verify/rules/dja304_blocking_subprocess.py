"""## What it does
Checks for process calls in async code: `subprocess.*` (`run`, `Popen`, `check_output`...),
`os.system`, `os.popen`, `os.spawn*`, `os.posix_spawn*` and `os.wait*`.

## Why is this bad?
These start a process and wait for it on the event loop thread. asyncio has non-blocking
equivalents: `asyncio.create_subprocess_exec` and `asyncio.create_subprocess_shell`.

## Example
```python
import subprocess


async def thumbnail(request, name):
    subprocess.run(["convert", name, "-resize", "200x200", f"thumb-{name}"], check=True)
    return HttpResponse("ok")
```

## Use instead
```python
import asyncio


async def thumbnail(request, name):
    process = await asyncio.create_subprocess_exec("convert", name, "-resize", "200x200", f"thumb-{name}")
    await process.wait()
    return HttpResponse("ok")
```

## Fix safety
None: the change is not mechanical, a person writes it.
"""

import ast

from verify.analysis import blocking
from verify.analysis.finding import Severity
from verify.analysis.registry import Rule

rule = Rule("DJA304", "blocking-subprocess", __doc__, severity=Severity.WARNING)


# The visitor every DJA3xx rule shares: the engine runs it once per call for all of them.
rule.visits(ast.Call)(blocking.report)
