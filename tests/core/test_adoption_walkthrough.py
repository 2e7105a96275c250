"""docs/adoption.md walks through adopting the kit on a copy of the sample project: its steps are
run here in order, and the output it shows is what the commands print."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "docs" / "adoption.md").read_text()
STEP = re.compile(r"<!-- adoption:(run|append) ?([^>]*?) -->\n```(?:console|python)\n(.*?)```\n", re.DOTALL)


def _steps() -> list[tuple[str, str, str]]:
    steps = STEP.findall(PAGE)
    assert len(steps) >= 5, "docs/adoption.md lost its walkthrough"
    return steps


def _commands(block: str) -> list[tuple[str, str]]:
    """(command, the output shown for it) for each `$ ` line of a console block."""
    parts = re.split(r"^\$ (.*)\n", block, flags=re.MULTILINE)
    assert parts[0] == "", f"a console block starts with its command: {block[:60]!r}"
    return list(zip(parts[1::2], parts[2::2]))


def _run(command: str, cwd: Path) -> str:
    args = shlex.split(command)
    if args[:2] == ["django-async-kit", "verify"]:
        args = [sys.executable, "-m", "verify", *args[2:], "--no-cache"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
           "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@example.com"}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, timeout=120).stdout


def test_the_adoption_walkthrough_prints_what_the_page_shows(tmp_path):
    project = tmp_path / "shop"
    shutil.copytree(ROOT / "sample_project", project, ignore=shutil.ignore_patterns("__pycache__", ".django-async-kit-cache", "*.sqlite3"))
    for command in ("git init --quiet --initial-branch main", "git add --all", "git commit --quiet --message today"):
        _run(command, project)  # the page's set-up step
    for kind, argument, block in _steps():
        if kind == "append":
            with (project / argument).open("a", encoding="utf-8") as file:
                file.write("\n\n" + block)
            continue
        for command, shown in _commands(block):
            assert _run(command, project) == shown, f"docs/adoption.md is stale: run `{command}` and paste its output"
