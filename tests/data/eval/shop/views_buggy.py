import asyncio
import json
import subprocess
import urllib.request
from decimal import Decimal

import boto3
import redis
import requests
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import serializers
from django.core.cache import caches
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F, Sum
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_list_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views import View

from . import pricing
from .models import Address, Coupon, CustomerProfile, Order, OrderItem, Product, Wishlist
from .serializers import OrderSerializer, ProductSerializer
from .tasks import send_order_confirmation, sync_inventory

s3 = boto3.client("s3")
stock_cache = redis.Redis(host="localhost", port=6379, db=1)


async def product_list(request):
    products = Product.active.in_stock().select_related("category")
    total = await products.acount()
    return render(request, "shop/products.html", {"products": products, "total": total})  # expect: DJA201


async def product_detail(request, sku):
    product = await Product.active.aget(sku=sku)
    category_name = product.category.name  # expect: DJA106
    stock = stock_cache.get(f"stock:{product.pk}")  # expect: DJA309
    return JsonResponse({"sku": product.sku, "category": category_name, "stock": int(stock or 0)})


async def product_json(request, sku):
    product = await Product.objects.aget(sku=sku)
    return JsonResponse(ProductSerializer(product).to_dict())


async def category_products(request, slug):
    products = get_list_or_404(Product.active, category__slug=slug)  # expect: DJA110
    return JsonResponse({"products": [p.sku for p in products]})


async def cart_view(request):
    cart = request.session.get("cart", {})  # expect: DJA108
    lines = pricing.cart_lines(cart)  # expect: DJA103 helper
    subtotal = pricing.subtotal_of(lines)
    return JsonResponse({"lines": len(lines), "subtotal": str(subtotal)})


async def add_to_cart(request, product_id):
    product = await Product.active.aget(pk=product_id)
    cart = request.session.setdefault("cart", {})  # expect: DJA108
    cart[str(product.pk)] = cart.get(str(product.pk), 0) + 1
    request.session.modified = True
    return JsonResponse({"items": sum(cart.values())})


async def apply_coupon_view(request):
    code = request.POST.get("code", "")
    cart = await request.session.aget("cart", {})
    subtotal = Decimal(request.POST.get("subtotal", "0"))
    discounted = pricing.apply_coupon(subtotal, code)  # expect: DJA102 helper
    coupon_exists = Coupon.objects.filter(code=code).exists()  # expect: DJA102
    return JsonResponse({"total": str(discounted), "valid": coupon_exists, "n": len(cart)})


@login_required
async def checkout(request):
    user = await request.auser()
    cart = await request.session.aget("cart", {})
    async with transaction.atomic():  # expect: DJA109
        order = await Order.objects.acreate(customer=user)
        for product in Product.objects.filter(pk__in=cart.keys()):  # expect: DJA103
            await OrderItem.objects.acreate(order=order, product=product, quantity=cart[str(product.pk)], price=product.price)
    send_order_confirmation.enqueue(order.pk)  # expect: DJA113
    return redirect("shop:order_detail", pk=order.pk)


@login_required
async def checkout_v2(request):
    user = await request.auser()
    cart = await request.session.aget("cart", {})
    order = Order.objects.create(customer=user)  # expect: DJA102
    products = await Product.objects.ain_bulk(list(cart.keys()))
    items = [OrderItem(order=order, product=p, quantity=cart[str(pk)], price=p.price) for pk, p in products.items()]
    OrderItem.objects.bulk_create(items)  # expect: DJA102
    quote = pricing.shipping_quote("FR")  # expect: DJA301 helper
    await send_order_confirmation.aenqueue(order.pk)
    return JsonResponse({"order": order.pk, "shipping": str(quote)})


@login_required
async def order_detail(request, pk):
    user = await request.auser()
    order = await Order.objects.aget(pk=pk, customer=user)
    items = order.items.select_related("product")
    total = order.total()  # expect: DJA103 helper
    return render(request, "shop/order_detail.html", {"order": order, "items": items, "total": total})  # expect: DJA201


