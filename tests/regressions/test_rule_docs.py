"""Each DJA502-DJA506 docstring's example is a real regression and its "Use instead" is not:
the "## Example" block holds the sync view (``# before``) and the AI edit (``# after the AI edit``)."""

import re

import pytest

from verify.compare.run import check_compare
from verify.analysis.registry import get_rule

_CODE = re.compile(r"```python\n(.*?)```", re.DOTALL)


def _versions(code: str) -> tuple[str, str, str]:
    rule = get_rule(code)
    example = _CODE.search(rule.section("Example")).group(1)
    before, after = example.split("# after the AI edit\n")
    return before.removeprefix("# before\n"), after, _CODE.search(rule.section("Use instead")).group(1)


def _codes(tmp_path, old: str, new: str) -> list[str]:
    (tmp_path / "old.py").write_text(old)
    (tmp_path / "new.py").write_text(new)
    report = check_compare(tmp_path / "old.py", tmp_path / "new.py", select=["DJA5"], use_config=False)
    return [finding.code for finding in report.findings]


@pytest.mark.parametrize("code", ["DJA502", "DJA503", "DJA504", "DJA505", "DJA506"])
def test_documented_example_is_reported_and_its_fix_is_not(tmp_path, code):
    before, after, fixed = _versions(code)
    assert set(_codes(tmp_path, before, after)) == {code}  # DJA506's example drops two effects
    assert _codes(tmp_path, before, fixed) == []
