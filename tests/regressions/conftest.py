"""The ``repo`` fixture: a git repository with a small shop app, ready for the sync views.

A test commits the sync ``shop/views.py``, rewrites it the way an AI edit would and runs
``python -m verify --changed`` (see ``gitrepo.convert``).
"""

from pathlib import Path

import pytest

from .gitrepo import MODELS, URLS, Repo


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """A git repository with ``shop/`` (models, urls); the test writes and commits the sync views."""
    repository = Repo(tmp_path / "project")
    repository.path.mkdir()
    repository.git("init", "--quiet", "--initial-branch", "main")
    repository.git("config", "user.email", "dev@example.com")
    repository.git("config", "user.name", "Dev")
    repository.git("config", "commit.gpgsign", "false")
    repository.write("manage.py", "")
    repository.write("shop/__init__.py", "")
    repository.write("shop/models.py", MODELS)
    repository.write("shop/urls.py", URLS)
    return repository

