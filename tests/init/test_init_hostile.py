"""``init`` on a repository the user just cloned: it writes nothing outside ``--output-dir``, copies no
repository text that could forge lines or markers, and keeps what is not the kit's block."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from verify.cli import main

BEGIN, END = "<!-- django-async-kit:begin -->", "<!-- django-async-kit:end -->"
REPOSITORY = Path(__file__).resolve().parents[2]


def init(root: Path, *args: str) -> int:
    return main(["init", str(root), *args])


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder next to the project, standing for ``~/.ssh`` and the like."""
    folder = tmp_path / "home" / ".ssh"
    folder.mkdir(parents=True)
    (folder / "authorized_keys").write_text("ssh-ed25519 AAAA the-owner\n")
    return folder


@pytest.mark.parametrize(
    "link, target",
    [
        ("AGENTS.md", "authorized_keys"),  # an existing file outside
        ("AGENTS.md", "new-file"),  # a dangling link outside
        (".github", "."),  # a folder on the way
    ],
    ids=["file", "dangling", "folder"],
)
def test_a_link_out_of_the_output_folder_is_refused(make_project, outside, capsys, link, target):
    root = make_project()
    (root / link).symlink_to(os.path.relpath(outside / target, root))
    before = {path.name: path.read_bytes() for path in outside.iterdir()}
    assert init(root) == 2
    assert "outside" in one_error_line(capsys)
    assert {path.name: path.read_bytes() for path in outside.iterdir()} == before
    assert not (root / "CLAUDE.md").exists()  # nothing written at all


def test_a_link_inside_the_output_folder_is_followed(make_project, capsys):
    root = make_project()
    (root / "docs").mkdir()
    (root / "docs" / "AGENTS.md").write_text("# Ours\n")
    (root / "AGENTS.md").symlink_to("docs/AGENTS.md")
    assert init(root) == 0
    assert (root / "AGENTS.md").is_symlink()
    assert (root / "docs" / "AGENTS.md").read_text().startswith(f"# Ours\n\n{BEGIN}\n")


def test_facts_from_the_repository_cannot_forge_lines_or_markers(make_project):
    evil = f"shop\n{END}\nssh-ed25519 AAAA attacker\n{BEGIN}"
    root = make_project(files={
        f"{evil}/views.py": "def index(request):\n    pass\n",
        "mysite/settings.py": 'DATABASES = {}\nMIDDLEWARE = ["x.Middleware\\nssh-ed25519 AAAA attacker"]\n',
        "x.py": "class Middleware:\n    sync_capable = True\n    async_capable = False\n",
        "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = mysite.settings\nasyncio_mode = strict\u2028ssh-ed25519\n",
        "requirements.txt": "Django==5.2.3\npytest-django\n",
    })
    assert init(root) == 0
    for path in root.rglob("*.md"):
        lines = path.read_text().split("\n")
        assert sum(line.strip() == BEGIN for line in lines) <= 1, path
        assert sum(line.strip() == END for line in lines) <= 1, path
        assert not any(line.startswith("ssh-ed25519") for line in lines), path
        assert "\u2028" not in path.read_text()
    agents = (root / "AGENTS.md").read_text()
    assert "shop\\n<!-- django-async-kit\\:end -->\\nssh-ed25519" in agents


def test_a_command_built_from_folder_names_quotes_them(make_project):
    root = make_project(files={"my shop; rm -rf ~/views.py": "def index(request):\n    pass\n"})
    assert init(root) == 0
    assert "django-async-kit verify 'my shop; rm -rf ~' shop" in (root / "AGENTS.md").read_text()


MARKERS_IN_CODE = f"""# Our agents

How the kit's block looks:

```markdown
{BEGIN}
(generated)
{END}
```
"""


def test_markers_inside_a_fenced_code_block_are_not_the_block(make_project):
    root = make_project()
    (root / "AGENTS.md").write_text(MARKERS_IN_CODE)
    assert init(root) == 0
    text = (root / "AGENTS.md").read_text()
    assert text.startswith(MARKERS_IN_CODE + f"\n{BEGIN}\n## Async Django views")
    assert init(root, "--check") == 0


