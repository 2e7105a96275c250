"""`triage` and `prompts render` read views as the verifier reads them, and name every file they
could not read, with the reason: no traceback, no view dropped silently (issues 16 and 22)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

VIEW = "def {name}(request):\n    return None\n"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "verify", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


@pytest.fixture
def shop(tmp_path):
    (tmp_path / "views_bom.py").write_bytes(b"\xef\xbb\xbf" + VIEW.format(name="bom_view").encode())
    (tmp_path / "views_latin.py").write_bytes(b"# -*- coding: latin-1 -*-\n" + VIEW.format(name="latin_view").encode() + b"# caf\xe9\n")
    (tmp_path / "views_undeclared.py").write_bytes(VIEW.format(name="undeclared").encode() + b"# caf\xe9\n")
    (tmp_path / "views_utf16.py").write_bytes(VIEW.format(name="wide").encode("utf-16"))
    (tmp_path / "views_binary.py").write_bytes(b"\x00\x01\x02")
    (tmp_path / "views_dangling.py").symlink_to(tmp_path / "gone.py")
    (tmp_path / "views_loop.py").symlink_to(tmp_path / "views_loop.py")
    os.mkfifo(tmp_path / "views_fifo.py")
    (tmp_path / "views_zero.py").symlink_to("/dev/zero")
    (tmp_path / "views_syntax.py").write_text("def broken(request:\n")
    return tmp_path


def test_triage_reads_bom_and_declared_encodings_and_names_the_rest(shop):
    result = run("triage", "--format", "json", cwd=shop)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert '"view": "views_bom.bom_view"' in result.stdout and '"view": "views_latin.latin_view"' in result.stdout
    notes = sorted(line for line in result.stderr.splitlines())
    assert notes == sorted([
        "django-async-kit: note: not triaged: cannot decode views_undeclared.py as UTF-8 (byte 46)",
        "django-async-kit: note: not triaged: views_utf16.py is a binary file (UTF-16 or UTF-32 text), not Python source",
        "django-async-kit: note: not triaged: views_binary.py is a binary file, not Python source",
        "django-async-kit: note: not triaged: cannot read views_dangling.py: dangling symbolic link",
        "django-async-kit: note: not triaged: cannot read views_loop.py: symbolic link loop",
        "django-async-kit: note: not triaged: views_fifo.py is not a regular file (a FIFO)",
        "django-async-kit: note: not triaged: views_zero.py is not a regular file (a character device)",
        "django-async-kit: note: not triaged: views_syntax.py:1: '(' was never closed: not Python this version can parse",
    ])


@pytest.mark.parametrize("name", ["views_fifo.py", "views_zero.py", "views_dangling.py", "views_loop.py"])
def test_triage_of_a_special_file_named_on_the_command_line_is_exit_2(shop, name):
    result = run("triage", name, cwd=shop)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_prompts_render_reads_a_bom_file(shop):
    result = run("prompts", "render", "should-this-be-async", "--view", "views_bom.py::bom_view", cwd=shop)
    assert result.returncode == 0, result.stderr
    assert "def bom_view(request):" in result.stdout


@pytest.mark.parametrize("name, reason", [
    ("views_utf16.py", "is a binary file"),
    ("views_fifo.py", "not a regular file"),
    ("views_zero.py", "not a regular file"),
    ("views_dangling.py", "no such file"),
    ("views_loop.py", "no such file"),
    ("views_syntax.py", "was never closed"),
])
def test_prompts_render_names_why_a_file_cannot_be_read(shop, name, reason):
    result = run("prompts", "render", "should-this-be-async", "--view", f"{name}::view", cwd=shop)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and reason in result.stderr
