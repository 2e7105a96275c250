"""Builds small Django projects on disk for the project-level rules (DJA6xx) and checks them
through the public API, the way `django-async-kit verify <project>` does."""

from __future__ import annotations

import textwrap
from pathlib import Path

from verify.api import check_paths
from verify.analysis.finding import Finding

MANAGE = '''\
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
'''

SETTINGS = '''\
SECRET_KEY = "not-secret"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "shop"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shop.middleware.TimingMiddleware",
]
ROOT_URLCONF = "config.urls"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "CONN_MAX_AGE": 0,
        "OPTIONS": {"pool": True},
    }
}
'''

ASGI = '''\
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()
'''

WSGI = ASGI.replace("asgi", "wsgi")

MIDDLEWARE = '''\
from inspect import iscoroutinefunction, markcoroutinefunction


class TimingMiddleware:
    async_capable = True
    sync_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        return self.get_response(request)

    async def __acall__(self, request):
        return await self.get_response(request)
'''

VIEWS = '''\
from django.http import JsonResponse

from shop.models import Order


async def order_count(request):
    return JsonResponse({"count": await Order.objects.acount()})
'''

MODELS = '''\
from django.db import models


class Order(models.Model):
    total = models.IntegerField()
'''

BASE = {
    "manage.py": MANAGE,
    "config/__init__.py": "",
    "config/settings.py": SETTINGS,
    "config/asgi.py": ASGI,
    "config/wsgi.py": WSGI,
    "shop/__init__.py": "",
    "shop/middleware.py": MIDDLEWARE,
    "shop/models.py": MODELS,
    "shop/views.py": VIEWS,
    "requirements.txt": "Django>=6.0\npsycopg[binary,pool]>=3.2\nuvicorn>=0.30\n",
    "Procfile": "web: uvicorn config.asgi:application --host 0.0.0.0 --workers 4\n",
}


def make_project(root: Path, files: dict[str, str | None] | None = None) -> Path:
    """A correct async project at ``root``, changed by ``files`` (path -> text, None deletes)."""
    layout = {**BASE, **(files or {})}
    for relative, text in layout.items():
        if text is None:
            continue
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def project_findings(root: Path, select: list[str] | None = None, **options) -> list[Finding]:
    return check_paths([str(root)], select=select or ["DJA6"], use_config=False, **options).findings


def where(findings: list[Finding], root: Path) -> list[tuple[str, str, int]]:
    """(code, path relative to the project, line) of each finding."""
    out = []
    for finding in findings:
        path = Path(finding.path)
        relative = path.relative_to(root) if path.is_absolute() else Path(finding.path)
        out.append((finding.code, relative.as_posix(), finding.line))
    return sorted(out)
