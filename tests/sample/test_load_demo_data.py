"""``manage.py load_demo_data`` builds a consistent shop and never touches a shop that has data."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from shop.models import Category, Order, Payment, Product, Profile


def load(**options) -> str:
    out = io.StringIO()
    call_command("load_demo_data", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_loads_customers_who_can_log_in_with_profiles_orders_and_payments():
    assert "Loaded 4 customers" in load(users=4, password="s3cret")

    assert Product.objects.count() == 48
    assert Profile.objects.count() == 4
    assert Order.objects.count() == 8
    assert Payment.objects.count() == 4, "each customer's first order is paid, the second pending"
    assert all(order.items.count() == 3 for order in Order.objects.all())
    assert authenticate(username="customer3", password="s3cret") is not None


@pytest.mark.django_db
def test_second_run_leaves_existing_data_alone():
    load(users=2)
    Category.objects.create(name="Added by hand")

    assert "nothing loaded" in load(users=5)
    assert Profile.objects.count() == 2
    assert Category.objects.filter(name="Added by hand").exists()


@pytest.mark.django_db
def test_zero_users_is_refused():
    with pytest.raises(CommandError, match="at least 1"):
        load(users=0)


@pytest.mark.django_db
def test_demo_customer_logs_in_through_the_login_page_and_lands_on_the_async_dashboard(client):
    load(users=1)
    response = client.post("/accounts/login/", {"username": "customer1", "password": "demo"})
    assert (response.status_code, response["Location"]) == (302, "/async/dashboard/")
