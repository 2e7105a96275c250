"""## What it does
Checks for file-system I/O in async code: `open()`, `io.open`, `io.open_code`, `os.fdopen`, methods
of file objects assigned from them, `pathlib.Path` I/O methods (`read_text`, `write_bytes`,
`open`, `exists`, `mkdir`...), the disk-touching `os.path` functions flake8-async's ASYNC240 lists
(`exists`, `isfile`, `getsize`, `realpath`...), `os` / `shutil` file operations, `tempfile` files
and Django's file storage (`default_storage.save()`).

## Why is this bad?
Disk and network-file-system calls block the event loop thread while the kernel works. Run them in a
worker thread with `asyncio.to_thread` (one thread hop for the whole read or write).

## Example
```python
async def report(request):
    with open("/srv/reports/latest.csv") as report_file:
        data = report_file.read()
    return HttpResponse(data, content_type="text/csv")
```

## Use instead
```python
import asyncio
from pathlib import Path


async def report(request):
    data = await asyncio.to_thread(Path("/srv/reports/latest.csv").read_text)
    return HttpResponse(data, content_type="text/csv")
```

## Fix safety
None: the change is not mechanical, a person writes it.
"""

import ast

from verify.analysis import blocking
from verify.analysis.finding import Severity
from verify.analysis.registry import Rule

rule = Rule("DJA303", "blocking-file-io", __doc__, severity=Severity.WARNING)


# The visitor every DJA3xx rule shares: the engine runs it once per call for all of them.
rule.visits(ast.Call)(blocking.report)
