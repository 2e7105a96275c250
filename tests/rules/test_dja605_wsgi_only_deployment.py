"""DJA605: async views with no ASGI entry point, or deployed with only a WSGI server."""

import pytest

from dja6_project import SETTINGS, VIEWS, make_project, project_findings, where


def test_no_asgi_entry_point_is_reported_at_the_wsgi_application(tmp_path):
    make_project(tmp_path, {"config/asgi.py": None, "Procfile": None})
    [finding] = project_findings(tmp_path, ["DJA605"])
    assert where([finding], tmp_path) == [("DJA605", "config/wsgi.py", 6)]
    assert "no ASGI entry point" in finding.message and "`order_count`" in finding.message


@pytest.mark.parametrize(("name", "text", "line"), [
    ("Procfile", "release: python manage.py migrate\nweb: gunicorn config.wsgi --workers 4\n", 2),
    ("Dockerfile", "FROM python:3.13\nRUN pip install gunicorn\nCOPY gunicorn.conf.py .\n"
                   "CMD [\"gunicorn\", \"config.wsgi:application\", \"-b\", \"0.0.0.0:8000\"]\n", 4),
    ("docker-compose.yml", "services:\n  web:\n    command: python manage.py runserver 0.0.0.0:8000\n", 3),
    ("deploy/shop.service", "[Service]\nExecStart=/srv/venv/bin/uwsgi --ini uwsgi.ini\n", 2),
])
def test_deployments_that_only_run_a_wsgi_server_are_reported_at_the_command(tmp_path, name, text, line):
    make_project(tmp_path, {"Procfile": None, name: text})
    [finding] = project_findings(tmp_path, ["DJA605"])
    assert where([finding], tmp_path) == [("DJA605", name, line)]
    assert "WSGI server" in finding.message


@pytest.mark.parametrize(("name", "text"), [
    ("Procfile", "web: gunicorn config.asgi:application -k uvicorn.workers.UvicornWorker\n"),
    ("Dockerfile", "FROM python:3.13\nCMD [\"daphne\", \"-b\", \"0.0.0.0\", \"config.asgi:application\"]\n"),
    ("docker-compose.yml", "services:\n  web:\n    command:\n      - gunicorn\n      - config.asgi:application\n"
                           "      - --worker-class\n      - uvicorn_worker.UvicornWorker\n"),
    ("entrypoint.sh", "#!/bin/sh\nexec hypercorn config.asgi:application --bind 0.0.0.0:8000\n"),
])
def test_asgi_deployments_pass(tmp_path, name, text):
    make_project(tmp_path, {"Procfile": None, name: text})
    assert project_findings(tmp_path, ["DJA605"]) == []


def test_runserver_is_asgi_when_daphne_is_installed(tmp_path):
    settings = SETTINGS.replace('INSTALLED_APPS = [', 'INSTALLED_APPS = ["daphne", ')
    make_project(tmp_path, {"config/settings.py": settings, "Procfile": "web: python manage.py runserver 0.0.0.0:8000\n"})
    assert project_findings(tmp_path, ["DJA605"]) == []


def test_a_sync_project_and_a_project_without_deployment_files_pass(tmp_path):
    make_project(tmp_path, {"Procfile": None})
    assert project_findings(tmp_path, ["DJA605"]) == []
    sync_views = VIEWS.replace("async def", "def").replace("await Order.objects.acount()", "Order.objects.count()")
    make_project(tmp_path, {"shop/views.py": sync_views, "config/asgi.py": None, "Procfile": "web: gunicorn config.wsgi\n"})
    assert project_findings(tmp_path, ["DJA605"]) == []


def test_ci_workflows_and_requirement_lines_are_not_deployments(tmp_path):
    make_project(tmp_path, {
        ".github/workflows/e2e.yml": "jobs:\n  e2e:\n    steps:\n      - run: python manage.py runserver &\n",
        "requirements.txt": "Django>=6.0\ngunicorn>=23\npsycopg>=3.2\n",
        "Procfile": None,
    })
    assert project_findings(tmp_path, ["DJA605"]) == []


def test_a_channels_router_is_an_asgi_entry_point(tmp_path):
    router = ("from channels.routing import ProtocolTypeRouter\nfrom django.core.asgi import get_asgi_application as django_app\n\n"
              "application = ProtocolTypeRouter({'http': django_app()})\n")
    make_project(tmp_path, {"config/asgi.py": None, "config/routing.py": router, "Procfile": None})
    assert project_findings(tmp_path, ["DJA605"]) == []


def test_test_scripts_and_test_folders_are_not_deployments(tmp_path):
    make_project(tmp_path, {
        "Procfile": None,
        "run_tests.sh": "#!/bin/sh\npython manage.py runserver &\npytest e2e\n",
        "tests/docker-compose.yml": "services:\n  web:\n    command: python manage.py runserver\n",
    })
    assert project_findings(tmp_path, ["DJA605"]) == []



WSGI_PROCFILE = "web: gunicorn config.wsgi --workers 4\n"


def test_an_async_helper_nothing_routes_is_not_an_async_view(tmp_path):
    # A library's middleware awaits this helper; no URLconf, decorator or views module serves it.
    sync_views = VIEWS.replace("async def", "def").replace("await Order.objects.acount()", "Order.objects.count()")
    helper = "async def _redirect_accounts(request):\n    return None\n"
    make_project(tmp_path, {"shop/views.py": sync_views, "shop/middleware.py": helper, "Procfile": WSGI_PROCFILE})
    assert project_findings(tmp_path, ["DJA605"]) == []


@pytest.mark.parametrize("files", [
    {"shop/handlers.py": VIEWS, "shop/urls.py": "from shop.handlers import order_count\nurlpatterns = [order_count]\n"},
    {"shop/handlers.py": VIEWS.replace("async def", "@api.get('/count')\nasync def")},
])
def test_an_async_view_outside_a_views_module_counts_when_routed(tmp_path, files):
    sync_views = VIEWS.replace("async def", "def").replace("await Order.objects.acount()", "Order.objects.count()")
    make_project(tmp_path, {"shop/views.py": sync_views, **files, "Procfile": WSGI_PROCFILE})
    assert where(project_findings(tmp_path, ["DJA605"]), tmp_path) == [("DJA605", "Procfile", 1)]
