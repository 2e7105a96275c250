"""One test per planted bug; each asserts what a passing test would assert."""

import pytest


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_sync_orm(async_client, products):
    assert (await async_client.get("/planted/sync-orm")).status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_sleep(async_client):
    assert (await async_client.get("/planted/sleep")).status_code == 200


def test_sync_http(client, products):
    assert client.get(f"/planted/sync-http/{products[0].id}").status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_file_write(async_client):
    assert (await async_client.get("/planted/file-write")).status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_lazy_foreign_key(async_client, products):
    assert (await async_client.get(f"/planted/lazy-fk/{products[0].id}")).status_code == 200


def test_adrf_view(client, db):
    assert client.get("/planted/drf/").status_code == 200


def test_method_decorator_view(client, db):
    assert client.get("/planted/page/").status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_two_bugs(async_client):
    assert (await async_client.get("/planted/two-bugs")).status_code == 200
