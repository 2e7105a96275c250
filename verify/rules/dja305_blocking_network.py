"""## What it does
Checks for blocking sockets and DNS in async code: `socket.create_connection`,
`socket.getaddrinfo` / `gethostbyname`, `connect` / `recv` / `send` on a `socket.socket`, and
`smtplib` / `ftplib` sessions.

## Why is this bad?
Each call waits for the network on the event loop thread. Use asyncio streams
(`asyncio.open_connection`), `loop.getaddrinfo`, or run the whole exchange in a thread.

## Example
```python
import socket


async def health(request):
    address = socket.gethostbyname("db.internal")
    return JsonResponse({"db": address})
```

## Use instead
```python
import asyncio


async def health(request):
    infos = await asyncio.get_running_loop().getaddrinfo("db.internal", 5432)
    return JsonResponse({"db": infos[0][4][0]})
```

## Fix safety
None: the change is not mechanical, a person writes it.
"""

import ast

from verify.analysis import blocking
from verify.analysis.finding import Severity
from verify.analysis.registry import Rule

rule = Rule("DJA305", "blocking-network", __doc__, severity=Severity.WARNING)


# The visitor every DJA3xx rule shares: the engine runs it once per call for all of them.
rule.visits(ast.Call)(blocking.report)
