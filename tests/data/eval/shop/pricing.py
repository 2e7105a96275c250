"""Pricing and order helpers (sync)."""
from decimal import Decimal

import requests
from django.conf import settings

from .models import Coupon, Order, OrderItem, Product


def apply_coupon(subtotal, code):
    coupon = Coupon.objects.filter(code=code, active=True).first()
    if coupon is None:
        return subtotal
    return subtotal * (Decimal(100 - coupon.percent_off) / 100)


def cart_lines(cart):
    """cart: {product_id: quantity} taken from the session."""
    products = Product.active.filter(pk__in=cart.keys())
    return [(p, cart[str(p.pk)]) for p in products]


def format_price(amount, currency="EUR"):
    return f"{amount:.2f} {currency}"


def shipping_quote(country):
    resp = requests.post(settings.SHIPPING_API, json={"country": country}, timeout=10)
    return Decimal(resp.json()["price"])


def order_summary(order):
    return {
        "id": order.pk,
        "customer": order.customer.email,
        "status": order.status,
    }


def subtotal_of(lines):
    return sum((product.price * qty for product, qty in lines), Decimal("0"))


def in_stock_products():
    return Product.active.in_stock().select_related("category")
