"""## What it does
Checks for sync HTTP calls in async code: `requests` (module functions and `requests.Session()`
methods), the sync API of `httpx` / `httpx2` (module functions and `Client` methods),
`urllib.request.urlopen`, `urllib3` (module functions and pool managers), `http.client`
connections and sync `niquests`.

## Why is this bad?
A sync HTTP call waits for the remote server on the event loop thread: every other request served
by that loop stalls until the response arrives. Nothing raises, so tests pass and production load
exposes it.

The hint names the async client the project already depends on (`httpx2` or `aiohttp`, read from
its requirements), `httpx2` when it has none.

## Example
```python
import requests


async def exchange_rate(request):
    response = requests.get("https://api.example.com/rates", timeout=5)
    return JsonResponse(response.json())
```

## Use instead
```python
import httpx2


async def exchange_rate(request):
    async with httpx2.AsyncClient(timeout=5) as client:
        response = await client.get("https://api.example.com/rates")
    return JsonResponse(response.json())
```

## Fix safety
Unsafe, where the project's async client is httpx or httpx2 (the one `init` detects) and the
call is a statement of its own (`response = requests.get(url, ...)`): it becomes
`async with httpx.AsyncClient(...) as client:` around `response = await client.get(url, ...)`
(`httpx.get(...)` the same with httpx's client), with `import httpx` added when needed.
For requests, the client follows redirects (not for `head`) and has no timeout, as requests
did, and the fix is only offered for one URL argument and keywords both libraries take alike
(`params`, `headers`, `json`, `data`, `timeout`, `cookies`), when the code reads only what both
responses have (`status_code`, `json()`, `text`, `raise_for_status()`...) and catches no
`requests` exception around it. Unsafe because it is another library, with its own exceptions
and defaults. No fix for aiohttp (its responses are read with `await`), sessions or `urllib`.
"""

import ast

from verify.analysis import blocking
from verify.analysis.finding import Severity
from verify.analysis.registry import Rule

rule = Rule("DJA301", "blocking-http-call", __doc__, severity=Severity.WARNING)


# The visitor every DJA3xx rule shares: the engine runs it once per call for all of them.
rule.visits(ast.Call)(blocking.report)
