"""The text a test fails with: what was called, from which view, where, and how to fix it."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from verify.runtime.detector import BLOCKING, Violation
from verify.runtime.hints import fix_hint, rule_code


def _relative(filename: str, root: Path) -> str:
    try:
        return os.path.relpath(filename, root) if filename.startswith(str(root)) else filename
    except ValueError:  # another drive on Windows
        return filename


def describe(violation: Violation, root: Path) -> str:
    if violation.kind == BLOCKING:
        headline = f"blocking call to {violation.call}"
    else:
        headline = f"SynchronousOnlyOperation from {violation.call}"
    if violation.request is not None:
        lines = [f"{headline} in async view {violation.entry}", f"  request: {violation.request.describe()}"]
    else:
        # No test client request reached a view: the test awaited project code itself, or the
        # code runs around the view (async middleware, signal receivers).
        lines = [
            f"{headline} in {violation.entry}",
            "  request: none (a direct call from the test, or code outside a view)",
        ]
    where = violation.where
    lines.append(f"  at:      {_relative(where.filename, root)}:{where.lineno} in {where.function}")
    if where.source:
        lines.append(f"           {where.source}")
    hint = fix_hint(rule_code(violation))
    if hint is not None:
        lines.append(f"  rule:    {hint.code} {hint.name}: {hint.summary}")
        if hint.use_instead:
            lines.append("  fix:")
            example = "\n".join(line for line in hint.use_instead.splitlines() if not line.startswith("```"))
            lines.append(textwrap.indent(example, "    "))
    return "\n".join(lines)


def failure_message(violations: list[Violation], root: Path) -> str:
    count = len(violations)
    header = f"async-verify: {count} async-safety violation{'s' if count > 1 else ''}"
    body = "\n\n".join(describe(violation, root) for violation in violations)
    return f"{header}\n\n{body}"
