"""Settings for the sample shop.

Everything that differs between a laptop, CI and the benchmark comes from the environment:

- ``DATABASE_URL``: ``postgres://user:password@host:port/name`` (psycopg 3 with its pool) or
  ``sqlite:///absolute/path``; unset means ``sample_project/db.sqlite3``.
- ``REDIS_URL``: ``redis://host:port/db`` puts the dashboard cache in Redis; unset means local memory.
- ``PAYMENTS_API_URL`` / ``ANALYTICS_API_URL``: base URLs of the two external APIs the dashboard
  calls (``fake_apis.py`` serves both locally).
- ``DASHBOARD_CACHE_SECONDS``: how long a dashboard payload is cached; ``0`` turns caching off.
- ``EMAIL_BACKEND``: the default mailer's backend (console by default).
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "sample-project-only-not-secret")
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "shop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]


def database_from_url(url: str) -> dict:
    """The ``DATABASES["default"]`` entry for a ``postgres://`` or ``sqlite:///`` URL."""
    parts = urlsplit(url)
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "postgres",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # Django's async docs say to disable persistent connections in async mode: under
            # ASGI each request runs its ORM calls on its own short-lived thread, so a kept-open
            # connection is never reused. The pool replaces them (and Django refuses a pool with
            # CONN_MAX_AGE != 0: "Pooling doesn't support persistent connections.").
            "CONN_MAX_AGE": 0,
            "OPTIONS": {
                # psycopg_pool's default (4 connections per process) makes 50 concurrent
                # requests queue for a connection, because Django returns it to the pool only
                # when the request ends, after the external API calls. Size it per process.
                "pool": {
                    "min_size": 2,
                    "max_size": int(os.environ.get("DATABASE_POOL_MAX_SIZE", "20")),
                }
            },
        }
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parts.path)}
    raise ImproperlyConfigured(f"DATABASE_URL: unsupported scheme {parts.scheme!r} (use postgres:// or sqlite:///)")


DATABASES = {
    "default": database_from_url(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "sample-shop",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "30"))

PAYMENTS_API_URL = os.environ.get("PAYMENTS_API_URL", "http://127.0.0.1:8001/payments")
ANALYTICS_API_URL = os.environ.get("ANALYTICS_API_URL", "http://127.0.0.1:8001/analytics")
EXTERNAL_API_TIMEOUT_SECONDS = float(os.environ.get("EXTERNAL_API_TIMEOUT_SECONDS", "5"))

# Django 6.1 replaces EMAIL_BACKEND with MAILERS; the test runner swaps in the locmem backend.
MAILERS = {
    "default": {"BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")},
}
DEFAULT_FROM_EMAIL = "shop@example.com"

# The default ImmediateBackend runs a task inline when it is enqueued. A production project
# configures a backend with a worker (for example django-tasks' database backend), and the
# views' aenqueue() call stays the same.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "async:user_dashboard"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
