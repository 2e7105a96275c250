"""Small Django projects on disk, the way users have them, for the init tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

MANAGE_PY = """\
#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""

SETTINGS = """\
DATABASES = {{"default": {{"ENGINE": "{engine}", "NAME": "db"}}}}
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
"""


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def make_project(tmp_path, monkeypatch):
    """``make_project(requirements="Django==5.2.3", engine=..., files={path: text})`` -> project root."""
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)

    def make(requirements: str | None = "Django==5.2.3\n", engine: str = "django.db.backends.sqlite3",
             files: dict[str, str] | None = None, name: str = "project") -> Path:
        root = tmp_path / name
        write(root, "manage.py", MANAGE_PY)
        write(root, "mysite/__init__.py", "")
        write(root, "mysite/settings.py", SETTINGS.format(engine=engine))
        write(root, "shop/__init__.py", "")
        write(root, "shop/views.py", "from django.http import HttpResponse\n\n\ndef index(request):\n    return HttpResponse('hi')\n")
        if requirements is not None:
            write(root, "requirements.txt", requirements)
        for relative, text in (files or {}).items():
            write(root, relative, text)
        return root

    return make


STACK_DEFAULTS = {
    "django_version": (6, 1),
    "python_version": (3, 12),
    "settings_module": "mysite.settings",
    "database": ["sqlite3"],
    "db_driver": "sqlite3",
    "http_client": None,
    "sync_http_clients": [],
    "server": "uvicorn",
    "test_runner": "pytest",
    "test_runner_class": None,
    "pytest_asyncio": True,
    "asyncio_mode": "strict",
    "view_apps": ["shop"],
    "sync_middleware": [],
    "test_command": "python -m pytest",
    "install_deps": "pip install -r requirements.txt",
    "task_queue": None,
    "drf": False,
}


OUTPUT = Path("/out")  # render_targets only builds paths: nothing is written there


@pytest.fixture(scope="session")
def stack():
    """``stack(django_version=(4, 2), ...)`` -> ProjectFacts for a described stack, no files needed."""
    from verify.project.facts import FACT_NAMES, Fact, ProjectFacts

    assert set(STACK_DEFAULTS) == set(FACT_NAMES)

    def make(**overrides) -> ProjectFacts:
        facts = ProjectFacts(Path("/project"))
        for name, value in {**STACK_DEFAULTS, **overrides}.items():
            facts.facts[name] = Fact(value, "test")
        return facts

    return make


@pytest.fixture(scope="session")
def render_all(stack):
    """``render_all(**stack_overrides)`` -> {relative output path: rendered text} for every target."""
    from verify.assist.instructions import TARGETS, render_targets

    def render(**overrides) -> dict[str, str]:
        files = render_targets(stack(**overrides), list(TARGETS), OUTPUT)
        return {managed.path.relative_to(OUTPUT).as_posix(): managed.new_text for managed in files}

    return render
