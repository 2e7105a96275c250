"""``django-async-kit init`` end to end, on projects written to disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.cli import main

USER_TEXT = "# House rules\n\nTabs are forbidden.  \nUnicode survives: café ✓\nNo trailing newline here"
DEFAULT_OUTPUTS = {
    ".github/copilot-instructions.md",
    ".github/instructions/django-async-views.instructions.md",
    ".github/instructions/django-async-tests.instructions.md",
    "AGENTS.md",
    "CLAUDE.md",
    ".cursor/rules/django-async.mdc",
    ".github/workflows/copilot-setup-steps.yml",
}


def snapshot(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def init(root: Path, *args: str) -> int:
    return main(["init", str(root), *args])


@pytest.fixture
def hand_written(make_project):
    """A Django 5.2 project whose team already wrote a copilot-instructions.md."""
    root = make_project(requirements="Django==5.2.3\npsycopg2-binary==2.9.10\nuvicorn\n",
                        engine="django.db.backends.postgresql")
    (root / ".github").mkdir()
    (root / ".github" / "copilot-instructions.md").write_bytes(USER_TEXT.encode())
    return root


def test_existing_instructions_keep_the_users_text_and_gain_the_block(hand_written, capsys):
    assert init(hand_written) == 0
    out = capsys.readouterr().out
    assert "Django 5.2 (requirements.txt:1: Django==5.2.3)" in out
    assert "   update  .github/copilot-instructions.md" in out

    text = (hand_written / ".github" / "copilot-instructions.md").read_bytes().decode()
    assert text.startswith(USER_TEXT + "\n\n<!-- django-async-kit:begin -->\n")
    assert text.endswith("<!-- django-async-kit:end -->\n")
    assert "Stack: Django 5.2," in text and "PostgreSQL (psycopg2)" in text
    assert "aget_object_or_404" in text and "AsyncPaginator" not in text
    assert set(snapshot(hand_written)) >= DEFAULT_OUTPUTS


def test_second_run_changes_nothing_and_check_passes(hand_written, capsys):
    assert init(hand_written) == 0
    before = snapshot(hand_written)
    capsys.readouterr()

    assert init(hand_written) == 0
    assert snapshot(hand_written) == before
    assert capsys.readouterr().out.count("unchanged") == len(DEFAULT_OUTPUTS)

    assert init(hand_written, "--check") == 0
    assert "up to date: 7 files" in capsys.readouterr().out


def test_check_fails_after_the_block_is_edited_and_a_run_repairs_only_the_block(hand_written, capsys):
    assert init(hand_written) == 0
    path = hand_written / ".github" / "copilot-instructions.md"
    edited = path.read_text().replace("fix every finding", "ignore the findings") + "\n## Added later by the team\n"
    path.write_text(edited)
    capsys.readouterr()

    assert init(hand_written, "--check") == 1
    assert "out of date: .github/copilot-instructions.md" in capsys.readouterr().out
    assert path.read_text() == edited  # --check writes nothing

    assert init(hand_written) == 0
    repaired = path.read_text()
    assert "fix every finding" in repaired and "ignore the findings" not in repaired
    assert repaired.startswith(USER_TEXT) and repaired.endswith("\n## Added later by the team\n")
    assert init(hand_written, "--check") == 0


def test_check_reports_missing_files(make_project, capsys):
    root = make_project()
    assert init(root, "--check") == 1
    out = capsys.readouterr().out
    assert "missing: AGENTS.md" in out and "missing: .github/copilot-instructions.md" in out
    assert not (root / "AGENTS.md").exists()


def test_dry_run_prints_a_diff_and_writes_nothing(hand_written, capsys):
    before = snapshot(hand_written)
    assert init(hand_written, "--dry-run") == 0
    out = capsys.readouterr().out
    assert snapshot(hand_written) == before
    assert "--- a/.github/copilot-instructions.md\n+++ b/.github/copilot-instructions.md\n" in out
    assert "--- /dev/null\n+++ b/AGENTS.md\n" in out
    assert "+<!-- django-async-kit:begin -->" in out


def test_show_facts(make_project, capsys):
    assert init(make_project(requirements="Django>=4.2,<5\n"), "--show-facts", "--set", "server=daphne") == 0
    out = capsys.readouterr().out
    assert "django_version     4.2" in out and "requirements.txt:1: Django>=4.2,<5" in out
    assert "server             daphne" in out and "--set" in out


def test_set_overrides_a_fact_in_the_output(make_project):
    root = make_project()
    assert init(root, "--targets", "copilot", "--set", "django_version=6.1", "--set", "http_client=aiohttp") == 0
    text = (root / ".github" / "copilot-instructions.md").read_text()
    assert "Stack: Django 6.1," in text and "aiohttp.ClientSession" in text
    assert not (root / "AGENTS.md").exists()


def test_targets_choose_the_outputs(make_project):
    root = make_project()
    before = set(snapshot(root))
    assert init(root, "--targets", "agents,claude,hooks") == 0
    assert set(snapshot(root)) - before == {"AGENTS.md", "CLAUDE.md", ".github/hooks/django-async-kit.json"}


def test_monorepo_output_goes_to_the_repository_root(make_project, tmp_path):
    root = make_project(requirements=None, name="repo/backend")
    (tmp_path / "repo" / "requirements.txt").write_text("Django==5.1.2\n")
    assert main(["init", str(root), "--output-dir", str(tmp_path / "repo"), "--targets", "copilot"]) == 0
    text = (tmp_path / "repo" / ".github" / "copilot-instructions.md").read_text()
    assert "Stack: Django 5.1," in text and "`django-async-kit verify backend/shop`" in text
    assert "`cd backend && python manage.py test`" in text
    assert not (root / ".github").exists()


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        (lambda root: (root / "AGENTS.md").write_text("mine\n<!-- django-async-kit:begin -->\nhalf\n"),
         "AGENTS.md: line 2 has '<!-- django-async-kit:begin -->' without"),
        (lambda root: (root / "CLAUDE.md").write_text(
            "<!-- django-async-kit:begin -->\n<!-- django-async-kit:end -->\n" * 2), "keep exactly one"),
        (lambda root: (root / "CLAUDE.md").write_bytes(b"\xff\xfeclaude"), "is not UTF-8 text"),
        (lambda root: (root / "AGENTS.md").mkdir(), "is a directory"),
        (lambda root: (root / ".github" / "workflows").mkdir(parents=True)
         or (root / ".github" / "workflows" / "copilot-setup-steps.yml").write_text("jobs: {}\n"),
         "no copilot-setup-steps job"),
        (lambda root: (root / "pyproject.toml").write_text("[project\n"), "invalid TOML"),
    ],
    ids=["begin-without-end", "duplicate-block", "not-utf8", "directory", "workflow-without-the-job", "bad-toml"],
)
def test_bad_input_exits_2_and_writes_nothing(hand_written, capsys, prepare, message):
    prepare(hand_written)
    before = snapshot(hand_written)
    assert init(hand_written) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert snapshot(hand_written) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--targets", "copilot,vim"], "--targets: unknown vim"),
        (["--targets", "claude"], "add agents to --targets"),
        (["--set", "colour=blue"], "--set expects NAME=VALUE"),
        (["--set", "django_version=4.1"], "supports 4.2 and later"),
    ],
)
def test_bad_options_exit_2(make_project, capsys, args, message):
    root = make_project()
    before = snapshot(root)
    assert init(root, *args) == 2
    assert message in capsys.readouterr().err
    assert snapshot(root) == before


def test_not_a_django_project_exits_2(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    (tmp_path / "notes.txt").write_text("hello\n")
    assert init(tmp_path) == 2
    assert "not a Django project" in capsys.readouterr().err
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]
    assert init(tmp_path / "missing") == 2
