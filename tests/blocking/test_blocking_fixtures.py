"""Realistic views: every `# expect: DJA3xx` line of the AI-converted views is reported, nothing
else is, and the correct async views get no DJA3xx finding at all."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from verify.api import check_source

FIXTURES = Path(__file__).parent / "fixtures"


def _blocking_findings(name: str) -> tuple[str, list]:
    source = (FIXTURES / name).read_text(encoding="utf-8")
    return source, check_source(source, f"shop/{name}", target_version=(6, 1), select=["DJA3"])


def test_ai_converted_views_report_exactly_the_expected_lines() -> None:
    source, findings = _blocking_findings("ai_converted_views.py")
    expected = Counter((number, code) for number, line in enumerate(source.splitlines(), 1)
                       for code in re.findall(r"# expect: (DJA3\d\d)", line))
    found = Counter((finding.line, finding.code) for finding in findings)
    assert found == expected
    assert len(expected) >= 50  # the fixture covers every family several times


def test_ai_converted_views_cover_every_blocking_rule_but_the_configured_one() -> None:
    _, findings = _blocking_findings("ai_converted_views.py")
    assert {finding.code for finding in findings} == {f"DJA{n}" for n in range(301, 311)}


def test_correct_async_views_get_no_blocking_finding() -> None:
    _, findings = _blocking_findings("correct_async_views.py")
    assert findings == []
