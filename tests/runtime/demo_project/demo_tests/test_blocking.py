import pytest
from django.test import AsyncRequestFactory

from demo import views


def test_sleepy_view_through_client(client):
    assert client.get("/sleepy/").status_code == 200


@pytest.mark.asyncio
async def test_sleepy_view_through_async_client(async_client):
    response = await async_client.get("/sleepy/")
    assert response.status_code == 200


@pytest.mark.asyncio
async def test_sleepy_view_called_directly():
    response = await views.sleepy(AsyncRequestFactory().get("/sleepy/"))
    assert response.status_code == 200


@pytest.mark.asyncio
async def test_view_that_imported_sleep_by_name():
    response = await views.naps(AsyncRequestFactory().get("/naps/"))
    assert response.status_code == 200


def test_view_that_swallows_the_error(client):
    assert client.get("/swallows-blocking/").content == b"done"


def test_view_whose_helper_blocks(client):
    assert client.get("/exchange-rate/").json() == {"rate": None}
