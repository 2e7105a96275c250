"""## What it does
Checks for direct calls, in async code, to a function of the project that the project itself
runs with `sync_to_async(...)` (or Channels' `database_sync_to_async(...)`) somewhere else: its
own code says the function blocks. The message names the place that wraps it. A function is
matched by its qualified name (a method: the same method of the same class of the project, as
`sync_to_async(self.load)` and `self.load()` in two views built on one base), never by a bare
method name on unrelated objects.

It matters where the kit cannot see all the function does: a function made by a decorator or
factory it cannot read, or one that calls another library's code (an SDK, a client). Left alone:
a function the project also awaits somewhere (the evidence disagrees); one whose body the kit
follows entirely, with the arguments of this call (what the caller's query loaded), and finds
nothing blocking in, or finds a query or a blocking call in (the DJA1xx/DJA3xx rules report that
with what it does); and a direct call in an async function that also runs the same function in a
thread, itself or through the wrapper the project keeps
(`self._load_async = sync_to_async(self._load)`): the code chooses per branch on purpose
(`if in_worker_thread: ... else: await ...`).

## Why is this bad?
`sync_to_async` runs a function in a worker thread because it blocks: a query, a sync SDK, a file
or a socket. Called directly from async code, the same function blocks the event loop, and if it
touches the database Django raises `SynchronousOnlyOperation`. A helper wrapped in one view is
often called bare in the next one converted.

## Example
```python
from asgiref.sync import sync_to_async
from django.http import JsonResponse

import warehouse


def sync_inventory():
    return warehouse.Client().sync()


async def refresh(request):
    await sync_to_async(sync_inventory)()
    return JsonResponse({"ok": True})


async def stock(request):
    sync_inventory()
    return JsonResponse({"ok": True})
```

## Use instead
```python
from asgiref.sync import sync_to_async
from django.http import JsonResponse

import warehouse


def sync_inventory():
    return warehouse.Client().sync()


async def refresh(request):
    await sync_to_async(sync_inventory)()
    return JsonResponse({"ok": True})


async def stock(request):
    await sync_to_async(sync_inventory)()
    return JsonResponse({"ok": True})
```

## Fix safety
No automatic fix: whether the call's result is used, and in which thread the function must run
(`thread_sensitive`), is for the author to decide.
"""

import ast
import os

from verify.analysis import evidence
from verify.analysis import types as ty
from verify.analysis.inference import argument_types
from verify.analysis.finding import Severity
from verify.analysis.registry import Rule

rule = Rule("DJA317", "blocking-project-call", __doc__, severity=Severity.WARNING)


@rule.visits(ast.Call)
def check(node: ast.Call, ctx) -> None:
    project = ctx.file.project
    if (project is None or ctx.file.module_name is None or ctx.once or not isinstance(node.func, (ast.Name, ast.Attribute))
            or type(ctx.parent(node)) is ast.Await):  # (awaited: the project awaits it, or DJA104 has it)
        return
    value = ctx.type_of(node)
    if value is not None and value.kind in (ty.COROUTINE, ty.ASYNC_GEN):
        return
    found = evidence.callee(project, ctx.file, node.func, ctx.class_name, ctx.typer.local_names)
    if found is None or not found.may_block:
        return
    places = project.evidence.blocking(found)
    if not places or _chosen_here(places, ctx):
        return
    place = places[0]
    receiver = ctx.type_of(node.func.value) if isinstance(node.func, ast.Attribute) else None
    followed = project.call_summary(ctx.file, node, ctx.class_name, receiver, argument_types(node, ctx.type_of))
    if followed is not None and (followed[1].effects or not followed[1].opaque):
        return  # what its body does is reported with the chain that leads to it, or it does nothing that blocks
    name = ctx.source(node.func, 40)
    ctx.report(node, f"`{ctx.source(node, 50)}` blocks the event loop: the project runs `{name}` in a thread ({place.describe()})",
               hint=f"call it as `await sync_to_async({name})(...)`, as {place.where} does")


def _chosen_here(places, ctx) -> bool:
    """Whether the async function itself also runs the function in a thread, directly or through
    the wrapper the project keeps (``self._load_async = sync_to_async(self._load)``): then the
    direct call is a choice it makes on purpose (``if in_worker_thread: ... else: await ...``)."""
    function = ctx.function
    here = os.path.abspath(ctx.file.path)
    aliases = {place.alias for place in places if place.alias}
    if any(os.path.abspath(place.path) == here and function.lineno <= place.line <= function.end_lineno for place in places):
        return True
    return bool(aliases) and any(isinstance(node, ast.Attribute) and node.attr in aliases or isinstance(node, ast.Name) and node.id in aliases
                                 for node in ast.walk(function))
