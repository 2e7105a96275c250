import asyncio
import json
from decimal import Decimal

import boto3
import httpx2
import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import serializers
from django.core.cache import cache, caches
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F, Prefetch, Sum
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import aget_list_or_404, aget_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.views import View

from . import pricing
from .models import Address, Coupon, CustomerProfile, Order, OrderItem, Product, Wishlist
from .serializers import OrderSerializer, ProductSerializer
from .tasks import send_order_confirmation, sync_inventory

stock_cache = aioredis.Redis(host="localhost", port=6379, db=1)


async def product_list(request):
    products = Product.active.in_stock().select_related("category")
    total = await products.acount()
    return TemplateResponse(request, "shop/products.html", {"products": products, "total": total})


async def product_list_rendered(request):
    products = [p async for p in pricing.in_stock_products()]
    return render(request, "shop/products.html", {"products": products, "total": len(products)})


async def product_detail(request, sku):
    product = await Product.active.select_related("category").aget(sku=sku)
    category_name = product.category.name
    stock = await stock_cache.get(f"stock:{product.pk}")
    return JsonResponse({"sku": product.sku, "category": category_name, "category_id": product.category_id, "stock": int(stock or 0)})


async def product_json(request, sku):
    product = await Product.objects.aget(sku=sku)
    return JsonResponse(ProductSerializer(product).to_dict())


async def category_products(request, slug):
    products = await aget_list_or_404(Product.active, category__slug=slug)
    return JsonResponse({"products": [p.sku for p in products]})


async def cart_view(request):
    cart = await request.session.aget("cart", {})
    lines = await sync_to_async(pricing.cart_lines)(cart)
    subtotal = pricing.subtotal_of(lines)
    return JsonResponse({"lines": len(lines), "subtotal": pricing.format_price(subtotal)})


async def add_to_cart(request, product_id):
    product = await Product.active.aget(pk=product_id)
    cart = await request.session.aget("cart", {})
    cart[str(product.pk)] = cart.get(str(product.pk), 0) + 1
    await request.session.aset("cart", cart)
    return JsonResponse({"items": sum(cart.values())})


async def apply_coupon_view(request):
    code = request.POST.get("code", "")
    subtotal = Decimal(request.POST.get("subtotal", "0"))
    discounted = await sync_to_async(pricing.apply_coupon)(subtotal, code)
    coupon_exists = await Coupon.objects.filter(code=code).aexists()
    return JsonResponse({"total": str(discounted), "valid": coupon_exists})


def _place_order(user, cart):
    with transaction.atomic():
        order = Order.objects.create(customer=user)
        for product in Product.objects.select_for_update().filter(pk__in=cart.keys()):
            OrderItem.objects.create(order=order, product=product, quantity=cart[str(product.pk)], price=product.price)
            product.stock = F("stock") - cart[str(product.pk)]
            product.save(update_fields=["stock"])
    return order


@login_required
async def checkout(request):
    user = await request.auser()
    cart = await request.session.aget("cart", {})
    order = await sync_to_async(_place_order)(user, cart)
    await send_order_confirmation.aenqueue(order.pk)
    await request.session.apop("cart", None)
    return redirect("shop:order_detail", pk=order.pk)


@login_required
async def checkout_v2(request):
    user = await request.auser()
    cart = await request.session.aget("cart", {})
    order = await Order.objects.acreate(customer=user)
    products = await Product.objects.ain_bulk(list(cart.keys()))
    items = [OrderItem(order=order, product=p, quantity=cart[str(pk)], price=p.price) for pk, p in products.items()]
    await OrderItem.objects.abulk_create(items)
    quote = await asyncio.to_thread(pricing.shipping_quote, "FR")
    return JsonResponse({"order": order.pk, "shipping": str(quote), "items": len(items)})


@login_required
async def order_detail(request, pk):
    user = await request.auser()
    order = await aget_object_or_404(Order.objects.prefetch_related("items"), pk=pk, customer=user)
    items = order.items.select_related("product")
    total = order.total()
    return TemplateResponse(request, "shop/order_detail.html", {"order": order, "items": items, "total": total})


@login_required
async def order_json(request, pk):
    user = await request.auser()
    order = await Order.objects.prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.select_related("product"))
    ).aget(pk=pk, customer=user)
    return JsonResponse(OrderSerializer(order).data)


