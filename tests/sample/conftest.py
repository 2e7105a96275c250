"""Fixtures for the sample shop: demo data, the fake external APIs, and an isolated cache.

The database is whatever ``DATABASE_URL`` says (SQLite when unset); CI runs these tests on
PostgreSQL with the psycopg pool. Async tests that touch the database use
``django_db(transaction=True)``: pytest-django's plain ``db`` fixture wraps the test in a
transaction on the main thread, which async ORM calls (run on another thread) do not see.
"""

from __future__ import annotations

import io
import os
import socket
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections

from fake_apis import FakeApis, serve_in_thread
from shop.models import Order

# Fast API latency for functional tests; timing tests raise it where they need to.
TEST_API_LATENCY_SECONDS = 0.02


@dataclass
class DemoShop:
    alice: object
    bob: object
    alice_paid_order: Order
    alice_pending_order: Order
    bob_order: Order


@pytest.fixture(autouse=True)
def isolated_cache(settings):
    """A fresh local-memory cache per test, so no dashboard payload leaks from one test into the next."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


@pytest_asyncio.fixture(autouse=True)
async def close_async_test_connections():
    yield
    # Async ORM calls that a test makes itself, outside a request, run on asgiref's shared
    # executor thread, whose connection no request_finished signal closes. Left open, it keeps
    # PostgreSQL from dropping the test database at the end of the run.
    await sync_to_async(connections.close_all)()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # PBKDF2 costs about half a second per hash; these tests are about views, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def shop(transactional_db) -> DemoShop:
    """Three customers with two orders each (the first paid), 48 products, some reviews."""
    call_command("load_demo_data", users=3, stdout=io.StringIO())
    users = get_user_model().objects
    alice, bob = users.get(username="customer1"), users.get(username="customer2")
    alice_orders = list(Order.objects.filter(user=alice).order_by("pk"))
    return DemoShop(
        alice=alice,
        bob=bob,
        alice_paid_order=alice_orders[0],
        alice_pending_order=alice_orders[1],
        bob_order=Order.objects.filter(user=bob).first(),
    )


# What `pytest --async-verify-urls tests/sample` requests the async views with: a customer with
# a profile and orders (the fake APIs up for the dashboard), another customer, and real ids.
@pytest.fixture
def async_verify_user(shop: DemoShop, fake_apis):
    return shop.alice


@pytest.fixture
def async_verify_other_user(shop: DemoShop, fake_apis):
    return shop.bob


@pytest.fixture
def async_verify_url_kwargs(shop: DemoShop) -> dict[str, dict]:
    return {
        "async:order_confirmation": {"order_id": shop.alice_paid_order.pk},
        "async:product_detail": {"product_id": shop.alice_paid_order.items.first().product_id},
    }


@pytest.fixture(scope="session")
def fake_apis_server():
    app = FakeApis(latency=TEST_API_LATENCY_SECONDS)
    with serve_in_thread(app) as base_url:
        yield app, base_url


@pytest.fixture
def fake_apis(fake_apis_server, settings) -> FakeApis:
    """The fake payments and analytics APIs, wired into settings, with zeroed hit counters."""
    app, base_url = fake_apis_server
    app.hits.clear()
    app.latency = TEST_API_LATENCY_SECONDS
    settings.PAYMENTS_API_URL = f"{base_url}/payments"
    settings.ANALYTICS_API_URL = f"{base_url}/analytics"
    return app


def _answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url() -> str:
    """``REDIS_URL``, or the default local Redis if one answers; skips otherwise."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    if not _answers(url):
        pytest.skip(f"needs Redis: nothing answers at {url} (set REDIS_URL; CI does)")
    return url