@login_required
async def order_json(request, pk):
    user = await request.auser()
    order = await Order.objects.aget(pk=pk, customer=user)
    return JsonResponse(OrderSerializer(order).data)  # expect: DJA103 helper, DJA106 helper


async def order_summary_json(request, pk):
    order = await Order.objects.aget(pk=pk)
    return JsonResponse(pricing.order_summary(order))  # expect: DJA106 helper


@login_required
async def order_history(request):
    orders = Order.objects.filter(customer=request.user).order_by("-created")  # expect: DJA107
    data = serializers.serialize("json", orders)  # expect: DJA202
    return HttpResponse(data, content_type="application/json")


@login_required
async def order_history_v2(request):
    user = await request.auser()
    orders = user.orders.all()
    return HttpResponse(orders)  # expect: DJA202


@login_required
async def reorder(request, pk):
    user = await request.auser()
    old = await Order.objects.aget(pk=pk, customer=user)
    new_order, created = Order.objects.aget_or_create(customer=user, status="pending")  # expect: DJA101
    async for item in old.items.all():
        await OrderItem.objects.acreate(order=new_order, product_id=item.product_id, quantity=item.quantity, price=item.price)
    return redirect("shop:cart")


async def stripe_webhook(request):
    event = json.loads(request.body)
    order = await Order.objects.aget(stripe_id=event["data"]["object"]["id"])
    order.mark_paid(event["data"]["object"]["id"])  # expect: DJA102 helper
    customer = order.customer  # expect: DJA106
    msg = EmailMessage("Payment received", "Thanks!", "shop@example.com", [customer.email])
    msg.send()  # expect: DJA306
    return HttpResponse(status=200)


async def pay(request, pk):
    order = await Order.objects.aget(pk=pk)
    resp = requests.post(  # expect: DJA301
        "https://api.stripe.com/v1/payment_intents",
        data={"amount": 1000, "currency": "eur"},
        auth=(settings.STRIPE_KEY, ""),
    )
    order.stripe_id = resp.json()["id"]
    await order.asave(update_fields=["stripe_id"])
    return JsonResponse({"client_secret": resp.json()["client_secret"]})


async def exchange_rate(request):
    with urllib.request.urlopen("https://api.example.com/rates/EUR") as r:  # expect: DJA301
        rates = json.load(r)
    return JsonResponse(rates)


async def invoice_pdf(request, pk):
    order = await Order.objects.aget(pk=pk)
    html = f"<h1>Invoice {order.pk}</h1>"
    pdf = subprocess.run(["wkhtmltopdf", "-", "-"], input=html.encode(), capture_output=True).stdout  # expect: DJA304
    return HttpResponse(pdf, content_type="application/pdf")


async def upload_product_image(request, pk):
    product = await Product.objects.aget(pk=pk)
    upload = request.FILES["image"]
    key = f"products/{product.sku}/{upload.name}"
    s3.upload_fileobj(upload, settings.MEDIA_BUCKET, key)  # expect: DJA309
    product.image_key = key
    await product.asave(update_fields=["image_key"])
    return JsonResponse({"key": key})


async def product_image_url(request, pk):
    product = await Product.objects.aget(pk=pk)
    client = boto3.client("s3")
    url = client.generate_presigned_url("get_object", Params={"Bucket": settings.MEDIA_BUCKET, "Key": product.image_key})
    head = client.head_object(Bucket=settings.MEDIA_BUCKET, Key=product.image_key)  # expect: DJA309
    return JsonResponse({"url": url, "size": head["ContentLength"]})


async def sales_report(request):
    revenue = OrderItem.objects.filter(order__status="paid").aggregate(total=Sum("price"))  # expect: DJA102
    latest = Order.objects.filter(status="paid").latest("created")  # expect: DJA102
    with connection.cursor() as cursor:  # expect: DJA114
        cursor.execute("SELECT COUNT(*) FROM shop_order")
        n = cursor.fetchone()[0]
    return JsonResponse({"revenue": str(revenue["total"]), "latest": latest.pk, "n": n})


async def sales_report_cached(request):
    report_cache = caches["reports"]
    data = report_cache.get("sales")  # expect: DJA307
    if data is None:
        data = await OrderItem.objects.aaggregate(total=Sum("price"))
        report_cache.set("sales", data, 600)  # expect: DJA307
    return JsonResponse({"total": str(data["total"])})


