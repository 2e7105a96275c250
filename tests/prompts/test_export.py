"""``prompts export``: prompt files and skills with valid front matter, safe to re-run, checkable in CI."""

import yaml

from verify.cli import main

PROMPT_FILE_KEYS = {"name", "description", "argument-hint", "agent"}
SKILL_KEYS = {"name", "description", "argument-hint", "disable-model-invocation"}


def front_matter(path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    header, _, body = text[4:].partition("\n---\n")
    return yaml.safe_load(header), body


def export(directory, *options) -> int:
    return main(["prompts", "export", "--dir", str(directory), "--django-version", "6.1", "--http-client", "httpx2", *options])


def test_every_prompt_becomes_a_prompt_file_and_a_skill(tmp_path, capsys):
    assert export(tmp_path) == 0
    prompt_files = sorted((tmp_path / "prompts").glob("*.prompt.md"))
    skills = sorted((tmp_path / "skills").glob("*/SKILL.md"))
    assert len(prompt_files) == len(skills) == 10
    for path in prompt_files:
        front, body = front_matter(path)
        assert set(front) == PROMPT_FILE_KEYS
        assert front["name"] == path.name.removesuffix(".prompt.md")
        assert front["agent"] in {"ask", "agent", "plan"}
        assert body.startswith("<!-- django-async-kit:begin -->\n") and body.endswith("<!-- django-async-kit:end -->\n")
    for path in skills:
        front, body = front_matter(path)
        assert set(front) == SKILL_KEYS
        assert front["name"] == path.parent.name
        assert front["disable-model-invocation"] is True
        assert 10 <= len(front["description"]) <= 1024
    out = capsys.readouterr().out
    assert out.count("create") == 20


def test_prompt_files_use_vscode_variables_and_skills_do_not(tmp_path):
    export(tmp_path)
    _, prompt_body = front_matter(tmp_path / "prompts" / "convert-external-api-view.prompt.md")
    _, skill_body = front_matter(tmp_path / "skills" / "convert-external-api-view" / "SKILL.md")
    assert "${selection}" in prompt_body and "django-async-kit verify ${file}" in prompt_body
    assert "${" not in skill_body and "- `django-async-kit verify <file>`" in skill_body
    assert skill_body.startswith("<!-- django-async-kit:begin -->\n# Convert a view that calls external APIs\n")


def test_export_is_idempotent_and_check_passes_after_it(tmp_path, capsys):
    export(tmp_path)
    before = {path: path.read_bytes() for path in tmp_path.rglob("*.md")}
    capsys.readouterr()
    assert export(tmp_path) == 0
    assert capsys.readouterr().out.count("unchanged") == 20
    assert {path: path.read_bytes() for path in tmp_path.rglob("*.md")} == before
    assert export(tmp_path, "--check") == 0
    assert capsys.readouterr().out.strip() == "20 files up to date"


def test_check_fails_on_missing_or_stale_files_and_writes_nothing(tmp_path, capsys):
    assert export(tmp_path, "--check") == 1
    assert not tmp_path.joinpath("prompts").exists()
    assert "20 files out of date" in capsys.readouterr().out
    export(tmp_path)
    capsys.readouterr()
    assert main(["prompts", "export", "--dir", str(tmp_path), "--django-version", "4.2", "--http-client", "httpx2", "--check"]) == 1
    assert "out of date: " in capsys.readouterr().out


def test_dry_run_prints_a_diff_and_writes_nothing(tmp_path, capsys):
    assert export(tmp_path, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "+++ b/" in out and "+name: convert-simple-view\n" in out
    assert out.rstrip().endswith("20 of 20 files would change (dry run: nothing written)")
    assert list(tmp_path.iterdir()) == []


def test_user_edits_outside_the_block_and_extra_front_matter_keys_survive(tmp_path):
    export(tmp_path)
    path = tmp_path / "prompts" / "convert-simple-view.prompt.md"
    text = path.read_text()
    edited = text.replace("agent: agent\n", "agent: ask\nmodel: GPT-5 (copilot)\n# our team's choice\ntools:\n  - search\n")
    edited = edited.replace("<!-- django-async-kit:begin -->", "Our team notes stay here.\n<!-- django-async-kit:begin -->")
    edited = edited.replace("Convert this Django view", "TAMPERED")
    path.write_text(edited + "\nMore notes at the end.\n")

    assert export(tmp_path) == 0
    front, body = front_matter(path)
    assert front["agent"] == "agent"  # the kit's key is refreshed
    assert front["model"] == "GPT-5 (copilot)" and front["tools"] == ["search"]  # the user's keys stay
    assert "# our team's choice\n" in path.read_text()
    assert body.startswith("Our team notes stay here.\n<!-- django-async-kit:begin -->")
    assert "TAMPERED" not in body and "Convert this Django view" in body
    assert body.endswith("<!-- django-async-kit:end -->\n\nMore notes at the end.\n")


def test_a_hand_written_file_with_the_same_name_is_appended_to_not_replaced(tmp_path):
    mine = tmp_path / "skills" / "should-this-be-async" / "SKILL.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("---\nname: should-this-be-async\ndescription: Our own take.\nlicense: MIT\n---\nOur own instructions.\n")
    assert export(tmp_path) == 0
    text = mine.read_text()
    front, body = front_matter(mine)
    assert front["license"] == "MIT" and front["disable-model-invocation"] is True
    assert body.startswith("Our own instructions.\n\n<!-- django-async-kit:begin -->\n")


def test_files_of_prompts_no_longer_in_the_cheatsheet_are_reported_not_deleted(tmp_path, user_cheatsheet, capsys):
    from tests.prompts.conftest import VALID_PROMPT

    directory = tmp_path / ".github"
    cheatsheet = user_cheatsheet("version: 1\nprompts:\n" + VALID_PROMPT)
    assert export(directory, "--cheatsheet", str(cheatsheet)) == 0
    orphan = directory / "skills" / "my-prompt" / "SKILL.md"
    assert orphan.is_file()
    capsys.readouterr()

    assert export(directory, "--check") == 1  # the same export without the team cheatsheet
    out = capsys.readouterr().out
    assert f"not in the cheatsheet any more: {orphan}" in out
    assert "2 files out of date" in out
    assert export(directory) == 0
    assert orphan.is_file()


def test_a_file_with_broken_markers_stops_the_export_before_anything_is_written(tmp_path, capsys):
    broken = tmp_path / "prompts" / "convert-simple-view.prompt.md"
    broken.parent.mkdir()
    broken.write_text("<!-- django-async-kit:begin -->\nmine\n<!-- django-async-kit:begin -->\n")
    assert export(tmp_path) == 2
    assert "2 begin and 0 end markers" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.rglob("*.md")) == ["convert-simple-view.prompt.md"]
