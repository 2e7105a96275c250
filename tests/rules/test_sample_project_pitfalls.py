"""The bundled sample project is correct async code: the pitfall and settings rules find nothing
in it except in `ai_drafts/`, which holds deliberately wrong AI conversions."""

from pathlib import Path

from verify.api import check_paths

SAMPLE = Path(__file__).resolve().parents[2] / "sample_project"


def test_sample_project_has_no_pitfall_or_settings_findings_outside_the_ai_drafts():
    report = check_paths([str(SAMPLE)], select=["DJA4", "DJA6"], use_config=False)
    outside = [f for f in report.findings if "/ai_drafts/" not in f"/{f.path}"]
    assert outside == []


def test_every_pitfall_finding_in_the_ai_drafts_is_one_the_draft_announces():
    report = check_paths([str(SAMPLE / "ai_drafts")], select=["DJA4"], use_config=False)
    for finding in report.findings:
        path = Path.cwd() / finding.path  # reports show paths relative to the working folder when they can
        line = path.read_text().splitlines()[finding.line - 1]
        assert f"expect: {finding.code}" in line, f"{finding.path}:{finding.line} {finding.code} is not announced"