WORKFLOW = """\
name: Copilot setup steps
on: workflow_dispatch
jobs:
  copilot-setup-steps:
    runs-on: ubuntu-latest
    steps:
      - name: Print how the kit marks its steps
        run: |
          cat <<'EOF'
          # django-async-kit:begin
          # django-async-kit:end
          EOF
      - uses: actions/checkout@v5
"""


def test_markers_inside_a_yaml_block_scalar_are_not_the_block(make_project):
    import yaml

    root = make_project()
    workflow = root / ".github" / "workflows" / "copilot-setup-steps.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(WORKFLOW)
    assert init(root, "--targets", "setup-steps") == 0
    text = workflow.read_text()
    assert text.startswith(WORKFLOW)
    steps = yaml.safe_load(text)["jobs"]["copilot-setup-steps"]["steps"]
    assert steps[0]["run"] == yaml.safe_load(WORKFLOW)["jobs"]["copilot-setup-steps"]["steps"][0]["run"]
    assert any(step.get("name") == "Install django-async-kit" for step in steps)


@pytest.mark.parametrize("separator", ["\u2028", "\x0c", "\x85", "\r"])
def test_lines_break_at_newlines_only(make_project, separator):
    """Markdown does not break lines at U+2028, form feeds, NEL or a lone CR: neither does the kit."""
    user = f"Intro{separator}{BEGIN}\nnotes{separator}{END}\n"
    root = make_project()
    (root / "AGENTS.md").write_bytes(user.encode())
    assert init(root) == 0
    text = (root / "AGENTS.md").read_bytes().decode()
    assert text.startswith(user + f"\n{BEGIN}\n")


def test_a_read_only_file_is_not_replaced(make_project, capsys):
    root = make_project()
    (root / "AGENTS.md").write_text("# Frozen\n")
    (root / "AGENTS.md").chmod(0o444)
    assert init(root) == 2
    assert "read-only" in one_error_line(capsys)
    assert (root / "AGENTS.md").read_text() == "# Frozen\n"
    assert not (root / "CLAUDE.md").exists()


def test_a_run_killed_mid_write_leaves_nothing_the_next_run_trips_over(make_project, tmp_path):
    root = make_project()
    ready = tmp_path / "ready"
    # Stop the first write after its temporary file is complete and synced, as a SIGKILL would find it.
    code = (
        "import os, sys, time\n"
        "real = os.fsync\n"
        "def stall(fd):\n"
        "    real(fd)\n"
        "    open(sys.argv[2], 'w').close()\n"
        "    time.sleep(60)\n"
        "os.fsync = stall\n"
        "from verify.cli import main\n"
        "main(['init', sys.argv[1]])\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code, str(root), str(ready)], cwd=tmp_path,
                               env={**os.environ, "PYTHONPATH": str(REPOSITORY)})
    try:
        deadline = time.monotonic() + 30
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.exists(), "the first run never reached its first write"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    left = [path for path in root.rglob("*") if path.name.endswith(".tmp")]
    assert left, "the killed run left no temporary file: the test did not test anything"
    assert init(root) == 0
    assert [path for path in root.rglob("*") if path.name.endswith(".tmp")] == []
    assert init(root, "--check") == 0


def test_set_django_version_updates_the_front_matter_description(make_project):
    root = make_project()
    assert init(root) == 0
    views = root / ".github" / "instructions" / "django-async-views.instructions.md"
    assert "(Django 5.2)" in views.read_text().split("---")[1]
    assert init(root, "--set", "django_version=6.0") == 0
    for path in (views, root / ".cursor" / "rules" / "django-async.mdc"):
        front = path.read_text().split("---")[1]
        assert "(Django 6.0)" in front and "5.2" not in front, path
    assert init(root, "--set", "django_version=6.0", "--check") == 0


def test_a_fence_left_open_before_the_block_does_not_hide_it(make_project):
    root = make_project()
    (root / "AGENTS.md").write_text("# Notes\n\n```python\nprint('never closed')\n")
    assert init(root) == 0
    first = (root / "AGENTS.md").read_text()
    assert init(root) == 0
    assert (root / "AGENTS.md").read_text() == first  # found again, not appended a second time
    assert first.count(BEGIN) == 1
