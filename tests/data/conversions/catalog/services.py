"""Sync helpers the catalog views share (the way real projects grow them)."""

import csv

from asgiref.sync import sync_to_async
import json
import time
import urllib.request

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail

from catalog.models import Product, Review



def fetch_exchange_rate(currency):
    with urllib.request.urlopen(f"{settings.RATES_URL}?currency={currency}", timeout=5) as response:
        return json.load(response)["rate"]


def notify_low_stock(product):
    send_mail(f"Low stock: {product.name}", f"{product.stock} left", None, ["stock@example.com"])


def popular_product_ids():
    # Filled by a periodic job; an empty list until it first runs.
    return cache.get("popular-products") or []


def category_summary(category):
    return {"name": category.name, "products": category.products.count()}


def write_price_list(products, path):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        for product in products:
            writer.writerow([product.name, product.price])


def wait_for_rate_limit(seconds):
    time.sleep(seconds)


def approve(review):
    review.approved = True
    review.save(update_fields=["approved"])
    return review


def greeting_for(user):
    return f"Hello {user.get_username()}" if user.is_authenticated else "Hello"


def total_value(products):
    return sum(product.price * product.stock for product in products)


@sync_to_async
def load_dashboard_numbers():
    return {"products": Product.objects.count(), "reviews": Review.objects.count()}
