"""Each async view answers exactly like its legacy twin: status, templates, context, content, email.

Both versions are requested through the same ``AsyncClient``, so the only difference is the view.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from asgiref.sync import sync_to_async
from django.db.models import Count, QuerySet

from shop.models import Product

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@dataclass
class Answer:
    status: int
    location: str
    templates: list[str]
    context: dict
    content: bytes


@sync_to_async
def _snapshot(response, context_keys: tuple[str, ...]) -> Answer:
    # Legacy views hand QuerySets to the template and async views hand lists; what the template
    # iterated is the same rows. Listing an evaluated QuerySet reads its cache (no query).
    context = {}
    for key in context_keys:
        value = response.context[key]
        context[key] = list(value) if isinstance(value, (QuerySet, list)) else value
    return Answer(
        status=response.status_code,
        # A redirect to the login page carries ?next=<this URL>, which differs only by prefix.
        location=response.get("Location", "").replace("/legacy/", "/async/"),
        templates=[template.name for template in response.templates],
        context=context,
        content=response.content,
    )


async def both(client, path: str, context_keys: tuple[str, ...] = ()) -> tuple[Answer, Answer]:
    legacy = await client.get(f"/legacy/{path}")
    converted = await client.get(f"/async/{path}")
    return await _snapshot(legacy, context_keys), await _snapshot(converted, context_keys)


PRODUCT_CONTEXT = ("product", "reviews", "related")
ORDER_CONTEXT = ("order", "items", "payment")


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged-in"])
async def test_product_detail_matches(async_client, shop, logged_in):
    if logged_in:
        await async_client.aforce_login(shop.alice)
    product = await Product.objects.annotate(n=Count("reviews")).filter(n__gt=0).order_by("pk").afirst()

    legacy, converted = await both(async_client, f"products/{product.pk}/", PRODUCT_CONTEXT)

    assert legacy.status == 200
    assert legacy.templates == ["shop/product_detail.html", "shop/base.html"]
    assert legacy.context["reviews"], "the fixture product should have reviews to compare"
    assert converted == legacy


async def test_missing_product_is_404_in_both(async_client, shop):
    legacy, converted = await both(async_client, "products/999999/")
    assert legacy.status == 404
    assert converted == legacy


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged-in"])
async def test_category_list_matches(async_client, shop, logged_in):
    if logged_in:
        await async_client.aforce_login(shop.alice)
    legacy, converted = await both(async_client, "categories/", ("categories",))
    assert legacy.status == 200
    assert b"Books (8 products)" in legacy.content
    assert converted == legacy


@pytest.mark.parametrize("paid", [True, False], ids=["paid", "pending"])
async def test_order_confirmation_matches_and_sends_one_email_each(async_client, shop, mailoutbox, paid):
    order = shop.alice_paid_order if paid else shop.alice_pending_order
    await async_client.aforce_login(shop.alice)

    legacy, converted = await both(async_client, f"orders/{order.pk}/confirmation/", ORDER_CONTEXT)

    assert legacy.status == 200
    assert legacy.templates == ["shop/order_email.txt", "shop/order_confirmation.html", "shop/base.html"]
    assert len(legacy.context["items"]) == 3
    assert (legacy.context["payment"] is not None) == paid
    assert converted == legacy
    assert [(m.subject, m.to, m.body) for m in mailoutbox] == [
        (f"Your order {order.pk}", ["customer1@example.com"], mailoutbox[0].body)
    ] * 2
    assert "x " in mailoutbox[0].body, "the email lists the order's items"


async def test_order_confirmation_redirects_anonymous_to_login(async_client, shop, mailoutbox):
    legacy, converted = await both(async_client, f"orders/{shop.alice_paid_order.pk}/confirmation/")
    assert (legacy.status, legacy.location) == (302, "/accounts/login/")
    assert converted == legacy
    assert mailoutbox == []


async def test_another_users_order_is_403_in_both(async_client, shop, mailoutbox):
    await async_client.aforce_login(shop.bob)
    legacy, converted = await both(async_client, f"orders/{shop.alice_paid_order.pk}/confirmation/")
    assert legacy.status == 403
    assert converted == legacy
    assert mailoutbox == []


async def test_missing_order_is_404_in_both(async_client, shop):
    await async_client.aforce_login(shop.alice)
    legacy, converted = await both(async_client, "orders/999999/confirmation/")
    assert legacy.status == 404
    assert converted == legacy


async def test_dashboard_matches_for_logged_in_user(async_client, shop, fake_apis, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0  # both versions must call the APIs themselves
    await async_client.aforce_login(shop.alice)
    legacy, converted = await both(async_client, "dashboard/")

    assert legacy.status == 200
    assert converted == legacy
    assert fake_apis.hits == {"payments": 2, "analytics": 2}


async def test_dashboard_redirects_anonymous_to_login(async_client, shop, fake_apis):
    legacy, converted = await both(async_client, "dashboard/")
    assert (legacy.status, legacy.location) == (302, "/accounts/login/?next=/async/dashboard/")
    assert converted == legacy
    assert fake_apis.hits == {}
