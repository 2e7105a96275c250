import time

import pytest


def test_template_response_with_lazy_queryset(client, order):
    response = client.get("/orders/")
    assert response.status_code == 200
    assert b"teapot" in response.content


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_template_response_with_lazy_queryset_through_async_client(async_client):
    response = await async_client.get("/orders/")
    assert response.status_code == 200


def test_sync_view_that_sleeps(client):
    assert client.get("/legacy-sleepy/").status_code == 200


def test_async_view_that_offloads_its_sleep(client):
    assert client.get("/offloaded-sleep/").status_code == 200


def test_async_orm_view(client, order):
    assert client.get(f"/orders/{order.pk}/").json() == {"id": order.pk, "item": "teapot"}


@pytest.mark.asyncio
async def test_test_code_may_block_the_loop():
    time.sleep(0.001)  # the test's own code is not the project's: not flagged
