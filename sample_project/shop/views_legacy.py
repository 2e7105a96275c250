"""The legacy synchronous views, as the tutorial starts from them.

Two changes to the tutorial's "before" code, so that the legacy and async versions can be held to
the same behaviour: a missing product or order gives 404 (the tutorial's ``.get()`` gives a 500),
and the dashboard requires a login and answers 502 when an external API fails (the tutorial's
crashes with a 500 on an anonymous user or an API error).
"""

import httpx2
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Count
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from .emails import send_order_email
from .http import TLS_CONTEXT
from .models import Category, Order, OrderItem, Payment, Product, Review


def product_detail(request, product_id):
    product = get_object_or_404(Product, id=product_id)
    reviews = Review.objects.filter(product=product).order_by("-created")[:5]
    related = Product.objects.filter(category=product.category).exclude(id=product_id).order_by("name")[:4]
    return render(request, "shop/product_detail.html", {"product": product, "reviews": reviews, "related": related})


def _get_json(client: httpx2.Client, url: str) -> dict:
    response = client.get(url)
    response.raise_for_status()
    return response.json()


@login_required
def user_dashboard(request):
    user = request.user
    cache_key = f"dashboard:{user.pk}"
    data = cache.get(cache_key)
    if data is None:
        profile = user.profile
        try:
            # One call after the other: about twice the latency of one API.
            with httpx2.Client(timeout=settings.EXTERNAL_API_TIMEOUT_SECONDS, verify=TLS_CONTEXT) as client:
                billing = _get_json(client, f"{settings.PAYMENTS_API_URL}/customers/{profile.payments_customer_id}")
                analytics = _get_json(client, f"{settings.ANALYTICS_API_URL}/users/{user.id}")
        except httpx2.HTTPError:
            return JsonResponse({"error": "an external service is unavailable"}, status=502)
        data = {"billing": billing, "analytics": analytics}
        cache.set(cache_key, data, settings.DASHBOARD_CACHE_SECONDS)
    return JsonResponse(data)


def order_confirmation(request, order_id):
    if not request.user.is_authenticated:
        return redirect("login")

    order = get_object_or_404(Order.objects.select_related("user", "shipping_address"), id=order_id)
    if order.user != request.user:
        return HttpResponseForbidden()

    items = OrderItem.objects.filter(order=order).select_related("product")
    payment = Payment.objects.filter(order=order).first()

    # Sends on the request path: the response waits for the mail server.
    send_order_email(order.pk, request.user.email)

    return render(request, "shop/order_confirmation.html", {"order": order, "items": items, "payment": payment})


def category_list(request):
    """One query and no I/O to overlap: this view stays sync (see ``views_async``)."""
    categories = Category.objects.annotate(product_count=Count("products")).order_by("name")
    return render(request, "shop/category_list.html", {"categories": categories})
