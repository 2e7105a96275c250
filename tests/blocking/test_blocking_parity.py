"""Parity with flake8-async and ruff: each row of docs/blocking-parity.md is flagged by its DJA code."""

from __future__ import annotations

import pytest
from blocking_parity_cases import CASES, DOC, Case, render

from verify.api import check_source


def _view_line(source: str) -> int:
    return source.splitlines().index("async def view(request, url):") + 1


@pytest.mark.parametrize("case", CASES, ids=[f"{case.family}:{case.function}" for case in CASES])
def test_every_parity_row_is_flagged_by_its_code(case: Case) -> None:
    source = case.source()
    findings = [f for f in check_source(source, target_version=(6, 1)) if f.code.startswith("DJA3")]
    if case.call == "pass":  # the blocking call sits in the setup's own async function
        assert case.code in [f.code for f in findings], f"{case.function} not flagged:\n{source}"
        return
    last_line = len(source.splitlines())
    flagged_lines = {f.line for f in findings if f.code == case.code}
    assert last_line in flagged_lines, f"{case.function}: expected {case.code} on line {last_line}, got {findings}\n{source}"
    assert all(f.line > _view_line(source) for f in findings)


def test_every_linter_family_has_rows() -> None:
    families = {case.family for case in CASES}
    for code in ("ASYNC200", "ASYNC210", "ASYNC211", "ASYNC212", "ASYNC220", "ASYNC221", "ASYNC222", "ASYNC230",
                 "ASYNC231", "ASYNC232", "ASYNC240", "ASYNC250", "ASYNC251"):
        assert code in families


def test_parity_doc_is_generated_from_the_cases() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), "run `python tests/blocking/blocking_parity_cases.py`"


def test_normpath_is_pure_and_not_flagged_without_configuration() -> None:
    source = "import os\n\n\nasync def view(request, name):\n    return os.path.normpath(os.path.join('/srv', name))\n"
    assert check_source(source, select=["DJA3"]) == []
