"""Syntax errors that are not errors: code written for a newer Python than the one running the kit.

The kit parses with the ``ast`` of the Python it runs on, so a project on Python 3.14 that uses
``except A, B:`` cannot be parsed by a kit running on 3.13. "Fix the syntax" would be wrong
advice: the file is fine, and the kit must run on a newer Python to check it. This module
recognises the constructs each newer Python added by the error they cause on an older one; such
a file's DJA000 finding says which Python it needs, and a run reports those files once, as an
input error (exit 2), instead of one "syntax error" per file.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace

from verify.analysis.finding import Finding

Version = tuple[int, int]
RUNNING: Version = sys.version_info[:2]

MESSAGE_START = "needs Python "
_SYNTAX_ERROR = "syntax error: "  # the message of any other syntax error (verify.analysis.check_file)
_MESSAGE = re.compile(r"^needs Python (\d+)\.(\d+) or newer: (?P<construct>.*); the kit runs on")

_T_STRING_PREFIX = re.compile(r"(?<![\w])(?:[tT][rR]?|[rR][tT])$")
_GENERIC_HEADER = re.compile(r"^\s*(?:async\s+def|def|class|type)\s+\w+\s*\[(?P<params>[^\]]*)")
_TYPE_STATEMENT = re.compile(r"^\s*type\s+\w+\s*(?:\[[^\]]*\])?\s*=")
_EXCEPT_STAR = re.compile(r"^\s*except\s*\*")
# Errors of f-strings that Python 3.12 (PEP 701) accepts: quotes reused inside the braces, a
# backslash or a comment in the expression.
_FSTRING_312 = ("f-string expression part cannot include", "f-string: unmatched")


def _except_without_parentheses(error: SyntaxError, text: str) -> bool:
    if error.msg != "multiple exception types must be parenthesized":
        return False
    start = (error.offset or 1) - 1
    end = error.end_offset - 1 if error.end_offset and error.end_lineno == error.lineno else len(text)
    return re.search(r"\bas\b", text[start:end]) is None  # with `as`, 3.14 still needs parentheses


def needed_python(error: SyntaxError) -> tuple[Version, str] | None:
    """(the Python that parses it, the construct) when ``error`` is a newer Python's syntax."""
    text = error.text or ""
    offset = (error.offset or 1) - 1
    msg = error.msg or ""
    found: list[tuple[Version, str]] = []
    if _except_without_parentheses(error, text):
        found.append(((3, 14), "`except A, B:` without parentheses"))
    if 0 < offset < len(text) and text[offset] in "'\"" and _T_STRING_PREFIX.search(text[:offset]):
        found.append(((3, 14), "a template string `t\"...\"`"))
    header = _GENERIC_HEADER.match(text)
    if header:
        with_default = "=" in header.group("params")
        found.append(((3, 13), "a type parameter default") if with_default else ((3, 12), "type parameters `[T]`"))
    elif _TYPE_STATEMENT.match(text):
        found.append(((3, 12), "a `type` statement"))
    if msg.startswith(_FSTRING_312):
        found.append(((3, 12), "an f-string that reuses its quotes or holds a backslash or comment"))
    if _EXCEPT_STAR.match(text):
        found.append(((3, 11), "`except*`"))
    newer = [item for item in found if item[0] > RUNNING]
    return max(newer) if newer else None


def finding(path: str, error: SyntaxError, rule, needed: tuple[Version, str]) -> Finding:
    line = error.lineno or 1
    column = error.offset or 1
    message, hint = _texts(*needed)
    return Finding(path, line, column, line, column + 1, rule.code, rule.name, message, hint)


def _texts(version: Version, construct: str) -> tuple[str, str]:
    """The message and the hint of a finding of a newer Python's syntax."""
    needed, running = f"{version[0]}.{version[1]}", f"{RUNNING[0]}.{RUNNING[1]}"
    return (f"{MESSAGE_START}{needed} or newer: {construct}; the kit runs on Python {running}",
            f"run django-async-kit on Python {needed} or newer to check this file: nothing in it was checked")


def for_project(finding: Finding, requires_python: Version | None) -> Finding:
    """A syntax error in a project that requires a newer Python than this one is most likely
    syntax this Python does not know yet (beyond the constructs recognised above): the finding
    says so, and the run names the file among those it could not check."""
    if finding.code != "DJA000" or not finding.message.startswith(_SYNTAX_ERROR) or requires_python is None or requires_python <= RUNNING:
        return finding
    error = finding.message.removeprefix(_SYNTAX_ERROR)
    construct = (f"syntax Python {RUNNING[0]}.{RUNNING[1]} cannot parse ({error}), in a project that requires "
                 f"Python {requires_python[0]}.{requires_python[1]}")
    message, hint = _texts(requires_python, construct)
    return replace(finding, message=message, hint=hint)


def required(finding: Finding) -> Version | None:
    """The Python a DJA000 finding of :func:`finding` asks for."""
    match = _MESSAGE.match(finding.message) if finding.code == "DJA000" else None
    return (int(match.group(1)), int(match.group(2))) if match else None


def unchecked_error(findings: list[Finding]) -> str:
    """One line for every file a newer Python's syntax left unchecked (the findings of :func:`finding`)."""
    newest = max(required(f) for f in findings)
    first = min(findings)
    files = len({f.path for f in findings})
    version = f"{newest[0]}.{newest[1]}"
    return (f"{files} file{'s' if files != 1 else ''} use{'' if files != 1 else 's'} syntax of Python {version} "
            f"(first: {first.path}:{first.line}, {_MESSAGE.match(first.message).group('construct')}), but the kit runs on "
            f"Python {RUNNING[0]}.{RUNNING[1]} and could not check {'them' if files != 1 else 'it'}: "
            f"run django-async-kit on Python {version} or newer")
