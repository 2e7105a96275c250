"""This repository's own Copilot instructions, and the templates inside the built wheel."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

from verify.cli import main

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / ".github" / "templates"
# The sample has no Procfile or Dockerfile (the benchmark starts it under gunicorn and uvicorn):
# its async views are served by uvicorn, which only --set can tell init.
REGENERATE = (
    'django-async-kit init sample_project --output-dir . --targets copilot'
    ' --set "test_command=python -m pytest tests/sample" --set server=uvicorn'
)


def test_this_repositorys_copilot_instructions_are_the_render_for_sample_project(capsys, monkeypatch):
    text = (REPO / ".github" / "copilot-instructions.md").read_text()
    assert REGENERATE in text  # the file says how it is made, and that is how this test makes it
    monkeypatch.chdir(REPO)
    assert main([*shlex.split(REGENERATE)[1:], "--check"]) == 0, f"{capsys.readouterr().out}regenerate with: {REGENERATE}"
    assert "Stack: Django 6.1, Python 3.12+, PostgreSQL (psycopg 3) or SQLite, served by uvicorn (ASGI)" in text
    assert "`django-async-kit verify sample_project/shop`" in text


def test_the_wheel_ships_the_templates_and_init_uses_them(tmp_path, make_project):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(tmp_path), str(REPO)],
        check=True, capture_output=True,
    )
    [wheel] = tmp_path.glob("django_async_kit-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name for name in archive.namelist() if name.startswith("verify/templates/")}
        expected = {f"verify/templates/{path.relative_to(TEMPLATES).as_posix()}" for path in TEMPLATES.rglob("*.j2")}
        assert shipped == expected
        archive.extractall(tmp_path / "site")

    project = make_project()
    code = (
        "import sys, verify.assist.instructions as i; from verify.cli import main; "
        "print(i.templates_dir()); sys.exit(main(['init', sys.argv[1], '--targets', 'copilot']))"
    )
    environment = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    result = subprocess.run([sys.executable, "-c", code, str(project)], cwd=tmp_path, env=environment,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == str(tmp_path / "site" / "verify" / "templates")
    assert (project / ".github" / "copilot-instructions.md").is_file()


def test_init_doc_shows_the_real_facts_of_sample_project(capsys):
    readme = (REPO / "docs" / "init.md").read_text()
    command = "$ django-async-kit init sample_project --output-dir . --show-facts\n"
    shown = readme[readme.index(command) + len(command) :].split("```", 1)[0]
    assert main(["init", str(REPO / "sample_project"), "--output-dir", str(REPO), "--show-facts"]) == 0

    def names_and_values(table: str) -> list[list[str]]:
        # Sources name dependency specs that change with every version bump; the facts do not.
        return [re.split(r"\s{2,}", line)[:2] for line in table.splitlines()]

    actual = capsys.readouterr().out
    assert names_and_values(actual) == names_and_values(shown), (
        "docs/init.md's init --show-facts example is stale; paste this output of "
        f"`django-async-kit init sample_project --output-dir . --show-facts`:\n{actual}"
    )
