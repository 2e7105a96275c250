"""The server from the command that starts it, and the project's own dependencies (not the closure)."""

from __future__ import annotations

import pytest

from verify.project.facts import detect_facts


@pytest.mark.parametrize(
    ("files", "server"),
    [
        ({"Procfile": "web: daphne -b 0.0.0.0 -p $PORT mysite.asgi:application\n"}, "daphne"),
        ({"Procfile": "release: python manage.py migrate\nweb: hypercorn mysite.asgi:application\n"}, "hypercorn"),
        ({"Dockerfile": 'FROM python:3.12\nCMD ["uvicorn", "mysite.asgi:application", "--host", "0.0.0.0"]\n'}, "uvicorn"),
        ({"Dockerfile": "FROM python:3.12\nENTRYPOINT python -m gunicorn -k uvicorn.workers.UvicornWorker mysite.asgi\n"}, "gunicorn-uvicorn"),
        ({"Dockerfile": "FROM python:3.12\nCMD gunicorn mysite.wsgi:application \\\n    --workers 4 \\\n    -k uvicorn_worker.UvicornWorker\n"},
         "gunicorn-uvicorn"),  # the worker on a continuation line
        ({"docker-compose.yml": "services:\n  web:\n    command: gunicorn mysite.wsgi --bind 0.0.0.0:8000\n"}, "gunicorn"),
        ({"docker-compose.yml": "services:\n  web:\n    command: gunicorn mysite.asgi\n    environment:\n"
                                "      GUNICORN_CMD_ARGS: \"-k uvicorn_worker.UvicornWorker\"\n"}, "gunicorn-uvicorn"),
        ({"scripts/entrypoint.sh": "#!/bin/sh\npython manage.py migrate\nexec granian --interface asgi mysite.asgi:application\n"}, "granian"),
        ({"scripts/entrypoint.sh": "#!/bin/sh\nexec granian --interface wsgi mysite.wsgi:application\n"}, "granian-wsgi"),
        ({"deploy/uwsgi.ini": "", "Procfile": "web: uwsgi --ini deploy/uwsgi.ini\n"}, "uwsgi"),
        ({"start.sh": 'echo "Starting gunicorn"\nPORT=8000 exec /venv/bin/gunicorn -k uvicorn_worker.UvicornWorker app.asgi\n'},
         "gunicorn-uvicorn"),
        ({"k8s/web.yaml": 'containers:\n  - name: web\n    args: ["poetry", "run", "daphne", "mysite.asgi:application"]\n'}, "daphne"),
        ({"fly.toml": '[processes]\napp = "uvicorn mysite.asgi:application --port 8080"\n'}, "uvicorn"),
        # The Procfile's web line wins over a Dockerfile for another process.
        ({"Procfile": "web: daphne mysite.asgi:application\n", "Dockerfile": "FROM python:3.12\nCMD gunicorn mysite.wsgi\n"}, "daphne"),
    ],
)
def test_the_server_is_the_one_the_start_command_runs(make_project, files, server):
    assert detect_facts(make_project(requirements="Django==5.2\n", files=files))["server"] == server


@pytest.mark.parametrize(
    "files",
    [
        # Installs, copies, comments, requirement pins and other processes do not start a server.
        {"Dockerfile": "FROM python:3.12\nRUN pip install gunicorn uvicorn daphne\nCOPY gunicorn.conf.py .\nCMD python manage.py runserver\n"},
        {"Procfile": "worker: celery -A mysite worker\n# web: daphne mysite.asgi:application\n"},
        {"docker-compose.yml": "services:\n  web:\n    image: python:3.12\n    command: python manage.py runserver 0.0.0.0:8000\n"},
        {"requirements.lock": "uvicorn[standard]==0.32.0\ndaphne==4.1.2\n"},
        {"start.sh": 'echo "Starting gunicorn"\npython manage.py runserver\n'},
        {"k8s/web.yaml": "containers:\n  - name: web\n    image: registry.example.com/daphne:1.2\n"},
    ],
)
def test_lines_that_only_name_a_server_say_nothing(make_project, files):
    fact = detect_facts(make_project(requirements="Django==5.2\n", files=files)).facts["server"]
    assert fact.value is None


