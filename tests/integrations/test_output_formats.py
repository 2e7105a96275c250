"""``--format github`` (workflow annotations) and ``--format json``, read back the way their consumers do."""

from __future__ import annotations

import json
from pathlib import Path

from integration_support import BAD_COLUMN, BAD_LINE, BAD_VIEW, make_project, run_kit
from readers import parse_annotation

def test_github_annotations_carry_each_finding_of_the_json_report(bad_project: Path) -> None:
    annotations = run_kit("--format", "github", cwd=bad_project)
    report = json.loads(run_kit("--format", "json", cwd=bad_project).stdout)
    assert annotations.returncode == 1
    assert report["findings"], "the bad view should have findings"
    lines = annotations.stdout.splitlines()
    assert len(lines) == len(report["findings"])
    for line, finding in zip(lines, report["findings"]):
        level, properties, message = parse_annotation(line)
        assert level == "error"
        assert properties == {"file": finding["path"], "line": str(finding["line"]), "col": str(finding["column"]),
                              "endLine": str(finding["end_line"]), "endColumn": str(finding["end_column"]),
                              "title": f"{finding['code']} {finding['name']}"}
        assert message.startswith(finding["message"])


def test_github_annotations_escape_delimiters_in_paths_and_messages(tmp_path: Path) -> None:
    # A path with `,` and `:` (legal on Linux) and a message quoting code with `%` would otherwise
    # split the properties or be decoded as escapes by the runner.
    project = make_project(tmp_path / "project", "")
    odd = project / "shop" / "views, v2: 100%.py"
    odd.write_text(BAD_VIEW.replace("get(id=product_id)", 'get(name="50%0A off")'))
    result = run_kit("--format", "github", "shop", cwd=project)
    [line] = result.stdout.splitlines()
    assert "file=shop/views%2C v2%3A 100%25.py," in line
    assert "50%250A off" in line
    _, properties, message = parse_annotation(line)
    assert properties["file"] == "shop/views, v2: 100%.py"
    assert '"50%0A off"' in message


def test_github_format_prints_nothing_for_clean_code(good_project: Path) -> None:
    result = run_kit("--format", "github", cwd=good_project)
    assert (result.returncode, result.stdout) == (0, "")


def test_json_report_shape(bad_project: Path) -> None:
    result = run_kit("--format", "json", cwd=bad_project)
    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert set(report) == {"findings", "summary"}
    [finding] = report["findings"]
    # "fix": what `verify --fix` would do about it (the sync `get` has an async twin)
    assert set(finding) == {"path", "line", "column", "end_line", "end_column", "code", "name", "message", "hint", "severity", "fix"}
    assert set(finding["fix"]) == {"edits", "unsafe", "reason"} and finding["fix"]["unsafe"] is False
    assert finding["path"] == "shop/views.py"
    assert (finding["code"], finding["name"], finding["line"], finding["column"]) == ("DJA102", "sync-orm-call", BAD_LINE, BAD_COLUMN)
    assert finding["severity"] == "error"
    assert finding["end_line"] == BAD_LINE and finding["end_column"] > finding["column"]
    assert "Product.objects.get" in finding["message"] and "aget" in finding["hint"]
    assert report["summary"] == {"files": 3, "findings": 1, "by_code": {"DJA102": 1}, "errors": [], "django_version": "5.2"}
