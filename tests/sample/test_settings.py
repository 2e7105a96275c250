"""The sample's settings: what DATABASE_URL and REDIS_URL turn on, and that Django accepts it."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "sample_project" / "config" / "settings.py"


def load_settings(monkeypatch, **environ: str) -> dict:
    for name in ("DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_without_environment_it_uses_sqlite_and_local_memory(monkeypatch):
    settings = load_settings(monkeypatch)
    assert settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["DATABASES"]["default"]["NAME"].endswith("sample_project/db.sqlite3")
    assert settings["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_postgres_url_turns_on_the_pool_without_persistent_connections(monkeypatch):
    settings = load_settings(monkeypatch, DATABASE_URL="postgres://shop:s%40cret@db.internal:6543/shopdb")
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == ("shopdb", "shop", "s@cret")
    assert (database["HOST"], database["PORT"]) == ("db.internal", "6543")
    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"]["pool"]["max_size"] == 20


def test_redis_url_puts_the_cache_in_redis(monkeypatch):
    settings = load_settings(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/3")
    cache = settings["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/3"


def test_unknown_database_scheme_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="unsupported scheme 'mysql'"):
        load_settings(monkeypatch, DATABASE_URL="mysql://root@localhost/shop")


@pytest.mark.django_db
def test_postgres_runs_through_the_pool_on_the_test_database():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... (CI does)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        (database,) = cursor.fetchone()
    # The pool is built lazily from the settings of its first connection: it must have been
    # built after pytest-django switched NAME to the test database, never before.
    assert database.startswith("test_")
    assert connection.pool is not None
    assert connection.settings_dict["CONN_MAX_AGE"] == 0
