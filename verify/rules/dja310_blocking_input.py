"""## What it does
Checks for `input()` in async code.

## Why is this bad?
`input()` waits for the server process's stdin, on the event loop thread. Under a real server that
never returns; in a view it is always a leftover from a script.

## Example
```python
async def confirm(request):
    answer = input("Proceed? ")
    return HttpResponse(answer)
```

## Use instead
```python
async def confirm(request):
    answer = request.POST.get("answer", "")
    return HttpResponse(answer)
```

## Fix safety
None: the change is not mechanical, a person writes it.
"""

import ast

from verify.analysis import blocking
from verify.analysis.finding import Severity
from verify.analysis.registry import Rule

rule = Rule("DJA310", "blocking-input", __doc__, severity=Severity.WARNING)


# The visitor every DJA3xx rule shares: the engine runs it once per call for all of them.
rule.visits(ast.Call)(blocking.report)
