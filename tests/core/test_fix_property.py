"""``verify --fix --unsafe-fixes`` over every corpus of converted views the repository has: each
applied fix parses, removes its finding and adds none.

The check is per file and per rule. Before and after are aligned line by line (difflib): a finding
after the fixes on a line the fixes left alone must have been there before, on the same line; one
on an edited line must have been there before in that edited block, without a fix. And per rule,
there are no more findings after than there were without a fix before: none of the fixed ones is
left, and none of them came back elsewhere.
"""

import ast
import difflib
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from verify.analysis.django_api import all_async_names

REPO = Path(__file__).resolve().parents[2]
# Names a fix may bring besides Django's async API: asyncio.sleep, sync_to_async, select_related,
# AsyncPaginator, httpx's AsyncClient, the `user` of `user = await request.auser()`, the variable
# of `[obj async for obj in qs]`.
FIX_NAMES = all_async_names() | {"asyncio", "sleep", "sync_to_async", "select_related", "AsyncPaginator", "httpx", "httpx2", "AsyncClient",
                                 "client", "user", "obj", "item", "row", "element", "_obj"}
CORPORA = {
    "eval": (REPO / "tests" / "data" / "eval", "."),
    "sample drafts": (REPO / "sample_project", "ai_drafts"),
    "tutorial after": (REPO / "tests" / "data" / "tutorial_after", "."),
}


def verify(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "verify", "--no-cache", *args], cwd=cwd, capture_output=True, text=True)


def findings(cwd: Path, target: str) -> dict[str, list[dict]]:
    result = verify(cwd, "--format", "json", target)
    assert result.returncode in (0, 1), result.stderr
    by_path: dict[str, list[dict]] = {}
    for finding in json.loads(result.stdout)["findings"]:
        by_path.setdefault(finding["path"], []).append(finding)
    return by_path


def identifiers(text: str) -> set[str]:
    return {node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else node.name
            for node in ast.walk(ast.parse(text)) if isinstance(node, (ast.Name, ast.Attribute, ast.alias))}


def line_map(before: list[str], after: list[str]) -> tuple[dict[int, int], list[tuple[range, range]]]:
    """After line -> before line for the lines the fixes left alone (1-based), and the edited
    blocks as (before lines, after lines)."""
    same, edited = {}, []
    for tag, b1, b2, a1, a2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            same.update({a1 + k + 1: b1 + k + 1 for k in range(a2 - a1)})
        else:
            edited.append((range(b1 + 1, b2 + 1), range(a1 + 1, a2 + 1)))
    return same, edited


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_every_fix_parses_removes_its_finding_and_adds_none(corpus: str, tmp_path: Path) -> None:
    source, target = CORPORA[corpus]
    project = tmp_path / "project"
    shutil.copytree(source, project, ignore=shutil.ignore_patterns(".django-async-kit-cache", "__pycache__", "*.sqlite3"))
    texts_before = {path: path.read_text() for path in project.rglob("*.py")}
    before = findings(project, target)
    fixing = verify(project, "--fix", "--unsafe-fixes", target)
    assert "not fixed" not in fixing.stderr and "Traceback" not in fixing.stderr, fixing.stderr
    after = findings(project, target)

    fixed_any = False
    for path, old_text in texts_before.items():
        new_text = path.read_text()
        compile(new_text, str(path), "exec")  # every fixed file parses and compiles
        invented = identifiers(new_text) - identifiers(old_text) - FIX_NAMES
        assert not invented, f"{path}: the fixes brought names that are no API: {invented}"
        key = str(path.relative_to(project))
        old, new = before.get(key, []), after.get(key, [])
        fixable = [f for f in old if f.get("fix")]
        fixed_any |= bool(fixable)
        assert (new_text != old_text) == bool(fixable), f"{key}: changed without a fix, or a fix not applied"
        # Per rule: what is left had no fix (a fix may also settle a finding without one: a QuerySet
        # now iterated with `async for` is no longer tested for truth synchronously).
        left, unfixed_count = Counter(f["code"] for f in new), Counter(f["code"] for f in old if not f.get("fix"))
        assert all(left[code] <= unfixed_count[code] for code in left), f"{key}: {left} left, {unfixed_count} without a fix"
        same, edited = line_map(old_text.splitlines(), new_text.splitlines())
        was_there = {(f["code"], f["line"]) for f in old}
        unfixed = {(f["code"], f["line"]) for f in old if not f.get("fix")}
        for finding in new:
            line = finding["line"]
            if line in same:
                assert (finding["code"], same[line]) in was_there, f"{key}:{line}: {finding['code']} is new"
            else:
                [old_lines] = [old_lines for old_lines, new_lines in edited if line in new_lines]
                assert any((finding["code"], old_line) in unfixed for old_line in old_lines), \
                    f"{key}:{line}: {finding['code']} on an edited line was not there unfixed before"
    assert fixed_any, f"{corpus}: nothing to fix, the check checks nothing"
