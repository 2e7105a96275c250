"""Endpoints with the bugs the plugin must still report, one per operation."""

import time
import urllib.request

from adrf.views import APIView
from django.conf import settings
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from ninja import NinjaAPI
from rest_framework.response import Response

from catalog.models import Product

api = NinjaAPI(urls_namespace="planted")


@api.get("/sync-orm")
async def sync_orm_count(request):
    return {"count": Product.objects.count()}  # planted: sync ORM call


@api.get("/sleep")
async def sleepy_price(request):
    time.sleep(0.001)  # planted: blocks the loop in a ninja operation
    return {"ok": True}


@api.get("/sync-http/{product_id}")
async def sync_supplier_price(request, product_id: int):
    with urllib.request.urlopen(f"{settings.SUPPLIER_API_URL}/prices/{product_id}", timeout=2) as response:  # planted
        return {"price": response.read().decode()}


@api.get("/file-write")
async def export_products(request):
    with open(settings.BASE_DIR / "export.csv", "w") as export:
        export.write("id,name\n")  # planted: a file write on the loop
    return {"exported": True}


@api.get("/lazy-fk/{product_id}")
async def product_supplier(request, product_id: int):
    product = await Product.objects.aget(id=product_id)
    return {"supplier": product.supplier.name}  # planted: lazy foreign key


@api.get("/three-bugs/{product_id}")
async def three_bugs(request, product_id: int):
    time.sleep(0.001)  # planted: the first bug must not hide the next ones
    count = Product.objects.count()  # planted: a sync ORM call after it
    product = await Product.objects.aget(id=product_id)
    return {"count": count, "supplier": product.supplier.name}  # planted: and a lazy foreign key


class SlowCountView(APIView):
    async def get(self, request):
        time.sleep(0.001)  # planted: blocks the loop in an adrf view
        return Response({"count": await Product.objects.acount()})


class SlowPageView(View):
    @method_decorator(never_cache)
    async def get(self, request):
        time.sleep(0.001)  # planted: blocks the loop behind method_decorator
        return HttpResponse("slow")
