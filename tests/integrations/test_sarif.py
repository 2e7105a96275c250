"""``--format sarif``: valid SARIF 2.1.0 (checked against the OASIS schema in tests/data), with the
rule metadata code scanning shows, and help links that land on the rule's section of docs/rules.md."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from integration_support import BAD_LINE, BAD_VIEW, REPO, make_project, run_kit
from readers import sarif_schema_errors

from verify.analysis.registry import all_rules

def github_anchor(heading: str) -> str:
    """GitHub's heading slug: lowercase, punctuation other than `-` and `_` dropped, spaces to `-`."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def rules_doc_anchors() -> set[str]:
    text = (REPO / "docs" / "rules.md").read_text()
    return {github_anchor(heading) for heading in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}


@pytest.fixture
def sarif_log(bad_project: Path) -> dict:
    result = run_kit("--format", "sarif", "--output", "report.sarif", cwd=bad_project)
    assert result.returncode == 1, result.stderr
    return json.loads((bad_project / "report.sarif").read_text())


def test_sarif_report_is_valid_sarif_2_1_0(sarif_log: dict) -> None:
    assert sarif_schema_errors(sarif_log) == []
    assert sarif_log["version"] == "2.1.0"


def test_schema_check_rejects_a_broken_log(sarif_log: dict) -> None:
    # Guards the test above against a schema that accepts anything.
    del sarif_log["runs"][0]["tool"]["driver"]["name"]
    sarif_log["runs"][0]["results"][0]["level"] = "fatal"
    assert len(sarif_schema_errors(sarif_log)) == 2


def test_result_points_at_the_finding_and_its_rule(sarif_log: dict) -> None:
    run = sarif_log["runs"][0]
    [result] = run["results"]
    assert result["ruleId"] == "DJA102"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "DJA102"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "shop/views.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == BAD_LINE
    assert "Product.objects.get" in result["message"]["text"]


def test_every_rule_has_metadata_and_a_help_link_to_its_docs_section(sarif_log: dict) -> None:
    rules = sarif_log["runs"][0]["tool"]["driver"]["rules"]
    anchors = rules_doc_anchors()
    assert [rule["id"] for rule in rules] == [rule.code for rule in all_rules()]
    for rule, registered in zip(rules, all_rules()):
        assert rule["name"] == registered.name
        assert rule["shortDescription"]["text"] == registered.summary
        assert rule["fullDescription"]["text"].strip(), f"{rule['id']} has no full description"
        page, fragment = urldefrag(rule["helpUri"])
        assert page.endswith("/docs/rules.md")
        assert fragment in anchors, f"{rule['id']} helpUri #{fragment} is not a heading of docs/rules.md"
        assert github_anchor(f"{registered.code} {registered.name}") == fragment


def test_paths_with_spaces_become_percent_encoded_uris(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", "")
    (project / "shop" / "old views.py").write_text(BAD_VIEW)
    run_kit("--format", "sarif", "--output", "report.sarif", cwd=project)
    log = json.loads((project / "report.sarif").read_text())
    assert sarif_schema_errors(log) == []
    [result] = log["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "shop/old%20views.py"


def test_an_unawaited_coroutine_has_its_use_as_a_related_location(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", "")
    (project / "shop" / "views.py").write_text(
        "from django.http import JsonResponse\n"
        "from shop.models import Product\n"
        "\n"
        "\n"
        "async def detail(request, pk):\n"
        "    product = Product.objects.aget(pk=pk)\n"
        "    return JsonResponse({\"name\": product.name})\n"
    )
    run_kit("--format", "sarif", "--output", "report.sarif", "--select", "DJA101", cwd=project)
    log = json.loads((project / "report.sarif").read_text())
    assert sarif_schema_errors(log) == []
    [result] = log["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 6  # where `await` belongs
    [related] = result["relatedLocations"]
    assert related["physicalLocation"]["region"] == {"startLine": 7, "startColumn": 34}
    assert related["message"]["text"] == "the coroutine is used as an object (`.name`) here"
