"""`blocking-calls` / `allowed-calls` in `[tool.django-async-kit]` and the project's HTTP client,
through the CLI as a user runs it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

VIEWS = '''
import os
import time

import requests
from shop.clients import fetch_prices


async def dashboard(request):
    rates = requests.get("https://rates.example.com/latest").json()
    prices = fetch_prices()
    flag = os.path.exists("/srv/flag")
    time.sleep(0.5)
    return rates, prices, flag
'''


def verify(project: Path, pyproject: str) -> subprocess.CompletedProcess:
    (project / "pyproject.toml").write_text(textwrap.dedent(pyproject))
    (project / "views.py").write_text(VIEWS)
    return subprocess.run([sys.executable, "-m", "verify", "views.py", "--select", "DJA3", "--format", "text"],
                          cwd=project, capture_output=True, text=True, timeout=60)


def test_configured_blocking_calls_and_allowed_calls(tmp_path: Path) -> None:
    result = verify(tmp_path, '''
        [project]
        dependencies = ["django>=5.2"]

        [tool.django-async-kit]
        blocking-calls = {"shop.clients.fetch_prices" = "use `await shop.clients.afetch_prices()`"}
        allowed-calls = ["os.path.*", "time.sleep"]
    ''')
    assert result.returncode == 1, result.stderr
    assert "views.py:11:14: DJA311 `fetch_prices()` is configured as blocking" in result.stdout
    assert "use `await shop.clients.afetch_prices()`" in result.stdout
    assert "DJA301" in result.stdout
    assert "DJA303" not in result.stdout and "DJA302" not in result.stdout


def test_http_hint_names_the_async_client_the_project_depends_on(tmp_path: Path) -> None:
    result = verify(tmp_path, '''
        [project]
        dependencies = ["django>=5.2", "aiohttp>=3.9"]
    ''')
    assert "views.py:10:13: DJA301" in result.stdout
    assert "`async with session.get(...) as response:` on an `aiohttp.ClientSession`" in result.stdout


def test_malformed_blocking_calls_is_a_configuration_error(tmp_path: Path) -> None:
    result = verify(tmp_path, '''
        [tool.django-async-kit]
        blocking-calls = ["mylib.fetch"]
    ''')
    assert result.returncode == 2
    assert "`blocking-calls` must be a table" in result.stderr


def test_allowed_calls_match_client_methods_by_class(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.django-async-kit]\nallowed-calls = ["redis.Redis.*"]\n')
    (tmp_path / "views.py").write_text(
        "import redis\n\nstore = redis.Redis()\n\n\nasync def hits(request):\n"
        "    store.incr('hits')\n    return redis.StrictRedis().get('hits')\n")
    result = subprocess.run([sys.executable, "-m", "verify", "views.py", "--select", "DJA3", "-q"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.stdout.splitlines() == [
        "views.py:8:12: DJA309 `redis.StrictRedis().get()` runs a Redis command, blocking the event loop"]
