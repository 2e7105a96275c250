"""Rule documentation rendered from the registry: ``docs/rules.md`` and the README's rules by family.

Each rule gets a ``## DJA102 sync-orm-call`` section; GitHub turns that heading into the anchor
``#dja102-sync-orm-call``, which is what :func:`anchor` returns and what SARIF ``helpUri`` links use.
"""

from __future__ import annotations

import re

from verify.analysis.registry import Rule, all_rules

RULES_DOC_PATH = "docs/rules.md"
GENERATED_NOTE = "<!-- Generated from the rule registry by `make docs`; edit the rule's docstring instead. -->"


def anchor(rule: Rule) -> str:
    """The fragment GitHub gives the rule's heading in ``docs/rules.md``."""
    return f"{rule.code.lower()}-{rule.name}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_table() -> str:
    """A markdown table of every rule; codes link to their sections below it."""
    rows = ["| Code | Name | What it does | Django | Severity |", "| --- | --- | --- | --- | --- |"]
    for rule in all_rules():
        rows.append(f"| [{rule.code}](#{anchor(rule)}) | `{rule.name}` | {_cell(rule.summary)} "
                    f"| {rule.versions} | {rule.severity.value} |")
    return "\n".join(rows)


# What each family of codes is about: the README's summary lists the rules under these.
FAMILIES = {
    "DJA0": "files the verifier cannot check",
    "DJA1": "missing await, sync ORM and other sync Django APIs in async code",
    "DJA2": "QuerySets that reach a template or response unevaluated",
    "DJA3": "blocking calls on the event loop",
    "DJA4": "async pitfalls: tasks, handlers, decorators, thread hops",
    "DJA5": "regressions of a conversion, against the sync view it replaced",
    "DJA6": "project settings and deployment",
}


def rules_summary(link_prefix: str) -> str:
    """A markdown table with one row per family, each rule's code linking to its documentation."""
    rows = ["| Codes | What they find | Rules |", "| --- | --- | --- |"]
    for prefix, about in FAMILIES.items():
        codes = [f"[{rule.code}]({link_prefix}#{anchor(rule)})" for rule in all_rules()
                 if rule.code.startswith(prefix)]
        if codes:
            rows.append(f"| {prefix}xx | {about} | {' '.join(codes)} |")
    return "\n".join(rows)


def _demote_headings(doc: str) -> str:
    """The docstring's ``## Section`` headings become ``###`` so they nest under the rule's heading;
    lines inside fenced code blocks are left alone."""
    out, in_fence = [], False
    for line in doc.strip().splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        elif not in_fence and re.match(r"#{1,5} ", line):
            line = "#" + line
        out.append(line)
    return "\n".join(out)


def rule_section(rule: Rule) -> str:
    return (f"## {rule.code} {rule.name}\n\n"
            f"Django versions: {rule.versions}. Severity: {rule.severity.value}.\n\n"
            f"{_demote_headings(rule.doc)}\n")


def rules_markdown() -> str:
    """The whole of ``docs/rules.md``."""
    rules = all_rules()
    parts = [
        "# Rules\n",
        GENERATED_NOTE + "\n",
        f"`django-async-kit verify` checks {len(rules)} rules. Select or ignore them by code or prefix "
        "(`--select DJA1`, `--ignore DJA202`); `django-async-kit rule CODE` prints one rule's documentation.\n",
        "Each rule's \"Fix safety\" says what `verify --fix` does about its findings. One fix is common to all "
        "of them: a finding reported where async code calls a sync function of the project (`total = "
        "compute(order)`, the query or blocking call being inside `compute`) has an unsafe fix, `total = await "
        "sync_to_async(compute)(order)` (with `from asgiref.sync import sync_to_async` added when missing). "
        "Unsafe because the function then runs in a worker thread: a QuerySet it returns is still lazy, and "
        "thread-local state differs; for that reason there is no such fix inside an `except` block, where the "
        "function may read the exception being handled (`sys.exc_info()` is per thread).\n",
        rules_table() + "\n",
        *(rule_section(rule) for rule in rules),
    ]
    return "\n".join(parts)
