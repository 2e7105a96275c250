"""One install command, one version pin: the GitHub Action, the Copilot cloud agent's setup steps
and the agent hook that `django-async-kit init` writes all use `verify.assist.install.INSTALL_COMMAND`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from integration_support import REPO

from verify import __version__
from verify.assist.install import INSTALL_COMMAND


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `django-async-kit init` writes for the cloud agent into a small Django project."""
    project = tmp_path_factory.mktemp("project")
    (project / "manage.py").write_text('import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n')
    (project / "mysite").mkdir()
    (project / "mysite" / "settings.py").write_text('DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db"}}\n')
    (project / "requirements.txt").write_text("Django>=5.2,<6\n")
    result = subprocess.run([sys.executable, "-m", "verify", "init", str(project), "--targets", "setup-steps,hooks"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return project


def action_install_commands() -> list[str]:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    return [line.strip() for step in action["runs"]["steps"] for line in step["run"].splitlines() if line.strip().startswith("pip install")]


def setup_steps_install_commands(project: Path) -> list[str]:
    workflow = yaml.safe_load((project / ".github" / "workflows" / "copilot-setup-steps.yml").read_text())
    steps = workflow["jobs"]["copilot-setup-steps"]["steps"]
    return [step["run"] for step in steps if "django-async-kit" in step.get("run", "") and step["run"].startswith("pip install")]


def test_install_command_pins_this_version() -> None:
    assert f"django-async-kit=={__version__}" in INSTALL_COMMAND


def test_action_setup_steps_and_agent_hook_share_the_install_command(generated: Path) -> None:
    hook = json.loads((generated / ".github" / "hooks" / "django-async-kit.json").read_text())
    [agent_stop] = hook["hooks"]["agentStop"]
    assert action_install_commands() == [INSTALL_COMMAND]
    assert setup_steps_install_commands(generated) == [INSTALL_COMMAND]
    assert INSTALL_COMMAND in agent_stop["bash"]
    assert INSTALL_COMMAND in agent_stop["powershell"]


def test_agent_hook_tells_how_to_install_when_the_kit_is_missing(generated: Path, tmp_path: Path) -> None:
    hook = json.loads((generated / ".github" / "hooks" / "django-async-kit.json").read_text())
    bash = hook["hooks"]["agentStop"][0]["bash"]
    result = subprocess.run(["bash", "-c", bash], cwd=tmp_path, env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert INSTALL_COMMAND in result.stderr
