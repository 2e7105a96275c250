"""Every git command the kit runs, with the programs a repository can configure switched off.

A repository's ``.git/config`` (it travels with an archive of the repository, and a CI step or a
tool may have written it) can name programs that git runs on its own: ``core.fsmonitor`` on
every command that looks at the working tree, hooks such as ``post-index-change`` when the index
is written, clean filters (``filter.<driver>.clean`` / ``.process``) when files are added,
external diff drivers and textconv programs when contents are compared. The kit reads a
repository it may not trust, so it runs git with all of these off:

- ``-c core.fsmonitor=false`` and ``-c core.hooksPath=/dev/null`` on every command;
- for ``add``, every filter driver the configuration names is emptied and made optional;
- ``--no-ext-diff --no-textconv`` for ``diff`` and ``show``;
- no pager (``--no-pager``) and no terminal prompt (``GIT_TERMINAL_PROMPT=0``).

The kit only runs ``rev-parse``, ``check-ignore``, ``config``, ``add`` (into a scratch index),
``diff``, ``show``, ``merge-base`` and ``symbolic-ref`` (reading): none of them fetches, checks out
or commits.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

HARDENING = ("--no-pager", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null")
_CONTENT_COMMANDS = {"diff": ("--no-ext-diff", "--no-textconv"), "show": ("--no-ext-diff", "--no-textconv")}


def run(folder: Path, command: str, *args: str, input: str | None = None, env: dict | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess:
    """``git -C folder COMMAND ARGS`` with configured programs off; output decoded as UTF-8.

    Raises OSError when git cannot be started and subprocess.TimeoutExpired.
    """
    options = list(HARDENING)
    if command == "add":
        options += _filters_off(folder, env)
    return subprocess.run(
        ["git", "-C", str(folder), *options, command, *_CONTENT_COMMANDS.get(command, ()), *args],
        input=input, capture_output=True, encoding="utf-8", errors="replace",
        env={**(os.environ if env is None else env), "GIT_TERMINAL_PROMPT": "0"}, timeout=timeout,
    )  # fmt: skip


def _filters_off(folder: Path, env: dict | None) -> list[str]:
    """``-c`` options that empty every filter driver the configuration defines: an empty command
    is no filter, and a driver that is not required may be skipped."""
    listed = run(folder, "config", "-z", "--name-only", "--get-regexp", r"^filter\.", env=env)
    drivers = {name[len("filter."):name.rindex(".")] for name in listed.stdout.split("\0") if name.count(".") >= 2}
    options = []
    for driver in sorted(drivers):
        for key, value in (("clean", ""), ("smudge", ""), ("process", ""), ("required", "false")):
            options += ["-c", f"filter.{driver}.{key}={value}"]
    return options
