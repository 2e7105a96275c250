import logging

import pytest


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_list_products(async_client, products):
    response = await async_client.get("/api/products")
    assert response.status_code == 200
    assert [product["name"] for product in response.json()] == ["Teapot", "Kettle"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_product_price_asks_the_supplier(async_client, products):
    response = await async_client.get(f"/api/products/{products[0].id}/price")
    assert response.json() == {"id": products[0].id, "ours": 20.0, "supplier": 9.5}


def test_product_price_through_client(client, products):
    assert client.get(f"/api/products/{products[1].id}/price").json()["supplier"] == 9.5


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_flag_logs_a_traceback(async_client, products, caplog):
    with caplog.at_level(logging.INFO, logger="catalog"):
        response = await async_client.post(f"/api/products/{products[0].id}/flag")
    assert response.json() == {"flagged": products[0].id}
    assert "flagged for review" in caplog.text


def test_unknown_product_is_a_404(client, db):
    assert client.get("/api/products/12345/price").status_code == 404
