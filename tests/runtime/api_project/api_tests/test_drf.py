import pytest


def test_product_count(client, products):
    assert client.get("/drf/products/count/").json() == {"count": 2}


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_cheapest_product(async_client, products):
    response = await async_client.get("/drf/products/cheapest/")
    assert response.json() == {"id": products[0].id}
