"""``python -m verify`` in a project puts the project's folder first on ``sys.path``: the kit must not
import the project's modules that share a name with the standard library's (``ast.py``, ``json.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
SHADOWS = ("ast", "json", "tomllib", "tokenize", "hashlib")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose top-level modules are named like standard ones, each leaving a file when imported."""
    for name in SHADOWS:
        (tmp_path / f"{name}.py").write_text(f"open({str(tmp_path / ('RAN-' + name))!r}, 'w').close()\n")
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "views.py").write_text("from shop.models import Order\n\n\nasync def detail(request):\n    return Order.objects.get(pk=1)\n")
    return tmp_path


def ran(project: Path) -> list[str]:
    return sorted(path.name for path in project.glob("RAN-*"))


def test_python_dash_m_verify_imports_none_of_the_projects_modules(project: Path):
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    result = subprocess.run([sys.executable, "-m", "verify", "shop", "-q", "--no-cache"], cwd=project, env=env,
                            capture_output=True, text=True, timeout=60)
    assert ran(project) == []
    assert result.returncode == 1 and "DJA1" in result.stdout, result.stderr


def test_the_console_script_imports_none_of_them_with_the_folder_on_pythonpath(project: Path):
    script = Path(sys.executable).with_name("django-async-kit")
    if not script.exists():
        pytest.skip("the console script is not installed next to this interpreter")
    result = subprocess.run([str(script), "verify", "shop", "-q", "--no-cache"], cwd=project,
                            env={**os.environ, "PYTHONPATH": "."}, capture_output=True, text=True, timeout=60)
    assert ran(project) == []
    assert result.returncode == 1 and "DJA1" in result.stdout, result.stderr
