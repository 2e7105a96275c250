"""Each DJA4xx rule's documented Example is flagged by that rule, and its Use instead passes."""

import re

import pytest

from verify.api import check_source
from verify.analysis.registry import all_rules

PITFALL_RULES = [rule for rule in all_rules() if rule.code.startswith("DJA4")]


def python_block(rule, section: str) -> str:
    match = re.search(r"```python\n(.*?)```", rule.section(section), re.DOTALL)
    assert match, f"{rule.code}: no python block in `## {section}`"
    return match.group(1)


def test_every_pitfall_rule_is_registered():
    assert [rule.code for rule in PITFALL_RULES] == [*(f"DJA40{n}" for n in range(1, 9)), "DJA418", "DJA419", "DJA420"]


@pytest.mark.parametrize("rule", PITFALL_RULES, ids=lambda rule: rule.code)
def test_example_is_flagged_and_use_instead_passes(rule):
    version = (5, 0) if rule.code == "DJA403" else (6, 1)
    # served by WSGI, as DJA407's example says (the only deployment it advises on)
    example = check_source(python_block(rule, "Example"), "shop/views.py", target_version=version, select=[rule.code], served_by_wsgi=True)
    fixed = check_source(python_block(rule, "Use instead"), "shop/views.py", target_version=version, select=[rule.code], served_by_wsgi=True)
    assert [f.code for f in example] and {f.code for f in example} == {rule.code}
    assert fixed == []
