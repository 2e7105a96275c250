"""Report formats: ruff-style text, JSON, SARIF 2.1.0, GitHub workflow annotations, and the
decision of a Copilot ``agentStop`` hook."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from verify import __version__
from verify.analysis.finding import Finding, Severity
from verify.analysis.lines import source_lines
from verify.analysis.registry import all_rules
from verify.analysis.rules_doc import anchor
from verify.pipeline.reading import read_python

RULES_DOC_URL = "https://github.com/django-async-kit/django-async-kit/blob/main/docs/rules.md"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _source_line(path: str, line: int, cache: dict[str, list[str]]) -> str | None:
    if path not in cache:
        try:
            cache[path] = source_lines(read_python(path))
        except ValueError:
            cache[path] = []
    lines = cache[path]
    return lines[line - 1] if 0 < line <= len(lines) else None


SHOWN_WIDTH = 120  # characters of a source line shown under a finding, at most
_CONTEXT = 30  # of them, before the finding when the line is clipped


def clip(source: str, start: int, width: int) -> tuple[str, int, int]:
    """The part of a long source line shown under a finding, with ``…`` where it is cut (as
    ruff does): (shown text, where the carets start in it, how many). One minified line with many
    findings is shown once per finding, so each shows a window, never the whole line."""
    if len(source) <= SHOWN_WIDTH:
        return source, start, width
    left = max(0, min(start - _CONTEXT, len(source) - SHOWN_WIDTH))
    right = min(len(source), left + SHOWN_WIDTH)
    shown = ("…" if left else "") + source[left:right] + ("…" if right < len(source) else "")
    caret = start - left + (1 if left else 0)
    return shown, caret, max(1, min(width, right - start))


def text(findings: list[Finding], summary: dict, quiet: bool = False) -> str:
    out = []
    cache: dict[str, list[str]] = {}
    for f in findings:
        out.append(f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}")
        if quiet:
            continue
        source = _source_line(f.path, f.line, cache)
        if source is not None:
            gutter = " " * len(str(f.line))
            source = source.rstrip()
            width = max(1, (f.end_column - f.column) if f.end_line == f.line else len(source) - f.column + 1)
            shown, start, width = clip(source, f.column - 1, width)
            out.append(f"{gutter} |")
            out.append(f"{f.line} | {shown}")
            out.append(f"{gutter} | {' ' * start}{'^' * width}")
            for line, _, note in f.related:
                out.append(f"{gutter} = note: line {line}: {note}")
            if f.hint:
                out.append(f"{gutter} = help: {f.hint}")
        elif f.hint:
            out.append(f"  = help: {f.hint}")
        out.append("")
    if quiet:
        return "\n".join(out)
    out.append(summary_line(findings, summary))
    out.extend(_left_out(summary))
    return "\n".join(out)


def _left_out(summary: dict) -> list[str]:
    """What ``--changed`` and ``--baseline`` did not report."""
    lines = []
    if left_out := summary.get("left_out"):
        lines.append(f"Left out {_count(left_out, 'older finding')} in the changed files (outside the changed code; `--all` shows them).")
    if in_baseline := summary.get("in_baseline"):
        lines.append(f"Left out {_count(in_baseline, 'finding')} recorded in the baseline.")
    return lines


def is_advice(finding: Finding) -> bool:
    """Advice (severity info) is opt-in and never fails the check."""
    return finding.severity is Severity.INFO


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def summary_line(findings: list[Finding], summary: dict) -> str:
    """The last line of the text report. It never says "All checks passed" while input errors
    (printed on stderr) left files unchecked."""
    advice = sum(1 for f in findings if is_advice(f))
    problems = len(findings) - advice
    files, version = _count(summary["files"], "file"), f"Django {summary['django_version']}"
    codes = ", ".join(f"{code} x{n}" for code, n in summary["by_code"].items())
    errors = len(summary.get("errors") or [])
    if problems:
        notes = f" and {_count(advice, 'advice note')}" if advice else ""
        line = f"Found {_count(problems, 'finding')}{notes} in {files} ({codes}); {version}."
    elif errors:
        line = f"No findings ({files}, {version}"
        line += f"; {_count(advice, 'advice note')}: {codes}), " if advice else "), "
        line += "but not every file could be checked:"
    elif advice:
        line = f"All checks passed: {files}, {version}; {_count(advice, 'advice note')} ({codes}), which do not fail the check."
    else:
        return f"All checks passed: {files}, {version}."
    if errors:
        line += f" {_count(errors, 'input error')} below."
    return line


def as_json(findings: list[Finding], summary: dict) -> str:
    return json.dumps({"findings": [f.as_dict() for f in findings], "summary": summary}, indent=2)


AGENT_STOP_MAX_FINDINGS = 30  # the reason becomes the agent's next prompt: keep it readable


def agent_stop(findings: list[Finding], command: str) -> str:
    """A Copilot ``agentStop`` hook's answer: ``{}`` lets the agent stop; with findings,
    ``{"decision": "block", "reason": ...}`` keeps it working, with the reason as its next prompt."""
    if not findings:
        return "{}"
    lines = [f"`{command}` found {len(findings)} problem{'s' if len(findings) != 1 else ''} in the async code you changed. "
             f"Run `{command} --fix` first: it applies the mechanical fixes. Fix each one left as its hint says "
             "(or, if a finding is wrong, add `# noqa: CODE` with the reason), "
             f"then run `{command}` again before you stop:"]
    for f in findings[:AGENT_STOP_MAX_FINDINGS]:
        lines.append(f"- {f.path}:{f.line}:{f.column}: {f.code} {f.message}" + (f" (fix: {f.hint})" if f.hint else ""))
    if len(findings) > AGENT_STOP_MAX_FINDINGS:
        lines.append(f"- and {len(findings) - AGENT_STOP_MAX_FINDINGS} more")
    return json.dumps({"decision": "block", "reason": "\n".join(lines)})


def github(findings: list[Finding]) -> str:
    # The workflow-command escapes: property values also escape the `,` and `:` that delimit them.
    def escape(value: str) -> str:
        return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def escape_property(value: object) -> str:
        return escape(str(value)).replace(":", "%3A").replace(",", "%2C")

    lines = []
    for f in findings:
        props = {"file": f.path, "line": f.line, "col": f.column, "endLine": f.end_line, "endColumn": f.end_column,
                 "title": f"{f.code} {f.name}"}
        message = f.message + (f" (help: {f.hint})" if f.hint else "")
        properties = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {properties}::{escape(message)}")
    return "\n".join(lines)


def sarif_rules() -> list[dict]:
    return [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.section("Why is this bad?").replace("\n", " ")},
            "helpUri": f"{RULES_DOC_URL}#{anchor(rule)}",
            "help": {"text": rule.doc.strip(), "markdown": rule.doc.strip()},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
            "properties": {"django-versions": rule.versions},
        }
        for rule in all_rules()
    ]


def _artifact_location(path: str) -> dict:
    """SARIF locations are URIs: relative paths (percent-encoded) resolve against the checkout root, others are file: URIs."""
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path), "uriBaseId": "%SRCROOT%"}


def sarif(findings: list[Finding]) -> str:
    from verify.pipeline.fingerprint import FINGERPRINT_KEY, fingerprints

    rules = sarif_rules()
    # Code scanning matches alerts across runs by these: an alert stays one alert when lines move.
    prints = fingerprints(findings)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message + (f" Fix: {f.hint}" if f.hint else "")},
            "locations": [{"physicalLocation": {
                "artifactLocation": _artifact_location(f.path),
                "region": {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line, "endColumn": f.end_column},
            }}],
            "partialFingerprints": {FINGERPRINT_KEY: prints[f]},
            **({"relatedLocations": [
                {"id": number, "message": {"text": note}, "physicalLocation": {
                    "artifactLocation": _artifact_location(f.path), "region": {"startLine": line, "startColumn": column}}}
                for number, (line, column, note) in enumerate(f.related, 1)]} if f.related else {}),
        }
        for f in findings
    ]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "django-async-kit", "version": __version__, "semanticVersion": __version__,
                                "informationUri": RULES_DOC_URL.rsplit("/blob/", 1)[0], "rules": rules}},
            "results": results,
        }],
    }
    return json.dumps(log, indent=2)
