"""DJA203: an eager render() in async code whose template reads relations the query did not load."""

import textwrap

import pytest

from verify.api import check_paths

MODELS = '''
from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=50)
    referrer = models.ForeignKey("self", null=True, on_delete=models.SET_NULL)


class Product(models.Model):
    name = models.CharField(max_length=50)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    number = models.CharField(max_length=10)


class Item(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
'''

DETAIL = """{% extends "base.html" %}
{% block content %}
<h1>{{ order.number }} for {{ order.customer.name|upper }}</h1>
{% for item in order.items.all %}
  <li>{{ item.product.name }} of {{ item.order.number }}</li>
{% endfor %}
{# {{ order.customer.referrer.name }} #}
{% endblock %}
"""

LIST = """<ul>{% for o in orders %}<li>{{ o.number }}: {{ o.customer.name }}</li>{% endfor %}</ul>
{% with first=orders.0 %}{{ first.number }}{% endwith %}
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "manage.py").write_text("")
    shop = tmp_path / "shop"
    (shop / "templates" / "shop").mkdir(parents=True)
    (shop / "__init__.py").write_text("")
    (shop / "models.py").write_text(MODELS)
    (shop / "templates" / "shop" / "detail.html").write_text(DETAIL)
    (shop / "templates" / "shop" / "list.html").write_text(LIST)
    monkeypatch.chdir(tmp_path)

    def check(code: str) -> list:
        (shop / "views.py").write_text(textwrap.dedent(code))
        return check_paths(["shop"], select=["DJA1", "DJA2"], cache=False).findings

    return check


def test_templates_that_follow_relations_not_loaded_are_flagged(project):
    found = project("""
        from django.shortcuts import render
        from django.template.loader import render_to_string
        from shop.models import Order

        async def detail(request, pk):
            order = await Order.objects.aget(pk=pk)
            return render(request, "shop/detail.html", {"order": order})

        async def half_loaded(request, pk):
            order = await Order.objects.select_related("customer").aget(pk=pk)
            context = {"order": order}
            return render(request, "shop/detail.html", context)

        async def listing(request):
            orders = [o async for o in Order.objects.all()]
            return render_to_string("shop/list.html", {"orders": orders})
    """)
    assert [(f.line, f.code) for f in found] == [(8, "DJA203"), (13, "DJA203"), (17, "DJA203")]
    assert "reads `order.customer` (line 3) (and 1 more: `order.items`)" in found[0].message
    assert 'select_related("customer").prefetch_related("items")' in found[0].hint
    assert "`order.items` (line 4)" in found[1].message and 'prefetch_related("items")' in found[1].hint
    assert "`o.customer` (line 1)" in found[2].message


def test_template_lines_are_counted_past_loops():
    from verify.analysis.template_reads import reads

    found = reads("{% for o in orders %}\n{{ o.customer }}\n{% endfor %}\n{{ order.customer }}\n")
    assert [(read.text, read.line) for read in found] == [("orders", 1), ("o.customer", 2), ("order.customer", 4)]


def test_loaded_relations_template_responses_and_unknown_templates_are_not_flagged(project):
    assert project("""
        from django.db.models import Prefetch
        from django.shortcuts import render
        from django.template.response import TemplateResponse
        from shop.models import Item, Order

        async def detail(request, pk):
            order = await Order.objects.select_related("customer").prefetch_related(
                Prefetch("items", queryset=Item.objects.select_related("product"))).aget(pk=pk)
            return render(request, "shop/detail.html", {"order": order})

        async def listing(request):
            orders = [o async for o in Order.objects.select_related("customer")]
            return render(request, "shop/list.html", {"orders": orders})

        async def later(request, pk):
            order = await Order.objects.aget(pk=pk)
            return TemplateResponse(request, "shop/detail.html", {"order": order})

        async def elsewhere(request, pk, name):
            order = await Order.objects.aget(pk=pk)
            return render(request, "shop/missing.html", {"order": order}) or render(request, name, {"order": order})

        async def plain(request, pk):
            order = await Order.objects.only("number").aget(pk=pk)
            return render(request, "shop/list.html", {"orders": [order.number]})

        def sync_detail(request, pk):
            return render(request, "shop/detail.html", {"order": Order.objects.get(pk=pk)})
    """) == []


def test_an_inline_template_is_read_too(project):
    found = project("""
        from django.http import HttpResponse
        from django.template import Context, Template
        from shop.models import Order

        PAGE = Template("{% for item in order.items.all %}{{ item.product.name }}{% endfor %}")

        async def detail(request, pk):
            order = await Order.objects.prefetch_related("items").aget(pk=pk)
            return HttpResponse(PAGE.render(Context({"order": order})))
    """)
    assert [(f.line, f.code) for f in found] == [(10, "DJA203")]
    assert "`order.items.product`" not in found[0].message and 'prefetch_related("items__product")' in found[0].hint
