"""DJA604: DJANGO_ALLOW_ASYNC_UNSAFE set in settings, env or deployment files."""

import pytest

from dja6_project import SETTINGS, make_project, project_findings, where

COMPOSE = '''\
services:
  web:
    image: shop
    environment:
      - DJANGO_ALLOW_ASYNC_UNSAFE=true
  worker:
    environment:
      DJANGO_ALLOW_ASYNC_UNSAFE: "1"
'''

K8S = '''\
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: web
          env:
            - name: DJANGO_ALLOW_ASYNC_UNSAFE
              value: "false"
            - name: OTHER
              value: "x"
'''

SYSTEMD = '''\
[Service]
Environment="DJANGO_ALLOW_ASYNC_UNSAFE=1"
ExecStart=/srv/venv/bin/uvicorn config.asgi:application
'''


def test_deployment_and_env_files_are_reported_at_the_variable(tmp_path):
    make_project(tmp_path, {
        ".env": "DEBUG=1\nDJANGO_ALLOW_ASYNC_UNSAFE=yes\n",
        "Dockerfile": "FROM python:3.13\nENV DJANGO_ALLOW_ASYNC_UNSAFE true\nCMD [\"uvicorn\", \"config.asgi:application\"]\n",
        "docker-compose.yml": COMPOSE,
        "k8s/deployment.yaml": K8S,
        "deploy/shop.service": SYSTEMD,
        "Procfile": "web: DJANGO_ALLOW_ASYNC_UNSAFE=1 uvicorn config.asgi:application\n",
        "gunicorn.conf.py": "worker_class = \"uvicorn_worker.UvicornWorker\"\nraw_env = [\"DJANGO_ALLOW_ASYNC_UNSAFE=1\"]\n",
    })
    findings = project_findings(tmp_path, ["DJA604"])
    assert where(findings, tmp_path) == [
        ("DJA604", ".env", 2), ("DJA604", "Dockerfile", 2), ("DJA604", "Procfile", 1),
        ("DJA604", "deploy/shop.service", 2), ("DJA604", "docker-compose.yml", 5), ("DJA604", "docker-compose.yml", 8),
        ("DJA604", "gunicorn.conf.py", 2), ("DJA604", "k8s/deployment.yaml", 9),
    ]
    dockerfile = next(f for f in findings if f.path.endswith("Dockerfile"))
    assert dockerfile.column == 5 and dockerfile.end_column == 5 + len("DJANGO_ALLOW_ASYNC_UNSAFE")


@pytest.mark.parametrize("code", [
    'os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"',
    'os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")',
    'os.environ.update({"DJANGO_ALLOW_ASYNC_UNSAFE": "1"})',
])
def test_settings_that_set_the_variable_are_reported(tmp_path, code):
    make_project(tmp_path, {"config/settings.py": f"import os\n\n{code}\n" + SETTINGS})
    assert where(project_findings(tmp_path, ["DJA604"]), tmp_path) == [("DJA604", "config/settings.py", 3)]


def test_entry_points_are_checked_but_tests_are_not(tmp_path):
    make_project(tmp_path, {
        "config/asgi.py": "import os\nos.environ[\"DJANGO_ALLOW_ASYNC_UNSAFE\"] = \"1\"\nfrom django.core.asgi import get_asgi_application\n"
                          "application = get_asgi_application()\n",
        "tests/conftest.py": "import os\nos.environ[\"DJANGO_ALLOW_ASYNC_UNSAFE\"] = \"true\"\n",
    })
    assert where(project_findings(tmp_path, ["DJA604"]), tmp_path) == [("DJA604", "config/asgi.py", 2)]


def test_empty_unset_and_commented_values_pass(tmp_path):
    make_project(tmp_path, {
        ".env": "# DJANGO_ALLOW_ASYNC_UNSAFE=true\nDJANGO_ALLOW_ASYNC_UNSAFE=\n",
        "Dockerfile": "FROM python:3.13\nENV DJANGO_ALLOW_ASYNC_UNSAFE=\"\"\nRUN unset DJANGO_ALLOW_ASYNC_UNSAFE\n",
        "config/settings.py": "import os\n\nos.environ.pop(\"DJANGO_ALLOW_ASYNC_UNSAFE\", None)\n" + SETTINGS,
        "k8s/deployment.yaml": K8S.replace('value: "false"', 'value: ""'),
    })
    assert project_findings(tmp_path, ["DJA604"]) == []
