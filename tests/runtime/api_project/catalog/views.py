"""Pages: templates rendered from async views, a class-based view with method_decorator."""

import logging

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.views import View

from catalog.models import Product

logger = logging.getLogger("catalog.views")


async def home(request):
    products = [product async for product in Product.objects.order_by("name")]
    logger.info("home page with %s products", len(products))
    return render(request, "catalog/home.html", {"products": products})


class MyProductsView(View):
    @method_decorator(login_required)  # on the async method: login_required wraps it async
    async def get(self, request):
        user = await request.auser()
        products = [product async for product in Product.objects.filter(owner=user).order_by("name")]
        return render(request, "catalog/my_products.html", {"products": products, "owner": user})


async def welcome(request):
    # The email template renders first, the page second.
    body = render_to_string("emails/welcome.txt", {"name": "friend"})
    logger.info("welcome mail: %s characters", len(body))
    return render(request, "catalog/home.html", {"products": []})

