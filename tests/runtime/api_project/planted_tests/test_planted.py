"""One test per planted bug; each asserts what a passing test would assert."""

from decimal import Decimal

import pytest
from django.test import TestCase

from catalog.models import Product, Supplier


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


def test_three_bugs_through_client(client, products):
    # Rolled back at the end: only the test's own connection sees these rows.
    response = client.get(f"/planted/three-bugs/{products[0].id}")
    print("three-bugs answered", response.status_code, response.content.decode())
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_three_bugs_through_async_client(async_client, products):
    response = await async_client.get(f"/planted/three-bugs/{products[0].id}")
    print("three-bugs answered", response.status_code, response.content.decode())
    assert response.status_code == 200


@pytest.mark.no_async_verify
@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_after_them_a_sync_query_in_an_async_view_raises_again(async_client, products):
    from django.core.exceptions import SynchronousOnlyOperation

    with pytest.raises(SynchronousOnlyOperation):
        await async_client.get("/planted/sync-orm")


def test_after_them_the_tests_connection_is_its_own_again(db):
    from django.db import connections

    assert not any(connection.allow_thread_sharing for connection in connections.all())


class ThreeBugsTestCase(TestCase):
    """Django's TestCase runs an async test method on a loop in another thread than its transaction's."""

    @classmethod
    def setUpTestData(cls):
        acme = Supplier.objects.create(name="Acme")
        cls.product = Product.objects.create(name="Teapot", price=Decimal("20.00"), supplier=acme)
        Product.objects.create(name="Kettle", price=Decimal("30.00"), supplier=acme)

    async def test_three_bugs_through_async_client(self):
        response = await self.async_client.get(f"/planted/three-bugs/{self.product.id}")
        print("three-bugs answered", response.status_code, response.content.decode())
        self.assertEqual(response.status_code, 200)
