"""## What it does
Checks for sync cloud and database clients used in async code: methods of `boto3` clients and
resources (S3 uploads and downloads), sync `redis` clients (`redis.Redis`, `StrictRedis`,
`from_url`, `get_redis_connection`), `psycopg2` / sync `psycopg` / `sqlite3` / `pymysql`
connections and their cursors, and the sync clients of common service SDKs (Stripe, OpenAI,
Anthropic, Google Gen AI, PyMongo, Elasticsearch, Google Cloud Storage, Twilio, SendGrid, Slack).
The client may be created in the function, at module level or as an attribute of the view class
(`self.s3`).

## Why is this bad?
Each call is network or disk I/O on the event loop thread, and none of them raises. Use the async
client (`redis.asyncio`, `psycopg.AsyncConnection`), or hand the call to a thread:
`await asyncio.to_thread(s3.upload_fileobj, ...)`.

## Example
```python
import boto3

s3 = boto3.client("s3")


async def upload_avatar(request):
    s3.upload_fileobj(request.FILES["avatar"], "avatars", request.FILES["avatar"].name)
    return HttpResponse("uploaded")
```

## Use instead
```python
import asyncio

import boto3

s3 = boto3.client("s3")


async def upload_avatar(request):
    avatar = request.FILES["avatar"]
    await asyncio.to_thread(s3.upload_fileobj, avatar, "avatars", avatar.name)
    return HttpResponse("uploaded")
```

## Fix safety
None: the change is not mechanical, a person writes it.
"""

import ast

from verify.analysis import blocking
from verify.analysis.finding import Severity
from verify.analysis.registry import Rule

rule = Rule("DJA309", "blocking-client", __doc__, severity=Severity.WARNING)


# The visitor every DJA3xx rule shares: the engine runs it once per call for all of them.
rule.visits(ast.Call)(blocking.report)