async def order_summary_json(request, pk):
    order = await Order.objects.select_related("customer").aget(pk=pk)
    return JsonResponse(pricing.order_summary(order))


@login_required
async def order_history(request):
    user = await request.auser()
    orders = [o async for o in Order.objects.filter(customer=user).order_by("-created")]
    data = serializers.serialize("json", orders)
    return HttpResponse(data, content_type="application/json")


@login_required
async def order_history_v2(request):
    user = await request.auser()
    rows = [row async for row in user.orders.values("id", "status", "created")]
    return JsonResponse({"orders": rows})


@login_required
async def reorder(request, pk):
    user = await request.auser()
    old = await Order.objects.aget(pk=pk, customer=user)
    new_order, created = await Order.objects.aget_or_create(customer=user, status="pending")
    async for item in old.items.all():
        await new_order.items.acreate(product_id=item.product_id, quantity=item.quantity, price=item.price)
    return redirect("shop:cart")


async def stripe_webhook(request):
    event = json.loads(request.body)
    order = await Order.objects.select_related("customer").aget(stripe_id=event["data"]["object"]["id"])
    await sync_to_async(order.mark_paid)(event["data"]["object"]["id"])
    customer = order.customer
    msg = EmailMessage("Payment received", "Thanks!", "shop@example.com", [customer.email])
    await sync_to_async(msg.send)()
    return HttpResponse(status=200)


async def pay(request, pk):
    order = await Order.objects.aget(pk=pk)
    async with httpx2.AsyncClient(auth=(settings.STRIPE_KEY, "")) as client:
        resp = await client.post(
            "https://api.stripe.com/v1/payment_intents",
            data={"amount": 1000, "currency": "eur"},
        )
    payload = resp.json()
    order.stripe_id = payload["id"]
    await order.asave(update_fields=["stripe_id"])
    return JsonResponse({"client_secret": payload.get("client_secret")})


def _upload(fileobj, key):
    s3 = boto3.client("s3")
    s3.upload_fileobj(fileobj, settings.MEDIA_BUCKET, key)


async def upload_product_image(request, pk):
    product = await Product.objects.aget(pk=pk)
    upload = request.FILES["image"]
    key = f"products/{product.sku}/{upload.name}"
    await asyncio.to_thread(_upload, upload, key)
    product.image_key = key
    await product.asave(update_fields=["image_key"])
    return JsonResponse({"key": key})


async def sales_report(request):
    revenue = await OrderItem.objects.filter(order__status="paid").aaggregate(total=Sum("price"))
    latest = await Order.objects.filter(status="paid").alatest("created")
    return JsonResponse({"revenue": str(revenue["total"]), "latest": latest.pk})


def _raw_count():
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM shop_order")
        return cursor.fetchone()[0]


async def raw_order_count(request):
    n = await sync_to_async(_raw_count)()
    return JsonResponse({"n": n})


async def sales_report_cached(request):
    report_cache = caches["reports"]
    data = await report_cache.aget("sales")
    if data is None:
        data = await OrderItem.objects.aaggregate(total=Sum("price"))
        await report_cache.aset("sales", data, 600)
    return JsonResponse({"total": str(data["total"])})


async def restock(request):
    ids = [int(x) for x in request.POST.getlist("ids")]
    await Product.objects.filter(pk__in=ids).aupdate(stock=100)
    await sync_inventory.aenqueue(ids)
    async with stock_cache.pipeline() as pipe:
        for pid in ids:
            pipe.set(f"stock:{pid}", 100)
        await pipe.execute()
    return JsonResponse({"restocked": len(ids)})


async def wishlist(request):
    user = await request.auser()
    wl, _ = await Wishlist.objects.aget_or_create(owner=user)
    names = [p.name async for p in wl.products.all()]
    await wl.products.aadd(int(request.GET["add"]))
    return JsonResponse({"products": names})


async def customer_profile(request):
    user = await request.auser()
    profile = await CustomerProfile.objects.select_related("default_address").aget(user=user)
    address = profile.default_address
    return JsonResponse({"phone": profile.phone, "city": address.city if address else None})


async def loyalty(request):
    user = await request.auser()
    await CustomerProfile.objects.filter(user=user).aupdate(loyalty_points=F("loyalty_points") + 10)
    profile = await CustomerProfile.objects.aget(user=user)
    return JsonResponse({"points": profile.loyalty_points})


