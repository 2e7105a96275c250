"""Each rule's documentation tells the truth: its `## Example` code is flagged by the rule and its
`## Use instead` code is not. Only rules that check one file's code; project-wide rules
(settings, comparisons between files) cannot be shown by one block."""

from __future__ import annotations

import re

import pytest

from verify.api import check_source
from verify.analysis.django_api import KNOWN_VERSIONS
from verify.analysis.registry import Rule, all_rules

FILE_SCOPES = {"async", "module", "parse"}


def python_blocks(markdown: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", markdown, re.DOTALL)


def rule_params() -> list:
    params = []
    for rule in all_rules():
        skip = pytest.mark.skip(reason=f"scope {rule.scope!r}: not a single-file rule")
        params.append(pytest.param(rule, id=rule.code, marks=[] if rule.scope in FILE_SCOPES else [skip]))
    return params


def codes_found(rule: Rule, source: str) -> list[str]:
    # The newest Django the rule applies to: the docs show today's fix (`request.auser()` is 5.0+).
    version = max(version for version in KNOWN_VERSIONS if rule.applies_to(version))
    # As DJA407's example says, the code is served by WSGI (the only deployment DJA407 advises on).
    found = check_source(source, select=[rule.code], target_version=version, served_by_wsgi=True)
    return [finding.code for finding in found]


@pytest.mark.parametrize("rule", rule_params())
def test_example_is_flagged_and_use_instead_passes(rule: Rule) -> None:
    examples, fixes = python_blocks(rule.section("Example")), python_blocks(rule.section("Use instead"))
    assert examples and fixes, f"{rule.code} needs a python block under both `## Example` and `## Use instead`"
    for block in examples:
        assert rule.code in codes_found(rule, block), f"{rule.code} does not flag its own example:\n{block}"
    for block in fixes:
        assert codes_found(rule, block) == [], f"{rule.code} flags its `Use instead` code:\n{block}"