async def restock(request):
    ids = [int(x) for x in request.POST.getlist("ids")]
    Product.objects.filter(pk__in=ids).update(stock=100)  # expect: DJA102
    sync_inventory.enqueue(ids)  # expect: DJA113
    for pid in ids:
        stock_cache.set(f"stock:{pid}", 100)  # expect: DJA309
    return JsonResponse({"restocked": len(ids)})


async def wishlist(request):
    user = await request.auser()
    wl, _ = await Wishlist.objects.aget_or_create(owner=user)
    products = wl.products.all()
    names = [p.name for p in products]  # expect: DJA103
    wl.products.add(int(request.GET["add"]))  # expect: DJA102
    return JsonResponse({"products": names})


async def customer_profile(request):
    user = await request.auser()
    profile = user.customer  # expect: DJA106
    address = profile.default_address  # expect: DJA106
    return JsonResponse({"phone": profile.phone, "city": address.city if address else None})


async def loyalty(request):
    user = await request.auser()
    profile = await CustomerProfile.objects.aget(user=user)
    profile.loyalty_points += 10
    profile.save(update_fields=["loyalty_points"])  # expect: DJA102
    await profile.arefresh_from_db()
    return JsonResponse({"points": profile.loyalty_points})


async def address_book(request):
    user = await request.auser()
    addresses = await user.addresses.aall()  # expect: DJA105
    return JsonResponse({"n": len(addresses)})


async def order_counts(request):
    user = await request.auser()
    pending, paid = await asyncio.gather(
        user.orders.filter(status="pending").acount(),
        user.orders.filter(status="paid").count(),  # expect: DJA102
    )
    return JsonResponse({"pending": pending, "paid": paid})


class CartAPI(View):
    async def get(self, request):
        cart = await request.session.aget("cart", {})
        lines = await sync_to_async(pricing.cart_lines)(cart)
        return JsonResponse({"lines": [self.line(p, q) for p, q in lines]})

    async def delete(self, request):
        request.session.pop("cart", None)  # expect: DJA108
        return JsonResponse({"ok": True})

    def line(self, product, qty):
        return {"sku": product.sku, "qty": qty, "price": pricing.format_price(product.price)}


class OrderCancelView(View):
    async def post(self, request, pk):
        user = await request.auser()
        order = await Order.objects.aget(pk=pk, customer=user)
        self.release_stock(order)  # expect: DJA102 helper
        order.status = "cancelled"
        await order.asave()
        return redirect("shop:order_detail", pk=pk)

    def release_stock(self, order):
        product_ids = order.items.values("product_id")
        Product.objects.filter(pk__in=product_ids).update(stock=F("stock") + 1)


async def order_coupon(request, pk):
    order = await Order.objects.select_related().aget(pk=pk)
    coupon = order.coupon  # expect: DJA106
    return JsonResponse({"customer": order.customer.email, "coupon": coupon.code if coupon else None})


async def order_customer_threaded(request, pk):
    order = await sync_to_async(Order.objects.get)(pk=pk)
    return JsonResponse({"customer": order.customer.email})  # expect: DJA106


async def order_address(request, pk):
    from django.shortcuts import aget_object_or_404

    order = await aget_object_or_404(Order, pk=pk)
    address = order.shipping_address  # expect: DJA106
    return JsonResponse({"city": address.city if address else None})


async def bulk_categories(request):
    ids = [int(x) for x in request.GET.getlist("id")]
    products = await Product.objects.ain_bulk(ids)
    return JsonResponse({pk: p.category.name for pk, p in products.items()})  # expect: DJA106


class BaseCheckoutView(View):
    def load_cart(self, request):
        return request.session.get("cart", {})


class ExpressCheckoutView(BaseCheckoutView):
    def load_cart(self, request):
        cart = super().load_cart(request)
        return {k: v for k, v in cart.items() if v > 0}

    async def get(self, request):
        cart = self.load_cart(request)  # expect: DJA108 helper
        return JsonResponse({"items": len(cart)})
