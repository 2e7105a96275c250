"""Managed blocks: user text kept byte for byte, refresh in place, atomic writes, clear errors."""

from __future__ import annotations

import os
import stat

import pytest

from verify.assist.safe_write import (
    CommentStyle,
    MalformedBlockError,
    ManagedFile,
    UnmergeableFileError,
    UnreadableFileError,
    apply_writes,
    plan_write,
)

BEGIN, END = CommentStyle.HTML.begin, CommentStyle.HTML.end
GENERATED = f"# Title\n\n{BEGIN}\nkit rule one\nkit rule two\n{END}\n"


def test_missing_file_is_created_from_the_full_generated_text(tmp_path):
    path = tmp_path / ".github" / "copilot-instructions.md"

    plan = plan_write(ManagedFile.markdown(path, GENERATED))
    apply_writes([plan])

    assert plan.action == "create"
    assert path.read_text() == GENERATED
    assert plan_write(ManagedFile.markdown(path, GENERATED)).changed is False


def test_unmarked_markdown_gets_the_block_appended_and_keeps_user_bytes(tmp_path):
    path = tmp_path / "notes.md"
    user = "# Team notes\r\n\r\nUse tabs.  \r\nNo trailing newline"
    path.write_bytes(user.encode())

    plan = plan_write(ManagedFile.markdown(path, GENERATED))
    apply_writes([plan])

    data = path.read_bytes().decode()
    assert data.startswith(user + "\r\n\r\n")
    assert data.endswith(f"{BEGIN}\r\nkit rule one\r\nkit rule two\r\n{END}\r\n")
    assert "# Title" not in data  # text outside the generated markers is only for new files


def test_refresh_replaces_only_the_block(tmp_path):
    path = tmp_path / "AGENTS.md"
    before, after = "intro  \n\n", "\n## Mine\nkeep me\n"
    path.write_text(f"{before}{BEGIN}\nold rule\n{END}{after}")

    plan = plan_write(ManagedFile.markdown(path, GENERATED))
    apply_writes([plan])

    assert path.read_text() == f"{before}{BEGIN}\nkit rule one\nkit rule two\n{END}{after}"
    assert "-old rule" in plan.diff("AGENTS.md") and "+kit rule one" in plan.diff("AGENTS.md")
    assert plan_write(ManagedFile.markdown(path, GENERATED)).changed is False


def test_yaml_markers_may_be_indented(tmp_path):
    begin, end = CommentStyle.HASH.begin, CommentStyle.HASH.end
    path = tmp_path / "steps.yml"
    path.write_text(f"steps:\n  - run: mine\n  {begin}\n  - run: old\n  {end}\n")
    generated = f"steps:\n  {begin}\n  - run: new\n  {end}\n"

    apply_writes([plan_write(ManagedFile.yaml(path, generated))])

    assert path.read_text() == f"steps:\n  - run: mine\n  {begin}\n  - run: new\n  {end}\n"


def test_unmarked_yaml_is_refused(tmp_path):
    path = tmp_path / "steps.yml"
    path.write_text("jobs: {}\n")
    with pytest.raises(UnmergeableFileError, match="without a django-async-kit block"):
        plan_write(ManagedFile.yaml(path, f"{CommentStyle.HASH.begin}\nx: 1\n{CommentStyle.HASH.end}\n"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"a\n{BEGIN}\nb\n", "without"),
        (f"a\n{END}\nb\n", "without"),
        (f"{BEGIN}\n{END}\n{BEGIN}\n{END}\n", "keep exactly one"),
        (f"{END}\nx\n{BEGIN}\n", "comes before"),
    ],
)
def test_malformed_blocks_are_refused(tmp_path, text, message):
    path = tmp_path / "AGENTS.md"
    path.write_text(text)
    with pytest.raises(MalformedBlockError, match=message):
        plan_write(ManagedFile.markdown(path, GENERATED))


def test_non_utf8_file_is_unreadable(tmp_path):
    path = tmp_path / "AGENTS.md"
    path.write_bytes(b"\xff\xfe caf\xe9")
    with pytest.raises(UnreadableFileError, match="not UTF-8"):
        plan_write(ManagedFile.markdown(path, GENERATED))


def test_owned_file_is_replaced_whole(tmp_path):
    path = tmp_path / "hook.json"
    path.write_text("{}\n")
    plan = plan_write(ManagedFile.owned(path, '{"version": 1}\n'))
    apply_writes([plan])
    assert path.read_text() == '{"version": 1}\n'


def test_write_keeps_permissions_and_symlinks_and_leaves_no_temp_files(tmp_path):
    real = tmp_path / "shared.md"
    real.write_text("mine\n")
    real.chmod(0o640)
    link = tmp_path / "CLAUDE.md"
    link.symlink_to(real)

    apply_writes([plan_write(ManagedFile.markdown(link, GENERATED))])

    assert link.is_symlink()
    assert real.read_text().startswith("mine\n\n" + BEGIN)
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["CLAUDE.md", "shared.md"]


def test_new_file_mode_follows_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        path = tmp_path / "new.md"
        apply_writes([plan_write(ManagedFile.markdown(path, GENERATED))])
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
