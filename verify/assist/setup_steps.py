"""Add the kit's steps to a ``copilot-setup-steps.yml`` the user already has.

The workflow may hold one job only, ``copilot-setup-steps``, so the kit cannot bring its own:
its marked steps go at the end of that job's ``steps:`` list, re-indented to match. The text is
edited as text, so the user's comments and layout stay byte for byte; the result is parsed
again to make sure it is still the same workflow plus the kit's steps.
"""

from __future__ import annotations

import re

from verify.assist.safe_write import UnmergeableFileError, reindent

_JOB = re.compile(r"^(?P<indent>[ ]*)copilot-setup-steps:[ ]*(#.*)?$")
_STEPS = re.compile(r"^(?P<indent>[ ]*)steps:[ ]*(#.*)?$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def insert_setup_steps(existing: str, marked_block: str) -> str:
    """``existing`` with ``marked_block`` (marker lines and ``- name:`` items) appended to the
    ``steps`` of the ``copilot-setup-steps`` job; raises UnmergeableFileError when there is none."""
    import yaml

    def refuse(reason: str) -> UnmergeableFileError:
        return UnmergeableFileError(
            f"copilot-setup-steps.yml: {reason}; add the lines '# django-async-kit:begin' and "
            "'# django-async-kit:end' inside its steps, or leave it out with --targets"
        )

    lines = existing.splitlines(keepends=True)
    job = next((i for i, line in enumerate(lines) if _JOB.match(line.rstrip("\r\n"))), None)
    if job is None:
        raise refuse("no copilot-setup-steps job")
    job_indent = _indent(lines[job])
    steps = None
    for i in range(job + 1, len(lines)):
        if _is_content(lines[i]) and _indent(lines[i]) <= job_indent:
            break
        if _STEPS.match(lines[i].rstrip("\r\n")) and _indent(lines[i]) > job_indent:
            steps = i
            break
    if steps is None:
        raise refuse("its copilot-setup-steps job has no block-style steps list")
    items = [i for i in range(steps + 1, len(lines)) if _is_content(lines[i])]
    if not items or not lines[items[0]].lstrip(" ").startswith("-"):
        raise refuse("the steps list is empty or not a block list")
    item_indent = _indent(lines[items[0]])
    last = items[0]
    for i in items:
        indent = _indent(lines[i])
        if indent < item_indent or (indent == item_indent and not lines[i].lstrip(" ").startswith("-")):
            break
        last = i

    block_lines = marked_block.splitlines(keepends=True)
    first_item = next(line for line in block_lines if line.lstrip(" ").startswith("-"))
    moved = reindent(marked_block, item_indent - _indent(first_item))
    newline = "\r\n" if "\r\n" in existing else "\n"
    head = "".join(lines[: last + 1])
    if not head.endswith(("\n", "\r")):
        head += newline
    merged = head + moved + "".join(lines[last + 1 :])

    try:
        before, after = yaml.safe_load(existing), yaml.safe_load(merged)
        added = len(after["jobs"]["copilot-setup-steps"]["steps"]) - len(before["jobs"]["copilot-setup-steps"]["steps"])
    except (yaml.YAMLError, KeyError, TypeError):
        raise refuse("it could not be parsed as a workflow with a steps list") from None
    if added != sum(1 for line in block_lines if line.lstrip(" ").startswith("- ")):
        raise refuse("the kit's steps could not be placed in its steps list")
    return merged
