"""Fix hints shared by several rules, valid for the target Django version."""

from __future__ import annotations

from verify.analysis.django_api import Version


def offload(what: str) -> str:
    return f"move {what} into a sync function and call it with `await sync_to_async(func)(...)`"


def async_twin(sync_call: str, twin: str, added: Version, version: Version) -> str:
    if version >= added:
        return f"use `await {twin}` instead of `{sync_call}`"
    return f"`{twin}` needs Django {added[0]}.{added[1]}+; " + offload(f"`{sync_call}`")


def auser(version: Version) -> str:
    if version >= (5, 0):
        return "use `user = await request.auser()` once, then use `user`"
    return "Django < 5.0 has no `request.auser()`: read `request.user` inside a sync function run with `sync_to_async`"
