import pytest


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_home_page_through_async_client(async_client, products):
    response = await async_client.get("/")
    assert response.status_code == 200
    assert b"Teapot: 20.00" in response.content


def test_home_page_through_client(client, products):
    response = client.get("/")
    assert response.status_code == 200
    assert [template.name for template in response.templates][0] == "catalog/home.html"


def test_welcome_page_renders_the_mail_then_the_page(client, db):
    assert client.get("/welcome/").status_code == 200


def test_my_products_needs_a_login(client, db):
    assert client.get("/mine/").status_code == 302


def test_my_products_lists_the_owners_products(client, products):
    client.force_login(products[0].owner)
    response = client.get("/mine/")
    assert response.status_code == 200
    assert b"Teapot" in response.content and b"Kettle" not in response.content