async def address_book(request):
    user = await request.auser()
    addresses = [a async for a in user.addresses.all()]
    return JsonResponse({"n": len(addresses), "cities": [a.city for a in addresses]})


async def order_counts(request):
    user = await request.auser()
    pending, paid = await asyncio.gather(
        user.orders.filter(status="pending").acount(),
        user.orders.filter(status="paid").acount(),
    )
    return JsonResponse({"pending": pending, "paid": paid})


async def product_feed(request):
    async def rows():
        async for sku, price in Product.active.values_list("sku", "price").aiterator():
            yield f"{sku},{price}\n"

    return StreamingHttpResponse(rows(), content_type="text/csv")


async def coupon_lookup(request):
    codes = {"WELCOME": 10, "VIP": 25}
    percent = codes.get(request.GET.get("code", "").upper(), 0)
    settings_cache = {"currency": "EUR"}
    currency = settings_cache.get("currency")
    return JsonResponse({"percent": percent, "currency": currency})


class CartAPI(View):
    async def get(self, request):
        cart = await request.session.aget("cart", {})
        lines = await sync_to_async(pricing.cart_lines)(cart)
        return JsonResponse({"lines": [self.line(p, q) for p, q in lines]})

    async def delete(self, request):
        await request.session.apop("cart", None)
        return JsonResponse({"ok": True})

    def line(self, product, qty):
        return {"sku": product.sku, "qty": qty, "price": pricing.format_price(product.price)}


class OrderCancelView(View):
    async def post(self, request, pk):
        user = await request.auser()
        order = await Order.objects.aget(pk=pk, customer=user)
        await sync_to_async(self.release_stock)(order)
        order.status = "cancelled"
        await order.asave()
        return redirect("shop:order_detail", pk=pk)

    def release_stock(self, order):
        product_ids = order.items.values("product_id")
        Product.objects.filter(pk__in=product_ids).update(stock=F("stock") + 1)


async def stock_report(request):
    def build():
        return {p.sku: p.stock for p in Product.active.all()}

    data = await sync_to_async(build)()
    return JsonResponse(data)


async def wishlist_flags(request):
    user = await request.auser()
    wished = {pk async for pk in Product.objects.filter(wishlists__owner=user).values_list("pk", flat=True)}
    products = [p async for p in Product.active.all()[:50]]
    return JsonResponse({"flags": {p.sku: p.pk in wished for p in products}})


async def order_totals(request):
    user = await request.auser()
    orders = [o async for o in user.orders.prefetch_related("items")[:20]]
    totals = await asyncio.gather(*[asyncio.to_thread(pricing.format_price, o.total()) for o in orders])
    first = await asyncio.wait_for(Order.objects.filter(customer=user).afirst(), timeout=2)
    return JsonResponse({"totals": totals, "first": first.pk if first else None})


async def order_coupon(request, pk):
    order = await Order.objects.select_related().aget(pk=pk)
    coupon = await Coupon.objects.filter(pk=order.coupon_id).afirst() if order.coupon_id else None
    return JsonResponse({"customer": order.customer.email, "coupon": coupon.code if coupon else None})


async def order_customer_threaded(request, pk):
    order = await sync_to_async(Order.objects.select_related("customer").get)(pk=pk)
    return JsonResponse({"customer": order.customer.email})


async def order_address(request, pk):
    order = await aget_object_or_404(Order.objects.select_related("shipping_address"), pk=pk)
    address = order.shipping_address
    return JsonResponse({"city": address.city if address else None})


async def bulk_categories(request):
    ids = [int(x) for x in request.GET.getlist("id")]
    products = await Product.objects.select_related("category").ain_bulk(ids)
    return JsonResponse({pk: p.category.name for pk, p in products.items()})


class BaseCheckoutView(View):
    async def load_cart(self, request):
        return await request.session.aget("cart", {})


class ExpressCheckoutView(BaseCheckoutView):
    async def load_cart(self, request):
        cart = await super().load_cart(request)
        return {k: v for k, v in cart.items() if v > 0}

    async def get(self, request):
        cart = await self.load_cart(request)
        order = await Order.objects.filter(status="pending").afirst()
        return JsonResponse({"items": len(cart), "paid": order.is_paid() if order else False})
