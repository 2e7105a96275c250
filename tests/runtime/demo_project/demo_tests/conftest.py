import pytest

from demo.models import Order


@pytest.fixture
def order(db, django_user_model):
    customer = django_user_model.objects.create_user(username="customer", password="pw")
    return Order.objects.create(item="teapot", customer=customer)


@pytest.fixture
def async_verify_url_kwargs(order):
    return {"demo:order_detail": {"pk": order.pk}}


@pytest.fixture
def async_verify_other_user(django_user_model):
    return django_user_model.objects.create_user(username="someone-else", password="pw")
