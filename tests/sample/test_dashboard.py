"""The dashboard: the async version overlaps its two API calls, caches in Redis, and fails cleanly."""

from __future__ import annotations

import time
import uuid

import pytest

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def timed_get(client, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    response = await client.get(path)
    return response.status_code, time.perf_counter() - started


async def test_async_dashboard_overlaps_the_two_api_calls(async_client, shop, fake_apis, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    latency = fake_apis.latency = 0.3
    await async_client.aforce_login(shop.alice)

    legacy_status, legacy_seconds = await timed_get(async_client, "/legacy/dashboard/")
    async_status, async_seconds = await timed_get(async_client, "/async/dashboard/")

    assert legacy_status == async_status == 200
    assert legacy_seconds >= 2 * latency, "the legacy view waits for one API, then the other"
    # Faster than the two latencies added up can only mean the calls overlapped. (The margin,
    # one whole latency, keeps the test steady on a loaded machine.)
    assert async_seconds < 2 * latency, f"the async view took {async_seconds:.3f}s: the calls did not overlap"


@pytest.mark.parametrize("version", ["legacy", "async"])
async def test_dashboard_answers_502_when_an_api_is_down(async_client, shop, fake_apis, settings, version):
    settings.DASHBOARD_CACHE_SECONDS = 0
    settings.ANALYTICS_API_URL = "http://127.0.0.1:9/analytics"  # the discard port: nothing listens
    await async_client.aforce_login(shop.alice)

    response = await async_client.get(f"/{version}/dashboard/")

    assert response.status_code == 502
    assert response.json() == {"error": "an external service is unavailable"}


async def test_dashboard_cache_in_redis_is_shared_by_both_versions(async_client, shop, fake_apis, settings, redis_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            # A prefix of its own: never touches other keys in that Redis; its key expires in 30 s.
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    settings.DASHBOARD_CACHE_SECONDS = 30
    await async_client.aforce_login(shop.alice)

    first = await async_client.get("/async/dashboard/")
    assert fake_apis.hits == {"payments": 1, "analytics": 1}
    again = await async_client.get("/async/dashboard/")
    legacy = await async_client.get("/legacy/dashboard/")

    assert first.status_code == again.status_code == legacy.status_code == 200
    assert fake_apis.hits == {"payments": 1, "analytics": 1}, "the next requests were served from Redis"
    assert again.json() == legacy.json() == first.json()
    assert first.json()["analytics"]["user"] == shop.alice.pk