def test_a_declared_server_counts_only_without_a_command_and_never_from_a_lock_file(make_project):
    declared = detect_facts(make_project(requirements="Django==5.2\ndaphne>=4.1\n"))
    assert declared["server"] == "daphne" and "no start command found" in declared.facts["server"].source
    locked_only = make_project(requirements="Django==5.2\n", files={"poetry.lock": '[[package]]\nname = "uvicorn"\nversion = "0.32.0"\n'},
                               name="locked")
    assert detect_facts(locked_only)["server"] is None
    both = detect_facts(make_project(requirements="Django==5.2\ngunicorn\nuvicorn\n", name="both"))
    assert both["server"] is None and "says which runs" in both.facts["server"].source


def test_daphne_in_installed_apps_serves_asgi(make_project):
    settings = 'INSTALLED_APPS = ["daphne", "django.contrib.auth"]\nDATABASES = {}\n'
    facts = detect_facts(make_project(requirements="Django==5.2\n", files={"mysite/settings.py": settings}))
    assert facts["server"] == "daphne" and facts.facts["server"].source == "mysite/settings.py:1: INSTALLED_APPS (daphne's runserver serves ASGI)"


UV_LOCK = """\
version = 1

[[package]]
name = "project"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "django" }, { name = "openai" }]

[package.optional-dependencies]
server = [{ name = "hypercorn" }]

[[package]]
name = "django"
version = "5.2.8"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "openai"
version = "1.54.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "httpx" }]

[[package]]
name = "httpx"
version = "0.28.1"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "hypercorn"
version = "0.17.3"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest-django"
version = "4.9.0"
source = { registry = "https://pypi.org/simple" }
"""


def test_uv_lock_counts_only_the_projects_own_entries(make_project):
    facts = detect_facts(make_project(requirements=None, files={"uv.lock": UV_LOCK}))
    assert facts["django_version"] == (5, 2)
    assert facts["http_client"] is None  # httpx is openai's dependency, not the project's
    assert facts["server"] == "hypercorn"  # an extra of the project's own entry
    assert facts["test_runner"] == "django" and facts["pytest_asyncio"] is False


def test_a_pip_compiled_requirements_file_counts_only_what_came_from_the_source_file(make_project):
    compiled = (
        "aiohttp==3.10.10\n    # via slack-sdk\n"
        "django==5.2.8\n    # via -r requirements.in\n"
        "requests==2.32.3\n    # via\n    #   slack-sdk\n    #   stripe\n"
        "httpx2==2.16.1\n    # via\n    #   -r requirements.in\n    #   openai\n"
    )
    facts = detect_facts(make_project(requirements=compiled))
    assert facts["http_client"] == "httpx2"
    assert facts.facts["http_client"].source.startswith("requirements.txt:9: httpx2==2.16.1")
    assert facts["sync_http_clients"] == []


def test_pipfile_declarations_are_direct_and_pipfile_lock_gives_versions(make_project):
    files = {
        "Pipfile": '[packages]\ndjango = "~=4.2"\naiohttp = "*"\n\n[dev-packages]\npytest-asyncio = "*"\n',
        "Pipfile.lock": '{"default": {"django": {"version": "==4.2.16"}, "aiohttp": {"version": "==3.10.10"},'
                        ' "httpx": {"version": "==0.27.0"}}, "develop": {}}',
    }
    facts = detect_facts(make_project(requirements=None, files=files))
    assert facts["django_version"] == (4, 2)
    assert facts["http_client"] == "aiohttp" and "Pipfile:3" in facts.facts["http_client"].source
    assert facts["pytest_asyncio"] is True
