"""The verifier on the sample: the reviewed async views are clean, and every AI draft produces
exactly the findings its ``# expect: DJAnnn`` comments announce."""

from __future__ import annotations

import io
import re
import tokenize
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from verify.api import check_paths
from verify.analysis.registry import get_rule

SAMPLE = Path(__file__).resolve().parents[2] / "sample_project"
DRAFTS = SAMPLE / "ai_drafts"
EXPECT = re.compile(r"#\s*expect:\s*(DJA\d{3})\b")


def announced(path: Path) -> dict[str, list[int]]:
    """Code -> sorted lines announced in ``path``. A comment after code points at its own line;
    a comment alone on its line points at the next line of code."""
    by_code: dict[str, list[int]] = defaultdict(list)
    code_lines = set()
    tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text()).readline))
    for token in tokens:
        if token.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            code_lines.add(token.start[0])
    for token in tokens:
        if token.type != tokenize.COMMENT or not (match := EXPECT.search(token.string)):
            continue
        line = token.start[0]
        if line not in code_lines:
            line = min(n for n in code_lines if n > line)
        by_code[match.group(1)].append(line)
    return {code: sorted(lines) for code, lines in by_code.items()}


@cache
def found(path: Path) -> dict[str, list[int]]:
    report = check_paths([str(path)], use_config=False, extend_select=["DJA"])  # the drafts announce advice too
    assert report.errors == []
    by_code: dict[str, list[int]] = defaultdict(list)
    for finding in report.findings:
        by_code[finding.code].append(finding.line)
    return {code: sorted(lines) for code, lines in by_code.items()}


DRAFT_CASES = [
    pytest.param(path, code, id=f"{path.stem}-{code}")
    for path in sorted(DRAFTS.glob("*.py"))
    for code in sorted(announced(path))
]


def test_every_draft_announces_its_mistakes():
    assert len(DRAFT_CASES) >= 20, "the drafts should cover most rules"
    assert {path.stem for path, _ in (case.values for case in DRAFT_CASES)} == {p.stem for p in DRAFTS.glob("*.py")}


@pytest.mark.parametrize(("path", "code"), DRAFT_CASES)
def test_draft_gets_exactly_the_announced_findings_of_each_code(path, code):
    if get_rule(code) is None:
        pytest.skip(f"{code} is not a registered rule yet: {path.name} announces it for when it lands")
    assert found(path).get(code, []) == announced(path)[code]


@pytest.mark.parametrize(
    "target",
    ["shop/views_async.py", "shop", "config", "fake_apis.py"],
)
def test_reviewed_sample_code_has_no_findings(target):
    report = check_paths([str(SAMPLE / target)], use_config=False)
    assert report.errors == []
    assert report.files > 0
    assert [f"{f.path}:{f.line} {f.code} {f.message}" for f in report.findings] == []
