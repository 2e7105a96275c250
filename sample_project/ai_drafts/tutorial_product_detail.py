"""The tutorial's "after" version of product_detail (Step 3), as published.

What is wrong: ``product.category`` is a lazy relation (the product was fetched without
``select_related``), so touching it in async code raises SynchronousOnlyOperation; and a QuerySet
is not awaitable, so ``asyncio.gather`` over two QuerySets raises TypeError. Even with awaitable
ORM calls, gather would not run them in parallel: Django runs them one after another. And
``render()`` runs the template on the event loop, where ``{{ product.category.name }}`` loads the
same relation.
"""

import asyncio

from django.shortcuts import render

from shop.models import Product, Review


async def product_detail(request, product_id):
    product_task = Product.objects.aget(id=product_id)
    product = await product_task

    reviews_task = Review.objects.filter(product=product).order_by("-created")[:5]
    # expect: DJA106 lazy relation product.category (product was fetched without select_related)
    related_task = Product.objects.filter(category=product.category).exclude(id=product_id)[:4]

    reviews, related = await asyncio.gather(
        reviews_task,  # expect: DJA104 a QuerySet passed to asyncio.gather is not awaitable
        related_task,  # expect: DJA104 a QuerySet passed to asyncio.gather is not awaitable
    )

    # expect: DJA203 render() runs the template here, and it reads product.category, not loaded
    return render(
        request,
        "shop/product_detail.html",
        {"product": product, "reviews": list(reviews), "related": list(related)},
    )
