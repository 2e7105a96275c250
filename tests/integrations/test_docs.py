"""docs/rules.md and the generated blocks of the README and docs/ pages match the registry and docs/snippets/ (`make docs`)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from integration_support import REPO, SNIPPETS

from verify.pipeline.output import RULES_DOC_URL
from verify.analysis.registry import all_rules
from verify.analysis.rules_doc import rules_markdown


def docgen(*args: str, root: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "verify.docgen", "--root", str(root), *args],
                          capture_output=True, text=True, timeout=60)


def test_generated_docs_are_up_to_date() -> None:
    result = docgen("--check")
    assert result.returncode == 0, f"{result.stderr}run `make docs` and commit the result"


def test_check_names_stale_files_and_regeneration_fixes_them(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    shutil.copytree(SNIPPETS, tmp_path / "docs" / "snippets")
    readme = (REPO / "README.md").read_text()
    (tmp_path / "README.md").write_text(readme.replace("[DJA102]", "[DJA999]", 1))
    shutil.copytree(REPO / "bench" / "results", tmp_path / "bench" / "results")
    shutil.copy(REPO / "docs" / "integrations.md", tmp_path / "docs" / "integrations.md")
    (tmp_path / "docs" / "snippets" / "pre-commit-config.yaml").write_text("repos: []\n")

    stale = docgen("--check", root=tmp_path)
    assert stale.returncode == 1
    assert "docs/rules.md" in stale.stderr and "README.md" in stale.stderr and "docs/integrations.md" in stale.stderr

    assert docgen(root=tmp_path).returncode == 0
    assert docgen("--check", root=tmp_path).returncode == 0
    assert "[DJA999]" not in (tmp_path / "README.md").read_text()
    assert "```yaml\nrepos: []\n```" in (tmp_path / "docs" / "integrations.md").read_text()
    assert (tmp_path / "docs" / "rules.md").read_text() == rules_markdown()


def _section(text: str, heading: str) -> str:
    """From a markdown heading to the next heading of the same or a higher level (outside code fences)."""
    level = heading.split(" ")[0].count("#")
    lines, body, in_fence = iter(text.splitlines()), [], False
    assert heading in (line.rstrip() for line in lines), f"no `{heading}` section"
    for line in lines:
        if line.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and re.match(rf"#{{1,{level}}} ", line):
            break
        body.append(line)
    return "\n".join(body) + "\n"


def test_rules_doc_has_every_rules_documentation() -> None:
    text = (REPO / "docs" / "rules.md").read_text()
    for rule in all_rules():
        section = _section(text, f"## {rule.code} {rule.name}")
        assert f"Django versions: {rule.versions}. Severity: {rule.severity.value}." in section
        for title in ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety"):
            body = rule.section(title)
            assert body, f"{rule.code}'s docstring has no `## {title}` section"
            assert f"### {title}\n{body}" in section


def test_integrations_page_has_a_section_per_integration_with_every_snippet() -> None:
    integrations = (REPO / "docs" / "integrations.md").read_text()
    included = set(re.findall(r"<!-- snippet:begin (\S+) -->", integrations))
    assert included == {f"docs/snippets/{path.name}" for path in SNIPPETS.iterdir()}
    for heading, snippet in (("## pre-commit", "pre-commit-config.yaml"), ("## GitHub Actions", "github-workflow.yml"),
                             ("## Code scanning (SARIF)", "code-scanning-workflow.yml")):
        assert f"<!-- snippet:begin docs/snippets/{snippet} -->" in _section(integrations, heading)


def test_readme_lists_every_rule_by_family_with_a_link_to_its_docs() -> None:
    summary = _section((REPO / "README.md").read_text(), "## Rules")
    for rule in all_rules():
        family = f"| {rule.code[:4]}xx |"
        [row] = [line for line in summary.splitlines() if line.startswith(family)]
        assert f"[{rule.code}](docs/rules.md#{rule.code.lower()}-{rule.name})" in row


def test_snippets_and_help_links_name_one_repository() -> None:
    repository = "django-async-kit/django-async-kit"
    assert RULES_DOC_URL.startswith(f"https://github.com/{repository}/")
    pre_commit = (SNIPPETS / "pre-commit-config.yaml").read_text()
    assert f"repo: https://github.com/{repository}\n" in pre_commit
    for workflow in ("github-workflow.yml", "code-scanning-workflow.yml"):
        assert f"uses: {repository}@" in (SNIPPETS / workflow).read_text()


def test_readme_stays_a_front_page() -> None:
    size = len((REPO / "README.md").read_bytes())
    assert size <= 20 * 1024, f"README.md is {size} bytes: details belong in docs/"


def test_docs_build_as_a_site_without_warnings(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "verifier" / "index.html").is_file()
