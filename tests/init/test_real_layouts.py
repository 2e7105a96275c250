"""init, prompts and the verifier's hints on projects laid out the way real ones are.

Each fixture reproduces a layout that once gave wrong facts: an HTTP client that only a lock
file's closure holds, a server named by the Dockerfile and compose file, a project that runs
``./manage.py test`` with its own TEST_RUNNER while pytest-django sits in its lock file, a
monorepo with the Django project in ``backend/``, gunicorn with a uvicorn worker.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.init.conftest import write
from verify.api import check_paths
from verify.cli import main
from verify.project.facts import detect_facts
from verify.project.target import target_version

SETTINGS_MODULE_MANAGE_PY = """\
#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{module}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""


def build(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        write(root, relative, text)
    return root


@pytest.fixture
def newsroom(tmp_path, monkeypatch):
    """Poetry, Channels and daphne (Dockerfile and compose), DRF, httpx in the views, Django's
    runner with a custom TEST_RUNNER; pytest-django and aiohttp only in poetry.lock."""
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    return build(tmp_path / "newsroom", {
        "manage.py": SETTINGS_MODULE_MANAGE_PY.format(module="newsroom.settings"),
        "pyproject.toml": """\
            [tool.poetry]
            name = "newsroom"
            version = "0.1.0"
            package-mode = false

            [tool.poetry.dependencies]
            python = "^3.11"
            django = "^5.1"
            channels = "^4.1"
            daphne = "^4.1"
            httpx = "^0.27"
            djangorestframework = "^3.15"
            psycopg = {version = "^3.2", extras = ["binary"]}
            """,
        "poetry.lock": """\
            [[package]]
            name = "django"
            version = "5.1.4"

            [[package]]
            name = "httpx"
            version = "0.27.2"

            [[package]]
            name = "aiohttp"
            version = "3.10.5"

            [[package]]
            name = "pytest-django"
            version = "4.9.0"

            [[package]]
            name = "daphne"
            version = "4.1.2"

            [[package]]
            name = "psycopg"
            version = "3.2.3"
            """,
        "Dockerfile": """\
            FROM python:3.12-slim
            WORKDIR /app
            RUN pip install poetry && poetry install --no-root
            COPY . .
            CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "newsroom.asgi:application"]
            """,
        "docker-compose.yml": """\
            services:
              web:
                build: .
                command: daphne -b 0.0.0.0 -p 8000 newsroom.asgi:application
              worker:
                build: .
                command: python manage.py runworker feeds
            """,
        "Makefile": "test:\n\t./manage.py test\n",
        "newsroom/__init__.py": "",
        "newsroom/settings.py": """\
            INSTALLED_APPS = ["daphne", "django.contrib.auth", "rest_framework", "channels", "feeds"]
            ASGI_APPLICATION = "newsroom.asgi.application"
            DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "news"}}
            TEST_RUNNER = "newsroom.testing.ColourRunner"
            """,
        "newsroom/asgi.py": "from channels.routing import ProtocolTypeRouter\n",
        "newsroom/testing.py": "from django.test.runner import DiscoverRunner\n\n\nclass ColourRunner(DiscoverRunner):\n    pass\n",
        "feeds/__init__.py": "",
        "feeds/views.py": """\
            import httpx
            import requests
            from django.http import JsonResponse


            async def headlines(request):
                response = requests.get("https://news.example.com/top")
                return JsonResponse(response.json())
            """,
        "feeds/api.py": "import httpx\n",
        "feeds/tests/__init__.py": "",
        "feeds/tests/test_views.py": "import aiohttp\nfrom django.test import TestCase\n",
    })


@pytest.fixture
def monorepo(tmp_path, monkeypatch):
    """uv at the repository root, the Django project in backend/: aiohttp is only a dependency of
    a dependency (litellm) in uv.lock, the views import httpx; uvicorn in the Procfile; pytest."""
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    root = build(tmp_path / "repo", {
        "pyproject.toml": """\
            [project]
            name = "newsletter"
            version = "1.0"
            requires-python = ">=3.12"
            dependencies = ["django>=5.2", "httpx>=0.28", "litellm>=1.50", "uvicorn[standard]>=0.30"]

            [dependency-groups]
            dev = ["pytest>=8", "pytest-django>=4.9", "pytest-asyncio>=0.24"]

            [tool.pytest.ini_options]
            DJANGO_SETTINGS_MODULE = "config.settings"
            pythonpath = ["backend"]
            """,
        "uv.lock": """\
            version = 1
            requires-python = ">=3.12"

            [[package]]
            name = "newsletter"
            version = "1.0"
            source = { editable = "." }
            dependencies = [
                { name = "django" },
                { name = "httpx" },
                { name = "litellm" },
                { name = "uvicorn", extra = ["standard"] },
            ]

            [package.dev-dependencies]
            dev = [
                { name = "pytest" },
                { name = "pytest-asyncio" },
                { name = "pytest-django" },
            ]

            [[package]]
            name = "django"
            version = "5.2.8"
            source = { registry = "https://pypi.org/simple" }

            [[package]]
            name = "litellm"
            version = "1.52.0"
            source = { registry = "https://pypi.org/simple" }
            dependencies = [{ name = "aiohttp" }, { name = "httpx" }]

            [[package]]
            name = "aiohttp"
            version = "3.11.2"
            source = { registry = "https://pypi.org/simple" }

            [[package]]
            name = "httpx"
            version = "0.28.1"
            source = { registry = "https://pypi.org/simple" }

            [[package]]
            name = "uvicorn"
            version = "0.32.0"
            source = { registry = "https://pypi.org/simple" }

            [[package]]
            name = "pytest-asyncio"
            version = "0.24.0"
            source = { registry = "https://pypi.org/simple" }
            """,
        ".python-version": "3.13\n",
        "Procfile": "release: python backend/manage.py migrate\nweb: uvicorn config.asgi:application --app-dir backend --port $PORT\n",
        "backend/manage.py": SETTINGS_MODULE_MANAGE_PY.format(module="config.settings"),
        "backend/config/__init__.py": "",
        "backend/config/settings.py": 'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db"}}\n',
        "backend/news/__init__.py": "",
        "backend/news/views.py": "import httpx\n\n\nasync def digest(request):\n    pass\n",
        "backend/news/summaries.py": "from httpx import AsyncClient\n",
        "backend/tests/views.py": "import aiohttp\n",
        "backend/tests/conftest.py": "",
    })
    (root / ".git").mkdir()
    return root


@pytest.fixture
def shop(tmp_path, monkeypatch):
    """Django 4.2 behind gunicorn with a uvicorn worker (gunicorn.conf.py), pytest configured in
    pytest.ini with asyncio_mode = auto, a pip-compiled requirements.txt whose closure has aiohttp,
    httpx2 in the code, Celery for background work."""
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    return build(tmp_path / "shop", {
        "manage.py": SETTINGS_MODULE_MANAGE_PY.format(module="shop.settings"),
        "requirements.in": "django~=4.2.16\nhttpx2\ncelery[redis]\ngunicorn\nuvicorn-worker\nslack-sdk[optional]\npytest-django\npytest-asyncio\n",
        "requirements.txt": """\
            aiohttp==3.10.10
                # via slack-sdk
            celery==5.4.0
                # via -r requirements.in
            django==4.2.16
                # via -r requirements.in
            gunicorn==23.0.0
                # via
                #   -r requirements.in
                #   uvicorn-worker
            httpx2==2.16.1
                # via -r requirements.in
            pytest-asyncio==0.24.0
                # via -r requirements.in
            pytest-django==4.9.0
                # via -r requirements.in
            slack-sdk==3.33.1
                # via -r requirements.in
            uvicorn==0.32.0
                # via uvicorn-worker
            uvicorn-worker==0.2.0
                # via -r requirements.in
            """,
        "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = shop.settings\nasyncio_mode = auto\n",
        "gunicorn.conf.py": 'bind = "0.0.0.0:8000"\nworkers = 4\nworker_class = "uvicorn_worker.UvicornWorker"\n',
        "Dockerfile": "FROM python:3.11-slim\nCOPY . /app\nCMD gunicorn -c gunicorn.conf.py shop.asgi:application\n",
        "shop/__init__.py": "",
        "shop/settings.py": 'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db"}}\n',
        "shop/asgi.py": "from django.core.asgi import get_asgi_application\n\napplication = get_asgi_application()\n",
        "catalog/__init__.py": "",
        "catalog/views.py": "import httpx2\nimport requests\n\n\nasync def prices(request):\n    requests.get('https://prices.example.com')\n",
        "catalog/tasks.py": "from celery import shared_task\n",
    })


def init_files(project: Path, *extra: str) -> dict[str, str]:
    assert main(["init", str(project), *extra]) == 0
    return {
        path.relative_to(project).as_posix(): path.read_text()
        for path in [*project.glob(".github/**/*.md"), project / "AGENTS.md", project / ".github/workflows/copilot-setup-steps.yml"]
    }


def exported(project: Path, monkeypatch) -> dict[str, str]:
    monkeypatch.chdir(project)
    assert main(["prompts", "export", "--dir", "exported"]) == 0
    return {path.relative_to(project / "exported").as_posix(): path.read_text() for path in (project / "exported").rglob("*.md")}


def hint_for_blocking_call(view: Path) -> str:
    report = check_paths([str(view)], select=["DJA301"], use_config=False, cache=False, jobs=1)
    [finding] = report.findings
    return finding.hint


def test_newsroom_facts(newsroom):
    facts = detect_facts(newsroom)
    assert facts["http_client"] == "httpx"  # not aiohttp, which only poetry.lock (and a test) holds
    assert "feeds/api.py:1" in facts.facts["http_client"].source
    assert facts["sync_http_clients"] == ["requests"]
    assert facts["server"] == "daphne"
    assert facts.facts["server"].source.startswith("docker-compose.yml:4: command: daphne")
    assert facts["test_runner"] == "django"  # pytest-django is only in the lock file; no pytest configuration
    assert facts["test_runner_class"] == "newsroom.testing.ColourRunner"
    assert facts.facts["test_runner_class"].source == "newsroom/settings.py:4: TEST_RUNNER"
    assert facts["test_command"] == "python manage.py test"
    assert facts["pytest_asyncio"] is False
    assert facts["python_version"] == (3, 12)  # the Dockerfile's image, not the kit's interpreter
    assert facts["django_version"] == (5, 1)
    assert facts["db_driver"] == "psycopg"
    assert facts["drf"] is True
    assert facts["view_apps"] == ["feeds"]  # feeds/tests is not an app


def test_newsroom_instructions_prompts_and_hints_agree(newsroom, monkeypatch):
    files = init_files(newsroom)
    instructions = files[".github/copilot-instructions.md"]
    assert "served by daphne (ASGI)" in instructions
    assert "outgoing HTTP with `httpx`" in instructions and "httpx.AsyncClient(" in instructions
    assert "tests with Django's test runner (`TEST_RUNNER = \"newsroom.testing.ColourRunner\"`)" in instructions
    assert "Run the tests: `python manage.py test`" in instructions
    tests_file = files[".github/instructions/django-async-tests.instructions.md"]
    assert "self.async_client" in tests_file and "Run the tests with `python manage.py test`" in tests_file
    for name, text in files.items():
        assert "aiohttp" not in text and "pytest" not in text, name
    assert 'python-version: "3.12"' in files[".github/workflows/copilot-setup-steps.yml"]

    prompts = exported(newsroom, monkeypatch)
    for name, text in prompts.items():
        assert "python -m pytest" not in text and "aiohttp" not in text, name
        # Every prompt that ends with a test run names the project's command.
        if not any(prompt_id in name for prompt_id in ("should-this-be-async", "configure-asgi", "fix-verify-findings")):
            assert "- `python manage.py test`" in text, name
    tests_prompt = prompts["prompts/write-async-tests.prompt.md"]
    assert "Django's runner (`python manage.py test`, `TEST_RUNNER = \"newsroom.testing.ColourRunner\"`)" in tests_prompt
    assert "pytest.mark" not in tests_prompt and "await self.async_client.aforce_login(user)" in tests_prompt
    assert "httpx.AsyncClient(timeout=..., verify=TLS_CONTEXT)" in prompts["skills/convert-external-api-view/SKILL.md"]
    assert "Django REST framework" in prompts["prompts/convert-class-based-view.prompt.md"]

    assert "`httpx.AsyncClient`" in hint_for_blocking_call(newsroom / "feeds" / "views.py")


def test_monorepo_facts_from_the_repository_root(monorepo, monkeypatch):
    facts = detect_facts(monorepo)  # run at the root: the project is found in backend/
    assert facts.root == monorepo / "backend"
    assert facts.facts["settings_module"].source == "backend/manage.py:6"
    assert facts["http_client"] == "httpx"  # aiohttp is litellm's dependency in uv.lock, not the project's
    assert facts["server"] == "uvicorn" and facts.facts["server"].source.startswith("Procfile:2: web: uvicorn")
    assert facts["test_runner"] == "pytest" and facts["test_command"] == "python -m pytest"
    assert facts["pytest_asyncio"] is True and facts["asyncio_mode"] == "strict"
    assert facts["python_version"] == (3, 13)
    assert facts["view_apps"] == ["backend/news"]  # backend/tests is not an app
    # One answer: the verifier and prompts read the Django version from the same lock file.
    assert facts["django_version"] == target_version(monorepo / "backend")[0] == (5, 2)
    assert "uv.lock" in target_version(monorepo / "backend")[1]
    monkeypatch.chdir(monorepo / "backend")  # verify --changed in backend/ reads the lock file above it
    assert check_paths(["news/views.py"], use_config=False, cache=False, jobs=1).version == (5, 2)


def test_monorepo_instructions_and_prompts(monorepo, monkeypatch, capsys):
    files = init_files(monorepo)
    assert capsys.readouterr().out.startswith("Django project in backend/; Django 5.2 (uv.lock: django 5.2.8")
    instructions = files[".github/copilot-instructions.md"]
    assert "Stack: Django 5.2, Python 3.13+, SQLite, served by uvicorn (ASGI), outgoing HTTP with `httpx`" in instructions
    assert "`django-async-kit verify backend/news`" in instructions
    for name, text in files.items():
        assert "aiohttp" not in text, name
    prompts = exported(monorepo, monkeypatch)
    assert all("aiohttp" not in text for text in prompts.values())
    assert "- `python -m pytest`" in prompts["skills/convert-simple-view/SKILL.md"]
    assert "pytest-asyncio runs in strict mode" in prompts["prompts/write-async-tests.prompt.md"]


def test_several_projects_are_named_not_guessed(monorepo, capsys):
    write(monorepo, "admin/manage.py", "")
    assert main(["init", str(monorepo), "--show-facts"]) == 2
    assert "several Django projects (admin/manage.py, backend/manage.py)" in capsys.readouterr().err


def test_shop_facts(shop):
    facts = detect_facts(shop)
    assert facts["server"] == "gunicorn-uvicorn"  # the worker is set in gunicorn.conf.py
    assert facts["http_client"] == "httpx2"  # aiohttp is only slack-sdk's, per pip-compile's "# via"
    assert facts["test_runner"] == "pytest" and facts.facts["test_runner"].source == "pytest.ini:1"
    assert facts["asyncio_mode"] == "auto" and facts["pytest_asyncio"] is True
    assert facts["django_version"] == (4, 2) and facts["python_version"] == (3, 11)
    assert facts["task_queue"] == "celery"


def test_shop_instructions_prompts_and_hints(shop, monkeypatch):
    files = init_files(shop)
    instructions = files[".github/copilot-instructions.md"]
    assert "Python 3.11+" in instructions and "served by gunicorn with uvicorn workers (ASGI)" in instructions
    assert "No command that starts the server" not in instructions
    tests_file = files[".github/instructions/django-async-tests.instructions.md"]
    assert '`asyncio_mode = "auto"`: async tests and fixtures need no marker' in tests_file
    assert "mark every async test `@pytest.mark.asyncio`" not in tests_file
    prompts = exported(shop, monkeypatch)
    background = prompts["prompts/move-to-background-task.prompt.md"].partition("<!-- django-async-kit:begin -->")[2]
    assert "already uses celery: move the work into a celery task, not `django.tasks`" in background
    assert "aenqueue" not in background and "@task" not in background
    assert "await sync_to_async(send_confirmation.delay)(order.pk)" in background
    assert "auto mode" in prompts["prompts/write-async-tests.prompt.md"]
    assert all("aiohttp" not in text for text in prompts.values())
    assert "`httpx2.AsyncClient`" in hint_for_blocking_call(shop / "catalog" / "views.py")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("http_client=requests", "--set http_client: unknown value 'requests'; expected one of: httpx2, aiohttp, httpx"),
        ("server=nginx", "--set server: unknown value 'nginx'"),
        ("test_runner=nose", "--set test_runner: unknown value 'nose'"),
    ],
)
def test_set_refuses_unknown_values(shop, capsys, value, message):
    assert main(["init", str(shop), "--show-facts", "--set", value]) == 2
    assert message in capsys.readouterr().err


