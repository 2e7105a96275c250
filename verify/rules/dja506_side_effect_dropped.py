"""## What it does
Checks that a view converted from `def` to `async def` still does the writes and notifications of
the sync version: model and QuerySet writes (`save`, `delete`, `update`, `create`,
`get_or_create`, `bulk_*`, related-manager `add` / `remove` / `set` / `clear`), emails
(`send_mail`, `EmailMessage.send()`, the project's `send_*_email` helpers), `messages.*` and
signal sends.

Each counts as kept when the async view (or a helper of the same file it calls) does it through an
equivalent: the `a`-twin (`asave`, `acreate`, `aupdate`...), a call wrapped in `sync_to_async`,
`Signal.asend`, and for emails a task it enqueues (`enqueue` / `aenqueue`).

## Why is this bad?
A dropped `save()` or `send_mail()` fails silently: the page looks right and the data or the
email is simply not there. AI edits drop them when they restructure a view around `asyncio.gather`
or replace a blocking call with a coroutine that nobody awaits.

## Example
```python
# before
def cancel_order(request, order_id):
    order = get_object_or_404(Order, id=order_id, user=request.user)
    order.status = "cancelled"
    order.save()
    send_mail("Order cancelled", "...", None, [order.user.email])
    return redirect("orders")

# after the AI edit
async def cancel_order(request, order_id):
    order = await aget_object_or_404(Order, id=order_id, user=await request.auser())
    order.status = "cancelled"
    return redirect("orders")
```

## Use instead
```python
async def cancel_order(request, order_id):
    user = await request.auser()
    order = await aget_object_or_404(Order, id=order_id, user=user)
    order.status = "cancelled"
    await order.asave()
    await sync_to_async(send_mail)("Order cancelled", "...", None, [user.email])
    return redirect("orders")
```

## Fix safety
None: the converted view has to get back what its sync version did, which a person writes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

from verify.analysis.finding import Severity
from verify.analysis.registry import Rule
from verify.compare.functions import FunctionPair
from verify.compare.names import call_name, receiver
from verify.compare.registry import SCOPE, Reporter, compares_functions, header_node

rule = Rule("DJA506", "side-effect-dropped", __doc__, scope=SCOPE, severity=Severity.WARNING)

_WRITES = {"save", "delete", "update", "create", "get_or_create", "update_or_create", "bulk_create", "bulk_update",
           "add", "remove", "set", "clear"}
_RELATED_ONLY = {"add", "remove", "set", "clear", "update"}  # also dict/set/list methods: only on a manager or QuerySet
_BULK_COVERS = {"bulk_update": {"save", "update"}, "bulk_create": {"create", "save"}}
_NOT_DATABASE = ("cache", "session", "caches", "context", "kwargs", "data", "headers", "cookies")
_MAIL_FUNCTIONS = {"send_mail", "send_mass_mail", "mail_admins", "mail_managers"}
_MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error", "add_message"}
_SIGNAL_SENDS = {"send", "send_robust", "asend", "asend_robust"}
_ENQUEUE = {"enqueue", "aenqueue"}


@dataclass(frozen=True)
class Effect:
    kind: str  # "write", "email", "message", "signal", "task"
    key: str  # what must match: the write verb, the mail function, the message level, the signal or task
    node: ast.Call


def _sync_name(name: str) -> str:
    """``asave`` -> ``save``; ``send_order_email_async`` -> ``send_order_email``."""
    if name.startswith("a") and name[1:] in _WRITES | _SIGNAL_SENDS | _ENQUEUE:
        return name[1:]
    if name.startswith("a") and name[1:] in _MAIL_FUNCTIONS:
        return name[1:]
    return name.removesuffix("_async").removeprefix("async_")


def _root(node: ast.expr | None) -> str:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def _is_database(target: ast.expr | None, verb: str) -> bool:
    if target is None:
        return False
    text = ast.unparse(target)
    if any(word in text.split(".")[-1].lower() or word == _root(target) for word in _NOT_DATABASE) or "session" in text:
        return False
    if verb in _RELATED_ONLY:  # `qs.update(...)`, `Order.objects.filter(...).update(...)`, `order.tags.add(...)`
        return isinstance(target, (ast.Attribute, ast.Call))
    return True


def _sends_mail(function_name: str) -> bool:
    """A project helper such as ``send_order_email`` or ``notify_by_mail`` (not ``validate_email``)."""
    name = function_name.lower()
    return "mail" in name and ("send" in name or "notify" in name)


def effects(nodes: Iterable[ast.AST]) -> list[Effect]:
    found = []
    for node in nodes:
        if not isinstance(node, ast.Call):
            continue
        name = _sync_name(call_name(node))
        target = receiver(node)
        target_text = ast.unparse(target) if target is not None else ""
        if name in _WRITES and _is_database(target, name):
            found.append(Effect("write", name, node))
        elif name in _MAIL_FUNCTIONS or (target is None and _sends_mail(name)):
            found.append(Effect("email", name, node))
        elif name == "send" and ("mail" in target_text.lower() or "Email" in target_text):
            found.append(Effect("email", f"{target_text}.send", node))
        elif name in _MESSAGE_LEVELS and _root(target) == "messages":
            found.append(Effect("message", name, node))
        elif name in _SIGNAL_SENDS and target is not None:
            found.append(Effect("signal", target_text, node))
        elif name in _ENQUEUE and target is not None:
            found.append(Effect("task", target_text, node))
    return found


def _unmatched(old: list[Effect], new: list[Effect]) -> list[Effect]:
    """Old effects left over once each new one has matched one old effect of the same kind and key."""
    available: dict[tuple[str, str], int] = {}
    for effect in new:
        available[(effect.kind, effect.key)] = available.get((effect.kind, effect.key), 0) + 1
    bulk = {verb for effect in new if effect.kind == "write" for verb in _BULK_COVERS.get(effect.key, ())}
    tasks = any(effect.kind == "task" for effect in new)
    left = []
    for effect in old:
        key = (effect.kind, effect.key)
        if available.get(key, 0) > 0:
            available[key] -= 1
        elif (effect.kind == "write" and effect.key in bulk) or (effect.kind == "email" and tasks):
            continue  # one bulk write covers a loop of writes; a task sends the email off the request path
        else:
            left.append(effect)
    return left


@compares_functions(rule)
def check(pair: FunctionPair, reporter: Reporter) -> None:
    for effect in _unmatched(effects(pair.old.nodes()), effects(pair.new.reachable_nodes())):
        reporter.report(rule, pair.new.file.path, header_node(pair.new.node),
                        f"`{pair.old.source(effect.node, 80)}` of `{pair.old.qualname}` (old line {effect.node.lineno}) has no "
                        f"equivalent in the async version (line {pair.new.line})",
                        _HINTS[effect.kind])


_HINTS = {
    "write": "await its a-twin (`asave()`, `acreate()`, `aupdate()`...) or wrap the sync block in `sync_to_async`",
    "email": "Django has no async email: `await sync_to_async(send_mail)(...)`, or enqueue a task that sends it",
    "message": "keep the `messages` call (it only touches the request)",
    "signal": "`await signal.asend(...)` (Django 5.0+) or keep `send()` in a `sync_to_async` block",
    "task": "`await task.aenqueue(...)` (Django 6.0+)",
}
