"""Findings keyed so that a verdict survives a re-run, and the committed file of verdicts.

A finding's key is (path in the sdist, enclosing function, rule code, the stripped text of its
line, and which occurrence of that it is): a rule that moves its column, rewords its message, or
a line that shifts does not lose the verdict; the pinned code itself does not change.
"""

from __future__ import annotations

import ast
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

VERDICTS = ("true", "accepted", "wrong", "unclassified")


class ExpectedError(Exception):
    """A malformed verdicts file: one line for the user, exit code 2."""


def _scopes(tree: ast.AST) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every function and class, decorators included."""
    scopes: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                scopes.append((first, child.end_lineno or child.lineno, name))
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return scopes


def enclosing_function(scopes: list[tuple[int, int, str]], line: int) -> str:
    """The innermost function or class around ``line`` ("" at module level)."""
    inside = [scope for scope in scopes if scope[0] <= line <= scope[1]]
    return max(inside, key=lambda scope: scope[0])[2] if inside else ""


@dataclass
class Keyed:
    """One finding of a run, with its key's parts and what the verdicts file shows."""

    path: str
    line: int
    code: str
    function: str
    source: str
    message: str
    severity: str
    occurrence: int = 1

    @property
    def key(self) -> tuple:
        return (self.path, self.function, self.code, self.source, self.occurrence)


def key_findings(findings: list[dict], root: Path) -> list[Keyed]:
    """The verifier's JSON findings (paths relative to ``root``) with their keys."""
    keyed: list[Keyed] = []
    files: dict[str, tuple[list[str], list]] = {}
    for finding in sorted(findings, key=lambda f: (f["path"], f["line"], f["column"], f["code"])):
        path = finding["path"]
        if path not in files:
            text = (root / path).read_text(encoding="utf-8-sig", errors="replace")
            try:
                scopes = _scopes(ast.parse(text))
            except (SyntaxError, ValueError):  # code the running Python cannot parse: keyed by line text only
                scopes = []
            files[path] = (text.splitlines(), scopes)
        lines, scopes = files[path]
        line = finding["line"]
        source = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        keyed.append(Keyed(path, line, finding["code"], enclosing_function(scopes, line), source,
                           finding["message"], finding.get("severity", "error")))
    seen: Counter = Counter()
    for item in keyed:
        seen[item.key] += 1
        item.occurrence = seen[item.key]
    return keyed


@dataclass
class Comparison:
    """A project's findings against its recorded verdicts."""

    matched: list[tuple[Keyed, dict]] = field(default_factory=list)  # (finding, its record)
    new: list[Keyed] = field(default_factory=list)
    vanished: list[dict] = field(default_factory=list)

    def by_verdict(self) -> dict[str, int]:
        counts = Counter(record["verdict"] for _, record in self.matched)
        counts["unclassified"] += len(self.new)
        return {verdict: counts[verdict] for verdict in VERDICTS}

    def by_rule(self) -> dict[str, dict[str, int]]:
        rules: dict[str, Counter] = {}
        for finding, record in self.matched:
            rules.setdefault(finding.code, Counter())[record["verdict"]] += 1
        for finding in self.new:
            rules.setdefault(finding.code, Counter())["unclassified"] += 1
        return {code: dict(sorted(counts.items())) for code, counts in sorted(rules.items())}


def record_key(record: dict) -> tuple:
    return (record["path"], record["function"], record["code"], record["source"], record.get("occurrence", 1))


def compare(findings: list[Keyed], records: list[dict]) -> Comparison:
    by_key = {record_key(record): record for record in records}
    result = Comparison()
    for finding in findings:
        record = by_key.pop(finding.key, None)
        if record is None:
            result.new.append(finding)
        else:
            result.matched.append((finding, record))
    result.vanished = sorted(by_key.values(), key=lambda r: (r["path"], r["line"]))
    return result


def load(path: Path) -> dict[str, list[dict]]:
    """Project name -> its records; a missing file is an empty one."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ExpectedError(f"cannot read {path}: {error}") from None
    projects = data.get("projects") if isinstance(data, dict) else None
    if not isinstance(projects, dict):
        raise ExpectedError(f"{path}: expected an object with \"projects\"")
    for name, records in projects.items():
        for record in records:
            where = f"{path}: {name} {record.get('path')}:{record.get('line')} {record.get('code')}"
            missing = [part for part in ("path", "line", "code", "function", "source", "verdict") if part not in record]
            if missing:
                raise ExpectedError(f"{where}: missing {', '.join(missing)}")
            if record["verdict"] not in VERDICTS:
                raise ExpectedError(f"{where}: unknown verdict {record['verdict']!r} (one of {', '.join(VERDICTS)})")
            if record["verdict"] != "unclassified" and not record.get("reason", "").strip():
                raise ExpectedError(f"{where}: verdict {record['verdict']!r} needs a one-line reason")
    return projects


def _record(finding: Keyed, verdict: str = "unclassified", reason: str = "") -> dict:
    record = {"path": finding.path, "line": finding.line, "code": finding.code, "function": finding.function,
              "source": finding.source}
    if finding.occurrence > 1:
        record["occurrence"] = finding.occurrence
    record |= {"message": finding.message, "severity": finding.severity, "verdict": verdict, "reason": reason}
    return record


def updated(comparison: Comparison) -> list[dict]:
    """The project's records after ``--update``: verdicts kept (line and message refreshed), new
    findings added as unclassified, vanished ones dropped."""
    records = [_record(finding, record["verdict"], record.get("reason", "")) for finding, record in comparison.matched]
    records += [_record(finding) for finding in comparison.new]
    return sorted(records, key=lambda r: (r["path"], r["line"], r["code"], r.get("occurrence", 1)))


def save(path: Path, projects: dict[str, list[dict]]) -> None:
    data = {"about": "Verdicts on every finding of `make ecosystem` (docs/ecosystem.md): true = the code really fails "
                     "or blocks at runtime; accepted = advice the project may ignore; wrong = a false positive; "
                     "unclassified = not yet read.",
            "projects": dict(sorted(projects.items()))}
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
