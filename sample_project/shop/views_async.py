"""The async conversions of ``views_legacy``: same templates, status codes and permission checks.

What changed, and why:

- ``await request.auser()`` instead of ``request.user``: loading the user runs a query, which
  raises SynchronousOnlyOperation in async code for a logged-in session.
- ``select_related`` before any relation the view or its template touches (``product.category``,
  ``review.author``, ``order.user``, ``item.product``): a lazy relation load raises too.
- ``[x async for x in queryset]`` builds the lists the templates iterate: ``render()`` is sync and
  would evaluate a QuerySet on the event loop. A QuerySet is not awaitable.
- The two external API calls share one ``httpx2.AsyncClient`` and overlap with
  ``asyncio.gather``. This is where async pays off: two 100 ms calls take about 100 ms, not 200.
- The database queries run one after the other. Django's async ORM methods are
  ``sync_to_async`` wrappers that run on one thread per request, so ``asyncio.gather`` over them
  would still run them serially.
"""

import asyncio

import httpx2
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import aget_object_or_404, redirect, render

from .http import TLS_CONTEXT
from .models import Order, OrderItem, Payment, Product, Profile, Review
from .tasks import send_order_confirmation

# One query and nothing to overlap: converting it would only add a thread hop per query
# (the async ORM is sync_to_async underneath). Under ASGI Django runs this sync view in a thread.
from .views_legacy import category_list  # noqa: F401  (routed under /async/ as well)


async def product_detail(request, product_id):
    product = await aget_object_or_404(Product.objects.select_related("category"), id=product_id)
    reviews = [
        review
        async for review in Review.objects.filter(product=product).select_related("author").order_by("-created")[:5]
    ]
    related = [
        other
        async for other in Product.objects.filter(category_id=product.category_id)
        .exclude(id=product_id)
        .order_by("name")[:4]
    ]
    return render(request, "shop/product_detail.html", {"product": product, "reviews": reviews, "related": related})


async def _get_json(client: httpx2.AsyncClient, url: str) -> dict:
    response = await client.get(url)
    response.raise_for_status()
    return response.json()


@login_required  # wraps async views since Django 5.1
async def user_dashboard(request):
    user = await request.auser()
    cache_key = f"dashboard:{user.pk}"
    data = await cache.aget(cache_key)
    if data is None:
        profile = await Profile.objects.aget(user=user)
        async with httpx2.AsyncClient(timeout=settings.EXTERNAL_API_TIMEOUT_SECONDS, verify=TLS_CONTEXT) as client:
            # return_exceptions: wait for both calls even if one fails, so none is still
            # running when the client closes.
            billing, analytics = await asyncio.gather(
                _get_json(client, f"{settings.PAYMENTS_API_URL}/customers/{profile.payments_customer_id}"),
                _get_json(client, f"{settings.ANALYTICS_API_URL}/users/{user.pk}"),
                return_exceptions=True,
            )
        for outcome in (billing, analytics):
            if isinstance(outcome, httpx2.HTTPError):
                return JsonResponse({"error": "an external service is unavailable"}, status=502)
            if isinstance(outcome, BaseException):
                raise outcome
        data = {"billing": billing, "analytics": analytics}
        await cache.aset(cache_key, data, settings.DASHBOARD_CACHE_SECONDS)
    return JsonResponse(data)


async def order_confirmation(request, order_id):
    user = await request.auser()
    if not user.is_authenticated:
        return redirect("login")

    # The template shows order.user and order.shipping_address: load them with the order.
    order = await aget_object_or_404(Order.objects.select_related("user", "shipping_address"), id=order_id)
    if order.user_id != user.pk:
        return HttpResponseForbidden()

    items = [item async for item in OrderItem.objects.filter(order=order).select_related("product")]
    payment = await Payment.objects.filter(order=order).afirst()

    # Hand the email to Django's task framework. With a worker-backed task backend it leaves
    # the request path entirely; the default ImmediateBackend runs it now, in a worker thread,
    # so the event loop stays free either way. Never asyncio.create_task() it: the task would
    # outlive the request and Django's per-request thread context.
    await send_order_confirmation.aenqueue(order.pk, user.email)

    return render(request, "shop/order_confirmation.html", {"order": order, "items": items, "payment": payment})
