"""Sync Django APIs left in async views: shortcuts, sessions, transactions, pagination, auth,
tasks, raw cursors and lazy QuerySets handed to templates and responses."""

from django.contrib.auth import authenticate, login
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from shop.models import Order, Product
from shop.tasks import send_order_confirmation


async def product_page(request, product_id):
    product = get_object_or_404(Product, pk=product_id)  # expect: DJA110 use aget_object_or_404
    request.session["last_product"] = product.pk  # expect: DJA108 sync session access (use aset)
    return HttpResponse(product.name)


async def place_order(request, order_id):
    user = await request.auser()
    with transaction.atomic():  # expect: DJA109 transaction.atomic() cannot be used in async code
        order = await Order.objects.aget(pk=order_id, user=user)
    send_order_confirmation.enqueue(order.pk, user.email)  # expect: DJA113 use aenqueue()
    return HttpResponse(status=204)


async def catalogue(request):
    page = Paginator(Product.objects.order_by("name"), 20).page(1)  # expect: DJA111 use AsyncPaginator
    return render(request, "shop/catalogue.html", {"page": page})


async def sign_in(request):
    user = authenticate(request, username=request.POST["username"], password=request.POST["password"])  # expect: DJA112 use aauthenticate
    if user is not None:
        login(request, user)  # expect: DJA112 use alogin
    return HttpResponse(status=204)


async def raw_count(request):
    with connection.cursor() as cursor:  # expect: DJA114 a DB cursor in async code
        cursor.execute("SELECT COUNT(*) FROM shop_product")
        (count,) = cursor.fetchone()
    return JsonResponse({"count": count})


async def order_history(request):
    user = await request.auser()
    orders = Order.objects.filter(user=user).order_by("-created")
    return render(request, "shop/orders.html", {"orders": orders})  # expect: DJA201 the template would evaluate the QuerySet


async def product_names_json(request):
    names = Product.objects.values_list("name", flat=True)
    return JsonResponse({"names": list(names)})  # expect: DJA103 list() evaluates the QuerySet synchronously
