"""Helpers for the integration tests: the repository's paths, a small Django project in a real git
repository, and the kit's CLI run the way users run it (a subprocess). A module of its own, not
conftest.py: every test folder has a `conftest`, and imports by that name can get another folder's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SNIPPETS = REPO / "docs" / "snippets"

BAD_VIEW = '''\
from django.http import JsonResponse

from shop.models import Product


async def product_detail(request, product_id):
    in_stock = await Product.objects.filter(stock__gt=0).acount()
    product = Product.objects.get(id=product_id)
    return JsonResponse({"name": product.name, "in_stock": in_stock})
'''
BAD_LINE, BAD_COLUMN = 8, 15  # the sync `Product.objects.get(...)`: one DJA102 finding

GOOD_VIEW = BAD_VIEW.replace("Product.objects.get(", "await Product.objects.aget(")


# The developer's git configuration (commit signing, hooks, default branch) stays out of test repositories.
_GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.com",
            "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.com"}


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env={**os.environ, **_GIT_ENV})
    return result.stdout.strip()


def init_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


def commit_all(path: Path, message: str = "snapshot") -> str:
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", message)
    return git(path, "rev-parse", "HEAD")


ASGI = """\
from django.core.asgi import get_asgi_application

application = get_asgi_application()
"""


def make_project(root: Path, view: str) -> Path:
    """A Django project pinned to 5.2, served over ASGI, whose ``shop/views.py`` is ``view``; committed to git."""
    init_repo(root)
    (root / "requirements.txt").write_text("Django>=5.2,<6\n")
    (root / "mysite").mkdir()
    (root / "mysite" / "asgi.py").write_text(ASGI)
    (root / "shop").mkdir()
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "views.py").write_text(view)
    commit_all(root)
    return root


def run_kit(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "verify", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


# pip's words for "no package index could be reached".
NO_INDEX_ERRORS = ("No matching distribution found", "Could not find a version that satisfies", "Failed to establish a new connection",
             "Temporary failure in name resolution", "Network is unreachable")


def run_pip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True, timeout=600)


def offline_pip_env(wheels: Path) -> dict[str, str]:
    """Environment variables that make pip install from ``wheels`` only."""
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)}