def test_read_only_prompts_do_not_tell_the_assistant_to_run_commands(newsroom, monkeypatch):
    prompts = exported(newsroom, monkeypatch)
    for prompt_id in ("should-this-be-async", "configure-asgi-deployment"):
        text = prompts[f"prompts/{prompt_id}.prompt.md"]
        assert "Commands for the user to confirm the answer:" in text and "When you are done, run" not in text
    assert "When you are done, run:" in prompts["prompts/convert-simple-view.prompt.md"]


def test_show_facts_sources_name_file_and_line(shop, capsys):
    assert main(["init", str(shop), "--show-facts"]) == 0
    table = capsys.readouterr().out
    assert "requirements.txt:11: httpx2==2.16.1" not in table  # the client comes from the import, not the pin
    assert "imported in catalog/views.py:1" in table
    assert "Dockerfile:1: FROM python:3.11-slim" in table


def test_init_verify_and_prompts_state_one_django_version(monorepo, capsys, monkeypatch):
    pyproject = monorepo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.django-async-kit]\ntarget-version = "5.1"\n')
    assert main(["init", str(monorepo), "--show-facts"]) == 0
    assert "django_version     5.1                       pyproject.toml: [tool.django-async-kit] target-version" in capsys.readouterr().out
    monkeypatch.chdir(monorepo / "backend")
    report = check_paths(["news/views.py"], cache=False, jobs=1)
    assert report.version == (5, 1)
    assert main(["prompts", "show", "convert-simple-view"]) == 0
    assert "Facts for Django 5.1;" in capsys.readouterr().out


def test_commands_run_from_the_output_folder_even_when_the_configuration_is_above_it(monorepo):
    facts = detect_facts(monorepo / "backend")  # init backend: the files go to backend/
    assert facts["test_command"] == "cd .. && python -m pytest"  # pytest is configured at the repository root
    assert facts["install_deps"].startswith("pip install uv && cd .. && uv export")
