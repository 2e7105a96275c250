"""Async ORM mistakes assistants make when they guess the API from the sync one.

Every view but the last would raise at runtime (SynchronousOnlyOperation, TypeError or
AttributeError), some of them only for some data: a test with an empty table or an anonymous
client does not catch them.
The last one works, but does not do what its author thinks.
"""

import asyncio

from django.db.models import Sum
from django.http import JsonResponse

from shop.models import Order, OrderItem, Product, Review


async def product_names(request, category_id):
    # A QuerySet is not awaitable, and there is no afilter(): filter() is lazy and stays sync.
    products = await Product.objects.filter(category_id=category_id)  # expect: DJA104 awaiting a QuerySet
    cheap = await Product.objects.afilter(price__lt=10)  # expect: DJA105 afilter does not exist
    return JsonResponse({"names": [p.name for p in products], "cheap": [p.name async for p in cheap]})


async def product_stats(request, product_id):
    product = Product.objects.aget(pk=product_id)  # expect: DJA101 no await: `product` is a coroutine
    count = Review.objects.filter(product_id=product_id).count()  # expect: DJA102 sync count() in async code
    return JsonResponse({"product": str(product), "reviews": count})


async def order_lines(request, order_id):
    items = OrderItem.objects.filter(order_id=order_id)
    if not items:  # expect: DJA103 bool() evaluates the QuerySet synchronously
        return JsonResponse({"lines": []})
    lines = []
    for item in items:  # expect: DJA103 a sync for loop evaluates the QuerySet
        lines.append({"product": item.product_id, "quantity": item.quantity})
    return JsonResponse({"lines": lines, "count": len(items)})  # expect: DJA103 len() evaluates the QuerySet


async def last_order_customer(request):
    order = await Order.objects.order_by("-created").afirst()
    # expect: DJA106 lazy relation order.user (no select_related)
    return JsonResponse({"customer": order.user.username})


async def order_total(request, order_id):
    order = await Order.objects.aget(pk=order_id)
    total = order.items.aggregate(total=Sum("unit_price"))  # expect: DJA102 sync aggregate() on a related manager
    return JsonResponse({"order": order.pk, "total": str(total["total"])})


async def shop_counts(request):
    # Correct, and no faster than awaiting in turn: Django runs a request's ORM calls one at a time.
    products, reviews = await asyncio.gather(  # expect: DJA406 gather over ORM calls only runs them serially
        Product.objects.acount(),
        Review.objects.acount(),
    )
    return JsonResponse({"products": products, "reviews": reviews})
