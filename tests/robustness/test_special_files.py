"""Only regular files within the size limit are read: a FIFO or a symbolic link to /dev/zero
under a name the kit reads never hangs a command or exhausts its memory (issue 22)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from verify.api import check_paths
from verify.analysis.limits import DEFAULT_MAX_FILE_BYTES
from verify.pipeline.reading import Unreadable, read_python

VIEW = "async def view(request):\n    return 1\n"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The CLI in a subprocess: a hang fails the test by its timeout instead of stalling the suite."""
    return subprocess.run([sys.executable, "-m", "verify", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "manage.py").write_text("")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "views.py").write_text(VIEW)
    return tmp_path


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


SPECIAL = pytest.mark.parametrize("make", [_fifo, _zero], ids=["fifo", "dev-zero"])


@SPECIAL
def test_a_special_python_file_in_a_folder_is_skipped_with_a_note(project, make):
    make(project / "shop" / "x.py")
    result = run("verify", "--no-cache", cwd=project)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1  # shop/views.py was still checked
    assert "django-async-kit: note: not checked: shop/x.py is not a regular file" in result.stderr


@SPECIAL
def test_a_special_file_named_on_the_command_line_is_exit_2_in_one_line(project, make):
    make(project / "x.py")
    result = run("verify", "x.py", cwd=project)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["django-async-kit: error: x.py is not a regular file or a folder"]
    assert "All checks passed" not in result.stdout


@SPECIAL
@pytest.mark.parametrize("name", ["shop/settings.py", "pyproject.toml", "requirements.txt", "Dockerfile", "shop/models.py"])
def test_special_project_files_never_hang_verify(project, make, name):
    make(project / name)
    result = run("verify", "--no-cache", cwd=project)
    assert "Traceback" not in result.stderr
    assert result.returncode in (1, 2)


@SPECIAL
def test_init_refuses_a_special_instructions_target_in_one_line(project, make):
    make(project / "AGENTS.md")
    result = run("init", "--dry-run", cwd=project)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    if make is _fifo:  # (a link out of the project is refused before it is read: docs/security.md)
        assert result.stderr.strip() == "django-async-kit: error: AGENTS.md is not a regular file (a FIFO)"


@SPECIAL
@pytest.mark.parametrize("name", ["requirements.txt", "shop/settings.py", "pyproject.toml"])
def test_init_reads_past_special_project_files(project, make, name):
    make(project / name)
    result = run("init", "--dry-run", cwd=project)
    assert "Traceback" not in result.stderr and result.returncode in (0, 2)


@SPECIAL
def test_a_special_cheatsheet_is_one_error(project, make):
    (project / "pyproject.toml").write_text('[tool.django-async-kit]\ncheatsheet = "p.yaml"\n')
    make(project / "p.yaml")
    result = run("prompts", "list", cwd=project)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "is not a regular file" in result.stderr


def test_a_file_over_the_size_limit_in_a_folder_is_skipped_with_a_note(project):
    (project / "shop" / "generated.py").write_text("x = 1\n" * (DEFAULT_MAX_FILE_BYTES // 6 + 1))
    result = run("verify", "--no-cache", cwd=project)
    assert result.returncode == 1
    assert "note: not checked: shop/generated.py is too large" in result.stderr


def test_a_file_over_the_size_limit_named_on_the_command_line_is_exit_2(project):
    (project / "big.py").write_text("x = 1\n" * (DEFAULT_MAX_FILE_BYTES // 6 + 1))
    result = run("verify", "big.py", cwd=project)
    assert result.returncode == 2
    assert "error: big.py is too large" in result.stderr and "Traceback" not in result.stderr


def test_the_size_limit_is_configurable(project, monkeypatch):
    (project / "pyproject.toml").write_text("[tool.django-async-kit]\nmax-file-size = 20\n")
    monkeypatch.chdir(project)
    report = check_paths(["shop"], cache=False)
    assert report.files == 1  # __init__.py is empty; views.py is 38 bytes
    assert report.skipped == ["shop/views.py is too large: 38 bytes, over the 20-byte limit (max-file-size)"]
    assert check_paths(["shop"], cache=False, use_config=False).skipped == []


def test_a_cached_file_over_a_lowered_limit_is_not_taken_from_the_cache(project, monkeypatch):
    monkeypatch.chdir(project)
    assert check_paths(["shop"]).files == 2
    (project / "pyproject.toml").write_text("[tool.django-async-kit]\nmax-file-size = 20\n")
    assert check_paths(["shop"]).skipped == ["shop/views.py is too large: 38 bytes, over the 20-byte limit (max-file-size)"]


@pytest.mark.parametrize("value", ["4MB", 0, -1, 1.5, True])
def test_a_bad_size_limit_is_a_configuration_error(project, value):
    rendered = f'"{value}"' if isinstance(value, str) else str(value).lower()
    (project / "pyproject.toml").write_text(f"[tool.django-async-kit]\nmax-file-size = {rendered}\n")
    result = run("verify", cwd=project)
    assert result.returncode == 2 and "`max-file-size` must be a number of bytes" in result.stderr


def test_python_is_read_as_python_reads_it(tmp_path):
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbfx = 1\n")
    (tmp_path / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n")
    (tmp_path / "plain.py").write_bytes(b"x = '\xe9'\n")
    assert read_python(tmp_path / "bom.py") == "x = 1\n"
    assert read_python(tmp_path / "latin.py") == "# -*- coding: latin-1 -*-\nx = '\u00e9'\n"
    with pytest.raises(Unreadable, match="cannot decode .*plain.py as UTF-8"):
        read_python(tmp_path / "plain.py")


def test_a_symbolic_link_loop_and_a_dangling_link_say_so(tmp_path):
    (tmp_path / "loop.py").symlink_to(tmp_path / "loop.py")
    (tmp_path / "dangling.py").symlink_to(tmp_path / "gone.py")
    with pytest.raises(Unreadable, match="symbolic link loop"):
        read_python(tmp_path / "loop.py")
    with pytest.raises(Unreadable, match="dangling symbolic link"):
        read_python(tmp_path / "dangling.py")


def test_a_folder_linked_into_itself_is_walked_once(project):
    (project / "shop" / "again").symlink_to(project / "shop")
    result = run("verify", "--no-cache", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
