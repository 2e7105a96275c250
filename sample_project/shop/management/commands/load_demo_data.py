"""``manage.py load_demo_data``: a small, deterministic shop to click through and benchmark."""

import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from shop.models import Address, Category, Order, OrderItem, Payment, Product, Profile, Review

CATEGORIES = ["Books", "Coffee", "Garden", "Kitchen", "Music", "Outdoor"]
PRODUCTS_PER_CATEGORY = 8
ORDERS_PER_USER = 2
ITEMS_PER_ORDER = 3


class Command(BaseCommand):
    help = "Load demo users, products, reviews and orders (does nothing if the shop has data)."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50, help="number of customers (default 50)")
        parser.add_argument("--password", default="demo", help="password of every customer (default 'demo')")
        parser.add_argument("--seed", type=int, default=12, help="random seed (default 12)")

    def handle(self, *args, users, password, seed, **options):
        if users < 1:
            raise CommandError("--users must be at least 1")
        if Category.objects.exists():
            self.stdout.write("The shop already has data; nothing loaded.")
            return
        with transaction.atomic():
            self.load(users, password, random.Random(seed))
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {users} customers (customer1..customer{users}, password {password!r}), "
                f"{len(CATEGORIES) * PRODUCTS_PER_CATEGORY} products and {users * ORDERS_PER_USER} orders."
            )
        )

    def load(self, user_count: int, password: str, rng: random.Random) -> None:
        # Hash once: PBKDF2 takes about half a second per call, and the customers share the password.
        password_hash = make_password(password)
        users = get_user_model().objects.bulk_create(
            get_user_model()(username=f"customer{i}", email=f"customer{i}@example.com", password=password_hash)
            for i in range(1, user_count + 1)
        )
        Profile.objects.bulk_create(Profile(user=user, payments_customer_id=f"cus_{user.pk:05d}") for user in users)
        addresses = Address.objects.bulk_create(
            Address(user=user, line1=f"{rng.randint(1, 200)} Main Street", city="Lyon", postcode="69001", country="FR")
            for user in users
        )

        categories = Category.objects.bulk_create(Category(name=name) for name in CATEGORIES)
        products = Product.objects.bulk_create(
            Product(
                category=category,
                name=f"{category.name} item {n}",
                description=f"A fine {category.name.lower()} item.",
                price=Decimal(rng.randint(300, 9900)) / 100,
            )
            for category in categories
            for n in range(1, PRODUCTS_PER_CATEGORY + 1)
        )
        Review.objects.bulk_create(
            Review(product=product, author=rng.choice(users), rating=rng.randint(1, 5), body="Does what it says.")
            for product in products
            for _ in range(rng.randint(0, 7))
        )

        orders = Order.objects.bulk_create(
            Order(user=user, shipping_address=address)
            for user, address in zip(users, addresses)
            for _ in range(ORDERS_PER_USER)
        )
        items = OrderItem.objects.bulk_create(
            OrderItem(order=order, product=product, quantity=rng.randint(1, 3), unit_price=product.price)
            for order in orders
            for product in rng.sample(products, ITEMS_PER_ORDER)
        )
        totals: dict[int, Decimal] = {}
        for item in items:
            totals[item.order_id] = totals.get(item.order_id, Decimal(0)) + item.line_total
        # Each customer's first order is paid, the second is still pending.
        Payment.objects.bulk_create(
            Payment(order=order, amount=totals[order.pk], provider_reference=f"pay_{order.pk:06d}", paid_at=timezone.now())
            for order in orders[::ORDERS_PER_USER]
        )
