"""Each DJA6xx rule's documented Example, put into a correct project, is flagged by that rule, and
its Use instead passes. Blocks name their files with a first comment line (`# settings.py`)."""

import re

import pytest

from dja6_project import make_project, project_findings

from verify.analysis.registry import all_rules

SETTINGS_RULES = [rule for rule in all_rules() if rule.code.startswith("DJA6")]
_FILE_LINE = re.compile(r"^# (?P<name>[\w./-]+\.\w+|Procfile|Dockerfile)$")
_WHERE = {"settings.py": "config/settings.py"}


def files_in(rule, section: str) -> dict[str, str]:
    """The files a section's code blocks show, by project path."""
    files: dict[str, str] = {}
    for block in re.findall(r"```\w*\n(.*?)```", rule.section(section), re.DOTALL):
        name = None
        for line in block.splitlines(keepends=True):
            match = _FILE_LINE.match(line.strip())
            if match:
                name = _WHERE.get(match.group("name"), match.group("name"))
                files[name] = ""
            elif name is not None:
                files[name] += line
    assert files, f"{rule.code}: `## {section}` names no file (start a block with `# settings.py`)"
    return files


def test_every_settings_rule_is_a_project_rule():
    assert [(rule.code, rule.scope) for rule in SETTINGS_RULES] == [(f"DJA60{n}", "project") for n in range(1, 6)]


@pytest.mark.parametrize("rule", SETTINGS_RULES, ids=lambda rule: rule.code)
def test_example_is_flagged_and_use_instead_passes(rule, tmp_path):
    example = files_in(rule, "Example")
    make_project(tmp_path, example)
    assert rule.code in {f.code for f in project_findings(tmp_path, [rule.code])}
    make_project(tmp_path, {**example, **files_in(rule, "Use instead")})
    assert project_findings(tmp_path, [rule.code]) == []
