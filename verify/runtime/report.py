"""The text a test fails with: what was called, from which view, where, and how to fix it."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from verify.runtime.detector import BLOCKING, Violation
from verify.runtime.hints import fix_hint, logging_handler, rule_code

_LOGGING_ADVICE = (
    "a log record written on the event loop (reported because async_verify_report_logging is on):\n"
    "           log through a logging.handlers.QueueHandler and let a QueueListener thread write it"
)


def _relative(filename: str, root: Path) -> str:
    try:
        return os.path.relpath(filename, root) if filename.startswith(str(root)) else filename
    except ValueError:  # another drive on Windows
        return filename


def describe(violation: Violation, root: Path, calls: list[str] | None = None) -> str:
    """One violation; ``calls``: every call its line made of that kind (a write and its flush)."""
    calls = calls or [violation.call]
    if violation.kind == BLOCKING:
        headline = f"blocking call{'s' if len(calls) > 1 else ''} to {', '.join(calls)}"
    else:
        headline = f"SynchronousOnlyOperation from {', '.join(calls)}"
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
    handler = logging_handler(violation)
    if handler is not None:
        lines.append(f"  logged:  by {handler}, {_LOGGING_ADVICE}")
    hint = fix_hint(rule_code(violation))
    if hint is not None:
        lines.append(f"  rule:    {hint.code} {hint.name}: {hint.summary}")
        if hint.use_instead:
            lines.append("  fix:")
            example = "\n".join(line for line in hint.use_instead.splitlines() if not line.startswith("```"))
            lines.append(textwrap.indent(example, "    "))
    return "\n".join(lines)


def failure_message(violations: list[Violation], root: Path) -> str:
    """Every violation of a test, one entry per line of code, kind and request."""
    by_place: dict[tuple, list[Violation]] = {}
    for violation in violations:
        key = (violation.kind, violation.where, violation.entry, violation.request)
        by_place.setdefault(key, []).append(violation)
    count = len(by_place)
    header = f"async-verify: {count} async-safety violation{'s' if count > 1 else ''}"
    body = "\n\n".join(
        describe(group[0], root, list(dict.fromkeys(violation.call for violation in group)))
        for group in by_place.values()
    )
    return f"{header}\n\n{body}"
