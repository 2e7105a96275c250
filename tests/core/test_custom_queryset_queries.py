"""DJA102 on methods of the project's custom managers and QuerySets that run a query on their own
QuerySet (``Product.objects.featured()`` whose body is ``self.active().first()``)."""

import textwrap

import pytest

from verify.api import check_source

MODELS = '''
from django.db import models

class ProductQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def featured(self):
        return self.active().order_by("-stock").first()

    def total_stock(self):
        return self.aggregate(total=models.Sum("stock"))["total"]

    def describe(self):
        return "products"

class CodeManager(models.Manager):
    def by_code(self, code):
        return self.get(code=code)

    def codes_iterator(self):
        return self.values_list("code", flat=True).iterator()

class Product(models.Model):
    code = models.CharField(max_length=20)
    is_active = models.BooleanField(default=True)
    stock = models.IntegerField(default=0)
    objects = ProductQuerySet.as_manager()
    codes = CodeManager()
'''
HEADER = "from asgiref.sync import sync_to_async\nfrom django.http import JsonResponse\nfrom shop.models import Product\n"


def codes(code: str) -> list[str]:
    return [f.code for f in check_source(HEADER + textwrap.dedent(code), "shop/views.py", models_source=MODELS, select=["DJA1"])]


@pytest.mark.parametrize(
    "call",
    ["Product.objects.featured()", "Product.objects.active().featured()", "Product.objects.total_stock()",
     "Product.codes.by_code('A1')"],
)
def test_custom_method_that_queries_is_flagged(call):
    assert codes(f"async def v(request):\n    value = {call}\n    return JsonResponse({{}})\n") == ["DJA102"]


@pytest.mark.parametrize(
    "code",
    [
        # a custom method that returns a QuerySet, iterated asynchronously
        "async def v(request):\n    rows = [p async for p in Product.objects.active()]\n",
        # no query at all
        "async def v(request):\n    label = Product.objects.describe()\n",
        # building an iterator runs nothing
        "async def v(request):\n    it = Product.codes.codes_iterator()\n",
        # offloaded to a thread
        "async def v(request):\n    product = await sync_to_async(Product.objects.featured)()\n",
        # sync code
        "def v(request):\n    product = Product.objects.featured()\n",
    ],
)
def test_look_alikes_stay_clean(code):
    assert codes(code) == []
